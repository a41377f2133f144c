import NIOCore
import Pickle

extension ObjectStore: StoreContext {
    package var connection: ConnectionID {
        // Hosted objects only ask during a call or an event the store is handling.
        self.current?.connection ?? ConnectionID(rawValue: 0)
    }

    package var now: NIODeadline { self.eventLoop.now }

    package func park(until deadline: NIODeadline?) -> WaiterID {
        let waiter = WaiterID(rawValue: self.nextWaiterNumber)
        self.nextWaiterNumber += 1
        guard let current = self.current else {
            // Parking outside a call has no one to answer: report it, never hang silently.
            self.logger.error("a hosted object parked a call outside of a call; the waiter is ignored")
            return waiter
        }
        var timeout: Scheduled<Void>?
        if let deadline {
            timeout = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
                self.deadlinePassed(waiter)
            }
        }
        self.parkedCalls[waiter] = ParkedCall(
            connection: current.connection,
            objectID: current.objectID,
            reply: current.reply,
            timeout: timeout
        )
        self.parkedCallsByConnection[current.connection, default: []].insert(waiter)
        return waiter
    }

    @discardableResult
    package func resume(_ waiter: WaiterID, with result: Result<PythonValue, PythonException>) -> Bool {
        guard let parked = self.parkedCalls.removeValue(forKey: waiter) else { return false }
        parked.timeout?.cancel()
        self.parkedCallsByConnection[parked.connection]?.remove(waiter)
        switch result {
        case .success(let value): parked.reply(.returned(value))
        case .failure(let exception): parked.reply(.error(exception))
        }
        return true
    }

    package func resumer(for waiter: WaiterID) -> @Sendable (Result<PythonValue, PythonException>) -> Void {
        let store = NIOLoopBound(self, eventLoop: self.eventLoop)
        return { result in
            store.eventLoop.execute { store.value.resume(waiter, with: result) }
        }
    }

    package func connection(of waiter: WaiterID) -> ConnectionID? {
        self.parkedCalls[waiter]?.connection
    }

    package func object(withID id: String) -> (any HostedObject)? {
        self.entries[id]?.object
    }

    package func objectID(of object: any HostedObject) -> String? {
        self.entries.first(where: { $0.value.object === object })?.key
    }

    /// A parked call's deadline passed: let the object that parked it answer it.
    ///
    /// The object decides: most answer at once (`Empty()`, `False`), but a notified `Condition` waiter that is
    /// waiting to re-acquire its lock stays parked past its deadline, as in CPython.
    func deadlinePassed(_ waiter: WaiterID) {
        guard let parked = self.parkedCalls[waiter] else { return }
        guard let entry = self.entries[parked.objectID] else {
            self.parkedCalls.removeValue(forKey: waiter)
            return
        }
        self.current = CurrentCall(connection: parked.connection, objectID: parked.objectID, reply: parked.reply)
        defer { self.current = nil }
        entry.object.waiterTimedOut(waiter, in: self)
    }
}
