import ManagerWire
import NIOCore
import Pickle

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
    ///   ``allowNoAuthKey`` is set, a limit or timeout outside the range the server can honour (the message names
    ///   the setting, its command-line option and the accepted range), or no listener at all.
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
        for limit in self.limitRanges where !limit.range.contains(limit.value) {
            let accepted =
                limit.range.upperBound == .max
                ? "at least \(limit.range.lowerBound)"
                : "between \(limit.range.lowerBound) and \(limit.range.upperBound)"
            throw ManagerServerError("\(limit.name) must be \(accepted), got \(limit.value)")
        }
        let timeouts: [(String, TimeAmount?)] = [
            ("handshakeTimeout (--handshake-timeout)", self.handshakeTimeout),
            ("idleTimeout (--idle-timeout)", self.idleTimeout),
        ]
        for case (let name, let timeout?) in timeouts where timeout.nanoseconds <= 0 {
            throw ManagerServerError("\(name) must be a positive time, got \(timeout.nanoseconds) ns")
        }
    }

    /// The deepest ``PickleLimits/maxDepth`` a server accepts.
    ///
    /// The walks over a value (`==`, hashing, `<`, the pickle writer, and the reader converting a decoded value
    /// that shares parts) recurse once per level and must fit an I/O thread's stack (the system default, 8 MiB on
    /// Linux) at that depth with room for the frames below them. The deepest, the reader's conversion of a shared
    /// value, takes about 6.2 KiB per level in a debug build, so 1100 levels take about 6.7 MiB; the figures are
    /// in ``PickleLimits/maxDepth``.
    static let maxValueDepth = 1100

    /// The most I/O threads a server starts: more only adds contention, and each costs a stack and descriptors.
    static let maxIOThreads = 1024

    /// Every integer limit with the range the server accepts for it, named as the setting and its option.
    private var limitRanges: [(name: String, value: Int, range: ClosedRange<Int>)] {
        let pickle = self.pickleLimits
        return [
            ("maxMessageSize (--max-message-size)", self.maxMessageSize, 1...Int.max),
            ("maxConnections (--max-connections)", self.maxConnections ?? 1, 1...Int.max),
            ("maxPendingHandshakes (--max-pending-handshakes)", self.maxPendingHandshakes, 1...Int.max),
            ("ioThreads (--io-threads)", self.ioThreads, 1...Self.maxIOThreads),
            // A reply is one frame in one buffer.
            ("maxReplySize (--max-reply-size)", self.maxReplySize, 1...FrameEncoder.maximumPayloadSize),
            ("maxQueuedRequests (--max-queued-requests)", self.maxQueuedRequests, 1...Int.max),
            ("maxQueuedRequestBytes (--max-queued-request-bytes)", self.maxQueuedRequestBytes, 1...Int.max),
            ("pickleLimits.maxInputSize", pickle.maxInputSize, 1...Int.max),
            ("pickleLimits.maxDepth", pickle.maxDepth, 1...Self.maxValueDepth),
            ("pickleLimits.maxMemoEntries", pickle.maxMemoEntries, 0...Int.max),
            ("pickleLimits.maxIntegerBytes", pickle.maxIntegerBytes, 1...Int.max),
            ("pickleLimits.maxContainerLength", pickle.maxContainerLength, 0...Int.max),
            ("pickleLimits.maxSharedExpansion", pickle.maxSharedExpansion, 1...Int.max),
        ]
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
