import Foundation
import MultiprocessingTestSupport
import Testing

/// Keys, socket files and admission before authentication, against real `swift-multiprocessing serve` processes
/// and stock python3 clients (`Scripts/admission.py`).
@Suite("Admission, keys and sockets", .timeLimit(.minutes(3)))
struct AdmissionAndKeyTests {
    @Test("an empty key is no key: serve refuses to start with it and says why", arguments: ["hex", "file", "env"])
    func emptyKeyRefused(source: String) async throws {
        let place = try Place()
        defer { place.remove() }
        let empty = place.directory.appendingPathComponent("empty.key").path
        try Data().write(to: URL(fileURLWithPath: empty))
        var arguments = ["serve", "--tcp", "127.0.0.1:0"]
        var environment: [String: String] = [:]
        switch source {
        case "hex": arguments += ["--authkey-hex", ""]
        case "file": arguments += ["--authkey-file", empty]
        default: environment["MP_AUTHKEY"] = ""
        }
        await Self.expectRefusal(arguments, environment: environment, saying: ["empty authkey", "--allow-no-authkey"])
    }

    @Test("a Unix socket without a key needs --allow-no-authkey")
    func keylessUnixRefused() async throws {
        let place = try Place()
        defer { place.remove() }
        await Self.expectRefusal(["serve", "--unix", place.socket], saying: ["without an authkey"])
        #expect(!FileManager.default.fileExists(atPath: place.socket))
        let allowed = try await place.serve(["--allow-no-authkey"])
        try await allowed.stopping {
            let mode = try Self.mode(of: place.socket)
            #expect(mode == 0o600)
        }
    }

    @Test("the socket file is created with mode 0600 under umask 000, and the server serves")
    func socketMode() async throws {
        let place = try Place()
        defer { place.remove() }
        let server = try await place.serve([], prefix: ["/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\""])
        try await server.stopping {
            let mode = try Self.mode(of: place.socket)
            #expect(mode == 0o600)
            try await place.runScript("serves")
        }
    }

    @Test("a second server on a live socket path fails, and the first keeps serving")
    func secondServerRefused() async throws {
        let place = try Place()
        defer { place.remove() }
        let first = try await place.serve([])
        try await first.stopping {
            await Self.expectRefusal(
                ["serve", "--unix", place.socket, "--authkey-file", place.keyFile],
                saying: ["another server is accepting connections"]
            )
            try await place.runScript("serves")
        }
    }

    @Test("a stale socket file nobody listens on is replaced")
    func staleSocketReplaced() async throws {
        let place = try Place()
        defer { place.remove() }
        let first = try await place.serve([])
        kill(first.pid, SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(30))
        #expect(FileManager.default.fileExists(atPath: place.socket), "SIGKILL leaves the socket file behind")
        let second = try await place.serve([])
        try await second.stopping { try await place.runScript("serves") }
    }

    @Test("a server shutting down leaves another server's socket at its path alone")
    func shutdownLeavesOtherSocket() async throws {
        let place = try Place()
        defer { place.remove() }
        let first = try await place.serve([])
        try FileManager.default.removeItem(atPath: place.socket)
        let second = try await place.serve([])
        try await second.stopping {
            #expect(await first.stop() == .exited(0))
            #expect(FileManager.default.fileExists(atPath: place.socket))
            try await place.runScript("serves")
        }
        #expect(!FileManager.default.fileExists(atPath: place.socket), "the second server removes its own socket")
    }

    @Test("N silent unauthenticated sockets do not lock out a client at --max-connections N")
    func silentSockets() async throws {
        let place = try Place()
        defer { place.remove() }
        let server = try await place.serve(["--max-connections", "4", "--handshake-timeout", "60"])
        try await server.stopping { try await place.runScript("silent", "4") }
    }

    @Test("beyond the pending-handshake cap the oldest silent socket is closed and a client is served")
    func pendingCap() async throws {
        let place = try Place()
        defer { place.remove() }
        let server = try await place.serve(["--max-pending-handshakes", "4", "--handshake-timeout", "60"])
        try await server.stopping { try await place.runScript("flood", "40") }
        #expect(server.standardError.contains("closed the oldest connection still in its handshake"))
    }

