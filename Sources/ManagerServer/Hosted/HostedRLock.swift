import Pickle

/// A hosted `threading.RLock` (typeid `RLock`, `AcquirerProxy`): owned by one connection, recursive.
package final class HostedRLock: HostedObject, ConditionLock {
    /// The exposed names (3.14's tuple; 3.11's without `locked`).
    package static let exposedNames = ["acquire", "release", "locked"]

    /// The lock's state.
    package private(set) var state = LockState(reentrant: true)

    /// An unlocked re-entrant lock.
    package init() {}

    /// `RLock()` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        guard arguments.positional.isEmpty, arguments.keywords.isEmpty else {
            throw .typeError("RLock() takes no arguments")
        }
        self.init()
    }

    package var typeID: String { "RLock" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String {
        let owner = self.state.owner?.rawValue ?? 0
        return "<\(self.state.isLocked ? "locked" : "unlocked") _thread.RLock object owner=\(owner) "
            + "count=\(self.state.count) at \(pythonAddress(of: self))>"
    }
    package func pickledValue() -> Result<PythonValue, PythonException> { .failure(.cannotPickle("_thread.RLock")) }

    package var inspection: String? {
        guard let owner = self.state.owner else { return "unlocked, \(self.state.waiterCount) waiting" }
        return "held by \(owner) (\(self.state.count) levels), \(self.state.waiterCount) waiting"
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "acquire", "__enter__":
            let (blocking, deadline) = try LockState.parseAcquire(arguments, now: context.now)
            if self.state.tryAcquire(for: context.connection) { return .value(true) }
            if !blocking || deadline.map({ $0 <= context.now }) == true { return .value(false) }
            let waiter = context.park(until: deadline)
            self.state.enqueue(
                .init(
                    waiter: waiter, connection: context.connection, count: 1, result: true,
                    timesOut: true))
            return .parked
        case "release", "__exit__":
            if method == "release" { try arguments.bindNone("_thread.RLock.release") }
            guard self.state.owner == context.connection else {
                throw .runtimeError("cannot release un-acquired lock")
            }
            self.state.release(in: context)
            return .value(.none)
        case "locked":
            try arguments.bindNone("_thread.RLock.locked")
            return .value(.bool(self.state.isLocked))
        default:
            throw .attributeError("'_thread.RLock' object has no attribute '\(method)'")
        }
    }

    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        _ = self.state.timeOut(waiter, in: context)
    }

    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        let levels = self.state.connectionClosed(connection, in: context)
        return levels > 0 ? ["released RLock held \(levels) level\(levels == 1 ? "" : "s")"] : []
    }

    // MARK: ConditionLock

    package func isOwned(by connection: ConnectionID) -> Bool { self.state.owner == connection }
    package func releaseForWait(by connection: ConnectionID, in context: any StoreContext) -> Int {
        self.state.release(all: true, in: context)
    }
    package func reacquire(
        _ waiter: WaiterID, for connection: ConnectionID, count: Int, result: PythonValue,
        in context: any StoreContext
    ) {
        if self.state.tryAcquire(for: connection, count: count) {
            context.resume(waiter, with: .success(result))
        } else {
            self.state.enqueue(
                .init(
                    waiter: waiter, connection: connection, count: count, result: result,
                    timesOut: false))
        }
    }
    package func tryReacquire(for connection: ConnectionID, count: Int) -> Bool {
        self.state.tryAcquire(for: connection, count: count)
    }
    package func forgetWaiters(of connection: ConnectionID, in context: any StoreContext) -> Int {
        self.state.connectionClosed(connection, in: context)
    }
}
