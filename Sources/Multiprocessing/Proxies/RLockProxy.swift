public import Pickle

/// A proxy for a `threading.RLock` hosted by a manager (`manager.RLock()`; CPython's `AcquirerProxy`).
///
/// ```swift
/// let lock = try await manager.rLock()
/// try await lock.withLock {
///     try await lock.withLock { … }             // reentrant
/// }
/// ```
///
/// ## Ownership belongs to a channel
/// The manager records which connection acquired a reentrant lock, and only that connection may release it.
/// ``withLock(isolation:_:)`` keeps every call inside it on one channel
/// (``ManagerClient/withDedicatedChannel(isolation:_:)``); call bare ``ManagedAcquirerProxy/acquire(timeout:)`` and
/// ``release()`` inside such a block, or the release arrives on another channel and fails.
public struct RLockProxy: ManagedAcquirerProxy {
    /// `RLock`.
    public static var typeID: String { "RLock" }
    /// `multiprocessing.managers.AcquirerProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("AcquirerProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Releases one level of the lock (Python's `release()`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/runtimeError`` if this channel does not hold it.
    public func release() async throws(ManagerError) {
        _ = try await self.invoke("release")
    }

    /// Acquires the lock on a channel of this task's own, runs `body`, and releases the lock, also when `body`
    /// throws. Calls inside `body` use the same channel, so nested `withLock` calls reenter the lock.
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
}
