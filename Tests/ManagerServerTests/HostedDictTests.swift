import ManagerServer
import Pickle
import Testing

@Suite("HostedDict", .timeLimit(.minutes(1)))
struct HostedDictTests {
    static let base: PythonValue = .dict(PythonDict(stringKeys: ["a": 1, "b": 2]))

    static let cases: [PythonOracle.Case] = {
        typealias C = PythonOracle.Case
        let b = HostedDictTests.base
        let empty = PythonValue.dict(PythonDict())
        return [
            C(initial: b, method: "__getitem__", arguments: ["a"]),
            C(initial: b, method: "__getitem__", arguments: ["zz"]),
            C(initial: b, method: "__getitem__", arguments: [[1]]),
            C(initial: b, method: "__getitem__", arguments: []),
            C(initial: b, method: "__setitem__", arguments: [1, "one"]),
            C(initial: b, method: "__setitem__", arguments: ["a", 9]),
            C(initial: b, method: "__setitem__", arguments: [[1], 9]),
            C(initial: b, method: "__delitem__", arguments: ["a"]),
            C(initial: b, method: "__delitem__", arguments: ["zz"]),
            C(initial: b, method: "__contains__", arguments: ["a"]),
            C(initial: b, method: "__contains__", arguments: [.dict(PythonDict())]),
            C(initial: b, method: "__len__", arguments: []),
            C(initial: b, method: "get", arguments: ["a"]),
            C(initial: b, method: "get", arguments: ["zz"]),
            C(initial: b, method: "get", arguments: ["zz", 5]),
            C(initial: b, method: "get", arguments: []),
            C(initial: b, method: "get", arguments: [1, 2, 3]),
            C(initial: b, method: "setdefault", arguments: ["a", 5]),
            C(initial: b, method: "setdefault", arguments: ["c"]),
            C(initial: b, method: "setdefault", arguments: ["c", 5]),
            C(initial: b, method: "setdefault", arguments: []),
            C(initial: b, method: "pop", arguments: ["a"]),
            C(initial: b, method: "pop", arguments: ["zz"]),
            C(initial: b, method: "pop", arguments: ["zz", 0]),
            C(initial: b, method: "pop", arguments: []),
            C(initial: b, method: "popitem", arguments: []),
            C(initial: empty, method: "popitem", arguments: []),
            C(initial: b, method: "keys", arguments: []),
            C(initial: b, method: "keys", arguments: [1]),
            C(initial: b, method: "copy", arguments: []),
            C(initial: b, method: "clear", arguments: []),
            C(initial: b, method: "update", arguments: [.dict(PythonDict(stringKeys: ["c": 3, "a": 0]))]),
            C(initial: b, method: "update", arguments: [[.tuple(["x", 1]), ["y", 2]]], keywords: [("z", 3)]),
            C(initial: b, method: "update", arguments: [], keywords: [("a", 7)]),
            C(initial: b, method: "update", arguments: [5]),
            C(initial: b, method: "update", arguments: [[.tuple(["x", 1]), .tuple([1])]]),
            C(initial: b, method: "update", arguments: [[1]]),
            C(initial: b, method: "update", arguments: [["ab", "cde"]]),
            C(initial: b, method: "update", arguments: [1, 2]),
            C(initial: b, method: "__or__", arguments: [.dict(PythonDict(stringKeys: ["c": 3, "a": 0]))]),
            C(initial: b, method: "__ror__", arguments: [.dict(PythonDict(stringKeys: ["c": 3, "a": 0]))]),
            C(initial: b, method: "__ior__", arguments: [.dict(PythonDict(stringKeys: ["c": 3]))]),
            C(initial: b, method: "fromkeys", arguments: ["xy"]),
            C(initial: b, method: "fromkeys", arguments: [[1, 2], 0]),
        ]
    }()

