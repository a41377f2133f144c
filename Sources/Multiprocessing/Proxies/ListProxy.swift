public import Pickle

/// A proxy for a `list` hosted by a manager (CPython's `ListProxy`).
///
/// Elements are any `Codable` type; use ``PythonValue`` for lists of mixed shapes that Python clients fill.
///
/// ```swift
/// let log: ListProxy<String> = try await manager.list()
/// try await log.append("started")
/// let first = try await log[0]                 // "started"
/// for try await line in log.elements { print(line) }
/// ```
///
/// Indices follow Python: negative indices count from the end, and an index out of range throws a
/// ``ManagerError`` with code ``ManagerError/Code/indexError``. As with ``DictProxy``, an element you read is a
/// copy; store a proxy (a `DictProxy` inside a `ListProxy`) to share a nested object.
public struct ListProxy<Element: Codable & Sendable>: ManagedProxy {
    /// `list`.
    public static var typeID: String { "list" }
    /// `multiprocessing.managers.ListProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("ListProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// The element at `index` (Python's `l[index]`; negative indices count from the end).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/indexError`` if the index is out of range.
    public subscript(index: Int) -> Element {
        get async throws(ManagerError) {
            try await self.invoke("__getitem__", [.int(index)], as: Element.self)
        }
    }

    /// Replaces the element at `index` (Python's `l[index] = element`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/indexError`` if the index is out of range.
    public func set(_ element: Element, at index: Int) async throws(ManagerError) {
        _ = try await self.invoke("__setitem__", [.int(index), self.argument(element)])
    }

    /// Appends `element` (Python's `l.append(element)`).
    public func append(_ element: Element) async throws(ManagerError) {
        _ = try await self.invoke("append", [self.argument(element)])
    }

    /// Appends every element of `elements`, in one round trip (Python's `l.extend(elements)`).
    public func extend(_ elements: [Element]) async throws(ManagerError) {
        _ = try await self.invoke("extend", [self.listArgument(elements)])
    }

    /// Inserts `element` before `index` (Python's `l.insert(index, element)`: the index is clamped to the list).
    public func insert(_ element: Element, at index: Int) async throws(ManagerError) {
        _ = try await self.invoke("insert", [.int(index), self.argument(element)])
    }

    /// Removes the element at `index` (Python's `del l[index]`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/indexError`` if the index is out of range.
    public func remove(at index: Int) async throws(ManagerError) {
        _ = try await self.invoke("__delitem__", [.int(index)])
    }

    /// Removes and returns the element at `index`, the last one by default (Python's `l.pop(index)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/indexError`` if the list is empty or the index is
    ///   out of range.
    public func pop(at index: Int = -1) async throws(ManagerError) -> Element {
        // `l.pop()` sends no argument; keep that shape so the request is the one CPython's proxy sends.
        try await self.invoke("pop", index == -1 ? [] : [.int(index)], as: Element.self)
    }

    /// Removes the first element equal to `element` (Python's `l.remove(element)`, with Python equality).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` if no element is equal.
    public func remove(_ element: Element) async throws(ManagerError) {
        _ = try await self.invoke("remove", [self.argument(element)])
    }

    /// The index of the first element equal to `element` (Python's `l.index(element)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` if no element is equal.
    public func firstIndex(of element: Element) async throws(ManagerError) -> Int {
        try await self.invoke("index", [self.argument(element)], as: Int.self)
    }

    /// The number of elements equal to `element` (Python's `l.count(element)`).
    public func count(of element: Element) async throws(ManagerError) -> Int {
        try await self.invoke("count", [self.argument(element)], as: Int.self)
    }

    /// The number of elements (Python's `len(l)`).
    public func count() async throws(ManagerError) -> Int {
        try await self.invoke("__len__", as: Int.self)
    }

    /// Whether an element equal to `element` is present (Python's `element in l`).
    public func contains(_ element: Element) async throws(ManagerError) -> Bool {
        try await self.invoke("__contains__", [self.argument(element)], as: Bool.self)
    }

    /// Reverses the list in place (Python's `l.reverse()`).
    public func reverse() async throws(ManagerError) {
        _ = try await self.invoke("reverse")
    }

    /// Sorts the list in place with Python's ordering (Python's `l.sort(reverse=…)`); stable.
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/typeError`` if two elements cannot be compared.
    public func sort(reverse: Bool = false) async throws(ManagerError) {
        var keywords = PythonDict()
        if reverse {
            keywords["reverse"] = .bool(true)
        }
        _ = try await self.invoke("sort", keywords: keywords)
    }

    /// The elements in `range`, clamped to the list (Python's `l[start:stop]`).
    public func slice(_ range: Range<Int>) async throws(ManagerError) -> [Element] {
        try await self.invoke("__getitem__", [.slice(range)], as: [Element].self)
    }

    /// A copy of the whole list (Python's `l._getvalue()`).
    public func snapshot() async throws(ManagerError) -> [Element] {
        try await self.invoke("#GETVALUE", as: [Element].self)
    }

    /// Removes every element.
    ///
    /// Uses `clear` where the server offers it (CPython 3.14, swift-multiprocessing) and Python's `del l[:]`
    /// on servers that do not expose `clear` (CPython 3.13 and older).
    public func removeAll() async throws(ManagerError) {
        do throws(ManagerError) {
            _ = try await self.invoke("clear")
        } catch {
            guard error.code == .remoteTraceback else { throw error }
            _ = try await self.invoke("__delitem__", [.fullSlice])
        }
    }

    /// The elements, read one round trip at a time as Python's `for x in l` does: `l[0]`, `l[1]`, … until the
    /// index runs past the end. Elements added or removed meanwhile are seen or skipped as in Python.
    public var elements: ListElementSequence<Element> {
        ListElementSequence(list: self)
    }
}
