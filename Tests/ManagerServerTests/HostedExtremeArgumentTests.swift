import BigInt
import ManagerServer
import Pickle
import Testing

/// `Condition.notify(n)`, `Barrier(parties)`, nested assignment, `repr`/`str` and sort keys with extreme values,
/// answered as CPython 3.11's server answers them.
extension HostedExtremeValueTests {
    /// A condition with three connections (2, 3, 4) waiting on it, and connection 1 holding its lock.
    static func conditionWithWaiters() throws -> (TestStoreContext, HostedCondition) {
        let context = TestStoreContext()
        let condition = context.register(HostedCondition())
        for connection: UInt64 in 2...4 {
            try context.call(condition, "acquire", as: connection)
            #expect(try context.parks(condition, "wait", as: connection) != nil)
        }
        try context.call(condition, "acquire", as: 1)
        return (context, condition)
    }

    @Test("notify(n) wakes as many waiters as CPython 3.11's `while waiters and n > 0` loop")
    func notifyCounts() throws {
        let cases: [(PythonValue, Int)] = [
            (Self.past64, 3), (Self.huge, 3), (Self.negativeHuge, 0), (-1, 0), (0, 0), (true, 1), (false, 0),
            (1.5, 2), (.float(.infinity), 3), (.float(.nan), 0), (Self.max64, 3), (Self.min64, 0),
        ]
        for (n, woken) in cases {
            let (context, condition) = try Self.conditionWithWaiters()
            #expect(try context.value(condition, "notify", n) == PythonValue.none)
            #expect(condition.inspection?.hasSuffix("\(3 - woken) waiting") == true, "notify(\(n.repr))")
        }
        let (context, condition) = try Self.conditionWithWaiters()
        let error = PythonException.typeError("'>' not supported between instances of 'str' and 'int'")
        #expect(context.error(condition, "notify", "x") == error)
        // With nobody waiting the loop never compares n.
        let idle = context.register(HostedCondition())
        try context.call(idle, "acquire")
        #expect(try context.value(idle, "notify", "x") == PythonValue.none)
        #expect(try context.value(idle, "notify", Self.huge) == PythonValue.none)
    }

    @Test("Barrier(parties) keeps any value and releases only when index + 1 == parties")
    func barrierParties() throws {
        for parties in [0, -1, Self.past64, Self.huge, 1.5, "x", .float(.nan)] as [PythonValue] {
            let context = TestStoreContext()
            let barrier = context.register(try HostedBarrier(CallArguments([parties])))
            #expect(try context.value(barrier, "__getattribute__", "parties") == parties.unwrapped || parties.repr == "nan")
            #expect(try context.parks(barrier, "wait", as: 1) != nil)
            #expect(try context.parks(barrier, "wait", as: 2) != nil)
        }
        let context = TestStoreContext()
        let single = context.register(try HostedBarrier(CallArguments([true])))
        #expect(try context.value(single, "wait") == 0)
        let twoAndAHalf = context.register(try HostedBarrier(CallArguments([2.0])))
        _ = try context.parks(twoAndAHalf, "wait", as: 1)
        #expect(try context.value(twoAndAHalf, "wait", as: 2) == 1)
    }

    @Test("__swift_set_nested__ with an index past Int raises IndexError like l[10**30] = x")
    func setNestedBigIndex() throws {
        let context = TestStoreContext()
        let dict = context.register(HostedDict())
        try context.call(dict, "__setitem__", "k", [[1, 2]])
        let error = PythonException.indexError("cannot fit 'int' into an index-sized integer")
        for index in [Self.past64, Self.huge, Self.negativeHuge] {
            #expect(context.error(dict, "__swift_set_nested__", ["k", index], 5) == error)
            #expect(context.error(dict, "__swift_set_nested__", ["k", 0, index], 5) == error)
        }
    }

    @Test("repr, str and sort keys raise CPython's ValueError for an int past 4300 digits")
    func longIntegerText() throws {
        let long = PythonValue.integer(BigInt(10).power(5000))
        let tooLong = PythonIntegerString.conversionToTextError
        let context = TestStoreContext()
        let list = context.register(HostedList([long, 1]))
        #expect(throws: tooLong) { try list.checkedPythonRepr() }
        #expect(throws: tooLong) { try list.checkedPythonStr() }
        #expect(throws: tooLong) { try HostedDict(PythonDict(stringKeys: ["k": long])).checkedPythonRepr() }
        #expect(throws: tooLong) { try HostedSet(try PythonSet([long])).checkedPythonRepr() }
        #expect(throws: tooLong) { try HostedNamespace(PythonDict(stringKeys: ["a": long])).checkedPythonRepr() }
        #expect(try HostedList([1, 2]).checkedPythonRepr() == "[1, 2]")
        for key in ["str", "repr"] {
            #expect(
                context.error(list, "sort", keywords: PythonDict(stringKeys: ["key": .global(.builtin(key))])) == tooLong)
        }
        let digits = String(repeating: "7", count: 5000)
        let strings = context.register(HostedList([.string(digits), " 1_000 ", "\u{0661}\u{0662}"]))
        #expect(
            context.error(strings, "sort", keywords: PythonDict(stringKeys: ["key": .global(.builtin("int"))]))
                == PythonIntegerString.conversionFromTextError(digits: 5000))
        #expect(try SortKey(.global(.builtin("int"))).apply(to: " 1_000 ") == 1000)
        #expect(try SortKey(.global(.builtin("int"))).apply(to: "\u{0661}\u{0662}") == 12)
        let floatKey = try SortKey(.global(.builtin("float")))
        #expect(throws: PythonException.overflowError("int too large to convert to float")) {
            try floatKey.apply(to: .integer(-BigInt(10).power(400)))
        }
    }
}
