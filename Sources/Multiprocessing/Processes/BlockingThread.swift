#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs blocking work (`waitpid`, reads from a child's channel) on a thread of its own, off Swift's cooperative
/// thread pool, where a blocked call would starve other tasks.
enum BlockingThread {
    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts a detached thread running `body`.
    static func detach(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
            body.run()
            return nil
        }, context)
        if result != 0 {
            // No thread could be made: run the work on a task instead (it still finishes, at some cost to the pool).
            let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
            Task.detached { body.run() }
            return
        }
        pthread_detach(thread)
    }
}
