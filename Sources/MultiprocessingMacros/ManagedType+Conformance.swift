/// The `ManagedObject` conformance: type id, exposed names, constructor and method table.
extension ManagedType {
    /// The members of the generated `extension Actor: ManagedObject`.
    var conformanceMembers: String {
        var lines: [String] = []
        lines.append("\(self.access)static var typeID: String { \(literal(self.typeID)) }")
        lines.append("\(self.access)static var exposedMethods: [String] { \(literal(self.exposedMethodNames)) }")
        if !self.attributeMethodNames.isEmpty {
            lines.append(
                "\(self.access)static var alsoAcceptedMethods: [String] { \(literal(self.attributeMethodNames)) }"
            )
        }
        if !self.methodToTypeID.isEmpty {
            let entries = self.methodToTypeID.map { "\(literal($0.method)): \(literal($0.typeID))" }
            lines.append(
                "\(self.access)static var methodToTypeID: [String: String] { [\(entries.joined(separator: ", "))] }"
            )
        }
        lines.append(self.initializerSource)
        lines.append(self.invokeSource)
        return lines.joined(separator: "\n")
    }

    private var initializerSource: String {
        let parameters = self.initializer?.parameters ?? []
        let call = "self.init(\(bindings(parameters, from: "managedArguments")))"
        var body = [expectation(parameters, from: "managedArguments")]
        if self.initializer?.isThrowing == true {
            body += [
                "do {",
                "    try \(call)",
                "} catch let error as PythonException {",
                "    throw error",
                "} catch {",
                "    throw PythonException.runtimeError(\"\\(type(of: error)): \\(error)\")",
                "}",
            ]
        } else {
            body.append(call)
        }
        return """
            \(self.access)init(managedArguments: ManagedArguments) throws(PythonException) {
            \(indent(body))
            }
            """
    }

    private var invokeSource: String {
        var cases: [String] = []
        for method in self.methods {
            cases.append("case \(literal(method.name)):")
            cases.append("    " + expectation(method.parameters, from: "managedArguments"))
            let call = "self.\(method.name)(\(bindings(method.parameters, from: "managedArguments")))"
            let effects = (method.isAsync ? "await " : "")
            if method.returnType == nil {
                let mayThrow = method.isThrowing || !method.parameters.isEmpty
                cases.append("    \(mayThrow ? "try " : "")\(effects)\(call)")
                cases.append("    return .none")
            } else {
                cases.append("    return try \(effects)ManagedArguments.result(\(call))")
            }
        }
        if !self.properties.isEmpty {
            cases += self.attributeCases
        }
        cases += ["default:", "    throw ManagedArguments.unknownMethod(method, of: Self.typeID)"]
        return """
            \(self.access)func invokeManagedMethod(_ method: String, _ managedArguments: ManagedArguments) async throws -> ManagedResult {
                switch method {
            \(cases.joined(separator: "\n"))
                }
            }
            """
    }

    /// `__getattribute__(name)` and `__setattr__(name, value)` over the exposed properties.
    private var attributeCases: [String] {
        let unknown = [
            "    case let attribute:",
            "        throw ManagedArguments.unknownMethod(attribute, of: Self.typeID)",
            "    }",
        ]
        var lines = [
            "case \"__getattribute__\":",
            "    try managedArguments.expect(atMost: 1, named: [\"name\"])",
            "    switch try managedArguments.value(\"name\", at: 0, as: String.self) {",
        ]
        for property in self.properties {
            lines.append("    case \(literal(property.name)):")
            lines.append("        return try ManagedArguments.result(self.\(property.name))")
        }
        lines += unknown
        lines += [
            "case \"__setattr__\":",
            "    try managedArguments.expect(atMost: 2, named: [\"name\", \"value\"])",
            "    switch try managedArguments.value(\"name\", at: 0, as: String.self) {",
        ]
        for property in self.properties {
            lines.append("    case \(literal(property.name)):")
            if property.isSettable {
                lines.append("        self.\(property.name) = try managedArguments.value(\"value\", at: 1)")
                lines.append("        return .none")
            } else {
                let message = "property '\(property.name)' of '\(self.typeID)' object has no setter"
                lines.append("        throw PythonException.attributeError(\(literal(message)))")
            }
        }
        lines += unknown
        return lines
    }
}

/// `try managedArguments.expect(atMost: 2, named: ["a", "b"])`: the count and keyword check before binding.
private func expectation(_ parameters: [ManagedParameter], from arguments: String) -> String {
    "try \(arguments).expect(atMost: \(parameters.count), named: \(literal(parameters.map(\.keyword))))"
}

/// The call arguments binding each parameter by position or keyword: `n: managedArguments.value("n", at: 0)`.
private func bindings(_ parameters: [ManagedParameter], from arguments: String) -> String {
    parameters.enumerated().map { index, parameter in
        let name = literal(parameter.keyword)
        if let defaultValue = parameter.defaultValue {
            return
                "\(parameter.callLabel)try \(arguments).value(\(name), at: \(index), default: \(defaultValue.trimmedDescription))"
        }
        return "\(parameter.callLabel)try \(arguments).value(\(name), at: \(index))"
    }.joined(separator: ", ")
}

/// A Swift string literal for `value`.
func literal(_ value: String) -> String {
    var escaped = ""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\\": escaped += "\\\\"
        case "\"": escaped += "\\\""
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return "\"\(escaped)\""
}

/// A Swift array literal of strings.
func literal(_ values: [String]) -> String {
    "[" + values.map { literal($0) }.joined(separator: ", ") + "]"
}

/// Lines indented by four spaces, joined.
func indent(_ lines: [String]) -> String {
    lines.map { $0.isEmpty ? $0 : "    " + $0 }.joined(separator: "\n")
}
