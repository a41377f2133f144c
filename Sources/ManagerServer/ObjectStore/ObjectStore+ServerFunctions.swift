import Pickle

extension ObjectStore {
    /// The server functions a client may call on a fresh connection.
    package static let serverFunctions: Set<String> = [
        "create", "incref", "decref", "get_methods", "debug_info", "number_of_objects", "shutdown", "dummy",
        "accept_connection", "inspect",
    ]

    /// Runs a server function (CPython's `Server.public` set plus `inspect`) for `connection`.
    ///
    /// References taken with `create` and `incref` on a long-lived connection are charged to it and given back if
    /// it closes without releasing them; on CPython's one-shot connections they belong to nobody in particular.
    package func perform(
        function name: String,
        arguments: [PythonValue],
        keywords: PythonDict,
        connection: ConnectionID,
        chargeReferences: Bool = false
    ) -> StoreReply {
        self.eventLoop.preconditionInEventLoop()
        switch name {
        case "dummy", "accept_connection":
            return .returned(.none)
        case "create":
            return self.create(arguments: arguments, keywords: keywords, connection: connection, charge: chargeReferences)
        case "incref":
            guard let id = arguments.first?.stringValue else { return self.badArguments(name, arguments) }
            return self.incref(id, connection: connection, charge: chargeReferences)
        case "decref":
            guard let id = arguments.first?.stringValue else { return self.badArguments(name, arguments) }
            return self.decref(id, connection: connection, charge: chargeReferences)
        case "get_methods":
            guard let id = arguments.first.flatMap(Self.tokenObjectID), let entry = self.entries[id] else {
                return .traceback(for: .keyError(arguments.first ?? .none), context: "get_methods")
            }
            return .returned(.tuple(entry.exposedOrder.map(PythonValue.string)))
        case "debug_info":
            return .returned(.string(self.debugInfo()))
        case "number_of_objects":
            return .returned(.int(self.numberOfObjects))
        case "inspect":
            return .returned(self.inspection())
        case "shutdown":
            self.onShutdownRequest?()
            self.onShutdownRequest = nil
            return .returned(.none)
        default:
            return .traceback(
                for: PythonException(type: .builtin("AssertionError"), arguments: [.string("'\(name)' unrecognized")]),
                context: "handle_request"
            )
        }
    }

    private func badArguments(_ function: String, _ arguments: [PythonValue]) -> StoreReply {
        .traceback(
            for: .typeError("\(function)() expects an object id (str) as its only argument, got \(PythonValue.tuple(arguments).repr)"),
            context: function
        )
    }

    private func create(arguments: [PythonValue], keywords: PythonDict, connection: ConnectionID, charge: Bool) -> StoreReply {
        guard let typeID = arguments.first?.stringValue else {
            return .traceback(for: .typeError("create() needs a typeid (str) as its first argument"), context: "create")
        }
        guard let type = self.types[typeID] else {
            if typeID == "Pool" || typeID == "AsyncResult" {
                return .traceback(
                    for: .valueError(
                        "typeid '\(typeID)' runs pickled Python functions inside the server, and swift-multiprocessing "
                            + "never runs code received from the wire. Start a multiprocessing.Pool in the client "
                            + "process instead (Swift programs: WorkerPool), and share data through this manager."
                    ),
                    context: "create"
                )
            }
            return .traceback(for: .keyError(.string(typeID)), context: "create")
        }
        let constructorArguments = Array(arguments.dropFirst())
        if let dangling = self.firstDanglingProxy(in: constructorArguments + keywords.values) {
            return .traceback(for: .keyError(.string(dangling.objectID)), context: "create (rebuilding a proxy argument)")
        }
        self.current = CurrentCall(connection: connection, objectID: "", reply: { _ in })
        defer { self.current = nil }
        do {
            let object = try type.make(CallArguments(constructorArguments, keywords: keywords), self)
            let id = self.insert(object, type: type)
            self.countProcessReference(to: id, from: connection, by: 1)
            if charge {
                self.referencesOwned[connection, default: [:]][id, default: 0] += 1
            }
            return .returned(.tuple([.string(id), .tuple(type.exposed.map(PythonValue.string))]))
        } catch {
            return .traceback(for: error, context: "create('\(typeID)')")
        }
    }

