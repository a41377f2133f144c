import Multiprocessing
import Testing

@Suite("QueueProxy and JoinableQueueProxy", .timeLimit(.minutes(2)))
struct QueueProxyTests {
    @Test("puts and gets in FIFO order and reports its size", arguments: ServerFlavor.allCases)
    func fifo(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: QueueProxy<String> = try await client.queue()
            #expect(try await queue.isEmpty())
            try await queue.put("a")
            try await queue.putNowait("b")
            try await queue.put("c", timeout: .seconds(1))
            #expect(try await queue.count() == 3)
            #expect(try await queue.isEmpty() == false)
            #expect(try await queue.isFull() == false)
            #expect(try await queue.get() == "a")
            #expect(try await queue.getNowait() == "b")
            #expect(try await queue.get(timeout: .seconds(1)) == "c")
            #expect(try await queue.isEmpty())
        }
    }

    @Test("gets with a timeout on an empty queue fail with queueEmpty in several tasks at once",
          arguments: ServerFlavor.allCases)
    func emptyTimeouts(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: QueueProxy<Int> = try await client.queue()
            let codes = try await withThrowingTaskGroup(of: ManagerError.Code?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do {
                            _ = try await queue.get(timeout: .milliseconds(300))
                            return nil
                        } catch let error as ManagerError {
                            return error.code
                        }
                    }
                }
                // The waiting gets hold channels of their own: this call is answered meanwhile.
                #expect(try await queue.count() == 0)
                var codes: [ManagerError.Code?] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            #expect(codes == Array(repeating: .queueEmpty, count: 4))
            let nowait = await #expect(throws: ManagerError.self) { _ = try await queue.getNowait() }
            #expect(nowait?.code == .queueEmpty)
        }
    }

    @Test("a bounded queue reports full and refuses puts", arguments: ServerFlavor.allCases)
    func full(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: QueueProxy<Int> = try await client.queue(maxSize: 1)
            try await queue.put(1)
            #expect(try await queue.isFull())
            let nowait = await #expect(throws: ManagerError.self) { try await queue.putNowait(2) }
            #expect(nowait?.code == .queueFull)
            let timed = await #expect(throws: ManagerError.self) { try await queue.put(2, timeout: .milliseconds(100)) }
            #expect(timed?.code == .queueFull)
        }
    }

    @Test("a waiting get receives an item put by another task", arguments: ServerFlavor.allCases)
    func handOver(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: QueueProxy<String> = try await client.queue()
            async let received = queue.get(timeout: .seconds(20))
            try await queue.put("hello")
            #expect(try await received == "hello")
        }
    }

    @Test("a put waiting on a full queue completes once an item is taken", arguments: ServerFlavor.allCases)
    func waitingPut(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: QueueProxy<Int> = try await client.queue(maxSize: 1)
            try await queue.put(1)
            async let put: Void = queue.put(2, timeout: .seconds(20))
            #expect(try await queue.get(timeout: .seconds(20)) == 1)
            try await put
            #expect(try await queue.get(timeout: .seconds(20)) == 2)
        }
    }

    @Test("streams items as they arrive, and the stream ends when its task is cancelled",
          arguments: ServerFlavor.allCases)
    func elements(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: QueueProxy<Int> = try await client.queue()
            for item in 1...3 { try await queue.put(item) }
            var seen: [Int] = []
            for try await item in queue.elements {
                seen.append(item)
                if seen.count == 3 { break }
            }
            #expect(seen == [1, 2, 3])

            let consumer = Task {
                var count = 0
                for try await _ in queue.elements { count += 1 }
                return count
            }
            consumer.cancel()
            #expect(try await consumer.value == 0)
        }
    }

    @Test("join waits until every item is marked done", arguments: ServerFlavor.allCases)
    func joinable(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let queue: JoinableQueueProxy<String> = try await client.joinableQueue()
            try await queue.put("x")
            try await queue.put("y")
            async let joined: Void = queue.join()
            for _ in 0..<2 {
                _ = try await queue.get(timeout: .seconds(20))
                try await queue.taskDone()
            }
            try await joined
            #expect(try await queue.count() == 0)
            let extra = await #expect(throws: ManagerError.self) { try await queue.taskDone() }
            #expect(extra?.code == .valueError)
        }
    }
}
