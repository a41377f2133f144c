import Multiprocessing
import MultiprocessingTestSupport
import Testing

/// A smaller run against another CPython version's server (3.12: the `{sha256}` handshake).
@Suite("CPython 3.12 server", .timeLimit(.minutes(2)))
struct PythonVersionTests {
    static let python312 = Python.pyenv("3.12.1")

    @Test(
        "dict, list, nested proxies, queue timeouts and locks work against CPython 3.12.1",
        .enabled(if: Self.python312 != nil, "CPython 3.12.1 is not installed (pyenv install 3.12.1)")
    )
    func smoke() async throws {
        guard let python = Self.python312 else { return }
        let server = try await TestServer.startPython(executable: python)
        do {
            let client = try await server.connect()
            let baseline = try await client.numberOfObjects()
            try await Self.exercise(client)
            #expect(try await eventually { try await client.numberOfObjects() == baseline })
            await client.close()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private static func exercise(_ client: ManagerClient) async throws {
        let dict: DictProxy<String, ListProxy<Int>> = try await client.dict()
        let list: ListProxy<Int> = try await client.list([1])
        try await dict.set(list, forKey: "l")
        try await dict.value(forKey: "l").append(2)
        #expect(try await list.snapshot() == [1, 2])

        let queue: QueueProxy<String> = try await client.queue()
        let empty = await #expect(throws: ManagerError.self) { _ = try await queue.get(timeout: .milliseconds(50)) }
        #expect(empty?.code == .queueEmpty)
        try await queue.put("x")
        #expect(try await queue.get() == "x")

        let lock = try await client.lock()
        try await lock.withLock { () async throws in
            #expect(try await lock.tryAcquire() == false)
        }
        let barrier = try await client.barrier(parties: 2)
        async let first = barrier.wait(timeout: .seconds(20))
        let second = try await barrier.wait(timeout: .seconds(20))
        #expect(Set([try await first, second]) == [0, 1])
    }
}
