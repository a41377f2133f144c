public import NIOCore
public import Pickle

/// Where a manager listens: a Unix-domain socket path or a TCP host and port.
///
/// In a ``Token`` (and everywhere Python passes an address) a Unix address is a `str` path and a TCP address is a
/// `(host, port)` tuple.
public enum ManagerAddress: Sendable, Hashable, CustomStringConvertible {
    /// A Unix-domain socket at `path`.
    case unix(path: String)
    /// A TCP socket at `host` and `port`.
    case tcp(host: String, port: Int)

    /// The address a Python value names: a `str` path, or a `(host, port)` tuple or list.
    ///
    /// Returns `nil` for any other value (including Linux abstract socket names given as `bytes`).
    public init?(pythonValue: PythonValue) {
        switch pythonValue.unwrapped {
        case .string(let path):
            self = .unix(path: path)
        case .tuple(let elements), .list(let elements):
            guard elements.count == 2, let host = elements[0].stringValue, let port = elements[1].intValue,
                (0...65535).contains(port)
            else {
                return nil
            }
            self = .tcp(host: host, port: port)
        default:
            return nil
        }
    }

    /// The address as Python writes it into a ``Token``: a `str` path or a `(host, port)` tuple.
    public var pythonValue: PythonValue {
        switch self {
        case .unix(let path): return .string(path)
        case .tcp(let host, let port): return .tuple([.string(host), .int(port)])
        }
    }

    /// An address from text: `/path/sock`, `./sock` or `unix:/path/sock` name a Unix socket; `host:port` and
    /// `[::1]:port` name a TCP socket.
    ///
    /// - Throws: ``WireError`` with ``WireError/Code-swift.struct/invalidAddress`` if the text is neither form.
    public init(parsing text: String) throws(WireError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else {
                throw Self.invalid(text, "the Unix socket path after 'unix:' is empty")
            }
            self = .unix(path: path)
            return
        }
        if text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("../") {
            self = .unix(path: text)
            return
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw Self.invalid(text, "an IPv6 address in brackets is missing its ']'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else {
                throw Self.invalid(text, "expected ':port' after the bracketed IPv6 address")
            }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw Self.invalid(text, "expected a path starting with '/', 'unix:/path', 'host:port' or '[::1]:port'")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else {
                throw Self.invalid(text, "write an IPv6 host in brackets: '[::1]:port'")
            }
        }
        guard !host.isEmpty else {
            throw Self.invalid(text, "the host is empty")
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw Self.invalid(text, "the port must be a number from 0 to 65535")
        }
        self = .tcp(host: String(host), port: port)
    }

    /// The socket address to connect to, resolving a TCP host name.
    ///
    /// - Throws: NIO's errors when the path is too long for a Unix socket or the host cannot be resolved.
    public func socketAddress() throws -> SocketAddress {
        switch self {
        case .unix(let path): return try SocketAddress(unixDomainSocketPath: path)
        case .tcp(let host, let port): return try SocketAddress.makeAddressResolvingHost(host, port: port)
        }
    }

    /// The socket path (`unix:PATH` for a relative path) or `host:port` (`[v6]:port` for IPv6 hosts); ``init(parsing:)`` reads it back.
    public var description: String {
        switch self {
        case .unix(let path): return path.hasPrefix("/") ? path : "unix:\(path)"
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    private static func invalid(_ text: String, _ reason: String) -> WireError {
        WireError(code: .invalidAddress, message: "'\(text)' is not a manager address: \(reason)")
    }
}
