import ManagerWire
import NIOCore
import NIOEmbedded
import Testing

/// A handler that frames its own messages writes exactly the bytes the `FrameEncoder` handler writes.
@Suite("FrameEncoder.writeFrame")
struct FrameEncoderWriteFrameTests {
    @Test("writes the bytes the encoder handler writes", arguments: [0, 25, 20_000])
    func sameBytesAsHandler(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        let channel = EmbeddedChannel(handler: FrameEncoder())
        try channel.writeOutbound(buffer(payload))
        var handlerBytes: [UInt8] = []
        while let chunk = try channel.readOutbound(as: ByteBuffer.self) {
            handlerBytes += Array(chunk.readableBytesView)
        }
        #expect(try channel.finish().isClean)

        var fromArray = ByteBuffer()
        FrameEncoder.writeFrame(payload: payload, into: &fromArray)
        #expect(Array(fromArray.readableBytesView) == handlerBytes)
        var fromBuffer = ByteBuffer()
        FrameEncoder.writeFrame(payload: buffer(payload), into: &fromBuffer)
        #expect(Array(fromBuffer.readableBytesView) == handlerBytes)
    }

    @Test("frames only the readable bytes of a partly read buffer")
    func partlyReadBuffer() {
        var partlyRead = buffer(hexBytes("01 02 03 04 05 aa bb"))
        partlyRead.moveReaderIndex(forwardBy: 5)
        var frame = ByteBuffer()
        FrameEncoder.writeFrame(payload: partlyRead, into: &frame)
        #expect(Array(frame.readableBytesView) == hexBytes("00 00 00 02 aa bb"))
    }

    @Test("round-trips several frames in one buffer through the decoder")
    func roundTrip() throws {
        let payloads: [[UInt8]] = [[], [7], Array(repeating: 3, count: 70_000)]
        var stream = ByteBuffer()
        for payload in payloads {
            FrameEncoder.writeFrame(payload: payload, into: &stream)
        }
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(handshakeFrames: 0)))
        try decoder.writeInbound(stream)
        for payload in payloads {
            let decoded = try #require(try decoder.readInbound(as: ByteBuffer.self))
            #expect(Array(decoded.readableBytesView) == payload)
        }
        #expect(try decoder.finish().isClean)
    }
}

/// Sizes from anywhere never trap the encoder's size arithmetic.
@Suite("FrameEncoder sizes")
struct FrameEncoderSizeTests {
    @Test("the largest payload fits in one ByteBuffer with its header")
    func maximumFits() {
        #expect(UInt64(FrameEncoder.maximumPayloadSize) + 12 <= UInt64(UInt32.max))
        #expect(FrameEncoder.headerSize(forPayloadLength: Int.max) == 12)
        var header = ByteBuffer()
        FrameEncoder.writeHeader(payloadLength: Int.max, into: &header)
        #expect(header.readableBytes == 12)
    }
}
