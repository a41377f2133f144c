import ManagerWire
import Testing

@Suite("HandshakeStateMachine")
struct HandshakeStateMachineTests {
    static let secret = AuthKey(utf8: "secret")
    static let challenge = HandshakeStateMachine.challengeMarker
    static let welcome = HandshakeStateMachine.welcome
    static let failure = HandshakeStateMachine.failure

    // CPython 3.11 ↔ 3.11, key b'secret' (PROTOCOL.md §2.2).
    static let legacyServerChallenge = hexBytes("94 c9 c4 a2 cd 25 ac 8a 31 23 fd 11 12 51 ea 35 d5 58 a6 f8")
    static let legacyClientResponse = hexBytes("ba 09 8d d2 e4 7b f0 3d f6 f0 1e 02 64 45 7b dd")
    static let legacyClientChallenge = hexBytes("c6 9f b0 29 fa 2e cf 3e cc 02 a1 78 9c 4f 46 ba c7 fb 1a 59")
    static let legacyServerResponse = hexBytes("20 c6 07 7d fe 94 90 d7 6d 85 43 a5 e2 0a a8 5e")

    // CPython 3.12 ↔ 3.12, key b'secret' (PROTOCOL.md §2.3).
    static let modernChallenge =
        Array("{sha256}".utf8)
        + hexBytes(
            """
            b5 f2 95 ea 6c 46 93 dc cd 6f bd 91 fa 39 11 b8 72 49 a6 1e 53 2a 23 73 ed f7 82 f8 a6 04 a8 46 72 30 a8 56
            35 eb 21 74
            """
        )
    static let modernResponse =
        Array("{sha256}".utf8)
        + hexBytes(
            """
            d3 59 31 2d 6f ce e6 69 65 c4 3f f3 98 18 0b ca 53 e7 1d 22 3a 2b f6 a2 c9 99 7b 9e 56 40 9d 66
            """
        )

