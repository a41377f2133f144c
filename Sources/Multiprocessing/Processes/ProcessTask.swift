/// A unit of work that a child process of this program can run, registered with
/// ``ProcessRole/bootstrap(tasks:)``.
///
/// Both ``ProcessTask`` (a child process's whole job) and ``PoolTask`` (a function a ``WorkerPool`` applies)
/// refine this protocol, so one list registers both kinds.
public protocol SpawnableTask: SendableMetatype {
    /// The name the task is registered and sent under. Defaults to the type's name; it must be unique among the
    /// tasks registered with ``ProcessRole/bootstrap(tasks:)``.
    static var name: String { get }
}

extension SpawnableTask {
    /// The type's name, for example `"Producer"`.
    public static var name: String { String(describing: Self.self) }
}

/// The work a ``ChildProcess`` runs: Python's `Process(target=…, args=…)` as a type.
///
/// Swift cannot send a closure to another process, so the target is a registered type and its arguments are a
/// `Codable` value, which may hold managed proxies: the child receives working proxies of the same objects.
///
/// ```swift
/// struct Producer: ProcessTask {
///     static func run(_ queue: QueueProxy<Int>) async throws {
///         for item in 0..<10 { try await queue.put(item) }
///     }
/// }
///
/// // At the top of main.swift:
/// await ProcessRole.bootstrap(tasks: [Producer.self])
///
/// let child = try ChildProcess.start(Producer.self, arguments: queue)
/// let status = await child.join()
/// ```
public protocol ProcessTask: SpawnableTask {
    /// The value the task receives, sent to the child as a pickle.
    associatedtype Arguments: Codable & Sendable

    /// Runs the task in the child process. Returning ends the child with exit code 0; a thrown error is printed
    /// to standard error as `TypeName: message` and ends the child with exit code 1.
    static func run(_ arguments: Arguments) async throws
}
