public import Pickle

/// A proxy for a `threading.Event` hosted by a manager (`manager.Event()`; CPython's `EventProxy`).
///
/// ```swift
/// let started = try await manager.event()
/// // one process
/// try await started.set()
/// // another
/// let ok = try await started.wait(timeout: .seconds(10))
/// ```
public struct EventProxy: ManagedProxy {
    /// `Event`.
    public static var typeID: String { "Event" }
    /// `multiprocessing.managers.EventProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("EventProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Whether the flag is set (Python's `is_set()`).
    public func isSet() async throws(ManagerError) -> Bool {
        try await self.invoke("is_set", as: Bool.self)
    }

    /// Sets the flag and wakes every waiter (Python's `set()`).
    public func set() async throws(ManagerError) {
        _ = try await self.invoke("set")
    }

    /// Clears the flag (Python's `clear()`).
    public func clear() async throws(ManagerError) {
        _ = try await self.invoke("clear")
    }

    /// Waits until the flag is set or the timeout expires (Python's `wait(timeout)`).
    ///
    /// - Parameter timeout: How long to wait; `nil` waits however long it takes.
    /// - Returns: The flag when the wait ends: `true` if set, `false` if the timeout expired first.
    public func wait(timeout: Duration? = nil) async throws(ManagerError) -> Bool {
        try await self.invoke("wait", [timeout?.pythonSeconds ?? .none], mayBlock: true, as: Bool.self)
    }
}
