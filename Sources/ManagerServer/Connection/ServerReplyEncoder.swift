import ManagerWire
import NIOCore
import Pickle

/// Turns one connection's replies into whole frames (header and pickle), reusing its buffers between replies.
///
/// A reply is pickled into a scratch array kept from reply to reply, then framed into a `ByteBuffer` that is also
/// kept: once the channel has written the previous reply, the buffer is uniquely owned
/// again and the next reply reuses its storage, so a steady request/reply exchange allocates nothing here. The
/// frame of `('#RETURN', None)`, the most common reply (every `__setitem__`, `append`, `release`), is built once
/// per process and shared.
///
/// A reply larger than ``ServerConnectionLimits/maxReplySize`` is not pickled past the limit: the client gets a
/// `MemoryError` saying so, and the connection goes on.
struct ServerReplyEncoder {
    /// Writes replies, stopping early at the reply size limit.
    private let writer: PickleWriter
    /// The reply size limit, for the `MemoryError` text.
    private let maxReplySize: Int
    /// Reused for each reply's pickle.
    private var scratch: [UInt8] = []
    /// Reused for each reply's frame while the channel is not still holding the previous one.
    private var frame: ByteBuffer

    /// The largest capacity kept between replies; larger buffers are released after their reply.
    static let keptCapacity = 4096

    /// The frame of `('#RETURN', None)`.
    static let returnedNoneFrame: ByteBuffer = {
        var bytes: [UInt8] = []
        // Writing a constant with no limit cannot fail; an empty payload would only ever be a visible bug.
        try? PickleWriter(protocolVersion: 4).writePair(.string(Reply.Kind.returned), .none, appendingTo: &bytes)
        var frame = ByteBuffer()
        FrameEncoder.writeFrame(payload: bytes, into: &frame)
        return frame
    }()

    /// An encoder for replies of at most `maxReplySize` pickled bytes.
    init(maxReplySize: Int) {
        self.writer = PickleWriter(protocolVersion: 4, maximumOutputSize: maxReplySize)
        self.maxReplySize = maxReplySize
        self.frame = ByteBuffer()
    }

    /// The reply's frame: its header, then its pickle.
    mutating func frame(for reply: StoreReply, tokenAddress: PythonValue) -> ByteBuffer {
        if case .returned(.none) = reply {
            return Self.returnedNoneFrame
        }
        self.scratch.removeAll(keepingCapacity: true)
        do {
            try reply.wireReply(tokenAddress: tokenAddress).write(with: self.writer, appendingTo: &self.scratch)
        } catch {
            self.scratch.removeAll(keepingCapacity: true)
            try? self.failureReply(for: error).write(with: PickleWriter(), appendingTo: &self.scratch)
        }
        // Unique again once the channel has written the previous reply: then clearing keeps the storage.
        // The writer stops at the reply size limit, itself below `maximumPayloadSize`: the sum fits a ByteBuffer.
        self.frame.clear(minimumCapacity: min(self.scratch.count, FrameEncoder.maximumPayloadSize) + 12)
        FrameEncoder.writeFrame(payload: self.scratch, into: &self.frame)
        let framed = self.frame
        if self.scratch.capacity > Self.keptCapacity {
            self.scratch = []
        }
        if self.frame.capacity > Self.keptCapacity {
            self.frame = ByteBuffer()
        }
        return framed
    }

    /// What the client gets when its reply cannot be pickled: a `MemoryError` for a reply over the size limit,
    /// else CPython's unserializable reply.
    private func failureReply(for error: PickleError) -> Reply {
        guard error.code == .limitExceeded else {
            let text = TracebackText.format(.typeError("cannot pickle the result: \(error)"), context: "serve_client")
            return .unserializable(text)
        }
        let message = "the reply is larger than this server's limit of \(self.maxReplySize) bytes (--max-reply-size); "
            + "ask for less at a time (a slice, or one item at a time) or start the server with a larger limit"
        return .error(PythonException.builtin("MemoryError", message).value)
    }
}
