import Pickle

/// The results of ``WorkerPool/imap(_:_:chunksize:)`` or ``WorkerPool/imapUnordered(_:_:chunksize:)``, as they
/// arrive: Python's `IMapIterator`.
///
/// Iteration ends after the last result, or throws the first ``WorkerPoolError`` (a task that threw, a worker
/// that died, a pool that was terminated).
public struct PoolResultSequence<Element: Sendable>: AsyncSequence, Sendable {
    /// The error iteration throws.
    public typealias Failure = WorkerPoolError

    let stream: AsyncThrowingStream<PythonValue, any Error>
    let decode: @Sendable (PythonValue) async throws(WorkerPoolError) -> Element

    /// An iterator over the results.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: self.stream.makeAsyncIterator(), decode: self.decode)
    }

    /// Iterates the results of a ``PoolResultSequence``.
    public struct Iterator: AsyncIteratorProtocol {
        /// The error ``next()`` throws.
        public typealias Failure = WorkerPoolError

        var base: AsyncThrowingStream<PythonValue, any Error>.Iterator
        let decode: @Sendable (PythonValue) async throws(WorkerPoolError) -> Element

        /// The next result, or `nil` after the last.
        ///
        /// - Throws: ``WorkerPoolError`` for a task that failed.
        public mutating func next() async throws(WorkerPoolError) -> Element? {
            let value: PythonValue?
            do {
                value = try await self.base.next()
            } catch let error as WorkerPoolError {
                throw error
            } catch {
                throw WorkerPoolError(code: .conversion, message: "\(error)")
            }
            guard let value else { return nil }
            return try await self.decode(value)
        }
    }
}
