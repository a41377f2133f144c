import Pickle
import Synchronization

extension WorkerPool {
    /// Runs `task` on every input and yields the outputs in input order as they become available
    /// (Python's `imap`).
    ///
    /// - Parameter chunksize: How many inputs go to a worker in one message (default 1, as in Python).
    /// - Returns: The outputs; iterating throws the first failure. If the pool is closed, iterating throws
    ///   ``WorkerPoolError/Code/closed``.
    public func imap<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: some Sequence<Task.Input>,
        chunksize: Int = 1
    ) -> PoolResultSequence<Task.Output> {
        self.iterate(task, Array(inputs), chunksize: chunksize, ordered: true)
    }

    /// Runs `task` on every input and yields the outputs in the order they finish (Python's `imap_unordered`).
    public func imapUnordered<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: some Sequence<Task.Input>,
        chunksize: Int = 1
    ) -> PoolResultSequence<Task.Output> {
        self.iterate(task, Array(inputs), chunksize: chunksize, ordered: false)
    }

    private func iterate<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: [Task.Input],
        chunksize: Int,
        ordered: Bool
    ) -> PoolResultSequence<Task.Output> {
        let (stream, continuation) = AsyncThrowingStream<PythonValue, any Error>.makeStream()
        let chunks = self.chunks(inputs, chunksize: max(1, chunksize))
        let delivery = Mutex(ChunkDelivery(total: chunks.count))
        if chunks.isEmpty { continuation.finish() }
        for (index, chunk) in chunks.enumerated() {
            do {
                try self.submit(task, chunk) { outcome in
                    delivery.withLock { delivery in
                        delivery.received(outcome, chunk: index, ordered: ordered, continuation: continuation)
                    }
                }
            } catch {
                continuation.finish(throwing: error)
                break
            }
        }
        return PoolResultSequence(stream: stream, decode: self.decoder(Task.Output.self))
    }
}

/// Hands chunk outputs to an iterating caller: in input order (buffering chunks that finish early) or as they
/// come.
private struct ChunkDelivery {
    let total: Int
    var buffered: [Int: [PythonValue]] = [:]
    var nextChunk = 0
    var delivered = 0
    var isFinished = false

    init(total: Int) {
        self.total = total
    }

    mutating func received(
        _ outcome: PoolJob.Outcome,
        chunk: Int,
        ordered: Bool,
        continuation: AsyncThrowingStream<PythonValue, any Error>.Continuation
    ) {
        guard !self.isFinished else { return }
        switch outcome {
        case .failure(let error):
            self.isFinished = true
            continuation.finish(throwing: error)
            return
        case .success(let values):
            if ordered {
                self.buffered[chunk] = values
                while let next = self.buffered.removeValue(forKey: self.nextChunk) {
                    for value in next { continuation.yield(value) }
                    self.nextChunk += 1
                    self.delivered += 1
                }
            } else {
                for value in values { continuation.yield(value) }
                self.delivered += 1
            }
        }
        if self.delivered == self.total {
            self.isFinished = true
            continuation.finish()
        }
    }
}
