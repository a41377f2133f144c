#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pickle
import Synchronization

/// The machinery behind a ``WorkerPool``: the job queue and one thread per worker slot.
///
/// Each slot's thread owns one worker process at a time and talks to it over its channel: it takes a job from
/// the queue, sends it, and blocks until the reply. If the channel closes first, the worker died mid-task: the
/// thread reaps it, fails that job with ``WorkerPoolError/Code/workerDied`` and starts a replacement for the next
/// job. A worker that has run `maxTasksPerChild` jobs is retired the same way, without failing anything.
final class PoolWorkers: Sendable {
    /// A running worker process, as its slot's thread sees it.
    private struct Worker {
        var pid: pid_t
        var channel: Int32
        var completedJobs = 0
    }

    private struct State {
        var nextJobID = 0
        var pids: [Int: pid_t] = [:]
        var runningSlots: Int
        var isTerminating = false
    }

    let processes: Int
    private let executable: String?
    private let maxTasksPerChild: Int?
    private let initializerMessage: PythonValue
    private let queue = JobQueue()
    private let state: Mutex<State>
    /// Resolved when every slot's thread has finished.
    let finished = Completion<Bool>()

    init(processes: Int, executable: String?, maxTasksPerChild: Int?, initializerMessage: PythonValue) {
        self.processes = processes
        self.executable = executable
        self.maxTasksPerChild = maxTasksPerChild
        self.initializerMessage = initializerMessage
        self.state = Mutex(State(runningSlots: processes))
    }

    /// Starts the slots' threads, each with its first worker.
    func start() throws(WorkerPoolError) {
        var firstWorkers: [Worker] = []
        for slot in 0..<self.processes {
            do {
                firstWorkers.append(try self.startWorker(slot: slot))
            } catch {
                for worker in firstWorkers {
                    ChannelIO.closeChannel(worker.channel)
                    _ = ChildProcess.waitForTermination(of: worker.pid)
                }
                throw error
            }
        }
        for (slot, worker) in firstWorkers.enumerated() {
            BlockingThread.detach { self.runSlot(slot, worker: worker) }
        }
    }

    /// A fresh job id.
    func makeJobID() -> Int {
        self.state.withLock { state in
            defer { state.nextJobID += 1 }
            return state.nextJobID
        }
    }

    /// Queues a job; `false` if the pool is closed.
    func submit(_ job: PoolJob) -> Bool {
        self.queue.push(job)
    }

    /// Takes no new jobs; the slots finish the queued ones, then stop their workers.
    func close() {
        self.queue.close()
    }

    /// Fails the queued jobs, stops the workers with `SIGTERM`; jobs in flight fail as their workers end.
    func terminate() {
        let pids = self.state.withLock { state in
            state.isTerminating = true
            return Array(state.pids.values)
        }
        for job in self.queue.terminate() {
            job.complete(.failure(.terminated))
        }
        for pid in pids {
            kill(pid, SIGTERM)
        }
    }

    /// The process ids of the current workers.
    var workerPIDs: [pid_t] {
        self.state.withLock { state in state.pids.sorted { $0.key < $1.key }.map(\.value) }
    }

    private var isTerminating: Bool { self.state.withLock { $0.isTerminating } }

    /// The loop of one slot's thread.
    private func runSlot(_ slot: Int, worker first: Worker) {
        var worker: Worker? = first
        while let job = self.queue.next() {
            if let current = worker, Self.hasEnded(current.pid) {
                // It died while idle: replace it quietly, as no job was lost.
                ChannelIO.closeChannel(current.channel)
                self.forget(slot: slot)
                worker = nil
            }
            if worker == nil {
                do {
                    worker = try self.startWorker(slot: slot)
                } catch {
                    job.complete(.failure(error))
                    continue
                }
            }
            guard var current = worker else { continue }
            let reply: PythonValue?
            do {
                try ChannelIO.send(job.message, on: current.channel)
                reply = try ChannelIO.receive(on: current.channel)
            } catch {
                reply = nil
            }
            guard let reply else {
                // The worker ended mid-task (or its channel broke: make sure it has ended).
                ChannelIO.closeChannel(current.channel)
                kill(current.pid, SIGKILL)
                let status = ChildProcess.waitForTermination(of: current.pid)
                self.forget(slot: slot)
                worker = nil
                if self.isTerminating {
                    job.complete(.failure(.terminated))
                } else {
                    job.complete(
                        .failure(.workerDied(task: job.taskName, jobID: job.id, pid: current.pid, status: status))
                    )
                }
                continue
            }
            job.complete(job.outcome(ofReply: reply))
            current.completedJobs += 1
            if let limit = self.maxTasksPerChild, current.completedJobs >= limit {
                self.retire(current, slot: slot)
                worker = nil
            } else {
                worker = current
            }
        }
        if let worker {
            self.retire(worker, slot: slot)
        }
        let last = self.state.withLock { state in
            state.runningSlots -= 1
            return state.runningSlots == 0
        }
        if last {
            self.finished.resolve(true)
        }
    }

    /// Closes a worker's channel, which tells it to exit, and reaps it.
    private func retire(_ worker: Worker, slot: Int) {
        ChannelIO.closeChannel(worker.channel)
        _ = ChildProcess.waitForTermination(of: worker.pid)
        self.forget(slot: slot)
    }

    private func forget(slot: Int) {
        self.state.withLock { _ = $0.pids.removeValue(forKey: slot) }
    }

    /// Starts a worker process and sends it the initializer message.
    private func startWorker(slot: Int) throws(WorkerPoolError) -> Worker {
        let spawned: Spawner.Spawned
        do {
            spawned = try Spawner.spawn(role: ProcessRole.poolWorker.rawValue, executable: self.executable)
        } catch {
            throw WorkerPoolError(code: .spawnFailed, message: "cannot start a pool worker: \(error)")
        }
        self.state.withLock { $0.pids[slot] = spawned.pid }
        // A worker that dies before reading this shows up when its first job is sent.
        try? ChannelIO.send(self.initializerMessage, on: spawned.channel)
        return Worker(pid: spawned.pid, channel: spawned.channel)
    }

    /// Whether `pid` has ended; reaps it if so.
    private static func hasEnded(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid || (result < 0 && errno == ECHILD)
    }
}
