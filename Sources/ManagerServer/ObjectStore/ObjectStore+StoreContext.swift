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
        guard let parked = self.unpark(waiter) else { return false }
        switch result {
        case .success(let value): parked.reply.deliver(.returned(value), from: self)
        case .failure(let exception): parked.reply.deliver(.error(exception), from: self)
        }
        return true
    }

    package func resumer(for waiter: WaiterID) -> @Sendable (Result<DeferredOutcome, PythonException>) -> Void {
        let store = NIOLoopBound(self, eventLoop: self.eventLoop)
        return { result in
            store.eventLoop.execute { store.value.finish(waiter, with: result) }
        }
    }

    /// Answers a call parked for work that ran elsewhere, registering the new object it may have produced.
    ///
    /// Nothing is built or registered for a call whose connection has gone, so a dead client leaks no object.
    private func finish(_ waiter: WaiterID, with result: Result<DeferredOutcome, PythonException>) {
        guard let parked = self.parkedCalls[waiter] else { return }
        switch result {
        case .failure(let exception):
            self.resume(waiter, with: .failure(exception))
        case .success(.value(let value)):
            self.resume(waiter, with: .success(value))
        case .success(.newObject(let typeID, let make)):
            let object = make()
            let type = self.types[typeID ?? object.typeID]
            guard type != nil || typeID == nil || typeID == object.typeID else {
                // A type id the method's `method_to_typeid` names must exist, as in CPython; an object under
                // its own type id is hosted with its own methods even if that type was not registered.
                self.resume(waiter, with: .failure(.keyError(.string(typeID ?? object.typeID))))
                return
            }
            self.resume(waiter, withNewObject: object, type: type)
        case .success(.create(let typeID, let argument)):
            guard let type = self.types[typeID] else {
                // CPython's server looks the type id up in its registry: an unknown one is a KeyError.
                self.resume(waiter, with: .failure(.keyError(.string(typeID))))
                return
            }
            self.current = CurrentCall(connection: parked.connection, objectID: parked.objectID, reply: .discard)
            defer { self.current = nil }
            do {
                let object = try type.make(CallArguments([argument]), self)
                self.resume(waiter, withNewObject: object, type: type)
            } catch {
                self.resume(waiter, with: .failure(error))
            }
        }
    }

    /// Registers `object` and answers the parked call with a `#PROXY` reply; the caller's process holds the new
    /// object's first reference, as for a `#PROXY` reply to a direct call.
    private func resume(_ waiter: WaiterID, withNewObject object: any HostedObject, type: HostedType?) {
        guard let parked = self.unpark(waiter) else { return }
        parked.reply.deliver(self.registerNewObject(object, type: type, for: parked.connection), from: self)
    }

    /// Removes a parked call and its deadline; `nil` if it is no longer parked.
    private func unpark(_ waiter: WaiterID) -> ParkedCall? {
        guard let parked = self.parkedCalls.removeValue(forKey: waiter) else { return nil }
        parked.timeout?.cancel()
        self.parkedCallsByConnection[parked.connection]?.remove(waiter)
        return parked
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
