public import NIOCore
public import NIOPosix
import Pickle

/// A client connection to a manager: a CPython `SyncManager`/`BaseManager` server or one of ours.
///
/// The connection is authenticated with the manager's authkey (if one is given), then carries requests and
/// replies. It is safe to use from many tasks at once: requests are written in the order ``call(_:)`` reaches the
/// connection and may be pipelined; the manager answers them in order and each reply goes to its caller.
///
/// ```swift
/// let connection = try await ManagerConnection.connect(to: .unix(path: "/tmp/manager.sock"), authKey: key)
/// let reply = try await connection.call(Request(objectID: nil, method: "dummy"))
/// await connection.close()
/// ```
///
/// A connection is either one-shot (CPython's server answers one request of a server function such as `create`
/// and closes it) or, after `accept_connection`, a method channel that serves any number of method calls.
public final class ManagerConnection: Sendable {
    /// The manager's address.
    public let address: ManagerAddress
    private let channel: any Channel
    private let writer: PickleWriter
    private let reader: PickleReader
    private let requests: OutgoingRequests<RequestReplyHandler.Waiter>
    private let handler: NIOLoopBound<RequestReplyHandler>
    /// An executor that runs tasks on this connection's event loop.
    ///
    /// Calls made from a task that prefers it (`withTaskExecutorPreference(connection.taskExecutor) { ... }`)
    /// write, wait and resume on the loop, with no hand-over between threads: about one wake-up per call instead
    /// of three. Requests from many such tasks still leave in bursts, one `write` per loop tick.
    public let taskExecutor: EventLoopTaskExecutor

    init(
        address: ManagerAddress,
        channel: any Channel,
        requests: OutgoingRequests<RequestReplyHandler.Waiter>,
        handler: NIOLoopBound<RequestReplyHandler>
    ) {
        self.address = address
        self.channel = channel
        self.writer = PickleWriter(protocolVersion: 4)
        self.reader = PickleReader()
        self.requests = requests
        self.handler = handler
        self.taskExecutor = EventLoopTaskExecutor(eventLoop: channel.eventLoop)
    }

    /// Connects to a manager and, when `authKey` is given, completes the handshake.
    ///
    /// - Parameters:
    ///   - address: Where the manager listens.
    ///   - authKey: The manager's authkey, or `nil` for a manager that does not authenticate.
    ///   - eventLoopGroup: The event loops to run the connection on.
    ///   - connectTimeout: How long the socket connection may take; the handshake has its own 10-second limit.
    /// - Returns: The connected connection.
    /// - Throws: ``WireError``: ``WireError/Code-swift.struct/connectFailed`` if the socket cannot connect,
    ///   ``WireError/Code-swift.struct/authenticationFailed`` if the authkeys differ, or another handshake error.
    public static func connect(
        to address: ManagerAddress,
        authKey: AuthKey?,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(10)
    ) async throws -> ManagerConnection {
        let loop = eventLoopGroup.next()
        let handshake = authKey.map { _ in loop.makePromise(of: Void.self) }
        let requests = OutgoingRequests<RequestReplyHandler.Waiter>()
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    let handshakeFrames = authKey == nil ? 0 : FrameDecoder.handshakeFrameCount
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(handshakeFrames: handshakeFrames)))
                    try sync.addHandler(FrameEncoder(), name: Self.frameEncoderName)
                    if let authKey {
                        try sync.addHandler(
                            HandshakeHandler(role: .client, authKey: authKey, completionPromise: handshake)
                        )
                    }
                    try sync.addHandler(RequestReplyHandler(requests: requests))
                }
            }
        if case .tcp = address {
            bootstrap = bootstrap.channelOption(ChannelTuning.noDelay, value: 1)
        }
        let channel: any Channel
        do {
            switch address {
            case .unix(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port):
                channel = try await bootstrap.connect(host: host, port: port).get()
            }
        } catch {
            let failure = WireError(
                code: .connectFailed,
                message: "could not connect to the manager at \(address); check that it is running and that the "
                    + "address is right",
                underlying: error
            )
            handshake?.fail(failure)
            throw failure
        }
        do {
            if let handshake {
                try await handshake.futureResult.get()
            }
            // From here on the request-reply handler frames requests itself, several to a buffer.
            try await channel.pipeline.removeHandler(name: Self.frameEncoderName).get()
            return try await ManagerConnection(address: address, channel: channel, requests: requests)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static let frameEncoderName = "FrameEncoder"

    /// A connection over `channel`, whose pipeline ends in a ``RequestReplyHandler`` that writes `requests`.
    convenience init(
        address: ManagerAddress,
        channel: any Channel,
        requests: OutgoingRequests<RequestReplyHandler.Waiter>
    ) async throws {
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(
                try channel.pipeline.syncOperations.handler(type: RequestReplyHandler.self),
                eventLoop: channel.eventLoop
            )
        }.get()
        self.init(address: address, channel: channel, requests: requests, handler: handler)
    }

    /// Sends a request and waits for its reply.
    ///
    /// Safe to call from many tasks at once; concurrent calls are pipelined on the connection, and the requests of
    /// a burst leave in one system call. The request is pickled (protocol 4) and its reply decoded on the calling
    /// task; the connection's event loop only moves bytes. Cancelling the calling task does not withdraw a request
    /// that was sent: the call still waits for its reply, which keeps later replies matched to their requests.
    ///
    /// - Parameter request: The request.
    /// - Returns: The manager's reply; exceptions raised by the manager arrive as ``Reply/error(_:)``.
    /// - Throws: ``WireError``: ``WireError/Code-swift.struct/connectionClosed`` if the connection closes before
    ///   the reply arrives, ``WireError/Code-swift.struct/malformedMessage`` if the request cannot be pickled or the
    ///   reply cannot be read (the connection stays usable: the frame boundaries are intact).
    public func call(_ request: Request) async throws -> Reply {
        let payload: [UInt8]
        do {
            payload = try self.writer.write(request.value)
        } catch {
            throw WireError.malformedMessage("the request '\(request.method)' cannot be pickled", underlying: error)
        }
        let frame = try await withUnsafeThrowingContinuation { waiter in
            switch self.requests.enqueue(payload, waiter: waiter) {
            case .scheduleDrain:
                let handler = self.handler
                self.channel.eventLoop.execute { handler.value.writeQueuedRequests() }
            case .none:
                break
            case .fail(let error):
                waiter.resume(throwing: error)
            }
        }
        let value: PythonValue
        do {
            value = try frame.withUnsafeReadableBytes { bytes in try self.reader.read(bytes) }
        } catch {
            throw WireError.malformedMessage("the manager's reply is not a pickle this package can read", underlying: error)
        }
        return try Reply(value)
    }

    /// Closes the connection; outstanding calls fail with ``WireError/Code-swift.struct/connectionClosed``.
    public func close() async {
        try? await self.channel.close()
    }

    /// Whether the connection is open.
    public var isActive: Bool {
        self.channel.isActive
    }
}
