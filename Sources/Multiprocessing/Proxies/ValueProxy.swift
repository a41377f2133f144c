public import Pickle

/// A proxy for a single shared value hosted by a manager (`manager.Value(typecode, value)`; CPython's
/// `ValueProxy`).
///
/// ```swift
/// let progress: ValueProxy<Double> = try await manager.value("d", 0)
/// try await progress.set(0.5)
/// let now = try await progress.get()           // 0.5
/// ```
///
/// The typecode is recorded but, as in CPython, not enforced: the manager stores whatever is set.
public struct ValueProxy<T: Codable & Sendable>: ManagedProxy {
    /// `Value`.
    public static var typeID: String { "Value" }
    /// `multiprocessing.managers.ValueProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("ValueProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// The current value (Python's `v.value` or `v.get()`).
    public func get() async throws(ManagerError) -> T {
        try await self.invoke("get", as: T.self)
    }

    /// Replaces the value (Python's `v.value = x` or `v.set(x)`).
    public func set(_ value: T) async throws(ManagerError) {
        _ = try await self.invoke("set", [self.argument(value)])
    }
}
