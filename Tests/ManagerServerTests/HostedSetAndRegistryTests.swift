import ManagerServer
import Pickle
import Testing

@Suite("HostedSet and the SyncManager type list")
struct HostedSetAndRegistryTests {
    static func set(_ values: PythonValue...) -> PythonValue {
        .set((try? PythonSet(values)) ?? PythonSet())
    }

    @Test("set operators, in-place operators and methods")
    func setOperations() throws {
        let context = TestStoreContext()
        let set = try HostedSet(CallArguments([[1, 2, 3]]))
        #expect(try context.value(set, "__and__", Self.set(2, 3, 4)) == Self.set(2, 3))
        #expect(try context.value(set, "__or__", Self.set(4)) == Self.set(1, 2, 3, 4))
        #expect(try context.value(set, "__sub__", Self.set(1)) == Self.set(2, 3))
        #expect(try context.value(set, "__rsub__", Self.set(1, 9)) == Self.set(9))
        #expect(try context.value(set, "__xor__", Self.set(3, 4)) == Self.set(1, 2, 4))
        #expect(try context.value(set, "__and__", [1]) == .global(PythonGlobal(module: "builtins", name: "NotImplemented")))
        #expect(try context.value(set, "__le__", Self.set(1, 2, 3)) == true)
        #expect(try context.value(set, "__lt__", Self.set(1, 2, 3)) == false)
        #expect(try context.value(set, "issubset", [1, 2, 3, 4]) == true)
        #expect(try context.value(set, "isdisjoint", [7]) == true)
        #expect(try context.value(set, "union", [9], "a") == Self.set(1, 2, 3, 9, "a"))
        #expect(context.error(set, "difference", 1) == .typeError("'int' object is not iterable"))
        try context.call(set, "__ior__", Self.set(4))
        try context.call(set, "difference_update", [1])
        #expect(set.elements == (try PythonSet([2, 3, 4])))
        #expect(context.error(set, "remove", 9) == .keyError(9))
        try context.call(set, "discard", 9)
        #expect(context.error(set, "add", [1]) == .typeError("unhashable type: 'list'"))
        #expect(context.error(set, "add") == .typeError("set.add() takes exactly one argument (0 given)"))
        try context.call(set, "clear")
        #expect(context.error(set, "pop") == .keyError("pop from an empty set"))
        #expect(set.pythonRepr == "set()")
    }

    /// The exposed tuples of CPython 3.11 (§5.1) must be a prefix of ours; later names are 3.13/3.14 additions.
    static let cpython311: [String: [String]] = [
        "Queue": ["empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize"],
        "Event": ["is_set", "set", "clear", "wait"],
        "Lock": ["acquire", "release"],
        "RLock": ["acquire", "release"],
        "Semaphore": ["acquire", "release"],
        "BoundedSemaphore": ["acquire", "release"],
        "Barrier": ["__getattribute__", "wait", "abort", "reset"],
        "list": ["__add__", "__contains__", "__delitem__", "__getitem__", "__len__", "__mul__", "__reversed__",
                 "__rmul__", "__setitem__", "append", "count", "extend", "index", "insert", "pop", "remove", "reverse",
                 "sort", "__imul__"],
        "dict": ["__contains__", "__delitem__", "__getitem__", "__iter__", "__len__", "__setitem__", "clear", "copy",
                 "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values", "__iter__"],
        "Value": ["get", "set"],
        "Array": ["__len__", "__getitem__", "__setitem__"],
        "Namespace": ["__getattribute__", "__setattr__", "__delattr__"],
    ]

    @Test("every SyncManager typeid is registered with CPython's exposed names", arguments: Array(cpython311.keys))
    func exposedTuples(typeID: String) throws {
        let entry = try #require(HostedType.syncManagerType(typeID))
        let expected = try #require(Self.cpython311[typeID])
        #expect(Array(entry.exposed.prefix(expected.count)) == expected)
    }

    @Test("the 3.13 Queue tuple and the 3.14 lock/condition tuples are exact")
    func newerTuples() throws {
        #expect(HostedType.syncManagerType("Queue")?.exposed
            == ["empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "shutdown", "task_done"])
        // Reported tuples stay 3.11's; the 3.14 names are accepted.
        #expect(HostedType.syncManagerType("Lock")?.exposed == ["acquire", "release"])
        #expect(HostedType.syncManagerType("Lock")?.acceptedMethods.contains("locked") == true)
        #expect(HostedType.syncManagerType("Condition")?.exposed == ["acquire", "release", "wait", "notify", "notify_all"])
        #expect(HostedType.syncManagerType("Condition")?.acceptedMethods.contains("locked") == true)
        #expect(HostedType.syncManagerType("Pool") == nil)
        #expect(HostedType.syncManagerType("set")?.exposed.count == 37)
    }

    @Test("every typeid is created from the arguments CPython clients send")
    func creates() throws {
        let context = TestStoreContext()
        let rows: [(String, CallArguments)] = [
            ("Queue", CallArguments()), ("JoinableQueue", CallArguments([3])), ("Event", CallArguments()),
            ("Lock", CallArguments()), ("RLock", CallArguments()), ("Semaphore", CallArguments([2])),
            ("BoundedSemaphore", CallArguments([1])), ("Condition", CallArguments()), ("Barrier", CallArguments([2])),
            ("list", CallArguments([[1, 2]])), ("dict", CallArguments([], keywords: .kw(["a": 1]))),
            ("Value", CallArguments(["i", 5])), ("Array", CallArguments(["i", [1, 2, 3]])),
            ("Namespace", CallArguments([], keywords: .kw(["x": 1]))), ("set", CallArguments([[1]])),
        ]
        for (typeID, arguments) in rows {
            let entry = try #require(HostedType.syncManagerType(typeID))
            let object = try entry.make(arguments, context)
            #expect(object.typeID == typeID)
            #expect(entry.acceptedMethods.isSuperset(of: object.exposed))
        }
    }

    @Test("unpicklable referents give CPython's pickling TypeError")
    func unpicklable() {
        let rows: [(any HostedObject, String)] = [
            (HostedLock(), "_thread.lock"), (HostedRLock(), "_thread.RLock"),
            (HostedSemaphore(value: 1, bounded: false), "_thread.lock"), (HostedCondition(), "_thread.RLock"),
            (HostedEvent(), "_thread.lock"), (HostedBarrier(parties: 2), "_thread.lock"),
            (HostedQueue(), "_thread.lock"),
        ]
        for (object, name) in rows {
            #expect(throws: PythonException.cannotPickle(name)) { try object.pickledValue().get() }
        }
    }
}
