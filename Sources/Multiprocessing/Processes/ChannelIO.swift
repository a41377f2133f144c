#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pickle

/// Blocking, framed messages on the socket between a parent and a child: a 4-byte big-endian length, then a pickle
/// of one ``PythonValue`` (the framing CPython's `multiprocessing.connection` uses for short messages).
///
/// Only ever called from a thread of its own (``BlockingThread``) or from a child's main thread.
enum ChannelIO {
    /// The largest message accepted, to keep a corrupt length from allocating without bound.
    static let maximumMessageSize = 1 << 30

    /// Why a message could not be sent or read.
    enum Failure: Error, CustomStringConvertible {
        /// The other side closed the channel (the process ended).
        case closed
        /// A system call failed.
        case system(String, Int32)
        /// The bytes are not a message.
        case malformed(String)

        var description: String {
            switch self {
            case .closed: return "the channel was closed"
            case .system(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
            case .malformed(let reason): return "malformed message: \(reason)"
            }
        }
    }

    /// Closes a channel's descriptor.
    static func closeChannel(_ descriptor: Int32) {
        _ = close(descriptor)
    }

    /// Pickles `value` and sends it as one frame.
    static func send(_ value: PythonValue, on descriptor: Int32) throws(Failure) {
        let body: [UInt8]
        do {
            body = try PickleWriter().write(value)
        } catch {
            throw .malformed("cannot pickle the message: \(error)")
        }
        guard body.count <= Self.maximumMessageSize else {
            throw .malformed("a message of \(body.count) bytes is larger than \(Self.maximumMessageSize)")
        }
        let count = UInt32(body.count)
        var frame: [UInt8] = [UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)]
        frame += body
        try Self.writeAll(frame, to: descriptor)
    }

    /// Reads one frame and unpickles it; `nil` when the channel closed between frames.
    static func receive(on descriptor: Int32) throws(Failure) -> PythonValue? {
        guard let header = try Self.readExactly(4, from: descriptor) else { return nil }
        let count = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard count <= Self.maximumMessageSize else {
            throw .malformed("a frame claims \(count) bytes")
        }
        guard let body = try Self.readExactly(count, from: descriptor) else { throw .closed }
        do {
            return try PickleReader().read(body)
        } catch {
            throw .malformed("cannot unpickle the message: \(error)")
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemSend(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { throw .closed }
                throw .system("send", errno)
            }
            offset += written
        }
    }

    /// Reads exactly `count` bytes; `nil` if the channel closed before the first byte.
    private static func readExactly(_ count: Int, from descriptor: Int32) throws(Failure) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let received = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + offset, count - offset)
            }
            if received < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { throw .closed }
                throw .system("read", errno)
            }
            if received == 0 {
                if offset == 0 { return nil }
                throw .closed
            }
            offset += received
        }
        return bytes
    }
}

/// `send` without `SIGPIPE`: a closed channel is an error to handle, not a signal that ends the process.
private func systemSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if os(Linux)
    return send(descriptor, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    return send(descriptor, bytes, count, 0)
    #endif
}
