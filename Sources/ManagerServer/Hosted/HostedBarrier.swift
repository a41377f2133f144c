import NIOCore
import Pickle

/// A hosted `threading.Barrier` (typeid `Barrier`, `BarrierProxy`).
package final class HostedBarrier: HostedObject {
    /// The exposed names.
    package static let exposedNames = ["__getattribute__", "wait", "abort", "reset"]

    private struct Waiter {
        var waiter: WaiterID
        var connection: ConnectionID?
        var index: Int
    }

    /// The number of arrivals that release the barrier.
    package let parties: Int
    /// The default timeout in seconds, or `nil`.
    package let defaultTimeout: Double?
    /// Whether the barrier is broken.
    package private(set) var isBroken = false
    private var waiters: [Waiter] = []

    /// A barrier for `parties` arrivals.
    package init(parties: Int, timeout: Double? = nil) {
        self.parties = parties
        self.defaultTimeout = timeout
    }

    /// `Barrier(parties, action=None, timeout=None)` as the `create` call receives it.
    ///
    /// - Throws: `TypeError` for an `action` (the server cannot run Python callables).
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        let args = try arguments.bindPython(
            "Barrier.__init__", ["parties", "action", "timeout"],
            defaults: [.none, .none])
        let parties = try args[0].indexValue()
        guard args[1].isNone else {
            throw .typeError("Barrier(action=...) is not supported: this manager server cannot run Python callables")
        }
        self.init(parties: parties, timeout: args[2].isNone ? nil : try args[2].timeoutSeconds())
    }

    package var typeID: String { "Barrier" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String {
        if self.isBroken { return "<threading.Barrier at \(pythonAddress(of: self)): broken>" }
        return "<threading.Barrier at \(pythonAddress(of: self)): waiters=\(self.waiters.count)/\(self.parties)>"
    }
    package func pickledValue() -> Result<PythonValue, PythonException> { .failure(.cannotPickle("_thread.lock")) }
    package var inspection: String? {
        self.isBroken ? "broken" : "\(self.waiters.count) of \(self.parties) waiting"
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "__getattribute__":
            let name = try arguments.bindOne("Barrier.__getattribute__")
            switch name.stringValue {
            case "parties": return .value(.int(self.parties))
            case "n_waiting": return .value(.int(self.waiters.count))
            case "broken": return .value(.bool(self.isBroken))
            case .some(let other):
                throw .attributeError("'Barrier' object has no attribute '\(other)'")
            case .none:
                throw .typeError("attribute name must be string, not '\(name.typeName)'")
            }
        case "wait":
            let args = try arguments.bindPython("Barrier.wait", ["timeout"], defaults: [.none])
            if self.isBroken { throw .brokenBarrier }
            let index = self.waiters.count
            if index + 1 >= self.parties {
                let released = self.waiters
                self.waiters.removeAll()
                for waiter in released { context.resume(waiter.waiter, with: .success(.int(waiter.index))) }
                return .value(.int(index))
            }
            let seconds = args[0].isNone ? self.defaultTimeout : try args[0].timeoutSeconds()
            if let seconds, seconds <= 0 {
                self.breakBarrier(in: context)
                throw .brokenBarrier
            }
            let deadline = seconds.flatMap { Timeouts.deadline(after: $0, from: context.now) }
            let waiter = context.park(until: deadline)
            self.waiters.append(Waiter(waiter: waiter, connection: context.connection, index: index))
            return .parked
        case "abort":
            _ = try arguments.bindPython("Barrier.abort", [])
            self.breakBarrier(in: context)
            return .value(.none)
        case "reset":
            _ = try arguments.bindPython("Barrier.reset", [])
            self.failWaiters(in: context)
            self.isBroken = false
            return .value(.none)
        default:
            throw .attributeError("'Barrier' object has no attribute '\(method)'")
        }
    }

    private func failWaiters(in context: any StoreContext) {
        let waiters = self.waiters
        self.waiters.removeAll()
        for waiter in waiters { context.resume(waiter.waiter, with: .failure(.brokenBarrier)) }
    }

    private func breakBarrier(in context: any StoreContext) {
        self.isBroken = true
        self.failWaiters(in: context)
    }

    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        guard self.waiters.contains(where: { $0.waiter == waiter }) else { return }
        self.breakBarrier(in: context)
    }

    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        guard self.waiters.contains(where: { $0.connection == connection }) else { return [] }
        // A waiting thread that goes away breaks the barrier, as an interrupted `wait` does in CPython.
        self.waiters.removeAll { $0.connection == connection }
        self.breakBarrier(in: context)
        return ["broke Barrier: a waiting connection closed"]
    }
}
