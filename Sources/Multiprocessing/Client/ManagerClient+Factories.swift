import Pickle

/// Creating shared objects: one method per type id of CPython's `SyncManager`.
///
/// Each creates the object on the manager (`create`) and returns a typed proxy holding the reference. The
/// arguments are sent as Python's `manager.dict(…)`, `manager.Queue(…)`, … send them, so the same calls work
/// against swift-multiprocessing's server and CPython's.
///
/// ```swift
/// let client = try await ManagerClient.connect(to: .unix(path: "/tmp/manager.sock"), authKey: key)
/// let counts: DictProxy<String, Int> = try await client.dict()
/// let jobs: QueueProxy<String> = try await client.queue(maxSize: 100)
/// let lock = try await client.lock()
/// ```
extension ManagerClient {
    /// Creates a `dict` holding `initial`, in order (Python's `manager.dict(initial)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/typeError`` if a key cannot be hashed in Python
    ///   (a list, a dict), or a connection or conversion failure.
    public func dict<Key: Codable & Sendable, Value: Codable & Sendable>(
        _ initial: [(key: Key, value: Value)] = []
    ) async throws(ManagerError) -> DictProxy<Key, Value> {
        guard !initial.isEmpty else {
            return DictProxy(reference: try await self.create(DictProxy<Key, Value>.typeID))
        }
        var items: [(key: PythonValue, value: PythonValue)] = []
        items.reserveCapacity(initial.count)
        for item in initial {
            items.append((try self.encode(item.key), try self.encode(item.value)))
        }
        let mapping: PythonDict
        do {
            mapping = try PythonDict(items)
        } catch {
            throw ManagerError(raised: error)
        }
        return DictProxy(reference: try await self.create(DictProxy<Key, Value>.typeID, [.dict(mapping)]))
    }

    /// Creates a `dict` holding the entries of `initial`, in the dictionary's iteration order.
    public func dict<Key: Codable & Sendable & Hashable, Value: Codable & Sendable>(
        _ initial: [Key: Value]
    ) async throws(ManagerError) -> DictProxy<Key, Value> {
        try await self.dict(initial.map { (key: $0.key, value: $0.value) })
    }

    /// Creates a `list` holding `initial` (Python's `manager.list(initial)`).
    public func list<Element: Codable & Sendable>(
        _ initial: [Element] = []
    ) async throws(ManagerError) -> ListProxy<Element> {
        ListProxy(reference: try await self.create(ListProxy<Element>.typeID, self.sequenceArguments(initial)))
    }

    /// Creates a `set` holding `initial` (Python 3.14's `manager.set(initial)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/remoteTraceback`` from CPython servers before
    ///   3.14, which do not know the `set` type id.
    public func set<Element: Codable & Sendable>(
        _ initial: [Element] = []
    ) async throws(ManagerError) -> SetProxy<Element> {
        SetProxy(reference: try await self.create(SetProxy<Element>.typeID, self.sequenceArguments(initial)))
    }

    /// Creates a `queue.Queue` (Python's `manager.Queue(maxsize)`).
    ///
    /// - Parameter maxSize: The most items the queue holds; `put` waits while it is full. Zero or less means
    ///   unbounded.
    public func queue<Element: Codable & Sendable>(
        maxSize: Int = 0,
        of elementType: Element.Type = Element.self
    ) async throws(ManagerError) -> QueueProxy<Element> {
        QueueProxy(reference: try await self.create(QueueProxy<Element>.typeID, maxSize == 0 ? [] : [.int(maxSize)]))
    }

    /// Creates a joinable queue (Python's `manager.JoinableQueue(maxsize)`).
    ///
    /// - Parameter maxSize: The most items the queue holds; zero or less means unbounded.
    public func joinableQueue<Element: Codable & Sendable>(
        maxSize: Int = 0,
        of elementType: Element.Type = Element.self
    ) async throws(ManagerError) -> JoinableQueueProxy<Element> {
        JoinableQueueProxy(
            reference: try await self.create(JoinableQueueProxy<Element>.typeID, maxSize == 0 ? [] : [.int(maxSize)])
        )
    }

    /// Creates a shared value (Python's `manager.Value(typecode, value)`).
    ///
    /// - Parameters:
    ///   - typecode: The `array`-module typecode Python clients see (`"i"`, `"d"`, …); recorded, not enforced.
    ///   - initial: The first value.
    public func value<T: Codable & Sendable>(
        _ typecode: String,
        _ initial: T
    ) async throws(ManagerError) -> ValueProxy<T> {
        ValueProxy(reference: try await self.create(ValueProxy<T>.typeID, [.string(typecode), self.encode(initial)]))
    }

