import Logging
import ManagerWire
import NIOCore
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerServer

/// Counts the reads that reach the channel, to see when the connection handler holds them back.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var reads = 0

    func read(context: ChannelHandlerContext) {
        self.reads += 1
        context.read()
    }
}

/// The connection handler on an embedded channel: reads pause while the channel is not writable or too many bytes
/// wait behind a parked call, and a reply over the size limit becomes a `MemoryError` on a working connection.
@Suite("Server connection backpressure")
struct ServerConnectionBackpressureTests {
    /// A channel serving a store, already a method channel, and the id of a `Queue` in that store.
    struct Fixture {
        let channel: EmbeddedChannel
        let store: ObjectStore
        let counter: ReadCounter
        let queue: String

        init(_ limits: ServerConnectionLimits) throws {
            let loop = EmbeddedEventLoop()
            let store = ObjectStore(
                eventLoop: loop, types: HostedType.syncManager, addresses: ["/tmp/pressure.sock"],
                logger: Logger(label: "test")
            )
            let handler = ServerConnectionHandler(
                store: NIOLoopBound(store, eventLoop: loop), connectionID: ConnectionID(rawValue: 1), peerProcess: nil,
                limits: PickleLimits(), connectionLimits: limits, logger: Logger(label: "test")
            )
            let counter = ReadCounter()
            self.channel = EmbeddedChannel(loop: loop)
            try self.channel.pipeline.syncOperations.addHandlers([counter, handler])
            try self.channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/pressure.sock")).wait()
            self.store = store
            self.counter = counter
            let created = store.perform(
                function: "create", arguments: ["Queue"], keywords: PythonDict(), connection: ConnectionID(rawValue: 9)
            )
            guard case .returned(.tuple(let fields)) = created, let queue = fields.first?.stringValue else {
                throw PickleError(code: .invalidValue, message: "create failed: \(created)")
            }
            self.queue = queue
            try self.send("accept_connection", nil, ["conn"])
            _ = try self.reply()
        }

        func send(_ method: String, _ objectID: String?, _ arguments: [PythonValue] = []) throws {
            try self.channel.writeInbound(try WireFrames.frame(Request(objectID: objectID, method: method, arguments: arguments)))
        }

        /// The next reply written, or `nil` when none was.
        func reply() throws -> Reply? {
            guard let buffer = try self.channel.readOutbound(as: ByteBuffer.self) else { return nil }
            return try WireFrames.reply(in: buffer)
        }

        /// Whether no reply was written.
        func noReply() throws -> Bool { try self.reply() == nil }

        /// The value of the next reply when it is a plain return, else `nil`.
        func returned() throws -> PythonValue? {
            guard case .returned(let value) = try self.reply() else { return nil }
            return value
        }

        func putFromAnotherClient(_ value: PythonValue) {
            self.store.call(
                objectID: self.queue, method: "put", arguments: CallArguments([value]), connection: ConnectionID(rawValue: 9)
            ) { _ in }
        }
    }

    @Test("an unwritable channel is not read and its requests wait; writable again, they are answered and reading resumes")
    func pausesWhileUnwritable() throws {
        let fixture = try Fixture(ServerConnectionLimits())
        let channel = fixture.channel
        let readsBefore = fixture.counter.reads
        channel.read()
        #expect(fixture.counter.reads == readsBefore + 1, "a writable channel reads")

        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        channel.read()
        #expect(fixture.counter.reads == readsBefore + 1, "the read was held back")
        try fixture.send("qsize", fixture.queue)
        #expect(try fixture.noReply(), "a request is not answered while the channel is unwritable")

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try fixture.returned() == .int(0))
        #expect(fixture.counter.reads == readsBefore + 2, "the held-back read was issued")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("requests queued behind a parked get are bounded in bytes; a request over the budget is served after it")
    func boundsQueuedBytes() throws {
        let fixture = try Fixture(ServerConnectionLimits(maxQueuedRequestBytes: 1000))
        let channel = fixture.channel
        try fixture.send("get", fixture.queue)
        try fixture.send("put", fixture.queue, [.bytes(Array(repeating: 7, count: 4000))])
        let readsBefore = fixture.counter.reads
        channel.read()
        #expect(fixture.counter.reads == readsBefore, "reading paused: 4000 bytes wait behind the parked get")
        #expect(try fixture.noReply())

        fixture.putFromAnotherClient(.int(1))
        #expect(try fixture.returned() == .int(1), "the parked get is answered")
        #expect(try fixture.returned() == PythonValue.none, "the large put behind it is served")
        #expect(fixture.counter.reads == readsBefore + 1, "reading resumed once the queue drained")
        try fixture.send("qsize", fixture.queue)
        #expect(try fixture.returned() == .int(1))
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a reply over the size limit is a MemoryError and the connection keeps working")
    func replySizeLimit() throws {
        let fixture = try Fixture(ServerConnectionLimits(maxReplySize: 2000))
        try fixture.send("put", fixture.queue, [.bytes(Array(repeating: 1, count: 100_000))])
        #expect(try fixture.returned() == PythonValue.none)
        try fixture.send("get", fixture.queue)
        guard case .error(let value) = try fixture.reply(), let exception = PythonException(value) else {
            Issue.record("the oversized reply was not an error")
            return
        }
        #expect(exception.type == .builtin("MemoryError"))
        #expect(exception.description.contains("larger than this server's limit of 2000 bytes"))
        try fixture.send("qsize", fixture.queue)
        #expect(try fixture.returned() == .int(0))
        _ = try fixture.channel.finish(acceptAlreadyClosed: true)
    }
}
