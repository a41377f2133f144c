import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program a test starts as a child process, with its own pipes and a clean signal mask.
///
/// The child is started with `posix_spawn`, not Foundation's `Process`: it gets an empty signal mask and the default
/// handling of `SIGTERM`, `SIGINT`, `SIGQUIT`, `SIGPIPE` and `SIGHUP`, whatever the starting thread blocked or
/// ignored (Swift's concurrency threads block them, and a child inheriting that mask ignores ``terminate()``), and no
/// descriptor other than its standard input, output and error.
///
/// - Standard input is a pipe whose write end only this object holds (it is close-on-exec), so a child that reads it
///   sees its end when the test process dies or calls ``closeInput()``: ``Python/exitAtEndOfInput`` makes a Python
///   server exit then.
/// - Standard output and error go through pipes into buffers (never the test runner's own descriptors, which a
///   leftover child would keep open), read on threads of their own, off Swift's cooperative pool.
/// - A thread of its own reaps the child with `waitpid`, so no zombie is left; when this object goes away while
///   the child still runs, the child is killed with `SIGKILL`.
///
/// Waits (``waitForLine(timeout:where:)``, ``waitForExit(timeout:)``) wake up on new output or the exit, never poll,
/// and always have a time limit.
public final class TestProcess: Sendable {
    /// How a child ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// The child called `exit` with this code.
        case exited(Int32)
        /// The child was ended by this signal.
        case signaled(Int32)

        /// The exit code, or 128 plus the signal number for a child a signal ended (as a shell reports it).
        public var status: Int32 {
            switch self {
            case .exited(let code): return code
            case .signaled(let signal): return 128 + signal
            }
        }

        /// `exited(1)` or `signaled(15)`.
        public var description: String {
            switch self {
            case .exited(let code): return "exited(\(code))"
            case .signaled(let signal): return "signaled(\(signal))"
            }
        }

