#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Multiprocessing
import Synchronization

/// Squares its input.
struct Square: PoolTask {
    static func run(_ input: Int) async throws -> Int {
        input * input
    }
}

/// Returns the process id of the worker that ran it.
struct ProcessID: PoolTask {
    static func run(_ input: Int) async throws -> Int32 {
        getpid()
    }
}

/// Kills its own worker with the signal given when the input is negative; returns the input otherwise.
struct RaiseSignalOn: PoolTask {
    struct Input: Codable, Sendable {
        var value: Int
        var signal: Int32
    }

    static func run(_ input: Input) async throws -> Int {
        if input.value < 0 {
            // The whole process, not only this thread (which blocks asynchronous signals), and wait for the end.
            kill(getpid(), input.signal)
            while true { pause() }
        }
        return input.value
    }
}

/// Throws ``TestFailure`` with its input as the message.
struct FailWith: PoolTask {
    static func run(_ input: String) async throws -> Int {
        throw TestFailure(description: input)
    }
}

/// Never returns: waits for signals until one ends the worker.
struct BlockForever: PoolTask {
    static func run(_ input: Int) async throws -> Int {
        while true { pause() }
    }
}

/// The greeting ``RememberGreeting`` stored in this worker.
let rememberedGreeting = Mutex<String?>(nil)

/// A pool initializer: stores its argument in the worker.
struct RememberGreeting: ProcessTask {
    static func run(_ greeting: String) async throws {
        rememberedGreeting.withLock { $0 = greeting }
    }
}

/// Returns the greeting the initializer stored, or `none`.
struct Greeting: PoolTask {
    static func run(_ input: Int) async throws -> String {
        rememberedGreeting.withLock { $0 } ?? "none"
    }
}
