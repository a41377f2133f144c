import ManagerWire
import NIOCore

/// Sits after the ``HandshakeHandler``: asks ``ServerConnections`` to admit the connection once it has
/// authenticated, then tells the ``ServerConnectionHandler`` and leaves the pipeline with the handshake handler.
///
/// The pipeline of a server with a key starts as `ServerConnectionHandler` → `HandshakeHandler` →
/// `AdmissionHandler`: the connection handler frames the bytes and passes the handshake's frames on. On
/// admission this handler sends ``ConnectionAdmitted`` outbound (the connection handler then treats the frames
/// after the handshake's last one as requests, even those of the same read) and removes the handshake handler
/// and itself, so an admitted connection's pipeline is the connection handler alone.
///
/// A handshake failure is logged here (rate-limited, with the client's text escaped) and goes no further.
final class AdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let connections: ServerConnections
    private let connectionID: ConnectionID

    /// A handler admitting the connection `connectionID` through `connections`.
    init(connections: ServerConnections, connectionID: ConnectionID) {
        self.connections = connections
        self.connectionID = connectionID
    }

    /// Admits the connection when its handshake completes, or closes it when it is refused.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is HandshakeCompleted else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard self.connections.authenticated(self.connectionID) else {
            context.close(promise: nil)
            return
        }
        context.triggerUserOutboundEvent(ConnectionAdmitted(), promise: nil)
        let pipeline = context.pipeline.syncOperations
        if let handshake = try? pipeline.context(handlerType: HandshakeHandler.self) {
            pipeline.removeHandler(context: handshake, promise: nil)
        }
        pipeline.removeHandler(context: context, promise: nil)
    }

    /// Drops frames: none reaches this handler once the connection is admitted, and before that they belong to
    /// the handshake.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    /// Logs an unauthenticated connection's error (the ``HandshakeHandler`` closes the connection).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.connections.handshakeFailed(error, peer: context.channel.remoteAddress)
    }
}
