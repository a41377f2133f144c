import BigInt
import ManagerServer
import Pickle
import Testing

/// Wire-derived integers at and past `Int`'s range, deep values built across requests, and long chains of
/// objects: each case is answered as CPython answers it, never with a trap.
@Suite("Extreme values in hosted objects", .timeLimit(.minutes(2)))
struct HostedExtremeValueTests {
    typealias S = PythonOracle.Step
    static let min64 = PythonValue.int(.min)
    static let max64 = PythonValue.int(.max)
    static let past64 = PythonValue.integer(BigInt(Int.max) + 1)
    static let belowMin64 = PythonValue.integer(BigInt(Int.min) - 1)
    static let huge = PythonValue.integer(BigInt(10).power(30))
    static let negativeHuge = PythonValue.integer(-BigInt(10).power(30))
    static let integers = [min64, max64, past64, belowMin64, huge, negativeHuge]
    static let floats: [PythonValue] = [.float(.nan), .float(.infinity), .float(-.infinity), .float(-0.0)]

    @Test("list slices, indices, insert, pop, index and repetition with extreme ints and floats")
    func listAgainstCPython() async throws {
        let s = PythonValue.slice
        var steps: [S] = []
        for value in Self.integers + Self.floats {
            steps += [
                S(method: "__getitem__", arguments: [s(.none, .none, value)]),
                S(method: "__getitem__", arguments: [s(value, value, .none)]),
                S(method: "__getitem__", arguments: [value]),
                S(method: "__mul__", arguments: [value]),
                S(method: "insert", arguments: [value, 9]),
                S(method: "pop", arguments: [value]),
                S(method: "index", arguments: [1, value]),
                S(method: "index", arguments: [1, 0, value]),
                S(method: "__setitem__", arguments: [s(.none, .none, value), []]),
                S(method: "__delitem__", arguments: [s(.none, .none, value)]),
                S(method: "copy"),
            ]
        }
        try await HostedSequenceDifferentialTests.check(HostedList([1, 2, 3]), factory: "[1, 2, 3]", steps)
    }

    @Test("array slices and indices with extreme ints")
    func arrayAgainstCPython() async throws {
        let s = PythonValue.slice
        var steps: [S] = []
        for value in Self.integers {
            steps += [
                S(method: "__getitem__", arguments: [s(.none, .none, value)]),
                S(method: "__getitem__", arguments: [value]),
                S(method: "__setitem__", arguments: [value, 1]),
            ]
        }
        let array = try HostedArray(CallArguments(["i", [1, 2, 3]]))
        let factory = "__import__('array').array('i', [1, 2, 3])"
        try await HostedSequenceDifferentialTests.check(array, factory: factory, steps)
    }

    @Test("semaphore values past Int.max, as CPython keeps them")
    func semaphores() throws {
        let context = TestStoreContext()
        let semaphore = context.register(HostedSemaphore(value: BigInt(Int.max), bounded: false))
        try context.call(semaphore, "release")
        #expect(semaphore.value == BigInt(Int.max) + 1)
        try context.call(semaphore, "release", Self.huge)
        #expect(semaphore.value == BigInt(Int.max) + 1 + BigInt(10).power(30))
        #expect(semaphore.pythonRepr.hasSuffix("value=1000000000009223372036854775808>"))
        let bounded = context.register(HostedSemaphore(value: 1, bounded: true))
        for n in [Self.max64, Self.huge] {
            #expect(context.error(bounded, "release", n) == .valueError("Semaphore released too many times"))
        }
        #expect(context.error(semaphore, "release", Self.negativeHuge) == .valueError("n must be one or more"))
        let big = try HostedSemaphore(bounded: false, CallArguments([Self.huge]))
        #expect(big.value == BigInt(10).power(30))
    }

    @Test("extend with reversed and iter states at the ends of Int")
    func iteratorStates() throws {
        func iterator(_ name: String, _ state: PythonValue) -> PythonValue {
            var object = PythonObject.reduce(.builtin(name), [[1, 2]])
            object.states = [state]
            return .object(object)
        }
        #expect(try iterator("reversed", Self.max64).iterated() == [2, 1])
        #expect(try iterator("reversed", Self.min64).iterated() == [])
        #expect(try iterator("reversed", 0).iterated() == [1])
        #expect(try iterator("iter", 1).iterated() == [2])
        #expect(try iterator("iter", Self.max64).iterated() == [])
        #expect(try iterator("iter", Self.min64).iterated() == [1, 2])
        let overflow = PythonException.overflowError("Python int too large to convert to C ssize_t")
        #expect(throws: overflow) { try iterator("reversed", Self.past64).iterated() }
        #expect(throws: PythonException.typeError("an integer is required")) { try iterator("iter", "a").iterated() }
        let list = HostedList([1])
        try TestStoreContext().call(list, "extend", iterator("reversed", Self.max64))
        #expect(list.items == [1, 2, 1])
    }

