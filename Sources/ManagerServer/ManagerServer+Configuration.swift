import Logging
import ManagerWire
import NIOCore
import Pickle

extension ManagerServer {
    /// How a server listens, authenticates and limits its clients.
    package struct Configuration: Sendable {
        /// Where to listen: Unix socket paths and TCP host/port pairs (port 0 picks a free port).
        package var addresses: [ManagerAddress]
        /// The shared secret clients must prove they hold; `nil` disables the handshake.
        package var authKey: AuthKey?
        /// Whether a TCP listener may run without an authkey. Off by default: without a key anyone who can reach
        /// the port can read and change every shared object.
        package var allowNoAuthKey: Bool = false
        /// The largest request accepted, in bytes; a larger frame closes the connection before its body is read.
        package var maxMessageSize: Int = 256 << 20
        /// The most connections served at once; further connections are closed at once and logged.
        package var maxConnections: Int = 10_000
        /// How long a new connection may take to complete the handshake.
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
    }
}
