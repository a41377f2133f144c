import Logging
import ManagerWire
import NIOCore
import Pickle

/// Serves one client connection: frames its bytes, decodes requests, runs them in the object store, and writes
/// the replies in order, each as one whole frame.
///
/// The handler is first in the connection's pipeline and owns its bytes: it splits them into frames with a
/// ``FrameDecoder`` and frames its replies itself, so an admitted connection's pipeline is this handler alone
/// and a request costs no hop between handlers. On a server with a key, the ``HandshakeHandler`` and
/// ``AdmissionHandler`` sit behind it until the connection is admitted: the handshake's frames are passed on to
/// them and the handshake's messages written through this handler are framed here; the ``ConnectionAdmitted``
/// event then makes the next frame, even one of the same read, a request.
///
/// Pickle work (decoding requests, encoding replies) runs on this channel's event loop; only the operation
/// itself runs on the store's loop. When both loops are the same (the default), nothing hops.
final class ServerConnectionHandler: ChannelDuplexHandler {
    /// Bytes from the client.
    typealias InboundIn = ByteBuffer
    /// The payloads of handshake frames, for the handshake handler.
    typealias InboundOut = ByteBuffer
    /// Handshake messages to frame.
    typealias OutboundIn = ByteBuffer
    /// Whole frames.
    typealias OutboundOut = ByteBuffer

    private let store: NIOLoopBound<ObjectStore>
    private let connectionID: ConnectionID
    /// Splits the client's bytes into frames, keeping a partial frame until the rest arrives.
    private let frames: NIOSingleStepByteToMessageProcessor<FrameDecoder>
    /// Whether ``frames`` is delivering frames on this stack: the connection closing from inside a request
    /// must not look for an unfinished frame in bytes still being handled.
    private var isProcessingFrames = false
    private let reader: PickleReader
    /// Frames replies into reused buffers, stopping early at the reply size limit.
    private var replies: ServerReplyEncoder
    private let logger: Logger
    /// Everything the connection decides: what it is, what waits, when it reads and how replies are flushed.
    private var stateMachine: ServerConnectionStateMachine
    private var context: ChannelHandlerContext?
    /// This channel's loop, set once the handler is added (read on the store's loop only after a hop from it).
    private var channelLoop: (any EventLoop)?

    private let peerProcess: Int32?

