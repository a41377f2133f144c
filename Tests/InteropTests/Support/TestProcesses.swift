import Foundation
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

/// CPython interpreters on this machine.
enum Pythons {
    /// `python3` (3.11 on the project's machines).
    static let default3 = "python3"

    /// The interpreter of a pyenv version (`3.12.1`), if installed.
    static func pyenv(_ version: String) -> String? {
        let root = ProcessInfo.processInfo.environment["PYENV_ROOT"] ?? (NSHomeDirectory() + "/.pyenv")
        let path = "\(root)/versions/\(version)/bin/python"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}

/// A child process whose output is collected, with bounded waits.
final class RunningProcess: @unchecked Sendable {
    // @unchecked: `process` is only mutated before `run()`; output is read through `Pipe`s, whose file handles
    // are thread-safe, and `outputLines` is guarded by `lock`.
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let exited = DispatchSemaphore(value: 0)
    /// Yields whenever output arrives or the process exits, so waiters re-check without polling.
    private let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        (self.changes, self.changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        if executable.contains("/") {
            self.process.executableURL = URL(fileURLWithPath: executable)
            self.process.arguments = arguments
        } else {
            self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            self.process.arguments = [executable] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        self.process.environment = env
        self.process.standardOutput = self.stdoutPipe
        self.process.standardError = self.stderrPipe
        self.process.standardInput = FileHandle.nullDevice
        self.stdoutPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.stdoutData.append(data) }
            self.changed.yield()
        }
        self.stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.stderrData.append(data) }
        }
        self.process.terminationHandler = { [exited, changed] _ in
            exited.signal()
            changed.yield()
        }
        try self.process.run()
    }

    var standardOutput: String { self.lock.withLock { String(decoding: self.stdoutData, as: UTF8.self) } }
    var standardError: String { self.lock.withLock { String(decoding: self.stderrData, as: UTF8.self) } }

    /// Waits until a line of standard output satisfies `predicate`, or `timeout` passes.
    func waitForLine(timeout: Duration, where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { [self] in
                var changes = self.changes.makeAsyncIterator()
                repeat {
                    if let line = self.standardOutput.split(separator: "\n").map(String.init).first(where: predicate) {
                        return line
                    }
                    if !self.process.isRunning { return nil }
                } while await changes.next() != nil
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)  // the deadline, not a synchronisation
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Waits for the process to exit; returns its status, or `nil` (after killing it) if `timeout` passes.
    func waitForExit(timeout: Duration) async -> Int32? {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let exited = self.exited
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: exited.wait(timeout: .now() + seconds))
            }
        }
        guard result == .success else {
            self.process.interrupt()
            kill(self.process.processIdentifier, SIGKILL)
            return nil
        }
        // Let the readability handlers drain what is left in the pipes.
        let rest = self.stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        let restErr = self.stderrPipe.fileHandleForReading.readDataToEndOfFile()
        self.lock.withLock {
            self.stdoutData.append(rest)
            self.stderrData.append(restErr)
        }
        return self.process.terminationStatus
    }

    func terminate() {
        if self.process.isRunning { self.process.terminate() }
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
    }
}

/// A manager server under test: ours (`swift-multiprocessing serve`) or CPython's.
struct ServerUnderTest {
    enum Flavor: String, CustomStringConvertible, Sendable {
        case swift, cpython
        var description: String { self.rawValue }
    }

    let process: RunningProcess
    let address: String
    let keyHex: String
    let directory: URL

    /// Starts a server on a new Unix socket and waits (bounded) for it to listen.
    static func start(
        _ flavor: Flavor, python: String = Pythons.default3, extraArguments: [String] = []
    ) async throws -> ServerUnderTest {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mp-interop-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("manager.sock").path
        let keyHex = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let process: RunningProcess
        switch flavor {
        case .swift:
            process = try RunningProcess(
                BuildProducts.cli.path, ["serve", "--unix", socket, "--authkey-hex", keyHex] + extraArguments
            )
        case .cpython:
            process = try RunningProcess(python, [
                "-c",
                """
                import sys
                from multiprocessing.managers import SyncManager
                s = SyncManager(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2])).get_server()
                print('listening on', s.address, flush=True)
                s.serve_forever()
                """,
                socket, keyHex,
            ])
        }
        guard await process.waitForLine(timeout: .seconds(60), where: { $0.hasPrefix("listening on") }) != nil else {
            process.terminate()
            throw InteropFailure("the \(flavor) server did not start: \(process.standardError)")
        }
        return ServerUnderTest(process: process, address: socket, keyHex: keyHex, directory: directory)
    }

    func stop() async {
        self.process.terminate()
        _ = await self.process.waitForExit(timeout: .seconds(10))
        try? FileManager.default.removeItem(at: self.directory)
    }
}

struct InteropFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
