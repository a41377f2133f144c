import MultiprocessingTestSupport

/// Runs a Python script to its end and returns its exit status and output, failing if it runs past `timeout`.
func runPython(
    _ script: String,
    arguments: [String],
    executable: String = Python.python3,
    timeout: Duration = .seconds(60)
) async throws -> (status: Int32, output: String, errors: String) {
    let run = try await TestProcess.run(executable, ["-c", script] + arguments, timeout: timeout)
    return (run.status, run.standardOutput, run.standardError)
}
