import Foundation
import MultiprocessingTestSupport
import Testing

/// Runs CPython's own manager regression tests (`test/_test_multiprocessing.py`) against `swift-multiprocessing serve`.
///
/// The runner, `Scripts/cpython-manager-tests.py`, starts a fresh server per test class with
/// `MP_AUTHKEY={authkey} swift-multiprocessing serve --unix {address}`, points `multiprocessing.Manager()` at it
/// and runs the suite's `WithManager*` classes and `TestSyncManagerTypes` (see `Scripts/cpython-manager-tests.md`).
/// It exits 0 only when no selected test failed.
///
/// The executable is the one built next to the test bundle (``BuildProducts/cli``: the products directory the test
/// binary runs from, `.build/debug` as a fallback); `SWIFT_MULTIPROCESSING_EXECUTABLE` overrides it.
@Suite("CPython's manager regression suite", .timeLimit(.minutes(15)))
struct CPythonRegressionSuiteTests {
    /// The runner's per-class timeout, in seconds: a hung test fails, the tests after it run with a fresh server.
    private static let classTimeoutSeconds = 60
    /// The runner stops starting classes after this many seconds, well inside the suite's time limit.
    private static let totalTimeoutSeconds = 600
    /// How long this test waits for the runner before killing it.
    private static let runnerDeadline = Duration.seconds(780)

    @Test("every selected test of CPython's manager suite passes against swift-multiprocessing serve")
    func cpythonManagerSuitePasses() async throws {
        let runner = BuildProducts.packageRoot.appendingPathComponent("Scripts/cpython-manager-tests.py")
        let server = ProcessInfo.processInfo.environment["SWIFT_MULTIPROCESSING_EXECUTABLE"] ?? BuildProducts.cli.path
        try #require(
            FileManager.default.isExecutableFile(atPath: server),
            "\(server) is not an executable: build the swift-multiprocessing product first"
        )
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("cpython-manager-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let runnerProcess = try TestProcess(Python.python3, [
            runner.path,
            // The key goes in the environment (`env` passes it on): `--authkey-hex` would print its warning.
            "--server-cmd", "env MP_AUTHKEY={authkey} \(Self.shellQuoted(server)) serve --unix {address}",
            "--timeout", String(Self.classTimeoutSeconds),
            "--total-timeout", String(Self.totalTimeoutSeconds),
            "--json", scratch.appendingPathComponent("results.json").path,
        ])
        let status = await runnerProcess.waitForExit(timeout: Self.runnerDeadline)
        let output = runnerProcess.standardOutput
        print(output)
        print(runnerProcess.standardError)

        let summary = output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(status == 0, "the runner exited with \(status.map(String.init) ?? "no status (killed)"): \(summary)")
        #expect(
            summary.range(of: #"^\d+ passed, 0 failed, \d+ skipped$"#, options: .regularExpression) != nil,
            "the runner's last line is \"\(summary)\""
        )
    }

    /// Quotes `text` for the runner's POSIX shell-style splitting of `--server-cmd`.
    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
