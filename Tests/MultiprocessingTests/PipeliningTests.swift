import Multiprocessing
import Testing

@Suite("Pipelined calls", .timeLimit(.minutes(2)))
struct PipeliningTests {
    @Test("1000 concurrent calls on one client each get their own answer", arguments: ServerFlavor.allCases)
    func thousandCalls(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<Int> = try await client.list(Array(0..<1000))
            let dict: DictProxy<Int, Int> = try await client.dict()
            let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        if index % 2 == 0 {
                            try await dict.set(index * 3, forKey: index)
                        }
                        return try await list[index] == index ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(mismatches == 0)
            #expect(try await dict.count() == 500)
            #expect(try await dict.value(forKey: 998) == 2994)
        }
    }
}
