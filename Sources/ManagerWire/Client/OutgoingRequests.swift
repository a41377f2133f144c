import NIOCore
import Synchronization

/// Requests on their way from calling tasks to a connection's event loop, each with the waiter its reply resumes
/// (a continuation, for ``RequestReplyHandler``).
///
/// Callers frame their pickled requests into one shared buffer from any thread. The first request of a burst asks
/// its caller to schedule a drain on the event loop; the drain takes everything queued by the time it runs and the
/// ``RequestReplyHandler`` writes it with one flush. A burst of concurrent calls therefore costs one hop to the
/// loop and one `write` system call, not one of each per call.
///
/// Bytes and waiters are appended in the same critical section, so the order of the waiters is the
/// order of the requests on the wire, which is the order of the replies. This type holds state only; it does no
/// I/O.
final class OutgoingRequests<Waiter: Sendable>: Sendable {
    /// What the caller of ``enqueue(_:waiter:)`` must do next.
    enum EnqueueAction {
        /// The request opened a burst: schedule one drain on the event loop.
        case scheduleDrain
        /// A drain is already scheduled and will take this request too.
        case none
        /// The connection has ended; resume the waiter with this error (the request was not queued).
        case fail(WireError)
    }

    private struct State {
        var frames = ByteBuffer()
        var waiters: [Waiter] = []
        var drainScheduled = false
        var terminalError: WireError?
    }

    private let state = Mutex(State())

    /// Queues one request, framed as CPython's `multiprocessing.connection` frames it, with its waiter.
    func enqueue(_ payload: [UInt8], waiter: Waiter) -> EnqueueAction {
        self.state.withLock { state in
            if let terminalError = state.terminalError {
                return .fail(terminalError)
            }
            FrameEncoder.writeHeader(payloadLength: payload.count, into: &state.frames)
            state.frames.writeBytes(payload)
            state.waiters.append(waiter)
            if state.drainScheduled {
                return .none
            }
            state.drainScheduled = true
            return .scheduleDrain
        }
    }

    /// Takes every queued request and its waiter; the next ``enqueue(_:waiter:)`` opens a new burst.
    func drain() -> (frames: ByteBuffer, waiters: [Waiter]) {
        self.state.withLock { state in
            state.drainScheduled = false
            defer {
                state.frames = ByteBuffer()
                state.waiters = []
            }
            return (state.frames, state.waiters)
        }
    }

    /// Ends the queue: later requests fail with `error`, or with the error that ended it first.
    ///
    /// - Returns: The error the connection ended with (the first one given) and the waiters of the requests that
    ///   were queued but never written.
    func close(_ error: WireError) -> (error: WireError, unsent: [Waiter]) {
        self.state.withLock { state in
            let terminalError = state.terminalError ?? error
            state.terminalError = terminalError
            defer {
                state.frames = ByteBuffer()
                state.waiters = []
            }
            return (terminalError, state.waiters)
        }
    }
}
