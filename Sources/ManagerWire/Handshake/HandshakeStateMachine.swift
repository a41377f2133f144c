/// The mutual HMAC challenge-response handshake of `multiprocessing.connection`, for either role.
///
/// The machine does no I/O: feed it events (``start()``, ``frameReceived(_:)``, ``channelClosed()``,
/// ``timedOut()``) and carry out the ``Action`` each returns. ``HandshakeHandler`` drives it on a NIO channel.
///
/// The server delivers its challenge first and then answers the client's; the client answers first and then
/// delivers its own. Six frames in all:
///
/// ```
/// server                                 client
///   #CHALLENGE# + M_s            ──►
///                                ◄──     response to M_s
///   #WELCOME# / #FAILURE#        ──►
///                                ◄──     #CHALLENGE# + M_c
///   response to M_c              ──►
///                                ◄──     #WELCOME# / #FAILURE#
/// ```
///
/// Both the legacy form (CPython ≤ 3.11: 20 random bytes, raw 16-byte HMAC-MD5) and the modern form (3.12+:
/// `{sha256}` + 40 random bytes, `{name}`-prefixed HMAC over the whole challenge) are understood in both roles;
/// responses may use any of the five allowed digests.
public struct HandshakeStateMachine: Sendable {
    /// Which side of the connection this machine plays.
    public enum Role: Sendable, Hashable {
        /// The manager: delivers its challenge first.
        case server
        /// The connecting side: answers first.
        case client
    }

    /// What the driver must do after an event.
    public enum Action: Sendable {
        /// Nothing yet: wait for the next frame.
        case wait
        /// Send this payload as one frame and wait for the next frame.
        case send([UInt8])
        /// Send this payload as one frame; the handshake has then succeeded.
        case sendAndSucceed([UInt8])
        /// The handshake has succeeded; later frames are application messages.
        case succeed
        /// The handshake failed: send `finalMessage` as one frame if there is one, then close the connection.
        case fail(WireError, finalMessage: [UInt8]?)
    }

    /// The form of the challenge this side delivers.
    public enum ChallengeStyle: Sendable, Hashable {
        /// `{digest}` followed by `randomByteCount` random bytes (CPython 3.12+: `{sha256}` and 40 bytes).
        /// Peers of every version can answer it.
        case prefixed(Digest, randomByteCount: Int)
        /// 20 random bytes, as CPython 3.11 and earlier send.
        case legacy

        /// The modern default: `{sha256}` and 40 random bytes.
        public static let `default` = ChallengeStyle.prefixed(.sha256, randomByteCount: 40)

        /// A new challenge message `M` in this style, with random bytes from `generator`.
        public func makeChallenge(using generator: inout some RandomNumberGenerator) -> [UInt8] {
            switch self {
            case .legacy:
                return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            case .prefixed(let digest, let count):
                // A prefixed challenge must be longer than 20 bytes, or peers would read it as legacy.
                let randomCount = max(count, 21)
                return digest.prefix + (0..<randomCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            }
        }

        /// A new challenge message `M` in this style from the system's secure random number generator.
        public func makeChallenge() -> [UInt8] {
            var generator = SystemRandomNumberGenerator()
            return self.makeChallenge(using: &generator)
        }
    }

    /// `#CHALLENGE#`.
    public static let challengeMarker: [UInt8] = Array("#CHALLENGE#".utf8)
    /// `#WELCOME#`.
    public static let welcome: [UInt8] = Array("#WELCOME#".utf8)
    /// `#FAILURE#`.
    public static let failure: [UInt8] = Array("#FAILURE#".utf8)

    private enum State: Sendable {
        case initial
        /// We delivered `challenge` and wait for the peer's response.
        case awaitingResponse
        /// We wait for the peer's challenge.
        case awaitingChallenge
        /// We answered the peer's challenge and wait for its verdict.
        case awaitingVerdict
        case succeeded
        case failed
    }

    /// The role of this side.
    public let role: Role
    private let key: [UInt8]
    private let challenge: [UInt8]
    private var state: State

    /// A handshake machine.
    ///
    /// - Parameters:
    ///   - role: Which side this machine plays.
    ///   - authKey: The shared secret.
    ///   - challenge: The challenge message `M` this side delivers (without `#CHALLENGE#`); make one with
    ///     ``ChallengeStyle/makeChallenge()``. Tests inject fixed bytes here.
    public init(role: Role, authKey: AuthKey, challenge: [UInt8]) {
        self.role = role
        self.key = authKey.bytes
        self.challenge = challenge
        self.state = .initial
    }

    /// Whether the handshake has succeeded.
    public var isSucceeded: Bool {
        if case .succeeded = self.state { return true }
        return false
    }

    /// Whether the handshake has finished, successfully or not.
    public var isFinished: Bool {
        switch self.state {
        case .succeeded, .failed: return true
        default: return false
        }
    }

    /// The connection is up: the server sends its challenge, the client waits for the server's.
    public mutating func start() -> Action {
        guard case .initial = self.state else {
            return .wait
        }
        switch self.role {
        case .server:
            self.state = .awaitingResponse
            return .send(Self.challengeMarker + self.challenge)
        case .client:
            self.state = .awaitingChallenge
            return .wait
        }
    }

    /// A frame arrived from the peer.
    public mutating func frameReceived(_ payload: [UInt8]) -> Action {
        switch self.state {
        case .initial:
            return self.failure(
                WireError(code: .protocolViolation, message: "a handshake frame arrived before the handshake started")
            )
        case .awaitingResponse:
            return self.responseReceived(payload)
        case .awaitingChallenge:
            return self.challengeReceived(payload)
        case .awaitingVerdict:
            return self.verdictReceived(payload)
        case .succeeded:
            return self.failure(
                WireError(
                    code: .protocolViolation,
                    message: "a frame was given to the handshake after it completed; pass it to the application"
                )
            )
        case .failed:
            return .wait
        }
    }

