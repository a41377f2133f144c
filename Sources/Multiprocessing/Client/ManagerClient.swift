public import ManagerWire
public import Pickle
import Synchronization

/// A client of one manager: the connections every proxy made from it shares.
///
/// - Calls that return at once travel on one long-lived channel, pipelined: many tasks may call concurrently and
///   the server answers in order.
/// - Calls that may block on the server (`Queue.get`, `Lock.acquire`, `Condition.wait`, …) each take a channel
///   of their own from a pool, so a parked call never holds up anyone else's. Cancelling the task closes that
///   channel; the server then drops the parked call without consuming anything for it.
/// - With swift-multiprocessing's server, reference operations (`create`, `incref`, `decref`) also use the
///   long-lived channel, and the server gives the references back if this process dies. With CPython's server,
///   each takes a fresh connection, as CPython's own client does.
///
/// Obtain one with ``connect(to:authKey:)``; ``Manager`` creates one for you.
public final class ManagerClient: Sendable {
    /// The manager's address, as this client reaches it (and writes it into the tokens it makes).
    public let address: ManagerAddress
    /// Which implementation serves the manager.
    public let serverKind: ServerKind
    let authKey: AuthKey?
    private let channel: ManagerConnection
    private let idleChannels = Mutex<[ManagerConnection]>([])
    private let closed = Atomic<Bool>(false)

    private static let maxIdleChannels = 16

    private init(address: ManagerAddress, authKey: AuthKey?, channel: ManagerConnection, serverKind: ServerKind) {
        self.address = address
        self.authKey = authKey
        self.channel = channel
        self.serverKind = serverKind
    }

    /// Connects to the manager at `address` (swift-multiprocessing's or CPython's) and authenticates.
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/connection`` if the manager cannot be reached or
    ///   refuses the key.
    public static func connect(to address: ManagerAddress, authKey: AuthKey?) async throws(ManagerError) -> ManagerClient {
        let channel = try await Self.openChannel(address: address, authKey: authKey)
        // Learn who serves: swift-multiprocessing answers a server function on a channel; CPython answers it with
        // a traceback and keeps the channel open.
        let probe: Reply
        do {
            probe = try await channel.call(Request(objectID: nil, method: "number_of_objects"))
        } catch {
            throw ManagerError(code: .connection, message: "the manager at \(address) closed the connection: \(error)")
        }
        let kind: ServerKind
        if case .returned = probe { kind = .swift } else { kind = .cpython }
        return ManagerClient(address: address, authKey: authKey, channel: channel, serverKind: kind)
    }

    /// Opens an authenticated method channel (`accept_connection`).
    private static func openChannel(address: ManagerAddress, authKey: AuthKey?) async throws(ManagerError)
        -> ManagerConnection
    {
        let connection: ManagerConnection
        do {
            connection = try await ManagerConnection.connect(to: address, authKey: authKey)
        } catch {
            throw ManagerError(code: .connection, message: "cannot connect to the manager at \(address): \(error)")
        }
        do {
            _ = try Self.unwrap(
                try await connection.call(
                    Request(objectID: nil, method: "accept_connection", arguments: [.string(Self.channelName)])
                )
            )
        } catch let error as ManagerError {
            await connection.close()
            throw error
        } catch {
            await connection.close()
            throw ManagerError(code: .connection, message: "the manager at \(address) refused a channel: \(error)")
        }
        return connection
    }

    /// The channel name CPython's server logs: `<process>|<thread>`.
    private static var channelName: String { "SwiftProcess-\(ProcessIdentity.current)" }

    /// Calls `method` on the object `objectID` and returns its result.
    ///
    /// - Parameters:
    ///   - mayBlock: Whether the call can park on the server (it then gets a channel of its own).
    /// - Throws: ``ManagerError``: the exception the object raised, or a connection failure.
    public func call(
        _ objectID: String,
        _ method: String,
        _ arguments: [PythonValue] = [],
        keywords: PythonDict = PythonDict(),
        mayBlock: Bool = false
    ) async throws(ManagerError) -> PythonValue {
        let reply = try await self.send(
            Request(objectID: objectID, method: method, arguments: arguments, keywords: keywords), mayBlock: mayBlock
        )
        if case .proxy(let exposed, let token) = reply {
            // The server counted a reference for this caller: taking it and letting it go gives it back.
            _ = self.reference(toNew: token, exposed: exposed)
            throw ManagerError(
                code: .protocolViolation,
                message: "\(method) returned a new \(token.typeID) object (a proxy), not a value; call it with "
                    + "callReturningObject (DynamicProxy: callReturningProxy) to keep it"
            )
        }
        return try Self.unwrap(reply)
    }

