import Foundation
import Multiprocessing
import Testing

/// Pool tasks of the test worker (`Sources/MultiprocessingTestWorker`), declared again with the same names.
enum WorkerPoolTasks {
    struct Square: PoolTask { static func run(_ input: Int) async throws -> Int { 0 } }
    struct ProcessID: PoolTask { static func run(_ input: Int) async throws -> Int32 { 0 } }
    struct RaiseSignalOn: PoolTask {
        struct Input: Codable, Sendable {
            var value: Int
            var signal: Int32
        }
        static func run(_ input: Input) async throws -> Int { 0 }
    }
    struct FailWith: PoolTask { static func run(_ input: String) async throws -> Int { 0 } }
    struct BlockForever: PoolTask { static func run(_ input: Int) async throws -> Int { 0 } }
    struct RememberGreeting: ProcessTask { static func run(_ greeting: String) async throws {} }
    struct Greeting: PoolTask { static func run(_ input: Int) async throws -> String { "" } }
}

@Suite("Worker pool", .timeLimit(.minutes(1)))
struct WorkerPoolTests {
    typealias Tasks = WorkerPoolTasks
    let worker = BuildProducts.testWorker

    @Test("apply, applyAsync and map return the workers' results in input order")
    func applyAndMap() async throws {
        try await withWorkerPool(processes: 2, executable: self.worker) { pool in
            #expect(try await pool.apply(Tasks.Square.self, 12) == 144)
            let result = try pool.applyAsync(Tasks.Square.self, 7)
            #expect(try await result.get(timeout: .seconds(30)) == 49)
            #expect(result.isReady)
            #expect(result.isSuccessful == true)
            #expect(try await pool.map(Tasks.Square.self, Array(0..<50)) == (0..<50).map { $0 * $0 })
            #expect(try await pool.map(Tasks.Square.self, Array(0..<10), chunksize: 3) == (0..<10).map { $0 * $0 })
            #expect(try await pool.map(Tasks.Square.self, [Int]()) == [])
            #expect(try await pool.starmap(Tasks.Square.self, [2, 3]) == [4, 9])
            let mapped = try pool.mapAsync(Tasks.Square.self, [4, 5], chunksize: 1)
            #expect(try await mapped.get(timeout: .seconds(30)) == [16, 25])
        }
    }

    @Test("imap yields in input order and imapUnordered yields every result", arguments: [1, 4])
    func iterate(chunksize: Int) async throws {
        try await withWorkerPool(processes: 3, executable: self.worker) { pool in
            var ordered: [Int] = []
            for try await square in pool.imap(Tasks.Square.self, Array(0..<30), chunksize: chunksize) {
                ordered.append(square)
            }
            #expect(ordered == (0..<30).map { $0 * $0 })
            var unordered: [Int] = []
            for try await square in pool.imapUnordered(Tasks.Square.self, Array(0..<30), chunksize: chunksize) {
                unordered.append(square)
            }
            #expect(unordered.sorted() == (0..<30).map { $0 * $0 })
        }
    }

