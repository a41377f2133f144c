public import Pickle

/// A proxy for a `threading.Condition` hosted by a manager (`manager.Condition()`; CPython's `ConditionProxy`).
///
/// ```swift
/// let ready = try await manager.condition()
/// // waiting side
/// try await ready.withLock {
///     while !(try await flag.get()) {
///         _ = try await ready.wait(timeout: .seconds(5))
///     }
/// }
/// // signalling side
/// try await ready.withLock {
///     try await flag.set(true)
///     try await ready.notifyAll()
/// }
/// ```
///
/// ## Ownership belongs to a channel
/// `wait` and `notify` must come through the channel that acquired the condition's lock. ``withLock(isolation:_:)``
/// keeps every call inside it on one channel (``ManagerClient/withDedicatedChannel(isolation:_:)``); call bare
/// ``ManagedAcquirerProxy/acquire(timeout:)``, ``wait(timeout:)``, ``notify(count:)`` and ``release()`` inside
/// such a block.
public struct ConditionProxy: ManagedAcquirerProxy {
    /// `Condition`.
    public static var typeID: String { "Condition" }
    /// `multiprocessing.managers.ConditionProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("ConditionProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Releases the condition's lock (Python's `release()`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/runtimeError`` if this channel does not hold it.
    public func release() async throws(ManagerError) {
        _ = try await self.invoke("release")
    }

    /// Acquires the lock on a channel of this task's own, runs `body`, and releases the lock, also when `body`
    /// throws. ``wait(timeout:)`` and ``notify(count:)`` inside `body` use the same channel.
    ///
    /// - Returns: What `body` returns.
    /// - Throws: ``ManagerError`` if acquiring or releasing fails, or whatever `body` throws.
    public func withLock<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await self.client.withDedicatedChannel {
            try await self.acquire()
            let result: Result
            do {
                result = try await body()
            } catch {
                try await self.release()
                throw error
            }
            try await self.release()
            return result
        }
    }

    /// Releases the lock, waits for a notification or the timeout, and acquires the lock again
    /// (Python's `wait(timeout)`).
    ///
    /// - Parameter timeout: How long to wait; `nil` waits for a notification however long it takes.
    /// - Returns: `true` if notified, `false` if the timeout expired first.
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/runtimeError`` if this channel does not hold the
    ///   lock.
    public func wait(timeout: Duration? = nil) async throws(ManagerError) -> Bool {
        try await self.invoke("wait", [timeout?.pythonSeconds ?? .none], mayBlock: true, as: Bool.self)
    }

    /// Wakes up to `count` waiters (Python's `notify(n)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/runtimeError`` if this channel does not hold the
    ///   lock.
    public func notify(count: Int = 1) async throws(ManagerError) {
        _ = try await self.invoke("notify", [.int(count)])
    }

    /// Wakes every waiter (Python's `notify_all()`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/runtimeError`` if this channel does not hold the
    ///   lock.
    public func notifyAll() async throws(ManagerError) {
        _ = try await self.invoke("notify_all")
    }
}
