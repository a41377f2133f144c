import ManagerWire
import NIOCore
import NIOEmbedded
import Testing

@Suite("FrameEncoder payload buffers")
struct FrameEncoderPayloadBufferTests {
    @Test("sends a payload buffer with its header in front as the frame, unchanged", arguments: [0, 25, 20_000])
    func sendsHeaderInFront(length: Int) throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        var prepared = FrameEncoder.makePayloadBuffer(allocator: channel.allocator, capacity: length)
        prepared.writeBytes(payload)
        FrameEncoder.finishPayloadBuffer(&prepared)
        #expect(Array(prepared.readableBytesView) == payload)
        try channel.writeOutbound(prepared)
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        var header = ByteBuffer()
        FrameEncoder.writeHeader(payloadLength: length, into: &header)
        #expect(Array(written.readableBytesView) == Array(header.readableBytesView) + payload)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("frames a partly read buffer whose consumed bytes are not its header the usual way")
    func framesPartlyReadBuffer() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        var partlyRead = buffer(hexBytes("01 02 03 04 05 aa bb"))
        partlyRead.moveReaderIndex(forwardBy: 5)
        try channel.writeOutbound(partlyRead)
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == hexBytes("00 00 00 02 aa bb"))
        #expect(try channel.finish().isClean)
    }

    @Test("round-trips payload buffers through the decoder")
    func roundTrip() throws {
        let encoder = EmbeddedChannel(handler: FrameEncoder())
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(handshakeFrames: 0)))
        let payloads: [[UInt8]] = [[], [7], Array(repeating: 3, count: 70_000)]
        for payload in payloads {
            var prepared = FrameEncoder.makePayloadBuffer(allocator: encoder.allocator, capacity: payload.count)
            prepared.writeBytes(payload)
            FrameEncoder.finishPayloadBuffer(&prepared)
            try encoder.writeOutbound(prepared)
        }
        while let frame = try encoder.readOutbound(as: ByteBuffer.self) {
            try decoder.writeInbound(frame)
        }
        for payload in payloads {
            let decoded = try #require(try decoder.readInbound(as: ByteBuffer.self))
            #expect(Array(decoded.readableBytesView) == payload)
        }
        #expect(try encoder.finish().isClean)
        #expect(try decoder.finish().isClean)
    }
}

/// Sizes from anywhere never trap the encoder's size arithmetic.
@Suite("FrameEncoder sizes")
struct FrameEncoderSizeTests {
    @Test("a negative payload buffer capacity hint is clamped to zero", arguments: [Int.min, -1])
    func clampedCapacity(capacity: Int) {
        var buffer = FrameEncoder.makePayloadBuffer(allocator: ByteBufferAllocator(), capacity: capacity)
        buffer.writeBytes([1, 2])
        FrameEncoder.finishPayloadBuffer(&buffer)
        #expect(Array(buffer.readableBytesView) == [1, 2])
    }

    @Test("the largest payload fits in one ByteBuffer with its header")
    func maximumFits() {
        #expect(UInt64(FrameEncoder.maximumPayloadSize) + 12 <= UInt64(UInt32.max))
        #expect(FrameEncoder.headerSize(forPayloadLength: Int.max) == 12)
        var header = ByteBuffer()
        FrameEncoder.writeHeader(payloadLength: Int.max, into: &header)
        #expect(header.readableBytes == 12)
    }
}
