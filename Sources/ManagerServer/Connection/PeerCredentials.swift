import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The process at the other end of a Unix-domain socket.
enum PeerCredentials {
    /// The peer's process id from `SO_PEERCRED` (Linux), or `nil` for TCP sockets and other platforms.
    ///
    /// Must be called on the channel's event loop, where the option is read synchronously.
    static func process(of channel: any Channel) -> Int32? {
        #if os(Linux)
        guard case .unixDomainSocket = channel.localAddress, let provider = channel as? any SocketOptionProvider else {
            return nil
        }
        let future: EventLoopFuture<Credentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET),
            name: SocketOptionName(Self.peerCredentialsOption)
        )
        var process: Int32?
        future.assumeIsolated().whenSuccess { credentials in process = credentials.pid }
        return process
        #else
        return nil
        #endif
    }

    /// `SO_PEERCRED` on Linux (Glibc hides it without `_GNU_SOURCE`).
    private static let peerCredentialsOption: Int32 = 17

    /// Linux's `struct ucred`, laid out as the kernel writes it.
    private struct Credentials: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }
}
