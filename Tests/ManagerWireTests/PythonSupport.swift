import Foundation

/// A CPython interpreter the interop tests run: `python3` (3.11) and, when pyenv has them, 3.12 and 3.13.
struct PythonInterpreter: Sendable, CustomStringConvertible {
    /// A short name for test output (`python3`, `3.12.1`).
    var name: String
    /// The command line that starts it, before the script's arguments.
    var command: [String]

    var description: String { self.name }

    /// `python3` from `PATH`, then the pyenv versions that are installed.
    static let available: [PythonInterpreter] = {
        var interpreters = [PythonInterpreter(name: "python3", command: ["/usr/bin/env", "python3"])]
        let root =
            ProcessInfo.processInfo.environment["PYENV_ROOT"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".pyenv")
        for version in ["3.12.1", "3.13.0"] {
            let path = "\(root)/versions/\(version)/bin/python"
            if FileManager.default.isExecutableFile(atPath: path) {
                interpreters.append(PythonInterpreter(name: version, command: [path]))
            }
        }
        return interpreters
    }()
}

/// The outcome of a Python process.
struct PythonResult: Sendable {
    var status: Int32
    var output: String
    var errorOutput: String
}

/// A Python process started by a test; it is killed if it outlives its time limit.
final class PythonProcess: @unchecked Sendable {
    // `Process` is used from the test task and its termination handler only; `exited` is guarded by `lock`.
    private let process = Process()
    private let outputPipe = Pipe()
    private let errorPipe = Pipe()
    private let lock = NSLock()
    private var exited: CheckedContinuation<Void, Never>?
    private var hasExited = false

    /// Starts `script` (passed with `-c`) with `arguments` under `interpreter`.
    init(_ interpreter: PythonInterpreter, script: String, arguments: [String]) throws {
        self.process.executableURL = URL(fileURLWithPath: interpreter.command[0])
        self.process.arguments = Array(interpreter.command.dropFirst()) + ["-c", script] + arguments
        self.process.standardOutput = self.outputPipe
        self.process.standardError = self.errorPipe
        self.process.terminationHandler = { [weak self] _ in
            guard let self else { return }
            self.lock.lock()
            self.hasExited = true
            let continuation = self.exited
            self.exited = nil
            self.lock.unlock()
            continuation?.resume()
        }
        try self.process.run()
    }

    /// Waits for the process to exit, killing it after `timeout`.
    func result(timeout: Duration = .seconds(30)) async throws -> PythonResult {
        let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    self.lock.lock()
                    if self.hasExited {
                        self.lock.unlock()
                        continuation.resume()
                    } else {
                        self.exited = continuation
                        self.lock.unlock()
                    }
                }
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let first = try await group.next() ?? false
            if !first {
                self.process.terminate()
                _ = try? await group.next()
            }
            group.cancelAll()
            return first
        }
        let output = String(decoding: self.outputPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: self.errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard finished else {
            throw PythonTimeout(output: output, errorOutput: errors)
        }
        return PythonResult(status: self.process.terminationStatus, output: output, errorOutput: errors)
    }

    /// Kills the process if it still runs.
    func terminate() {
        if self.process.isRunning {
            self.process.terminate()
        }
    }
}

/// A Python process did not finish in time.
struct PythonTimeout: Error, CustomStringConvertible {
    var output: String
    var errorOutput: String
    var description: String { "the Python process timed out; stdout: \(self.output) stderr: \(self.errorOutput)" }
}

/// A fresh short temporary directory (Unix socket paths are limited to ~100 bytes).
func makeTemporaryDirectory() throws -> String {
    let path = "/tmp/mw-\(UInt32.random(in: .min ... .max))-\(UInt32.random(in: .min ... .max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Waits until `path` exists, up to `timeout`; throws if it never appears or `process` exits first.
func waitForFile(_ path: String, timeout: Duration = .seconds(20)) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while !FileManager.default.fileExists(atPath: path) {
        guard clock.now < deadline else {
            throw PythonTimeout(output: "", errorOutput: "\(path) did not appear within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
