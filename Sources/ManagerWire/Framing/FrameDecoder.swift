public import NIOCore

/// Splits a byte stream into the length-prefixed frames of CPython's `multiprocessing.connection`.
///
/// A frame is a signed 32-bit big-endian length followed by that many payload bytes. A length of `-1` announces
/// the large form: an unsigned 64-bit big-endian length follows. Any other negative length is an error.
///
/// Limits are checked as soon as a header has arrived, before any of the body is buffered:
/// - the first ``handshakeFrameCount`` frames (the three frames each side receives during the handshake) may
///   not exceed ``handshakeFrameLimit`` bytes (256, as CPython enforces);
/// - every later frame may not exceed ``maxMessageSize``.
///
/// End of stream exactly at a frame boundary is an orderly close; end of stream inside a frame throws
/// ``WireError/Code-swift.struct/malformedFrame``.
///
/// Use it through NIO's `ByteToMessageHandler`: `ByteToMessageHandler(FrameDecoder())`.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    /// The payload of one frame.
    public typealias InboundOut = ByteBuffer

    /// The size limit of the frames read during the handshake, as CPython applies it.
    public static let handshakeFrameLimit = 256
    /// The number of frames each side of a connection receives during the handshake.
    public static let handshakeFrameCount = 3
    /// The default limit for a frame after the handshake: 1 GiB.
    public static let defaultMaxMessageSize = 1 << 30

    /// The largest payload accepted after the handshake, in bytes.
    public var maxMessageSize: Int
    /// How many more frames are read under the handshake limit.
    public private(set) var remainingHandshakeFrames: Int

    /// A frame decoder.
    ///
    /// - Parameters:
    ///   - maxMessageSize: The largest payload accepted after the handshake, in bytes.
    ///   - handshakeFrames: How many initial frames are limited to ``handshakeFrameLimit`` bytes. Pass `0` for a
    ///     stream that has no handshake (or whose handshake already happened).
    public init(maxMessageSize: Int = FrameDecoder.defaultMaxMessageSize, handshakeFrames: Int = handshakeFrameCount) {
        self.maxMessageSize = maxMessageSize
        self.remainingHandshakeFrames = handshakeFrames
    }

    /// The limit that applies to the next frame.
    private var currentLimit: Int {
        self.remainingHandshakeFrames > 0 ? min(Self.handshakeFrameLimit, self.maxMessageSize) : self.maxMessageSize
    }

    /// Decodes one frame if the buffer holds a complete one.
    ///
    /// - Throws: ``WireError`` with ``WireError/Code-swift.struct/malformedFrame`` for a negative length other
    ///   than `-1`, or ``WireError/Code-swift.struct/messageTooLarge`` for a length over the current limit.
    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let (headerSize, length) = try self.peekHeader(buffer) else {
            return nil
        }
        guard buffer.readableBytes - headerSize >= length else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: headerSize)
        if self.remainingHandshakeFrames > 0 {
            self.remainingHandshakeFrames -= 1
        }
        return buffer.readSlice(length: length)
    }

    /// Decodes what is left when the stream ends.
    ///
    /// - Throws: ``WireError`` with ``WireError/Code-swift.struct/malformedFrame`` if the stream ended inside a
    ///   frame.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        if let frame = try self.decode(buffer: &buffer) {
            return frame
        }
        if seenEOF && buffer.readableBytes > 0 {
            throw WireError(
                code: .malformedFrame,
                message: "the peer closed the connection inside a frame (\(buffer.readableBytes) bytes of an "
                    + "incomplete frame were received); the message was lost"
            )
        }
        return nil
    }

    /// Reads the header without consuming it: its size and the payload length, or `nil` if it is incomplete.
    private func peekHeader(_ buffer: ByteBuffer) throws(WireError) -> (headerSize: Int, length: Int)? {
        guard let shortLength = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        let headerSize: Int
        let length: UInt64
        if shortLength >= 0 {
            headerSize = 4
            length = UInt64(shortLength)
        } else if shortLength == -1 {
            guard let longLength = buffer.getInteger(at: buffer.readerIndex + 4, endianness: .big, as: UInt64.self)
            else {
                return nil
            }
            headerSize = 12
            length = longLength
        } else {
            throw WireError(
                code: .malformedFrame,
                message: "a frame announced the negative length \(shortLength); the peer does not speak the "
                    + "multiprocessing.connection framing"
            )
        }
        let limit = self.currentLimit
        guard length <= UInt64(limit) else {
            let phase = self.remainingHandshakeFrames > 0 ? "a handshake frame" : "a frame"
            throw WireError(
                code: .messageTooLarge,
                message: "\(phase) announced \(length) bytes, over the limit of \(limit) bytes; raise "
                    + "maxMessageSize if the peer really sends messages that large"
            )
        }
        return (headerSize, Int(length))
    }
}
