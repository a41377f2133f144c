#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a ``TestProcess`` could not be started or did not finish.
public struct TestProcessError: Error, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// The program could not be started (no such executable, no pipes or descriptors left).
        case spawnFailed
        /// The program ran past its time limit and was killed.
        case timedOut
    }

    /// What went wrong.
    public var code: Code
    /// The command line, as the program was started with it.
    public var command: [String]
    /// A sentence saying what happened, naming the command.
    public var message: String
    /// The `errno` of a failed call, if one failed.
    public var errno: Int32? = nil
    /// What the program wrote to standard output before it was killed.
    public var standardOutput = ""
    /// What the program wrote to standard error before it was killed.
    public var standardError = ""

    /// The message, the `errno` description, and the output a timed-out program left.
    public var description: String {
        var text = self.message
        if let errno = self.errno {
            text += ": " + String(cString: strerror(errno))
        }
        if !self.standardOutput.isEmpty {
            text += "\nstandard output:\n" + self.standardOutput
        }
        if !self.standardError.isEmpty {
            text += "\nstandard error:\n" + self.standardError
        }
        return text
    }
}
