import SwiftSyntaxMacrosGenericTestSupport
import Testing

@Suite("@Managed expansion: methods that hand out new objects")
struct MethodToTypeIDExpansionTests {
    @Test("mapped methods call callReturningObject and return the proxy for their declared result; mistakes are reported")
    func mappedMethods() {
        assertExpansion(
            """
            @Managed(methodToTypeID: ["make": "Child", "names": "list", "table": "dict", "reset": "Child", "gone": "Child"])
            actor Factory {
                public func make(start: Int = 0) -> Child { Child(start: start) }
                public func names() -> [String] { [] }
                public func table() -> [String: Int] { [:] }
                public func count() -> Int { 0 }
                public func reset() {}
            }
            """,
            expandsTo: """
            actor Factory {
                public func make(start: Int = 0) -> Child { Child(start: start) }
                public func names() -> [String] { [] }
                public func table() -> [String: Int] { [:] }
                public func count() -> Int { 0 }
                public func reset() {}

                /// A typed proxy for a hosted `Factory`: each method calls the instance on the manager.
                struct Proxy: ManagedProxy {
                    static var typeID: String {
                        "Factory"
                    }
                    static var pythonProxyType: PythonGlobal {
                        .managers("AutoProxy")
                    }
                    let reference: ObjectReference
                    init(reference: ObjectReference) {
                        self.reference = reference
                    }
                    func make(start: Int = 0) async throws(ManagerError) -> Child.Proxy {
                        let reference = try await self.reference.client.callReturningObject(self.reference.objectID, "make", [self.reference.client.encode(start)])
                        return Child.Proxy(reference: reference)
                    }
                    func names() async throws(ManagerError) -> ListProxy<String> {
                        let reference = try await self.reference.client.callReturningObject(self.reference.objectID, "names")
                        return ListProxy<String>(reference: reference)
                    }
                    func table() async throws(ManagerError) -> DictProxy<String, Int> {
                        let reference = try await self.reference.client.callReturningObject(self.reference.objectID, "table")
                        return DictProxy<String, Int>(reference: reference)
                    }
                    func count() async throws(ManagerError) -> Int {
                        let result = try await self.reference.client.call(self.reference.objectID, "count")
                        return try await self.reference.client.decode(Int.self, from: result)
                    }
                    func reset() async throws(ManagerError) {
                        _ = try await self.reference.client.call(self.reference.objectID, "reset")
                    }
                }
            }

            extension Factory: ManagedObject {
                static var typeID: String {
                    "Factory"
                }
                static var exposedMethods: [String] {
                    ["make", "names", "table", "count", "reset"]
                }
                static var methodToTypeID: [String: String] {
                    ["make": "Child", "names": "list", "table": "dict"]
                }
                init(managedArguments: ManagedArguments) throws(PythonException) {
                    try managedArguments.expect(atMost: 0, named: [])
                    self.init()
                }
                func invokeManagedMethod(_ method: String, _ managedArguments: ManagedArguments) async throws -> ManagedResult {
                    switch method {
                    case "make":
                        try managedArguments.expect(atMost: 1, named: ["start"])
                        return try ManagedArguments.result(self.make(start: try managedArguments.value("start", at: 0, default: 0)))
                    case "names":
                        try managedArguments.expect(atMost: 0, named: [])
                        return try ManagedArguments.result(self.names())
                    case "table":
                        try managedArguments.expect(atMost: 0, named: [])
                        return try ManagedArguments.result(self.table())
                    case "count":
                        try managedArguments.expect(atMost: 0, named: [])
                        return try ManagedArguments.result(self.count())
                    case "reset":
                        try managedArguments.expect(atMost: 0, named: [])
                        self.reset()
                        return .none
                    default:
                        throw ManagedArguments.unknownMethod(method, of: Self.typeID)
                    }
                }
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "'reset' is listed in 'methodToTypeID' but returns nothing; it must return the object (or the value) to host",
                    line: 1,
                    column: 78
                ),
                DiagnosticSpec(
                    message: "'gone' is listed in 'methodToTypeID' but is not an exposed method of Factory",
                    line: 1,
                    column: 96
                ),
            ]
        )
    }

    @Test("methodToTypeID must be a dictionary literal")
    func notALiteral() {
        assertExpansion(
            """
            @Managed(methodToTypeID: mapping)
            actor Factory {}
            """,
            expandsTo: """
            actor Factory {}
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "@Managed's 'methodToTypeID' argument must be written as a dictionary literal of string literals",
                    line: 1,
                    column: 26
                ),
                DiagnosticSpec(
                    message: "@Managed's 'methodToTypeID' argument must be written as a dictionary literal of string literals",
                    line: 1,
                    column: 26
                ),
            ]
        )
    }
}
