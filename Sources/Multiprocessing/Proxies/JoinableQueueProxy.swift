public import Pickle

/// A proxy for a joinable queue hosted by a manager (`manager.JoinableQueue()`; CPython's `AutoProxy`).
///
/// A ``QueueProxy`` that also counts unfinished items: every ``ManagedQueueProxy/put(_:timeout:)`` adds one,
/// ``taskDone()`` removes one, and ``join()`` waits until none are left.
///
/// ```swift
/// let work: JoinableQueueProxy<Int> = try await manager.joinableQueue()
/// try await work.put(1)
/// // a worker: let item = try await work.get(); …; try await work.taskDone()
/// try await work.join()                         // returns once every item was marked done
/// ```
public struct JoinableQueueProxy<Element: Codable & Sendable>: ManagedQueueProxy {
    /// `JoinableQueue`.
    public static var typeID: String { "JoinableQueue" }
    /// `multiprocessing.managers.AutoProxy`, which Python rebuilds from the exposed method names.
    public static var pythonProxyType: PythonGlobal { .managers("AutoProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// Marks one item taken from the queue as finished (Python's `q.task_done()`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` if called more often than items
    ///   were put.
    public func taskDone() async throws(ManagerError) {
        _ = try await self.invoke("task_done")
    }

    /// Waits until every item put on the queue has been marked finished (Python's `q.join()`).
    ///
    /// The wait happens on a channel of its own; cancelling the task ends it.
    public func join() async throws(ManagerError) {
        _ = try await self.invoke("join", mayBlock: true)
    }
}