    @Test("ranges with bounds beyond Int")
    func ranges() throws {
        func range(_ values: PythonValue...) -> PythonValue { .object(.reduce(.builtin("range"), values)) }
        let start = BigInt(Int.max) - 1
        #expect(
            try range(.integer(start), Self.past64, 1).iterated() == [.integer(start), Self.max64]
        )
        #expect(try range(Self.max64, Self.min64, Self.min64).iterated() == [Self.max64, -1])
        #expect(try range(Self.huge, .integer(BigInt(10).power(30) + 2)).iterated().count == 2)
        #expect(throws: PythonException(type: .builtin("MemoryError"), arguments: [])) {
            try range(Self.huge).iterated()
        }
    }

    /// `[[[…[leaf]…]]]`, `levels` lists deep.
    static func nested(_ levels: Int) -> PythonValue {
        var value: PythonValue = 0
        for _ in 0..<levels { value = [value] }
        return value
    }

    @Test("__swift_set_nested__ refuses to build a value deeper than the limit across calls")
    func setNestedDepth() throws {
        let context = TestStoreContext()
        let dict = context.register(HostedDict())
        try context.call(dict, "__setitem__", "k", Self.nested(990))
        var refusals = 0
        // Each call aims at the innermost list, as a client growing the value level by level would.
        let path = PythonValue.tuple(["k"] + Array(repeating: 0, count: 990))
        for _ in 0..<10 {
            if let error = context.error(dict, "__swift_set_nested__", path, Self.nested(990)) {
                #expect(error.type == .builtin("RecursionError"))
                #expect(error.arguments.first?.str.contains("limit of 1000 levels") == true)
                refusals += 1
            }
        }
        #expect(refusals == 10)
        #expect(PythonValue.dict(dict.dict).nestingDepth(limit: 1000) == 991)
        try context.call(dict, "__swift_set_nested__", ["k", 0], Self.nested(5))
        #expect(PythonValue.dict(dict.dict).nestingDepth(limit: 1000) == 7)
        #expect(context.error(dict, "__swift_set_nested__", .tuple(Array(repeating: "k", count: 1001)), 1) != nil)
        // Exactly at the limit is allowed: the dict, then `path - 1` containers, then the value's own levels.
        let bottom = PythonValue.tuple(["k"] + Array(repeating: 0, count: 6))
        try context.call(dict, "__swift_set_nested__", bottom, Self.nested(993))
        #expect(PythonValue.dict(dict.dict).nestingDepth(limit: 1000) == 1000)
        #expect(context.error(dict, "__swift_set_nested__", bottom, Self.nested(994)) != nil)
    }

    @Test("nestingDepth is iterative and walks shared values once per depth")
    func nestingDepth() {
        #expect(PythonValue.int(1).nestingDepth(limit: 0) == 0)
        #expect(Self.nested(1500).nestingDepth(limit: 1000) == nil)
        #expect(Self.nested(1000).nestingDepth(limit: 1000) == 1000)
        var diamond: PythonValue = 0
        for level in 0..<64 {
            let shared = PythonValue.shared(PythonIdentity(rawValue: level), diamond)
            diamond = [shared, shared]
        }
        #expect(diamond.nestingDepth(limit: 1000) == 64)
    }
}

extension ObjectStoreTests {
    @Test("releasing the head of a 100,000-object chain of stored proxies reclaims it without recursion")
    func reclaimLongChain() throws {
        let ids = try (0..<100_000).map { _ in try self.create() }
        for (holder, next) in zip(ids, ids.dropFirst()) {
            _ = self.call(holder, "append", [self.proxy(to: next)])
        }
        for id in ids.dropFirst() { #expect(self.functionResult("decref", [.string(id)]).isReturn) }
        self.loop.advanceTime(by: .seconds(1))
        #expect(self.store.numberOfLiveObjects == 100_000)
        #expect(self.functionResult("decref", [.string(ids[0])]).isReturn)
        self.loop.advanceTime(by: .seconds(1))
        #expect(self.store.numberOfLiveObjects == 0)
    }
}
