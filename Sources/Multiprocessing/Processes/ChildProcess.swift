#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pickle

/// A child process running a ``ProcessTask``: Python's `multiprocessing.Process`, spawned rather than forked.
///
/// The child is this executable started again. Its `main` hands control to the library at once with
/// ``ProcessRole/bootstrap(tasks:)``, which runs the task named by the parent and exits:
///
/// ```swift
/// // main.swift
/// await ProcessRole.bootstrap(tasks: [Worker.self])
///
/// let child = try ChildProcess.start(Worker.self, arguments: sharedDict)
/// if let status = await child.join(timeout: .seconds(10)) {
///     print(status)                  // exited(0)
/// }
/// ```
///
/// The arguments are pickled and sent on a private channel together with the manager's address and authkey, so
/// the key never appears in the child's command line or environment. Proxies in the arguments arrive as working
/// proxies; the manager is found in the arguments, or pass `manager:` explicitly. Standard input, output and error
/// are inherited.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// The registered name of the task it runs.
    public let taskName: String
    private let termination = Completion<TerminationStatus>()
    /// Kept until the child ends, so the proxies inside stay referenced while the child takes its own references.
    private let arguments: any Sendable

    private init(pid: pid_t, taskName: String, arguments: any Sendable) {
        self.pid = pid
        self.taskName = taskName
        self.arguments = arguments
    }

    /// Starts a child process running `task` with `arguments`.
    ///
    /// - Parameters:
    ///   - task: The task to run; the child's `main` must register it with ``ProcessRole/bootstrap(tasks:)``.
    ///   - arguments: The task's arguments. Managed proxies inside arrive as proxies of the same objects.
    ///   - manager: The manager the child connects to for those proxies. Defaults to the manager of the first
    ///     proxy found in `arguments`.
    ///   - executable: The program to start. Defaults to this executable (`/proc/self/exe`).
    /// - Throws: ``ChildProcessError`` if the arguments cannot be encoded or the process cannot be started.
    public static func start<Task: ProcessTask>(
        _ task: Task.Type,
        arguments: Task.Arguments,
        manager: ManagerClient? = nil,
        executable: String? = nil
    ) throws(ChildProcessError) -> ChildProcess {
        let encoded: PythonValue
        do {
            encoded = try PythonValueEncoder().encode(arguments)
        } catch {
            throw ChildProcessError(code: .encoding, message: "cannot convert the arguments of \(Task.name): \(error)")
        }
        let credentials = (manager ?? ManagerCredentials.discover(in: arguments)).map(ManagerCredentials.init)
        let payload = ChildPayload(taskName: Task.name, manager: credentials, arguments: encoded)
        let spawned = try Spawner.spawn(role: ProcessRole.child.rawValue, executable: executable)
        let child = ChildProcess(pid: spawned.pid, taskName: Task.name, arguments: arguments)
        child.watchForExit()
        defer { close(spawned.channel) }
        do {
            try ChannelIO.send(payload.pythonValue, on: spawned.channel)
        } catch {
            // The child ended before reading its payload; its status tells why.
            _ = error
        }
        return child
    }

    /// Whether the child is still running (its end has not been observed yet).
    public var isAlive: Bool { self.termination.value == nil }

    /// How the child ended, or `nil` while it runs.
    public var exitStatus: TerminationStatus? { self.termination.value }

    /// Python's `exitcode`: the exit code, the negated signal number, or `nil` while the child runs.
    public var exitCode: Int32? { self.termination.value?.pythonExitCode }

    /// Waits for the child to end.
    ///
    /// - Parameter timeout: How long to wait; `nil` waits as long as it takes.
    /// - Returns: How the child ended, or `nil` if `timeout` passed first (the child keeps running).
    @discardableResult
    public func join(timeout: Duration? = nil) async -> TerminationStatus? {
        await self.termination.wait(timeout: timeout)
    }

    /// Asks the child to stop with `SIGTERM` (Python's `terminate()`). Does nothing if it has ended.
    public func terminate() {
        self.send(SIGTERM)
    }

    /// Stops the child at once with `SIGKILL` (Python's `kill()`). Does nothing if it has ended.
    public func kill() {
        self.send(SIGKILL)
    }

    private func send(_ signal: Int32) {
        guard self.isAlive else { return }
        #if canImport(Glibc)
        _ = Glibc.kill(self.pid, signal)
        #else
        _ = Darwin.kill(self.pid, signal)
        #endif
    }

    /// Reaps the child on a thread of its own and records its status.
    private func watchForExit() {
        let pid = self.pid
        let termination = self.termination
        BlockingThread.detach {
            termination.resolve(ChildProcess.waitForTermination(of: pid))
        }
    }

    /// Blocks until `pid` ends and returns how. Used for children and pool workers alike.
    static func waitForTermination(of pid: pid_t) -> TerminationStatus {
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, 0)
            if result == pid, let termination = TerminationStatus(waitStatus: status) {
                return termination
            }
            if result < 0 && errno != EINTR {
                // Someone else reaped it (a SIGCHLD handler set to ignore children does this); the status is lost.
                return .exited(-1)
            }
        }
    }
}
