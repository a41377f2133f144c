/// The items of a managed queue as they arrive: each step waits for the next item (`q.get()`).
///
/// The sequence ends when the iterating task is cancelled or the queue is shut down (`queue.ShutDown`, CPython
/// 3.13 and later); any other failure ends it with its ``ManagerError``.
public struct QueueElementSequence<Element: Codable & Sendable>: AsyncSequence, Sendable {
    /// Errors end the sequence with a ``ManagerError``.
    public typealias Failure = ManagerError

    let reference: ObjectReference

    /// An iterator that takes items from the queue.
    public func makeAsyncIterator() -> Iterator {
        Iterator(reference: self.reference)
    }

    /// Takes one item from the queue on each call.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        /// Errors end the sequence with a ``ManagerError``.
        public typealias Failure = ManagerError

        let reference: ObjectReference
        var finished = false

        /// The next item, waiting for one to arrive, or `nil` once the task is cancelled or the queue shut down.
        public mutating func next() async throws(ManagerError) -> Element? {
            guard !self.finished, !Task.isCancelled else { return nil }
            let client = self.reference.client
            do throws(ManagerError) {
                let value = try await client.call(self.reference.objectID, "get", mayBlock: true)
                return try await client.decode(Element.self, from: value)
            } catch {
                self.finished = true
                if error.code == .queueShutDown || Task.isCancelled { return nil }
                throw error
            }
        }

        /// The next item, waiting for one to arrive, or `nil` once the task is cancelled or the queue shut down.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(ManagerError) -> Element? {
            try await self.next()
        }
    }
}
