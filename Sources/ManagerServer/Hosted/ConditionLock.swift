import Pickle

/// A lock a ``HostedCondition`` can be built on: ``HostedLock`` or ``HostedRLock``.
package protocol ConditionLock: HostedObject {
    /// Whether `connection` may wait and notify (CPython's `Condition._is_owned`: a `Lock` counts as owned by
    /// whoever finds it locked; an `RLock` only by its owner).
    func isOwned(by connection: ConnectionID) -> Bool

    /// Releases the lock completely for a `wait`, handing it to the next waiter.
    ///
    /// - Returns: the recursion count to restore later.
    func releaseForWait(by connection: ConnectionID, in context: any StoreContext) -> Int

    /// Re-acquires the lock for a waiter, then answers the parked call with `result`; waits without a deadline.
    func reacquire(
        _ waiter: WaiterID, for connection: ConnectionID, count: Int, result: PythonValue,
        in context: any StoreContext)

    /// Re-acquires the lock at once if it is free; returns whether it did.
    func tryReacquire(for connection: ConnectionID, count: Int) -> Bool

    /// Releases what `connection` holds and drops its parked acquirers.
    ///
    /// - Returns: the number of levels released.
    func forgetWaiters(of connection: ConnectionID, in context: any StoreContext) -> Int
}
