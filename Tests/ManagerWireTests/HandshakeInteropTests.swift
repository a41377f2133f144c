import Foundation
import ManagerWire
import NIOCore
import NIOPosix
import Testing

/// The handshake against real CPython processes, in both roles.
@Suite("Handshake interop with CPython", .timeLimit(.minutes(1)))
struct HandshakeInteropTests {
    /// Connects with `multiprocessing.connection.Client`, sends a frame and prints the reply.
    static let clientScript = """
        import sys
        from multiprocessing import AuthenticationError
        from multiprocessing.connection import Client
        address, key = sys.argv[1], bytes.fromhex(sys.argv[2])
        try:
            connection = Client(address, authkey=key)
        except AuthenticationError as error:
            print('AUTHFAIL', error)
            sys.exit(3)
        connection.send_bytes(b'ping from python')
        print(connection.recv_bytes().decode())
        connection.close()
        """

    /// Accepts one connection with `multiprocessing.connection.Listener` and echoes one frame.
    static let listenerScript = """
        import sys
        from multiprocessing import AuthenticationError
        from multiprocessing.connection import Listener
        address, key, ready = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3]
        with Listener(address, authkey=key) as listener:
            open(ready, 'w').close()  # the socket is bound and listening
            try:
                connection = listener.accept()
            except AuthenticationError as error:
                print('AUTHFAIL', error)
                sys.exit(3)
            message = connection.recv_bytes()
            connection.send_bytes(b'echo:' + message)
            connection.close()
        """

    /// Echoes each frame back with an `echo:` prefix.
    final class EchoHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var reply = context.channel.allocator.buffer(string: "echo:")
            var payload = Self.unwrapInboundIn(data)
            reply.writeBuffer(&payload)
            context.writeAndFlush(Self.wrapOutboundOut(reply), promise: nil)
        }
    }

    /// Completes a promise with the first frame.
    final class FirstFrameHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<ByteBuffer>

        init(promise: EventLoopPromise<ByteBuffer>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.promise.succeed(Self.unwrapInboundIn(data))
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.promise.fail(WireError(code: .connectionClosed, message: "closed before a frame arrived"))
            context.fireChannelInactive()
        }
    }

    /// Runs a Swift server-role handshake (and echo) for one Python client.
    static func serveOnce(
        key: AuthKey,
        style: HandshakeStateMachine.ChallengeStyle,
        python: PythonInterpreter,
        clientKey: AuthKey
    ) async throws -> (handshake: Result<Void, any Error>, python: PythonResult) {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/server.sock"
        let group = MultiThreadedEventLoopGroup.singleton
        let handshake = group.next().makePromise(of: Void.self)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let completion = channel.eventLoop.makePromise(of: Void.self)
                    completion.futureResult.cascade(to: handshake)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FrameDecoder()),
                        FrameEncoder(),
                        HandshakeHandler(
                            role: .server,
                            authKey: key,
                            challengeStyle: style,
                            completionPromise: completion
                        ),
                        EchoHandler(),
                    ])
                }
            }
            .bind(unixDomainSocketPath: path)
            .get()
        let process = try PythonProcess(python, script: Self.clientScript, arguments: [path, clientKey.hexString])
        let pythonResult: PythonResult
        do {
            pythonResult = try await process.result()
        } catch {
            await process.stop()
            try? await server.close()
            throw error
        }
        let outcome: Result<Void, any Error>
        do {
            try await handshake.futureResult.get()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try await server.close()
        return (outcome, pythonResult)
    }

    @Test(
        "CPython clients complete the handshake with a Swift server and exchange frames",
        arguments: PythonInterpreter.available,
        [HandshakeStateMachine.ChallengeStyle.default, .legacy]
    )
    func pythonClientSucceeds(python: PythonInterpreter, style: HandshakeStateMachine.ChallengeStyle) async throws {
        let key = AuthKey.random()
        let (handshake, result) = try await Self.serveOnce(key: key, style: style, python: python, clientKey: key)
        #expect(result.status == 0, "stderr: \(result.errorOutput)")
        #expect(result.output == "echo:ping from python\n")
        #expect(throws: Never.self) { try handshake.get() }
    }

    @Test("CPython clients with a wrong key are refused on both sides", arguments: PythonInterpreter.available)
    func pythonClientWrongKey(python: PythonInterpreter) async throws {
        let (handshake, result) = try await Self.serveOnce(
            key: .random(),
            style: .default,
            python: python,
            clientKey: .random()
        )
        #expect(result.status == 3, "stdout: \(result.output) stderr: \(result.errorOutput)")
        #expect(result.output.contains("AUTHFAIL digest sent was rejected"))
        #expect {
            try handshake.get()
        } throws: { error in
            (error as? WireError)?.code == .authenticationFailed
        }
    }

    /// Runs a Swift client-role handshake against a Python `Listener` and sends one frame.
    static func connectOnce(
        python: PythonInterpreter,
        serverKey: AuthKey,
        clientKey: AuthKey
    ) async throws -> (reply: Result<String, any Error>, python: PythonResult) {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/listener.sock"
        let ready = directory + "/ready"
        let process = try PythonProcess(
            python,
            script: Self.listenerScript,
            arguments: [path, serverKey.hexString, ready]
        )
        do {
            try await waitForFile(ready)
        } catch {
            await process.stop()
            throw error
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let handshake = loop.makePromise(of: Void.self)
        let firstFrame = loop.makePromise(of: ByteBuffer.self)
        let outcome: Result<String, any Error>
        do {
            let channel = try await ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(FrameDecoder()),
                            FrameEncoder(),
                            HandshakeHandler(role: .client, authKey: clientKey, completionPromise: handshake),
                            FirstFrameHandler(promise: firstFrame),
                        ])
                    }
                }
                .connect(unixDomainSocketPath: path)
                .get()
            do {
                try await handshake.futureResult.get()
                try await channel.writeAndFlush(ByteBuffer(string: "ping from swift"))
                let reply = try await firstFrame.futureResult.get()
                outcome = .success(String(buffer: reply))
            } catch {
                outcome = .failure(error)
            }
            try? await channel.close()
        } catch {
            await process.stop()
            throw error
        }
        return (outcome, try await process.result())
    }

    @Test(
        "the Swift client role completes the handshake with CPython listeners",
        arguments: PythonInterpreter.available
    )
    func swiftClientSucceeds(python: PythonInterpreter) async throws {
        let key = AuthKey.random()
        let (reply, result) = try await Self.connectOnce(python: python, serverKey: key, clientKey: key)
        #expect(try reply.get() == "echo:ping from swift")
        #expect(result.status == 0, "stderr: \(result.errorOutput)")
    }

    @Test("the Swift client with a wrong key is refused by CPython listeners", arguments: PythonInterpreter.available)
    func swiftClientWrongKey(python: PythonInterpreter) async throws {
        let (reply, result) = try await Self.connectOnce(python: python, serverKey: .random(), clientKey: .random())
        #expect {
            try reply.get()
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .authenticationFailed
                && wire?.message.hasPrefix("the manager rejected our authkey") == true
        }
        #expect(result.status == 3)
        #expect(result.output.contains("AUTHFAIL digest received was wrong"))
    }
}
