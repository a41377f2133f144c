import Foundation
import Testing

/// Runs CPython's own manager regression tests (`test/_test_multiprocessing.py`) against `swift-multiprocessing serve`.
///
/// The runner, `Scripts/cpython-manager-tests.py`, starts a fresh server per test class with
/// `swift-multiprocessing serve --unix {address} --authkey-hex {authkey}`, points `multiprocessing.Manager()` at it
/// and runs the suite's `WithManager*` classes and `TestSyncManagerTypes` (see `Scripts/cpython-manager-tests.md`).
/// It exits 0 only when no selected test failed.
@Suite("CPython's manager regression suite", .timeLimit(.minutes(15)))
struct CPythonRegressionSuiteTests {
    /// The runner's per-class timeout, in seconds: a hung test fails, the tests after it run with a fresh server.
    private static let classTimeoutSeconds = 60
    /// The runner stops starting classes after this many seconds, well inside the suite's time limit.
    private static let totalTimeoutSeconds = 600
    /// How long this test waits for the runner before terminating it.
    private static let runnerDeadline = Duration.seconds(780)

    @Test("every selected test of CPython's manager suite passes against swift-multiprocessing serve")
    func cpythonManagerSuitePasses() async throws {
        let packageRoot = Self.packageRoot()
        let runner = packageRoot.appendingPathComponent("Scripts/cpython-manager-tests.py")
        let server = try #require(
            ProductLocator.executable(named: "swift-multiprocessing", packageRoot: packageRoot),
            "swift-multiprocessing was not found next to the test bundle nor in .build/debug: build it first"
        )
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("cpython-manager-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputURL = scratch.appendingPathComponent("output.txt")
        let jsonURL = scratch.appendingPathComponent("results.json")

        let serverCommand = "\(Self.shellQuoted(server.path)) serve --unix {address} --authkey-hex {authkey}"
        let arguments = [
            "python3", runner.path,
            "--server-cmd", serverCommand,
            "--timeout", String(Self.classTimeoutSeconds),
            "--total-timeout", String(Self.totalTimeoutSeconds),
            "--json", jsonURL.path,
        ]
        let status = try await Self.run(arguments, outputTo: outputURL, deadline: Self.runnerDeadline)
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "(no output)"
        print(output)

        let summary = output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(status == 0, "the runner exited with \(status.map(String.init) ?? "no status (timed out)"): \(summary)")
        #expect(
            summary.range(of: #"^\d+ passed, 0 failed, \d+ skipped$"#, options: .regularExpression) != nil,
            "the runner's last line is \"\(summary)\""
        )
    }

    /// The package root, three levels above this file (`Tests/InteropTests/<file>`).
    private static func packageRoot(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Quotes `text` for the runner's POSIX shell-style splitting of `--server-cmd`.
    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Runs `arguments` through `/usr/bin/env`, stdout and stderr to `outputURL`.
    ///
    /// - Returns: The exit status, or `nil` when the process did not exit before `deadline` and was terminated.
    private static func run(_ arguments: [String], outputTo outputURL: URL, deadline: Duration) async throws -> Int32? {
        try #require(
            FileManager.default.createFile(atPath: outputURL.path, contents: nil),
            "could not create \(outputURL.path)"
        )
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }

        let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { finished in
            exited.yield(finished.terminationStatus)
            exited.finish()
        }
        try process.run()

        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await status in exits {
                    return status
                }
                return nil
            }
            group.addTask {
                // A bound on the wait, not synchronisation: the runner's own timeouts end it well before this.
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if status == nil, process.isRunning {
            process.terminate()
        }
        return status
    }
}

/// Finds an executable product of this package for a test.
///
/// SwiftPM puts executables and test bundles in the same products directory (`.build/<triple>/debug`, which
/// `.build/debug` links to). The test bundle knows where it is loaded from: on Linux `Bundle.main` is the directory of
/// the `…PackageTests.xctest` executable; on macOS the loaded `.xctest` bundle lies in that directory. When neither
/// holds the product (a custom build path, say), the conventional `.build/debug` of the package root is tried, and
/// `SWIFT_MULTIPROCESSING_EXECUTABLE` overrides everything.
enum ProductLocator {
    /// The URL of the executable product `name`, or `nil` when no candidate directory holds it.
    ///
    /// - Parameters:
    ///   - name: The product name, such as `swift-multiprocessing`.
    ///   - packageRoot: The package root, for the `.build/debug` fallback.
    static func executable(named name: String, packageRoot: URL) -> URL? {
        if let override = ProcessInfo.processInfo.environment["SWIFT_MULTIPROCESSING_EXECUTABLE"] {
            return URL(fileURLWithPath: override)
        }
        var directories = [Bundle.main.bundleURL]
        directories += Bundle.allBundles
            .map(\.bundleURL)
            .filter { $0.pathExtension == "xctest" }
            .map { $0.deletingLastPathComponent() }
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        return directories
            .map { $0.appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
