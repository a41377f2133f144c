/// Runs `body` with a new ``WorkerPool`` and ends the pool afterwards.
///
/// When `body` returns, the pool is closed and joined: work submitted without waiting still finishes (Python's
/// `with Pool() as pool:` terminates instead, which loses that work). When `body` throws, the pool is terminated.
///
/// - Parameters: See ``WorkerPool/init(processes:manager:initializer:maxTasksPerChild:executable:)``.
/// - Returns: What `body` returns.
public func withWorkerPool<Value>(
    processes: Int? = nil,
    manager: ManagerClient? = nil,
    initializer: PoolInitializer? = nil,
    maxTasksPerChild: Int? = nil,
    executable: String? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (WorkerPool) async throws -> Value
) async throws -> Value {
    let pool = try WorkerPool(
        processes: processes,
        manager: manager,
        initializer: initializer,
        maxTasksPerChild: maxTasksPerChild,
        executable: executable
    )
    do {
        let result = try await body(pool)
        pool.close()
        await pool.join()
        return result
    } catch {
        pool.terminate()
        await pool.join()
        throw error
    }
}
