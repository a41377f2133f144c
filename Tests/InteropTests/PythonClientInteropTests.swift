import Foundation
import MultiprocessingTestSupport
import Testing

/// Stock CPython clients (`SyncManager(address, authkey).connect()`) against `swift-multiprocessing serve`,
/// compared with the same script against CPython's own server.
@Suite("Python clients against our server", .timeLimit(.minutes(5)))
struct PythonClientInteropTests {
    /// 3.11 (the machine's `python3`), one of 3.8–3.10 and one of 3.12–3.13.
    static let interpreters: [String] =
        [Python.python3] + [Python.pyenv("3.8.18"), Python.pyenv("3.13.0")].compactMap { $0 }

    @Test("every SyncManager type behaves as on CPython's server", arguments: Self.interpreters)
    func everyTypeMatchesCPython(python: String) async throws {
        let reference = try await Self.runScript(against: .cpython, python: python)
        let ours = try await Self.runScript(against: .swift, python: python)
        let referenceLines = reference.split(separator: "\n", omittingEmptySubsequences: false)
        let ourLines = ours.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(referenceLines.count > 90, "the reference run printed too little:\n\(reference)")
        for (expected, actual) in zip(referenceLines, ourLines) {
            #expect(actual == expected)
        }
        #expect(ourLines.count == referenceLines.count, "our run printed:\n\(ours)")
    }

    /// Runs the script with `python` as the client; the reference server is always CPython 3.11, whose
    /// semantics and messages this server reproduces (3.8 and 3.13 word a few errors differently).
    static func runScript(against flavor: ServerUnderTest.Flavor, python: String) async throws -> String {
        let server = try await ServerUnderTest.start(flavor, python: Python.python3)
        return try await server.stopping {
            let script = BuildProducts.script("exercise_manager.py").path
            let client = try TestProcess(python, [script, server.address, server.keyHex])
            guard let status = await client.waitForExit(timeout: .seconds(120)) else {
                throw InteropFailure(
                    "the client script hung against the \(flavor) server:\n"
                        + "\(client.standardOutput)\n\(client.standardError)"
                )
            }
            #expect(status == 0, "the client script failed against the \(flavor) server: \(client.standardError)")
            return client.standardOutput
        }
    }
}
