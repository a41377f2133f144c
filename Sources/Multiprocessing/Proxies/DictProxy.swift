public import Pickle

/// A proxy for a `dict` hosted by a manager (CPython's `DictProxy`).
///
/// Keys and values are any `Codable` types; use ``PythonValue`` for data of any shape that Python clients put
/// there.
///
/// ```swift
/// let scores: DictProxy<String, Int> = try await manager.dict()
/// try await scores.set(3, forKey: "alice")
/// let alice = try await scores["alice"]        // Optional(3)
/// ```
///
/// ## Values are copies
/// Reading an entry gives you a copy, as a Swift value always is: changing the copy does not change the managed
/// dict. This is Python's best-known manager pitfall (`d['k']['x'] = 1` silently changes nothing there).
/// Write the changed value back with ``set(_:forKey:)``, store a managed proxy as the value (a `DictProxy` inside a
/// `ListProxy`), or change the value on the server in one round trip with ``increment(_:by:)`` (for counters) or
/// ``setNested(_:at:)`` (for a value nested inside a plain entry).
public struct DictProxy<Key: Codable & Sendable, Value: Codable & Sendable>: ManagedProxy {
    /// `dict`.
    public static var typeID: String { "dict" }
    /// `multiprocessing.managers.DictProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("DictProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// The value for `key`, or `nil` (Python's `d.get(key)`).
    public subscript(key: Key) -> Value? {
        get async throws(ManagerError) {
            try await self.invoke("get", [self.argument(key)], as: Value?.self)
        }
    }

    /// The value for `key` (Python's `d[key]`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/keyError`` if the key is absent.
    public func value(forKey key: Key) async throws(ManagerError) -> Value {
        try await self.invoke("__getitem__", [self.argument(key)], as: Value.self)
    }

    /// Stores `value` under `key` (Python's `d[key] = value`).
    public func set(_ value: Value, forKey key: Key) async throws(ManagerError) {
        _ = try await self.invoke("__setitem__", [self.argument(key), self.argument(value)])
    }

    /// Removes `key` (Python's `del d[key]`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/keyError`` if the key is absent.
    public func remove(_ key: Key) async throws(ManagerError) {
        _ = try await self.invoke("__delitem__", [self.argument(key)])
    }

    /// Removes `key` and returns its value, or `nil` if it was absent (Python's `d.pop(key, None)`).
    public func removeValue(forKey key: Key) async throws(ManagerError) -> Value? {
        try await self.invoke("pop", [self.argument(key), .none], as: Value?.self)
    }

    /// Whether `key` is present (Python's `key in d`).
    public func contains(_ key: Key) async throws(ManagerError) -> Bool {
        try await self.invoke("__contains__", [self.argument(key)], as: Bool.self)
    }

    /// The number of entries (Python's `len(d)`).
    public func count() async throws(ManagerError) -> Int {
        try await self.invoke("__len__", as: Int.self)
    }

    /// The keys, in insertion order.
    public func keys() async throws(ManagerError) -> [Key] {
        try await self.invoke("keys", as: [Key].self)
    }

    /// The keys, read one at a time through a server-side iterator, as Python's `for k in d` reads them.
    ///
    /// Use ``keys()`` for a copy of all keys in one round trip.
    public func keysSequence() -> DictKeySequence<Key> {
        DictKeySequence(dict: self.reference)
    }

    /// The values, in insertion order.
    public func values() async throws(ManagerError) -> [Value] {
        try await self.invoke("values", as: [Value].self)
    }

    /// The entries, in insertion order.
    public func items() async throws(ManagerError) -> [(key: Key, value: Value)] {
        let value = try await self.invoke("items")
        guard let pairs = value.sequenceElements else {
            throw ManagerError(code: .conversion, message: "items() returned \(value.typeName)")
        }
        var items: [(key: Key, value: Value)] = []
        items.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let fields = pair.sequenceElements, fields.count == 2 else {
                throw ManagerError(code: .conversion, message: "items() returned an entry that is not a pair")
            }
            items.append((try await self.client.decode(Key.self, from: fields[0]), try await self.client.decode(Value.self, from: fields[1])))
        }
        return items
    }

    /// Adds the entries of `other`, replacing existing values (Python's `d.update(other)`).
    public func update(_ other: [(key: Key, value: Value)]) async throws(ManagerError) {
        var items: [PythonValue] = []
        for item in other {
            items.append(.tuple([try self.argument(item.key), try self.argument(item.value)]))
        }
        _ = try await self.invoke("update", [.list(items)])
    }

    /// The value for `key`, storing `defaultValue` first if the key is absent (Python's `d.setdefault`).
    public func setDefault(_ defaultValue: Value, forKey key: Key) async throws(ManagerError) -> Value {
        try await self.invoke("setdefault", [self.argument(key), self.argument(defaultValue)], as: Value.self)
    }

    /// Removes and returns the last inserted entry (Python's `d.popitem()`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/keyError`` if the dict is empty.
    public func popLast() async throws(ManagerError) -> (key: Key, value: Value) {
        let value = try await self.invoke("popitem")
        guard let fields = value.sequenceElements, fields.count == 2 else {
            throw ManagerError(code: .conversion, message: "popitem() returned \(value.typeName)")
        }
        return (try await self.client.decode(Key.self, from: fields[0]), try await self.client.decode(Value.self, from: fields[1]))
    }

    /// Removes every entry.
    public func removeAll() async throws(ManagerError) {
        _ = try await self.invoke("clear")
    }

    /// A copy of the whole dict as `[Key: Value]`.
    public func snapshot() async throws(ManagerError) -> [Key: Value] where Key: Hashable {
        try await self.invoke("copy", as: [Key: Value].self)
    }

    /// Adds `delta` to the number stored under `key` (absent counts as zero) on the server, in one round trip,
    /// and returns the new value. Atomic: concurrent increments from many processes never lose an update.
    ///
    /// Served by swift-multiprocessing's server only; CPython's server answers with a ``ManagerError`` whose code
    /// is ``ManagerError/Code/remoteTraceback``.
    public func increment(_ key: Key, by delta: Value) async throws(ManagerError) -> Value where Value: Numeric {
        try await self.invoke("__swift_increment__", [self.argument(key), self.argument(delta)], as: Value.self)
    }

    /// Sets a value nested inside a plain entry, on the server, in one round trip: `path` is the key of the entry
    /// followed by the keys or indices inside it (`setNested(1, at: ["alice", "scores", 0])` is Python's
    /// `d['alice']['scores'][0] = 1`, which on a manager proxy silently changes nothing).
    ///
    /// Served by swift-multiprocessing's server only.
    public func setNested<T: Encodable>(_ value: T, at path: [PythonValue]) async throws(ManagerError) {
        _ = try await self.invoke("__swift_set_nested__", [.tuple(path), self.argument(value)])
    }
}
