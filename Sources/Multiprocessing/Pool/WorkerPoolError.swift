/// A failure of work given to a ``WorkerPool``: the task threw, its worker died, the wait timed out, or the pool
/// was closed or terminated.
public struct WorkerPoolError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; match the ones you handle and keep a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The task threw an error in the worker; see ``WorkerPoolError/remoteTypeName`` and
        /// ``WorkerPoolError/remoteMessage``.
        public static let taskFailed = Code("task failed")
        /// The worker running the task ended (crashed, was killed, or exited) before replying. The pool replaced it.
        public static let workerDied = Code("worker died")
        /// The result was not ready within the timeout (Python's `multiprocessing.TimeoutError`). The task goes on.
        public static let timedOut = Code("timed out")
        /// The pool was terminated before the task finished.
        public static let terminated = Code("terminated")
        /// The pool was closed: it takes no new work.
        public static let closed = Code("closed")
        /// A worker process could not be started.
        public static let spawnFailed = Code("spawn failed")
        /// An input or a result could not be converted between Swift and Python values.
        public static let conversion = Code("conversion")

        /// The code's name.
        public var description: String { self.name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, and what to do about it.
    public var message: String
    /// For ``Code/taskFailed``: the name of the type of the error the task threw.
    public var remoteTypeName: String?
    /// For ``Code/taskFailed``: the description of the error the task threw.
    public var remoteMessage: String?
    /// For ``Code/workerDied``: the worker's process id.
    public var pid: Int32?
    /// For ``Code/workerDied``: how the worker ended.
    public var workerStatus: TerminationStatus?

    /// An error with the given code and message.
    public init(
        code: Code,
        message: String,
        remoteTypeName: String? = nil,
        remoteMessage: String? = nil,
        pid: Int32? = nil,
        workerStatus: TerminationStatus? = nil
    ) {
        self.code = code
        self.message = message
        self.remoteTypeName = remoteTypeName
        self.remoteMessage = remoteMessage
        self.pid = pid
        self.workerStatus = workerStatus
    }

    /// `task failed: ValueError: bad input`.
    public var description: String { "\(self.code): \(self.message)" }

    static func taskFailed(_ failure: RemoteFailure, task: String) -> WorkerPoolError {
        WorkerPoolError(
            code: .taskFailed,
            message: "\(task) raised \(failure.pythonLine)",
            remoteTypeName: failure.typeName,
            remoteMessage: failure.message
        )
    }

    static func workerDied(task: String, jobID: Int, pid: Int32, status: TerminationStatus) -> WorkerPoolError {
        let how: String
        switch status {
        case .signaled(let signal): how = "was killed by signal \(signal)"
        case .exited(let code): how = "exited with code \(code)"
        }
        return WorkerPoolError(
            code: .workerDied,
            message: "the worker (pid \(pid)) running \(task) (job \(jobID)) \(how) before replying; "
                + "the pool replaced it",
            pid: pid,
            workerStatus: status
        )
    }

    static var terminated: WorkerPoolError {
        WorkerPoolError(code: .terminated, message: "the pool was terminated before the task finished")
    }
}
