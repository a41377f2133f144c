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
    private var readingPaused = false
    private var pendingRead = false

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
        let connectionID = self.connectionID
        let process = self.peerProcess
        self.onStore { store in store.connectionOpened(connectionID, process: process) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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
            let loop = self.context!.eventLoop
            self.onStore { store in
                let reply = store.perform(
                    function: request.method,
                    arguments: request.arguments,
                    keywords: request.keywords,
                    connection: connectionID,
                    chargeReferences: charged
                )
                let addresses = store.addresses
                self.replyOnChannel(reply, tokenAddress: addresses.first ?? .none, loop: loop)
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
            let connectionID = self.connectionID
            let loop = self.context!.eventLoop
            self.onStore { store in
                let address = store.addresses.first ?? .none
                store.call(
                    objectID: objectID,
                    method: request.method,
                    arguments: CallArguments(request.arguments, keywords: request.keywords),
                    connection: connectionID
                ) { reply in
                    self.replyOnChannel(reply, tokenAddress: address, loop: loop)
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
    private func replyOnChannel(_ reply: StoreReply, tokenAddress: PythonValue, loop: any EventLoop) {
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
        var bytes: [UInt8]
        do {
            bytes = try self.writer.write(wireReply.value)
        } catch {
            let text = TracebackText.format(.typeError("cannot pickle the result: \(error)"), context: "serve_client")
            bytes = (try? self.writer.write(Reply.unserializable(text).value)) ?? []
        }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let next = self.stateMachine.replySent()
        if case .closeAfterReply = next {
            let channel = context.channel
            context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
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

/// Moves a value between event loops where the code guarantees it is only used on one thread at a time.
///
/// The connection handler hops to the store's loop and back; each side touches the transferred value only on
/// its own loop, in order. `@unchecked Sendable` records that reasoning: the compiler cannot follow the hop.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