    /// A handler serving the connection `connectionID` from `store`.
    ///
    /// - Parameters:
    ///   - maxMessageSize: The largest request frame accepted, in bytes.
    ///   - authenticating: Whether the connection must first pass the handshake of the handlers behind this one.
    init(
        store: NIOLoopBound<ObjectStore>,
        connectionID: ConnectionID,
        peerProcess: Int32?,
        limits: PickleLimits,
        connectionLimits: ServerConnectionLimits = ServerConnectionLimits(),
        maxMessageSize: Int = FrameDecoder.defaultMaxMessageSize,
        authenticating: Bool = false,
        logger: Logger
    ) {
        self.store = store
        self.peerProcess = peerProcess
        self.connectionID = connectionID
        self.frames = NIOSingleStepByteToMessageProcessor(
            FrameDecoder(
                maxMessageSize: maxMessageSize,
                handshakeFrames: authenticating ? FrameDecoder.handshakeFrameCount : 0
            )
        )
        self.reader = PickleReader(limits: limits)
        self.replies = ServerReplyEncoder(maxReplySize: connectionLimits.maxReplySize)
        self.stateMachine = ServerConnectionStateMachine(limits: connectionLimits, authenticating: authenticating)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.channelLoop = context.eventLoop
        let limits = self.stateMachine.limits
        let marks = ChannelOptions.Types.WriteBufferWaterMark(
            low: limits.writeBufferLowWaterMark, high: limits.writeBufferHighWaterMark
        )
        try? context.channel.syncOptions?.setOption(.writeBufferWaterMark, value: marks)
        let connectionID = self.connectionID
        let process = self.peerProcess
        self.onStore { store in store.connectionOpened(connectionID, process: process) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.stateMachine.route() != .discard else { return }
        self.isProcessingFrames = true
        defer { self.isProcessingFrames = false }
        do {
            try self.frames.process(buffer: Self.unwrapInboundIn(data)) { frame in
                self.frameArrived(frame, context: context)
            }
        } catch {
            self.streamFailed(error, context: context)
        }
    }

    private func frameArrived(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        switch self.stateMachine.route() {
        case .request:
            self.requestArrived(frame)
        case .handshake:
            context.fireChannelRead(Self.wrapInboundOut(frame))
        case .discard:
            break
        }
    }

    private func requestArrived(_ payload: ByteBuffer) {
        let incoming: ServerConnectionStateMachine.Incoming
        do {
            let value = try payload.withUnsafeReadableBytes { try self.reader.read($0) }
            incoming = .request(try Request(value))
        } catch {
            self.logger.notice(
                "undecodable request",
                metadata: ["peer": "\(self.connectionID)", "error": "\(LogEscaping.escaped("\(error)"))"]
            )
            incoming = .undecodable(reason: "\(error)")
        }
        self.handle(self.stateMachine.requestReceived(incoming, bytes: payload.readableBytes))
    }

    /// The client's bytes are not a frame stream (a negative length, a frame over the limit): a handshake fails
    /// with the error, an admitted connection is closed.
    private func streamFailed(_ error: any Error, context: ChannelHandlerContext) {
        switch self.stateMachine.streamFailed() {
        case .failHandshake:
            context.fireErrorCaught(error)
        case .close:
            self.logClosing(after: error)
            context.close(promise: nil)
        case .none:
            break
        }
    }

    private func logClosing(after error: any Error) {
        self.logger.notice(
            "closing connection after an error",
            metadata: ["peer": "\(self.connectionID)", "error": "\(LogEscaping.escaped("\(error)"))"]
        )
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.stateMachine.readComplete() {
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.handle(self.stateMachine.writabilityChanged(isWritable: context.channel.isWritable))
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if self.stateMachine.route() == .request, !self.isProcessingFrames {
            // A client that vanished inside a frame lost that message: say so (the handshake reports its own).
            do {
                try self.frames.finishProcessing(seenEOF: true) { _ in }
            } catch {
                self.logClosing(after: error)
            }
        }
        self.stateMachine.closed()
        let connectionID = self.connectionID
        self.onStore { store in store.connectionClosed(connectionID) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard self.stateMachine.route() != .handshake else {
            // The handshake fails with it and closes the connection; the admission handler logs it.
            context.fireErrorCaught(error)
            return
        }
        self.logClosing(after: error)
        context.close(promise: nil)
    }

    /// Frames a message of the handshake (the handlers behind this one write payloads).
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = Self.unwrapOutboundIn(data)
        var frame = context.channel.allocator.buffer(capacity: payload.readableBytes + 12)
        FrameEncoder.writeFrame(payload: payload, into: &frame)
        context.write(Self.wrapOutboundOut(frame), promise: promise)
    }

    /// Learns that the connection was admitted (``ConnectionAdmitted``); passes other events on.
    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ConnectionAdmitted else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        self.stateMachine.admitted()
        promise?.succeed()
    }

    func read(context: ChannelHandlerContext) {
        self.handle(self.stateMachine.readRequested())
    }

    /// Carries out `action` and whatever the machine asks for next, in a loop: a dispatched request whose reply is
    /// sent at once asks for the next one from inside the dispatch, and the machine defers it to here.
    private func handle(_ action: ServerConnectionStateMachine.Action) {
        var action = action
        while true {
            switch action {
            case .none:
                return
            case .read:
                self.context?.read()
                return
            case .performFunction, .performCall, .reject:
                self.stateMachine.dispatchBegan()
                self.dispatch(action)
                action = self.stateMachine.dispatchEnded()
            }
        }
    }

    /// Runs one request (or rejects one frame) whose reply comes through ``send(_:tokenAddress:)``.
    private func dispatch(_ action: ServerConnectionStateMachine.Action) {
        switch action {
        case .performFunction(let request, let charged):
            let connectionID = self.connectionID
            self.onStore { store in
                let reply = store.perform(
                    function: request.method,
                    arguments: request.arguments,
                    keywords: request.keywords,
                    connection: connectionID,
                    chargeReferences: charged
                )
                let addresses = store.addresses
                self.replyOnChannel(reply, tokenAddress: addresses.first ?? .none)
            }
        case .performCall(let request, let register):
            guard let objectID = request.objectID else {
                self.send(
                    .traceback(
                        for: .keyError(.none),
                        context: "serve_client (a method call needs an object id; server functions go on a fresh connection)"
                    )
                )
                return
            }
            let store = self.store
            if store.eventLoop.inEventLoop {
                // The common case, one loop for everything: no closure, no hop.
                self.performCall(request, objectID: objectID, register: register, in: store.value)
            } else {
                let transfer = UnsafeTransfer((self, request))
                store.eventLoop.execute {
                    let (handler, request) = transfer.value
                    handler.performCall(request, objectID: objectID, register: register, in: store.value)
                }
            }
        case .reject(let reason):
            // CPython answers an undecodable request with a traceback and keeps the channel open.
            self.send(.traceback(for: .valueError("could not decode the request: \(reason)"), context: "recv"))
        case .read, .none:
            break
        }
    }

    /// Runs a method call in the store; the reply comes back through ``receive(_:from:)``. On the store's loop.
    private func performCall(_ request: Request, objectID: String, register: Bool, in store: ObjectStore) {
        if register {
            store.registerMethodChannel(self.connectionID)
        }
        store.call(
            objectID: objectID,
            method: request.method,
            arguments: CallArguments(request.arguments, keywords: request.keywords),
            connection: self.connectionID,
            receiver: self
        )
    }

    /// Runs `body` on the store's loop: inline when this channel shares it, else by hopping.
    private func onStore(_ body: @escaping (ObjectStore) -> Void) {
        let store = self.store
        if store.eventLoop.inEventLoop {
            body(store.value)
        } else {
            let sendableBody = UnsafeTransfer(body)
            store.eventLoop.execute { sendableBody.value(store.value) }
        }
    }

    /// Delivers a store reply on this channel's loop.
    private func replyOnChannel(_ reply: StoreReply, tokenAddress: PythonValue) {
        guard let loop = self.channelLoop else { return }
        if loop.inEventLoop {
            self.send(reply, tokenAddress: tokenAddress)
        } else {
            let transfer = UnsafeTransfer((self, reply, tokenAddress))
            loop.execute {
                let (handler, reply, address) = transfer.value
                handler.send(reply, tokenAddress: address)
            }
        }
    }

    private func send(_ reply: StoreReply, tokenAddress: PythonValue = .none) {
        // A closed connection's machine drops the reply: no need to ask the channel.
        guard let context = self.context else { return }
        let write = self.stateMachine.replyReady()
        guard write != .drop else { return }
        let buffer = self.replies.frame(for: reply, tokenAddress: tokenAddress)
        switch write {
        case .write:
            context.write(self.wrapOutboundOut(buffer), promise: nil)
        case .writeAndFlush:
            context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
        case .writeFlushAndClose:
            let channel = context.channel
            context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        case .drop:
            return
        }
        self.handle(self.stateMachine.nextAction())
    }
}

extension ServerConnectionHandler: StoreReplyReceiver {
    /// Sends the reply to a method call; called on the store's loop.
    func receive(_ reply: StoreReply, from store: ObjectStore) {
        let tokenAddress: PythonValue
        if case .proxy = reply {
            tokenAddress = store.addresses.first ?? .none
        } else {
            tokenAddress = .none
        }
        self.replyOnChannel(reply, tokenAddress: tokenAddress)
    }
}

/// Moves a value between event loops where the code guarantees it is only used on one thread at a time.
///
/// The connection handler hops to the store's loop and back; each side touches the transferred value only on
/// its own loop, in order. `@unchecked Sendable` records that reasoning: the compiler cannot follow the hop.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
