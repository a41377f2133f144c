public import Pickle

/// A proxy for a `threading.BoundedSemaphore` hosted by a manager (`manager.BoundedSemaphore()`; CPython's
/// `AcquirerProxy`).
///
/// ```swift
/// let slots = try await manager.boundedSemaphore(3)
/// try await slots.withPermit {
///     // at most three processes here at once
/// }
/// ```
///
/// A ``SemaphoreProxy`` that refuses to be released beyond its initial value.
public struct BoundedSemaphoreProxy: ManagedAcquirerProxy {
    /// `BoundedSemaphore`.
    public static var typeID: String { "BoundedSemaphore" }
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
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` if that would raise the count above
    ///   its initial value (the count is then unchanged) or `count` is less than one.
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
