import DequeModule
import NIOCore
import Pickle

/// A hosted `queue.Queue` (typeids `Queue` and `JoinableQueue`, `AutoProxy`), with 3.13's `shutdown`.
///
/// Blocked `get`s and `put`s are parked in FIFO order. An item goes straight to the first parked getter whose
/// connection is still open, so an item is never lost or delivered twice.
package final class HostedQueue: HostedObject {
    /// The exposed names: CPython 3.13's tuple (3.11's plus `shutdown`).
    package static let exposedNames = [
        "empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "shutdown", "task_done",
    ]

    private struct Putter {
        var waiter: WaiterID
        var connection: ConnectionID?
        var item: PythonValue
    }

    /// `Queue` or `JoinableQueue`.
    package let typeID: String
    /// The maximum size (`<= 0`: unbounded).
    package let maxsize: Int
    /// The queued items.
    package private(set) var items: Deque<PythonValue> = []
    /// The number of items put and not yet marked done with `task_done`.
    package private(set) var unfinishedTasks = 0
    /// Whether `shutdown` was called.
    package private(set) var isShutDown = false
    private var getters: Deque<WaiterID> = []
    private var putters: Deque<Putter> = []
    private var joiners: [WaiterID] = []
    private var mayHoldProxies = false

    /// A queue.
    package init(typeID: String = "Queue", maxsize: Int = 0) {
        self.typeID = typeID
        self.maxsize = maxsize
    }

    /// `Queue(maxsize=0)` as the `create` call receives it.
    package convenience init(typeID: String, _ arguments: CallArguments) throws(PythonException) {
        let args = try arguments.bindPython("Queue.__init__", ["maxsize"], defaults: [0])
        let maxsize: Int
        switch args[0].unwrapped {
        case .int, .bool: maxsize = args[0].intValue ?? 0
        case .bigInt: maxsize = (args[0].doubleValue ?? 0) > 0 ? Int.max : 0
        case .float(let limit): maxsize = limit > 0 ? Int(min(limit.rounded(.up), 9e18)) : 0
        default:
            throw .typeError("Queue(maxsize): expected a number, not '\(args[0].typeName)'")
        }
        self.init(typeID: typeID, maxsize: maxsize)
    }

    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { "<queue.Queue object at \(pythonAddress(of: self))>" }
    package func pickledValue() -> Result<PythonValue, PythonException> { .failure(.cannotPickle("_thread.lock")) }

    private var isFull: Bool { self.maxsize > 0 && self.items.count >= self.maxsize }

    package var inspection: String? {
        "\(self.items.count) items, \(self.unfinishedTasks) unfinished, \(self.getters.count) getters waiting, "
            + "\(self.putters.count) putters waiting, \(self.joiners.count) joiners waiting"
    }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        guard self.mayHoldProxies else { return }
        for item in self.items { item.forEachProxyReference { body($0.objectID) } }
        for putter in self.putters { putter.item.forEachProxyReference { body($0.objectID) } }
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "qsize":
            _ = try arguments.bindPython("Queue.qsize", [])
            return .value(.int(self.items.count))
        case "empty":
            _ = try arguments.bindPython("Queue.empty", [])
            return .value(.bool(self.items.isEmpty))
        case "full":
            _ = try arguments.bindPython("Queue.full", [])
            return .value(.bool(self.isFull))
        case "put":
            let args = try arguments.bindPython("Queue.put", ["item", "block", "timeout"], defaults: [true, .none])
            return try self.put(args[0], block: args[1].isTruthy, timeout: args[2], in: context)
        case "put_nowait":
            let args = try arguments.bindPython("Queue.put_nowait", ["item"])
            return try self.put(args[0], block: false, timeout: .none, in: context)
        case "get":
            let args = try arguments.bindPython("Queue.get", ["block", "timeout"], defaults: [true, .none])
            return try self.get(block: args[0].isTruthy, timeout: args[1], in: context)
        case "get_nowait":
            _ = try arguments.bindPython("Queue.get_nowait", [])
            return try self.get(block: false, timeout: .none, in: context)
        case "task_done":
            _ = try arguments.bindPython("Queue.task_done", [])
            guard self.unfinishedTasks > 0 else { throw .valueError("task_done() called too many times") }
            self.unfinishedTasks -= 1
            if self.unfinishedTasks == 0 { self.wakeJoiners(in: context) }
            return .value(.none)
        case "join":
            _ = try arguments.bindPython("Queue.join", [])
            guard self.unfinishedTasks > 0 else { return .value(.none) }
            self.joiners.append(context.park(until: nil))
            return .parked
        case "shutdown":
            let args = try arguments.bindPython("Queue.shutdown", ["immediate"], defaults: [false])
            self.shutdown(immediate: args[0].isTruthy, in: context)
            return .value(.none)
        default:
            throw .attributeError("'Queue' object has no attribute '\(method)'")
        }
    }

    /// A blocking call's `timeout` in seconds (`nil` for `None`), checked as `queue.Queue` checks it before it
    /// looks at the queue.
    private static func seconds(_ timeout: PythonValue) throws(PythonException) -> Double? {
        timeout.isNone ? nil : try PythonTimeout.queueSeconds(timeout)
    }

    /// The deadline of a blocking call that must wait (`nil`: forever), or `now` when it gives up at once.
    private static func deadline(_ seconds: Double?, in context: any StoreContext) throws(PythonException)
        -> NIODeadline?
    {
        guard let seconds else { return nil }
        return try PythonTimeout.queueWait(seconds).deadline(from: context.now)
    }

    private func put(_ item: PythonValue, block: Bool, timeout: PythonValue, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        if self.isShutDown { throw .queueShutDown }
        if !self.mayHoldProxies, item.containsProxy { self.mayHoldProxies = true }
        // A bounded queue checks a blocking call's timeout even when it has room.
        let seconds = block && self.maxsize > 0 ? try Self.seconds(timeout) : nil
        if self.isFull {
            guard block else { throw .queueFull }
            let deadline = try Self.deadline(seconds, in: context)
            if let deadline, deadline <= context.now { throw .queueFull }
            let waiter = context.park(until: deadline)
            self.putters.append(Putter(waiter: waiter, connection: context.connection, item: item))
            return .parked
        }
        self.unfinishedTasks += 1
        self.deliver(item, in: context)
        return .value(.none)
    }

    /// Hands `item` to the first parked getter that is still connected, or queues it.
    private func deliver(_ item: PythonValue, in context: any StoreContext) {
        while let getter = self.getters.popFirst() {
            if context.resume(getter, with: .success(item)) { return }
        }
        self.items.append(item)
    }

    private func get(block: Bool, timeout: PythonValue, in context: any StoreContext) throws(PythonException)
        -> CallOutcome
    {
        // A blocking call's timeout is checked even when an item is ready.
        let seconds = block ? try Self.seconds(timeout) : nil
        if let item = self.items.popFirst() {
            self.admitPutters(in: context)
            return .value(item)
        }
        if self.isShutDown { throw .queueShutDown }
        guard block else { throw .queueEmpty }
        let deadline = try Self.deadline(seconds, in: context)
        if let deadline, deadline <= context.now { throw .queueEmpty }
        self.getters.append(context.park(until: deadline))
        return .parked
    }

    /// Moves parked putters' items into the queue while there is room.
    private func admitPutters(in context: any StoreContext) {
        while !self.isFull, let putter = self.putters.popFirst() {
            // A putter whose connection is gone never completed its put: its item is dropped.
            guard context.resume(putter.waiter, with: .success(.none)) else { continue }
            self.unfinishedTasks += 1
            self.deliver(putter.item, in: context)
        }
    }

    private func wakeJoiners(in context: any StoreContext) {
        let joiners = self.joiners
        self.joiners.removeAll()
        for joiner in joiners { context.resume(joiner, with: .success(.none)) }
    }

    private func shutdown(immediate: Bool, in context: any StoreContext) {
        self.isShutDown = true
        if immediate {
            while self.items.popFirst() != nil {
                if self.unfinishedTasks > 0 { self.unfinishedTasks -= 1 }
            }
            if self.unfinishedTasks == 0 { self.wakeJoiners(in: context) }
        }
        // Parked getters only wait on an empty queue, so all of them fail; so do parked putters.
        while let getter = self.getters.popFirst() { context.resume(getter, with: .failure(.queueShutDown)) }
        while let putter = self.putters.popFirst() { context.resume(putter.waiter, with: .failure(.queueShutDown)) }
    }

    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        if let index = self.getters.firstIndex(of: waiter) {
            self.getters.remove(at: index)
            context.resume(waiter, with: .failure(.queueEmpty))
        } else if let index = self.putters.firstIndex(where: { $0.waiter == waiter }) {
            self.putters.remove(at: index)
            context.resume(waiter, with: .failure(.queueFull))
        }
    }

    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        var lines: [String] = []
        let getters = self.getters.count
        self.getters.removeAll { context.connection(of: $0) == nil || context.connection(of: $0) == connection }
        if getters != self.getters.count { lines.append("dropped \(getters - self.getters.count) parked get") }
        let putters = self.putters.count
        self.putters.removeAll { $0.connection == connection || context.connection(of: $0.waiter) == nil }
        if putters != self.putters.count { lines.append("dropped \(putters - self.putters.count) parked put") }
        self.joiners.removeAll { context.connection(of: $0) == nil || context.connection(of: $0) == connection }
        return lines
    }
}
