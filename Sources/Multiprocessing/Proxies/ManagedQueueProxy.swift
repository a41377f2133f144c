public import Pickle

/// The methods shared by ``QueueProxy`` and ``JoinableQueueProxy``: a `queue.Queue` hosted by a manager.
///
/// CPython serves both type ids with an `AutoProxy`, which forwards a call's arguments exactly as written; these
/// methods send what `q.put(x)`, `q.put(x, timeout=t)`, `q.get()`, `q.get(timeout=t)`, … send from Python.
public protocol ManagedQueueProxy<Element>: ManagedProxy {
    /// The type of the items.
    associatedtype Element: Codable & Sendable
}

extension ManagedQueueProxy {
    /// Puts `item` at the back of the queue, waiting for room if the queue is bounded and full
    /// (Python's `q.put(item)` or `q.put(item, timeout=…)`).
    ///
    /// The wait happens on a channel of its own, so other calls through the same client continue meanwhile.
    ///
    /// - Parameter timeout: How long to wait for room; `nil` waits as long as it takes.
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/queueFull`` if there is still no room when the
    ///   timeout expires.
    public func put(_ item: Element, timeout: Duration? = nil) async throws(ManagerError) {
        _ = try await self.invoke("put", [self.argument(item)], keywords: self.timeoutKeywords(timeout), mayBlock: true)
    }

    /// Puts `item` at the back of the queue if there is room now (Python's `q.put_nowait(item)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/queueFull`` if the queue is full.
    public func putNowait(_ item: Element) async throws(ManagerError) {
        _ = try await self.invoke("put_nowait", [self.argument(item)])
    }

    /// Removes and returns the item at the front, waiting for one to arrive
    /// (Python's `q.get()` or `q.get(timeout=…)`).
    ///
    /// The wait happens on a channel of its own. Cancelling the task ends the wait without consuming an item.
    ///
    /// - Parameter timeout: How long to wait for an item; `nil` waits as long as it takes.
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/queueEmpty`` if nothing arrived in time.
    public func get(timeout: Duration? = nil) async throws(ManagerError) -> Element {
        try await self.invoke("get", keywords: self.timeoutKeywords(timeout), mayBlock: true, as: Element.self)
    }

    /// Removes and returns the item at the front if there is one now (Python's `q.get_nowait()`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/queueEmpty`` if the queue is empty.
    public func getNowait() async throws(ManagerError) -> Element {
        try await self.invoke("get_nowait", as: Element.self)
    }

    /// The number of items in the queue (Python's `q.qsize()`).
    public func count() async throws(ManagerError) -> Int {
        try await self.invoke("qsize", as: Int.self)
    }

    /// Whether the queue is empty (Python's `q.empty()`).
    public func isEmpty() async throws(ManagerError) -> Bool {
        try await self.invoke("empty", as: Bool.self)
    }

    /// Whether the queue is bounded and full (Python's `q.full()`).
    public func isFull() async throws(ManagerError) -> Bool {
        try await self.invoke("full", as: Bool.self)
    }

    /// The items as they arrive: each step waits for the next item (`q.get()`).
    ///
    /// The sequence ends when the task is cancelled or the queue is shut down (CPython 3.13's `queue.ShutDown`);
    /// other failures end it with their ``ManagerError``. Several consumers may iterate the same queue: each
    /// item goes to one of them.
    public var elements: QueueElementSequence<Element> {
        QueueElementSequence(reference: self.reference)
    }
}

/// A proxy for a `queue.Queue` hosted by a manager (`manager.Queue()`; CPython's `AutoProxy`).
///
/// ```swift
/// let jobs: QueueProxy<String> = try await manager.queue()
/// try await jobs.put("resize a.png")
/// let job = try await jobs.get(timeout: .seconds(5))
/// ```
///
/// See ``ManagedQueueProxy`` for the methods.
public struct QueueProxy<Element: Codable & Sendable>: ManagedQueueProxy {
    /// `Queue`.
    public static var typeID: String { "Queue" }
    /// `multiprocessing.managers.AutoProxy`, which Python rebuilds from the exposed method names.
    public static var pythonProxyType: PythonGlobal { .managers("AutoProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }
}
