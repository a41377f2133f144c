import Foundation
import Testing

/// Runs a real `python3` (3.11) to tell what CPython does, one process per call.
enum Python3Oracle {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `script` with the path of a file holding `input` as `sys.argv[1]`; returns its stdout lines.
    ///
    /// The script must print exactly one line per answer. Output goes to a file, so no pipe can fill up.
    static func lines(script: String, input: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pickle-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("input.txt")
        let outputURL = directory.appendingPathComponent("output.txt")
        let errorURL = directory.appendingPathComponent("error.txt")
        try Data(input.utf8).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, inputURL.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        process.waitUntilExit()
        let output = try String(contentsOf: outputURL, encoding: .utf8)
        guard process.terminationStatus == 0 else {
            let error = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw Failure(description: "python3 exited with \(process.terminationStatus): \(error)")
        }
        var lines = output.components(separatedBy: "\n")
        if lines.last == "" {
            lines.removeLast()
        }
        return lines
    }

    /// `repr(eval(expression))` for each expression, by CPython.
    static func reprs(of expressions: [String]) throws -> [String] {
        let script = """
            import sys, math, collections, array
            nan = float('nan'); inf = float('inf')
            for line in open(sys.argv[1], encoding='utf-8'):
                print(repr(eval(line)))
            """
        return try self.lines(script: script, input: expressions.joined(separator: "\n") + "\n")
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
