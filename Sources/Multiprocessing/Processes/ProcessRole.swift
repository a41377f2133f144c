#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The part this process plays: the program the user started, a ``ChildProcess``, or a ``WorkerPool`` worker.
///
/// Children are spawned, not forked: a child is this executable started again with the environment variable
/// `SWIFT_MULTIPROCESSING_ROLE` naming its role (and nothing else; its instructions arrive on a private channel).
/// The program's entry point must hand control to the library before doing anything else, as Python's spawn
/// start method re-imports the main module:
///
/// ```swift
/// // main.swift: the first line of the program
/// await ProcessRole.bootstrap(tasks: [Producer.self, Consumer.self, Square.self])
/// ```
public enum ProcessRole: String, Sendable {
    /// The program as the user started it.
    case main
    /// A child started by ``ChildProcess/start(_:arguments:manager:executable:)``.
    case child
    /// A worker of a ``WorkerPool``.
    case poolWorker = "pool-worker"

    /// This process's role, from its environment.
    public static var current: ProcessRole {
        guard let value = getenv(Spawner.roleVariable) else { return .main }
        return ProcessRole(rawValue: String(cString: value)) ?? .main
    }

    /// Runs this process's role: in a child or a pool worker, runs the work the parent sent and exits; in the
    /// program the user started, returns at once.
    ///
    /// Call it first thing in `main`, before the program starts managers or prints anything.
    ///
    /// - Parameter tasks: Every ``ProcessTask`` and ``PoolTask`` this program starts in a child or applies in a
    ///   pool. A child asked for an unregistered task exits with code 2 and says which.
    public static func bootstrap(tasks: [any SpawnableTask.Type]) async {
        let role = Self.current
        guard role != .main else { return }
        // Processes this child starts in turn set their own role.
        unsetenv(Spawner.roleVariable)
        let registry = TaskRegistry(tasks)
        let status: Int32
        switch role {
        case .main:
            return
        case .child:
            status = await ChildRuntime(registry: registry).run()
        case .poolWorker:
            status = await PoolWorkerRuntime(registry: registry).run()
        }
        fflush(nil)
        exit(status)
    }
}

/// The tasks a program registered, by name.
struct TaskRegistry {
    private let tasks: [String: any SpawnableTask.Type]

    init(_ tasks: [any SpawnableTask.Type]) {
        var byName: [String: any SpawnableTask.Type] = [:]
        for task in tasks {
            byName[task.name] = task
        }
        self.tasks = byName
    }

    /// The task registered under `name`.
    func task(named name: String) -> (any SpawnableTask.Type)? {
        self.tasks[name]
    }

    /// The registered names, sorted, for error messages.
    var names: [String] { self.tasks.keys.sorted() }
}
