import ManagerWire
import NIOCore
import Pickle

/// The bytes a client sends and receives, for tests that drive the connection handler on an embedded channel:
/// the handler reads a byte stream and writes whole frames.
enum WireFrames {
    /// `request`, pickled and framed as a client sends it.
    static func frame(_ request: Request) throws -> ByteBuffer {
        var frame = ByteBuffer()
        FrameEncoder.writeFrame(payload: try PickleWriter().write(request.value), into: &frame)
        return frame
    }

    /// The payload of one whole frame written by the server; `nil` if `frame` is not exactly one frame.
    static func payload(of frame: ByteBuffer) -> [UInt8]? {
        guard let length = frame.getInteger(at: frame.readerIndex, endianness: .big, as: Int32.self),
            length >= 0, frame.readableBytes == 4 + Int(length)
        else { return nil }
        return Array(frame.readableBytesView.dropFirst(4))
    }

    /// The reply in one whole frame written by the server.
    static func reply(in frame: ByteBuffer) throws -> Reply {
        guard let payload = payload(of: frame) else {
            throw PickleError(code: .invalidValue, message: "not one whole frame: \(frame.readableBytes) bytes")
        }
        return try Reply(try PickleReader().read(payload))
    }
}
