import Pickle

/// A hosted `threading.Lock` (typeid `Lock`, `AcquirerProxy`). Any connection may release it.
package final class HostedLock: HostedObject, ConditionLock {
    /// The exposed names (3.14's tuple; 3.11's without `locked`).
    package static let exposedNames = ["acquire", "release", "locked"]

    /// The lock's state.
    package private(set) var state = LockState(reentrant: false)

    /// An unlocked lock.
    package init() {}

    /// `Lock()` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        guard arguments.positional.isEmpty, arguments.keywords.isEmpty else {
            throw .typeError("lock() takes no arguments")
        }
        self.init()
    }

    package var typeID: String { "Lock" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String {
        "<\(self.state.isLocked ? "locked" : "unlocked") _thread.lock object at \(pythonAddress(of: self))>"
    }
    package func pickledValue() -> Result<PythonValue, PythonException> { .failure(.cannotPickle("_thread.lock")) }

    package var inspection: String? {
        guard let owner = self.state.owner else { return "unlocked, \(self.state.waiterCount) waiting" }
        return "held by \(owner), \(self.state.waiterCount) waiting"
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
            if method == "release" { try arguments.bindNone("lock.release") }
            guard self.state.isLocked else { throw .runtimeError("release unlocked lock") }
            self.state.release(in: context)
            return .value(.none)
        case "locked":
            try arguments.bindNone("lock.locked")
            return .value(.bool(self.state.isLocked))
        default:
            throw .attributeError("'_thread.lock' object has no attribute '\(method)'")
        }
    }

    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        _ = self.state.timeOut(waiter, in: context)
    }

    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        self.state.connectionClosed(connection, in: context) > 0 ? ["released Lock"] : []
    }

    // MARK: ConditionLock

    package func isOwned(by connection: ConnectionID) -> Bool { self.state.isLocked }
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
