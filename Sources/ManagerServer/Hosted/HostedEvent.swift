import NIOCore
import Pickle

/// A hosted `threading.Event` (typeid `Event`, `EventProxy`).
package final class HostedEvent: HostedObject {
    /// The exposed names.
    package static let exposedNames = ["is_set", "set", "clear", "wait"]

    /// The flag.
    package private(set) var isSet = false
    private var waiters: [WaiterID] = []

    /// A cleared event.
    package init() {}

    /// `Event()` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        _ = try arguments.bindPython("Event.__init__", [])
        self.init()
    }

    package var typeID: String { "Event" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String {
        "<threading.Event at \(pythonAddress(of: self)): \(self.isSet ? "set" : "unset")>"
    }
    package func pickledValue() -> Result<PythonValue, PythonException> { .failure(.cannotPickle("_thread.lock")) }
    package var inspection: String? { "\(self.isSet ? "set" : "unset"), \(self.waiters.count) waiting" }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "is_set", "isSet":
            _ = try arguments.bindPython("Event.\(method)", [])
            return .value(.bool(self.isSet))
        case "set":
            _ = try arguments.bindPython("Event.set", [])
            self.isSet = true
            let waiters = self.waiters
            self.waiters.removeAll()
            for waiter in waiters { context.resume(waiter, with: .success(true)) }
            return .value(.none)
        case "clear":
            _ = try arguments.bindPython("Event.clear", [])
            self.isSet = false
            return .value(.none)
        case "wait":
            let args = try arguments.bindPython("Event.wait", ["timeout"], defaults: [.none])
            if self.isSet { return .value(true) }
            let timeout = try PythonTimeout.conditionWait(args[0])
            if timeout == .immediately { return .value(false) }
            self.waiters.append(context.park(until: timeout.deadline(from: context.now)))
            return .parked
        default:
            throw .attributeError("'Event' object has no attribute '\(method)'")
        }
    }

    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        guard let index = self.waiters.firstIndex(of: waiter) else { return }
        self.waiters.remove(at: index)
        context.resume(waiter, with: .success(.bool(self.isSet)))
    }

    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        self.waiters.removeAll { context.connection(of: $0) == nil || context.connection(of: $0) == connection }
        return []
    }
}
