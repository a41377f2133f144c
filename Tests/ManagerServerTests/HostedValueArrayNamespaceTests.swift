import ManagerServer
import Pickle
import Testing

@Suite("Hosted Value, Array and Namespace", .timeLimit(.minutes(1)))
struct HostedValueArrayNamespaceTests {
    static func array(_ code: String, _ items: [PythonValue]) -> PythonValue {
        guard let typecode = try? ArrayTypecode(.string(code)) else { return .none }
        var converted: [PythonValue] = []
        for item in items { converted.append((try? typecode.item(from: item)) ?? item) }
        return PythonArrayValue(typecode: typecode, items: converted).value
    }

    static let creations: [(String, PythonValue)] = {
        var rows: [(String, PythonValue)] = []
        let values: [PythonValue] = [
            -129, -1, 0, 127, 128, 255, 256, -32769, 32768, 65536, -2_147_483_649, 2_147_483_648,
            4_294_967_296, .int(Int.max), .int(Int.min), 1.5, "a", .none, true,
        ]
        for code in ["b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "f", "d", "u"] {
            for value in values { rows.append((code, value)) }
        }
        return rows
    }()

    @Test("array item conversion matches CPython for every typecode (values, OverflowError, TypeError)")
    func conversions() async throws {
        let cases = Self.creations.map {
            PythonOracle.Case(initial: .string($0.0), method: "append", arguments: [$0.1])
        }
        let expected = try await PythonOracle.run(cases, factory: "__import__('array').array(init)")
        try #require(expected.count == cases.count, "\(expected.joined(separator: "\n"))")
        for ((code, value), python) in zip(Self.creations, expected) {
            let result: String
            do {
                let array = try HostedArray(CallArguments([.string(code), [value]]))
                result = "OK None | \(array.pythonRepr)"
            } catch {
                if error.message.hasPrefix("bad typecode") {
                    result = "ERR ValueError: \(error.message)"
                } else {
                    result = PythonOracle.outcome(.failure(error), state: "")
                }
            }
            #expect(result == python, "array('\(code)').append(\(value.repr))")
        }
    }

    @Test("array indexing, slices and slice assignment match CPython")
    func indexing() async throws {
        let base: [PythonValue] = [1, 2, 3, 4]
        let s = PythonValue.slice
        let calls: [(String, [PythonValue])] = [
            ("__getitem__", [0]), ("__getitem__", [-1]), ("__getitem__", [4]), ("__getitem__", ["a"]),
            ("__getitem__", [s(1, 3, .none)]), ("__getitem__", [s(.none, .none, -2)]),
            ("__setitem__", [0, 9]), ("__setitem__", [4, 9]), ("__setitem__", [0, 1.5]),
            ("__setitem__", [0, 2_147_483_648]),
            ("__setitem__", [s(0, 2, .none), [7]]),
            ("__setitem__", [s(0, 2, .none), Self.array("i", [7])]),
            ("__setitem__", [s(.none, .none, 2), Self.array("i", [7])]),
            ("__setitem__", [s(.none, .none, 2), Self.array("i", [7, 8])]),
            ("__setitem__", [s(0, 1, .none), Self.array("d", [7])]),
            ("__len__", []),
        ]
        let cases = calls.map { PythonOracle.Case(initial: .list(base), method: $0.0, arguments: $0.1) }
        let expected = try await PythonOracle.run(cases, factory: "__import__('array').array('i', init)")
        try #require(expected.count == cases.count, "\(expected.joined(separator: "\n"))")
        for (entry, python) in zip(cases, expected) {
            let context = TestStoreContext()
            let array = try HostedArray(CallArguments(["i", .list(base)]))
            let line: String
            do {
                guard
                    case .value(let value) = try array.call(
                        entry.method, CallArguments(entry.arguments),
                        in: context)
                else { continue }
                var shown = value.repr
                if case .object(let object) = value, let decoded = try PythonArrayValue(object) { shown = decoded.repr }
                line = "OK \(shown) | \(array.pythonRepr)"
            } catch {
                line = PythonOracle.outcome(.failure(error), state: "")
            }
            #expect(line == python, "\(entry)")
        }
    }

    @Test("array reprs and the pickled value shape")
    func arrayRepr() throws {
        #expect(try HostedArray(CallArguments(["i", []])).pythonRepr == "array('i')")
        #expect(throws: PythonException.valueError("bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)")) {
            try HostedArray(CallArguments(["x", []]))
        }
        #expect(try HostedArray(CallArguments(["u", "abc"])).pythonRepr == "array('u', 'abc')")
        let array = try HostedArray(CallArguments(["i", [7, 2]]))
        #expect(
            try array.pickledValue().get()
                == .object(
                    .reduce(PythonGlobal(module: "array", name: "array"), ["i", .bytes([7, 0, 0, 0, 2, 0, 0, 0])])))
        #expect(throws: PythonException.typeError("cannot use a str to initialize an array with typecode 'i'")) {
            try HostedArray(CallArguments(["i", "abc"]))
        }
    }

    @Test("Value holds anything, reprs like CPython and pickles as managers.Value")
    func value() throws {
        let context = TestStoreContext()
        let value = try HostedValue(CallArguments(["i", 5]))
        #expect(value.pythonRepr == "Value('i', 5)")
        try context.call(value, "set", 3.5)
        #expect(try context.value(value, "get") == 3.5)
        #expect(value.pythonRepr == "Value('i', 3.5)")
        let pickled = try value.pickledValue().get()
        guard case .object(let object) = pickled else {
            Issue.record("not an object")
            return
        }
        #expect(object.callable == .managers("Value"))
        #expect(object.states == [.dict(PythonDict(stringKeys: ["_typecode": "i", "_value": 3.5]))])
    }

    @Test("Namespace attributes, AttributeError and sorted repr hiding underscore names")
    func namespace() throws {
        let context = TestStoreContext()
        let namespace = try HostedNamespace(CallArguments([], keywords: .kw(["b": "x", "a": 1, "_h": 2])))
        #expect(namespace.pythonRepr == "Namespace(a=1, b='x')")
        #expect(try context.value(namespace, "__getattribute__", "a") == 1)
        #expect(
            context.error(namespace, "__getattribute__", "missing")
                == .attributeError("'Namespace' object has no attribute 'missing'"))
        try context.call(namespace, "__setattr__", "c", 3)
        try context.call(namespace, "__delattr__", "a")
        #expect(
            context.error(namespace, "__delattr__", "a") == .attributeError("'Namespace' object has no attribute 'a'"))
        #expect(namespace.pythonRepr == "Namespace(b='x', c=3)")
        guard case .object(let object) = try namespace.pickledValue().get() else { return }
        #expect(object.callable == .managers("Namespace"))
    }
}
