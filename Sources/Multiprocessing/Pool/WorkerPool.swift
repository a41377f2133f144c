#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pickle

/// A pool of worker processes that run ``PoolTask``s: Python's `multiprocessing.Pool`.
///
/// Workers are this executable started again in the role of pool worker (see ``ProcessRole``), so the program's
/// `main` must begin with ``ProcessRole/bootstrap(tasks:)`` listing the pool's tasks.
///
/// ```swift
/// await ProcessRole.bootstrap(tasks: [Square.self])
///
/// try await withWorkerPool(processes: 4) { pool in
///     let result = try pool.applyAsync(Square.self, 7)
///     print(try await result.get(timeout: .seconds(5)))        // 49
///     print(try await pool.map(Square.self, [1, 2, 3]))        // [1, 4, 9]
///     for try await square in pool.imapUnordered(Square.self, Array(0..<100)) { … }
/// }
/// ```
///
/// ## Failures
/// An error a task throws fails that task only: ``WorkerPoolError/Code/taskFailed`` carries the error's type name
/// and message. A worker that crashes or is killed mid-task fails its task with
/// ``WorkerPoolError/Code/workerDied`` (naming the job, the pid and the signal) and is replaced; the pool goes on.
///
/// ## Ending
/// ``close()`` takes no more work and ``join()`` waits until the submitted work is done and the workers have
/// exited. ``terminate()`` stops the workers at once and fails unfinished work with
/// ``WorkerPoolError/Code/terminated``.
public final class WorkerPool: Sendable {
    private let workers: PoolWorkers
    private let manager: ManagerClient?

    /// Starts a pool of `processes` workers.
    ///
    /// - Parameters:
    ///   - processes: How many workers; defaults to the number of online processors.
    ///   - manager: The manager whose proxies inputs and outputs contain. Defaults, per submission, to the
    ///     manager of the first proxy found in the input.
    ///   - initializer: Work each worker runs once as it starts.
    ///   - maxTasksPerChild: How many jobs (chunks) a worker runs before it is replaced by a fresh one; `nil`
    ///     keeps workers for the life of the pool.
    ///   - executable: The program to start as workers. Defaults to this executable.
    /// - Throws: ``WorkerPoolError`` with ``WorkerPoolError/Code/spawnFailed`` if the workers cannot be started,
    ///   or ``WorkerPoolError/Code/conversion`` if the initializer's arguments cannot be encoded.
    public init(
        processes: Int? = nil,
        manager: ManagerClient? = nil,
        initializer: PoolInitializer? = nil,
        maxTasksPerChild: Int? = nil,
        executable: String? = nil
    ) throws(WorkerPoolError) {
        let count = max(1, processes ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var message: PythonValue = .tuple([.string("init"), .none, .none, .none])
        if let initializer {
            let arguments: PythonValue
            do {
                arguments = try initializer.encode()
            } catch {
                throw WorkerPoolError(
                    code: .conversion,
                    message: "cannot convert the arguments of the initializer \(initializer.taskName): \(error)"
                )
            }
            let credentials = (initializer.manager ?? manager).map(ManagerCredentials.init)
            message = .tuple([
                .string("init"), .string(initializer.taskName), arguments, credentials?.pythonValue ?? .none,
            ])
        }
        self.manager = manager
        self.workers = PoolWorkers(
            processes: count,
            executable: executable,
            maxTasksPerChild: maxTasksPerChild.map { max(1, $0) },
            initializerMessage: message
        )
        try self.workers.start()
    }

    /// The number of worker processes.
    public var processes: Int { self.workers.processes }

    /// The process ids of the workers running now.
    public var workerPIDs: [Int32] { self.workers.workerPIDs }

    /// Takes no more work; work already submitted still runs (Python's `close()`).
    public func close() {
        self.workers.close()
    }

    /// Waits until the submitted work is done and every worker has exited. Call ``close()`` or ``terminate()``
    /// first, or this waits forever (Python's `join()`, which raises `ValueError` instead).
    ///
    /// - Parameter timeout: How long to wait; `nil` waits as long as it takes.
    /// - Returns: Whether the workers exited within `timeout`.
    @discardableResult
    public func join(timeout: Duration? = nil) async -> Bool {
        await self.workers.finished.wait(timeout: timeout) != nil
    }

    /// Stops the workers at once with `SIGTERM`; unfinished work fails with ``WorkerPoolError/Code/terminated``
    /// (Python's `terminate()`). Follow with ``join(timeout:)`` to wait for the workers to exit.
    public func terminate() {
        self.workers.terminate()
    }

    /// Sends one job of `inputs` for `Task` and calls `complete` with the outputs.
    func submit<Task: PoolTask>(
        _ task: Task.Type,
        _ inputs: [Task.Input],
        complete: @escaping @Sendable (PoolJob.Outcome) -> Void
    ) throws(WorkerPoolError) {
        var encoded: [PythonValue] = []
        encoded.reserveCapacity(inputs.count)
        for input in inputs {
            do {
                encoded.append(try PythonValueEncoder().encode(input))
            } catch {
                throw WorkerPoolError(code: .conversion, message: "cannot convert an input of \(Task.name): \(error)")
            }
        }
        let manager = self.manager ?? inputs.lazy.compactMap { ManagerCredentials.discover(in: $0) }.first
        let job = PoolJob(
            id: self.workers.makeJobID(),
            taskName: Task.name,
            inputs: encoded,
            manager: manager.map(ManagerCredentials.init),
            retained: inputs,
            complete: complete
        )
        guard self.workers.submit(job) else {
            throw WorkerPoolError(code: .closed, message: "the pool is closed or terminated and takes no new work")
        }
    }

    /// Converts an output to `Output`, through the manager when it holds proxies.
    func decoder<Output: Decodable & Sendable>(_ type: Output.Type) -> @Sendable (PythonValue) async throws(
        WorkerPoolError
    ) -> Output {
        let manager = self.manager
        return { (value: PythonValue) async throws(WorkerPoolError) -> Output in
            do {
                if let manager, value.mayContainProxy {
                    return try await manager.decode(Output.self, from: value)
                }
                return try PythonValueDecoder().decode(Output.self, from: value)
            } catch {
                throw WorkerPoolError(code: .conversion, message: "cannot read \(Output.self) from a result: \(error)")
            }
        }
    }
}
