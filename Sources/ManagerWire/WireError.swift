/// A failure of the manager wire protocol on this side of the connection: framing, the handshake, a malformed
/// message, or the connection going away.
///
/// Exceptions raised by a hosted object travel as ``Reply/error(_:)`` values, never as a `WireError`.
/// `WireError` follows the shape of gRPC's `RPCError`: an extensible ``Code``, a message saying what happened
/// and what to do about it, and an optional underlying error.
public struct WireError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure happened. New codes may be added; do not switch over them exhaustively.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        internal enum Wrapped: String, Sendable, Hashable {
            case authenticationFailed
            case connectionClosed
            case messageTooLarge
            case malformedFrame
            case malformedMessage
            case handshakeTimeout
            case protocolViolation
            case invalidAddress
            case invalidAuthKey
            case connectFailed
        }

        internal var wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The HMAC handshake failed: one side's authkey does not match the other's.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The connection closed (or was closed) before the operation could complete.
        public static let connectionClosed = Code(.connectionClosed)
        /// A frame announced a payload larger than the configured limit.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// A frame header is invalid, or the stream ended inside a frame.
        public static let malformedFrame = Code(.malformedFrame)
        /// A payload is not a valid pickle, or not the request, reply or token shape the protocol requires.
        public static let malformedMessage = Code(.malformedMessage)
        /// The peer did not complete the handshake in time.
        public static let handshakeTimeout = Code(.handshakeTimeout)
        /// The peer sent something the protocol does not allow at this point.
        public static let protocolViolation = Code(.protocolViolation)
        /// A manager address could not be parsed or resolved.
        public static let invalidAddress = Code(.invalidAddress)
        /// An authkey could not be parsed.
        public static let invalidAuthKey = Code(.invalidAuthKey)
        /// The socket connection to the manager could not be established.
        public static let connectFailed = Code(.connectFailed)

        /// The code's name, for example `authenticationFailed`.
        public var description: String { self.wrapped.rawValue }
    }

    /// What kind of failure happened.
    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// A wire error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What happened and what to do about it.
    ///   - underlying: The error that caused this one.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`, followed by the underlying error when there is one.
    public var description: String {
        if let underlying = self.underlying {
            return "\(self.code): \(self.message) (caused by: \(underlying))"
        }
        return "\(self.code): \(self.message)"
    }
}

extension WireError {
    /// The connection closed while `operation` was outstanding.
    static func connectionClosed(during operation: String) -> WireError {
        WireError(
            code: .connectionClosed,
            message: "the connection to the manager closed \(operation); reconnect to continue"
        )
    }

    /// A payload that is not the expected message shape.
    static func malformedMessage(_ message: String, underlying: (any Error)? = nil) -> WireError {
        WireError(code: .malformedMessage, message: message, underlying: underlying)
    }
}
