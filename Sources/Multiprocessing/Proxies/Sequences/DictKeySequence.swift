/// The keys of a managed dict, read through a server-side iterator as Python's `for k in d` does: `__iter__`
/// creates an `Iterator` object on the server, then each step is one `__next__` call until `StopIteration`.
///
/// The iterator is a live view: changing the dict's size meanwhile ends the sequence with a ``ManagerError``
/// (`RuntimeError: dictionary changed size during iteration`). The server's iterator is given back when the
/// sequence's iterator goes away. For a consistent copy in one round trip use ``DictProxy/keys()``.
public struct DictKeySequence<Key: Codable & Sendable>: AsyncSequence, Sendable {
    /// Errors end the sequence with a ``ManagerError``.
    public typealias Failure = ManagerError

    let dict: ObjectReference

    /// An iterator that creates the server-side iterator on its first step.
    public func makeAsyncIterator() -> Iterator {
        Iterator(dict: self.dict)
    }

    /// Reads one key per call.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        /// Errors end the sequence with a ``ManagerError``.
        public typealias Failure = ManagerError

        let dict: ObjectReference
        var iterator: ObjectReference?
        var finished = false

        /// The next key, or `nil` once the server's iterator is exhausted.
        public mutating func next() async throws(ManagerError) -> Key? {
            guard !self.finished else { return nil }
            let client = self.dict.client
            do throws(ManagerError) {
                let iterator: ObjectReference
                if let existing = self.iterator {
                    iterator = existing
                } else {
                    iterator = try await client.callReturningObject(self.dict.objectID, "__iter__")
                    self.iterator = iterator
                }
                let value = try await client.call(iterator.objectID, "__next__")
                return try await client.decode(Key.self, from: value)
            } catch {
                self.finished = true
                self.iterator = nil
                if error.code == .stopIteration { return nil }
                throw error
            }
        }

        /// The next key, or `nil` once the server's iterator is exhausted.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(ManagerError) -> Key? {
            try await self.next()
        }
    }
}
