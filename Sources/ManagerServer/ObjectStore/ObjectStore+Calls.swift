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
        self.call(
            objectID: objectID, method: method, arguments: arguments, connection: connection,
            replyTo: .handler(reply), registeringCaller: true
        )
    }

    /// Runs a method call from a method channel and answers it through `receiver`, as
    /// ``call(objectID:method:arguments:connection:reply:)`` does, without a closure per call.
    ///
    /// The store must already know `connection` as a method channel: call ``registerMethodChannel(_:)`` once
    /// before its first call.
    package func call(
        objectID: String,
        method: String,
        arguments: CallArguments,
        connection: ConnectionID,
        receiver: any StoreReplyReceiver
    ) {
        self.call(
            objectID: objectID, method: method, arguments: arguments, connection: connection,
            replyTo: .receiver(receiver), registeringCaller: false
        )
    }

    /// Records that `connection` calls methods, so the objects hear of it when it closes.
    package func registerMethodChannel(_ connection: ConnectionID) {
        self.eventLoop.preconditionInEventLoop()
        self.callers.insert(connection)
    }

    private func call(
        objectID: String,
        method: String,
        arguments: CallArguments,
        connection: ConnectionID,
        replyTo reply: ReplyTarget,
        registeringCaller: Bool
    ) {
        self.eventLoop.preconditionInEventLoop()
        guard let entry = self.entries[objectID] else {
            reply.deliver(
                .traceback(for: .keyError(.string(objectID)), context: "serve_client (looking up the object id)"),
                from: self
            )
            return
        }
        guard entry.exposed.contains(method) else {
            reply.deliver(self.fallback(method, entry: entry), from: self)
            return
        }
        if let dangling = self.firstDanglingProxy(in: arguments) {
            let context = "serve_client (rebuilding a proxy argument)"
            reply.deliver(.traceback(for: .keyError(.string(dangling.objectID)), context: context), from: self)
            return
        }
        if registeringCaller {
            self.callers.insert(connection)
        }
        self.current = CurrentCall(connection: connection, objectID: objectID, reply: reply)
        defer { self.current = nil }
        let outcome: CallOutcome
        do {
            outcome = try entry.object.call(method, arguments, in: self)
        } catch {
            reply.deliver(.error(error), from: self)
            self.scheduleReclaimIfNeeded()
            return
        }
        switch outcome {
        case .value(let value):
            reply.deliver(.returned(value), from: self)
        case .newObject(let object):
            let typeID = entry.methodToTypeID[method] ?? object.typeID
            reply.deliver(self.registerNewObject(object, type: self.types[typeID], for: connection), from: self)
        case .parked:
            break
        }
        self.scheduleReclaimIfNeeded()
    }

    /// Registers an object a method returned and makes the `#PROXY` reply for it; the caller's process holds its
    /// first reference.
    func registerNewObject(_ object: any HostedObject, type: HostedType?, for connection: ConnectionID) -> StoreReply {
        let id = self.insert(object, type: type)
        self.countProcessReference(to: id, from: connection, by: 1)
        let entry = self.entries[id]
        return .proxy(exposed: entry?.exposedOrder ?? object.exposed, typeID: entry?.typeID ?? object.typeID, objectID: id)
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
        case "__repr__", "__str__":
            do {
                let text = method == "__repr__" ? try entry.object.checkedPythonRepr() : try entry.object.checkedPythonStr()
                return .returned(.string(text))
            } catch {
                return .traceback(for: error, context: "serve_client")
            }
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
