import Synchronization

/// A value that becomes known once, which many tasks can await with a timeout.
///
/// Resolved from any thread (the thread that reaped a child, the thread that read a worker's reply); waiters are
/// resumed outside the lock.
final class Completion<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    init() {}

    /// The value, if it is known.
    var value: Value? { self.state.withLock { $0.value } }

    /// Records the value and resumes every waiter. Later calls are ignored; returns whether this call set it.
    @discardableResult
    func resolve(_ value: Value) -> Bool {
        let waiters: [CheckedContinuation<Value?, Never>]? = self.state.withLock { state in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// Waits for the value; `nil` when `timeout` passes first (or the task is cancelled).
    func wait(timeout: Duration?) async -> Value? {
        if let value = self.value { return value }
        guard let timeout else { return await self.waitForever() }
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask { await self.waitForever() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? self.value
        }
    }

    /// Waits for the value until the task is cancelled (then returns `nil`).
    private func waitForever() async -> Value? {
        let id = self.state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let known: Value?? = self.state.withLock { state in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let known { continuation.resume(returning: known) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
