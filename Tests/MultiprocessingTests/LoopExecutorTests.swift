import Multiprocessing
import Testing

@Suite("Calls from tasks on the connection's event loop", .timeLimit(.minutes(2)))
struct LoopExecutorTests {
    @Test("a task that prefers the client's executor runs its calls on the loop and gets each answer", arguments: ServerFlavor.allCases)
    func callsOnTheLoop(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let executor = client.taskExecutor
            let list: ListProxy<Int> = try await client.list(Array(0..<200))
            let (onLoop, values) = try await withTaskExecutorPreference(executor) {
                var values: [Int] = []
                for index in 0..<200 {
                    values.append(try await list[index])
                }
                return (executor.eventLoop.inEventLoop, values)
            }
            #expect(onLoop)
            #expect(values == Array(0..<200))
        }
    }

    @Test("many tasks on the loop pipeline their calls and each gets its own answer", arguments: ServerFlavor.allCases)
    func pipelinedOnTheLoop(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<Int> = try await client.list(Array(0..<500))
            let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<500 {
                    group.addTask(executorPreference: client.taskExecutor) {
                        try await list[index] == index ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(mismatches == 0)
        }
    }

    @Test("a blocking call from a task on the loop does not delay the pooled channel", arguments: ServerFlavor.allCases)
    func blockingCallOnTheLoop(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: QueueProxy<Int> = try await client.queue()
            let dict: DictProxy<String, Int> = try await client.dict()
            let executor = client.taskExecutor
            let got = try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask(executorPreference: executor) { try await queue.get() }
                // While the get is parked on its own channel, the pooled channel answers from the same loop.
                try await withTaskExecutorPreference(executor) {
                    for index in 0..<50 { try await dict.set(index, forKey: "k") }
                }
                #expect(try await dict.value(forKey: "k") == 49)
                try await queue.put(7)
                return try await group.next() ?? nil
            }
            #expect(got == 7)
        }
    }
}
