import Logging
import NIOCore
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerServer

/// A hosted object for store tests: a list of values, and a gate whose `wait` parks until `open`.
private final class Box: HostedObject {
    var items: [PythonValue] = []
    var waiters: [WaiterID] = []
    var heldBy: ConnectionID?

    let typeID = "Box"
    let exposed = ["append", "pop", "wait", "open", "hold", "snapshot"]
    var pythonRepr: String { "Box(\(PythonValue.list(self.items).repr))" }

    func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext) throws(PythonException)
        -> CallOutcome
    {
        switch method {
        case "append":
            self.items.append(contentsOf: arguments.positional)
            return .value(.none)
        case "pop":
            guard let last = self.items.popLast() else { throw .indexError("pop from empty list") }
            return .value(last)
        case "wait":
            let timeout = arguments.positional.first?.doubleValue
            let deadline = timeout.map { context.now + .nanoseconds(Int64($0 * 1e9)) }
            self.waiters.append(context.park(until: deadline))
            return .parked
        case "open":
            let woken = self.waiters
            self.waiters = []
            for waiter in woken { context.resume(waiter, with: .success(true)) }
            return .value(.int(woken.count))
        case "hold":
            self.heldBy = context.connection
            return .value(.none)
        case "snapshot":
            return .newObject(Box())
        default:
            throw .attributeError(method)
        }
    }

    func pickledValue() -> Result<PythonValue, PythonException> { .success(.list(self.items)) }

    func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {
        self.waiters.removeAll { $0 == waiter }
        context.resume(waiter, with: .success(false))
    }

    func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        self.waiters.removeAll { context.connection(of: $0) == nil }
        guard self.heldBy == connection else { return [] }
        self.heldBy = nil
        return ["released Box"]
    }

    func forEachReferencedObjectID(_ body: (String) -> Void) {
        for item in self.items {
            item.forEachProxyReference { body($0.objectID) }
        }
    }
}

@Suite("Object store")
struct ObjectStoreTests {
    let loop = EmbeddedEventLoop()
    let store: ObjectStore
    let address: PythonValue = "/tmp/store-test.sock"

    init() {
        self.store = ObjectStore(
            eventLoop: self.loop,
            types: [HostedType(typeID: "Box", exposed: Box().exposed, methodToTypeID: ["snapshot": "Box"]) { _, _ in Box() }],
            addresses: [self.address],
            logger: Logger(label: "test")
        )
    }

    let client = ConnectionID(rawValue: 1)
    let other = ConnectionID(rawValue: 2)

    func create() throws -> String {
        let reply = self.store.perform(function: "create", arguments: ["Box"], keywords: PythonDict(), connection: self.client)
        guard case .returned(.tuple(let fields)) = reply, let id = fields.first?.stringValue else {
            throw StoreTestError("create failed: \(reply)")
        }
        return id
    }

    func call(_ id: String, _ method: String, _ arguments: [PythonValue] = [], on connection: ConnectionID? = nil) -> [StoreReply] {
        var replies: [StoreReply] = []
        self.store.call(
            objectID: id, method: method, arguments: CallArguments(arguments), connection: connection ?? self.client
        ) { replies.append($0) }
        return replies
    }

    func proxy(to id: String) -> PythonValue {
        .proxy(PythonProxyReference(proxyType: .managers("AutoProxy"), typeID: "Box", address: self.address, objectID: id))
    }

    func functionResult(_ name: String, _ arguments: [PythonValue] = []) -> StoreReply {
        self.store.perform(function: name, arguments: arguments, keywords: PythonDict(), connection: self.client)
    }

    @Test("create registers an object with one reference and its exposed tuple")
    func createRegisters() throws {
        let reply = self.functionResult("create", ["Box"])
        guard case .returned(.tuple(let fields)) = reply else { Issue.record("\(reply)"); return }
        #expect(fields.count == 2)
        #expect(fields[1] == .tuple(Box().exposed.map(PythonValue.string)))
        #expect(self.store.numberOfObjects == 1)
    }

    @Test("unknown type ids and Pool give a traceback, not an object")
    func unknownTypes() {
        guard case .traceback(let text) = self.functionResult("create", ["Nope"]) else { Issue.record("no traceback"); return }
        #expect(text.hasSuffix("KeyError: 'Nope'\n"))
        guard case .traceback(let pool) = self.functionResult("create", ["Pool", 4]) else { Issue.record("no traceback"); return }
        #expect(pool.contains("never runs code"))
        #expect(self.store.numberOfObjects == 0)
    }

    @Test("incref and decref count references; at zero the object is gone")
    func referenceCounting() throws {
        let id = try self.create()
        #expect(self.functionResult("incref", [.string(id)]).isReturn)
        #expect(self.functionResult("decref", [.string(id)]).isReturn)
        #expect(self.functionResult("decref", [.string(id)]).isReturn)
        #expect(self.store.numberOfObjects == 0)
        self.loop.advanceTime(by: .seconds(1))
        #expect(self.store.numberOfLiveObjects == 0)
        guard case .traceback(let text) = self.call(id, "append", [1]).first else { Issue.record("no traceback"); return }
        #expect(text.hasSuffix("KeyError: '\(id)'\n"))
        guard case .traceback = self.functionResult("decref", [.string(id)]) else { Issue.record("no traceback"); return }
    }