    @Test("out of descriptors the server backs off instead of spinning, and lowers --max-connections")
    func descriptorExhaustion() async throws {
        let place = try Place()
        defer { place.remove() }
        let server = try await place.serve(
            ["--max-connections", "1000", "--handshake-timeout", "60"], prefix: ["prlimit", "--nofile=64:64"]
        )
        try await server.stopping { try await place.runScript("descriptors", "\(server.pid)") }
        #expect(server.standardError.contains("lowering the connection limit from 1000"), "\(server.standardError)")
        #expect(server.standardError.contains("accepting a connection failed"), "\(server.standardError)")
    }

    @Test("a forged newline in a client's handshake frame is escaped in the log")
    func forgedLogLine() async throws {
        let place = try Place()
        defer { place.remove() }
        let server = try await place.serve([])
        try await server.stopping { try await place.runScript("forged") }
        let log = server.standardError
        #expect(log.contains("\"bad\\u{a}notice swift-multiprocessing.serve : forged\" (47 bytes)"), "\(log)")
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("notice swift-multiprocessing.serve : forged") })
    }

    @Test("--authkey-hex warns that the key is visible to other local users")
    func hexKeyWarns() async throws {
        let place = try Place()
        defer { place.remove() }
        let server = try await place.serve([], keyArguments: ["--authkey-hex", place.keyHex])
        try await server.stopping { try await place.runScript("serves") }
        #expect(server.standardError.contains("every local user can read"), "\(server.standardError)")
    }

    /// Runs the CLI with `arguments` and expects it to exit with an error whose standard error says each of `saying`.
    static func expectRefusal(
        _ arguments: [String], environment: [String: String] = [:], saying: [String]
    ) async {
        do {
            let process = try TestProcess(BuildProducts.cli.path, arguments, environment: environment)
            let status = await process.waitForExit(timeout: .seconds(60))
            #expect(status != nil && status != 0, "must exit with an error: \(process.standardOutput)")
            for text in saying {
                #expect(process.standardError.contains(text), "\(process.standardError)")
            }
        } catch {
            Issue.record("cannot run the CLI: \(error)")
        }
    }

    /// The permission bits of the file at `path`.
    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }
}

extension AdmissionAndKeyTests {
    /// A private directory with a socket path and a key file for one test.
    struct Place {
        let directory: URL
        let socket: String
        let keyHex: String
        let keyFile: String

        init() throws {
            self.directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("mp-admission-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
            self.socket = self.directory.appendingPathComponent("manager.sock").path
            let key = (0..<16).map { _ in UInt8.random(in: 0...255) }
            self.keyHex = key.map { String(format: "%02x", $0) }.joined()
            self.keyFile = self.directory.appendingPathComponent("manager.key").path
            try Data(key).write(to: URL(fileURLWithPath: self.keyFile))
        }

        /// Starts `serve` on the socket (through `prefix`, a command that runs the rest) and waits for it to listen.
        func serve(
            _ arguments: [String], prefix: [String] = [], keyArguments: [String]? = nil
        ) async throws -> TestProcess {
            let command = prefix + [BuildProducts.cli.path, "serve", "--unix", self.socket]
                + (keyArguments ?? (arguments.contains("--allow-no-authkey") ? [] : ["--authkey-file", self.keyFile]))
                + arguments
            let process = try TestProcess(command[0], Array(command.dropFirst()))
            guard await process.waitForLine(timeout: .seconds(60), where: { $0.hasPrefix("listening on") }) != nil
            else {
                await process.stop()
                throw InteropFailure("serve did not start: \(process.standardError)")
            }
            return process
        }

        /// Runs one case of `admission.py` and expects it to pass.
        func runScript(_ name: String, _ argument: String? = nil) async throws {
            let script = BuildProducts.script("admission.py").path
            let arguments = [script, name, self.socket, self.keyHex] + (argument.map { [$0] } ?? [])
            let client = try TestProcess(Python.python3, arguments)
            let status = await client.waitForExit(timeout: .seconds(90))
            #expect(client.standardOutput == "\(name): ok\n", "\(client.standardOutput)\(client.standardError)")
            #expect(status == 0)
        }

        func remove() {
            try? FileManager.default.removeItem(at: self.directory)
        }
    }
}
