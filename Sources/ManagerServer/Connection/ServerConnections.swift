import Logging
import NIOCore
import Synchronization

/// The server's connections: drives the ``AdmissionStateMachine`` for every listener, closes the channels it
/// evicts or refuses, and writes its log lines through a ``LogRateLimiter``.
final class ServerConnections: Sendable {
    /// The kinds of log line the limiter counts separately.
    enum LogReason: Hashable, Sendable {
        case refused(AdmissionStateMachine.Refusal)
        case evicted
        case handshakeFailed
        case acceptFailed
    }

    private struct State: Sendable {
        var machine: AdmissionStateMachine
        var channels: [ConnectionID: any Channel] = [:]
        var limiter = LogRateLimiter<LogReason>()
    }

    private let state: Mutex<State>
    private let logger: Logger
    /// The caps in force.
    let limits: AdmissionStateMachine.Limits

    /// Connections admitted under `limits`, logged to `logger`.
    init(limits: AdmissionStateMachine.Limits, logger: Logger) {
        let machine = AdmissionStateMachine(limits: limits)
        self.limits = machine.limits
        self.state = Mutex(State(machine: machine))
        self.logger = logger
    }

    /// Registers an accepted `channel`: returns its id if the server takes it on (to run the handshake, or to
    /// serve it at once when `needsHandshake` is false), or `nil` after closing it.
    func accepted(_ channel: any Channel, needsHandshake: Bool) -> ConnectionID? {
        typealias Outcome = (AdmissionStateMachine.AcceptAction, (any Channel)?)
        let (action, evictedChannel) = self.state.withLock { state -> Outcome in
            let action = state.machine.connectionAccepted(needsHandshake: needsHandshake)
            var evictedChannel: (any Channel)?
            switch action {
            case .startHandshake(let id, let evicted):
                state.channels[id] = channel
                if let evicted { evictedChannel = state.channels.removeValue(forKey: evicted) }
            case .serve(let id):
                state.channels[id] = channel
            case .refuse:
                break
            }
            return (action, evictedChannel)
        }
        switch action {
        case .startHandshake(let id, _), .serve(let id):
            channel.closeFuture.whenComplete { _ in
                self.state.withLock { state in
                    state.machine.connectionClosed(id)
                    _ = state.channels.removeValue(forKey: id)
                }
            }
            if let evictedChannel {
                self.log(
                    .evicted,
                    "closed the oldest connection still in its handshake: too many connections are authenticating "
                        + "at once",
                    peer: evictedChannel.remoteAddress
                )
                evictedChannel.close(promise: nil)
            }
            return id
        case .refuse(let refusal):
            self.log(.refused(refusal), "refused a connection: \(refusal.rawValue)", peer: channel.remoteAddress)
            channel.close(promise: nil)
            return nil
        }
    }

    /// The connection `id` authenticated: returns whether to serve it (otherwise it has been closed).
    func authenticated(_ id: ConnectionID) -> Bool {
        let (action, channel) = self.state.withLock { state in
            (state.machine.handshakeSucceeded(id), state.channels[id])
        }
        switch action {
        case .serve:
            return true
        case .ignore:
            channel?.close(promise: nil)
            return false
        case .refuse(let refusal):
            self.log(
                .refused(refusal), "refused an authenticated connection: \(refusal.rawValue)",
                peer: channel?.remoteAddress
            )
            channel?.close(promise: nil)
            return false
        }
    }

    /// Logs that a connection failed its handshake (the handshake handler closes it).
    func handshakeFailed(_ error: any Error, peer: SocketAddress?) {
        self.log(.handshakeFailed, "a connection failed the authentication handshake: \(error)", peer: peer)
    }

    /// Logs that accepting a connection failed (the listener backs off and retries).
    func acceptFailed(_ error: any Error) {
        self.log(.acceptFailed, "accepting a connection failed; retrying shortly: \(error)", peer: nil)
    }

    /// Stops admitting and returns every open channel, or `nil` if shutdown had already begun.
    func beginShutdown() -> [any Channel]? {
        self.state.withLock { state in
            guard let ids = state.machine.shutdownBegan() else { return nil }
            return ids.compactMap { state.channels[$0] }
        }
    }

    /// The number of authenticated connections.
    var count: Int { self.state.withLock { $0.machine.admitted.count } }

    /// The number of connections still in their handshake.
    var pendingCount: Int { self.state.withLock { $0.machine.pending.count } }

    private func log(_ reason: LogReason, _ message: String, peer: SocketAddress?) {
        let decision = self.state.withLock { $0.limiter.lineLogged(reason, at: .now()) }
        guard case .log(let suppressed) = decision else { return }
        var metadata: Logger.Metadata = [
            "pending": "\(self.pendingCount)/\(self.limits.maxPendingHandshakes)",
            "connections": "\(self.count)/\(self.limits.maxConnections)",
        ]
        if let peer { metadata["peer"] = "\(LogEscaping.escaped(peer.description))" }
        if suppressed > 0 { metadata["suppressed"] = "\(suppressed) similar lines since the previous one" }
        self.logger.warning("\(LogEscaping.escaped(message))", metadata: metadata)
    }
}
