public import NIOCore

/// Writes each outbound payload as one length-prefixed frame of CPython's `multiprocessing.connection`.
///
/// Payloads up to `0x7fffffff` bytes get the 4-byte signed big-endian length; larger payloads get `-1` followed by
/// an 8-byte unsigned big-endian length. Small payloads are copied behind their header into one buffer (one
/// write, as CPython does up to 16 KiB); large ones are written as a header buffer followed by the payload.
///
/// A handler that owns a connection's bytes can frame its messages itself with ``writeFrame(payload:into:)-([UInt8],_)``
/// instead; both write the same bytes.
public final class FrameEncoder: ChannelOutboundHandler, RemovableChannelHandler {
    /// A payload to frame.
    public typealias OutboundIn = ByteBuffer
    /// Framed bytes.
    public typealias OutboundOut = ByteBuffer

    /// Payloads up to this size are copied into the header's buffer instead of being written separately.
    public static let coalescingLimit = 16_384

    /// The largest payload a producer should build: one `ByteBuffer` holds at most `UInt32.max` bytes, and this
    /// leaves room for the frame header in front.
    public static let maximumPayloadSize = Int(clamping: UInt32.max - 16)

    /// A frame encoder.
    public init() {}

    /// Writes the header and the payload of one frame.
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = Self.unwrapOutboundIn(data)
        let length = payload.readableBytes
        let headerSize = Self.headerSize(forPayloadLength: length)
        if length <= Self.coalescingLimit {
            // Both sizes are small here: the sum cannot overflow.
            var frame = context.channel.allocator.buffer(capacity: headerSize + length)
            Self.writeHeader(payloadLength: length, into: &frame)
            var payload = payload
            frame.writeBuffer(&payload)
            context.write(Self.wrapOutboundOut(frame), promise: promise)
        } else {
            var header = context.channel.allocator.buffer(capacity: headerSize)
            Self.writeHeader(payloadLength: length, into: &header)
            context.write(Self.wrapOutboundOut(header), promise: nil)
            context.write(Self.wrapOutboundOut(payload), promise: promise)
        }
    }

    /// Appends one whole frame, header and payload, to `buffer`: how a handler that writes its own frames (the
    /// server's connection handler) frames them.
    public static func writeFrame(payload: [UInt8], into buffer: inout ByteBuffer) {
        Self.writeHeader(payloadLength: payload.count, into: &buffer)
        buffer.writeBytes(payload)
    }

    /// Appends one whole frame, header and the readable bytes of `payload`, to `buffer`.
    public static func writeFrame(payload: ByteBuffer, into buffer: inout ByteBuffer) {
        Self.writeHeader(payloadLength: payload.readableBytes, into: &buffer)
        var payload = payload
        buffer.writeBuffer(&payload)
    }

    /// The size of the header for a payload of `length` bytes: 4, or 12 for the large form.
    public static func headerSize(forPayloadLength length: Int) -> Int {
        UInt64(length) <= UInt64(Int32.max) ? 4 : 12
    }

    /// Appends the frame header for a payload of `length` bytes to `buffer`.
    public static func writeHeader(payloadLength length: Int, into buffer: inout ByteBuffer) {
        if UInt64(length) <= UInt64(Int32.max) {
            buffer.writeInteger(Int32(length), endianness: .big)
        } else {
            buffer.writeInteger(Int32(-1), endianness: .big)
            buffer.writeInteger(UInt64(length), endianness: .big)
        }
    }
}
