#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pool's queue of jobs, from which each worker's thread takes the next one, blocking while it is empty.
///
/// `@unchecked Sendable`: every stored property other than the two pthread objects is read and written only with
/// `mutex` held, and the pthread objects are made for use from many threads. A condition variable is needed here
/// because the takers are plain threads blocked in a loop, not tasks.
final class JobQueue: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var jobs: [PoolJob] = []
    private var head = 0
    private var isClosed = false
    private var isTerminated = false

    init() {
        self.mutex = .allocate(capacity: 1)
        self.mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(self.mutex, nil)
        self.condition = .allocate(capacity: 1)
        self.condition.initialize(to: pthread_cond_t())
        pthread_cond_init(self.condition, nil)
    }

    deinit {
        pthread_cond_destroy(self.condition)
        pthread_mutex_destroy(self.mutex)
        self.condition.deallocate()
        self.mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        return body()
    }

    /// Adds a job; `false` if the queue is closed.
    func push(_ job: PoolJob) -> Bool {
        self.locked {
            guard !self.isClosed else { return false }
            self.jobs.append(job)
            pthread_cond_signal(self.condition)
            return true
        }
    }

    /// The next job, waiting while there is none; `nil` once the queue is closed and empty, or terminated.
    func next() -> PoolJob? {
        self.locked {
            while true {
                if self.isTerminated { return nil }
                if self.head < self.jobs.count {
                    let job = self.jobs[self.head]
                    self.head += 1
                    if self.head > 64 && self.head * 2 > self.jobs.count {
                        self.jobs.removeFirst(self.head)
                        self.head = 0
                    }
                    return job
                }
                if self.isClosed { return nil }
                pthread_cond_wait(self.condition, self.mutex)
            }
        }
    }

    /// Takes no more jobs; the queued ones are still handed out.
    func close() {
        self.locked {
            self.isClosed = true
            pthread_cond_broadcast(self.condition)
        }
    }

    /// Takes no more jobs and hands out no more; returns the queued ones, which nobody will run.
    func terminate() -> [PoolJob] {
        self.locked {
            self.isClosed = true
            self.isTerminated = true
            pthread_cond_broadcast(self.condition)
            defer {
                self.jobs = []
                self.head = 0
            }
            return Array(self.jobs[self.head...])
        }
    }
}
