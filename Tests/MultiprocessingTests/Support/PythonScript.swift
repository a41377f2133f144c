import Foundation
import Synchronization

/// Runs a Python script to its end and returns its exit status and output, failing if it runs past `timeout`.
func runPython(
    _ script: String,
    arguments: [String],
    executable: String = PythonInterpreter.python3,
    timeout: Duration = .seconds(60)
) async throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    let collected = Mutex((output: Data(), errors: Data()))
    let outputDone = Latch<Bool>()
    let errorsDone = Latch<Bool>()
    output.fileHandleForReading.readabilityHandler = { handle in
        let data = handle.availableData
        if data.isEmpty {
            handle.readabilityHandler = nil
            outputDone.resolve(true)
        } else {
            collected.withLock { $0.output.append(data) }
        }
    }
    errors.fileHandleForReading.readabilityHandler = { handle in
        let data = handle.availableData
        if data.isEmpty {
            handle.readabilityHandler = nil
            errorsDone.resolve(true)
        } else {
            collected.withLock { $0.errors.append(data) }
        }
    }
    let exited = Latch<Int32>()
    process.terminationHandler = { exited.resolve($0.terminationStatus) }
    try process.run()
    guard let status = await exited.wait(timeout: timeout) else {
        process.terminate()
        throw TestFailure("the Python script did not finish within \(timeout)")
    }
    _ = await outputDone.wait(timeout: .seconds(10))
    _ = await errorsDone.wait(timeout: .seconds(10))
    let (out, err) = collected.withLock { ($0.output, $0.errors) }
    return (status, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}
