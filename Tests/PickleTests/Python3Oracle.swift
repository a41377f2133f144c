import Foundation
import MultiprocessingTestSupport
import Testing

/// Runs a real `python3` (3.11) to tell what CPython does, one process per call.
enum Python3Oracle {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `script` with the path of a file holding `input` as `sys.argv[1]`; returns its stdout lines.
    ///
    /// The script must print exactly one line per answer.
    static func lines(script: String, input: String) async throws -> [String] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pickle-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("input.txt")
        try Data(input.utf8).write(to: inputURL)

        let run = try await TestProcess.run(
            Python.python3,
            ["-c", script, inputURL.path],
            environment: ["PYTHONIOENCODING": "utf-8"],
            timeout: .seconds(120)
        )
        guard run.status == 0 else {
            throw Failure(description: "python3 exited with \(run.status): \(run.standardError)")
        }
        var lines = run.standardOutput.components(separatedBy: "\n")
        if lines.last == "" {
            lines.removeLast()
        }
        return lines
    }

    /// `repr(eval(expression))` for each expression, by CPython.
    static func reprs(of expressions: [String]) async throws -> [String] {
        let script = """
            import sys, math, collections, array
            nan = float('nan'); inf = float('inf')
            for line in open(sys.argv[1], encoding='utf-8'):
                print(repr(eval(line)))
            """
        return try await self.lines(script: script, input: expressions.joined(separator: "\n") + "\n")
    }
}

/// A random number generator with a fixed seed, so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        // SplitMix64.
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
