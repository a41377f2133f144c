import ManagerWire

/// What one server connection may hold in memory: the size of a reply, the requests queued behind a parked call,
/// and the replies written but not yet taken by the client.
struct ServerConnectionLimits: Sendable {
    /// The most bytes one reply's pickle may take; a larger reply is answered with a `MemoryError` instead.
    ///
    /// Always at most ``FrameEncoder/maximumPayloadSize``, so a reply always fits in one buffer and one frame.
    var maxReplySize: Int
    /// How many requests may queue behind a busy method channel before reading pauses.
    var maxQueuedRequests: Int
    /// How many bytes of requests may queue behind a busy method channel before reading pauses. A single request
    /// larger than this is still served: it is queued, reading pauses, and reading resumes once it is dispatched.
    var maxQueuedRequestBytes: Int
    /// The write-buffer high water mark: above it the channel is not writable and reading pauses.
    var writeBufferHighWaterMark: Int
    /// The write-buffer low water mark: below it the channel is writable again and reading resumes.
    var writeBufferLowWaterMark: Int

    /// Limits with the given values, each raised to at least 1 and the reply size lowered to what a frame holds.
    init(
        maxReplySize: Int = 1 << 30,
        maxQueuedRequests: Int = 1024,
        maxQueuedRequestBytes: Int = 4 << 20,
        writeBufferHighWaterMark: Int = 1 << 20,
        writeBufferLowWaterMark: Int = 256 << 10
    ) {
        self.maxReplySize = min(max(maxReplySize, 1), FrameEncoder.maximumPayloadSize)
        self.maxQueuedRequests = max(maxQueuedRequests, 1)
        self.maxQueuedRequestBytes = max(maxQueuedRequestBytes, 1)
        let high = max(writeBufferHighWaterMark, 1)
        self.writeBufferHighWaterMark = high
        self.writeBufferLowWaterMark = min(max(writeBufferLowWaterMark, 0), high)
    }
}