    @Test("every dict operation matches CPython's dict (result, state and exception)")
    func matchesCPython() async throws {
        let expected = try await PythonOracle.run(Self.cases, factory: "dict(init)")
        try #require(expected.count == Self.cases.count, "\(expected.joined(separator: "\n"))")
        for (entry, python) in zip(Self.cases, expected) {
            let context = TestStoreContext()
            guard case .dict(let initial) = entry.initial else { continue }
            let dict = HostedDict(initial)
            let result: Result<PythonValue, PythonException>
            do {
                let outcome = try dict.call(
                    entry.method, CallArguments(entry.arguments, keywords: entry.keywordDict),
                    in: context)
                guard case .value(let value) = outcome else {
                    Issue.record("\(entry) did not return a value")
                    continue
                }
                result = .success(value)
            } catch {
                result = .failure(error)
            }
            var line = PythonOracle.outcome(result, state: dict.pythonRepr)
            if entry.method == "keys", case .success(let keys) = result {
                line = "OK dict_keys(\(keys.repr)) | \(dict.pythonRepr)"
            }
            #expect(line == python, "\(entry)")
        }
    }

    @Test("1, 1.0 and True are one key; the first key object and its position stay")
    func numericKeys() throws {
        let context = TestStoreContext()
        let dict = HostedDict()
        try context.call(dict, "__setitem__", "a", 0)
        try context.call(dict, "__setitem__", 1.0, "one")
        try context.call(dict, "__setitem__", 1, "uno")
        try context.call(dict, "__setitem__", true, "vrai")
        #expect(dict.pythonRepr == "{'a': 0, 1.0: 'vrai'}")
        #expect(try context.value(dict, "__len__") == 2)
    }

    @Test("__iter__ returns an Iterator over the keys that ends with StopIteration")
    func iterates() throws {
        let context = TestStoreContext()
        let dict = HostedDict(PythonDict(stringKeys: ["a": 1, "b": 2]))
        guard case .newObject(let iterator) = try context.call(dict, "__iter__") else {
            Issue.record("no new object")
            return
        }
        #expect(iterator.typeID == "Iterator")
        #expect(iterator.exposed == ["__next__", "send", "throw", "close"])
        #expect(try context.value(iterator, "__next__") == "a")
        #expect(try context.value(iterator, "__next__") == "b")
        #expect(context.error(iterator, "__next__") == .stopIteration)
        #expect(
            context.error(iterator, "send", 1)
                == .attributeError("'dict_keyiterator' object has no attribute 'send'"))
    }

    @Test("an iterator fails once the dict changed size")
    func sizeChange() throws {
        let context = TestStoreContext()
        let dict = HostedDict(PythonDict(stringKeys: ["a": 1, "b": 2]))
        guard case .newObject(let iterator) = try context.call(dict, "__iter__") else { return }
        #expect(try context.value(iterator, "__next__") == "a")
        try context.call(dict, "__setitem__", "c", 3)
        #expect(context.error(iterator, "__next__") == .runtimeError("dictionary changed size during iteration"))
        #expect(context.error(iterator, "__next__") == .stopIteration)
    }

    @Test("__reversed__ returns iter([keys in reverse]) as CPython pickles a reverse key iterator")
    func reversedShape() throws {
        let context = TestStoreContext()
        let dict = HostedDict(PythonDict(stringKeys: ["a": 1, "b": 2]))
        #expect(try context.value(dict, "__reversed__") == .object(.reduce(.builtin("iter"), [["b", "a"]])))
    }

    @Test("popitem is LIFO")
    func popitemOrder() throws {
        let context = TestStoreContext()
        let dict = HostedDict(PythonDict(stringKeys: ["a": 1, "b": 2]))
        #expect(try context.value(dict, "popitem") == .tuple(["b", 2]))
        #expect(try context.value(dict, "popitem") == .tuple(["a", 1]))
        #expect(context.error(dict, "popitem") == .keyError("popitem(): dictionary is empty"))
    }
}
