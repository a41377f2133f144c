import Pickle
import Synchronization

extension WorkerPool {
    /// Runs `task` on `input` in a worker and waits for its output (Python's `apply`).
    ///
    /// - Throws: ``WorkerPoolError``: the task threw, its worker died, or the pool is closed.
    public func apply<Task: PoolTask>(_ task: Task.Type, _ input: Task.Input) async throws(WorkerPoolError)
        -> Task.Output
    {
        try await self.applyAsync(task, input).get()
    }

    /// Sends `task` with `input` to a worker and returns at once (Python's `apply_async`).
    ///
    /// - Throws: ``WorkerPoolError`` with ``WorkerPoolError/Code/closed`` if the pool takes no new work, or
    ///   ``WorkerPoolError/Code/conversion`` if the input cannot be encoded.
    public func applyAsync<Task: PoolTask>(_ task: Task.Type, _ input: Task.Input) throws(WorkerPoolError)
        -> AsyncResult<Task.Output>
    {
        let decode = self.decoder(Task.Output.self)
        let result = AsyncResult<Task.Output> { (values: [PythonValue]) async throws(WorkerPoolError) in
            guard let value = values.first else {
                throw WorkerPoolError(code: .conversion, message: "the worker returned no result for \(Task.name)")
            }
            return try await decode(value)
        }
        try self.submit(task, [input]) { outcome in result.completion.resolve(outcome) }
        return result
    }

    /// Runs `task` on every input, in chunks, and returns the outputs in input order (Python's `map`).
    ///
    /// - Parameter chunksize: How many inputs go to a worker in one message; defaults to Python's choice
    ///   (about four chunks per worker).
    /// - Throws: ``WorkerPoolError`` for the first input that failed.
    public func map<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: some Sequence<Task.Input>,
        chunksize: Int? = nil
    ) async throws(WorkerPoolError) -> [Task.Output] {
        try await self.mapAsync(task, inputs, chunksize: chunksize).get()
    }

    /// Sends every input to the workers, in chunks, and returns at once (Python's `map_async`).
    public func mapAsync<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: some Sequence<Task.Input>,
        chunksize: Int? = nil
    ) throws(WorkerPoolError) -> AsyncResult<[Task.Output]> {
        let chunks = self.chunks(Array(inputs), chunksize: chunksize)
        let decode = self.decoder(Task.Output.self)
        let result = AsyncResult<[Task.Output]> { (values: [PythonValue]) async throws(WorkerPoolError) in
            var outputs: [Task.Output] = []
            outputs.reserveCapacity(values.count)
            for value in values { outputs.append(try await decode(value)) }
            return outputs
        }
        guard !chunks.isEmpty else {
            result.completion.resolve(.success([]))
            return result
        }
        let gathered = Mutex<[Int: [PythonValue]]>([:])
        for (index, chunk) in chunks.enumerated() {
            try self.submit(task, chunk) { outcome in
                switch outcome {
                case .failure(let error):
                    result.completion.resolve(.failure(error))
                case .success(let values):
                    let all: [PythonValue]? = gathered.withLock { gathered in
                        gathered[index] = values
                        guard gathered.count == chunks.count else { return nil }
                        return (0..<chunks.count).flatMap { gathered[$0] ?? [] }
                    }
                    if let all { result.completion.resolve(.success(all)) }
                }
            }
        }
        return result
    }

    /// Python's `starmap`. A Swift task's `Input` already holds all its arguments (a struct where Python
    /// unpacks a tuple), so this is ``map(_:_:chunksize:)`` under Python's name, for ported code.
    public func starmap<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: some Sequence<Task.Input>,
        chunksize: Int? = nil
    ) async throws(WorkerPoolError) -> [Task.Output] {
        try await self.map(task, inputs, chunksize: chunksize)
    }

    /// Python's `starmap_async`: ``mapAsync(_:_:chunksize:)`` under Python's name.
    public func starmapAsync<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: some Sequence<Task.Input>,
        chunksize: Int? = nil
    ) throws(WorkerPoolError) -> AsyncResult<[Task.Output]> {
        try self.mapAsync(task, inputs, chunksize: chunksize)
    }

    /// Splits inputs into chunks: `chunksize` each, or Python's default of about four chunks per worker.
    func chunks<Input>(_ inputs: [Input], chunksize: Int?) -> [[Input]] {
        guard !inputs.isEmpty else { return [] }
        var size = chunksize ?? 0
        if size < 1 {
            let (quotient, remainder) = inputs.count.quotientAndRemainder(dividingBy: self.processes * 4)
            size = max(1, quotient + (remainder > 0 ? 1 : 0))
        }
        return stride(from: 0, to: inputs.count, by: size).map { Array(inputs[$0..<min($0 + size, inputs.count)]) }
    }
}
