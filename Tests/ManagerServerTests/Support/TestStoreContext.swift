import Testing
import ManagerServer
import NIOCore
import Pickle

/// A ``StoreContext`` for pure tests: a manual clock, recorded parks and resumes, switchable connections.
final class TestStoreContext: StoreContext {
    struct Park {
        var object: any HostedObject
        var connection: ConnectionID
        var deadline: NIODeadline?
    }

    var connection = ConnectionID(rawValue: 1)
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    var maxRepetitionLength = 100_000_000
    var maxValueDepth = 1000
    /// Calls that are parked and not yet answered.
    private(set) var parked: [WaiterID: Park] = [:]
    /// Every answer delivered, by waiter.
    private(set) var results: [WaiterID: Result<PythonValue, PythonException>] = [:]
    /// The order in which waiters were answered.
    private(set) var resumeOrder: [WaiterID] = []
    private(set) var closedConnections: Set<ConnectionID> = []
    private var objects: [String: any HostedObject] = [:]
    private var nextWaiter: UInt64 = 1
    private var callingObject: (any HostedObject)?
    /// The waiter of the most recent park.
    private(set) var lastWaiter: WaiterID?

    func park(until deadline: NIODeadline?) -> WaiterID {
        let waiter = WaiterID(rawValue: self.nextWaiter)
        self.nextWaiter += 1
        guard let object = self.callingObject else { fatalError("park outside a call") }
        self.parked[waiter] = Park(object: object, connection: self.connection, deadline: deadline)
        self.lastWaiter = waiter
        return waiter
    }

    /// SyncManager's types answer parked calls on the store's loop; only user types hop, so tests flag its use.
    func resumer(for waiter: WaiterID) -> @Sendable (Result<DeferredOutcome, PythonException>) -> Void {
        { _ in Issue.record("a SyncManager type used the cross-thread resumer for \(waiter)") }
    }

    @discardableResult
    func resume(_ waiter: WaiterID, with result: Result<PythonValue, PythonException>) -> Bool {
        guard self.parked.removeValue(forKey: waiter) != nil else { return false }
        self.results[waiter] = result
        self.resumeOrder.append(waiter)
        return true
    }

    func connection(of waiter: WaiterID) -> ConnectionID? { self.parked[waiter]?.connection }

    func object(withID id: String) -> (any HostedObject)? { self.objects[id] }

    func objectID(of object: any HostedObject) -> String? {
        self.objects.first { $0.value === object }?.key
    }

    /// Registers `object` under `id` so that others can find it and it hears about closed connections.
    @discardableResult
    func register<Object: HostedObject>(_ object: Object, id: String? = nil) -> Object {
        self.objects[id ?? "obj\(self.objects.count + 1)"] = object
        return object
    }

    /// Calls `method` as connection `connection` (default: the current one).
    @discardableResult
    func call(
        _ object: any HostedObject, _ method: String, _ positional: PythonValue..., keywords: PythonDict = PythonDict(),
        as connection: UInt64? = nil
    ) throws(PythonException) -> CallOutcome {
        if let connection { self.connection = ConnectionID(rawValue: connection) }
        self.callingObject = object
        defer { self.callingObject = nil }
        return try object.call(method, CallArguments(positional, keywords: keywords), in: self)
    }

    /// Calls `method` and returns the value it returned at once (fails the test on `.parked`/`.newObject`).
    func value(
        _ object: any HostedObject, _ method: String, _ positional: PythonValue..., keywords: PythonDict = PythonDict(),
        as connection: UInt64? = nil
    ) throws(PythonException) -> PythonValue? {
        if let connection { self.connection = ConnectionID(rawValue: connection) }
        self.callingObject = object
        defer { self.callingObject = nil }
        guard case .value(let value) = try object.call(method, CallArguments(positional, keywords: keywords), in: self)
        else { return nil }
        return value
    }

    /// Calls `method` and returns the exception it raised, or `nil`.
    func error(
        _ object: any HostedObject, _ method: String, _ positional: PythonValue..., keywords: PythonDict = PythonDict(),
        as connection: UInt64? = nil
    ) -> PythonException? {
        if let connection { self.connection = ConnectionID(rawValue: connection) }
        self.callingObject = object
        defer { self.callingObject = nil }
        do {
            _ = try object.call(method, CallArguments(positional, keywords: keywords), in: self)
            return nil
        } catch {
            return error
        }
    }

    /// Calls `method`, expects it to park, and returns the waiter.
    func parks(
        _ object: any HostedObject, _ method: String, _ positional: PythonValue..., keywords: PythonDict = PythonDict(),
        as connection: UInt64? = nil
    ) throws(PythonException) -> WaiterID? {
        if let connection { self.connection = ConnectionID(rawValue: connection) }
        self.callingObject = object
        defer { self.callingObject = nil }
        guard case .parked = try object.call(method, CallArguments(positional, keywords: keywords), in: self) else {
            return nil
        }
        return self.lastWaiter
    }

    /// Moves the clock forward and fires the timeouts of every parked call whose deadline passed, in deadline
    /// order.
    func advance(bySeconds seconds: Double) {
        self.now = self.now + .nanoseconds(Int64(seconds * 1e9))
        let due = self.parked.filter { $0.value.deadline.map { $0 <= self.now } ?? false }
            .sorted { lhs, rhs in
                let (a, b) = (lhs.value.deadline!, rhs.value.deadline!)
                return a == b ? lhs.key.rawValue < rhs.key.rawValue : a < b
            }
        for (waiter, park) in due where self.parked[waiter] != nil {
            self.parked[waiter]?.deadline = nil
            park.object.waiterTimedOut(waiter, in: self)
        }
    }

    /// Closes `connection`: its parked calls are dropped, then every registered object (and `extra`) hears of it.
    func close(_ connection: UInt64, objects extra: [any HostedObject] = []) -> [String] {
        let id = ConnectionID(rawValue: connection)
        self.closedConnections.insert(id)
        for (waiter, park) in self.parked where park.connection == id { self.parked[waiter] = nil }
        var lines: [String] = []
        var all = Array(self.objects.values)
        for object in extra where !all.contains(where: { $0 === object }) { all.append(object) }
        for object in all { lines += object.connectionClosed(id, in: self) }
        return lines
    }

    /// Whether `waiter` is still parked.
    func isParked(_ waiter: WaiterID?) -> Bool { waiter.map { self.parked[$0] != nil } ?? false }

    /// The value `waiter` was answered with, if it was answered with a value.
    func resultValue(_ waiter: WaiterID?) -> PythonValue? {
        guard let waiter, case .success(let value) = self.results[waiter] else { return nil }
        return value
    }

    /// The exception `waiter` was answered with, if any.
    func resultError(_ waiter: WaiterID?) -> PythonException? {
        guard let waiter, case .failure(let error) = self.results[waiter] else { return nil }
        return error
    }
}

extension PythonDict {
    /// Keyword arguments for tests.
    static func kw(_ items: KeyValuePairs<String, PythonValue>) -> PythonDict { PythonDict(stringKeys: items) }
}
