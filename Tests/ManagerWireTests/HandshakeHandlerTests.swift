import ManagerWire
import NIOCore
import NIOEmbedded
import Testing

@Suite("HandshakeHandler")
struct HandshakeHandlerTests {
    typealias Machine = HandshakeStateMachine
    static let secret = HandshakeStateMachineTests.secret
    static let serverChallenge = HandshakeStateMachineTests.legacyServerChallenge
    static let clientChallenge = HandshakeStateMachineTests.legacyClientChallenge

    /// Records the user events and errors that reach the end of the pipeline.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var events: [HandshakeCompleted] = []
        var errors: [any Error] = []
        var frames: [ByteBuffer] = []

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let completed = event as? HandshakeCompleted { self.events.append(completed) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.errors.append(error)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.frames.append(Self.unwrapInboundIn(data))
        }
    }

    /// A channel with a handshake handler of the given role and a recorder behind it, connected.
    static func makeChannel(
        role: Machine.Role,
        key: AuthKey = secret,
        challenge: [UInt8],
        timeout: TimeAmount = .seconds(10)
    ) throws -> (EmbeddedChannel, Recorder, EventLoopFuture<Void>) {
        let channel = EmbeddedChannel()
        let recorder = Recorder()
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let handler = HandshakeHandler(
            stateMachine: Machine(role: role, authKey: key, challenge: challenge),
            timeout: timeout,
            completionPromise: promise
        )
        try channel.pipeline.syncOperations.addHandlers([handler, recorder])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, recorder, promise.futureResult)
    }

    static func readOutbound(_ channel: EmbeddedChannel) throws -> [UInt8]? {
        try channel.readOutbound(as: ByteBuffer.self).map { Array($0.readableBytesView) }
    }

    @Test("server role: challenges on connect, completes on #WELCOME#, then passes frames through")
    func serverSucceeds() throws {
        let (channel, recorder, completion) = try Self.makeChannel(role: .server, challenge: Self.serverChallenge)
        #expect(try Self.readOutbound(channel) == Machine.challengeMarker + Self.serverChallenge)
        try channel.writeInbound(buffer(HandshakeStateMachineTests.legacyClientResponse))
        #expect(try Self.readOutbound(channel) == Machine.welcome)
        try channel.writeInbound(buffer(Machine.challengeMarker + Self.clientChallenge))
        #expect(try Self.readOutbound(channel) == HandshakeStateMachineTests.legacyServerResponse)
        #expect(recorder.events.isEmpty)
        try channel.writeInbound(buffer(Machine.welcome))
        #expect(recorder.events == [HandshakeCompleted(role: .server)])
        try completion.wait()
        try channel.writeInbound(buffer([1, 2, 3]))
        #expect(recorder.frames == [buffer([1, 2, 3])])
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("server role: a wrong response gets #FAILURE# and the channel is closed")
    func serverRejectsWrongKey() throws {
        let (channel, recorder, completion) = try Self.makeChannel(role: .server, challenge: Self.serverChallenge)
        _ = try Self.readOutbound(channel)
        let wrong = Digest.md5.mac(key: Array("WRONG".utf8), message: Self.serverChallenge)
        try channel.writeInbound(buffer(wrong))
        #expect(try Self.readOutbound(channel) == Machine.failure)
        #expect(!channel.isActive)
        #expect(recorder.events.isEmpty)
        #expect((recorder.errors.first as? WireError)?.code == .authenticationFailed)
        #expect(throws: WireError.self) { try completion.wait() }
    }

    @Test("client role: answers, delivers its challenge, verifies and sends #WELCOME#")
    func clientSucceeds() throws {
        let (channel, recorder, completion) = try Self.makeChannel(role: .client, challenge: Self.clientChallenge)
        #expect(try Self.readOutbound(channel) == nil)
        try channel.writeInbound(buffer(Machine.challengeMarker + Self.serverChallenge))
        #expect(try Self.readOutbound(channel) == HandshakeStateMachineTests.legacyClientResponse)
        try channel.writeInbound(buffer(Machine.welcome))
        #expect(try Self.readOutbound(channel) == Machine.challengeMarker + Self.clientChallenge)
        try channel.writeInbound(buffer(HandshakeStateMachineTests.legacyServerResponse))
        #expect(try Self.readOutbound(channel) == Machine.welcome)
        #expect(recorder.events == [HandshakeCompleted(role: .client)])
        try completion.wait()
        _ = try channel.finish()
    }

    @Test("client role: #FAILURE# from the manager fails with 'the manager rejected our authkey'")
    func clientRejected() throws {
        let (channel, _, completion) = try Self.makeChannel(
            role: .client,
            key: AuthKey(utf8: "WRONG"),
            challenge: Self.clientChallenge
        )
        try channel.writeInbound(buffer(Machine.challengeMarker + Self.serverChallenge))
        _ = try Self.readOutbound(channel)
        try channel.writeInbound(buffer(Machine.failure))
        #expect(!channel.isActive)
        #expect {
            try completion.wait()
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .authenticationFailed
                && wire?.message.hasPrefix("the manager rejected our authkey") == true
        }
    }

    @Test("a peer that stalls is dropped when the timeout expires")
    func timesOut() throws {
        let (channel, recorder, completion) = try Self.makeChannel(
            role: .server,
            challenge: Self.serverChallenge,
            timeout: .seconds(5)
        )
        _ = try Self.readOutbound(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect((recorder.errors.first as? WireError)?.code == .handshakeTimeout)
        #expect(throws: WireError.self) { try completion.wait() }
    }

    @Test("the timeout is cancelled once the handshake succeeds")
    func timeoutCancelledOnSuccess() throws {
        let (channel, _, completion) = try Self.makeChannel(
            role: .client,
            challenge: Self.clientChallenge,
            timeout: .seconds(5)
        )
        try channel.writeInbound(buffer(Machine.challengeMarker + Self.serverChallenge))
        try channel.writeInbound(buffer(Machine.welcome))
        try channel.writeInbound(buffer(HandshakeStateMachineTests.legacyServerResponse))
        try completion.wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("a request that arrives in the same read as the final #WELCOME# is passed on after the event")
    func requestInSameReadAsWelcome() throws {
        let channel = EmbeddedChannel()
        let recorder = Recorder()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(FrameDecoder()),
            FrameEncoder(),
            HandshakeHandler(
                stateMachine: Machine(role: .server, authKey: Self.secret, challenge: Self.serverChallenge)
            ),
            recorder,
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(buffer(frame(HandshakeStateMachineTests.legacyClientResponse)))
        try channel.writeInbound(buffer(frame(Machine.challengeMarker + Self.clientChallenge)))
        // The verdict and a 300-byte request (over the handshake cap) in one read.
        let request = [UInt8](repeating: 0x2e, count: 300)
        try channel.writeInbound(buffer(frame(Machine.welcome) + frame(request)))
        #expect(recorder.events == [HandshakeCompleted(role: .server)])
        #expect(recorder.frames == [buffer(request)])
        #expect(recorder.errors.isEmpty)
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("a framing error during the handshake closes the connection")
    func framingErrorCloses() throws {
        let channel = EmbeddedChannel()
        let promise = channel.eventLoop.makePromise(of: Void.self)
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(FrameDecoder()),
            FrameEncoder(),
            HandshakeHandler(role: .server, authKey: Self.secret, completionPromise: promise),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        // A handshake frame announcing 257 bytes.
        _ = try? channel.writeInbound(buffer(hexBytes("00 00 01 01")))
        #expect(!channel.isActive)
        #expect {
            try promise.futureResult.wait()
        } throws: { error in
            (error as? WireError)?.code == .messageTooLarge
        }
    }
}
