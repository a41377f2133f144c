import NIOCore
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerWire

@Suite("RequestReplyHandler")
struct RequestReplyHandlerTests {
    /// `('#RETURN', None)` and `('#RETURN', 'x')` as CPython 3.11 pickles them (PROTOCOL.md §3.3).
    static let returnNone = FrameDecoderTests.returnNone
    static let returnX = hexBytes("80 04 95 11 00 00 00 00 00 00 00 8c 07 23 52 45 54 55 52 4e 94 8c 01 78 94 86 94 2e")

    static func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RequestReplyHandler(queuedWrites: QueuedWrites()))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func send(_ channel: EmbeddedChannel, _ payload: [UInt8]) -> EventLoopFuture<Reply> {
        let promise = channel.eventLoop.makePromise(of: Reply.self)
        channel.writeAndFlush(PendingCall(payload: buffer(payload), promise: promise), promise: nil)
        return promise.futureResult
    }

    @Test("pipelined requests are written in order and replies complete them in order")
    func matchesRepliesInOrder() throws {
        let channel = try Self.makeChannel()
        let first = Self.send(channel, [1])
        let second = Self.send(channel, [2])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == buffer([1]))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == buffer([2]))
        try channel.writeInbound(buffer(Self.returnNone))
        try channel.writeInbound(buffer(Self.returnX))
        guard case .returned(.none) = try first.wait(), case .returned(let x) = try second.wait() else {
            Issue.record("replies were not matched in order")
            return
        }
        #expect(x == "x")
        _ = try channel.finish()
    }

    @Test("announced concurrent requests leave in one flush, when the last of them is written")
    func burstFlushesOnce() throws {
        let queued = QueuedWrites()
        let channel = EmbeddedChannel(handler: RequestReplyHandler(queuedWrites: queued))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        for _ in 0..<3 { queued.willWrite() }
        var replies: [EventLoopFuture<Reply>] = []
        for byte: UInt8 in 1...3 {
            #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "flushed before request \(byte)")
            let promise = channel.eventLoop.makePromise(of: Reply.self)
            channel.write(PendingCall(payload: buffer([byte]), promise: promise), promise: nil)
            replies.append(promise.futureResult)
        }
        for byte: UInt8 in 1...3 {
            #expect(try channel.readOutbound(as: ByteBuffer.self) == buffer([byte]))
        }
        // A request written on its own (announced, then written) is flushed at once.
        queued.willWrite()
        let promise = channel.eventLoop.makePromise(of: Reply.self)
        channel.write(PendingCall(payload: buffer([4]), promise: promise), promise: nil)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == buffer([4]))
        for _ in 0..<4 {
            try channel.writeInbound(buffer(Self.returnNone))
        }
        for reply in replies + [promise.futureResult] {
            #expect(throws: Never.self) { try reply.wait() }
        }
        _ = try channel.finish()
    }

    @Test("an undecodable reply fails only its own call")
    func malformedReplyFailsOneCall() throws {
        let channel = try Self.makeChannel()
        let first = Self.send(channel, [1])
        let second = Self.send(channel, [2])
        try channel.writeInbound(buffer([0x80, 0x04, 0xff]))
        try channel.writeInbound(buffer(Self.returnX))
        #expect {
            try first.wait()
        } throws: { error in
            (error as? WireError)?.code == .malformedMessage
        }
        #expect(throws: Never.self) { try second.wait() }
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("closing the connection fails outstanding and later calls with connectionClosed")
    func closeFailsCalls() throws {
        let channel = try Self.makeChannel()
        let pending = Self.send(channel, [1])
        channel.pipeline.fireChannelInactive()
        let later = Self.send(channel, [2])
        for future in [pending, later] {
            #expect {
                try future.wait()
            } throws: { error in
                (error as? WireError)?.code == .connectionClosed
            }
        }
    }

    @Test("a reply nobody asked for closes the connection")
    func unexpectedReplyCloses() throws {
        let channel = try Self.makeChannel()
        try channel.writeInbound(buffer(Self.returnNone))
        #expect(!channel.isActive)
    }
}
