/// A function a ``WorkerPool`` applies in its worker processes: Python's `pool.apply(func, args)` with `func` as
/// a registered type.
///
/// ```swift
/// struct Square: PoolTask {
///     static func run(_ input: Int) async throws -> Int { input * input }
/// }
///
/// await ProcessRole.bootstrap(tasks: [Square.self])      // first line of main.swift
/// let squares = try await withWorkerPool(processes: 4) { pool in
///     try await pool.map(Square.self, Array(0..<10))
/// }
/// ```
///
/// Inputs and outputs cross between processes as pickles; managed proxies inside an input arrive in the worker
/// as working proxies of the same objects.
public protocol PoolTask: SpawnableTask {
    /// What the task takes.
    associatedtype Input: Codable & Sendable
    /// What the task returns.
    associatedtype Output: Codable & Sendable

    /// Runs the task in a worker. A thrown error fails this task (not the worker): the caller receives a
    /// ``WorkerPoolError`` with the error's type name and message.
    static func run(_ input: Input) async throws -> Output
}
