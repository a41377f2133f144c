public import NIOCore

/// Writes each outbound payload as one length-prefixed frame of CPython's `multiprocessing.connection`.
///
/// Payloads up to `0x7fffffff` bytes get the 4-byte signed big-endian length; larger payloads get `-1` followed by
/// an 8-byte unsigned big-endian length. Small payloads are copied behind their header into one buffer (one
/// write, as CPython does up to 16 KiB); large ones are written as a header buffer followed by the payload.
///
/// A producer that builds its payload in a fresh buffer can spare the copy: reserve the header's 4 bytes in front
/// of the payload with ``makePayloadBuffer(allocator:capacity:)`` and ``finishPayloadBuffer(_:)``; the frame is
/// then sent from that buffer as it is.
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
        if let frame = Self.frameWithHeaderInFront(payload) {
            context.write(Self.wrapOutboundOut(frame), promise: promise)
            return
        }
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

    /// A buffer for a payload of about `capacity` bytes with room for a short header in front of it.
    ///
    /// Write the payload, then call ``finishPayloadBuffer(_:)``. `capacity` is a hint: it is clamped to
    /// between zero and ``maximumPayloadSize``, so no value traps.
    public static func makePayloadBuffer(allocator: ByteBufferAllocator, capacity: Int) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: min(max(capacity, 0), Self.maximumPayloadSize) + 4)
        buffer.moveWriterIndex(forwardBy: 4)
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer
    }

    /// Empties `buffer` for a new payload of about `capacity` bytes, with room for a short header in front, as
    /// ``makePayloadBuffer(allocator:capacity:)`` makes one: a buffer reused from frame to frame keeps its storage
    /// when nothing else holds it any more (the channel has written the previous frame). `capacity` is clamped as
    /// there.
    public static func resetPayloadBuffer(_ buffer: inout ByteBuffer, capacity: Int) {
        buffer.clear(minimumCapacity: min(max(capacity, 0), Self.maximumPayloadSize) + 4)
        buffer.moveWriterIndex(forwardBy: 4)
        buffer.moveReaderIndex(forwardBy: 4)
    }

    /// Writes the header of the payload written into a buffer from ``makePayloadBuffer(allocator:capacity:)``
    /// into the room reserved for it, so ``write(context:data:promise:)`` sends the frame without copying.
    ///
    /// A payload too large for the short header is left as it is and framed the usual way.
    public static func finishPayloadBuffer(_ buffer: inout ByteBuffer) {
        let length = buffer.readableBytes
        guard buffer.readerIndex >= 4, UInt64(length) <= UInt64(Int32.max) else { return }
        buffer.setInteger(Int32(length), at: buffer.readerIndex - 4, endianness: .big)
    }

    /// The frame of `payload` when the 4 bytes in front of its readable bytes already hold its header, else `nil`.
    ///
    /// The bytes sent are the same either way: the header found is exactly the one that would be written.
    static func frameWithHeaderInFront(_ payload: ByteBuffer) -> ByteBuffer? {
        let length = payload.readableBytes
        guard payload.readerIndex >= 4, UInt64(length) <= UInt64(Int32.max) else { return nil }
        var frame = payload
        frame.moveReaderIndex(to: payload.readerIndex - 4)
        guard frame.getInteger(at: frame.readerIndex, endianness: .big, as: Int32.self) == Int32(length) else {
            return nil
        }
        return frame
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