        /// The termination a `waitpid` status describes (the child has exited: no stop or continue notification).
        init(waitStatus status: Int32) {
            let signal = status & 0x7f
            self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        }
    }

    /// How long ``terminate()`` and ``stop(timeout:)`` give a child to exit after `SIGTERM` before `SIGKILL`.
    public static let terminationGrace = Duration.seconds(5)

    /// How long ``waitForExit(timeout:)`` waits, once the child has exited, for its output pipes to reach their
    /// end (a grandchild that inherited them may keep them open).
    public static let drainLimit = Duration.seconds(5)

    /// The child's process id.
    public let pid: pid_t

    /// The command line the child was started with: the executable as given, then the arguments.
    public let command: [String]

    /// One of the two output pipes.
    private enum Stream: Sendable {
        case output, error
    }

    /// A task waiting for the state to satisfy a condition.
    private struct Waiter: Sendable {
        /// The resumption of the waiting task if `state` satisfies its condition, or `nil` to keep it waiting.
        var check: @Sendable (State) -> (@Sendable () -> Void)?
        /// Resumes the waiting task with `nil` (its time ran out or it was cancelled).
        var expire: @Sendable () -> Void
        /// The task that expires the waiter at its deadline.
        var timer: Task<Void, Never>?
    }

    private struct State: Sendable {
        var output: [UInt8] = []
        var errorOutput: [UInt8] = []
        var outputOpen = true
        var errorOpen = true
        var termination: Termination?
        /// The parent's end of the child's standard input, or -1 once closed.
        var input: Int32
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
    }

    private let state: Mutex<State>

    /// Starts `executable` with `arguments`.
    ///
    /// - Parameters:
    ///   - executable: A path, or a bare name (`python3`) looked up in `PATH`.
    ///   - arguments: The arguments after the program's name.
    ///   - input: Bytes written to the child's standard input (on a thread of their own, so a child that does not
    ///     read cannot block the caller).
    ///   - closingInput: Whether to close standard input after `input`, so the child reads its end.
    ///   - environment: Variables set in the child on top of this process's environment.
    public init(
        _ executable: String,
        _ arguments: [String] = [],
        input: [UInt8] = [],
        closingInput: Bool = false,
        environment: [String: String] = [:]
    ) throws(TestProcessError) {
        let command = [executable] + arguments
        let path = try Self.resolve(executable, command: command, environment: environment)
        // The child's ends go once it has started (or failed to); the parent's only if it failed.
        var childEnds: [Int32] = []
        var parentEnds: [Int32] = []
        defer { for descriptor in childEnds { close(descriptor) } }
        let pid: pid_t
        do throws(TestProcessError) {
            for childReads in [true, false, false] {
                let pipe = try Self.makePipe(childReads: childReads, command: command)
                childEnds.append(pipe.child)
                parentEnds.append(pipe.parent)
            }
            pid = try Self.spawn(path, command: command, standardDescriptors: childEnds, environment: environment)
        } catch {
            for descriptor in parentEnds { close(descriptor) }
            throw error
        }
        self.pid = pid
        self.command = command
        self.state = Mutex(State(input: parentEnds[0]))
        Self.startReading(parentEnds[1], .output, for: self)
        Self.startReading(parentEnds[2], .error, for: self)
        Self.startReaping(self)
        if !input.isEmpty {
            // The writer has a descriptor of its own, so closing ours (or this object going away) never pulls the
            // pipe from under it; the child reads the end once both are closed.
            let writer = fcntl(parentEnds[0], F_DUPFD_CLOEXEC, 3)
            if writer >= 0 { Self.startWriting(input, to: writer) }
        }
        if closingInput { self.closeInput() }
    }

    // A child still running is killed; the reaping thread, which holds no reference to this object, reaps it.
    deinit {
        self.state.withLock { state in
            if state.termination == nil { kill(self.pid, SIGKILL) }
            if state.input >= 0 {
                close(state.input)
                state.input = -1
            }
        }
    }

    /// What the child has written to standard output so far (all of it once ``waitForExit(timeout:)`` returned).
    public var standardOutput: String {
        self.state.withLock { String(decoding: $0.output, as: UTF8.self) }
    }

    /// What the child has written to standard error so far (all of it once ``waitForExit(timeout:)`` returned).
    public var standardError: String {
        self.state.withLock { String(decoding: $0.errorOutput, as: UTF8.self) }
    }

    /// How the child ended, or `nil` while it runs.
    public var termination: Termination? {
        self.state.withLock { $0.termination }
    }

    /// Whether the child has not been reaped yet.
    public var isRunning: Bool {
        self.termination == nil
    }

    /// Closes the parent's end of the child's standard input, so the child reads its end (after any `input` given
    /// at the start).
    public func closeInput() {
        self.state.withLock { state in
            if state.input >= 0 {
                close(state.input)
                state.input = -1
            }
        }
    }

    /// Waits until a line of standard output satisfies `predicate`, and returns it; `nil` if the output ends or
    /// `timeout` passes first.
    ///
    /// A line counts once its newline has arrived (the last one also when the output ends without one).
    public func waitForLine(timeout: Duration, where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        let found = await self.wait(timeout: timeout) { state -> String?? in
            var lines = String(decoding: state.output, as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false)
            if state.outputOpen { lines.removeLast() }
            if let line = lines.first(where: { predicate(String($0)) }) { return .some(String(line)) }
            return state.outputOpen ? nil : .some(nil)
        }
        return found ?? nil
    }

    /// Waits for the child to exit and returns its ``Termination/status``; if `timeout` passes first, stops it
    /// (`SIGTERM`, then `SIGKILL` after ``terminationGrace``) and returns `nil`.
    ///
    /// Once the child has exited, it also waits (at most ``drainLimit``) until both output pipes reach their end, so
    /// that ``standardOutput`` and ``standardError`` hold everything it wrote.
    public func waitForExit(timeout: Duration) async -> Int32? {
        guard let termination = await self.wait(timeout: timeout, until: { $0.termination }) else {
            await self.stop()
            return nil
        }
        _ = await self.wait(timeout: Self.drainLimit) { state in state.outputOpen || state.errorOpen ? nil : true }
        return termination.status
    }

    /// Ends the child: sends `SIGTERM`, and `SIGKILL` if it has not exited after ``terminationGrace``. Returns at
    /// once; ``stop(timeout:)`` also waits.
    public func terminate() {
        guard self.send(SIGTERM) else { return }
        Task { await self.killUnlessExited(within: Self.terminationGrace) }
    }

    /// Stops the child and waits for it: closes its standard input, sends `SIGTERM`, and `SIGKILL` if it has not
    /// exited after ``terminationGrace``. Returns how it ended, or `nil` if it was not reaped within `timeout` after
    /// that.
    @discardableResult
    public func stop(timeout: Duration = .seconds(10)) async -> Termination? {
        self.closeInput()
        if self.send(SIGTERM) {
            await self.killUnlessExited(within: Self.terminationGrace)
        }
        return await self.wait(timeout: timeout, until: { $0.termination })
    }

    /// Runs `body`, then stops the child with ``stop(timeout:)``, whether `body` returned or threw.
    public func stopping<Result>(
        isolation: isolated (any Actor)? = #isolation,
        after body: () async throws -> Result
    ) async rethrows -> Result {
        do {
            let result = try await body()
            await self.stop()
            return result
        } catch {
            await self.stop()
            throw error
        }
    }

    /// Runs `executable` to its end with `input` on its standard input (then closed) and returns its status and
    /// output; throws ``TestProcessError/Code/timedOut`` (after stopping it) if it runs longer than `timeout`.
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        input: [UInt8] = [],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws(TestProcessError) -> (status: Int32, standardOutput: String, standardError: String) {
        let process = try TestProcess(executable, arguments, input: input, closingInput: true, environment: environment)
        guard let status = await process.waitForExit(timeout: timeout) else {
            throw TestProcessError(
                code: .timedOut,
                command: process.command,
                message: "\(process.command.joined(separator: " ")) did not finish within \(timeout) and was killed",
                standardOutput: process.standardOutput,
                standardError: process.standardError
            )
        }
        return (status, process.standardOutput, process.standardError)
    }

    // MARK: - Signals and waiting

    /// Sends `signal` to the child unless it has been reaped (its pid may then belong to another process). Returns
    /// whether it was sent.
    @discardableResult
    private func send(_ signal: Int32) -> Bool {
        self.state.withLock { state in
            guard state.termination == nil else { return false }
            return kill(self.pid, signal) == 0
        }
    }

    /// Sends `SIGKILL` unless the child exits within `grace`.
    private func killUnlessExited(within grace: Duration) async {
        if await self.wait(timeout: grace, until: { $0.termination }) == nil {
            self.send(SIGKILL)
        }
    }

    /// Waits until `condition` returns a value for the state, and returns it; `nil` if `timeout` passes or the task
    /// is cancelled first. The condition is checked now and after every change (new output, an end, the exit).
    private func wait<Value: Sendable>(
        timeout: Duration,
        until condition: @escaping @Sendable (State) -> Value?
    ) async -> Value? {
        let id = self.state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                self.register(id, timeout: timeout, condition: condition, continuation: continuation)
            }
        } onCancel: {
            self.expire(id)
        }
    }

    /// Resumes `continuation` with the value of `condition` at once if it holds, else adds it as waiter `id`,
    /// expiring after `timeout`.
    private func register<Value: Sendable>(
        _ id: UInt64,
        timeout: Duration,
        condition: @escaping @Sendable (State) -> Value?,
        continuation: CheckedContinuation<Value?, Never>
    ) {
        let check: @Sendable (State) -> (@Sendable () -> Void)? = { state in
            guard let value = condition(state) else { return nil }
            return { continuation.resume(returning: value) }
        }
        let expire: @Sendable () -> Void = { continuation.resume(returning: nil) }
        let immediate = self.state.withLock { state -> (@Sendable () -> Void)? in
            if let resume = check(state) { return resume }
            state.waiters[id] = Waiter(check: check, expire: expire)
            return nil
        }
        if let immediate {
            immediate()
            return
        }
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }  // the deadline
            self.expire(id)
        }
        let waiting = self.state.withLock { state in
            guard state.waiters[id] != nil else { return false }
            state.waiters[id]?.timer = timer
            return true
        }
        if !waiting { timer.cancel() }
        if Task.isCancelled { self.expire(id) }
    }

    /// Resumes waiter `id` with `nil`, if it still waits.
    private func expire(_ id: UInt64) {
        let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.timer?.cancel()
        waiter?.expire()
    }

    /// Changes the state with `change`, then resumes the waiters whose conditions now hold.
    private func update(_ change: (inout State) -> Void) {
        let resumptions = self.state.withLock { state -> [@Sendable () -> Void] in
            change(&state)
            var resumptions: [@Sendable () -> Void] = []
            for (id, waiter) in state.waiters {
                guard let resume = waiter.check(state) else { continue }
                state.waiters[id] = nil
                waiter.timer?.cancel()
                resumptions.append(resume)
            }
            return resumptions
        }
        for resume in resumptions { resume() }
    }

    // MARK: - Threads

    /// Reads `descriptor` to its end on a thread of its own, into the buffer of `stream`.
    private static func startReading(_ descriptor: Int32, _ stream: Stream, for process: TestProcess) {
        Thread.detachNewThread { [weak process] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard let process else { break }
                let bytes = buffer.prefix(max(count, 0))
                process.update { state in
                    switch (stream, count > 0) {
                    case (.output, true): state.output += bytes
                    case (.error, true): state.errorOutput += bytes
                    case (.output, false): state.outputOpen = false
                    case (.error, false): state.errorOpen = false
                    }
                }
                if count <= 0 { break }
            }
            close(descriptor)
        }
    }

    /// Waits for the child to exit on a thread of its own, then reaps it and records how it ended.
    ///
    /// `waitid` with `WNOWAIT` leaves the child a zombie until the state's lock is held, so its pid cannot be reused
    /// while ``send(_:)`` may still signal it.
    private static func startReaping(_ process: TestProcess) {
        let pid = process.pid
        Thread.detachNewThread { [weak process] in
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            guard let process else {
                Self.reap(pid)
                return
            }
            process.update { state in
                state.termination = Self.reap(pid)
            }
        }
    }

    /// Reaps the exited child `pid` and returns how it ended (`exited(-1)` if someone else reaped it first).
    @discardableResult
    private static func reap(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(pid, &status, 0)
        } while result < 0 && errno == EINTR
        return result == pid ? Termination(waitStatus: status) : .exited(-1)
    }

    /// Writes `bytes` to `descriptor` on a thread of its own, then closes it.
    ///
    /// `SIGPIPE` is blocked on that thread: a child that exits without reading makes the write fail with `EPIPE`
    /// instead of killing the test process, and the pending signal is taken back.
    private static func startWriting(_ bytes: [UInt8], to descriptor: Int32) {
        Thread.detachNewThread {
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            var offset = 0
            while offset < bytes.count {
                let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    if errno == EPIPE {
                        var now = timespec()
                        _ = sigtimedwait(&pipeSignal, nil, &now)
                    }
                    break
                }
                offset += count
            }
            close(descriptor)
        }
    }

    // MARK: - Starting

    /// The path of `executable`: itself if it has a slash, else the first executable file of that name in `PATH`
    /// (the child's, if `environment` sets it).
    private static func resolve(
        _ executable: String,
        command: [String],
        environment: [String: String]
    ) throws(TestProcessError) -> String {
        if executable.contains("/") { return executable }
        let searchPath = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw TestProcessError(
            code: .spawnFailed,
            command: command,
            message: "cannot start \(executable): it is not in PATH (\(searchPath))",
            errno: ENOENT
        )
    }

    /// A pipe whose ends are both close-on-exec, the child's kept above the standard descriptors so that `dup2`
    /// always copies it (a copy is what clears close-on-exec) and never overwrites it.
    private static func makePipe(
        childReads: Bool,
        command: [String]
    ) throws(TestProcessError) -> (parent: Int32, child: Int32) {
        var ends: [Int32] = [-1, -1]
        guard Self.makeCloseOnExecPipe(&ends) == 0 else {
            throw TestProcessError(code: .spawnFailed, command: command, message: "cannot make a pipe", errno: errno)
        }
        let (parent, child) = childReads ? (ends[1], ends[0]) : (ends[0], ends[1])
        let movedChild = fcntl(child, F_DUPFD_CLOEXEC, 10)
        let failure = errno
        close(child)
        guard movedChild >= 0 else {
            close(parent)
            throw TestProcessError(code: .spawnFailed, command: command, message: "cannot move a pipe", errno: failure)
        }
        return (parent, movedChild)
    }

    /// Starts `path` with `descriptors` as its standard input, output and error, no other descriptor, an empty
    /// signal mask and default signal handling.
    private static func spawn(
        _ path: String,
        command: [String],
        standardDescriptors descriptors: [Int32],
        environment: [String: String]
    ) throws(TestProcessError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, descriptor) in descriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, descriptor, Int32(target))
        }
        #if os(Linux)
        // Descriptors other code left inheritable (pipes to other programs, listening sockets) stay out of the
        // child, or they would stay open as long as it runs and keep their readers from seeing the end.
        if let closeFrom = Self.addCloseFrom {
            _ = closeFrom(&actions, 3)
        }
        #endif

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGPIPE, SIGHUP] {
            sigaddset(&defaultSignals, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        var variables = Self.environment(with: environment)
        defer {
            for pointer in argv { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, &argv, &variables)
        guard result == 0 else {
            throw TestProcessError(
                code: .spawnFailed,
                command: command,
                message: "cannot start \(path)",
                errno: result
            )
        }
        return pid
    }

    /// `pipe2(ends, O_CLOEXEC)`, which glibc's headers hide from Swift; `pipe` and `fcntl` where it is missing
    /// (leaving a moment in which another thread's child could inherit the ends).
    private static func makeCloseOnExecPipe(_ ends: UnsafeMutablePointer<Int32>) -> Int32 {
        #if os(Linux)
        if let pipe2 = Self.pipe2 {
            return pipe2(ends, O_CLOEXEC)
        }
        #endif
        guard pipe(ends) == 0 else { return -1 }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    #if os(Linux)
    /// glibc's `pipe2`, looked up at run time.
    private static let pipe2: (@convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32).self)
    }()

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which its headers hide from Swift.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32)? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else {
                return nil
            }
            return unsafeBitCast(
                symbol,
                to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self
            )
        }()
    #endif

    /// This process's environment with `overrides` set, as C strings ending in `nil`.
    private static func environment(with overrides: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
        var result: [UnsafeMutablePointer<CChar>?] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if overrides[name] == nil {
                result.append(strdup(entry))
            }
            cursor += 1
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            result.append(strdup("\(name)=\(value)"))
        }
        result.append(nil)
        return result
    }
}
