/// How a process ended: with an exit code, or killed by a signal.
public enum TerminationStatus: Sendable, Hashable, CustomStringConvertible {
    /// The process called `exit` with this code.
    case exited(Int32)
    /// The process was ended by this signal (`SIGTERM` is 15, `SIGKILL` is 9).
    case signaled(Int32)

    /// Whether the process exited with code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// The status as Python's `Process.exitcode` reports it: the exit code, or the negated signal number.
    public var pythonExitCode: Int32 {
        switch self {
        case .exited(let code): return code
        case .signaled(let signal): return -signal
        }
    }

    /// `exited(1)` or `signaled(9)`.
    public var description: String {
        switch self {
        case .exited(let code): return "exited(\(code))"
        case .signaled(let signal): return "signaled(\(signal))"
        }
    }

    /// The status `waitpid` reported, or `nil` for a stop or continue notification.
    init?(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else if signal != 0x7f {
            self = .signaled(signal)
        } else {
            return nil
        }
    }
}
