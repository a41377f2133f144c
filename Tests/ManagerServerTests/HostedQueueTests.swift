import ManagerServer
import Pickle
import Testing

@Suite("HostedQueue")
struct HostedQueueTests {
    @Test("FIFO put/get, qsize, empty, full")
    func basics() throws {
        let context = TestStoreContext()
        let queue = try HostedQueue(typeID: "Queue", CallArguments([2]))
        #expect(try context.value(queue, "empty") == true)
        try context.call(queue, "put", 1)
        try context.call(queue, "put_nowait", 2)
        #expect(try context.value(queue, "qsize") == 2)
        #expect(try context.value(queue, "full") == true)
        #expect(context.error(queue, "put_nowait", 3) == .queueFull)
        #expect(context.error(queue, "put", 3, false) == .queueFull)
        #expect(try context.value(queue, "get") == 1)
        #expect(try context.value(queue, "get_nowait") == 2)
        #expect(context.error(queue, "get_nowait") == .queueEmpty)
        #expect(context.error(queue, "get", false) == .queueEmpty)
        #expect(context.error(queue, "get", keywords: .kw(["timeout": 0])) == .queueEmpty)
    }

    @Test("argument errors use CPython's messages")
    func argumentErrors() {
        let context = TestStoreContext()
        let queue = HostedQueue()
        #expect(
            context.error(queue, "get", keywords: .kw(["timeout": -1]))
                == .valueError("'timeout' must be a non-negative number"))
        #expect(context.error(queue, "put") == .typeError("Queue.put() missing 1 required positional argument: 'item'"))
        #expect(
            context.error(queue, "put", 1, 2, 3, 4)
                == .typeError("Queue.put() takes from 2 to 4 positional arguments but 5 were given"))
        #expect(
            context.error(queue, "get", keywords: .kw(["x": 1]))
                == .typeError("Queue.get() got an unexpected keyword argument 'x'"))
        #expect(
            context.error(queue, "put", 1, keywords: .kw(["item": 2]))
                == .typeError("Queue.put() got multiple values for argument 'item'"))
        #expect(
            context.error(queue, "qsize", 1) == .typeError("Queue.qsize() takes 1 positional argument but 2 were given")
        )
        #expect(context.error(queue, "task_done") == .valueError("task_done() called too many times"))
    }

    @Test("a put hands the item to the first parked getter")
    func handsOffToGetter() throws {
        let context = TestStoreContext()
        let queue = HostedQueue()
        let first = try context.parks(queue, "get", as: 2)
        let second = try context.parks(queue, "get", true, 5, as: 3)
        try context.call(queue, "put", "x", as: 1)
        #expect(context.resultValue(first) == "x")
        #expect(context.isParked(second))
        #expect(try context.value(queue, "qsize") == 0)
        context.advance(bySeconds: 5)
        #expect(context.resultError(second) == .queueEmpty)
    }

    @Test("a getter whose connection closed never consumes an item")
    func deadGetter() throws {
        let context = TestStoreContext()
        let queue = context.register(HostedQueue())
        let dead = try context.parks(queue, "get", as: 2)
        let alive = try context.parks(queue, "get", as: 3)
        _ = context.close(2)
        try context.call(queue, "put", "x", as: 1)
        #expect(context.resultValue(dead) == nil)
        #expect(context.resultValue(alive) == "x")
        try context.call(queue, "put", "y", as: 1)
        #expect(try context.value(queue, "get") == "y")
    }

    @Test("a parked putter on a full queue completes when a get makes room, or times out with Full")
    func parkedPutter() throws {
        let context = TestStoreContext()
        let queue = HostedQueue(maxsize: 1)
        try context.call(queue, "put", 1)
        let putter = try context.parks(queue, "put", 2, as: 2)
        let late = try context.parks(queue, "put", 3, keywords: .kw(["timeout": 1]), as: 3)
        #expect(try context.value(queue, "get", as: 1) == 1)
        #expect(context.resultValue(putter) == PythonValue.none)
        #expect(try context.value(queue, "qsize") == 1)
        context.advance(bySeconds: 1)
        #expect(context.resultError(late) == .queueFull)
        #expect(try context.value(queue, "get") == 2)
    }

    @Test("join parks until every task is done")
    func join() throws {
        let context = TestStoreContext()
        let queue = HostedQueue(typeID: "JoinableQueue")
        #expect(try context.value(queue, "join") == PythonValue.none)
        try context.call(queue, "put", 1)
        try context.call(queue, "put", 2)
        let joiner = try context.parks(queue, "join", as: 2)
        _ = try context.value(queue, "get")
        try context.call(queue, "task_done")
        #expect(context.isParked(joiner))
        _ = try context.value(queue, "get")
        try context.call(queue, "task_done")
        #expect(context.resultValue(joiner) == PythonValue.none)
    }

    @Test("shutdown fails parked getters and later puts; immediate discards items and releases joiners")
    func shutdown() throws {
        let context = TestStoreContext()
        let queue = HostedQueue()
        let getter = try context.parks(queue, "get", as: 2)
        try context.call(queue, "shutdown")
        #expect(context.resultError(getter) == .queueShutDown)
        #expect(context.error(queue, "put", 1) == .queueShutDown)

        let other = HostedQueue()
        try context.call(other, "put", 1)
        try context.call(other, "put", 2)
        #expect(try context.value(other, "get") == 1)
        let joiner = try context.parks(other, "join", as: 3)
        try context.call(other, "shutdown", false)
        #expect(try context.value(other, "get") == 2)
        #expect(context.error(other, "get") == .queueShutDown)
        try context.call(other, "task_done")
        try context.call(other, "task_done")
        #expect(context.resultValue(joiner) == PythonValue.none)

        let third = HostedQueue()
        try context.call(third, "put", 1)
        let joiner3 = try context.parks(third, "join", as: 4)
        try context.call(third, "shutdown", keywords: .kw(["immediate": true]))
        #expect(context.resultValue(joiner3) == PythonValue.none)
        #expect(context.error(third, "get") == .queueShutDown)
    }

    @Test("the queue cannot be pickled, like CPython's")
    func unpicklable() {
        #expect(throws: PythonException.cannotPickle("_thread.lock")) { try HostedQueue().pickledValue().get() }
        #expect(
            HostedQueue.exposedNames.firstIndex(of: "shutdown") == HostedQueue.exposedNames.firstIndex(of: "qsize")! + 1
        )
    }
}
