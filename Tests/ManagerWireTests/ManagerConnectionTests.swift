import Foundation
import ManagerWire
import NIOCore
import NIOPosix
import Pickle
import Testing

/// `ManagerConnection` against a minimal Swift server built from this module's handlers.
@Suite("ManagerConnection against a Swift server", .timeLimit(.minutes(1)))
struct ManagerConnectionTests {
    /// Answers every request `(ident, method, args, kwds)` with `('#RETURN', method)`.
    final class MethodEchoHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = Self.unwrapInboundIn(data)
            do {
                let request = try Request(PickleReader().read(Array(frame.readableBytesView)))
                let reply = try PickleWriter(protocolVersion: 2).write(Reply.returned(.string(request.method)).value)
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: reply)), promise: nil)
            } catch {
                context.close(promise: nil)
            }
        }
    }

    /// Serves `MethodEchoHandler` on a Unix socket, with a server-role handshake when `key` is given.
    static func withServer(
        key: AuthKey?,
        style: HandshakeStateMachine.ChallengeStyle = .default,
        _ body: (ManagerAddress) async throws -> Void
    ) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/swift.sock"
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    let frames = key == nil ? 0 : FrameDecoder.handshakeFrameCount
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(handshakeFrames: frames)))
                    try sync.addHandler(FrameEncoder())
                    if let key {
                        try sync.addHandler(HandshakeHandler(role: .server, authKey: key, challengeStyle: style))
                    }
                    try sync.addHandler(MethodEchoHandler())
                }
            }
            .bind(unixDomainSocketPath: path)
            .get()
        do {
            try await body(.unix(path: path))
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    @Test(
        "a Swift client and a Swift server complete the handshake and exchange pipelined calls",
        arguments: [HandshakeStateMachine.ChallengeStyle.default, .legacy, .prefixed(.sha3_256, randomByteCount: 32)]
    )
    func swiftToSwift(style: HandshakeStateMachine.ChallengeStyle) async throws {
        let key = AuthKey.random()
        try await Self.withServer(key: key, style: style) { address in
            let connection = try await ManagerConnection.connect(to: address, authKey: key)
            try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
                for index in 0..<50 {
                    group.addTask { (index, try await connection.call(Request(objectID: nil, method: "m\(index)"))) }
                }
                for try await (index, reply) in group {
                    guard case .returned(let value) = reply else {
                        Issue.record("call \(index) got \(reply)")
                        continue
                    }
                    #expect(value == .string("m\(index)"))
                }
            }
            await connection.close()
            #expect(!connection.isActive)
        }
    }

    @Test("without an authkey no handshake takes place")
    func noAuthKey() async throws {
        try await Self.withServer(key: nil) { address in
            let connection = try await ManagerConnection.connect(to: address, authKey: nil)
            guard case .returned(let value) = try await connection.call(Request(objectID: nil, method: "dummy")) else {
                Issue.record("dummy must return")
                return
            }
            #expect(value == "dummy")
            await connection.close()
        }
    }

    @Test("a Swift client with the wrong key is refused by a Swift server")
    func wrongKey() async throws {
        try await Self.withServer(key: .random()) { address in
            await #expect {
                _ = try await ManagerConnection.connect(to: address, authKey: .random())
            } throws: { error in
                (error as? WireError)?.code == .authenticationFailed
            }
        }
    }
}
