public import NIOCore

/// Writes each outbound payload as one length-prefixed frame of CPython's `multiprocessing.connection`.
///
/// Payloads up to `0x7fffffff` bytes get the 4-byte signed big-endian length; larger payloads get `-1` followed by
/// an 8-byte unsigned big-endian length. Small payloads are copied behind their header into one buffer (one
/// write, as CPython does up to 16 KiB); large ones are written as a header buffer followed by the payload.
public final class FrameEncoder: ChannelOutboundHandler, RemovableChannelHandler {
    /// A payload to frame.
    public typealias OutboundIn = ByteBuffer
    /// Framed bytes.
    public typealias OutboundOut = ByteBuffer

    /// Payloads up to this size are copied into the header's buffer instead of being written separately.
    public static let coalescingLimit = 16_384

    /// A frame encoder.
    public init() {}

    /// Writes the header and the payload of one frame.
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = Self.unwrapOutboundIn(data)
        let length = payload.readableBytes
        let headerSize = Self.headerSize(forPayloadLength: length)
        if length <= Self.coalescingLimit {
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
