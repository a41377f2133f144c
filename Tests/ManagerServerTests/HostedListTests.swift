import ManagerServer
import Pickle
import Testing

@Suite("HostedList", .timeLimit(.minutes(1)))
struct HostedListTests {
    static let base: PythonValue = [1, 2, 3, 4, 5]

    static let cases: [PythonOracle.Case] = {
        typealias C = PythonOracle.Case
        let b = HostedListTests.base
        let s = PythonValue.slice
        return [
            C(initial: b, method: "__getitem__", arguments: [0]),
            C(initial: b, method: "__getitem__", arguments: [-1]),
            C(initial: b, method: "__getitem__", arguments: [true]),
            C(initial: b, method: "__getitem__", arguments: [5]),
            C(initial: b, method: "__getitem__", arguments: [-6]),
            C(initial: b, method: "__getitem__", arguments: ["a"]),
            C(initial: b, method: "__getitem__", arguments: [1.5]),
            C(initial: b, method: "__getitem__", arguments: [s(1, 3, .none)]),
            C(initial: b, method: "__getitem__", arguments: [s(.none, .none, 2)]),
            C(initial: b, method: "__getitem__", arguments: [s(.none, .none, -1)]),
            C(initial: b, method: "__getitem__", arguments: [s(-2, 100, .none)]),
            C(initial: b, method: "__getitem__", arguments: [s(4, 0, -2)]),
            C(initial: b, method: "__getitem__", arguments: [s(.none, .none, 0)]),
            C(initial: b, method: "__getitem__", arguments: [s("a", 2, .none)]),
            C(initial: b, method: "__getitem__", arguments: []),
            C(initial: b, method: "__setitem__", arguments: [0, "x"]),
            C(initial: b, method: "__setitem__", arguments: [-5, "x"]),
            C(initial: b, method: "__setitem__", arguments: [5, "x"]),
            C(initial: b, method: "__setitem__", arguments: [s(0, 1, .none), [7, 8]]),
            C(initial: b, method: "__setitem__", arguments: [s(1, 4, .none), "ab"]),
            C(initial: b, method: "__setitem__", arguments: [s(3, 1, .none), [9]]),
            C(initial: b, method: "__setitem__", arguments: [s(.none, .none, 2), [7, 8, 9]]),
            C(initial: b, method: "__setitem__", arguments: [s(.none, .none, 2), [7]]),
            C(initial: b, method: "__setitem__", arguments: [s(0, 1, .none), 5]),
            C(initial: b, method: "__setitem__", arguments: [s(.none, .none, 2), 5]),
            C(initial: b, method: "__setitem__", arguments: [s(0, 2, .none), .range(0, 4)]),
            C(initial: b, method: "__setitem__", arguments: [s(0, 2, .none), .bytes([65, 66])]),
            C(initial: b, method: "__delitem__", arguments: [0]),
            C(initial: b, method: "__delitem__", arguments: [-1]),
            C(initial: b, method: "__delitem__", arguments: [9]),
            C(initial: b, method: "__delitem__", arguments: [s(.none, .none, 2)]),
            C(initial: b, method: "__delitem__", arguments: [s(1, 3, .none)]),
            C(initial: b, method: "__len__", arguments: []),
            C(initial: b, method: "__len__", arguments: [1]),
            C(initial: b, method: "__contains__", arguments: [3.0]),
            C(initial: b, method: "__contains__", arguments: [true]),
            C(initial: b, method: "__contains__", arguments: ["3"]),
            C(initial: b, method: "__add__", arguments: [[9]]),
            C(initial: b, method: "__add__", arguments: [.tuple([9])]),
            C(initial: b, method: "__mul__", arguments: [2]),
            C(initial: b, method: "__mul__", arguments: [0]),
            C(initial: b, method: "__mul__", arguments: [-1]),
            C(initial: b, method: "__mul__", arguments: [1.5]),
            C(initial: b, method: "__rmul__", arguments: [2]),
            C(initial: b, method: "__imul__", arguments: [2]),
            C(initial: b, method: "__imul__", arguments: ["a"]),
            C(initial: b, method: "append", arguments: [6]),
            C(initial: b, method: "append", arguments: []),
            C(initial: b, method: "extend", arguments: [.tuple([6, 7])]),
            C(initial: b, method: "extend", arguments: ["ab"]),
            C(initial: b, method: "extend", arguments: [.bytes([1, 2])]),
            C(initial: b, method: "extend", arguments: [.range(0, 3)]),
            C(initial: b, method: "extend", arguments: [.range(10, 0, -3)]),
            C(initial: b, method: "extend", arguments: [.dict(PythonDict(stringKeys: ["k": 1, "j": 2]))]),
            C(initial: b, method: "extend", arguments: [5]),
            C(initial: b, method: "extend", arguments: [.none]),
            C(initial: b, method: "insert", arguments: [0, "x"]),
            C(initial: b, method: "insert", arguments: [-2, "x"]),
            C(initial: b, method: "insert", arguments: [-100, "x"]),
            C(initial: b, method: "insert", arguments: [100, "x"]),
            C(initial: b, method: "insert", arguments: [1]),
            C(initial: b, method: "insert", arguments: ["a", 1]),
            C(initial: b, method: "pop", arguments: []),
            C(initial: b, method: "pop", arguments: [0]),
            C(initial: b, method: "pop", arguments: [-5]),
            C(initial: b, method: "pop", arguments: [5]),
            C(initial: [], method: "pop", arguments: []),
            C(initial: b, method: "pop", arguments: [1, 2]),
            C(initial: b, method: "remove", arguments: [3]),
            C(initial: b, method: "remove", arguments: [9]),
            C(initial: b, method: "remove", arguments: []),
            C(initial: b, method: "index", arguments: [3]),
            C(initial: b, method: "index", arguments: [3.0]),
            C(initial: b, method: "index", arguments: [99]),
            C(initial: b, method: "index", arguments: ["a"]),
            C(initial: b, method: "index", arguments: [3, 3]),
            C(initial: b, method: "index", arguments: [3, -3]),
            C(initial: b, method: "index", arguments: [3, 0, 2]),
            C(initial: b, method: "index", arguments: [3, -100, 100]),
            C(initial: b, method: "index", arguments: []),
            C(initial: b, method: "index", arguments: [1, "a"]),
            C(initial: [1, 1.0, true, 2], method: "count", arguments: [1]),
            C(initial: b, method: "count", arguments: []),
            C(initial: b, method: "reverse", arguments: []),
            C(initial: b, method: "reverse", arguments: [1]),
            C(initial: [3, 1, 2], method: "sort", arguments: []),
            C(initial: [3, 1, 2], method: "sort", arguments: [1]),
            C(initial: [1, "z"], method: "sort", arguments: []),
            C(initial: [1, 2.5, true, 0], method: "sort", arguments: [], keywords: [("reverse", true)]),
            C(initial: [-3, 1, -2], method: "sort", arguments: [], keywords: [("key", .global(.builtin("abs")))]),
            C(
                initial: ["bb", "a", "ccc"], method: "sort", arguments: [],
                keywords: [("key", .global(.builtin("len")))]),
            C(initial: [3, 1], method: "sort", arguments: [], keywords: [("key", .none)]),
            C(initial: [3, 1], method: "sort", arguments: [], keywords: [("foo", 1)]),
            C(
                initial: [.tuple([2, "b"]), .tuple([1, "z"]), .tuple([1, "a"])], method: "sort", arguments: [],
                keywords: [("key", .object(.reduce(PythonGlobal(module: "operator", name: "itemgetter"), [0])))]),
            C(initial: b, method: "clear", arguments: []),
            C(initial: b, method: "copy", arguments: []),
        ]
    }()

