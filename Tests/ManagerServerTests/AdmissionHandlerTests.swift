import Logging
import ManagerWire
import NIOCore
import NIOEmbedded
import Testing

@testable import ManagerServer

/// The handler passes nothing on before the handshake completes, then asks ``ServerConnections`` to admit.
@Suite("Admission handler")
struct AdmissionHandlerTests {
    private static func connections(pending: Int, connections: Int) -> ServerConnections {
        ServerConnections(
            limits: .init(maxPendingHandshakes: pending, maxConnections: connections), logger: Logger(label: "test")
        )
    }

    private static func connectedChannel(
        _ connections: ServerConnections
    ) throws -> (EmbeddedChannel, ConnectionID) {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let id = try #require(connections.accepted(channel, needsHandshake: true))
        try channel.pipeline.syncOperations.addHandler(AdmissionHandler(connections: connections, connectionID: id))
        return (channel, id)
    }

    @Test("frames are dropped until the handshake completes, then passed on")
    func passesFramesAfterAdmission() throws {
        let connections = Self.connections(pending: 4, connections: 1)
        let (channel, _) = try Self.connectedChannel(connections)
        try channel.writeInbound(channel.allocator.buffer(string: "early"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(connections.pendingCount == 1)
        channel.pipeline.fireUserInboundEventTriggered(HandshakeCompleted(role: .server))
        #expect(connections.count == 1)
        #expect(connections.pendingCount == 0)
        try channel.writeInbound(channel.allocator.buffer(string: "request"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == channel.allocator.buffer(string: "request"))
        _ = try channel.finish(acceptAlreadyClosed: true)
        #expect(connections.count == 0)
    }

    @Test("an authenticated connection beyond the connection limit is closed")
    func closesBeyondLimit() throws {
        let connections = Self.connections(pending: 4, connections: 1)
        let (first, _) = try Self.connectedChannel(connections)
        let (second, _) = try Self.connectedChannel(connections)
        first.pipeline.fireUserInboundEventTriggered(HandshakeCompleted(role: .server))
        second.pipeline.fireUserInboundEventTriggered(HandshakeCompleted(role: .server))
        #expect(first.isActive)
        #expect(!second.isActive)
        #expect(connections.count == 1)
        _ = try first.finish(acceptAlreadyClosed: true)
    }

    @Test("the oldest pending connection is closed when a new one arrives beyond the pending cap")
    func evictsOldest() throws {
        let connections = Self.connections(pending: 1, connections: 4)
        let (oldest, _) = try Self.connectedChannel(connections)
        let (newest, _) = try Self.connectedChannel(connections)
        #expect(!oldest.isActive)
        #expect(newest.isActive)
        #expect(connections.pendingCount == 1)
        _ = try newest.finish(acceptAlreadyClosed: true)
    }
}
