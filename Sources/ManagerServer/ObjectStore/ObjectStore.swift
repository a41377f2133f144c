import Logging
import NIOCore
import Pickle

/// The one owner of all shared state: the table of hosted objects, their reference counts, and parked calls.
///
/// The store is confined to one event loop (``eventLoop``), like Redis: every operation runs to completion on it,
/// one at a time, so each operation is atomic and hosted objects need no locks. Connections on other loops hop
/// to it; pickle work stays on the connections' loops.
///
/// Requests come in two kinds, as in CPython's server:
/// - server functions on a fresh connection (`create`, `incref`, `decref`, `debug_info`, …):
///   ``perform(function:arguments:keywords:connection:)``;
/// - method calls on a method channel: ``call(objectID:method:arguments:connection:reply:)``, which may park.
///
/// Beyond CPython, the store cleans up after clients that go away (``connectionClosed(_:)``): locks they hold
/// are released, their parked calls are dropped, references they own are given back, and objects reachable only
/// through those references are reclaimed.
package final class ObjectStore {
    /// Receives the reply to a method call, possibly later (for a parked call). Called on ``eventLoop``.
    package typealias ReplyHandler = (StoreReply) -> Void

    /// A call waiting for its object to let it proceed.
    struct ParkedCall {
        var connection: ConnectionID
        var objectID: String
        var reply: ReplyTarget
        var timeout: Scheduled<Void>?
    }

    /// The loop every access to the store runs on.
    package let eventLoop: any EventLoop
    /// The types `create` can build, by type id.
    package private(set) var types: [String: HostedType]
    /// The addresses by which this server's proxies name it (the first is written into new tokens).
    package var addresses: [PythonValue]
    /// Where releases after dead clients and other notable events are logged.
    package var logger: Logger
    /// Called once when a client sends `shutdown`.
    package var onShutdownRequest: (() -> Void)?
    /// The longest list a single operation may build by repetition (`*`, `*=`); longer ones raise `MemoryError`
    /// before anything is allocated, so one call cannot make the server allocate without bound.
    package var maxRepetitionLength = 100_000_000
    /// The deepest nesting a stored value may reach; the server sets it to its ``PickleLimits/maxDepth``.
    package var maxValueDepth = PickleLimits().maxDepth

    var entries: [String: StoreEntry] = [:]
    var nextObjectNumber: UInt64 = 1
    var nextWaiterNumber: UInt64 = 1
    var parkedCalls: [WaiterID: ParkedCall] = [:]
    var parkedCallsByConnection: [ConnectionID: Set<WaiterID>] = [:]
    /// Connections that have called methods (method channels), whose closing the objects must hear of.
    var callers: Set<ConnectionID> = []
    /// The peer process of each Unix-socket connection (from `SO_PEERCRED`).
    var peerProcesses: [ConnectionID: Int32] = [:]
    /// Client references each peer process holds, by object id, counted across all its connections.
    var processReferences: [Int32: [String: Int]] = [:]
    /// References owned by long-lived connections (Swift clients send `incref`/`decref` on their channel).
    var referencesOwned: [ConnectionID: [String: Int]] = [:]
    /// Entries whose count is zero, alive while a stored proxy reaches them; checked by reclaim passes.
    var reclaimCandidates: Set<String> = []
    var reclaimScheduled = false
    /// The call being run, for ``StoreContext``.
    var current: CurrentCall?
    /// How many replies are being delivered right now (deliveries nest: a reply can close a connection, whose
    /// cleanup wakes a waiter, whose reply is delivered in turn).
    var deliveriesInProgress = 0

    /// The call or event the store is handling, as ``StoreContext`` reports it to hosted objects.
    struct CurrentCall {
        var connection: ConnectionID
        var objectID: String
        var reply: ReplyTarget
    }

    /// A store on `eventLoop` that can create `types`.
    package init(eventLoop: any EventLoop, types: [HostedType], addresses: [PythonValue], logger: Logger) {
        self.eventLoop = eventLoop
        self.types = Dictionary(types.map { ($0.typeID, $0) }, uniquingKeysWith: { _, last in last })
        self.addresses = addresses
        self.logger = logger
    }

    /// Adds or replaces a type that `create` can build.
    package func register(_ type: HostedType) {
        self.types[type.typeID] = type
    }

    /// The number of objects clients hold references to (what `number_of_objects` reports).
    package var numberOfObjects: Int {
        self.entries.values.count(where: { $0.refcount > 0 })
    }

    /// The number of objects alive, including nested referents that only stored proxies reach.
    package var numberOfLiveObjects: Int { self.entries.count }

    /// Registers a new referent with one reference and returns its id.
    func insert(_ object: any HostedObject, type: HostedType?) -> String {
        let id = String(self.nextObjectNumber, radix: 16)
        self.nextObjectNumber += 1
        let exposed = type?.exposed ?? object.exposed
        self.entries[id] = StoreEntry(
            object: object,
            typeID: type?.typeID ?? object.typeID,
            exposedOrder: exposed,
            exposed: type?.acceptedMethods ?? Set(exposed),
            methodToTypeID: type?.methodToTypeID ?? [:],
            refcount: 1
        )
        return id
    }

    /// Whether a proxy's token names this server.
    func isLocal(_ proxy: PythonProxyReference) -> Bool {
        if self.addresses.contains(proxy.address) {
            return true
        }
        // A TCP server bound to a wildcard host is reachable under any host name with its port.
        guard case .tuple(let token) = proxy.address.unwrapped, token.count == 2, let port = token[1].intValue else {
            return false
        }
        return self.addresses.contains { address in
            guard case .tuple(let own) = address.unwrapped, own.count == 2, own[1].intValue == port,
                let host = own[0].stringValue
            else { return false }
            return host == "0.0.0.0" || host == "::" || host == ""
        }
    }

    /// The first proxy in `values` that names this server but an object it does not have.
    func firstDanglingProxy(in values: some Sequence<PythonValue>) -> PythonProxyReference? {
        var dangling: PythonProxyReference?
        for value in values where value.mayContainProxy && dangling == nil {
            value.forEachProxyReference { proxy in
                if dangling == nil, self.isLocal(proxy), self.entries[proxy.objectID] == nil {
                    dangling = proxy
                }
            }
        }
        return dangling
    }

    /// The first proxy among a call's arguments that names this server but an object it does not have.
    func firstDanglingProxy(in arguments: CallArguments) -> PythonProxyReference? {
        if let dangling = self.firstDanglingProxy(in: arguments.positional) {
            return dangling
        }
        return arguments.keywords.isEmpty ? nil : self.firstDanglingProxy(in: arguments.keywords.values)
    }
}