    @Test("server role reproduces the captured CPython 3.11 exchange byte for byte")
    func serverLegacyCapture() {
        var machine = HandshakeStateMachine(
            role: .server,
            authKey: Self.secret,
            challenge: Self.legacyServerChallenge
        )
        #expect(machine.start().sent == Self.challenge + Self.legacyServerChallenge)
        #expect(machine.frameReceived(Self.legacyClientResponse).sent == Self.welcome)
        #expect(
            machine.frameReceived(Self.challenge + Self.legacyClientChallenge).sent == Self.legacyServerResponse
        )
        #expect(!machine.isSucceeded)
        #expect(machine.frameReceived(Self.welcome).isSucceed)
        #expect(machine.isSucceeded)
    }

    @Test("client role reproduces the captured CPython 3.11 exchange byte for byte")
    func clientLegacyCapture() {
        var machine = HandshakeStateMachine(
            role: .client,
            authKey: Self.secret,
            challenge: Self.legacyClientChallenge
        )
        #expect(machine.start().isWait)
        #expect(machine.frameReceived(Self.challenge + Self.legacyServerChallenge).sent == Self.legacyClientResponse)
        #expect(machine.frameReceived(Self.welcome).sent == Self.challenge + Self.legacyClientChallenge)
        let last = machine.frameReceived(Self.legacyServerResponse)
        guard case .sendAndSucceed(let verdict) = last else {
            Issue.record("expected the client to send its verdict and succeed, got \(last)")
            return
        }
        #expect(verdict == Self.welcome)
        #expect(machine.isSucceeded)
    }

    @Test("answers and verifies the captured CPython 3.12 {sha256} challenge")
    func modernCapture() {
        let answer = HandshakeStateMachine.answer(
            challengeFrame: Self.challenge + Self.modernChallenge,
            key: Self.secret.bytes
        )
        #expect((try? answer.get()) == Self.modernResponse)
        #expect(
            HandshakeStateMachine.verify(
                response: Self.modernResponse,
                challenge: Self.modernChallenge,
                key: Self.secret.bytes
            ) == nil
        )
    }

    @Test("a 3.11 peer's raw MD5 over a 48-byte prefixed challenge is accepted")
    func acceptsLegacyResponseToModernChallenge() {
        let response = Digest.md5.mac(key: Self.secret.bytes, message: Self.modernChallenge)
        #expect(response.count == 16)
        #expect(
            HandshakeStateMachine.verify(response: response, challenge: Self.modernChallenge, key: Self.secret.bytes)
                == nil
        )
    }

    @Test("the server accepts responses in every allowed digest", arguments: Digest.allCases)
    func serverAcceptsEveryDigest(digest: Digest) {
        var machine = HandshakeStateMachine(role: .server, authKey: Self.secret, challenge: Self.modernChallenge)
        _ = machine.start()
        let response = digest.prefix + digest.mac(key: Self.secret.bytes, message: Self.modernChallenge)
        #expect(response.count == digest.prefix.count + digest.macLength)
        #expect(machine.frameReceived(response).sent == Self.welcome)
    }

    @Test("answers a challenge prefixed with any allowed digest in that digest", arguments: Digest.allCases)
    func answersEveryDigest(digest: Digest) throws {
        let message = digest.prefix + Array(repeating: 0x5a, count: 40)
        let answer = try HandshakeStateMachine.answer(challengeFrame: Self.challenge + message, key: [1, 2, 3]).get()
        #expect(answer == digest.prefix + digest.mac(key: [1, 2, 3], message: message))
    }

    @Test(
        "a wrong response makes the server send #FAILURE# and fail",
        arguments: [
            Digest.md5.mac(key: Array("WRONG".utf8), message: legacyServerChallenge),
            Array(repeating: 0, count: 20),
            Array("{sha1}".utf8) + Array(repeating: 0, count: 20),
            Array("{sha256}".utf8) + Array(repeating: 0, count: 31),
            [],
        ]
    )
    func serverRejectsWrongResponse(response: [UInt8]) {
        var machine = HandshakeStateMachine(
            role: .server,
            authKey: Self.secret,
            challenge: Self.legacyServerChallenge
        )
        _ = machine.start()
        let action = machine.frameReceived(response)
        guard case .fail(let error, let finalMessage) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(finalMessage == Self.failure)
        #expect(machine.isFinished && !machine.isSucceeded)
        #expect(machine.frameReceived(Self.welcome).isWait)
    }

    @Test("a client whose key the manager rejects fails with a clear authenticationFailed error")
    func clientRejected() {
        var machine = HandshakeStateMachine(
            role: .client,
            authKey: AuthKey(utf8: "WRONG"),
            challenge: Self.modernChallenge
        )
        _ = machine.start()
        _ = machine.frameReceived(Self.challenge + Self.legacyServerChallenge)
        let action = machine.frameReceived(Self.failure)
        guard case .fail(let error, let finalMessage) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.message.hasPrefix("the manager rejected our authkey: "))
        #expect(finalMessage == nil)
    }

    @Test("a client sends #FAILURE# when the manager's answer to its challenge is wrong")
    func clientRejectsWrongAnswer() {
        var machine = HandshakeStateMachine(role: .client, authKey: Self.secret, challenge: Self.modernChallenge)
        _ = machine.start()
        _ = machine.frameReceived(Self.challenge + Self.legacyServerChallenge)
        _ = machine.frameReceived(Self.welcome)
        let action = machine.frameReceived(Digest.md5.mac(key: Array("WRONG".utf8), message: Self.modernChallenge))
        guard case .fail(let error, let finalMessage) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(finalMessage == Self.failure)
    }

    @Test(
        "invalid challenges are protocol violations",
        arguments: [
            Array("#CHALLENGX#".utf8) + Array(repeating: 0, count: 20),
            challenge + Array(repeating: 0, count: 19),
            challenge + Array(repeating: 0, count: 16),
            challenge + Array("{sha1}".utf8) + Array(repeating: 0, count: 40),
            challenge + Array("{sha256".utf8) + Array(repeating: 0, count: 40),
            challenge + Array(repeating: 0x7b, count: 48),
        ]
    )
    func rejectsInvalidChallenges(payload: [UInt8]) {
        var machine = HandshakeStateMachine(role: .client, authKey: Self.secret, challenge: Self.modernChallenge)
        _ = machine.start()
        let action = machine.frameReceived(payload)
        guard case .fail(let error, let finalMessage) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.code == .protocolViolation)
        #expect(finalMessage == nil)
    }

    @Test(
        "a server and a client with the same key agree, in every challenge style",
        arguments: [
            HandshakeStateMachine.ChallengeStyle.default,
            .legacy,
            .prefixed(.sha3_384, randomByteCount: 40),
            .prefixed(.md5, randomByteCount: 21),
        ]
    )
    func machinesAgree(style: HandshakeStateMachine.ChallengeStyle) {
        let key = AuthKey.random()
        var server = HandshakeStateMachine(role: .server, authKey: key, challenge: style.makeChallenge())
        var client = HandshakeStateMachine(role: .client, authKey: key, challenge: style.makeChallenge())
        let outcome = Self.run(server: &server, client: &client)
        #expect(outcome.serverError == nil && outcome.clientError == nil)
        #expect(server.isSucceeded && client.isSucceeded)
    }

    @Test("a server and a client with different keys both fail with authenticationFailed")
    func machinesDisagree() {
        var server = HandshakeStateMachine(
            role: .server,
            authKey: .random(),
            challenge: HandshakeStateMachine.ChallengeStyle.default.makeChallenge()
        )
        var client = HandshakeStateMachine(
            role: .client,
            authKey: .random(),
            challenge: HandshakeStateMachine.ChallengeStyle.default.makeChallenge()
        )
        let outcome = Self.run(server: &server, client: &client)
        #expect(outcome.serverError?.code == .authenticationFailed)
        #expect(outcome.clientError?.code == .authenticationFailed)
        #expect(outcome.clientError?.message.hasPrefix("the manager rejected our authkey") == true)
    }

    @Test("a timeout or a close fails a running handshake and nothing else")
    func timeoutAndClose() {
        var machine = HandshakeStateMachine(role: .server, authKey: Self.secret, challenge: Self.modernChallenge)
        _ = machine.start()
        guard case .fail(let error, nil) = machine.timedOut() else {
            Issue.record("a timeout must fail the handshake")
            return
        }
        #expect(error.code == .handshakeTimeout)
        #expect(machine.channelClosed().isWait)

        var closing = HandshakeStateMachine(role: .client, authKey: Self.secret, challenge: Self.modernChallenge)
        _ = closing.start()
        guard case .fail(let closed, nil) = closing.channelClosed() else {
            Issue.record("a close must fail the handshake")
            return
        }
        #expect(closed.code == .connectionClosed)
    }

    /// Passes frames between two machines until both have finished.
    static func run(
        server: inout HandshakeStateMachine,
        client: inout HandshakeStateMachine
    ) -> (serverError: WireError?, clientError: WireError?) {
        var toClient: [[UInt8]] = []
        var toServer: [[UInt8]] = []
        var serverError: WireError?
        var clientError: WireError?
        func apply(_ action: HandshakeStateMachine.Action, outbox: inout [[UInt8]], error: inout WireError?) {
            switch action {
            case .wait, .succeed: break
            case .send(let bytes), .sendAndSucceed(let bytes): outbox.append(bytes)
            case .fail(let failure, let final):
                error = failure
                if let final { outbox.append(final) }
            }
        }
        apply(server.start(), outbox: &toClient, error: &serverError)
        apply(client.start(), outbox: &toServer, error: &clientError)
        var steps = 0
        while (!toClient.isEmpty || !toServer.isEmpty) && steps < 20 {
            steps += 1
            if !toClient.isEmpty {
                apply(client.frameReceived(toClient.removeFirst()), outbox: &toServer, error: &clientError)
            }
            if !toServer.isEmpty {
                apply(server.frameReceived(toServer.removeFirst()), outbox: &toClient, error: &serverError)
            }
        }
        return (serverError, clientError)
    }
}

extension HandshakeStateMachine.Action {
    var sent: [UInt8]? {
        if case .send(let bytes) = self { return bytes }
        return nil
    }

    var isWait: Bool {
        if case .wait = self { return true }
        return false
    }

    var isSucceed: Bool {
        if case .succeed = self { return true }
        return false
    }
}
