/// The elements of a managed list, read as Python's `for x in l` reads them: `l[0]`, `l[1]`, … until the index
/// runs past the end (the server's `IndexError` ends the sequence).
///
/// Each element is one round trip. For a consistent copy in one round trip use ``ListProxy/snapshot()``.
public struct ListElementSequence<Element: Codable & Sendable>: AsyncSequence, Sendable {
    /// Errors end the sequence with a ``ManagerError``.
    public typealias Failure = ManagerError

    let list: ListProxy<Element>

    /// An iterator starting at index 0.
    public func makeAsyncIterator() -> Iterator {
        Iterator(list: self.list)
    }

    /// Reads the next index on each call.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        /// Errors end the sequence with a ``ManagerError``.
        public typealias Failure = ManagerError

        let list: ListProxy<Element>
        var index = 0
        var finished = false

        /// The element at the next index, or `nil` once the index runs past the end.
        public mutating func next() async throws(ManagerError) -> Element? {
            guard !self.finished else { return nil }
            do throws(ManagerError) {
                let element = try await self.list[self.index]
                self.index += 1
                return element
            } catch {
                self.finished = true
                if error.code == .indexError { return nil }
                throw error
            }
        }

        /// The element at the next index, or `nil` once the index runs past the end.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(ManagerError) -> Element? {
            try await self.next()
        }
    }
}
