import Foundation
import MultiprocessingTestSupport

/// A CPython interpreter the interop tests run: `python3` (3.11) and, when pyenv has them, 3.12 and 3.13.
struct PythonInterpreter: Sendable, CustomStringConvertible {
    /// A short name for test output (`python3`, `3.12.1`).
    var name: String
    /// The command line that starts it, before the script's arguments.
    var command: [String]

    var description: String { self.name }

    /// `python3` from `PATH`, then the pyenv versions that are installed.
    static let available: [PythonInterpreter] =
        [PythonInterpreter(name: "python3", command: [Python.python3])]
        + ["3.12.1", "3.13.0"].compactMap { version in
            Python.pyenv(version).map { PythonInterpreter(name: version, command: [$0]) }
        }
}

/// The outcome of a Python process.
struct PythonResult: Sendable {
    var status: Int32
    var output: String
    var errorOutput: String
}

/// A Python process started by a test; it is killed if it outlives its time limit, and exits when its standard
/// input closes (when the test stops it, or the test process dies).
final class PythonProcess: Sendable {
    private let process: TestProcess

    /// Starts `script` (passed with `-c`, after ``Python/exitAtEndOfInput``) with `arguments` under `interpreter`.
    init(_ interpreter: PythonInterpreter, script: String, arguments: [String]) throws {
        self.process = try TestProcess(
            interpreter.command[0],
            Array(interpreter.command.dropFirst()) + ["-c", Python.server(script)] + arguments
        )
    }

    /// Waits for the process to exit, killing it after `timeout`.
    func result(timeout: Duration = .seconds(30)) async throws -> PythonResult {
        guard let status = await self.process.waitForExit(timeout: timeout) else {
            throw PythonTimeout(output: self.process.standardOutput, errorOutput: self.process.standardError)
        }
        return PythonResult(
            status: status,
            output: self.process.standardOutput,
            errorOutput: self.process.standardError
        )
    }

    /// Stops the process if it still runs, and waits (bounded) until it has.
    func stop() async {
        await self.process.stop()
    }

    /// Runs `body`, then stops the process, whether `body` returned or threw.
    func stopping<Result>(
        isolation: isolated (any Actor)? = #isolation,
        after body: () async throws -> Result
    ) async rethrows -> Result {
        try await self.process.stopping(after: body)
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
