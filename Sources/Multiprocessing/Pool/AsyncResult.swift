import Pickle

/// The result of work submitted to a ``WorkerPool`` without waiting for it: Python's `AsyncResult`.
///
/// ```swift
/// let result = try pool.applyAsync(Square.self, 7)
/// let value = try await result.get(timeout: .seconds(5))   // 49
/// ```
public final class AsyncResult<Output: Sendable>: Sendable {
    let completion = Completion<PoolJob.Outcome>()
    private let decode: @Sendable ([PythonValue]) async throws(WorkerPoolError) -> Output

    init(decode: @escaping @Sendable ([PythonValue]) async throws(WorkerPoolError) -> Output) {
        self.decode = decode
    }

    /// Whether the work has finished, successfully or not (Python's `ready()`).
    public var isReady: Bool { self.completion.value != nil }

    /// Whether the work finished without an error, or `nil` while it has not finished (Python's `successful()`,
    /// which raises `ValueError` then).
    public var isSuccessful: Bool? {
        switch self.completion.value {
        case nil: return nil
        case .success?: return true
        case .failure?: return false
        }
    }

    /// Waits for the work to finish (Python's `wait(timeout)`).
    ///
    /// - Returns: Whether it finished within `timeout`.
    @discardableResult
    public func wait(timeout: Duration? = nil) async -> Bool {
        await self.completion.wait(timeout: timeout) != nil
    }

    /// Waits for the work and returns its result (Python's `get(timeout)`).
    ///
    /// - Throws: ``WorkerPoolError``: ``WorkerPoolError/Code/timedOut`` if `timeout` passes first (the work goes
    ///   on, and a later `get` can still return it); ``WorkerPoolError/Code/taskFailed`` with the type name and
    ///   message of the error the task threw; ``WorkerPoolError/Code/workerDied`` if its worker died.
    public func get(timeout: Duration? = nil) async throws(WorkerPoolError) -> Output {
        guard let outcome = await self.completion.wait(timeout: timeout) else {
            throw WorkerPoolError(code: .timedOut, message: "the result was not ready within \(timeout ?? .zero)")
        }
        return try await self.decode(try outcome.get())
    }
}
