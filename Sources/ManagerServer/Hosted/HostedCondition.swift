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
            let timeout = try PythonTimeout.conditionWait(args[0])
            if timeout == .immediately {
                let saved = self.lock.releaseForWait(by: context.connection, in: context)
                if self.lock.tryReacquire(for: context.connection, count: saved) { return .value(false) }
                let waiter = context.park(until: nil)
                self.lock.reacquire(waiter, for: context.connection, count: saved, result: false, in: context)
                return .parked
            }
            let waiter = context.park(until: timeout.deadline(from: context.now))
            let saved = self.lock.releaseForWait(by: context.connection, in: context)
            self.waiters.append(Waiter(waiter: waiter, connection: context.connection, savedCount: saved))
            return .parked
        case "notify":
            let args = try arguments.bindPython("Condition.notify", ["n"], defaults: [1])
            guard self.lock.isOwned(by: context.connection) else {
                throw .runtimeError("cannot notify on un-acquired lock")
            }
            if !self.waiters.isEmpty { self.notify(try Self.wakeCount(args[0], waiting: self.waiters.count), in: context) }
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

    /// How many of `waiting` waiters `notify(n)` wakes: CPython 3.11 loops `while waiters and n > 0: …; n -= 1`,
    /// so any `n` past the number waiting wakes them all and a float wakes its ceiling.
    ///
    /// - Throws: `TypeError("'>' not supported between instances of 'str' and 'int'")` for a non-number.
    private static func wakeCount(_ n: PythonValue, waiting: Int) throws(PythonException) -> Int {
        switch n.unwrapped {
        case .int(let count): return min(max(count, 0), waiting)
        case .bool(let flag): return flag ? 1 : 0
        case .bigInt(let count): return count > 0 ? waiting : 0
        case .float(let count):
            guard count > 0 else { return 0 }
            return count >= Double(waiting) ? waiting : Int(count.rounded(.up))
        default:
            throw .typeError("'>' not supported between instances of '\(n.typeName)' and 'int'")
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
