public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Socket options for manager connections.
///
/// Manager traffic is many small request/reply frames; Nagle's algorithm and delayed ACKs add up to tens of
/// milliseconds per round trip on TCP. A server calls ``configureAccepted(_:)`` on every accepted channel (in its
/// `childChannelInitializer`), and ``ManagerConnection`` sets the same options on its outgoing TCP sockets.
/// Unix-domain sockets need nothing and are left alone.
public enum ChannelTuning {
    /// `TCP_NODELAY` at the TCP level.
    public static let noDelay = ChannelOptions.Types.SocketOption(level: .tcp, name: .tcp_nodelay)

    #if os(Linux)
    /// `TCP_QUICKACK` at the TCP level (Linux only).
    public static let quickAck = ChannelOptions.Types.SocketOption(
        level: .tcp,
        name: NIOBSDSocket.Option(rawValue: CInt(TCP_QUICKACK))
    )
    #endif

    /// Whether `channel` is a TCP channel (its local address is IPv4 or IPv6).
    public static func isTCP(_ channel: any Channel) -> Bool {
        switch channel.localAddress {
        case .v4, .v6: return true
        case .unixDomainSocket, .none: return false
        }
    }

    /// Tunes an accepted channel for request/reply traffic: sets `TCP_NODELAY`, and on Linux `TCP_QUICKACK`, on
    /// TCP channels; does nothing on Unix-domain channels.
    ///
    /// Linux clears `TCP_QUICKACK` again as the connection's ACK mode changes, so setting it at accept time only
    /// removes the delayed ACKs at the start of a connection; `TCP_NODELAY` is the option that matters and it stays
    /// set. A failure to set `TCP_QUICKACK` is ignored.
    ///
    /// - Parameter channel: An accepted (or connected) channel.
    /// - Returns: A future that succeeds once the options are set, or fails if `TCP_NODELAY` cannot be set.
    @discardableResult
    public static func configureAccepted(_ channel: any Channel) -> EventLoopFuture<Void> {
        guard self.isTCP(channel) else {
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        let noDelay = channel.setOption(self.noDelay, value: 1)
        #if os(Linux)
        return noDelay.flatMap {
            channel.setOption(self.quickAck, value: 1).recover { _ in }
        }
        #else
        return noDelay
        #endif
    }
}
