import Logging
import ManagerWire
import NIOCore
import NIOPosix
import Pickle

/// A manager server: hosts shared objects for CPython and Swift clients, speaking CPython's wire protocol.
///
/// ```swift
/// let server = try await ManagerServer.start(
///     configuration: .init(addresses: [.unix(path: "/tmp/manager.sock")], authKey: key)
/// )
/// try await server.waitUntilShutdown()   // until a client sends `shutdown` or `shutdown()` is called
/// ```
///
/// Every listener feeds one ``ObjectStore``; every connection is authenticated with CPython's HMAC handshake,
/// admitted by ``ServerConnections`` (pending handshakes and authenticated connections have separate caps), then
/// served by a ``ServerConnectionHandler``. Unix socket files are created owner-only and removed at shutdown only
/// if they are still the ones this server created (``UnixSocketFile``).
package final class ManagerServer: Sendable {
    /// The addresses the server listens on, with real port numbers for TCP listeners bound to port 0.
    package let boundAddresses: [ManagerAddress]
    /// The configuration the server runs with.
    package let configuration: Configuration

    private let group: MultiThreadedEventLoopGroup
    private let listeners: [any Channel]
    private let store: NIOLoopBound<ObjectStore>
    private let finished: AsyncLatch
    private let connections: ServerConnections
    private let socketFiles: [UnixSocketFile]

    private init(
        configuration: Configuration,
        group: MultiThreadedEventLoopGroup,
        store: NIOLoopBound<ObjectStore>,
        listeners: [any Channel],
        boundAddresses: [ManagerAddress],
        finished: AsyncLatch,
        connections: ServerConnections,
        socketFiles: [UnixSocketFile]
    ) {
        self.configuration = configuration
        self.group = group
        self.store = store
        self.listeners = listeners
        self.boundAddresses = boundAddresses
        self.finished = finished
        self.connections = connections
        self.socketFiles = socketFiles
    }

    /// Binds every configured address and starts serving.
    ///
    /// - Parameters:
    ///   - configuration: Addresses, key and limits.
    ///   - types: The types clients may create; SyncManager's by default.
    /// - Throws: ``ManagerServerError`` when the configuration is unsafe (no key, without
    ///   ``Configuration/allowNoAuthKey``) or an address cannot be bound (another server listens on the Unix socket
    ///   path, or the port is taken).
    package static func start(configuration: Configuration, types: [HostedType]? = nil) async throws -> ManagerServer {
        try configuration.validate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.ioThreads))
        let storeLoop = group.next()
        let finished = AsyncLatch()
        let logger = configuration.logger
        let store = try await storeLoop.submit {
            NIOLoopBound(
                ObjectStore(
                    eventLoop: storeLoop,
                    types: types ?? HostedType.syncManager,
                    addresses: [],
                    logger: logger
                ),
                eventLoop: storeLoop
            )
        }.get()
        let (maxConnections, warning) = configuration.resolvedMaxConnections(descriptors: DescriptorLimit.current())
        if let warning { logger.warning("\(warning)") }
        let connections = ServerConnections(
            limits: .init(maxPendingHandshakes: configuration.maxPendingHandshakes, maxConnections: maxConnections),
            logger: logger
        )
        var listeners: [any Channel] = []
        var bound: [ManagerAddress] = []
        var socketFiles: [UnixSocketFile] = []
        do {
            for address in configuration.addresses {
                let listener = try await Self.bind(
                    address, configuration: configuration, group: group, store: store, connections: connections
                )
                listeners.append(listener.channel)
                bound.append(listener.address)
                if let file = listener.socketFile { socketFiles.append(file) }
            }
        } catch {
            for listener in listeners { try? await listener.close() }
            for file in socketFiles { file.removeIfOurs() }
            try? await group.shutdownGracefully()
            throw error
        }
        let boundValues = bound.map(\.pythonValue)
        let maxDepth = configuration.pickleLimits.maxDepth
        try await storeLoop.submit {
            store.value.addresses = boundValues
            store.value.maxValueDepth = maxDepth
        }.get()
        let server = ManagerServer(
            configuration: configuration, group: group, store: store, listeners: listeners,
            boundAddresses: bound, finished: finished, connections: connections, socketFiles: socketFiles
        )
        try await storeLoop.submit {
            store.value.onShutdownRequest = {
                // Reply first: the shutdown runs after the current operation finishes.
                storeLoop.execute { Task { await server.shutdown() } }
            }
        }.get()
        return server
    }

    /// The listen queue length of every listener: connections the kernel accepts before the server takes them.
    static let backlog: Int32 = 256

    private static func bind(
        _ address: ManagerAddress,
        configuration: Configuration,
        group: MultiThreadedEventLoopGroup,
        store: NIOLoopBound<ObjectStore>,
        connections: ServerConnections
    ) async throws -> (channel: any Channel, address: ManagerAddress, socketFile: UnixSocketFile?) {
        let isTCP: Bool
        if case .tcp = address { isTCP = true } else { isTCP = false }
        let needsHandshake = configuration.effectiveAuthKey != nil
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Self.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptFailureHandler(connections: connections))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let connectionID = connections.accepted(channel, needsHandshake: needsHandshake) else {
                        return
                    }
                    if isTCP {
                        ChannelTuning.configureAccepted(channel)
                        try channel.pipeline.syncOperations.addHandler(QuickAckHandler())
                    }
                    try Self.configurePipeline(
                        channel, configuration: configuration, store: store,
                        connections: connections, connectionID: connectionID
                    )
                }
            }
        switch address {
        case .unix(let path):
            let (descriptor, file) = try UnixSocketFile.bind(path: path)
            do {
                let channel = try await bootstrap.withBoundSocket(descriptor).get()
                do {
                    try await channel.eventLoop.submit {
                        try UnixSocketFile.setBacklog(Self.backlog, descriptor: descriptor, path: path)
                    }.get()
                } catch {
                    try? await channel.close()
                    throw error
                }
                return (channel, address, file)
            } catch let error as ManagerServerError {
                file.removeIfOurs()
                throw error
            } catch {
                file.removeIfOurs()
                throw ManagerServerError("cannot listen on \(path): \(error)")
            }
        case .tcp(let host, let port):
            let channel = try await bootstrap.bind(host: host, port: port).get()
            let realPort = channel.localAddress?.port ?? port
            return (channel, .tcp(host: host, port: realPort), nil)
        }
    }

    private static func configurePipeline(
        _ channel: any Channel,
        configuration: Configuration,
        store: NIOLoopBound<ObjectStore>,
        connections: ServerConnections,
        connectionID: ConnectionID
    ) throws {
        // Admitted, the pipeline is the connection handler alone (behind the idle handlers when configured): it
        // frames the bytes itself, and the handshake's handlers behind it leave once the client is admitted.
        let sync = channel.pipeline.syncOperations
        if let idle = configuration.idleTimeout {
            try sync.addHandler(IdleStateHandler(allTimeout: idle))
            try sync.addHandler(IdleCloseHandler(logger: configuration.logger))
        }
        let key = configuration.effectiveAuthKey
        try sync.addHandler(
            ServerConnectionHandler(
                store: store, connectionID: connectionID, peerProcess: PeerCredentials.process(of: channel),
                limits: configuration.pickleLimits, connectionLimits: configuration.connectionLimits,
                maxMessageSize: configuration.maxMessageSize, authenticating: key != nil,
                logger: configuration.logger
            )
        )
        if let key {
            try sync.addHandler(HandshakeHandler(role: .server, authKey: key, timeout: configuration.handshakeTimeout))
            try sync.addHandler(AdmissionHandler(connections: connections, connectionID: connectionID))
        }
    }

    /// Waits until the server stops: a client sent `shutdown`, or ``shutdown()`` was called.
    package func waitUntilShutdown() async {
        await self.finished.wait()
    }

    /// Removes the Unix socket files this server created (not ones another server has since put at the same path),
    /// stops accepting, closes every connection and stops the server's threads.
    package func shutdown() async {
        guard let connections = self.connections.beginShutdown() else {
            await self.finished.wait()
            return
        }
        // The files go first, while their sockets still listen: a server starting at the same path meanwhile finds
        // a live socket and refuses, so the file removed is still this server's.
        for file in self.socketFiles {
            file.removeIfOurs()
        }
        for listener in self.listeners {
            try? await listener.close()
        }
        for connection in connections {
            try? await connection.close()
        }
        try? await self.group.shutdownGracefully()
        self.finished.open()
    }

    /// The number of objects clients hold references to (what `number_of_objects` reports).
    package func numberOfObjects() async throws -> Int {
        try await self.store.eventLoop.submit { self.store.value.numberOfObjects }.get()
    }
}

/// Closes a connection that stayed idle past the configured timeout.
final class IdleCloseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            self.logger.info("closing an idle connection")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
