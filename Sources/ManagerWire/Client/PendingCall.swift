import NIOCore

/// A pickled request on its way to the ``RequestReplyHandler``, with the promise its reply completes.
struct PendingCall: Sendable {
    /// The pickled request.
    var payload: ByteBuffer
    /// Completed with the reply, or failed if the connection ends first.
    var promise: EventLoopPromise<Reply>
}
