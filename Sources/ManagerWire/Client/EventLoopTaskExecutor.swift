public import NIOCore

/// A Swift Concurrency `TaskExecutor` that runs jobs on one NIO event loop.
///
/// A task that prefers this executor (`withTaskExecutorPreference(_:operation:)`, or `addTask(executorPreference:)`
/// in a task group) runs its nonisolated code on the loop that owns a connection. A call then writes its request,
/// waits and resumes on that loop: no thread hands a call to another, so a round trip costs the one wake-up the
/// reply's arrival causes, as a blocking `send` and `recv` do. Work the task does between calls also runs on the
/// loop, so keep long computations out of such a task (or off it with a task of their own).
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop the jobs run on.
    public let eventLoop: any EventLoop

    /// An executor that runs jobs on `eventLoop`.
    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop, after the work already queued there.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = self.asUnownedTaskExecutor()
        self.eventLoop.execute {
            job.runSynchronously(on: executor)
        }
    }
}
