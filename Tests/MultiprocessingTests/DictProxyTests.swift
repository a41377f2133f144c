import Multiprocessing
import Pickle
import Testing

@Suite("DictProxy", .timeLimit(.minutes(2)))
struct DictProxyTests {
    @Test("stores, reads, counts and removes entries", arguments: ServerFlavor.allCases)
    func basics(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let dict: DictProxy<String, Int> = try await client.dict([(key: "a", value: 1)])
            try await dict.set(2, forKey: "b")
            #expect(try await dict["a"] == 1)
            #expect(try await dict["zz"] == nil)
            #expect(try await dict.value(forKey: "b") == 2)
            #expect(try await dict.contains("a"))
            #expect(try await dict.contains("zz") == false)
            #expect(try await dict.count() == 2)
            #expect(try await dict.keys() == ["a", "b"])
            #expect(try await dict.values() == [1, 2])
            let items = try await dict.items()
            #expect(items.map(\.key) == ["a", "b"] && items.map(\.value) == [1, 2])
            try await dict.remove("a")
            #expect(try await dict.removeValue(forKey: "b") == 2)
            #expect(try await dict.removeValue(forKey: "b") == nil)
            #expect(try await dict.count() == 0)
            let missing = await #expect(throws: ManagerError.self) { try await dict.remove("a") }
            #expect(missing?.code == .keyError)
        }
    }

    @Test("updates, sets defaults, pops the last entry and copies", arguments: ServerFlavor.allCases)
    func bulk(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let dict: DictProxy<String, Int> = try await client.dict(["x": 1])
            try await dict.update([(key: "y", value: 2), (key: "x", value: 3)])
            #expect(try await dict.snapshot() == ["x": 3, "y": 2])
            #expect(try await dict.setDefault(9, forKey: "x") == 3)
            #expect(try await dict.setDefault(9, forKey: "z") == 9)
            let last = try await dict.popLast()
            #expect(last.key == "z" && last.value == 9)
            try await dict.removeAll()
            let empty = await #expect(throws: ManagerError.self) { _ = try await dict.popLast() }
            #expect(empty?.code == .keyError)
        }
    }

    @Test("iterates its keys through a server-side iterator", arguments: ServerFlavor.allCases)
    func keysSequence(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let baseline = try await client.numberOfObjects()
            let dict: DictProxy<String, Int> = try await client.dict()
            for (index, key) in ["p", "q", "r"].enumerated() {
                try await dict.set(index, forKey: key)
            }
            var keys: [String] = []
            for try await key in dict.keysSequence() {
                keys.append(key)
            }
            #expect(keys == ["p", "q", "r"])
            _ = try await dict.count()
            // The iterator object on the server is given back once the sequence's iterator is gone.
            #expect(try await eventually { try await client.numberOfObjects() == baseline + 1 })
        }
    }

    @Test("increments counters and sets nested values on the server")
    func swiftExtensions() async throws {
        try await withManager(.swift) { client in
            let counters: DictProxy<String, Int> = try await client.dict()
            #expect(try await counters.increment("hits", by: 2) == 2)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await counters.increment("hits", by: 1) }
                }
                try await group.waitForAll()
            }
            #expect(try await counters.value(forKey: "hits") == 52)

            let people: DictProxy<String, PythonValue> = try await client.dict()
            try await people.set(.dict(PythonDict(stringKeys: ["scores": [1, 2]])), forKey: "alice")
            try await people.setNested(10, at: ["alice", "scores", 0])
            let alice = try await people.value(forKey: "alice")
            guard case .dict(let fields) = alice else {
                Issue.record("expected a dict, got \(alice)")
                return
            }
            #expect(fields["scores"] == [10, 2])
        }
    }

    @Test("CPython's server refuses the Swift-only increment with a remote traceback")
    func incrementOnCPython() async throws {
        try await withManager(.cpython) { client in
            let counters: DictProxy<String, Int> = try await client.dict()
            let error = await #expect(throws: ManagerError.self) { _ = try await counters.increment("x", by: 1) }
            #expect(error?.code == .remoteTraceback)
        }
    }
}
