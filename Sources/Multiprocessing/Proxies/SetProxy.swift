public import Pickle

/// A proxy for a `set` hosted by a manager (CPython 3.14's `SetProxy`).
///
/// ```swift
/// let seen: SetProxy<String> = try await manager.set()
/// try await seen.insert("a.txt")
/// let known = try await seen.contains("a.txt")  // true
/// ```
///
/// Served by swift-multiprocessing's server and by CPython 3.14 and later; older CPython servers do not know the
/// `set` type id, and creating one fails with a ``ManagerError`` whose code is ``ManagerError/Code/remoteTraceback``.
/// Set results arrive as Swift arrays in the server's iteration order.
public struct SetProxy<Element: Codable & Sendable>: ManagedProxy {
    /// `set`.
    public static var typeID: String { "set" }
    /// `multiprocessing.managers.SetProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("SetProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Adds `element`; adding an element already present changes nothing (Python's `s.add(element)`).
    public func insert(_ element: Element) async throws(ManagerError) {
        _ = try await self.invoke("add", [self.argument(element)])
    }

    /// Removes `element` (Python's `s.remove(element)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/keyError`` if it is absent.
    public func remove(_ element: Element) async throws(ManagerError) {
        _ = try await self.invoke("remove", [self.argument(element)])
    }

    /// Removes `element` if present (Python's `s.discard(element)`).
    public func discard(_ element: Element) async throws(ManagerError) {
        _ = try await self.invoke("discard", [self.argument(element)])
    }

    /// Whether `element` is present (Python's `element in s`).
    public func contains(_ element: Element) async throws(ManagerError) -> Bool {
        try await self.invoke("__contains__", [self.argument(element)], as: Bool.self)
    }

    /// The number of elements (Python's `len(s)`).
    public func count() async throws(ManagerError) -> Int {
        try await self.invoke("__len__", as: Int.self)
    }

    /// A copy of the whole set, as an array in the server's iteration order (Python's `s._getvalue()`).
    public func snapshot() async throws(ManagerError) -> [Element] {
        try await self.decodeSet(try await self.invoke("#GETVALUE"))
    }

    /// The elements of this set and of `other`, computed on the server (Python's `s.union(other)`).
    public func union(_ other: [Element]) async throws(ManagerError) -> [Element] {
        try await self.decodeSet(try await self.invoke("union", [self.listArgument(other)]))
    }

    /// The elements of this set that are also in `other` (Python's `s.intersection(other)`).
    public func intersection(_ other: [Element]) async throws(ManagerError) -> [Element] {
        try await self.decodeSet(try await self.invoke("intersection", [self.listArgument(other)]))
    }

    /// The elements of this set that are not in `other` (Python's `s.difference(other)`).
    public func subtracting(_ other: [Element]) async throws(ManagerError) -> [Element] {
        try await self.decodeSet(try await self.invoke("difference", [self.listArgument(other)]))
    }

    /// Adds every element of `other`, in one round trip (Python's `s.update(other)`).
    public func formUnion(_ other: [Element]) async throws(ManagerError) {
        _ = try await self.invoke("update", [self.listArgument(other)])
    }

    /// Removes every element (Python's `s.clear()`).
    public func removeAll() async throws(ManagerError) {
        _ = try await self.invoke("clear")
    }

    private func decodeSet(_ value: PythonValue) async throws(ManagerError) -> [Element] {
        try await self.client.decode([Element].self, from: value.setAsList)
    }
}
