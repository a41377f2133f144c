import Multiprocessing
import Pickle
import Testing

@Suite("ValueProxy, ArrayProxy and NamespaceProxy", .timeLimit(.minutes(2)))
struct ValueArrayNamespaceProxyTests {
    @Test("a value is read and replaced", arguments: ServerFlavor.allCases)
    func value(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let count = try await client.value("i", 5)
            #expect(try await count.get() == 5)
            try await count.set(7)
            #expect(try await count.get() == 7)
            let ratio: ValueProxy<Double> = try await client.value("d", 2.5)
            #expect(try await ratio.get() == 2.5)
            #expect(try await ratio.pythonDescription() == "Value('d', 2.5)")
        }
    }

    @Test("an array is indexed, replaced, counted and copied", arguments: ServerFlavor.allCases)
    func array(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let array: ArrayProxy<Int> = try await client.array("i", [1, 2, 3])
            #expect(try await array.count() == 3)
            #expect(try await array[0] == 1)
            #expect(try await array[-1] == 3)
            try await array.set(7, at: 0)
            #expect(try await array.snapshot() == [7, 2, 3])
            let outOfRange = await #expect(throws: ManagerError.self) { _ = try await array[10] }
            #expect(outOfRange?.code == .indexError)

            let doubles: ArrayProxy<Double> = try await client.array("d", [1.5, -2])
            #expect(try await doubles.snapshot() == [1.5, -2])
            let bytes: ArrayProxy<Int> = try await client.array("b", [-1, 1])
            #expect(try await bytes.snapshot() == [-1, 1])
            let overflow = await #expect(throws: ManagerError.self) { try await bytes.set(1000, at: 0) }
            #expect(overflow?.code == .overflowError)
        }
    }

    @Test("a namespace sets, reads and removes attributes", arguments: ServerFlavor.allCases)
    func namespace(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let namespace = try await client.namespace()
            try await namespace.set("x", to: 1)
            try await namespace.set("name", to: "worker")
            #expect(try await namespace.get("x", as: Int.self) == 1)
            #expect(try await namespace.get("name", as: String.self) == "worker")
            #expect(try await namespace.pythonDescription() == "Namespace(name='worker', x=1)")
            try await namespace.remove("x")
            let missing = await #expect(throws: ManagerError.self) { _ = try await namespace.get("x", as: Int.self) }
            #expect(missing?.code == .attributeError)
            let again = await #expect(throws: ManagerError.self) { try await namespace.remove("x") }
            #expect(again?.code == .attributeError)
        }
    }
}

@Suite("SetProxy", .timeLimit(.minutes(2)))
struct SetProxyTests {
    @Test("inserts, removes, discards and tests membership")
    func members() async throws {
        try await withManager(.swift) { client in
            let set: SetProxy<String> = try await client.set(["a"])
            try await set.insert("b")
            try await set.insert("a")
            #expect(try await set.count() == 2)
            #expect(try await set.contains("b"))
            #expect(try await set.snapshot().sorted() == ["a", "b"])
            try await set.remove("a")
            let missing = await #expect(throws: ManagerError.self) { try await set.remove("a") }
            #expect(missing?.code == .keyError)
            try await set.discard("a")
            try await set.discard("b")
            #expect(try await set.count() == 0)
        }
    }

    @Test("combines with other elements on the server")
    func algebra() async throws {
        try await withManager(.swift) { client in
            let set: SetProxy<Int> = try await client.set([1, 2, 3])
            #expect(try await set.union([3, 4]).sorted() == [1, 2, 3, 4])
            #expect(try await set.intersection([2, 3, 9]).sorted() == [2, 3])
            #expect(try await set.subtracting([1]).sorted() == [2, 3])
            try await set.formUnion([7])
            #expect(try await set.snapshot().sorted() == [1, 2, 3, 7])
            try await set.removeAll()
            #expect(try await set.count() == 0)
        }
    }

    @Test("CPython 3.11's server does not know the set type id")
    func cpythonHasNoSet() async throws {
        try await withManager(.cpython) { client in
            let error = await #expect(throws: ManagerError.self) { _ = try await client.set([1]) as SetProxy<Int> }
            #expect(error?.code == .remoteTraceback)
        }
    }
}