    @Test("an unexposed method falls back to #GETVALUE, __repr__ and __str__, else a traceback")
    func fallbacks() throws {
        let id = try self.create()
        _ = self.call(id, "append", [1, "a"])
        guard case .returned(let value) = self.call(id, "#GETVALUE").first else { Issue.record("no value"); return }
        #expect(value == [1, "a"])
        guard case .returned(let repr) = self.call(id, "__repr__").first else { Issue.record("no repr"); return }
        #expect(repr == "Box([1, 'a'])")
        guard case .traceback(let text) = self.call(id, "clear").first else { Issue.record("no traceback"); return }
        #expect(text.contains("AttributeError: method 'clear' of <class 'Box'> object is not in exposed="))
    }

    @Test("exceptions raised by the referent become #ERROR replies")
    func errors() throws {
        let id = try self.create()
        guard case .error(let error) = self.call(id, "pop").first else { Issue.record("no error"); return }
        #expect(error == .indexError("pop from empty list"))
    }

    @Test("a new object returned by a method is registered and handed back as a proxy")
    func newObjects() throws {
        let id = try self.create()
        guard case .proxy(let exposed, let typeID, let newID) = self.call(id, "snapshot").first else {
            Issue.record("no proxy"); return
        }
        #expect(typeID == "Box")
        #expect(exposed == Box().exposed)
        #expect(newID != id)
        #expect(self.store.numberOfObjects == 2)
    }

    @Test("a parked call is answered when the object resumes it")
    func parkAndResume() throws {
        let id = try self.create()
        var waited: [StoreReply] = []
        self.store.call(objectID: id, method: "wait", arguments: CallArguments(), connection: self.other) { waited.append($0) }
        #expect(waited.isEmpty)
        guard case .returned(let count) = self.call(id, "open").first else { Issue.record("no reply"); return }
        #expect(count == 1)
        #expect(waited.count == 1)
        #expect(waited.first?.returnedValue == true)
    }

    @Test("a parked call's deadline makes its object answer it")
    func parkTimeout() throws {
        let id = try self.create()
        var waited: [StoreReply] = []
        self.store.call(objectID: id, method: "wait", arguments: CallArguments([0.5]), connection: self.other) { waited.append($0) }
        self.loop.advanceTime(by: .milliseconds(400))
        #expect(waited.isEmpty)
        self.loop.advanceTime(by: .milliseconds(200))
        #expect(waited.first?.returnedValue == false)
    }

    @Test("closing a connection drops its parked calls and releases what it held")
    func connectionClosed() throws {
        let id = try self.create()
        var waited: [StoreReply] = []
        self.store.call(objectID: id, method: "wait", arguments: CallArguments(), connection: self.other) { waited.append($0) }
        _ = self.call(id, "hold", on: self.other)
        self.store.connectionClosed(self.other)
        guard case .returned(let count) = self.call(id, "open").first else { Issue.record("no reply"); return }
        #expect(count == 0)
        #expect(waited.isEmpty)
    }

    @Test("references a long-lived connection owns are given back when it closes")
    func ownedReferences() throws {
        let reply = self.store.perform(
            function: "create", arguments: ["Box"], keywords: PythonDict(), connection: self.other, chargeReferences: true
        )
        guard case .returned(.tuple(let fields)) = reply, let id = fields.first?.stringValue else { Issue.record("\(reply)"); return }
        #expect(self.store.numberOfObjects == 1)
        self.store.connectionClosed(self.other)
        #expect(self.store.numberOfObjects == 0)
        self.loop.advanceTime(by: .seconds(1))
        #expect(self.store.object(withID: id) == nil)
    }

    @Test("a nested referent lives while a stored proxy reaches it and is reclaimed once removed")
    func nestedReferents() throws {
        let container = try self.create()
        let nested = try self.create()
        _ = self.call(container, "append", [self.proxy(to: nested)])
        #expect(self.functionResult("decref", [.string(nested)]).isReturn)
        self.loop.advanceTime(by: .seconds(1))
        #expect(self.store.object(withID: nested) != nil, "kept alive by the stored proxy")
        #expect(self.store.numberOfObjects == 1)
        // CPython's rule: incref of a nested referent with no count restores it.
        #expect(self.functionResult("incref", [.string(nested)]).isReturn)
        #expect(self.functionResult("decref", [.string(nested)]).isReturn)
        _ = self.call(container, "pop")
        self.loop.advanceTime(by: .seconds(1))
        #expect(self.store.object(withID: nested) == nil, "reclaimed once no stored value reaches it")
    }

    @Test("a proxy argument naming this server but an unknown object is refused")
    func danglingProxy() throws {
        let id = try self.create()
        guard case .traceback(let text) = self.call(id, "append", [self.proxy(to: "ffff")]).first else {
            Issue.record("no traceback"); return
        }
        #expect(text.hasSuffix("KeyError: 'ffff'\n"))
    }

    @Test("debug_info lists every object with its count, sorted by id")
    func debugInfo() throws {
        let id = try self.create()
        guard case .returned(let text) = self.functionResult("debug_info") else { Issue.record("no reply"); return }
        #expect(text == .string("  \(id):       refcount=1\n    Box([])"))
    }

    @Test("unknown server functions are refused with a traceback")
    func unknownFunction() {
        guard case .traceback(let text) = self.functionResult("frobnicate") else { Issue.record("no traceback"); return }
        #expect(text.hasSuffix("AssertionError: 'frobnicate' unrecognized\n"))
    }
}

struct StoreTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension StoreReply {
    var isReturn: Bool {
        if case .returned = self { return true }
        return false
    }

    var returnedValue: PythonValue? {
        if case .returned(let value) = self { return value }
        return nil
    }
}
