import Foundation
import MultiprocessingTestSupport
import Testing

/// Paths of the package and its build products, for tests that run the built executables.
enum BuildProducts {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The directory holding the test bundle and the package's executables (`.build/debug` or `.build/release`).
    static var directory: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidate = bundle.deletingLastPathComponent()
        // The runner may be invoked with the bundle inside an `.xctest` directory.
        while !FileManager.default.fileExists(atPath: candidate.appendingPathComponent("swift-multiprocessing").path),
            candidate.path != "/"
        {
            candidate = candidate.deletingLastPathComponent()
        }
        if candidate.path == "/" {
            return Self.packageRoot.appendingPathComponent(".build/debug")
        }
        return candidate
    }

    /// The `swift-multiprocessing` executable.
    static var cli: URL { Self.directory.appendingPathComponent("swift-multiprocessing") }

    /// A script under `Tests/InteropTests/Scripts`.
    static func script(_ name: String) -> URL {
        Self.packageRoot.appendingPathComponent("Tests/InteropTests/Scripts/\(name)")
    }
}

/// A manager server under test: ours (`swift-multiprocessing serve`) or CPython's.
struct ServerUnderTest {
    enum Flavor: String, CustomStringConvertible, Sendable {
        case swift, cpython
        var description: String { self.rawValue }
    }

    let process: TestProcess
    let address: String
    let keyHex: String
    let directory: URL

    /// Starts a server on a new Unix socket and waits (bounded) for it to listen.
    static func start(
        _ flavor: Flavor, python: String = Python.python3, extraArguments: [String] = []
    ) async throws -> ServerUnderTest {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mp-interop-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("manager.sock").path
        let keyHex = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let process: TestProcess
        switch flavor {
        case .swift:
            // The key goes in the environment: `--authkey-hex` would print its warning about the command line.
            process = try TestProcess(
                BuildProducts.cli.path, ["serve", "--unix", socket] + extraArguments,
                environment: ["MP_AUTHKEY": keyHex]
            )
        case .cpython:
            process = try TestProcess(python, [
                "-c",
                Python.server(
                    """
                    import sys
                    from multiprocessing.managers import SyncManager
                    s = SyncManager(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2])).get_server()
                    print('listening on', s.address, flush=True)
                    s.serve_forever()
                    """
                ),
                socket, keyHex,
            ])
        }
        guard await process.waitForLine(timeout: .seconds(60), where: { $0.hasPrefix("listening on") }) != nil else {
            await process.stop()
            try? FileManager.default.removeItem(at: directory)
            throw InteropFailure("the \(flavor) server did not start: \(process.standardError)")
        }
        return ServerUnderTest(process: process, address: socket, keyHex: keyHex, directory: directory)
    }

    /// Runs `body`, then stops the server (`SIGTERM`, then `SIGKILL` if it lingers; a bounded wait) and removes its
    /// directory, whether `body` returned or threw.
    func stopping<Result>(
        isolation: isolated (any Actor)? = #isolation,
        after body: () async throws -> Result
    ) async rethrows -> Result {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        return try await self.process.stopping(after: body)
    }
}

struct InteropFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
