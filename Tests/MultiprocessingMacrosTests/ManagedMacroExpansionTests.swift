import SwiftSyntaxMacrosGenericTestSupport
import Testing

@Suite("@Managed expansion")
struct ManagedMacroExpansionTests {
    @Test("a public actor exposes its public methods and properties, with Python's keywords, and gets a Proxy")
    func publicActor() {
        assertExpansion(
            """
            @Managed(typeID: "Counter")
            public actor Counter {
                private var count: Int
                init(start: Int = 0) { self.count = start }
                public func increment(n: Int = 1) -> Int { count += n; return count }
                public func add(_ x: Int, by y: Int) async throws -> Int { x }
                public func reset() {}
                public func load(path: String) throws {}
                public var label: String = "c"
                public private(set) var total: Int = 0
                func hidden() {}
                public func _private() {}
            }
            """,
            expandsTo: """
            public actor Counter {
                private var count: Int
                init(start: Int = 0) { self.count = start }
                public func increment(n: Int = 1) -> Int { count += n; return count }
                public func add(_ x: Int, by y: Int) async throws -> Int { x }
                public func reset() {}
                public func load(path: String) throws {}
                public var label: String = "c"
                public private(set) var total: Int = 0
                func hidden() {}
                public func _private() {}

                /// A typed proxy for a hosted `Counter`: each method calls the instance on the manager.
                public struct Proxy: ManagedProxy {
                    public static var typeID: String {
                        "Counter"
                    }
                    public static var pythonProxyType: PythonGlobal {
                        .managers("AutoProxy")
                    }
                    public let reference: ObjectReference
                    public init(reference: ObjectReference) {
                        self.reference = reference
                    }
                    public func increment(n: Int = 1) async throws(ManagerError) -> Int {
                        let result = try await self.reference.client.call(self.reference.objectID, "increment", [self.reference.client.encode(n)])
                        return try await self.reference.client.decode(Int.self, from: result)
                    }
                    public func add(_ x: Int, by y: Int) async throws(ManagerError) -> Int {
                        let result = try await self.reference.client.call(self.reference.objectID, "add", [self.reference.client.encode(x), self.reference.client.encode(y)])
                        return try await self.reference.client.decode(Int.self, from: result)
                    }
                    public func reset() async throws(ManagerError) {
                        _ = try await self.reference.client.call(self.reference.objectID, "reset")
                    }
                    public func load(path: String) async throws(ManagerError) {
                        _ = try await self.reference.client.call(self.reference.objectID, "load", [self.reference.client.encode(path)])
                    }
                    public var label: String {
                        get async throws(ManagerError) {
                            let result = try await self.reference.client.call(self.reference.objectID, "__getattribute__", [.string("label")])
                            return try await self.reference.client.decode(String.self, from: result)
                        }
                    }
                    public func setLabel(_ newValue: String) async throws(ManagerError) {
                        _ = try await self.reference.client.call(self.reference.objectID, "__setattr__", [.string("label"), self.reference.client.encode(newValue)])
                    }
                    public var total: Int {
                        get async throws(ManagerError) {
                            let result = try await self.reference.client.call(self.reference.objectID, "__getattribute__", [.string("total")])
                            return try await self.reference.client.decode(Int.self, from: result)
                        }
                    }
                }
            }

            extension Counter: ManagedObject {
                public static var typeID: String {
                    "Counter"
                }
                public static var exposedMethods: [String] {
                    ["increment", "add", "reset", "load"]
                }
                public static var alsoAcceptedMethods: [String] {
                    ["__getattribute__", "__setattr__"]
                }
                public init(managedArguments: ManagedArguments) throws(PythonException) {
                    try managedArguments.expect(atMost: 1, named: ["start"])
                    self.init(start: try managedArguments.value("start", at: 0, default: 0))
                }
                public func invokeManagedMethod(_ method: String, _ managedArguments: ManagedArguments) async throws -> ManagedResult {
                    switch method {
                    case "increment":
                        try managedArguments.expect(atMost: 1, named: ["n"])
                        return try ManagedArguments.result(self.increment(n: try managedArguments.value("n", at: 0, default: 1)))
                    case "add":
                        try managedArguments.expect(atMost: 2, named: ["x", "by"])
                        return try await ManagedArguments.result(self.add(try managedArguments.value("x", at: 0), by: try managedArguments.value("by", at: 1)))
                    case "reset":
                        try managedArguments.expect(atMost: 0, named: [])
                        self.reset()
                        return .none
                    case "load":
                        try managedArguments.expect(atMost: 1, named: ["path"])
                        try self.load(path: try managedArguments.value("path", at: 0))
                        return .none
                    case "__getattribute__":
                        try managedArguments.expect(atMost: 1, named: ["name"])
                        switch try managedArguments.value("name", at: 0, as: String.self) {
                        case "label":
                            return try ManagedArguments.result(self.label)
                        case "total":
                            return try ManagedArguments.result(self.total)
                        case let attribute:
                            throw ManagedArguments.unknownMethod(attribute, of: Self.typeID)
                        }
                    case "__setattr__":
                        try managedArguments.expect(atMost: 2, named: ["name", "value"])
                        switch try managedArguments.value("name", at: 0, as: String.self) {
                        case "label":
                            self.label = try managedArguments.value("value", at: 1)
                            return .none
                        case "total":
                            throw PythonException.attributeError("property 'total' of 'Counter' object has no setter")
                        case let attribute:
                            throw ManagedArguments.unknownMethod(attribute, of: Self.typeID)
                        }
                    default:
                        throw ManagedArguments.unknownMethod(method, of: Self.typeID)
                    }
                }
            }
            """
        )
    }

