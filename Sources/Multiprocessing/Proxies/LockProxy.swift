public import Pickle

/// A proxy for a `threading.Lock` hosted by a manager (`manager.Lock()`; CPython's `AcquirerProxy`).
///
/// ```swift
/// let lock = try await manager.lock()
/// try await lock.withLock {
///     // one process at a time
/// }
/// ```
///
/// A `Lock` has no owner: any process may release it, as in Python. It is not reentrant: acquiring it again
/// before releasing it waits forever (or until the timeout).
public struct LockProxy: ManagedAcquirerProxy {
    /// `Lock`.
    public static var typeID: String { "Lock" }
    /// `multiprocessing.managers.AcquirerProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("AcquirerProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Releases the lock (Python's `release()`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/runtimeError`` if the lock is not held.
    public func release() async throws(ManagerError) {
        _ = try await self.invoke("release")
    }

    /// Acquires the lock, runs `body`, and releases the lock, also when `body` throws.
    ///
    /// - Returns: What `body` returns.
    /// - Throws: ``ManagerError`` if acquiring or releasing fails, or whatever `body` throws.
    public func withLock<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
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
