public import OrderedCollections

/// The elements of a Python `set` or `frozenset`, with Python's element semantics.
///
/// Elements compare with Python equality. Iteration follows insertion order (Python's own order is arbitrary,
/// so any order is correct; this one is deterministic). Unhashable elements are refused with `TypeError`.
public struct PythonSet: Sendable, Hashable {
    @usableFromInline
    internal var storage: OrderedSet<PythonValue>

    /// An empty set.
    public init() {
        self.storage = []
    }

    /// A set of the given elements.
    ///
    /// - Throws: `TypeError` (as a ``PythonException``) if an element is unhashable.
    public init(_ elements: some Sequence<PythonValue>) throws(PythonException) {
        self.storage = []
        for element in elements {
            try self.insert(element)
        }
    }

    /// The number of elements.
    @inlinable public var count: Int { self.storage.count }
    /// Whether the set is empty.
    @inlinable public var isEmpty: Bool { self.storage.isEmpty }
    /// The elements, in insertion order.
    @inlinable public var elements: [PythonValue] { self.storage.elements }

    /// Whether an equal element is present.
    ///
    /// - Throws: `TypeError` if `element` is unhashable.
    @inlinable
    public func contains(_ element: PythonValue) throws(PythonException) -> Bool {
        guard element.isHashable else { throw .unhashable(element) }
        return self.storage.contains(element)
    }

    /// Adds `element` unless an equal one is present. Returns whether it was added.
    ///
    /// - Throws: `TypeError` if `element` is unhashable.
    @discardableResult
    @inlinable
    public mutating func insert(_ element: PythonValue) throws(PythonException) -> Bool {
        guard element.isHashable else { throw .unhashable(element) }
        return self.storage.append(element).inserted
    }

    /// Removes an equal element and returns it, or `nil` if there is none.
    ///
    /// - Throws: `TypeError` if `element` is unhashable.
    @discardableResult
    @inlinable
    public mutating func remove(_ element: PythonValue) throws(PythonException) -> PythonValue? {
        guard element.isHashable else { throw .unhashable(element) }
        return self.storage.remove(element)
    }

    /// Removes and returns some element, or `nil` if the set is empty.
    @inlinable
    public mutating func removeFirst() -> PythonValue? {
        guard !self.storage.isEmpty else { return nil }
        return self.storage.removeFirst()
    }

    /// Removes every element.
    @inlinable
    public mutating func removeAll() {
        self.storage.removeAll()
    }

    /// Python equality: the same elements, in any order.
    public static func == (lhs: PythonSet, rhs: PythonSet) -> Bool {
        guard lhs.storage.count == rhs.storage.count else { return false }
        return lhs.storage.allSatisfy { rhs.storage.contains($0) }
    }

    /// A hash that ignores order, consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.storage.count)
        var combined = 0
        for element in self.storage {
            combined = combined &+ element.hashValue
        }
        hasher.combine(combined)
    }
}
