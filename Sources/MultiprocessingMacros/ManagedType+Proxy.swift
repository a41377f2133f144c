import SwiftSyntax

/// The nested `Proxy`: a `ManagedProxy` with an `async throws(ManagerError)` method for each exposed method, and
/// an async property (plus a `set…` method when settable) for each exposed property.
extension ManagedType {
    /// The source of `struct Proxy: ManagedProxy { … }`.
    var proxyDeclaration: String {
        var members = [
            "\(self.access)static var typeID: String { \(literal(self.typeID)) }",
            "\(self.access)static var pythonProxyType: PythonGlobal { .managers(\"AutoProxy\") }",
            "\(self.access)let reference: ObjectReference",
            "\(self.access)init(reference: ObjectReference) {\n    self.reference = reference\n}",
        ]
        members += self.methods.map(self.proxyMethod)
        for property in self.properties {
            members.append(self.proxyGetter(property))
            if property.isSettable {
                members.append(self.proxySetter(property))
            }
        }
        return """
            /// A typed proxy for a hosted `\(self.name)`: each method calls the instance on the manager.
            \(self.access)struct Proxy: ManagedProxy {
            \(indent(members.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
            }
            """
    }

    private func proxyMethod(_ method: ManagedMethod) -> String {
        let parameters = method.parameters.map { parameter in
            let head =
                parameter.label == parameter.name ? parameter.name : "\(parameter.label ?? "_") \(parameter.name)"
            let tail = parameter.defaultValue.map { " = \($0.trimmedDescription)" } ?? ""
            return "\(head): \(parameter.type.trimmedDescription)\(tail)"
        }.joined(separator: ", ")
        let arguments = method.parameters.map { "self.reference.client.encode(\($0.name))" }
        let call = remoteCall(method.name, arguments)
        let body: [String]
        var result = method.returnType.map { " -> \($0.trimmedDescription)" } ?? ""
        if method.resultTypeID != nil, let returnType = method.returnType {
            let proxy = proxyType(for: returnType)
            result = " -> \(proxy)"
            body = [
                "let reference = \(remoteCall(method.name, arguments, returningObject: true))",
                "return \(proxy)(reference: reference)",
            ]
        } else if let returnType = method.returnType {
            body = [
                "let result = \(call)",
                "return try await self.reference.client.decode(\(returnType.trimmedDescription).self, from: result)",
            ]
        } else {
            body = ["_ = \(call)"]
        }
        return """
            \(self.access)func \(method.name)(\(parameters)) async throws(ManagerError)\(result) {
            \(indent(body))
            }
            """
    }

    private func proxyGetter(_ property: ManagedProperty) -> String {
        let type = property.type.trimmedDescription
        return """
            \(self.access)var \(property.name): \(type) {
                get async throws(ManagerError) {
                    let result = \(remoteCall("__getattribute__", [".string(\(literal(property.name)))"]))
                    return try await self.reference.client.decode(\(type).self, from: result)
                }
            }
            """
    }

    private func proxySetter(_ property: ManagedProperty) -> String {
        let name = "set" + property.name.prefix(1).uppercased() + property.name.dropFirst()
        let call = remoteCall(
            "__setattr__",
            [".string(\(literal(property.name)))", "self.reference.client.encode(newValue)"]
        )
        return """
            \(self.access)func \(name)(_ newValue: \(property.type.trimmedDescription)) async throws(ManagerError) {
                _ = \(call)
            }
            """
    }
}

/// `try await self.reference.client.call(self.reference.objectID, "name", [arguments])`, or `callReturningObject`.
private func remoteCall(_ method: String, _ arguments: [String], returningObject: Bool = false) -> String {
    let list = arguments.isEmpty ? "" : ", [\(arguments.joined(separator: ", "))]"
    let function = returningObject ? "callReturningObject" : "call"
    return "try await self.reference.client.\(function)(self.reference.objectID, \(literal(method))\(list))"
}

/// The proxy a method listed in `methodToTypeID` returns for a result declared as `type`: `ListProxy<E>` for
/// `[E]`, `DictProxy<K, V>` for `[K: V]`, and the managed type's own `T.Proxy` otherwise.
private func proxyType(for type: TypeSyntax) -> String {
    if let array = type.as(ArrayTypeSyntax.self) {
        return "ListProxy<\(array.element.trimmedDescription)>"
    }
    if let dictionary = type.as(DictionaryTypeSyntax.self) {
        return "DictProxy<\(dictionary.key.trimmedDescription), \(dictionary.value.trimmedDescription)>"
    }
    return "\(type.trimmedDescription).Proxy"
}
