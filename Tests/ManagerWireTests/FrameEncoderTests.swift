import ManagerWire
import NIOCore
import NIOEmbedded
import Testing

@Suite("FrameEncoder")
struct FrameEncoderTests {
    @Test("writes a small payload behind its 4-byte length in one buffer")
    func writesShortForm() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        let payload = FrameDecoderTests.returnNone
        try channel.writeOutbound(buffer(payload))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == hexBytes("00 00 00 19") + payload)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("writes a large payload as a header buffer followed by the payload")
    func writesLargePayloadSeparately() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        let payload = [UInt8](repeating: 9, count: FrameEncoder.coalescingLimit + 1)
        try channel.writeOutbound(buffer(payload))
        let header = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let body = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(header.readableBytesView) == hexBytes("00 00 40 01"))
        #expect(Array(body.readableBytesView) == payload)
        _ = try channel.finish()
    }

    @Test("uses the -1 + 8-byte form above 0x7fffffff bytes, as captured from CPython")
    func largeFormHeader() {
        var header = ByteBuffer()
        FrameEncoder.writeHeader(payloadLength: 0x8000_0000, into: &header)
        #expect(Array(header.readableBytesView) == hexBytes("ff ff ff ff 00 00 00 00 80 00 00 00"))
        var short = ByteBuffer()
        FrameEncoder.writeHeader(payloadLength: 0x7fff_ffff, into: &short)
        #expect(Array(short.readableBytesView) == hexBytes("7f ff ff ff"))
        #expect(FrameEncoder.headerSize(forPayloadLength: 0x7fff_ffff) == 4)
        #expect(FrameEncoder.headerSize(forPayloadLength: 0x8000_0000) == 12)
    }

    @Test("round-trips through the decoder")
    func roundTrip() throws {
        let encoder = EmbeddedChannel(handler: FrameEncoder())
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(handshakeFrames: 0)))
        let payloads: [[UInt8]] = [[], [1], Array(repeating: 3, count: 20_000)]
        for payload in payloads {
            try encoder.writeOutbound(buffer(payload))
        }
        while let chunk = try encoder.readOutbound(as: ByteBuffer.self) {
            try decoder.writeInbound(chunk)
        }
        for payload in payloads {
            #expect(try decoder.readInbound(as: ByteBuffer.self) == buffer(payload))
        }
        _ = try encoder.finish()
        _ = try decoder.finish()
    }
}
