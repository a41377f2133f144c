import ManagerWire
import NIOCore

/// libFuzzer entry point for ``FrameDecoder``.
///
/// Input layout: byte 0 picks the post-handshake size limit (0–255 bytes, small so the limit paths are reached),
/// byte 1 the number of handshake frames (0–3) and byte 2 seeds the chunking; the rest is the byte stream. The stream
/// is fed in chunks through NIO's `NIOSingleStepByteToMessageProcessor` (the machinery `ByteToMessageHandler` uses),
/// then ended with EOF. The frames and the error must be exactly those a simple reference parser finds in the whole
/// stream, and every error must be a `WireError` with a framing code. Anything else is a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func frameDecoderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let maxMessageSize = Int(input[0])
    let handshakeFrames = Int(input[1] % 4)
    let stream = Array(input[3...])
    let expected = referenceFrames(stream, maxMessageSize: maxMessageSize, handshakeFrames: handshakeFrames)

    let decoder = FrameDecoder(maxMessageSize: maxMessageSize, handshakeFrames: handshakeFrames)
    let processor = NIOSingleStepByteToMessageProcessor(decoder, maximumBufferSize: 4096)
    var frames: [[UInt8]] = []
    var failure: WireError.Code?
    var random = ChunkRandom(seed: input[2])
    var offset = 0
    do {
        while offset < stream.count {
            let length = min(random.nextChunkLength(), stream.count - offset)
            var chunk = ByteBuffer(bytes: stream[offset..<(offset + length)])
            offset += length
            try processor.process(buffer: chunk) { frame in frames.append(Array(buffer: frame)) }
            chunk.clear()
        }
        try processor.finishProcessing(seenEOF: true) { frame in frames.append(Array(buffer: frame)) }
    } catch let error as WireError {
        guard error.code == .malformedFrame || error.code == .messageTooLarge else {
            fatalError("the frame decoder threw a WireError with an unexpected code: \(error)")
        }
        failure = error.code
    } catch {
        fatalError("the frame decoder threw something other than a WireError: \(error)")
    }
    guard frames == expected.frames, failure == expected.failure else {
        fatalError(
            "chunked decoding gave \(frames.count) frames and \(String(describing: failure)); the reference "
                + "gave \(expected.frames.count) frames and \(String(describing: expected.failure))"
        )
    }
    return 0
}

/// The frames in `stream`, parsed in one piece by the simplest possible reading of the framing rules.
private func referenceFrames(
    _ stream: [UInt8],
    maxMessageSize: Int,
    handshakeFrames: Int
) -> (frames: [[UInt8]], failure: WireError.Code?) {
    var frames: [[UInt8]] = []
    var offset = 0
    var remainingHandshake = handshakeFrames
    func integer(at position: Int, bytes: Int) -> UInt64 {
        stream[position..<(position + bytes)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    while offset < stream.count {
        guard stream.count - offset >= 4 else { return (frames, .malformedFrame) }
        let short = Int32(bitPattern: UInt32(integer(at: offset, bytes: 4)))
        var header = 4
        let length: UInt64
        if short >= 0 {
            length = UInt64(short)
        } else if short == -1 {
            guard stream.count - offset >= 12 else { return (frames, .malformedFrame) }
            length = integer(at: offset + 4, bytes: 8)
            header = 12
        } else {
            return (frames, .malformedFrame)
        }
        let limit = remainingHandshake > 0 ? min(256, maxMessageSize) : maxMessageSize
        guard length <= UInt64(limit) else { return (frames, .messageTooLarge) }
        guard UInt64(stream.count - offset - header) >= length else { return (frames, .malformedFrame) }
        frames.append(Array(stream[(offset + header)..<(offset + header + Int(length))]))
        offset += header + Int(length)
        remainingHandshake = max(0, remainingHandshake - 1)
    }
    return (frames, nil)
}

/// Chunk lengths from a small xorshift generator seeded by the input, so the fuzzer chooses the split points.
private struct ChunkRandom {
    private var state: UInt32

    init(seed: UInt8) {
        self.state = UInt32(seed) &* 2_654_435_761 | 1
    }

    /// The next chunk length, 1 to 16 bytes, occasionally a large one.
    mutating func nextChunkLength() -> Int {
        self.state ^= self.state << 13
        self.state ^= self.state >> 17
        self.state ^= self.state << 5
        return self.state % 8 == 0 ? 512 : Int(self.state % 16) + 1
    }
}
