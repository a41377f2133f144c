import NIOCore
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerWire

/// A `ManagerConnection` over a test channel: the requests it writes and the replies it is given are the test's.
@Suite("RequestReplyHandler", .timeLimit(.minutes(1)))
struct RequestReplyHandlerTests {
    struct Harness {
        let channel: NIOAsyncTestingChannel
        let connection: ManagerConnection

        init() async throws {
            let requests = OutgoingRequests<RequestReplyHandler.Waiter>()
            let channel = NIOAsyncTestingChannel()
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(RequestReplyHandler(requests: requests))
            }.get()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
            self.channel = channel
            self.connection = try await ManagerConnection(
                address: .unix(path: "/test"),
                channel: channel,
                requests: requests
            )
        }

        /// The methods of the next `count` requests written, reading as many writes as that takes.
        func writtenMethods(_ count: Int) async throws -> (methods: [String], writes: Int) {
            var methods: [String] = []
            var writes = 0
            while methods.count < count {
                var bytes = try await self.channel.waitForOutboundWrite(as: ByteBuffer.self)
                writes += 1
                while let length = bytes.readInteger(endianness: .big, as: Int32.self) {
                    let payload = bytes.readBytes(length: Int(length))
                    try #require(payload != nil)
                    methods.append(try Request(PickleReader().read(payload ?? [])).method)
                }
            }
            return (methods, writes)
        }

        /// Feeds the frame of `('#RETURN', value)`.
        func reply(_ value: PythonValue) async throws {
            try await self.channel.writeInbound(ByteBuffer(bytes: try PickleWriter().write(Reply.returned(value).value)))
        }
    }

    @Test("pipelined requests are framed in order and their replies reach their own callers")
    func matchesRepliesInOrder() async throws {
        let harness = try await Harness()
        let connection = harness.connection
        try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
            for index in 0..<20 {
                group.addTask { (index, try await connection.call(Request(objectID: "1", method: "m\(index)"))) }
            }
            // Every request is written exactly once, whole (how they group into writes is the drain's choice,
            // tested in OutgoingRequestsTests).
            let (methods, _) = try await harness.writtenMethods(20)
            #expect(methods.sorted() == (0..<20).map { "m\($0)" }.sorted())
            // Replies in the order the requests went out, each naming its request.
            for method in methods { try await harness.reply(.string(method)) }
            for try await (index, reply) in group {
                guard case .returned(let value) = reply else {
                    Issue.record("call \(index) got \(reply)")
                    continue
                }
                #expect(value == .string("m\(index)"))
            }
        }
        _ = try await harness.channel.finish()
    }

    @Test("an undecodable reply fails only its own call")
    func malformedReplyFailsOneCall() async throws {
        let harness = try await Harness()
        let connection = harness.connection
        let first = Task { try await connection.call(Request(objectID: "1", method: "first")) }
        _ = try await harness.writtenMethods(1)
        let second = Task { try await connection.call(Request(objectID: "1", method: "second")) }
        _ = try await harness.writtenMethods(1)
        try await harness.channel.writeInbound(ByteBuffer(bytes: [0x80, 0x04, 0xff]))
        try await harness.reply("x")
        await #expect {
            try await first.value
        } throws: { error in
            (error as? WireError)?.code == .malformedMessage
        }
        guard case .returned(let x) = try await second.value else {
            Issue.record("the second call did not get its reply")
            return
        }
        #expect(x == "x")
        #expect(harness.channel.isActive)
        _ = try await harness.channel.finish()
    }

    @Test("closing the connection fails outstanding and later calls with connectionClosed")
    func closeFailsCalls() async throws {
        let harness = try await Harness()
        let connection = harness.connection
        let pending = Task { try await connection.call(Request(objectID: "1", method: "pending")) }
        _ = try await harness.writtenMethods(1)
        try await harness.channel.close()
        await #expect {
            try await pending.value
        } throws: { error in
            (error as? WireError)?.code == .connectionClosed
        }
        await #expect {
            try await connection.call(Request(objectID: "1", method: "later"))
        } throws: { error in
            (error as? WireError)?.code == .connectionClosed
        }
    }

    @Test("a reply nobody asked for closes the connection and fails later calls")
    func unexpectedReplyCloses() async throws {
        let harness = try await Harness()
        try await harness.reply(.none)
        #expect(!harness.channel.isActive)
        await #expect {
            try await harness.connection.call(Request(objectID: "1", method: "later"))
        } throws: { error in
            (error as? WireError)?.code == .protocolViolation
        }
    }
}

@Suite("OutgoingRequests")
struct OutgoingRequestsTests {
    @Test("the first request of a burst schedules the drain; the drain takes the burst in order, framed")
    func burst() throws {
        let requests = OutgoingRequests<Int>()
        guard case .scheduleDrain = requests.enqueue([1], waiter: 1) else {
            Issue.record("the first request did not schedule a drain")
            return
        }
        for waiter in 2...3 {
            guard case .none = requests.enqueue([UInt8(waiter), 0], waiter: waiter) else {
                Issue.record("request \(waiter) scheduled a second drain")
                return
            }
        }
        let (frames, waiters) = requests.drain()
        #expect(waiters == [1, 2, 3])
        #expect(Array(frames.readableBytesView) == [0, 0, 0, 1, 1, 0, 0, 0, 2, 2, 0, 0, 0, 0, 2, 3, 0])
        #expect(requests.drain().waiters.isEmpty)
        guard case .scheduleDrain = requests.enqueue([4], waiter: 4) else {
            Issue.record("a request after the drain did not open a new burst")
            return
        }
    }

    @Test("closing hands back the unsent waiters, keeps the first error and refuses later requests")
    func close() throws {
        let requests = OutgoingRequests<Int>()
        _ = requests.enqueue([1], waiter: 1)
        let first = requests.close(WireError(code: .protocolViolation, message: "first"))
        #expect(first.unsent == [1])
        #expect(first.error.code == .protocolViolation)
        let second = requests.close(WireError(code: .connectionClosed, message: "second"))
        #expect(second.unsent.isEmpty)
        #expect(second.error.code == .protocolViolation)
        guard case .fail(let error) = requests.enqueue([2], waiter: 2) else {
            Issue.record("a closed queue took a request")
            return
        }
        #expect(error.code == .protocolViolation)
        #expect(requests.drain().waiters.isEmpty)
    }
}