    /// Calls a method that returns a new object (`'#PROXY'`, e.g. `dict.__iter__`) and takes its reference.
    public func callReturningObject(
        _ objectID: String,
        _ method: String,
        _ arguments: [PythonValue] = [],
        keywords: PythonDict = PythonDict()
    ) async throws(ManagerError) -> ObjectReference {
        let reply = try await self.send(
            Request(objectID: objectID, method: method, arguments: arguments, keywords: keywords), mayBlock: false
        )
        guard case .proxy(let exposed, let token) = reply else {
            _ = try Self.unwrap(reply)
            throw ManagerError(code: .protocolViolation, message: "expected a new object from \(method), got \(reply)")
        }
        return self.reference(toNew: token, exposed: exposed)
    }

    /// The reference to an object a `#PROXY` reply announced.
    private func reference(toNew token: Token, exposed: [String]) -> ObjectReference {
        // The server's count of one is ours; the token's address is replaced by ours, as CPython's client does.
        ObjectReference(
            client: self,
            token: Token(typeID: token.typeID, address: self.address.pythonValue, objectID: token.objectID),
            exposed: exposed
        )
    }

    /// Creates an object of `typeID` on the server and takes its reference.
    public func create(
        _ typeID: String,
        _ arguments: [PythonValue] = [],
        keywords: PythonDict = PythonDict()
    ) async throws(ManagerError) -> ObjectReference {
        let result = try await self.serverFunction("create", [.string(typeID)] + arguments, keywords: keywords)
        guard case .tuple(let fields) = result.unwrapped, fields.count == 2, let id = fields[0].stringValue,
            let exposed = fields[1].sequenceElements
        else {
            throw ManagerError(code: .protocolViolation, message: "create('\(typeID)') returned \(result.repr)")
        }
        return ObjectReference(
            client: self,
            token: Token(typeID: typeID, address: self.address.pythonValue, objectID: id),
            exposed: exposed.compactMap(\.stringValue)
        )
    }

    /// Takes a reference to an object named by a proxy found inside a value (`incref`), as Python's client does
    /// when it unpickles a proxy.
    public func adopt(_ proxy: PythonProxyReference) async throws(ManagerError) -> ObjectReference {
        _ = try await self.serverFunction("incref", [.string(proxy.objectID)])
        let exposed = proxy.keywords["exposed"]?.sequenceElements?.compactMap(\.stringValue) ?? []
        return ObjectReference(
            client: self,
            token: Token(typeID: proxy.typeID, address: proxy.address, objectID: proxy.objectID),
            exposed: exposed
        )
    }

    /// The number of objects the manager's clients hold references to.
    public func numberOfObjects() async throws(ManagerError) -> Int {
        let value = try await self.serverFunction("number_of_objects", [])
        guard let count = value.intValue else {
            throw ManagerError(code: .protocolViolation, message: "number_of_objects returned \(value.repr)")
        }
        return count
    }

    /// The manager's `debug_info` text: every object with its reference count.
    public func debugInfo() async throws(ManagerError) -> String {
        try await self.serverFunction("debug_info", []).str
    }

    /// Asks the manager to shut down.
    public func shutdownServer() async throws(ManagerError) {
        _ = try await self.oneShot("shutdown", [])
    }

    /// An executor that runs tasks on the event loop of this client's pooled channel.
    ///
    /// Wrap a task's calls in `withTaskExecutorPreference(client.taskExecutor) { ... }` (or give it to
    /// `addTask(executorPreference:)`) and each call writes, waits and resumes on the channel's loop: a round trip
    /// then costs about one thread wake-up, as CPython's blocking client does, instead of the hand-over to the loop
    /// and back. The task's own work between calls also runs on that loop, so keep heavy computation elsewhere.
    /// Calls that may block (`mayBlock: true`) take their own channels and are not sped up by it.
    public var taskExecutor: EventLoopTaskExecutor {
        self.channel.taskExecutor
    }

    /// Closes this client's connections. References still held are given back by the server (swift-multiprocessing)
    /// or remain counted (CPython).
    public func close() async {
        guard !self.closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let idle = self.idleChannels.withLock { channels in
            defer { channels = [] }
            return channels
        }
        for channel in idle { await channel.close() }
        await self.channel.close()
    }

    /// Gives back one reference, without waiting. Called when the last copy of a proxy goes away.
    func release(_ objectID: String) {
        guard !self.closed.load(ordering: .acquiring) else { return }
        Task { [self] in
            _ = try? await self.serverFunction("decref", [.string(objectID)])
        }
    }

    /// Runs a server function (`incref`, `decref`, `debug_info`, …): on the long-lived channel for
    /// swift-multiprocessing, on a fresh connection for CPython, as CPython's own client does.
    ///
    /// - Throws: ``ManagerError``.
    public func serverFunction(_ name: String, _ arguments: [PythonValue], keywords: PythonDict = PythonDict())
        async throws(ManagerError) -> PythonValue
    {
        switch self.serverKind {
        case .swift:
            return try Self.unwrap(
                try await self.send(Request(objectID: nil, method: name, arguments: arguments, keywords: keywords), mayBlock: false)
            )
        case .cpython:
            return try await self.oneShot(name, arguments, keywords: keywords)
        }
    }

