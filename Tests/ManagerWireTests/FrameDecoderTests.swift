import ManagerWire
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("FrameDecoder")
struct FrameDecoderTests {
    /// The 25-byte `('#RETURN', None)` reply captured from CPython 3.11 (PROTOCOL.md §1.2).
    static let returnNone = hexBytes(
        "80 04 95 0e 00 00 00 00 00 00 00 8c 07 23 52 45 54 55 52 4e 94 4e 86 94 2e"
    )

    @Test("splits frames correctly whatever the read boundaries")
    func splitsFramesAtEveryBoundary() throws {
        let payloads: [[UInt8]] = [Self.returnNone, [], [0x41], Array(repeating: 7, count: 300)]
        var stream: [UInt8] = []
        for payload in payloads { stream += frame(payload) }
        // The large form (-1 then an 8-byte length) with a small length is legal too.
        stream += hexBytes("ff ff ff ff 00 00 00 00 00 00 00 03") + [1, 2, 3]
        let expected = (payloads + [[1, 2, 3]]).map(buffer)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(buffer(stream), expected)],
            decoderFactory: { FrameDecoder(handshakeFrames: 0) }
        )
    }

    @Test("decodes the captured reply frame to its pickle")
    func decodesCapturedFrame() throws {
        var decoder = FrameDecoder(handshakeFrames: 0)
        var input = buffer(hexBytes("00 00 00 19") + Self.returnNone)
        let payload = try decoder.decode(buffer: &input)
        #expect(payload == buffer(Self.returnNone))
        #expect(input.readableBytes == 0)
    }

    @Test("rejects negative lengths other than -1", arguments: [Int32(-2), Int32.min, Int32(-256)])
    func rejectsNegativeLengths(length: Int32) {
        var decoder = FrameDecoder(handshakeFrames: 0)
        var input = ByteBuffer()
        input.writeInteger(length, endianness: .big)
        #expect {
            _ = try decoder.decode(buffer: &input)
        } throws: { error in
            (error as? WireError)?.code == .malformedFrame
        }
    }

    @Test("rejects a frame over the size limit as soon as its header arrives")
    func rejectsOversizeFrameFromHeader() {
        var decoder = FrameDecoder(maxMessageSize: 1000, handshakeFrames: 0)
        // Only the header: the body is never needed to reject it.
        var input = buffer(hexBytes("00 00 03 e9"))
        #expect {
            _ = try decoder.decode(buffer: &input)
        } throws: { error in
            (error as? WireError)?.code == .messageTooLarge
        }
        var large = buffer(hexBytes("ff ff ff ff ff ff ff ff ff ff ff ff"))
        var fresh = FrameDecoder(maxMessageSize: 1000, handshakeFrames: 0)
        #expect {
            _ = try fresh.decode(buffer: &large)
        } throws: { error in
            (error as? WireError)?.code == .messageTooLarge
        }
    }

    @Test("caps the three handshake frames at 256 bytes, then applies maxMessageSize")
    func capsHandshakeFrames() throws {
        var decoder = FrameDecoder(maxMessageSize: 10_000)
        #expect(decoder.remainingHandshakeFrames == 3)
        for _ in 0..<3 {
            var input = buffer(frame(Array(repeating: 1, count: 256)))
            #expect(try decoder.decode(buffer: &input)?.readableBytes == 256)
        }
        #expect(decoder.remainingHandshakeFrames == 0)
        var large = buffer(frame(Array(repeating: 2, count: 5000)))
        #expect(try decoder.decode(buffer: &large)?.readableBytes == 5000)

        var handshaking = FrameDecoder(maxMessageSize: 10_000)
        var oversize = buffer(hexBytes("00 00 01 01"))
        #expect {
            _ = try handshaking.decode(buffer: &oversize)
        } throws: { error in
            (error as? WireError)?.code == .messageTooLarge
        }
    }

    @Test("an end of stream inside a frame is an error; at a boundary it is clean")
    func endOfStream() throws {
        let clean = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(handshakeFrames: 0)))
        try clean.writeInbound(buffer(frame([1, 2, 3])))
        #expect(try clean.readInbound(as: ByteBuffer.self) == buffer([1, 2, 3]))
        clean.pipeline.fireChannelInactive()
        #expect(try clean.finish().isClean)

        let truncated = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(handshakeFrames: 0)))
        try truncated.writeInbound(buffer(hexBytes("00 00 00 05 01 02")))
        #expect(try truncated.readInbound(as: ByteBuffer.self) == nil)
        #expect {
            truncated.pipeline.fireChannelInactive()
            try truncated.throwIfErrorCaught()
        } throws: { error in
            (error as? WireError)?.code == .malformedFrame
        }
        _ = try? truncated.finish()
    }
}
