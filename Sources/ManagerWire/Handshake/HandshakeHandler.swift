public import NIOCore

/// Runs the manager handshake on a channel, for either role, then gets out of the way.
///
/// Place it after the frame codec: `ByteToMessageHandler(FrameDecoder())`, `FrameEncoder()`,
/// `HandshakeHandler(...)`, then the application's handlers. It reads frame payloads (`ByteBuffer`) and writes
/// payloads for the ``FrameEncoder`` to frame.
///
/// - On success it fires the user event ``HandshakeCompleted``, succeeds `completionPromise` and passes every later
///   frame on unchanged.
/// - On failure (wrong key, protocol error, framing error, the peer closing, or the timeout expiring) it sends
///   `#FAILURE#` where the protocol requires it, fails `completionPromise` and fires the ``WireError`` down the
///   pipeline, then closes the channel.
///
/// The application must not write before the handshake has completed.
public final class HandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    /// Frame payloads.
    public typealias InboundIn = ByteBuffer
    /// Frame payloads after the handshake.
    public typealias InboundOut = ByteBuffer
    /// Handshake payloads to frame.
    public typealias OutboundOut = ByteBuffer

    /// How long a peer may take to complete the handshake by default.
    public static let defaultTimeout = TimeAmount.seconds(10)

    private var stateMachine: HandshakeStateMachine
    private let timeout: TimeAmount
    private let completionPromise: EventLoopPromise<Void>?
    private var timeoutTask: Scheduled<Void>?
    private var started = false

    /// A handshake handler.
    ///
    /// - Parameters:
    ///   - role: Which side of the handshake to play.
    ///   - authKey: The shared secret.
    ///   - challengeStyle: The form of the challenge this side delivers; the default is CPython 3.12's.
    ///   - timeout: How long the peer may take to complete the handshake.
    ///   - completionPromise: Succeeded when the handshake succeeds, failed with a ``WireError`` when it fails.
    public convenience init(
        role: HandshakeStateMachine.Role,
        authKey: AuthKey,
        challengeStyle: HandshakeStateMachine.ChallengeStyle = .default,
        timeout: TimeAmount = HandshakeHandler.defaultTimeout,
        completionPromise: EventLoopPromise<Void>? = nil
    ) {
        self.init(
            stateMachine: HandshakeStateMachine(
                role: role,
                authKey: authKey,
                challenge: challengeStyle.makeChallenge()
            ),
            timeout: timeout,
            completionPromise: completionPromise
        )
    }

    /// A handshake handler driving a given state machine (tests use it to fix the challenge).
    ///
    /// - Parameters:
    ///   - stateMachine: A machine that has not started.
    ///   - timeout: How long the peer may take to complete the handshake.
    ///   - completionPromise: Succeeded when the handshake succeeds, failed with a ``WireError`` when it fails.
    public init(
        stateMachine: HandshakeStateMachine,
        timeout: TimeAmount = HandshakeHandler.defaultTimeout,
        completionPromise: EventLoopPromise<Void>? = nil
    ) {
        self.stateMachine = stateMachine
        self.timeout = timeout
        self.completionPromise = completionPromise
    }

    /// Starts the handshake if the channel is already active.
    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.start(context: context)
        }
    }

    /// Cancels the timeout and fails a pending completion promise.
    public func handlerRemoved(context: ChannelHandlerContext) {
        self.timeoutTask?.cancel()
        self.timeoutTask = nil
        if !self.stateMachine.isFinished {
            self.completionPromise?.fail(
                WireError(code: .protocolViolation, message: "the handshake handler was removed before it finished")
            )
        }
    }

    /// Starts the handshake.
    public func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    /// Fails the handshake if it was still running.
    public func channelInactive(context: ChannelHandlerContext) {
        let action = self.stateMachine.channelClosed()
        self.run(action, context: context)
        context.fireChannelInactive()
    }

    /// Feeds a handshake frame to the machine, or passes an application frame on.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.stateMachine.isSucceeded {
            context.fireChannelRead(data)
            return
        }
        let payload = Self.unwrapInboundIn(data)
        let frame = Array(payload.readableBytesView)
        var action = self.stateMachine.frameReceived(frame)
        if case .fail(let error, let finalMessage) = action, self.stateMachine.role == .server {
            action = .fail(Self.quotingPeer(frame, in: error), finalMessage: finalMessage)
        }
        self.run(action, context: context)
    }

    /// How many bytes of the peer's offending frame a server's failure message quotes.
    public static let quotedFrameLength = 48

    /// `error` with the start of the frame that failed the handshake, so a log shows what connected (an HTTP
    /// client, a port scanner, a client speaking another protocol).
    ///
    /// The quoted text is the peer's, unescaped: whoever logs or prints the message must escape control
    /// characters in it.
    private static func quotingPeer(_ frame: [UInt8], in error: WireError) -> WireError {
        let text = String(decoding: frame.prefix(Self.quotedFrameLength), as: UTF8.self)
        let more = frame.count > Self.quotedFrameLength ? "..." : ""
        return WireError(
            code: error.code,
            message: "\(error.message); the peer sent \"\(text)\"\(more) (\(frame.count) bytes)",
            underlying: error.underlying
        )
    }

    /// Fails the handshake on an error (a framing error) while it runs; passes errors on afterwards.
    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.stateMachine.isFinished {
            context.fireErrorCaught(error)
            return
        }
        let wireError =
            (error as? WireError)
            ?? WireError(
                code: .protocolViolation,
                message: "the connection failed during the authentication handshake",
                underlying: error
            )
        self.run(self.stateMachine.errorCaught(wireError), context: context)
    }

    private func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: self.timeout) {
            let action = self.stateMachine.timedOut()
            self.run(action, context: loopBoundContext.value)
        }
        self.run(self.stateMachine.start(), context: context)
    }

    private func run(_ action: HandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .wait:
            break
        case .send(let bytes):
            context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        case .sendAndSucceed(let bytes):
            context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            self.succeed(context: context)
        case .succeed:
            self.succeed(context: context)
        case .fail(let error, let finalMessage):
            self.timeoutTask?.cancel()
            self.timeoutTask = nil
            self.completionPromise?.fail(error)
            // The verdict goes out before the error travels on: a later handler may close the channel on it.
            if let finalMessage {
                let buffer = context.channel.allocator.buffer(bytes: finalMessage)
                let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(Self.wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
                    loopBoundContext.value.close(promise: nil)
                }
                context.fireErrorCaught(error)
            } else {
                context.fireErrorCaught(error)
                context.close(promise: nil)
            }
        }
    }

    private func succeed(context: ChannelHandlerContext) {
        self.timeoutTask?.cancel()
        self.timeoutTask = nil
        context.fireUserInboundEventTriggered(HandshakeCompleted(role: self.stateMachine.role))
        self.completionPromise?.succeed()
    }
}

@available(*, unavailable)
extension HandshakeHandler: Sendable {}
