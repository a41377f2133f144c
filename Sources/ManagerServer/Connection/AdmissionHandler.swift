import ManagerWire
import NIOCore

/// Sits after the ``HandshakeHandler``: asks ``ServerConnections`` to admit the connection once it has
/// authenticated, and until then passes nothing on.
///
/// A handshake failure is logged here (rate-limited, with the client's text escaped) and goes no further, so the
/// handlers that serve authenticated clients never see unauthenticated connections' errors or frames.
final class AdmissionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connections: ServerConnections
    private let connectionID: ConnectionID
    private var admitted = false

    /// A handler admitting the connection `connectionID` through `connections`.
    init(connections: ServerConnections, connectionID: ConnectionID) {
        self.connections = connections
        self.connectionID = connectionID
    }

    /// Admits the connection when its handshake completes, or closes it when it is refused.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is HandshakeCompleted, !self.admitted else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard self.connections.authenticated(self.connectionID) else {
            context.close(promise: nil)
            return
        }
        self.admitted = true
        context.fireUserInboundEventTriggered(event)
    }

    /// Passes frames on only once the connection is admitted.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.admitted {
            context.fireChannelRead(data)
        }
    }

    /// Logs an unauthenticated connection's error (the ``HandshakeHandler`` closes it); passes an admitted
    /// connection's errors on.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.admitted {
            context.fireErrorCaught(error)
            return
        }
        self.connections.handshakeFailed(error, peer: context.channel.remoteAddress)
    }
}
