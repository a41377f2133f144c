import Synchronization

/// Opens once (a process exited, a server stopped); tasks wait for it, with or without a timeout.
///
/// Unlike an `EventLoopPromise`, it belongs to no event loop, so it can be opened while the loops are shutting down.
package final class AsyncLatch: Sendable {
    private struct State {
        var open = false
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A closed latch.
    package init() {}

    /// Whether the latch is open.
    package var isOpen: Bool { self.state.withLock { $0.open } }

    /// Opens the latch and wakes every waiter.
    package func open() {
        let waiters = self.state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Waits until the latch opens.
    package func wait() async {
        _ = await self.wait(timeout: nil)
    }

    /// Waits until the latch opens (`true`) or `timeout` passes (`false`).
    package func wait(timeout: Duration?) async -> Bool {
        let id = self.state.withLock { state -> UInt64? in
            guard !state.open else { return nil }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let id else { return true }
        let timer = timeout.map { timeout in
            Task { [self] in
                try? await Task.sleep(for: timeout)
                self.resumeWaiter(id, with: false)
            }
        }
        defer { timer?.cancel() }
        return await withCheckedContinuation { continuation in
            let resumeNow = self.state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters[id] = continuation
                return false
            }
            if resumeNow { continuation.resume(returning: true) }
        }
    }

    private func resumeWaiter(_ id: UInt64, with value: Bool) {
        let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: value)
    }
}
