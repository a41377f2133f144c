#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Multiprocessing

/// Prints its argument on standard output.
struct PrintLine: ProcessTask {
    static func run(_ line: String) async throws {
        print(line)
    }
}

/// Exits with the given code.
struct ExitWith: ProcessTask {
    static func run(_ code: Int32) async throws {
        exit(code)
    }
}

/// Sends the given signal to its own process and waits for it to end the process.
///
/// `kill(getpid(), …)`, not `raise`: `raise` signals only the calling thread, and the threads tasks run on block
/// asynchronous signals.
struct RaiseSignal: ProcessTask {
    static func run(_ signal: Int32) async throws {
        kill(getpid(), signal)
        while true { pause() }
    }
}

/// Prints `ready`, then waits for signals until one ends it.
struct WaitForSignal: ProcessTask {
    static func run(_ arguments: [String]) async throws {
        print("ready")
        fflush(nil)
        while true { pause() }
    }
}

/// The error ``ThrowError`` throws.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// Throws ``TestFailure`` with its argument as the message.
struct ThrowError: ProcessTask {
    static func run(_ message: String) async throws {
        throw TestFailure(description: message)
    }
}
