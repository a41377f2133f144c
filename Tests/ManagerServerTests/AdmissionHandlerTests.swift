import Logging
import ManagerWire
import NIOCore
import NIOEmbedded
import Testing

@testable import ManagerServer

/// Records the outbound user events that pass it.
final class OutboundEventRecorder: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    private(set) var events: [Any] = []

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        self.events.append(event)
        promise?.succeed()
    }
}

/// The handler passes nothing on before the handshake completes, then asks ``ServerConnections`` to admit, tells
/// the connection handler in front of it and leaves the pipeline.
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

    @Test("frames are dropped until the handshake completes; admitted, it sends ConnectionAdmitted and leaves")
    func admitsAndLeaves() throws {
        let connections = Self.connections(pending: 4, connections: 1)
        let (channel, _) = try Self.connectedChannel(connections)
        let recorder = OutboundEventRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder, position: .first)
        try channel.writeInbound(channel.allocator.buffer(string: "early"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(connections.pendingCount == 1)
        #expect(recorder.events.isEmpty)
        channel.pipeline.fireUserInboundEventTriggered(HandshakeCompleted(role: .server))
        #expect(connections.count == 1)
        #expect(connections.pendingCount == 0)
        #expect(recorder.events.count == 1)
        #expect(recorder.events.first is ConnectionAdmitted)
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.context(handlerType: AdmissionHandler.self)
        }
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