    @Test("every list operation matches CPython's list (result, state and exception)")
    func matchesCPython() async throws {
        let expected = try await PythonOracle.run(Self.cases, factory: "list(init)")
        try #require(expected.count == Self.cases.count, "\(expected.joined(separator: "\n"))")
        for (entry, python) in zip(Self.cases, expected) {
            let context = TestStoreContext()
            let list = HostedList(entry.initial.sequenceElements ?? [])
            let result: Result<PythonValue, PythonException>
            do {
                let outcome = try list.call(
                    entry.method,
                    CallArguments(entry.arguments, keywords: entry.keywordDict),
                    in: context
                )
                guard case .value(let value) = outcome else {
                    Issue.record("\(entry) did not return a value")
                    continue
                }
                result = .success(value)
            } catch {
                result = .failure(error)
            }
            #expect(PythonOracle.outcome(result, state: list.pythonRepr) == python, "\(entry)")
        }
    }

    @Test("__reversed__ returns a builtins.reversed object with the len-1 state")
    func reversedShape() throws {
        let context = TestStoreContext()
        let list = HostedList([8, 2, 3, 4])
        let value = try context.value(list, "__reversed__")
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.callable == .builtin("reversed"))
        #expect(object.arguments == [[8, 2, 3, 4]])
        #expect(object.states == [3])
    }

    @Test("repetition beyond the store's bound is a MemoryError and leaves the list unchanged")
    func repetitionBound() throws {
        let context = TestStoreContext()
        context.maxRepetitionLength = 10
        let list = HostedList([1, 2, 3])
        #expect(try context.value(list, "__mul__", 3) == .list([1, 2, 3, 1, 2, 3, 1, 2, 3]))
        #expect(context.error(list, "__imul__", 4)?.type == .builtin("MemoryError"))
        #expect(context.error(list, "__rmul__", 4)?.type == .builtin("MemoryError"))
        #expect(try context.value(list, "__len__") == 3)
    }

    @Test("a sort key the server cannot evaluate is a TypeError saying so")
    func unsupportedSortKey() {
        let context = TestStoreContext()
        let list = HostedList([1, 2])
        let error = context.error(
            list, "sort", keywords: .kw(["key": .global(PythonGlobal(module: "__main__", name: "f"))]))
        #expect(error?.type == .builtin("TypeError"))
        #expect(error?.message.contains("runs no Python code") == true)
    }

    @Test("proxies stored in the list are reported")
    func referencedProxies() throws {
        let context = TestStoreContext()
        let list = HostedList()
        let proxy = PythonProxyReference(
            proxyType: .managers("DictProxy"), typeID: "dict", address: "/tmp/s",
            objectID: "7f01")
        try context.call(list, "append", .tuple([.proxy(proxy)]))
        var ids: [String] = []
        list.forEachReferencedObjectID { ids.append($0) }
        #expect(ids == ["7f01"])
    }
}
