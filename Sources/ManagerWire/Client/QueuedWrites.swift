import Synchronization

/// Counts the requests on their way from callers' threads to a connection's event loop, so that a burst of
/// concurrent calls leaves in one flush (one `write` system call) instead of one flush per request.
///
/// A caller announces a request with ``willWrite()`` before handing it to the channel; the
/// ``RequestReplyHandler`` calls ``didWrite()`` as each one reaches it on the loop and flushes when it returns
/// `true`. Every request is thereby flushed by the last one of its burst: while the count is above zero another
/// request is still on its way and will flush what was written before it.
final class QueuedWrites: Sendable {
    private let count = Atomic<Int>(0)

    /// Records a request about to be written, from any thread.
    func willWrite() {
        self.count.add(1, ordering: .sequentiallyConsistent)
    }

    /// Records a request written on the loop; returns whether it was the last one announced (or was never
    /// announced), so the handler should flush now.
    func didWrite() -> Bool {
        self.count.subtract(1, ordering: .sequentiallyConsistent).newValue <= 0
    }
}
