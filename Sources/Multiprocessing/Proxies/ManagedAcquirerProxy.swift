import Pickle

/// The `acquire` calls shared by the lock, semaphore and condition proxies (CPython's `AcquirerProxy`).
///
/// `acquire()` sends `('acquire', (True,))`, `acquire(timeout: t)` sends `('acquire', (True, t))` and
/// `tryAcquire()` sends `('acquire', (False,))`, exactly as Python's proxy does.
public protocol ManagedAcquirerProxy: ManagedProxy {}

extension ManagedAcquirerProxy {
    /// Acquires, waiting until it is available or `timeout` expires (Python's `acquire(True, timeout)`).
    ///
    /// The wait happens on a channel of its own, so other calls through the same client continue meanwhile;
    /// cancelling the task ends the wait.
    ///
    /// - Parameter timeout: How long to wait; `nil` waits as long as it takes.
    /// - Returns: `true` once acquired, `false` if the timeout expired first.
    @discardableResult
    public func acquire(timeout: Duration? = nil) async throws(ManagerError) -> Bool {
        var arguments: [PythonValue] = [.bool(true)]
        if let timeout {
            arguments.append(timeout.pythonSeconds)
        }
        return try await self.invoke("acquire", arguments, mayBlock: true, as: Bool.self)
    }

    /// Acquires if that is possible without waiting (Python's `acquire(False)`).
    ///
    /// - Returns: Whether it was acquired.
    public func tryAcquire() async throws(ManagerError) -> Bool {
        try await self.invoke("acquire", [.bool(false)], as: Bool.self)
    }
}
