import NIOCore
import Pickle

/// Matches replies to requests on a client connection.
///
/// The protocol answers the requests of one connection in order, so requests may be pipelined: each request's
/// promise joins a FIFO when the request is written, and each reply frame completes the oldest promise. Replies
/// are decoded here, on the connection's event loop.
///
/// - A reply that cannot be decoded fails its own call with ``WireError/Code-swift.struct/malformedMessage``; the
///   connection stays usable because the frame boundaries are intact.
/// - A reply with no outstanding request is a protocol violation: every call fails and the connection closes.
/// - When the connection closes (or fails) every outstanding call fails with
///   ``WireError/Code-swift.struct/connectionClosed`` (or the error), and later calls fail at once.
/// - Requests are flushed when the last one announced in ``QueuedWrites`` has been written, so a burst of
///   concurrent calls leaves in one system call; callers write without flushing.
final class RequestReplyHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PendingCall
    typealias OutboundOut = ByteBuffer

    private var pending = CircularBuffer<EventLoopPromise<Reply>>(initialCapacity: 16)
    private var terminalError: WireError?
    private let reader: PickleReader
    private let queuedWrites: QueuedWrites

    /// A handler that decodes replies with `reader` and flushes when `queuedWrites` says a burst is complete.
    init(reader: PickleReader = PickleReader(), queuedWrites: QueuedWrites) {
        self.reader = reader
        self.queuedWrites = queuedWrites
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = Self.unwrapOutboundIn(data)
        let endsBurst = self.queuedWrites.didWrite()
        if let terminalError = self.terminalError {
            call.promise.fail(terminalError)
            promise?.fail(terminalError)
            return
        }
        self.pending.append(call.promise)
        let writePromise = promise ?? context.eventLoop.makePromise(of: Void.self)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        writePromise.futureResult.whenFailure { error in
            loopBoundSelf.value.failAll(
                WireError(
                    code: .connectionClosed,
                    message: "a request could not be written to the manager; the connection is closed",
                    underlying: error
                ),
                context: loopBoundContext.value
            )
        }
        context.write(Self.wrapOutboundOut(call.payload), promise: writePromise)
        if endsBurst {
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard let promise = self.pending.popFirst() else {
            self.failAll(
                WireError(
                    code: .protocolViolation,
                    message: "the manager sent a reply that no request asked for; the connection was closed"
                ),
                context: context
            )
            return
        }
        let reader = self.reader
        let value: PythonValue
        do {
            value = try frame.withUnsafeReadableBytes { bytes in try reader.read(bytes) }
        } catch {
            promise.fail(
                WireError.malformedMessage(
                    "the manager's reply is not a pickle this package can read",
                    underlying: error
                )
            )
            return
        }
        do {
            promise.succeed(try Reply(value))
        } catch {
            promise.fail(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(.connectionClosed(during: "while calls were outstanding"), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let wireError =
            (error as? WireError)
            ?? WireError(code: .connectionClosed, message: "the connection to the manager failed", underlying: error)
        self.failAll(wireError, context: context)
    }

    /// Fails every outstanding and future call with `error` and closes the connection.
    private func failAll(_ error: WireError, context: ChannelHandlerContext) {
        if self.terminalError == nil {
            self.terminalError = error
        }
        let failure = self.terminalError ?? error
        while let promise = self.pending.popFirst() {
            promise.fail(failure)
        }
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RequestReplyHandler: Sendable {}
