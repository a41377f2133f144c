import Logging
import ManagerWire
import NIOCore
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerServer

/// The connection handler first in the pipeline, owning the bytes: it frames the handshake for the handlers
/// behind it, takes over once the connection is admitted (even in the middle of a read), and finds frames in
/// any split of the byte stream.
@Suite("Server connection pipeline")
struct ServerConnectionPipelineTests {
    static let key = AuthKey(utf8: "pipeline-secret")

    /// A server channel as `ManagerServer` builds it for a server with `key` (or none), serving a fresh store.
    struct Server {
        let channel: EmbeddedChannel
        let store: ObjectStore
        let connections: ServerConnections

        init(key: AuthKey?, maxMessageSize: Int = FrameDecoder.defaultMaxMessageSize) throws {
            let loop = EmbeddedEventLoop()
            self.store = ObjectStore(
                eventLoop: loop, types: HostedType.syncManager, addresses: ["/tmp/pipeline.sock"],
                logger: Logger(label: "test")
            )
            self.connections = ServerConnections(
                limits: .init(maxPendingHandshakes: 4, maxConnections: 4), logger: Logger(label: "test")
            )
            self.channel = EmbeddedChannel(loop: loop)
            try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            let id = try #require(self.connections.accepted(self.channel, needsHandshake: key != nil))
            let sync = self.channel.pipeline.syncOperations
            try sync.addHandler(
                ServerConnectionHandler(
                    store: NIOLoopBound(self.store, eventLoop: loop), connectionID: id, peerProcess: nil,
                    limits: PickleLimits(), maxMessageSize: maxMessageSize, authenticating: key != nil,
                    logger: Logger(label: "test")
                )
            )
            if let key {
                try sync.addHandler(HandshakeHandler(role: .server, authKey: key))
                try sync.addHandler(AdmissionHandler(connections: self.connections, connectionID: id))
            }
        }

        /// Every byte the server wrote so far.
        func written() throws -> ByteBuffer {
            var bytes = ByteBuffer()
            while var chunk = try self.channel.readOutbound(as: ByteBuffer.self) {
                bytes.writeBuffer(&chunk)
            }
            return bytes
        }

        /// The replies in the bytes the server wrote so far (they must be whole frames).
        func replies() throws -> [Reply] {
            var bytes = try self.written()
            var decoder = FrameDecoder(handshakeFrames: 0)
            var replies: [Reply] = []
            while let frame = try decoder.decode(buffer: &bytes) {
                replies.append(try Reply(try PickleReader().read(Array(frame.readableBytesView))))
            }
            #expect(bytes.readableBytes == 0, "the server wrote a partial frame")
            return replies
        }
    }

    /// A CPython-style client's side of the handshake on its own embedded channel.
    struct Client {
        let channel = EmbeddedChannel()
        let completion: EventLoopFuture<Void>

        /// Whether the client's side of the handshake succeeded (never waits).
        var isDone: Bool {
            var done = false
            self.completion.assumeIsolated().whenSuccess { _ in done = true }
            return done
        }