    /// The connection closed before the handshake finished.
    public mutating func channelClosed() -> Action {
        switch self.state {
        case .succeeded, .failed:
            return .wait
        default:
            let error = WireError(
                code: .connectionClosed,
                message: "the peer closed the connection during the authentication handshake; it may use a "
                    + "different authkey or not be a multiprocessing manager"
            )
            self.state = .failed
            return .fail(error, finalMessage: nil)
        }
    }

    /// The handshake took too long.
    public mutating func timedOut() -> Action {
        switch self.state {
        case .succeeded, .failed:
            return .wait
        default:
            self.state = .failed
            return .fail(
                WireError(
                    code: .handshakeTimeout,
                    message: "the peer did not complete the authentication handshake in time; check that it is a "
                        + "multiprocessing manager or client and that it is not stalled"
                ),
                finalMessage: nil
            )
        }
    }

    /// Records a failure that came from elsewhere (a framing error) and says how to end the connection.
    public mutating func errorCaught(_ error: WireError) -> Action {
        switch self.state {
        case .succeeded, .failed:
            return .wait
        default:
            return self.failure(error)
        }
    }

    // MARK: - Steps

    private mutating func responseReceived(_ response: [UInt8]) -> Action {
        if let problem = Self.verify(response: response, challenge: self.challenge, key: self.key) {
            let message: String
            switch self.role {
            case .server:
                message = "the client's authkey does not match this manager's (\(problem)); the client was refused"
            case .client:
                message = "the manager's answer to our challenge was wrong (\(problem)); it does not hold our "
                    + "authkey"
            }
            self.state = .failed
            return .fail(WireError(code: .authenticationFailed, message: message), finalMessage: Self.failure)
        }
        switch self.role {
        case .server:
            self.state = .awaitingChallenge
            return .send(Self.welcome)
        case .client:
            self.state = .succeeded
            return .sendAndSucceed(Self.welcome)
        }
    }

    private mutating func challengeReceived(_ payload: [UInt8]) -> Action {
        switch Self.answer(challengeFrame: payload, key: self.key) {
        case .success(let response):
            self.state = .awaitingVerdict
            return .send(response)
        case .failure(let error):
            return self.failure(error)
        }
    }

    private mutating func verdictReceived(_ verdict: [UInt8]) -> Action {
        guard verdict == Self.welcome else {
            let message: String
            switch self.role {
            case .client:
                message = "the manager rejected our authkey: digest sent was rejected; connect with the authkey "
                    + "the manager was started with"
            case .server:
                message = "the client rejected this manager's answer to its challenge (digest sent was rejected); "
                    + "the client uses a different authkey"
            }
            return self.failure(WireError(code: .authenticationFailed, message: message))
        }
        switch self.role {
        case .client:
            self.state = .awaitingResponse
            return .send(Self.challengeMarker + self.challenge)
        case .server:
            self.state = .succeeded
            return .succeed
        }
    }

    private mutating func failure(_ error: WireError) -> Action {
        self.state = .failed
        return .fail(error, finalMessage: nil)
    }
}

extension HandshakeStateMachine {
    /// The response to a challenge frame (`#CHALLENGE#` + M), following CPython's `answer_challenge`.
    ///
    /// A 20-byte M gets the raw 16-byte HMAC-MD5; a `{name}`-prefixed M gets `{name}` + HMAC-name over all of M.
    public static func answer(challengeFrame payload: [UInt8], key: [UInt8]) -> Result<[UInt8], WireError> {
        guard payload.starts(with: Self.challengeMarker) else {
            return .failure(
                WireError(
                    code: .protocolViolation,
                    message: "expected a #CHALLENGE# frame from the peer; it is not a multiprocessing manager or "
                        + "speaks a different protocol"
                )
            )
        }
        let message = Array(payload.dropFirst(Self.challengeMarker.count))
        guard message.count >= 20 else {
            return .failure(
                WireError(
                    code: .protocolViolation,
                    message: "the peer's challenge is too short (\(message.count) bytes, at least 20 are required)"
                )
            )
        }
        if message.count == 20 || message.count == 16 {
            return .success(Digest.md5.mac(key: key, message: message))
        }
        guard let (digest, _) = Digest.parsePrefixed(message[...]) else {
            return .failure(
                WireError(
                    code: .protocolViolation,
                    message: "the peer's challenge has an unsupported length, no digest prefix, or an unsupported "
                        + "digest; supported digests: "
                        + Digest.allCases.map(\.rawValue).joined(separator: ", ")
                )
            )
        }
        return .success(digest.prefix + digest.mac(key: key, message: message))
    }

    /// Checks a response to `challenge` following CPython's `_verify_challenge`.
    ///
    /// - Returns: `nil` if the response is right, else a short description of what is wrong.
    public static func verify(response: [UInt8], challenge: [UInt8], key: [UInt8]) -> String? {
        let digest: Digest
        let mac: ArraySlice<UInt8>
        if response.count == 16 || response.count == 20 {
            digest = .md5
            mac = response[...]
        } else if let (prefixed, rest) = Digest.parsePrefixed(response[...]) {
            digest = prefixed
            mac = rest
        } else {
            return "unsupported response length \(response.count), missing digest prefix, or unsupported digest"
        }
        let expected = digest.mac(key: key, message: challenge)
        guard expected.count == mac.count else {
            return "expected a \(digest.rawValue) MAC of \(expected.count) bytes, got \(mac.count)"
        }
        guard constantTimeEquals(expected, mac) else {
            return "digest received was wrong"
        }
        return nil
    }
}
