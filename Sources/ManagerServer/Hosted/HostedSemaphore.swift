import BigInt
import DequeModule
import NIOCore
import Pickle

/// A hosted `threading.Semaphore` or `threading.BoundedSemaphore` (typeids `Semaphore`, `BoundedSemaphore`).
///
/// Counts acquired by each connection and not released are tracked, so that a closed connection gives them back.
package final class HostedSemaphore: HostedObject {
    /// The exposed names (3.14's tuple; 3.11's without `locked`).
    package static let exposedNames = ["acquire", "release", "locked"]

    /// `Semaphore` or `BoundedSemaphore`.
    package let typeID: String
    /// Whether releases beyond the initial value fail (`BoundedSemaphore`).
    package let isBounded: Bool
    /// The initial value.
    package let initialValue: BigInt
    /// The current value: a `BigInt` because CPython's is a Python int, which `release(n)` can grow past
    /// `Int.max` (`Semaphore(2**63 - 1).release()` gives `value=9223372036854775808`).
    package private(set) var value: BigInt
    private var held: [ConnectionID: Int] = [:]
    private var waiters: Deque<(waiter: WaiterID, connection: ConnectionID)> = []

    /// A semaphore with `value` permits.
    package init(value: BigInt, bounded: Bool) {
        self.typeID = bounded ? "BoundedSemaphore" : "Semaphore"
        self.isBounded = bounded
        self.initialValue = value
        self.value = value
    }

    /// `Semaphore(value=1)` as the `create` call receives it.
    package convenience init(bounded: Bool, _ arguments: CallArguments) throws(PythonException) {
        let name = bounded ? "BoundedSemaphore" : "Semaphore"
        let args = try arguments.bindPython("\(name).__init__", ["value"], defaults: [1])
        guard let value = args[0].integer else {
            throw .typeError("'<' not supported between instances of '\(args[0].typeName)' and 'int'")
        }
        guard value >= 0 else { throw .valueError("semaphore initial value must be >= 0") }
        self.init(value: value, bounded: bounded)
    }

    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String {
        let value = self.isBounded ? "\(Self.text(self.value))/\(Self.text(self.initialValue))" : Self.text(self.value)
        return "<threading.\(self.typeID) at \(pythonAddress(of: self)): value=\(value)>"
    }
    package func pickledValue() -> Result<PythonValue, PythonException> { .failure(.cannotPickle("_thread.lock")) }
    package var inspection: String? { "value \(Self.text(self.value)), \(self.waiters.count) waiting" }

    /// A count as `repr` prints it: decimal up to CPython's 4300 digits, beyond that unconverted (a count that
    /// `release(n)` grew with a huge `n` would otherwise cost a quadratic conversion on every `repr`).
    private static func text(_ count: BigInt) -> String { PythonValue.integer(count).repr }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "acquire", "__enter__":
            let args = try arguments.bindPython(
                "\(self.typeID).acquire", ["blocking", "timeout"],
                defaults: [true, .none])
            let blocking = args[0].isTruthy
            if !blocking, !args[1].isNone { throw .valueError("can't specify timeout for non-blocking acquire") }
            if self.value > 0, self.waiters.isEmpty {
                self.take(for: context.connection)
                return .value(true)
            }
            guard blocking else { return .value(false) }
            let timeout = try PythonTimeout.waitFor(args[1])
            if timeout == .immediately { return .value(false) }
            let waiter = context.park(until: timeout.deadline(from: context.now))
            self.waiters.append((waiter, context.connection))
            return .parked
        case "release", "__exit__":
            let args =
                method == "release"
                ? try arguments.bindPython("\(self.typeID).release", ["n"], defaults: [1]) : [1]
            guard let n = args[0].integer else {
                throw .typeError("'\(args[0].typeName)' object cannot be interpreted as an integer")
            }
            guard n >= 1 else { throw .valueError("n must be one or more") }
            if self.isBounded, self.value + n > self.initialValue {
                throw .valueError("Semaphore released too many times")
            }
            self.value += n
            if let count = self.held[context.connection] {
                let left = BigInt(count) - n
                self.held[context.connection] = left > 0 ? Int(exactly: left) : nil
            }
            self.wake(in: context)
            return .value(.none)
        case "locked":
            _ = try arguments.bindPython("\(self.typeID).locked", [])
            return .value(.bool(self.value == 0))
        default:
            throw .attributeError("'\(self.typeID)' object has no attribute '\(method)'")
        }
    }

    private func take(for connection: ConnectionID) {
        self.value -= 1
        self.held[connection, default: 0] += 1
    }

    private func giveBack(for connection: ConnectionID) {
        self.value += 1
        let count = self.held[connection] ?? 0
        self.held[connection] = count > 1 ? count - 1 : nil
    }

    private func wake(in context: any StoreContext) {
        while self.value > 0, let next = self.waiters.popFirst() {
            self.take(for: next.connection)
            if !context.resume(next.waiter, with: .success(true)) {
                self.giveBack(for: next.connection)
            }
        }
    }

    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        guard let index = self.waiters.firstIndex(where: { $0.waiter == waiter }) else { return }
        self.waiters.remove(at: index)
        context.resume(waiter, with: .success(false))
    }

    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        self.waiters.removeAll { $0.connection == connection }
        guard let count = self.held.removeValue(forKey: connection) else { return [] }
        let restored = self.value + BigInt(count)
        self.value = self.isBounded ? min(restored, self.initialValue) : restored
        self.wake(in: context)
        return ["released \(self.typeID) acquired \(count) time\(count == 1 ? "" : "s")"]
    }
}
