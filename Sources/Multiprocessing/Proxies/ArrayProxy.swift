public import Pickle

/// A proxy for an `array.array` hosted by a manager (`manager.Array(typecode, values)`; CPython's `ArrayProxy`).
///
/// ```swift
/// let samples: ArrayProxy<Double> = try await manager.array("d", [0, 0, 0])
/// try await samples.set(1.5, at: 0)
/// let all = try await samples.snapshot()       // [1.5, 0.0, 0.0]
/// ```
///
/// The array has a fixed length and a typecode that the server enforces: a value outside the typecode's range
/// throws a ``ManagerError`` with code ``ManagerError/Code/overflowError``, a `Double` stored into an integer
/// array one with code ``ManagerError/Code/typeError``.
public struct ArrayProxy<T: Codable & Sendable>: ManagedProxy {
    /// `Array`.
    public static var typeID: String { "Array" }
    /// `multiprocessing.managers.ArrayProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("ArrayProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// The item at `index` (Python's `a[index]`; negative indices count from the end).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/indexError`` if the index is out of range.
    public subscript(index: Int) -> T {
        get async throws(ManagerError) {
            try await self.invoke("__getitem__", [.int(index)], as: T.self)
        }
    }

    /// Replaces the item at `index` (Python's `a[index] = value`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/indexError`` for an index out of range, and the
    ///   server's `OverflowError` or `TypeError` for a value the typecode cannot hold.
    public func set(_ value: T, at index: Int) async throws(ManagerError) {
        _ = try await self.invoke("__setitem__", [.int(index), self.argument(value)])
    }

    /// The number of items (Python's `len(a)`).
    public func count() async throws(ManagerError) -> Int {
        try await self.invoke("__len__", as: Int.self)
    }

    /// A copy of every item (Python's `a._getvalue()`, which sends the raw `array.array`).
    public func snapshot() async throws(ManagerError) -> [T] {
        let value = try await self.invoke("#GETVALUE")
        if value.sequenceElements != nil {
            return try await self.client.decode([T].self, from: value)
        }
        let items: [PythonValue]
        do {
            items = try PythonArrayContents(value).items
        } catch {
            throw ManagerError(code: .conversion, message: "cannot read the array's value: \(error.message)")
        }
        return try await self.client.decode([T].self, from: .list(items))
    }
}
