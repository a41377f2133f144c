import NIOCore
import Synchronization

/// The server's open connections: admission under the connection limit, and closing them all at shutdown.
final class ServerConnections: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(State())
    private let nextNumber = Atomic<UInt64>(1)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Admits `channel` unless the server is at its limit or shutting down; admitted channels leave the set when
    /// they close.
    func admit(_ channel: any Channel) -> ConnectionID? {
        let admitted = self.state.withLock { state -> Bool in
            guard !state.shuttingDown, state.open.count < self.limit else { return false }
            state.open[ObjectIdentifier(channel)] = channel
            return true
        }
        guard admitted else { return nil }
        channel.closeFuture.whenComplete { _ in
            _ = self.state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        return ConnectionID(rawValue: self.nextNumber.wrappingAdd(1, ordering: .relaxed).oldValue)
    }

    /// Stops admitting and returns the open channels, or `nil` if shutdown had already begun.
    func beginShutdown() -> [any Channel]? {
        self.state.withLock { state in
            guard !state.shuttingDown else { return nil }
            state.shuttingDown = true
            return Array(state.open.values)
        }
    }

    /// The number of open connections.
    var count: Int { self.state.withLock { $0.open.count } }
}
