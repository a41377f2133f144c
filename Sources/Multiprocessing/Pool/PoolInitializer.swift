import Pickle

/// Work each ``WorkerPool`` worker runs once when it starts, before any task: Python's `initializer=` and
/// `initargs=`.
///
/// ```swift
/// let pool = try WorkerPool(processes: 4, initializer: .task(OpenDatabase.self, arguments: path))
/// ```
///
/// If the initializer throws, the worker prints the error and exits; tasks sent to it fail with
/// ``WorkerPoolError/Code/workerDied``.
public struct PoolInitializer: Sendable {
    let taskName: String
    let encode: @Sendable () throws -> PythonValue
    let manager: ManagerClient?

    /// Runs `task` with `arguments` in every worker as it starts.
    ///
    /// - Parameter manager: The manager for proxies in `arguments`; defaults to the first proxy's manager.
    public static func task<Task: ProcessTask>(
        _ task: Task.Type,
        arguments: Task.Arguments,
        manager: ManagerClient? = nil
    ) -> PoolInitializer {
        PoolInitializer(
            taskName: Task.name,
            encode: { try PythonValueEncoder().encode(arguments) },
            manager: manager ?? ManagerCredentials.discover(in: arguments)
        )
    }
}
