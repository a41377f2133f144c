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
    /// The key the server runs with: ``authKey``, or `nil` for no key or a key of zero bytes.
    var effectiveAuthKey: AuthKey? {
        guard let key = self.authKey, !key.bytes.isEmpty else { return nil }
        return key
    }

    /// Checks that the configuration is safe to run.
    ///
    /// - Throws: ``ManagerServerError`` for a listener without an authkey (or with an empty one) unless
    ///   ``allowNoAuthKey`` is set, non-positive limits, or no listener at all.
    func validate() throws {
        guard !self.addresses.isEmpty else {
            throw ManagerServerError("no address to listen on: give a Unix socket path or a TCP host:port")
        }
        if self.effectiveAuthKey == nil, !self.allowNoAuthKey, let address = self.addresses.first {
            let what: String
            switch address {
            case .tcp(let host, let port): what = "TCP \(host):\(port): anyone who can reach the port"
            case .unix(let path): what = "the Unix socket \(path): any process that can open it"
            }
            let empty = self.authKey == nil ? "without an authkey" : "with an empty authkey (an empty key is no key)"
            throw ManagerServerError(
                "refusing to listen on \(what) \(empty) could read and change every shared object. Give a key "
                    + "(--authkey-file or MP_AUTHKEY), or pass --allow-no-authkey if every peer is trusted."
            )
        }
        let maxConnections = self.maxConnections ?? 1
        guard self.maxMessageSize > 0, maxConnections > 0, self.maxPendingHandshakes > 0, self.ioThreads > 0 else {
            throw ManagerServerError(
                "maxMessageSize, maxConnections, maxPendingHandshakes and ioThreads must be positive"
            )
        }
    }

    /// The connection limit in force: ``maxConnections`` lowered to what `descriptors` (the soft `RLIMIT_NOFILE`)
    /// leaves room for, and a warning to log when an explicit limit was lowered.
    func resolvedMaxConnections(descriptors: Int?) -> (limit: Int, warning: String?) {
        let capacity = DescriptorLimit.connectionCapacity(
            descriptors: descriptors, pendingHandshakes: self.maxPendingHandshakes
        )
        guard let requested = self.maxConnections else { return (capacity, nil) }
        guard requested > capacity else { return (requested, nil) }
        let warning =
            "lowering the connection limit from \(requested) to \(capacity): the descriptor limit "
            + "(ulimit -n) is \(descriptors.map(String.init) ?? "unlimited"), and \(self.maxPendingHandshakes) pending "
            + "handshakes and \(DescriptorLimit.reserve) other descriptors need room too; raise ulimit -n to serve more"
        return (capacity, warning)
    }
}