    @Test("an explicit list and @ManagedExposed choose the members and the initializer; a throwing one is wrapped")
    func explicitList() {
        assertExpansion(
            """
            @Managed(exposing: ["value", "secret", "label"])
            actor Vault {
                var label: String { "v" }
                init() {}
                @ManagedExposed init(seed: Int) throws {}
                func value() -> Int { 1 }
                private func secret(_ key: String, mode: String = "r") async -> String { key }
                public func notListed() {}
            }
            """,
            expandsTo: #"""
            actor Vault {
                var label: String { "v" }
                init() {}
                init(seed: Int) throws {}
                func value() -> Int { 1 }
                private func secret(_ key: String, mode: String = "r") async -> String { key }
                public func notListed() {}

                /// A typed proxy for a hosted `Vault`: each method calls the instance on the manager.
                struct Proxy: ManagedProxy {
                    static var typeID: String {
                        "Vault"
                    }
                    static var pythonProxyType: PythonGlobal {
                        .managers("AutoProxy")
                    }
                    let reference: ObjectReference
                    init(reference: ObjectReference) {
                        self.reference = reference
                    }
                    func value() async throws(ManagerError) -> Int {
                        let result = try await self.reference.client.call(self.reference.objectID, "value")
                        return try await self.reference.client.decode(Int.self, from: result)
                    }
                    func secret(_ key: String, mode: String = "r") async throws(ManagerError) -> String {
                        let result = try await self.reference.client.call(self.reference.objectID, "secret", [self.reference.client.encode(key), self.reference.client.encode(mode)])
                        return try await self.reference.client.decode(String.self, from: result)
                    }
                    var label: String {
                        get async throws(ManagerError) {
                            let result = try await self.reference.client.call(self.reference.objectID, "__getattribute__", [.string("label")])
                            return try await self.reference.client.decode(String.self, from: result)
                        }
                    }
                }
            }

            extension Vault: ManagedObject {
                static var typeID: String {
                    "Vault"
                }
                static var exposedMethods: [String] {
                    ["value", "secret"]
                }
                static var alsoAcceptedMethods: [String] {
                    ["__getattribute__", "__setattr__"]
                }
                init(managedArguments: ManagedArguments) throws(PythonException) {
                    try managedArguments.expect(atMost: 1, named: ["seed"])
                    do {
                        try self.init(seed: try managedArguments.value("seed", at: 0))
                    } catch let error as PythonException {
                        throw error
                    } catch {
                        throw PythonException.runtimeError("\(type(of: error)): \(error)")
                    }
                }
                func invokeManagedMethod(_ method: String, _ managedArguments: ManagedArguments) async throws -> ManagedResult {
                    switch method {
                    case "value":
                        try managedArguments.expect(atMost: 0, named: [])
                        return try ManagedArguments.result(self.value())
                    case "secret":
                        try managedArguments.expect(atMost: 2, named: ["key", "mode"])
                        return try await ManagedArguments.result(self.secret(try managedArguments.value("key", at: 0), mode: try managedArguments.value("mode", at: 1, default: "r")))
                    case "__getattribute__":
                        try managedArguments.expect(atMost: 1, named: ["name"])
                        switch try managedArguments.value("name", at: 0, as: String.self) {
                        case "label":
                            return try ManagedArguments.result(self.label)
                        case let attribute:
                            throw ManagedArguments.unknownMethod(attribute, of: Self.typeID)
                        }
                    case "__setattr__":
                        try managedArguments.expect(atMost: 2, named: ["name", "value"])
                        switch try managedArguments.value("name", at: 0, as: String.self) {
                        case "label":
                            throw PythonException.attributeError("property 'label' of 'Vault' object has no setter")
                        case let attribute:
                            throw ManagedArguments.unknownMethod(attribute, of: Self.typeID)
                        }
                    default:
                        throw ManagedArguments.unknownMethod(method, of: Self.typeID)
                    }
                }
            }
            """#
        )
    }

    @Test("a type that is not an actor is reported")
    func notAnActor() {
        assertExpansion(
            """
            @Managed
            struct NotAnActor {}
            """,
            expandsTo: """
            struct NotAnActor {}
            """,
            diagnostics: [
                DiagnosticSpec(message: "@Managed applies to actors: calls from many clients must run one at a time", line: 1, column: 1)
            ]
        )
    }

    @Test("members a client cannot call, names it cannot tell apart and unknown listed names are reported")
    func mistakes() {
        assertExpansion(
            """
            @Managed(exposing: ["sum", "untyped", "twice", "reference", "missing"])
            actor Bad {
                init(a: Int) {}
                init(b: Int) {}
                func sum(_ values: Int...) -> Int { 0 }
                var untyped = 1
                func twice() {}
                func twice(n: Int) {}
                func reference() {}
            }
            """,
            expandsTo: """
            actor Bad {
                init(a: Int) {}
                init(b: Int) {}
                func sum(_ values: Int...) -> Int { 0 }
                var untyped = 1
                func twice() {}
                func twice(n: Int) {}
                func reference() {}

                /// A typed proxy for a hosted `Bad`: each method calls the instance on the manager.
                struct Proxy: ManagedProxy {
                    static var typeID: String {
                        "Bad"
                    }
                    static var pythonProxyType: PythonGlobal {
                        .managers("AutoProxy")
                    }
                    let reference: ObjectReference
                    init(reference: ObjectReference) {
                        self.reference = reference
                    }
                    func twice() async throws(ManagerError) {
                        _ = try await self.reference.client.call(self.reference.objectID, "twice")
                    }
                }
            }

            extension Bad: ManagedObject {
                static var typeID: String {
                    "Bad"
                }
                static var exposedMethods: [String] {
                    ["twice"]
                }
                init(managedArguments: ManagedArguments) throws(PythonException) {
                    try managedArguments.expect(atMost: 0, named: [])
                    self.init()
                }
                func invokeManagedMethod(_ method: String, _ managedArguments: ManagedArguments) async throws -> ManagedResult {
                    switch method {
                    case "twice":
                        try managedArguments.expect(atMost: 0, named: [])
                        self.twice()
                        return .none
                    default:
                        throw ManagedArguments.unknownMethod(method, of: Self.typeID)
                    }
                }
            }
            """,
            diagnostics: [
                DiagnosticSpec(message: "parameter 'values' cannot be passed by a client: variadic parameters are not supported", line: 5, column: 14),
                DiagnosticSpec(message: "exposed property 'untyped' needs a type annotation (for example 'var untyped: String')", line: 6, column: 9),
                DiagnosticSpec(message: "'missing' is listed in 'exposing' but Bad has no instance method or property of that name", line: 1, column: 20),
                DiagnosticSpec(
                    message: "more than one exposed member is named 'twice'; Python calls methods by name alone, so rename or hide all but one",
                    line: 8,
                    column: 10
                ),
                DiagnosticSpec(
                    message: "'reference' cannot be exposed: the generated Proxy uses that name; rename the member or hide it",
                    line: 9,
                    column: 10
                ),
                DiagnosticSpec(message: "several initializers: mark the one clients create instances with as @ManagedExposed", line: 4, column: 5),
            ]
        )
    }
}
