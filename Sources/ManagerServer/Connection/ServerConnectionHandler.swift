import Logging
import ManagerWire
import NIOCore
import Pickle

/// Serves one client connection after its handshake: decodes requests, runs them in the object store, and
/// writes the replies in order.
///
/// Pickle work (decoding requests, encoding replies) runs on this channel's event loop; only the operation
/// itself runs on the store's loop. When both loops are the same (the default), nothing hops.
final class ServerConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let store: NIOLoopBound<ObjectStore>
    private let connectionID: ConnectionID
    private let reader: PickleReader
    private let writer: PickleWriter
    private let logger: Logger
    private var stateMachine = ServerConnectionStateMachine()
    private var context: ChannelHandlerContext?
    /// This channel's loop, set once the handler is added (read on the store's loop only after a hop from it).
    private var channelLoop: (any EventLoop)?
    private var readingPaused = false
    private var pendingRead = false
    /// Whether the store knows this connection as a method channel.
    private var registeredAsMethodChannel = false
    /// Whether the channel is delivering the requests of one read: replies are written then and flushed together
    /// at `channelReadComplete`, so a client that pipelines gets a burst of replies in one system call.
    private var inReadBurst = false
    /// Whether replies were written during the current read burst and await its flush.
    private var flushPending = false
    /// Reused for each reply's pickle, so encoding does not allocate and grow a new array every time.
    private var replyBytes: [UInt8] = []

    /// The largest `replyBytes` capacity kept between replies; a larger one is released after its reply.
    private static let keptReplyCapacity = 1024

    private let peerProcess: Int32?

    init(
        store: NIOLoopBound<ObjectStore>,
        connectionID: ConnectionID,
        peerProcess: Int32?,
        limits: PickleLimits,
        logger: Logger
    ) {
        self.store = store
        self.peerProcess = peerProcess
        self.connectionID = connectionID
        self.reader = PickleReader(limits: limits)
        self.writer = PickleWriter(protocolVersion: 4)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.channelLoop = context.eventLoop
        let connectionID = self.connectionID
        let process = self.peerProcess
        self.onStore { store in store.connectionOpened(connectionID, process: process) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.inReadBurst = true
        let payload = self.unwrapInboundIn(data)
        let incoming: ServerConnectionStateMachine.Incoming
        do {
            let value = try payload.withUnsafeReadableBytes { try self.reader.read($0) }
            incoming = .request(try Request(value))
        } catch {
            self.logger.notice("undecodable request", metadata: ["peer": "\(self.connectionID)", "error": "\(error)"])
            incoming = .undecodable(reason: "\(error)")
        }
        self.handle(self.stateMachine.requestReceived(incoming))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.inReadBurst = false
        if self.flushPending {
            self.flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.stateMachine.closed()
        let connectionID = self.connectionID
        self.onStore { store in store.connectionClosed(connectionID) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.notice("closing connection after an error", metadata: ["peer": "\(self.connectionID)", "error": "\(error)"])
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if self.readingPaused {
            self.pendingRead = true
        } else {
            context.read()
        }
    }

    private func handle(_ action: ServerConnectionStateMachine.Action) {
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
        case .performCall(let request):
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
                self.performCall(request, objectID: objectID, in: store.value)
            } else {
                let transfer = UnsafeTransfer((self, request))
                store.eventLoop.execute {
                    let (handler, request) = transfer.value
                    handler.performCall(request, objectID: objectID, in: store.value)
                }
            }
        case .reject(let reason):
            // CPython answers an undecodable request with a traceback and keeps the channel open.
            self.send(.traceback(for: .valueError("could not decode the request: \(reason)"), context: "recv"))
        case .pauseReading:
            self.readingPaused = true
        case .closeAfterReply, .none:
            break
        }
    }

    /// Runs a method call in the store; the reply comes back through ``receive(_:from:)``. On the store's loop.
    private func performCall(_ request: Request, objectID: String, in store: ObjectStore) {
        if !self.registeredAsMethodChannel {
            self.registeredAsMethodChannel = true
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
        guard let context = self.context, context.channel.isActive else { return }
        let wireReply: Reply
        switch reply {
        case .returned(let value): wireReply = .returned(value)
        case .error(let exception): wireReply = .error(exception.value)
        case .traceback(let text): wireReply = .traceback(text)
        case .unserializable(let text): wireReply = .unserializable(text)
        case .proxy(let exposed, let typeID, let objectID):
            wireReply = .proxy(exposed: exposed, token: Token(typeID: typeID, address: tokenAddress, objectID: objectID))
        }
        let buffer = self.encode(wireReply, allocator: context.channel.allocator)
        let next = self.stateMachine.replySent()
        if case .closeAfterReply = next {
            let channel = context.channel
            context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        if self.inReadBurst {
            // Answered while the read that brought the request is still being handled: flushed with the
            // burst's other replies at `channelReadComplete`.
            context.write(self.wrapOutboundOut(buffer), promise: nil)
            self.flushPending = true
        } else {
            context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
        }
        if self.readingPaused, self.stateMachine.canResumeReading {
            self.readingPaused = false
            if self.pendingRead {
                self.pendingRead = false
                context.read()
            }
        }
        self.handle(next)
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

extension ServerConnectionHandler {
    /// Pickles `reply` into a buffer that already carries its frame header in front, for ``FrameEncoder``.
    private func encode(_ reply: Reply, allocator: ByteBufferAllocator) -> ByteBuffer {
        self.replyBytes.removeAll(keepingCapacity: true)
        do {
            try self.writer.write(reply.value, appendingTo: &self.replyBytes)
        } catch {
            let text = TracebackText.format(.typeError("cannot pickle the result: \(error)"), context: "serve_client")
            self.replyBytes.removeAll(keepingCapacity: true)
            try? self.writer.write(Reply.unserializable(text).value, appendingTo: &self.replyBytes)
        }
        var buffer = FrameEncoder.makePayloadBuffer(allocator: allocator, capacity: self.replyBytes.count)
        buffer.writeBytes(self.replyBytes)
        FrameEncoder.finishPayloadBuffer(&buffer)
        if self.replyBytes.capacity > Self.keptReplyCapacity {
            self.replyBytes = []
        }
        return buffer
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