    @Test("An error thrown in a worker comes back with its type name and message; the pool goes on")
    func thrownErrors() async throws {
        try await withWorkerPool(processes: 1, executable: self.worker) { pool in
            let error = await #expect(throws: WorkerPoolError.self) {
                try await pool.apply(Tasks.FailWith.self, "bad input")
            }
            #expect(error?.code == .taskFailed)
            #expect(error?.remoteTypeName == "TestFailure")
            #expect(error?.remoteMessage == "bad input")
            let result = try pool.applyAsync(Tasks.FailWith.self, "again")
            await result.wait(timeout: .seconds(30))
            #expect(result.isSuccessful == false)
            #expect(try await pool.apply(Tasks.Square.self, 3) == 9)
        }
    }

    @Test("A worker that kills itself mid-task fails that task, naming pid and signal, and is replaced")
    func workerKilledMidTask() async throws {
        try await withWorkerPool(processes: 2, executable: self.worker) { pool in
            let before = Set(pool.workerPIDs)
            let error = await #expect(throws: WorkerPoolError.self) {
                try await pool.apply(Tasks.RaiseSignalOn.self, .init(value: -1, signal: SIGKILL))
            }
            #expect(error?.code == .workerDied)
            #expect(error?.workerStatus == .signaled(SIGKILL))
            #expect(error.flatMap { $0.pid.map(before.contains) } == true)
            #expect(error?.message.contains("signal 9") == true)
            // The pool goes on with a replacement worker.
            let results = try await pool.map(Tasks.RaiseSignalOn.self, (0..<20).map { .init(value: $0, signal: 0) })
            #expect(results == Array(0..<20))
            #expect(pool.workerPIDs.count == 2)
        }
    }

    @Test("A map containing a crashing input fails, and later work succeeds")
    func crashInsideMap() async throws {
        try await withWorkerPool(processes: 2, executable: self.worker) { pool in
            let inputs = (0..<8).map { WorkerPoolTasks.RaiseSignalOn.Input(value: $0 == 5 ? -1 : $0, signal: SIGTERM) }
            let error = await #expect(throws: WorkerPoolError.self) {
                try await pool.map(Tasks.RaiseSignalOn.self, inputs, chunksize: 1)
            }
            #expect(error?.code == .workerDied)
            #expect(error?.workerStatus == .signaled(SIGTERM))
            let afterwards = try await pool.apply(Tasks.Square.self, 6)
            #expect(afterwards == 36)
        }
    }

    @Test("maxTasksPerChild replaces each worker after that many tasks")
    func maxTasksPerChild() async throws {
        try await withWorkerPool(processes: 1, maxTasksPerChild: 2, executable: self.worker) { pool in
            var pids: [Int32] = []
            for index in 0..<6 {
                pids.append(try await pool.apply(Tasks.ProcessID.self, index))
            }
            #expect(pids[0] == pids[1])
            #expect(pids[2] == pids[3])
            #expect(pids[4] == pids[5])
            #expect(Set(pids).count == 3)
        }
    }

    @Test("The initializer runs in every worker before its tasks")
    func initializer() async throws {
        try await withWorkerPool(
            processes: 2,
            initializer: .task(Tasks.RememberGreeting.self, arguments: "hello from the initializer"),
            maxTasksPerChild: 1,
            executable: self.worker
        ) { pool in
            let greetings = try await pool.map(Tasks.Greeting.self, Array(0..<4), chunksize: 1)
            #expect(greetings == Array(repeating: "hello from the initializer", count: 4))
        }
    }

    @Test("get with a timeout throws timedOut and leaves the task running")
    func getTimesOut() async throws {
        let pool = try WorkerPool(processes: 1, executable: self.worker)
        let blocked = try pool.applyAsync(Tasks.BlockForever.self, 0)
        let error = await #expect(throws: WorkerPoolError.self) {
            try await blocked.get(timeout: .milliseconds(100))
        }
        #expect(error?.code == .timedOut)
        #expect(!blocked.isReady)
        #expect(blocked.isSuccessful == nil)
        #expect(await blocked.wait(timeout: .milliseconds(50)) == false)
        pool.terminate()
        #expect(await pool.join(timeout: .seconds(30)))
    }

    @Test("terminate fails the tasks in flight and the queued ones, and the workers exit")
    func terminateWithTasksInFlight() async throws {
        let pool = try WorkerPool(processes: 2, executable: self.worker)
        let pids = pool.workerPIDs
        let inFlight = try (0..<2).map { try pool.applyAsync(Tasks.BlockForever.self, $0) }
        let queued = try pool.applyAsync(Tasks.Square.self, 3)
        pool.terminate()
        #expect(await pool.join(timeout: .seconds(30)))
        for result in inFlight + [queued] {
            let error = await #expect(throws: WorkerPoolError.self) { try await result.get(timeout: .seconds(30)) }
            #expect(error?.code == .terminated)
        }
        for pid in pids {
            #expect(kill(pid, 0) == -1)
        }
        let closed = #expect(throws: WorkerPoolError.self) { try pool.applyAsync(Tasks.Square.self, 1) }
        #expect(closed?.code == .closed)
    }

    @Test("close lets submitted work finish, then join returns once the workers have exited")
    func closeAndJoin() async throws {
        let pool = try WorkerPool(processes: 2, executable: self.worker)
        let results = try (0..<10).map { try pool.applyAsync(Tasks.Square.self, $0) }
        pool.close()
        #expect(await pool.join(timeout: .seconds(30)))
        for (index, result) in results.enumerated() {
            #expect(try await result.get(timeout: .zero) == index * index)
        }
        #expect(pool.workerPIDs.isEmpty)
    }
}
