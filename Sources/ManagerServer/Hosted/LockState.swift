import DequeModule
import NIOCore
import Pickle

/// The state shared by ``HostedLock`` and ``HostedRLock``: a holder, its recursion count and a FIFO of parked
/// acquirers. The lock is handed directly to the first waiter still connected, so waiters never starve.
package struct LockState {
    /// A parked acquirer.
    package struct Waiter {
        /// The parked call.
        var waiter: WaiterID
        /// The connection that will own the lock.
        var connection: ConnectionID
        /// The recursion count to install (a `Condition.wait` restores the saved count).
        var count: Int
        /// The value the call returns once the lock is granted.
        var result: PythonValue
        /// Whether the call's deadline applies (a `Condition.wait` re-acquiring the lock waits forever).
        var timesOut: Bool
    }

    /// Whether the same connection may acquire again (`RLock`).
    let reentrant: Bool
    /// The connection holding the lock.
    package private(set) var owner: ConnectionID?
    /// The recursion count (1 for a held `Lock`).
    package private(set) var count = 0
    private var waiters: Deque<Waiter> = []

    init(reentrant: Bool) {
        self.reentrant = reentrant
    }

    /// The number of parked acquirers.
    package var waiterCount: Int { self.waiters.count }

    /// Whether the lock is held.
    package var isLocked: Bool { self.owner != nil }

    /// Tries to take the lock at once for `connection`.
    mutating func tryAcquire(for connection: ConnectionID, count: Int = 1) -> Bool {
        if self.owner == nil {
            self.owner = connection
            self.count = count
            return true
        }
        if self.reentrant, self.owner == connection {
            self.count += count
            return true
        }
        return false
    }

    /// Parks an acquirer.
    mutating func enqueue(_ waiter: Waiter) {
        self.waiters.append(waiter)
    }

    /// Releases one level (or all with `all`) and hands the lock to the next connected waiter.
    ///
    /// - Returns: the count that was released.
    @discardableResult
    mutating func release(all: Bool = false, in context: any StoreContext) -> Int {
        let released = all ? self.count : 1
        self.count -= released
        if self.count == 0 {
            self.owner = nil
            self.handOff(in: context)
        }
        return released
    }

    /// Grants the free lock to the first waiter that is still connected.
    mutating func handOff(in context: any StoreContext) {
        while self.owner == nil, let next = self.waiters.popFirst() {
            self.owner = next.connection
            self.count = next.count
            if !context.resume(next.waiter, with: .success(next.result)) {
                self.owner = nil
                self.count = 0
            }
        }
    }

    /// Removes a timed-out acquirer; returns whether it was found (and answers it with `False`).
    mutating func timeOut(_ waiter: WaiterID, in context: any StoreContext) -> Bool {
        guard let index = self.waiters.firstIndex(where: { $0.waiter == waiter && $0.timesOut }) else { return false }
        self.waiters.remove(at: index)
        context.resume(waiter, with: .success(false))
        return true
    }

    /// Drops `connection`'s waiters and releases what it holds.
    ///
    /// - Returns: the number of levels released.
    mutating func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> Int {
        self.waiters.removeAll { $0.connection == connection }
        guard self.owner == connection else { return 0 }
        return self.release(all: true, in: context)
    }

    /// Parses `acquire(blocking=True, timeout=-1)` as `_thread.lock.acquire` does.
    ///
    /// - Returns: whether to block, and the deadline (`nil`: forever).
    static func parseAcquire(_ arguments: CallArguments, now: NIODeadline) throws(PythonException)
        -> (blocking: Bool, deadline: NIODeadline?)
    {
        guard arguments.positional.count <= 2 else {
            throw .typeError("acquire() takes at most 2 arguments (\(arguments.positional.count) given)")
        }
        var blocking: PythonValue = true
        var timeout: PythonValue = -1
        if arguments.positional.count > 0 { blocking = arguments.positional[0] }
        if arguments.positional.count > 1 { timeout = arguments.positional[1] }
        for (key, value) in arguments.keywords.items {
            switch key.stringValue {
            case "blocking" where arguments.positional.count < 1: blocking = value
            case "timeout" where arguments.positional.count < 2: timeout = value
            case "blocking", "timeout":
                throw .typeError("argument for acquire() given by name ('\(key.str)') and position")
            default: throw .typeError("'\(key.str)' is an invalid keyword argument for acquire()")
            }
        }
        let isBlocking = blocking.isTruthy
        let wait = try PythonTimeout.lockAcquire(blocking: isBlocking, timeout: timeout)
        return (isBlocking, wait.deadline(from: now))
    }
}
