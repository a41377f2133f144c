public import Pickle

/// A proxy for a `threading.Barrier` hosted by a manager (`manager.Barrier(parties)`; CPython's `BarrierProxy`).
///
/// ```swift
/// let start = try await manager.barrier(parties: 4)
/// let arrival = try await start.wait(timeout: .seconds(30))   // 0…3; all four leave together
/// ```
///
/// When a wait times out, or the barrier is aborted or reset, the barrier is broken: every waiter gets a
/// ``ManagerError`` with code ``ManagerError/Code/brokenBarrier``, and so does every later wait until
/// ``reset()``.
public struct BarrierProxy: ManagedProxy {
    /// `Barrier`.
    public static var typeID: String { "Barrier" }
    /// `multiprocessing.managers.BarrierProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("BarrierProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Waits until `parties` callers are waiting, then releases them all (Python's `wait(timeout)`).
    ///
    /// - Parameter timeout: How long to wait; `nil` uses the barrier's own timeout (none by default).
    /// - Returns: The arrival index, from 0 for the first arrival to `parties - 1` for the last.
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/brokenBarrier`` if the wait timed out or the
    ///   barrier was broken, aborted or reset meanwhile.
    public func wait(timeout: Duration? = nil) async throws(ManagerError) -> Int {
        try await self.invoke("wait", [timeout?.pythonSeconds ?? .none], mayBlock: true, as: Int.self)
    }

    /// Breaks the barrier: current and later waiters fail until ``reset()`` (Python's `abort()`).
    public func abort() async throws(ManagerError) {
        _ = try await self.invoke("abort")
    }

    /// Returns the barrier to its initial state; current waiters fail (Python's `reset()`).
    public func reset() async throws(ManagerError) {
        _ = try await self.invoke("reset")
    }

    /// The number of callers the barrier waits for (Python's `parties`).
    public func parties() async throws(ManagerError) -> Int {
        try await self.invoke("__getattribute__", [.string("parties")], as: Int.self)
    }

    /// The number of callers waiting now (Python's `n_waiting`).
    public func waitingCount() async throws(ManagerError) -> Int {
        try await self.invoke("__getattribute__", [.string("n_waiting")], as: Int.self)
    }

    /// Whether the barrier is broken (Python's `broken`).
    public func isBroken() async throws(ManagerError) -> Bool {
        try await self.invoke("__getattribute__", [.string("broken")], as: Bool.self)
    }
}