    private func incref(_ id: String, connection: ConnectionID, charge: Bool) -> StoreReply {
        guard self.entries[id] != nil else {
            return .traceback(for: .keyError(.string(id)), context: "incref")
        }
        self.entries[id]!.refcount += 1
        self.reclaimCandidates.remove(id)
        self.countProcessReference(to: id, from: connection, by: 1)
        if charge {
            self.referencesOwned[connection, default: [:]][id, default: 0] += 1
        }
        return .returned(.none)
    }

    private func decref(_ id: String, connection: ConnectionID, charge: Bool) -> StoreReply {
        guard let entry = self.entries[id] else {
            return .traceback(for: .keyError(.string(id)), context: "decref")
        }
        if charge, var owned = self.referencesOwned[connection], let count = owned[id] {
            owned[id] = count > 1 ? count - 1 : nil
            self.referencesOwned[connection] = owned
        }
        // A nested referent nobody holds a count on: CPython's decref of a manager-owned object is a no-op.
        guard entry.refcount > 0 else { return .returned(.none) }
        self.countProcessReference(to: id, from: connection, by: -1)
        self.releaseReference(to: id)
        return .returned(.none)
    }

    /// Counts a reference taken or given back by the process behind `connection`, when it is known.
    func countProcessReference(to id: String, from connection: ConnectionID, by delta: Int) {
        guard let process = self.peerProcesses[connection] else { return }
        let count = (self.processReferences[process]?[id] ?? 0) + delta
        self.processReferences[process, default: [:]][id] = count > 0 ? count : nil
        if self.processReferences[process]?.isEmpty == true {
            self.processReferences[process] = nil
        }
    }

    /// Drops one client reference; at zero the object becomes a reclaim candidate.
    func releaseReference(to id: String) {
        guard let entry = self.entries[id], entry.refcount > 0 else { return }
        self.entries[id]!.refcount -= 1
        if entry.refcount == 1 {
            self.reclaimCandidates.insert(id)
            self.scheduleReclaim()
        }
    }

    /// CPython's `debug_info` text: one entry per live id, sorted by id.
    func debugInfo() -> String {
        self.entries.keys.sorted().map { id in
            let entry = self.entries[id]!
            return "  \(id):       refcount=\(entry.refcount)\n    \(String(entry.object.pythonStr.prefix(75)))"
        }.joined(separator: "\n")
    }

    /// Everything `swift-multiprocessing inspect` shows: a list of dicts, one per live object.
    func inspection() -> PythonValue {
        .list(
            self.entries.keys.sorted().map { id in
                let entry = self.entries[id]!
                let waiting = self.parkedCalls.values.count(where: { $0.objectID == id })
                return .dict(
                    PythonDict(stringKeys: [
                        "id": .string(id),
                        "typeid": .string(entry.typeID),
                        "refcount": .int(entry.refcount),
                        "repr": .string(String(entry.object.pythonRepr.prefix(200))),
                        "parked_calls": .int(waiting),
                        "state": entry.object.inspection.map(PythonValue.string) ?? .none,
                    ])
                )
            }
        )
    }

    /// The object id inside a pickled `Token` (`NEWOBJ` + `BUILD((typeid, address, id))`), or a plain id string.
    static func tokenObjectID(_ value: PythonValue) -> String? {
        if let id = value.stringValue { return id }
        guard case .object(let object) = value.unwrapped, let state = object.states.last,
            case .tuple(let fields) = state.unwrapped, fields.count == 3
        else { return nil }
        return fields[2].stringValue
    }
}
