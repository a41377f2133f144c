import Pickle

extension ObjectStore {
    /// Runs a method call from a method channel and answers it through `reply`, now or, for a call that parks,
    /// when the object lets it proceed or its deadline passes.
    ///
    /// Implements CPython's `serve_client` steps: look the object up, check the method is exposed (else the
    /// `#GETVALUE`, `__repr__` and `__str__` fallbacks), call it, turn a new object into a `#PROXY` reply.
    package func call(
        objectID: String,
        method: String,
        arguments: CallArguments,
        connection: ConnectionID,
        reply: @escaping ReplyHandler
    ) {
        self.eventLoop.preconditionInEventLoop()
        guard let entry = self.entries[objectID] else {
            reply(.traceback(for: .keyError(.string(objectID)), context: "serve_client (looking up the object id)"))
            return
        }
        guard entry.exposed.contains(method) else {
            reply(self.fallback(method, entry: entry))
            return
        }
        if let dangling = self.firstDanglingProxy(in: arguments.positional + arguments.keywords.values) {
            reply(.traceback(for: .keyError(.string(dangling.objectID)), context: "serve_client (rebuilding a proxy argument)"))
            return
        }
        self.callers.insert(connection)
        self.current = CurrentCall(connection: connection, objectID: objectID, reply: reply)
        defer { self.current = nil }
        let outcome: CallOutcome
        do {
            outcome = try entry.object.call(method, arguments, in: self)
        } catch {
            reply(.error(error))
            self.scheduleReclaimIfNeeded()
            return
        }
        switch outcome {
        case .value(let value):
            reply(.returned(value))
        case .newObject(let object):
            let typeID = entry.methodToTypeID[method] ?? object.typeID
            let id = self.insert(object, type: self.types[typeID])
            self.countProcessReference(to: id, from: connection, by: 1)
            reply(.proxy(exposed: self.entries[id]!.exposedOrder, typeID: self.entries[id]!.typeID, objectID: id))
        case .parked:
            break
        }
        self.scheduleReclaimIfNeeded()
    }

    /// CPython's fallbacks for names that are not exposed.
    private func fallback(_ method: String, entry: StoreEntry) -> StoreReply {
        switch method {
        case "#GETVALUE":
            switch entry.object.pickledValue() {
            case .success(let value):
                return .returned(value)
            case .failure(let exception):
                return .unserializable(TracebackText.format(exception, context: "serve_client (pickling the referent)"))
            }
        case "__repr__":
            return .returned(.string(entry.object.pythonRepr))
        case "__str__":
            return .returned(.string(entry.object.pythonStr))
        default:
            let exposed = "{" + entry.exposedOrder.map { "'\($0)'" }.joined(separator: ", ") + "}"
            return .traceback(
                for: .attributeError(
                    "method '\(method)' of <class '\(entry.typeID)'> object is not in exposed=\(exposed)"
                ),
                context: "serve_client"
            )
        }
    }
}
