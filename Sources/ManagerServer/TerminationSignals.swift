import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM turned into an action instead of the end of the process, so that a server can close its
/// connections and remove its socket file before it exits.
///
/// ```swift
/// let signals = TerminationSignals.install { Task { await server.shutdown() } }
/// print("listening on \(server.boundAddresses[0])")   // handlers are in place: a signal from now on is handled
/// await server.waitUntilShutdown()
/// signals.remove()
/// ```
package struct TerminationSignals {
    private let sources: [any DispatchSourceSignal]

    /// The signals handled.
    private static let numbers: [Int32] = [SIGINT, SIGTERM]

    private init(sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    /// Runs `action` (on a global queue) whenever the process receives SIGINT or SIGTERM, until ``remove()``.
    ///
    /// The signals are unblocked first: a parent may have started this process with them blocked (Foundation's
    /// `Process` does, when it is started from a thread that blocks them), and a blocked signal never reaches a
    /// handler.
    package static func install(_ action: @escaping @Sendable () -> Void) -> TerminationSignals {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in Self.numbers {
            sigaddset(&unblock, number)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let sources = Self.numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
        return TerminationSignals(sources: sources)
    }

    /// Stops handling the signals and gives them back their default action.
    package func remove() {
        for source in self.sources {
            source.cancel()
        }
        for number in Self.numbers {
            signal(number, SIG_DFL)
        }
    }
}