    /// Runs a server function on a fresh connection, as CPython's client does.
    private func oneShot(_ name: String, _ arguments: [PythonValue], keywords: PythonDict = PythonDict())
        async throws(ManagerError) -> PythonValue
    {
        let connection: ManagerConnection
        do {
            connection = try await ManagerConnection.connect(to: self.address, authKey: self.authKey)
        } catch {
            throw ManagerError(code: .connection, message: "cannot connect to the manager at \(self.address): \(error)")
        }
        defer { Task { await connection.close() } }
        do {
            return try Self.unwrap(
                try await connection.call(Request(objectID: nil, method: name, arguments: arguments, keywords: keywords))
            )
        } catch let error as ManagerError {
            throw error
        } catch {
            throw ManagerError(code: .connection, message: "\(name) failed: \(error)")
        }
    }

    /// The channels ``withDedicatedChannel(isolation:_:)`` pinned to the current task, by client.
    @TaskLocal private static var pinnedChannels: [ObjectIdentifier: ManagerConnection] = [:]

    /// Runs `body` with every method call this task makes through this client on one channel of its own, as a
    /// Python thread makes all its calls on one connection.
    ///
    /// A manager ties lock ownership to the channel: an `RLock`, and a `Condition` built on one, must be
    /// acquired, waited on, notified and released through the same channel. ``RLockProxy`` and ``ConditionProxy``
    /// use this in their `withLock`; use it yourself around bare `acquire()` and `release()` calls on them.
    ///
    /// Nested calls reuse the outer channel. Child tasks started inside `body` share it, so their blocking calls
    /// wait for one another (a Python thread's calls do too). The channel is closed when `body` returns; with
    /// swift-multiprocessing's server this also releases any lock still acquired through it.
    ///
    /// - Throws: ``ManagerError`` if the channel cannot be opened, or whatever `body` throws.
    public func withDedicatedChannel<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let key = ObjectIdentifier(self)
        if Self.pinnedChannels[key] != nil {
            return try await body()
        }
        let channel = try await Self.openChannel(address: self.address, authKey: self.authKey)
        var pinned = Self.pinnedChannels
        pinned[key] = channel
        let result: Result
        do {
            result = try await Self.$pinnedChannels.withValue(pinned, operation: body)
        } catch {
            await channel.close()
            throw error
        }
        await channel.close()
        return result
    }

    private func send(_ request: Request, mayBlock: Bool) async throws(ManagerError) -> Reply {
        // Method calls inside `withDedicatedChannel` travel on the pinned channel; server functions (reference
        // counting, which also runs from detached release tasks) keep their usual route.
        if request.objectID != nil, let pinned = Self.pinnedChannels[ObjectIdentifier(self)] {
            do {
                return try await withTaskCancellationHandler {
                    try await pinned.call(request)
                } onCancel: {
                    Task { await pinned.close() }
                }
            } catch {
                throw ManagerError(code: .connection, message: "the call \(request.method) failed: \(error)")
            }
        }
        guard mayBlock else {
            do {
                return try await self.channel.call(request)
            } catch {
                throw ManagerError(code: .connection, message: "the call \(request.method) failed: \(error)")
            }
        }
        let channel = try await self.checkOutChannel()
        do {
            let reply = try await withTaskCancellationHandler {
                try await channel.call(request)
            } onCancel: {
                Task { await channel.close() }
            }
            self.checkIn(channel)
            return reply
        } catch {
            await channel.close()
            if Task.isCancelled {
                throw ManagerError(code: .connection, message: "the call \(request.method) was cancelled")
            }
            throw ManagerError(code: .connection, message: "the call \(request.method) failed: \(error)")
        }
    }

    private func checkOutChannel() async throws(ManagerError) -> ManagerConnection {
        if let idle = self.idleChannels.withLock({ $0.popLast() }), idle.isActive {
            return idle
        }
        return try await Self.openChannel(address: self.address, authKey: self.authKey)
    }

    private func checkIn(_ channel: ManagerConnection) {
        let kept = self.idleChannels.withLock { channels -> Bool in
            guard channel.isActive, channels.count < Self.maxIdleChannels else { return false }
            channels.append(channel)
            return true
        }
        if !kept {
            Task { await channel.close() }
        }
    }

    /// The result of a reply, or the error it carries.
    static func unwrap(_ reply: Reply) throws(ManagerError) -> PythonValue {
        switch reply {
        case .returned(let value):
            return value
        case .error(let value):
            if let exception = PythonException(value) {
                throw ManagerError(raised: exception)
            }
            throw ManagerError(code: .remoteException, message: "the server raised \(value.repr)")
        case .traceback(let text):
            let last = text.split(separator: "\n").last.map(String.init) ?? "remote error"
            throw ManagerError(code: .remoteTraceback, message: last, traceback: text)
        case .unserializable(let text):
            throw ManagerError(code: .unserializable, message: "the server could not pickle the result", traceback: text)
        case .proxy(_, let token):
            throw ManagerError(
                code: .protocolViolation,
                message: "unexpected new object \(token.typeID) \(token.objectID) where a value was expected"
            )
        }
    }
}