        init(key: AuthKey) throws {
            let promise = self.channel.eventLoop.makePromise(of: Void.self)
            self.completion = promise.futureResult
            try self.channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(FrameDecoder()), FrameEncoder(),
                HandshakeHandler(role: .client, authKey: key, completionPromise: promise),
            ])
            try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2)).wait()
        }
    }

    static var acceptConnection: Request {
        Request(objectID: nil, method: "accept_connection", arguments: ["conn"])
    }

    /// Runs the handshake between `client` and `server`; the client's last handshake message reaches the server
    /// in one read together with `requests`, as CPython's client sends them back to back.
    static func handshake(_ client: Client, _ server: Server, thenInTheSameRead requests: [Request]) throws {
        for _ in 0..<10 {
            let toClient = try server.written()
            if toClient.readableBytes > 0 { try client.channel.writeInbound(toClient) }
            var toServer = ByteBuffer()
            while var chunk = try client.channel.readOutbound(as: ByteBuffer.self) { toServer.writeBuffer(&chunk) }
            let clientIsDone = client.isDone
            if clientIsDone {
                for request in requests {
                    var frame = try WireFrames.frame(request)
                    toServer.writeBuffer(&frame)
                }
            }
            if toServer.readableBytes > 0 { try server.channel.writeInbound(toServer) }
            if clientIsDone { return }
        }
        Issue.record("the handshake did not complete")
    }

    @Test("requests in the read that ends the handshake are served; the admitted pipeline is the handler alone")
    func requestsInTheHandshakesLastRead() throws {
        let server = try Server(key: Self.key)
        let client = try Client(key: Self.key)
        #expect(server.connections.pendingCount == 1)
        let created = server.store.perform(
            function: "create", arguments: ["Queue"], keywords: PythonDict(), connection: ConnectionID(rawValue: 9)
        )
        guard case .returned(.tuple(let fields)) = created, let queue = fields.first?.stringValue else {
            Issue.record("create failed: \(created)")
            return
        }
        try Self.handshake(client, server, thenInTheSameRead: [
            Self.acceptConnection,
            Request(objectID: queue, method: "put", arguments: [5]),
            Request(objectID: queue, method: "qsize"),
        ])
        #expect(server.connections.count == 1 && server.connections.pendingCount == 0)
        server.channel.pipeline.fireChannelReadComplete()
        let replies = try server.replies()
        #expect(replies.count == 3)
        if case .returned(.int(let size)) = replies.last {
            #expect(size == 1)
        } else {
            Issue.record("qsize did not return an int: \(String(describing: replies.last))")
        }
        let sync = server.channel.pipeline.syncOperations
        #expect((try? sync.context(handlerType: HandshakeHandler.self)) == nil)
        #expect((try? sync.context(handlerType: AdmissionHandler.self)) == nil)
        #expect((try? sync.context(handlerType: ServerConnectionHandler.self)) != nil)
        _ = try server.channel.finish(acceptAlreadyClosed: true)
        _ = try client.channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a client with the wrong key is refused and none of its requests is served")
    func wrongKey() throws {
        let server = try Server(key: Self.key)
        let client = try Client(key: AuthKey(utf8: "wrong"))
        for _ in 0..<4 {
            let toClient = try server.written()
            if toClient.readableBytes > 0 { _ = try? client.channel.writeInbound(toClient) }
            var toServer = ByteBuffer()
            while var chunk = try client.channel.readOutbound(as: ByteBuffer.self) { toServer.writeBuffer(&chunk) }
            var request = try WireFrames.frame(Request(objectID: nil, method: "create", arguments: ["dict"]))
            toServer.writeBuffer(&request)
            if server.channel.isActive { _ = try? server.channel.writeInbound(toServer) }
        }
        #expect(!server.channel.isActive)
        #expect(server.connections.count == 0)
        #expect(server.store.numberOfObjects == 0)
        _ = try? server.channel.finish(acceptAlreadyClosed: true)
        _ = try? client.channel.finish(acceptAlreadyClosed: true)
    }

    @Test("frames split at every byte, or several to a read, are all found", arguments: [1, 3, 1000])
    func anySplit(chunkSize: Int) throws {
        let server = try Server(key: nil)
        var stream = try WireFrames.frame(Self.acceptConnection)
        for _ in 0..<5 {
            var frame = try WireFrames.frame(Request(objectID: nil, method: "debug_info"))
            stream.writeBuffer(&frame)
        }
        while stream.readableBytes > 0 {
            let chunk = stream.readSlice(length: min(chunkSize, stream.readableBytes))!
            try server.channel.writeInbound(chunk)
            server.channel.pipeline.fireChannelReadComplete()
        }
        #expect(try server.replies().count == 6)
        #expect(server.channel.isActive)
        _ = try server.channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a frame announcing more than the message size limit closes the admitted connection")
    func oversizedFrame() throws {
        let server = try Server(key: nil, maxMessageSize: 1000)
        try server.channel.writeInbound(try WireFrames.frame(Self.acceptConnection))
        #expect(try server.replies().count == 1)
        var header = ByteBuffer()
        FrameEncoder.writeHeader(payloadLength: 1001, into: &header)
        _ = try? server.channel.writeInbound(header)
        #expect(!server.channel.isActive)
        _ = try? server.channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a handshake frame over CPython's 256-byte limit fails the handshake and closes the connection")
    func oversizedHandshakeFrame() throws {
        let server = try Server(key: Self.key)
        _ = try server.written()
        _ = try? server.channel.writeInbound(ByteBuffer(bytes: [0, 0, 1, 1] + [UInt8](repeating: 0, count: 257)))
        #expect(!server.channel.isActive)
        #expect(server.connections.count == 0)
        _ = try? server.channel.finish(acceptAlreadyClosed: true)
    }
}
