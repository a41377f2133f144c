public import OrderedCollections

/// A Python `dict`: insertion-ordered, with Python's key semantics.
///
/// Keys compare with Python equality (``PythonValue/==(_:_:)``): `1`, `1.0` and `True` are the same key, and
/// assigning to an existing key keeps the original key object and its position. Unhashable keys (`list`, `dict`,
/// `set`, `bytearray`) are refused with Python's `TypeError("unhashable type: 'list'")`.
public struct PythonDict: Sendable, Hashable {
    @usableFromInline
    internal var storage: OrderedDictionary<PythonValue, PythonValue>

    /// An empty dict.
    public init() {
        self.storage = [:]
    }

    /// A dict with the given items, in order; later items replace the values of earlier equal keys.
    ///
    /// - Throws: `TypeError` (as a ``PythonException``) if a key is unhashable.
    public init(_ items: some Sequence<(key: PythonValue, value: PythonValue)>) throws(PythonException) {
        self.storage = [:]
        for (key, value) in items {
            try self.setValue(value, forKey: key)
        }
    }

    /// A dict with `str` keys, in the order given.
    public init(stringKeys items: KeyValuePairs<String, PythonValue>) {
        self.storage = [:]
        for (key, value) in items {
            self.storage[.string(key)] = value
        }
    }

    /// The number of items.
    @inlinable public var count: Int { self.storage.count }
    /// Whether the dict is empty.
    @inlinable public var isEmpty: Bool { self.storage.isEmpty }
    /// The keys, in insertion order.
    @inlinable public var keys: [PythonValue] { self.storage.keys.elements }
    /// The values, in insertion order.
    @inlinable public var values: [PythonValue] { Array(self.storage.values) }
    /// The items, in insertion order.
    @inlinable public var items: [(key: PythonValue, value: PythonValue)] { self.storage.elements.map { ($0.key, $0.value) } }

    /// The value stored under `key`, or `nil`.
    ///
    /// - Throws: `TypeError` if `key` is unhashable.
    @inlinable
    public func value(forKey key: PythonValue) throws(PythonException) -> PythonValue? {
        guard key.isHashable else { throw .unhashable(key) }
        return self.storage[key]
    }

    /// Whether `key` is present.
    ///
    /// - Throws: `TypeError` if `key` is unhashable.
    @inlinable
    public func contains(_ key: PythonValue) throws(PythonException) -> Bool {
        guard key.isHashable else { throw .unhashable(key) }
        return self.storage.index(forKey: key) != nil
    }

    /// Stores `value` under `key`. An existing equal key keeps its key object and position.
    ///
    /// - Throws: `TypeError` if `key` is unhashable.
    @inlinable
    public mutating func setValue(_ value: PythonValue, forKey key: PythonValue) throws(PythonException) {
        guard key.isHashable else { throw .unhashable(key) }
        self.storage.updateValue(value, forKey: key)
    }

    /// Removes `key` and returns its value, or `nil` if it was absent.
    ///
    /// - Throws: `TypeError` if `key` is unhashable.
    @discardableResult
    @inlinable
    public mutating func removeValue(forKey key: PythonValue) throws(PythonException) -> PythonValue? {
        guard key.isHashable else { throw .unhashable(key) }
        return self.storage.removeValue(forKey: key)
    }

    /// Removes and returns the last inserted item (Python's `popitem`), or `nil` if the dict is empty.
    @inlinable
    public mutating func removeLast() -> (key: PythonValue, value: PythonValue)? {
        guard !self.storage.isEmpty else { return nil }
        let last = self.storage.removeLast()
        return (last.key, last.value)
    }

    /// Removes every item.
    @inlinable
    public mutating func removeAll() {
        self.storage.removeAll()
    }

    /// The value under a `str` key.
    public subscript(key: String) -> PythonValue? {
        get { self.storage[.string(key)] }
        set { self.storage[.string(key)] = newValue }
    }

    /// Python equality: the same keys with equal values, in any order.
    public static func == (lhs: PythonDict, rhs: PythonDict) -> Bool {
        guard lhs.storage.count == rhs.storage.count else { return false }
        for (key, value) in lhs.storage {
            guard let other = rhs.storage[key], other == value else { return false }
        }
        return true
    }

    /// A hash that ignores order, consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.storage.count)
        var combined = 0
        for (key, value) in self.storage {
            var itemHasher = Hasher()
            itemHasher.combine(key)
            itemHasher.combine(value)
            combined = combined &+ itemHasher.finalize()
        }
        hasher.combine(combined)
    }
}