    /// Creates a fixed-length typed array (Python's `manager.Array(typecode, values)`).
    ///
    /// - Parameters:
    ///   - typecode: An `array`-module typecode (`"b"`, `"i"`, `"q"`, `"d"`, …) that the server enforces.
    ///   - initial: The items.
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` for a bad typecode, and the server's
    ///   `OverflowError` or `TypeError` for items the typecode cannot hold.
    public func array<T: Codable & Sendable>(
        _ typecode: String,
        _ initial: [T]
    ) async throws(ManagerError) -> ArrayProxy<T> {
        var items: [PythonValue] = []
        items.reserveCapacity(initial.count)
        for item in initial {
            items.append(try self.encode(item))
        }
        return ArrayProxy(reference: try await self.create(ArrayProxy<T>.typeID, [.string(typecode), .list(items)]))
    }

    /// Creates an empty namespace (Python's `manager.Namespace()`).
    public func namespace() async throws(ManagerError) -> NamespaceProxy {
        NamespaceProxy(reference: try await self.create(NamespaceProxy.typeID))
    }

    /// Creates a `threading.Lock` (Python's `manager.Lock()`).
    public func lock() async throws(ManagerError) -> LockProxy {
        LockProxy(reference: try await self.create(LockProxy.typeID))
    }

    /// Creates a `threading.RLock` (Python's `manager.RLock()`).
    public func rLock() async throws(ManagerError) -> RLockProxy {
        RLockProxy(reference: try await self.create(RLockProxy.typeID))
    }

    /// Creates a `threading.Semaphore` with `value` permits (Python's `manager.Semaphore(value)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` if `value` is negative.
    public func semaphore(_ value: Int = 1) async throws(ManagerError) -> SemaphoreProxy {
        SemaphoreProxy(reference: try await self.create(SemaphoreProxy.typeID, value == 1 ? [] : [.int(value)]))
    }

    /// Creates a `threading.BoundedSemaphore` with `value` permits (Python's `manager.BoundedSemaphore(value)`).
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/valueError`` if `value` is negative.
    public func boundedSemaphore(_ value: Int = 1) async throws(ManagerError) -> BoundedSemaphoreProxy {
        BoundedSemaphoreProxy(
            reference: try await self.create(BoundedSemaphoreProxy.typeID, value == 1 ? [] : [.int(value)])
        )
    }

    /// Creates a `threading.Condition` over `lock`, or over a new reentrant lock (Python's
    /// `manager.Condition(lock)`).
    ///
    /// - Parameter lock: A lock of the same manager to build the condition on; `nil` makes a new `RLock`.
    public func condition(lock: LockProxy? = nil) async throws(ManagerError) -> ConditionProxy {
        var arguments: [PythonValue] = []
        if let lock {
            arguments.append(try self.encode(lock))
        }
        return ConditionProxy(reference: try await self.create(ConditionProxy.typeID, arguments))
    }

    /// Creates a `threading.Condition` over a reentrant `lock` of the same manager (Python's
    /// `manager.Condition(rlock)`).
    public func condition(lock: RLockProxy) async throws(ManagerError) -> ConditionProxy {
        ConditionProxy(reference: try await self.create(ConditionProxy.typeID, [try self.encode(lock)]))
    }

    /// Creates a `threading.Event`, initially clear (Python's `manager.Event()`).
    public func event() async throws(ManagerError) -> EventProxy {
        EventProxy(reference: try await self.create(EventProxy.typeID))
    }

    /// Creates a `threading.Barrier` for `parties` callers (Python's `manager.Barrier(parties, timeout=…)`).
    ///
    /// - Parameters:
    ///   - parties: How many callers each round waits for.
    ///   - timeout: The default timeout of ``BarrierProxy/wait(timeout:)``; `nil` waits however long it takes.
    public func barrier(parties: Int, timeout: Duration? = nil) async throws(ManagerError) -> BarrierProxy {
        var keywords = PythonDict()
        if let timeout {
            keywords["timeout"] = timeout.pythonSeconds
        }
        return BarrierProxy(reference: try await self.create(BarrierProxy.typeID, [.int(parties)], keywords: keywords))
    }

    /// The constructor arguments for a sequence type: none for an empty one (as `manager.list()` sends), else
    /// the items as one `list`.
    private func sequenceArguments<T: Encodable>(_ initial: [T]) throws(ManagerError) -> [PythonValue] {
        guard !initial.isEmpty else { return [] }
        var items: [PythonValue] = []
        items.reserveCapacity(initial.count)
        for item in initial {
            items.append(try self.encode(item))
        }
        return [.list(items)]
    }
}
