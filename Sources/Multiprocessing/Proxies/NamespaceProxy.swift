public import Pickle

/// A proxy for a namespace hosted by a manager: a bag of named attributes (`manager.Namespace()`; CPython's
/// `NamespaceProxy`).
///
/// ```swift
/// let settings = try await manager.namespace()
/// try await settings.set("verbose", to: true)
/// let verbose = try await settings.get("verbose", as: Bool.self)
/// ```
///
/// Python clients see the same attributes as `ns.verbose`.
public struct NamespaceProxy: ManagedProxy {
    /// `Namespace`.
    public static var typeID: String { "Namespace" }
    /// `multiprocessing.managers.NamespaceProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("NamespaceProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// The attribute `name` (Python's `ns.name`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/attributeError`` if the attribute is not set.
    public func get<T: Decodable>(_ name: String, as type: T.Type = T.self) async throws(ManagerError) -> T {
        try await self.invoke("__getattribute__", [.string(name)], as: T.self)
    }

    /// Sets the attribute `name` (Python's `ns.name = value`).
    public func set(_ name: String, to value: some Encodable) async throws(ManagerError) {
        _ = try await self.invoke("__setattr__", [.string(name), self.argument(value)])
    }

    /// Removes the attribute `name` (Python's `del ns.name`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/attributeError`` if the attribute is not set.
    public func remove(_ name: String) async throws(ManagerError) {
        _ = try await self.invoke("__delattr__", [.string(name)])
    }
}
