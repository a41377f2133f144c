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

    /// The number of arrivals that release the barrier, as given: CPython 3.11 stores any value and releases
    /// when `index + 1 == parties`, so `0`, `-1` or `1.5` never release and `True` releases at the first arrival.
    package let parties: PythonValue
    /// The default timeout, as given (`None`: wait forever); it is checked only when a `wait` uses it.
    package let defaultTimeout: PythonValue
    /// Whether the barrier is broken.
    package private(set) var isBroken = false
    private var waiters: [Waiter] = []

    /// A barrier for `parties` arrivals.
    package init(parties: PythonValue, timeout: PythonValue = .none) {
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
        guard args[1].isNone else {
            throw .typeError("Barrier(action=...) is not supported: this manager server cannot run Python callables")
        }
        self.init(parties: args[0], timeout: args[2])
    }

    package var typeID: String { "Barrier" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String {
        if self.isBroken { return "<threading.Barrier at \(pythonAddress(of: self)): broken>" }
        return "<threading.Barrier at \(pythonAddress(of: self)): waiters=\(self.waiters.count)/\(self.partiesText)>"
    }
    package func pickledValue() -> Result<PythonValue, PythonException> { .failure(.cannotPickle("_thread.lock")) }
    package var inspection: String? {
        self.isBroken ? "broken" : "\(self.waiters.count) of \(self.partiesText) waiting"
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "__getattribute__":
            let name = try arguments.bindOne("Barrier.__getattribute__")
            switch name.stringValue {
            case "parties": return .value(self.parties)
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
            if self.isReleased(byArrival: index + 1) {
                let released = self.waiters
                self.waiters.removeAll()
                for waiter in released { context.resume(waiter.waiter, with: .success(.int(waiter.index))) }
                return .value(.int(index))
            }
            // An invalid timeout raises before the wait starts and leaves the barrier whole, as in CPython.
            let timeout = try PythonTimeout.waitFor(args[0].isNone ? self.defaultTimeout : args[0])
            if timeout == .immediately {
                self.breakBarrier(in: context)
                throw .brokenBarrier
            }
            let waiter = context.park(until: timeout.deadline(from: context.now))
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

    /// `parties` as `repr` prints it (bounded for an int past 4300 digits).
    private var partiesText: String { self.parties.repr }

    /// Whether the `arrivals`-th arrival releases the barrier: Python's `arrivals == parties`.
    private func isReleased(byArrival arrivals: Int) -> Bool {
        switch self.parties.unwrapped {
        case .int(let parties): return parties == arrivals
        case .bool(let flag): return arrivals == (flag ? 1 : 0)
        case .float(let parties): return parties == Double(arrivals)
        case .complex(let real, let imaginary): return imaginary == 0 && real == Double(arrivals)
        default: return false
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
