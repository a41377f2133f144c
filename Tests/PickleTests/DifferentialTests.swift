import Foundation
import MultiprocessingTestSupport
import Pickle
import Testing

/// Differential tests: Swift decodes CPython's pickles and re-encodes them; CPython loads both and compares.
@Suite("Differential against CPython", .timeLimit(.minutes(5)))
struct DifferentialTests {
    /// The committed corpus (see Scripts/make-pickle-corpus.py).
    static var fixturesDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// Decodes every pickle in `corpus`, writes its re-encodings with protocols 2–5 into `output`, and returns
    /// the manifest lines `original<TAB>re-encoding`.
    static func reencode(corpus: URL, output: URL) throws -> (lines: [(String, String, Int)], pickles: Int) {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".pkl") }
            .sorted()
        var lines: [(String, String, Int)] = []
        for name in names {
            let original = corpus.appendingPathComponent(name)
            let bytes = [UInt8](try Data(contentsOf: original))
            let value: PythonValue
            do {
                value = try PickleReader().read(bytes)
            } catch {
                Issue.record("\(name): \(error)")
                continue
            }
            for protocolVersion in 2...5 {
                let encoded: [UInt8]
                do {
                    encoded = try PickleWriter(protocolVersion: protocolVersion).write(value)
                    // Idempotence: decoding our own output and writing it again gives the same bytes.
                    let again = try PickleWriter(protocolVersion: protocolVersion).write(try PickleReader().read(encoded))
                    #expect(again == encoded, "\(name) protocol \(protocolVersion): re-encoding is not stable")
                } catch {
                    Issue.record("\(name) protocol \(protocolVersion): \(error)")
                    continue
                }
                let candidate = output.appendingPathComponent(
                    name.replacingOccurrences(of: ".pkl", with: ".swift-p\(protocolVersion).pkl")
                )
                try Data(encoded).write(to: candidate)
                lines.append((original.path, candidate.path, protocolVersion))
            }
        }
        return (lines, names.count)
    }

    /// Runs the round-trip checker with `python` over `lines`; returns its JSON summary.
    static func check(
        python: String,
        lines: [(String, String, Int)],
        in directory: URL
    ) async throws -> [String: Any] {
        let manifest = directory.appendingPathComponent("manifest-\(UUID().uuidString).tsv")
        try lines.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
        let checker = self.fixturesDirectory.appendingPathComponent("check_roundtrip.py").path
        let result = try await runProcess(python, [checker, manifest.path], timeout: 240)
        if result.status != 0 {
            Issue.record("\(python) reported mismatches:\n\(result.standardError.prefix(4000))")
        }
        let data = Data(result.standardOutput.utf8)
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pickle-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The `python` of a pyenv version, if installed.
    static func pyenvPython(_ version: String) async -> String? {
        guard let result = try? await runProcess("/usr/bin/env", ["pyenv", "prefix", version], timeout: 30),
            result.status == 0
        else { return nil }
        let path = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/python"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    @Test("every committed fixture re-encodes (protocols 2–5) to a value CPython 3 finds equal")
    func committedCorpus() async throws {
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let corpus = Self.fixturesDirectory.appendingPathComponent("corpus")
        let (lines, pickles) = try Self.reencode(corpus: corpus, output: output)
        #expect(pickles > 300)
        #expect(lines.count == pickles * 4)
        let summary = try await Self.check(python: "/usr/bin/python3", lines: lines, in: output)
        #expect(summary["checked"] as? Int == lines.count)
        #expect(summary["failed"] as? Int == 0)
        print("differential python3: \(pickles) fixtures, \(lines.count) re-encodings, summary \(summary)")
    }

    @Test("re-encodings with protocols 2–4 load as equal values in CPython 3.6")
    func python36() async throws {
        guard let python = await Self.pyenvPython("3.6.15") else {
            print("CPython 3.6.15 is not installed; skipped")
            return
        }
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let corpus = Self.fixturesDirectory.appendingPathComponent("corpus")
        let (all, _) = try Self.reencode(corpus: corpus, output: output)
        let lines = all.filter { $0.2 <= 4 && !$0.0.hasSuffix("-p5.pkl") }
        let summary = try await Self.check(python: python, lines: lines, in: output)
        #expect(summary["checked"] as? Int == lines.count)
        #expect(summary["failed"] as? Int == 0)
        print("differential python3.6: \(lines.count) re-encodings, summary \(summary)")
    }

    @Test("a freshly generated corpus re-encodes to values CPython 3 finds equal")
    func freshCorpus() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/make-pickle-corpus.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            print("Scripts/make-pickle-corpus.py not found in the source tree; skipped")
            return
        }
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let corpus = output.appendingPathComponent("corpus")
        let generated = try await runProcess(
            "/usr/bin/python3",
            [script.path, "--out", corpus.path, "--random-count", "60"],
            timeout: 120
        )
        #expect(generated.status == 0, "\(generated.standardError)")
        let (lines, pickles) = try Self.reencode(corpus: corpus, output: output)
        let summary = try await Self.check(python: "/usr/bin/python3", lines: lines, in: output)
        #expect(summary["failed"] as? Int == 0)
        print("differential fresh corpus: \(pickles) pickles, \(lines.count) re-encodings, summary \(summary)")
    }
}

/// The result of a finished child process.
struct ProcessResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs a program to completion, killing it after `timeout` seconds (a hang becomes a failure).
func runProcess(
    _ executable: String,
    _ arguments: [String],
    input: Data? = nil,
    timeout: Double
) async throws -> ProcessResult {
    let run = try await TestProcess.run(
        executable,
        arguments,
        input: input.map { [UInt8]($0) } ?? [],
        timeout: .milliseconds(Int64(timeout * 1000))
    )
    return ProcessResult(status: run.status, standardOutput: run.standardOutput, standardError: run.standardError)
}
