import Logging
import ManagerWire
import NIOCore
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerServer

/// Replies to the requests of one read leave together, in one flush at the end of the read; a reply that comes
/// later (a parked call's) is flushed at once.
@Suite("Reply bursts")
struct ReplyBurstTests {
    @Test("replies to pipelined requests are flushed once, at channelReadComplete; a parked call's reply at once")
    func burst() throws {
        let loop = EmbeddedEventLoop()
        let store = ObjectStore(
            eventLoop: loop, types: HostedType.syncManager, addresses: ["/tmp/burst.sock"], logger: Logger(label: "test")
        )
        let handler = ServerConnectionHandler(
            store: NIOLoopBound(store, eventLoop: loop),
            connectionID: ConnectionID(rawValue: 1),
            peerProcess: nil,
            limits: PickleLimits(),
            logger: Logger(label: "test")
        )
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/burst.sock")).wait()
        let created = store.perform(function: "create", arguments: ["Queue"], keywords: PythonDict(), connection: ConnectionID(rawValue: 9))
        guard case .returned(.tuple(let fields)) = created, let queue = fields.first?.stringValue else {
            Issue.record("create failed: \(created)")
            return
        }
        func frame(_ method: String, _ objectID: String?, _ arguments: [PythonValue] = []) throws -> ByteBuffer {
            try WireFrames.frame(Request(objectID: objectID, method: method, arguments: arguments))
        }

        // One read: the channel becomes a method channel, then three calls.
        try channel.writeInbound(try frame("accept_connection", nil, ["conn"]))
        let accepted = try #require(try channel.readOutbound(as: ByteBuffer.self), "a lone request's reply is flushed with its read")
        #expect(WireFrames.payload(of: accepted) != nil, "the reply is one whole frame")
        channel.pipeline.fireChannelRead(try frame("put", queue, [1]))
        channel.pipeline.fireChannelRead(try frame("put", queue, [2]))
        channel.pipeline.fireChannelRead(try frame("qsize", queue))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "replies were flushed before the read completed")
        channel.pipeline.fireChannelReadComplete()
        var burst = 0
        while try channel.readOutbound(as: ByteBuffer.self) != nil { burst += 1 }
        #expect(burst == 3)

        // A call that parks is answered after its read: the reply is flushed when it is sent.
        channel.pipeline.fireChannelRead(try frame("get", queue))
        channel.pipeline.fireChannelRead(try frame("get", queue))
        channel.pipeline.fireChannelRead(try frame("get", queue))
        channel.pipeline.fireChannelReadComplete()
        var gets = 0
        while try channel.readOutbound(as: ByteBuffer.self) != nil { gets += 1 }
        #expect(gets == 2, "two items were queued")
        store.call(objectID: queue, method: "put", arguments: CallArguments([3]), connection: ConnectionID(rawValue: 9)) { _ in }
        #expect(try channel.readOutbound(as: ByteBuffer.self) != nil, "the parked get's reply waits for no read")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
