import ManagerWire

/// Why a server could not start.
package struct ManagerServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do about it.
    package var message: String

    /// An error with a message.
    package init(_ message: String) {
        self.message = message
    }

    /// The message.
    package var description: String { self.message }
}

extension ManagerServer.Configuration {
    /// Checks that the configuration is safe to run.
    ///
    /// - Throws: ``ManagerServerError`` for a TCP listener without an authkey (unless explicitly allowed) or no
    ///   listener at all.
    func validate() throws {
        guard !self.addresses.isEmpty else {
            throw ManagerServerError("no address to listen on: give a Unix socket path or a TCP host:port")
        }
        if self.authKey == nil, !self.allowNoAuthKey {
            for case .tcp(let host, let port) in self.addresses {
                throw ManagerServerError(
                    "refusing to listen on TCP \(host):\(port) without an authkey: anyone who can reach the port could "
                        + "read and change every shared object. Give a key (--authkey-hex, --authkey-file or MP_AUTHKEY), "
                        + "or pass --allow-no-authkey if the network is trusted."
                )
            }
        }
        guard self.maxMessageSize > 0, self.maxConnections > 0, self.ioThreads > 0 else {
            throw ManagerServerError("maxMessageSize, maxConnections and ioThreads must be positive")
        }
    }
}
