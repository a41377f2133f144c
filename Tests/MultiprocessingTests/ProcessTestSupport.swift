import Foundation
import MultiprocessingTestSupport

/// Where the executables the process tests start are: the build products directory of this test run.
///
/// `swift test` builds every product of the package into the directory that also holds the test bundle
/// (`.build/<triple>/debug/`), which is the directory of the running test executable on Linux. If that directory
/// lacks them (a test runner elsewhere), the package's own `.build/debug/` is tried.
enum BuildProducts {
    /// The directory holding the package's executables.
    static let directory: URL = {
        let candidates = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ]
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("multiprocessing-test-worker").path)
        }
            ?? candidates[0]
    }()

    /// The path of the executable product `name`.
    static func path(of name: String) -> String {
        self.directory.appendingPathComponent(name).path
    }

    /// The test worker, which registers the tasks the process and pool tests run.
    static var testWorker: String { self.path(of: "multiprocessing-test-worker") }
}

/// What a program printed and how it ended.
struct ProgramRun {
    var standardOutput: String
    var standardError: String
    var status: Int32

    /// The lines of standard output.
    var lines: [String] {
        self.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter {
            !$0.isEmpty
        }
    }
}

/// Runs an executable product to its end, killing it (and failing) if it runs longer than `timeout`.
func runProgram(_ path: String, arguments: [String] = [], timeout: Duration = .seconds(60)) async throws -> ProgramRun {
    let run = try await TestProcess.run(path, arguments, timeout: timeout)
    return ProgramRun(standardOutput: run.standardOutput, standardError: run.standardError, status: run.status)
}
