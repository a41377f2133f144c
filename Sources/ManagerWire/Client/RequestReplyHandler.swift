import NIOCore

/// Writes a client connection's requests and hands each reply frame to the call that is waiting for it.
///
/// The protocol answers the requests of one connection in order, so requests may be pipelined: the waiters of the
/// requests written join a FIFO, and each reply frame resumes the oldest. Replies are handed over undecoded; each
/// caller decodes its own, so the event loop only moves bytes.
///
/// - Requests come from ``OutgoingRequests``: ``writeQueuedRequests()``, run on the loop once per burst, writes all
///   of them with one flush.
/// - A reply with no outstanding request is a protocol violation: every call fails and the connection closes.
/// - When the connection closes (or fails) every outstanding and queued call fails with
///   ``WireError/Code-swift.struct/connectionClosed`` (or the error), and later calls fail at once.
///
/// The handler frames requests itself (several to a buffer), so it sits behind the connection's `FrameEncoder`,
/// which the connection removes once the handshake is over.
final class RequestReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    /// Resumed with a reply's frame, or with the error that ended the connection first.
    typealias Waiter = UnsafeContinuation<ByteBuffer, any Error>

    private var pending = CircularBuffer<Waiter>(initialCapacity: 16)
    private let requests: OutgoingRequests<Waiter>
    private var context: ChannelHandlerContext?

    /// A handler that writes the requests queued in `requests`.
    init(requests: OutgoingRequests<Waiter>) {
        self.requests = requests
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.failAll(.connectionClosed(during: "while calls were outstanding"))
        self.context = nil
    }

    /// Writes every request queued so far, with one flush. Runs on the connection's event loop.
    func writeQueuedRequests() {
        let (frames, waiters) = self.requests.drain()
        guard !waiters.isEmpty else { return }
        guard let context = self.context else {
            let error = WireError.connectionClosed(during: "before the request was written")
            for waiter in waiters { waiter.resume(throwing: error) }
            return
        }
        self.pending.append(contentsOf: waiters)
        let written = context.eventLoop.makePromise(of: Void.self)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenFailure { error in
            let handler = loopBoundSelf.value
            handler.failAll(
                WireError(
                    code: .connectionClosed,
                    message: "a request could not be written to the manager; the connection is closed",
                    underlying: error
                )
            )
            handler.context?.close(promise: nil)
        }
        context.writeAndFlush(Self.wrapOutboundOut(frames), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let waiter = self.pending.popFirst() else {
            self.failAll(
                WireError(
                    code: .protocolViolation,
                    message: "the manager sent a reply that no request asked for; the connection was closed"
                )
            )
            context.close(promise: nil)
            return
        }
        waiter.resume(returning: Self.unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(.connectionClosed(during: "while calls were outstanding"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let wireError =
            (error as? WireError)
            ?? WireError(code: .connectionClosed, message: "the connection to the manager failed", underlying: error)
        self.failAll(wireError)
        context.close(promise: nil)
    }

    /// Fails every outstanding, queued and future call with `error` (or the first error that ended the connection).
    private func failAll(_ error: WireError) {
        let (terminalError, unsent) = self.requests.close(error)
        while let waiter = self.pending.popFirst() {
            waiter.resume(throwing: terminalError)
        }
        for waiter in unsent {
            waiter.resume(throwing: terminalError)
        }
    }
}

@available(*, unavailable)
extension RequestReplyHandler: Sendable {}
