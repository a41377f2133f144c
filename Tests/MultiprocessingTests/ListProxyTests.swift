import Multiprocessing
import Pickle
import Testing

@Suite("ListProxy", .timeLimit(.minutes(2)))
struct ListProxyTests {
    @Test("creates, appends, extends, inserts, reads and replaces elements", arguments: ServerFlavor.allCases)
    func readsAndWrites(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<Int> = try await client.list([1, 2])
            try await list.append(3)
            try await list.extend([4, 5])
            try await list.insert(0, at: 0)
            try await list.insert(99, at: 100)
            #expect(try await list.snapshot() == [0, 1, 2, 3, 4, 5, 99])
            #expect(try await list[0] == 0)
            #expect(try await list[-1] == 99)
            try await list.set(10, at: 1)
            #expect(try await list[1] == 10)
            #expect(try await list.count() == 7)
            #expect(try await list.slice(1..<3) == [10, 2])
            #expect(try await list.slice(5..<100) == [5, 99])
            #expect(try await list.slice(50..<60) == [])
        }
    }

    @Test("removes by index, by value, from the end and entirely", arguments: ServerFlavor.allCases)
    func removes(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<String> = try await client.list(["a", "b", "c", "b", "d", "e"])
            try await list.remove(at: 0)
            #expect(try await list.pop() == "e")
            #expect(try await list.pop(at: 0) == "b")
            try await list.remove("b")
            #expect(try await list.snapshot() == ["c", "d"])
            let missing = await #expect(throws: ManagerError.self) { try await list.remove("zz") }
            #expect(missing?.code == .valueError)
            try await list.removeAll()
            #expect(try await list.count() == 0)
            let empty = await #expect(throws: ManagerError.self) { _ = try await list.pop() }
            #expect(empty?.code == .indexError)
        }
    }

    @Test("searches with Python equality", arguments: ServerFlavor.allCases)
    func searches(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<PythonValue> = try await client.list([1, "one", 1.0, true, [1]])
            #expect(try await list.count(of: 1) == 3)
            #expect(try await list.firstIndex(of: "one") == 1)
            #expect(try await list.contains([1]))
            #expect(try await list.contains("two") == false)
            let missing = await #expect(throws: ManagerError.self) { _ = try await list.firstIndex(of: "two") }
            #expect(missing?.code == .valueError)
        }
    }

    @Test("reverses and sorts in place", arguments: ServerFlavor.allCases)
    func orders(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<Int> = try await client.list([3, 1, 2])
            try await list.reverse()
            #expect(try await list.snapshot() == [2, 1, 3])
            try await list.sort()
            #expect(try await list.snapshot() == [1, 2, 3])
            try await list.sort(reverse: true)
            #expect(try await list.snapshot() == [3, 2, 1])
            let mixed: ListProxy<PythonValue> = try await client.list([1, "a"])
            let error = await #expect(throws: ManagerError.self) { try await mixed.sort() }
            #expect(error?.code == .typeError)
        }
    }

    @Test("iterates its elements until the index runs past the end", arguments: ServerFlavor.allCases)
    func iterates(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<Int> = try await client.list([5, 6, 7])
            var seen: [Int] = []
            for try await element in list.elements {
                seen.append(element)
            }
            #expect(seen == [5, 6, 7])
            let empty: ListProxy<Int> = try await client.list()
            var count = 0
            for try await _ in empty.elements { count += 1 }
            #expect(count == 0)
        }
    }

    @Test("reports an index out of range as indexError", arguments: ServerFlavor.allCases)
    func indexOutOfRange(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let list: ListProxy<Int> = try await client.list([1])
            let read = await #expect(throws: ManagerError.self) { _ = try await list[5] }
            #expect(read?.code == .indexError)
            #expect(read?.message == "IndexError: list index out of range")
            let write = await #expect(throws: ManagerError.self) { try await list.set(1, at: 5) }
            #expect(write?.code == .indexError)
            let delete = await #expect(throws: ManagerError.self) { try await list.remove(at: -5) }
            #expect(delete?.code == .indexError)
        }
    }
}
