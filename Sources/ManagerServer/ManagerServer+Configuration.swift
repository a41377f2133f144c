import Logging
import ManagerWire
import NIOCore
import Pickle

extension ManagerServer {
    /// How a server listens, authenticates and limits its clients.
    package struct Configuration: Sendable {
        /// Where to listen: Unix socket paths and TCP host/port pairs (port 0 picks a free port).
        package var addresses: [ManagerAddress]
        /// The shared secret clients must prove they hold; `nil` (or a key of zero bytes, which is no key, as in
        /// CPython) disables the handshake, which needs ``allowNoAuthKey``.
        package var authKey: AuthKey?
        /// Whether the server may run without an authkey, on TCP or a Unix socket. Off by default: without a key
        /// anyone who can reach the port, or open the socket file, can read and change every shared object.
        package var allowNoAuthKey: Bool = false
        /// The largest request accepted, in bytes; a larger frame closes the connection before its body is read.
        package var maxMessageSize: Int = 256 << 20
        /// The most authenticated connections served at once; a connection authenticating beyond it is closed and
        /// logged. `nil` (the default) allows what the descriptor limit (`RLIMIT_NOFILE`) leaves room for; a
        /// larger value is lowered to that, with a warning.
        package var maxConnections: Int? = nil
        /// The most connections in their handshake at once, apart from ``maxConnections``; when a new connection
        /// arrives beyond it, the oldest one still authenticating is closed.
        package var maxPendingHandshakes: Int = 64
        /// How long a new connection may take to complete the handshake before it is closed.
        package var handshakeTimeout: TimeAmount = .seconds(10)
        /// How long a connection may stay silent before it is closed; `nil` (CPython's behaviour) never closes it.
        package var idleTimeout: TimeAmount? = nil
        /// Threads for connection I/O and pickling. With one (the default, best on small machines), the object
        /// store shares that thread and no operation hops between threads.
        package var ioThreads: Int = 1
        /// Limits applied when decoding each request's pickle.
        package var pickleLimits = PickleLimits()
        /// Where the server logs.
        package var logger = Logger(label: "swift-multiprocessing.server")

        /// A configuration listening on `addresses` with `authKey`.
        package init(addresses: [ManagerAddress], authKey: AuthKey?) {
            self.addresses = addresses
            self.authKey = authKey
        }

        /// The most bytes one reply's pickle may take; a larger reply is answered with a `MemoryError` saying so,
        /// and the connection keeps working. At most what one frame buffer holds
        /// (``FrameEncoder/maximumPayloadSize``, about 4 GiB); ``ManagerServer/start(configuration:types:)`` refuses
        /// larger values.
        package var maxReplySize: Int = 1 << 30
        /// How many requests may wait behind a parked call on one connection before the server stops reading it.
        package var maxQueuedRequests: Int = 1024
        /// How many bytes of requests may wait behind a parked call on one connection before the server stops
        /// reading it; a single larger request is still served once it is dispatched.
        package var maxQueuedRequestBytes: Int = 4 << 20

        /// The per-connection limits these settings give.
        var connectionLimits: ServerConnectionLimits {
            ServerConnectionLimits(
                maxReplySize: self.maxReplySize,
                maxQueuedRequests: self.maxQueuedRequests,
                maxQueuedRequestBytes: self.maxQueuedRequestBytes
            )
        }
    }
}
