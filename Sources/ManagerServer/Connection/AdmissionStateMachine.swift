/// Which connections the server serves: pending handshakes under their own small cap, authenticated connections
/// under the connection limit, and none once shutdown has begun.
///
/// A connection counts against ``Limits/maxConnections`` only once it has authenticated, so silent or slow
/// sockets cannot lock out clients that hold the key. Pending handshakes have a cap of their own; when it is
/// reached the **oldest** pending connection is closed to make room. A client holding the key finishes its
/// handshake in one round trip, so it is the newest connections that are likely to succeed, and evicting the
/// oldest means a flood of silent sockets must outpace every honest client's round trip to keep one out (closing
/// the newest would let a fixed number of silent sockets hold the door shut for a whole handshake timeout).
///
/// The machine does no I/O: each event returns what the driver (``ServerConnections``) must do.
struct AdmissionStateMachine: Sendable {
    /// The caps the machine enforces.
    struct Limits: Sendable, Hashable {
        /// The most connections that may be in their handshake at once.
        var maxPendingHandshakes: Int
        /// The most authenticated connections served at once.
        var maxConnections: Int
    }

    /// Why a connection was refused.
    enum Refusal: String, Sendable, Hashable {
        /// The server is shutting down.
        case shuttingDown = "the server is shutting down"
        /// The server already serves ``Limits/maxConnections`` authenticated connections.
        case connectionLimit = "the server is at its connection limit"
    }

    /// What to do with a connection that was just accepted.
    enum AcceptAction: Sendable, Hashable {
        /// Run the handshake on it; if `evicting` is set, close that pending connection to make room.
        case startHandshake(ConnectionID, evicting: ConnectionID?)
        /// Serve it at once (the server has no key, so there is no handshake).
        case serve(ConnectionID)
        /// Close it.
        case refuse(Refusal)
    }

    /// What to do with a connection that has just authenticated.
    enum AuthenticatedAction: Sendable, Hashable {
        /// Serve it.
        case serve
        /// Close it.
        case refuse(Refusal)
        /// Nothing: the connection had already left (it was evicted or closed), and is closing.
        case ignore
    }

    /// The caps.
    let limits: Limits
    /// Pending connections, oldest first (at most ``Limits/maxPendingHandshakes``, so linear removal is cheap).
    private(set) var pending: [ConnectionID] = []
    /// Authenticated connections.
    private(set) var admitted: Set<ConnectionID> = []
    /// Whether shutdown has begun.
    private(set) var isShuttingDown = false
    private var nextNumber: UInt64 = 1

    /// A machine enforcing `limits`; both caps are raised to at least 1.
    init(limits: Limits) {
        self.limits = Limits(
            maxPendingHandshakes: max(1, limits.maxPendingHandshakes),
            maxConnections: max(1, limits.maxConnections)
        )
    }

    /// A connection was accepted; `needsHandshake` is false when the server runs without a key.
    mutating func connectionAccepted(needsHandshake: Bool) -> AcceptAction {
        guard !self.isShuttingDown else { return .refuse(.shuttingDown) }
        if !needsHandshake {
            guard self.admitted.count < self.limits.maxConnections else { return .refuse(.connectionLimit) }
            let id = self.makeID()
            self.admitted.insert(id)
            return .serve(id)
        }
        var evicted: ConnectionID?
        if self.pending.count >= self.limits.maxPendingHandshakes {
            evicted = self.pending.removeFirst()
        }
        let id = self.makeID()
        self.pending.append(id)
        return .startHandshake(id, evicting: evicted)
    }

    /// The connection `id` completed its handshake.
    mutating func handshakeSucceeded(_ id: ConnectionID) -> AuthenticatedAction {
        guard let index = self.pending.firstIndex(of: id) else { return .ignore }
        self.pending.remove(at: index)
        guard !self.isShuttingDown else { return .refuse(.shuttingDown) }
        guard self.admitted.count < self.limits.maxConnections else { return .refuse(.connectionLimit) }
        self.admitted.insert(id)
        return .serve
    }

    /// The connection `id` closed, whatever its state.
    mutating func connectionClosed(_ id: ConnectionID) {
        if let index = self.pending.firstIndex(of: id) {
            self.pending.remove(at: index)
        }
        self.admitted.remove(id)
    }

    /// Shutdown began: returns every connection to close, or `nil` if shutdown had already begun.
    mutating func shutdownBegan() -> [ConnectionID]? {
        guard !self.isShuttingDown else { return nil }
        self.isShuttingDown = true
        return self.pending + self.admitted.sorted { $0.rawValue < $1.rawValue }
    }

    private mutating func makeID() -> ConnectionID {
        let id = ConnectionID(rawValue: self.nextNumber)
        // 2^64 connections never happen; saturate rather than trap.
        self.nextNumber = self.nextNumber == .max ? .max : self.nextNumber + 1
        return id
    }
}
