import DequeModule
import NIOCore
import Pickle

/// A hosted `threading.Condition` (typeid `Condition`, `ConditionProxy`).
///
/// Built on its own `RLock`, or on a `Lock`/`RLock` of this server passed as a proxy (then shared with it).
/// `wait` releases the lock completely, parks until notified or timed out, and answers only once the lock has
/// been re-acquired with the saved recursion count.
package final class HostedCondition: HostedObject {
    /// The exposed names (3.14's tuple; 3.11's without `locked`).
    package static let exposedNames = ["acquire", "release", "locked", "wait", "notify", "notify_all"]

    private struct Waiter {
        var waiter: WaiterID
        var connection: ConnectionID
        var savedCount: Int
    }

    /// The underlying lock.
    package let lock: any ConditionLock
    /// The object id of the lock when it is another object of the store.
    package let sharedLockID: String?
    private var waiters: Deque<Waiter> = []

    /// A condition on `lock`.
    package init(lock: any ConditionLock = HostedRLock(), sharedLockID: String? = nil) {
        self.lock = lock
        self.sharedLockID = sharedLockID
    }

    /// `Condition(lock=None)` as the `create` call receives it: `lock` may be a proxy of this server's `Lock` or
    /// `RLock`.
    ///
    /// - Throws: `TypeError` for a lock that is not a `Lock`/`RLock` of this server.
    package convenience init(_ arguments: CallArguments, in context: any StoreContext) throws(PythonException) {
        let args = try arguments.bindPython("Condition.__init__", ["lock"], defaults: [.none])
        switch args[0].unwrapped {
        case .none:
            self.init()
        case .proxy(let proxy):
            guard let lock = context.object(withID: proxy.objectID) as? any ConditionLock else {
                throw .typeError(
                    "Condition(lock): \(proxy.typeID) proxy \(proxy.objectID) is not a Lock or RLock of this server"
                )
            }
            self.init(lock: lock, sharedLockID: proxy.objectID)
        default:
            throw .typeError(
                "Condition(lock): expected a Lock or RLock proxy of this manager, not '\(args[0].typeName)'"
            )
        }
    }

    package var typeID: String { "Condition" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { "<Condition(\(self.lock.pythonRepr), \(self.waiters.count))>" }
    package func pickledValue() -> Result<PythonValue, PythonException> { self.lock.pickledValue() }
    package var inspection: String? { "lock \(self.lock.inspection ?? "?"), \(self.waiters.count) waiting" }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        if let id = self.sharedLockID { body(id) }
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "acquire", "release", "locked", "__enter__", "__exit__":
            return try self.lock.call(method, arguments, in: context)
        case "wait":
            let args = try arguments.bindPython("Condition.wait", ["timeout"], defaults: [.none])
            guard self.lock.isOwned(by: context.connection) else {
                throw .runtimeError("cannot wait on un-acquired lock")
            }
            var deadline: NIODeadline? = nil
            if !args[0].isNone {
                let seconds = try args[0].timeoutSeconds()
                if seconds <= 0 {
                    let saved = self.lock.releaseForWait(by: context.connection, in: context)
                    if self.lock.tryReacquire(for: context.connection, count: saved) { return .value(false) }
                    let waiter = context.park(until: nil)
                    self.lock.reacquire(waiter, for: context.connection, count: saved, result: false, in: context)
                    return .parked
                }
                deadline = Timeouts.deadline(after: seconds, from: context.now)
            }
            let waiter = context.park(until: deadline)
            let saved = self.lock.releaseForWait(by: context.connection, in: context)
            self.waiters.append(Waiter(waiter: waiter, connection: context.connection, savedCount: saved))
            return .parked
        case "notify":
            let args = try arguments.bindPython("Condition.notify", ["n"], defaults: [1])
            guard self.lock.isOwned(by: context.connection) else {
                throw .runtimeError("cannot notify on un-acquired lock")
            }
            self.notify(try args[0].indexValue(), in: context)
            return .value(.none)
        case "notify_all", "notifyAll":
            _ = try arguments.bindPython("Condition.\(method)", [])
            guard self.lock.isOwned(by: context.connection) else {
                throw .runtimeError("cannot notify on un-acquired lock")
            }
            self.notify(self.waiters.count, in: context)
            return .value(.none)
        default:
            throw .attributeError("'Condition' object has no attribute '\(method)'")
        }
    }

    private func notify(_ count: Int, in context: any StoreContext) {
        var remaining = count
        while remaining > 0, let next = self.waiters.popFirst() {
            remaining -= 1
            self.lock.reacquire(next.waiter, for: next.connection, count: next.savedCount, result: true, in: context)
        }
    }

    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        if let index = self.waiters.firstIndex(where: { $0.waiter == waiter }) {
            let timedOut = self.waiters.remove(at: index)
            self.lock.reacquire(
                waiter, for: timedOut.connection, count: timedOut.savedCount, result: false,
                in: context)
        } else {
            self.lock.waiterTimedOut(waiter, in: context)
        }
    }

    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        let before = self.waiters.count
        self.waiters.removeAll { $0.connection == connection }
        var lines = before == self.waiters.count ? [] : ["dropped \(before - self.waiters.count) Condition wait"]
        if self.sharedLockID == nil {
            let levels = self.lock.forgetWaiters(of: connection, in: context)
            if levels > 0 { lines.append("released Condition lock held \(levels) level\(levels == 1 ? "" : "s")") }
        }
        return lines
    }
}
