public import Pickle

/// A proxy for a `threading.Semaphore` hosted by a manager (`manager.Semaphore()`; CPython's
/// `AcquirerProxy`).
///
/// ```swift
/// let slots = try await manager.semaphore(3)
/// try await slots.withPermit {
///     // at most three processes here at once
/// }
/// ```
///
/// A semaphore counts permits: ``ManagedAcquirerProxy/acquire(timeout:)`` takes one and waits while none are
/// left, ``release(count:)`` gives them back. It has no owner, and releasing more permits than were taken raises
/// the count beyond its initial value (use ``BoundedSemaphoreProxy`` to forbid that).
public struct SemaphoreProxy: ManagedAcquirerProxy {
    /// `Semaphore`.
    public static var typeID: String { "Semaphore" }
    /// `multiprocessing.managers.AcquirerProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("AcquirerProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Gives back `count` permits (Python's `release()` or `release(n)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` if `count` is less than one.
    public func release(count: Int = 1) async throws(ManagerError) {
        // `release()` sends no argument, as Python's proxy does; `release(n)` needs Python 3.9's `n` parameter.
        _ = try await self.invoke("release", count == 1 ? [] : [.int(count)])
    }

    /// Takes a permit, runs `body`, and gives the permit back, also when `body` throws.
    ///
    /// - Returns: What `body` returns.
    /// - Throws: ``ManagerError`` if taking or giving back the permit fails, or whatever `body` throws.
    public func withPermit<Result>(
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
