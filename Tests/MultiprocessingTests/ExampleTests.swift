import Foundation
import Testing

/// Runs each example program (`Examples/`) and checks the lines it prints against what the Python program prints.
@Suite("Examples", .timeLimit(.minutes(2)))
struct ExampleTests {
    @Test("example-shared-queue: the consumer gets the producer's items in order, then both are done")
    func sharedQueue() async throws {
        let run = try await runProgram(BuildProducts.path(of: "example-shared-queue"))
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.lines.filter { $0.hasPrefix(">got") } == (0..<10).map { ">got \($0)" })
        for line in ["Producer: Running", "Producer: Done", "Consumer: Running", "Consumer: Done"] {
            #expect(run.lines.contains(line))
        }
    }

    @Test("example-nested-proxies: a plain dict's changes are lost, a managed dict's are kept")
    func nestedProxies() async throws {
        let run = try await runProgram(BuildProducts.path(of: "example-nested-proxies"))
        #expect(run.status == 0, "\(run.standardError)")
        let zeros = "{'a': 0, 'b': 0, 'c': 0}"
        let changed = "{'a': 1, 'b': 2, 'c': 3}"
        #expect(
            run.lines == [
                "A plain dict in a managed list:",
                "Main Before: \(zeros)", "Task Before: \(zeros)", "Task After: \(zeros)", "Main After: \(zeros)",
                "A managed dict in a managed list:",
                "Main Before: \(zeros)", "Task Before: \(zeros)", "Task After: \(changed)", "Main After: \(changed)",
            ]
        )
    }

    @Test("example-pool-dict-lock: 100 keys, then {'test': {}}, then all 100 under the lock")
    func poolDictLock() async throws {
        let run = try await runProgram(BuildProducts.path(of: "example-pool-dict-lock"))
        #expect(run.status == 0, "\(run.standardError)")
        try #require(run.lines.count == 3)
        let entries = (0..<100).map { "\($0): \($0)" }
        #expect(Self.entries(run.lines[0]) == Set(entries))
        #expect(run.lines[1] == "{'test': {}}")
        #expect(run.lines[2].hasPrefix("{'test': {") && run.lines[2].hasSuffix("}}"))
        #expect(Self.entries(String(run.lines[2].dropFirst("{'test': ".count).dropLast())) == Set(entries))
    }

    @Test("example-remote: the Swift workers get the five greetings the Python client put on the queue")
    func remote() async throws {
        let run = try await runProgram(BuildProducts.path(of: "example-remote"))
        #expect(run.status == 0, "\(run.standardError)")
        let greetings = run.lines.compactMap { line in line.range(of: " got: ").map { String(line[$0.upperBound...]) } }
        #expect(Set(greetings) == Set((0..<5).map { "hello \($0) from Python" }))
        #expect(greetings.count == 5)
        #expect(run.lines.contains("Python client: put 5 greetings"))
        #expect(run.lines.last == "Manager: the Python client exited with 0; the workers are done")
    }

    @Test("example-custom-class: four processes add 100 each to a hosted Swift Counter that starts at 10")
    func customClass() async throws {
        let run = try await runProgram(BuildProducts.path(of: "example-custom-class"))
        #expect(run.status == 0, "\(run.standardError)")
        try #require(run.lines.count == 6, "\(run.lines)")
        #expect(run.lines.first == "Main Before: 10")
        #expect(Set(run.lines[1...4]) == Set((0..<4).map { "Task \($0): Done" }))
        #expect(run.lines.last == "Main After: 410")
    }

    @Test("The tour runs every example, each after its header")
    func tour() async throws {
        let run = try await runProgram(BuildProducts.path(of: "swift-multiprocessing-tour"), timeout: .seconds(110))
        #expect(run.status == 0, "\(run.standardError)")
        let headers = run.lines.filter { $0.hasPrefix("=== example-") }.map { $0.split(separator: ":")[0] }
        #expect(
            headers == [
                "=== example-shared-queue", "=== example-nested-proxies", "=== example-pool-dict-lock",
                "=== example-remote", "=== example-custom-class",
            ]
        )
        #expect(run.lines.last == "=== the tour ran 5 examples ===")
    }

    /// The `key: value` entries of a printed dict of ints, `{0: 0, 1: 1}`.
    static func entries(_ dict: String) -> Set<String> {
        guard dict.hasPrefix("{"), dict.hasSuffix("}") else { return [] }
        return Set(dict.dropFirst().dropLast().components(separatedBy: ", ").filter { !$0.isEmpty })
    }
}
