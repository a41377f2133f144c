import Multiprocessing
import Pickle
import Testing

@Suite("Errors from the server", .timeLimit(.minutes(2)))
struct ErrorMappingTests {
    @Test("exceptions map to codes and keep their Python class and arguments", arguments: ServerFlavor.allCases)
    func exceptions(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let dict: DictProxy<String, Int> = try await client.dict()
            let key = await #expect(throws: ManagerError.self) { _ = try await dict.value(forKey: "missing") }
            #expect(key?.code == .keyError)
            #expect(key?.exception?.type == .builtin("KeyError"))
            #expect(key?.exception?.arguments == ["missing"])
            #expect(key?.message == "KeyError: 'missing'")

            let list: ListProxy<Int> = try await client.list()
            let index = await #expect(throws: ManagerError.self) { _ = try await list[0] }
            #expect(index?.code == .indexError)
            #expect(index?.exception?.arguments == ["list index out of range"])

            let queue: QueueProxy<Int> = try await client.queue(maxSize: 1)
            let empty = await #expect(throws: ManagerError.self) { _ = try await queue.get(timeout: .milliseconds(50)) }
            #expect(empty?.code == .queueEmpty)
            try await queue.put(1)
            let full = await #expect(throws: ManagerError.self) { try await queue.putNowait(2) }
            #expect(full?.code == .queueFull)

            let barrier = try await client.barrier(parties: 3)
            let broken = await #expect(throws: ManagerError.self) {
                _ = try await barrier.wait(timeout: .milliseconds(50))
            }
            #expect(broken?.code == .brokenBarrier)
            #expect(broken?.exception?.type == PythonGlobal(module: "threading", name: "BrokenBarrierError"))
        }
    }

    @Test("a failure outside the object keeps the server's traceback text", arguments: ServerFlavor.allCases)
    func traceback(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<Int> = try await client.list()
            let unexposed = await #expect(throws: ManagerError.self) {
                _ = try await client.call(list.objectID, "no_such_method")
            }
            #expect(unexposed?.code == .remoteTraceback)
            #expect(unexposed?.traceback?.contains("no_such_method") == true)
            #expect(unexposed.map { String(describing: $0).contains("remote traceback") } == true)

            let unknown = await #expect(throws: ManagerError.self) {
                _ = try await client.call("f00dfeed", "__len__")
            }
            #expect(unknown?.code == .remoteTraceback)
            #expect(unknown?.traceback?.isEmpty == false)
        }
    }
}
