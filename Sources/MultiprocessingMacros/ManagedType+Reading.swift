import SwiftDiagnostics
import SwiftSyntax

extension ManagedType {
    /// Reads the actor `declaration` that `attribute` is attached to, passing mistakes to `report`.
    ///
    /// - Throws: ``ManagedDiagnostic`` when nothing sensible can be generated (not an actor, non-literal arguments).
    static func read(
        _ attribute: AttributeSyntax,
        _ declaration: some DeclGroupSyntax,
        report: (Diagnostic) -> Void
    ) throws -> ManagedType {
        guard let actor = declaration.as(ActorDeclSyntax.self) else {
            throw DiagnosticsError(diagnostics: [Diagnostic(node: attribute, message: ManagedDiagnostic.notAnActor)])
        }
        let name = actor.name.trimmedDescription
        let arguments = try MacroArguments(attribute)
        var type = ManagedType(
            name: name,
            typeID: arguments.typeID ?? name,
            access: Self.accessModifier(of: actor.modifiers)
        )
        let explicit = arguments.exposing.map(Set.init)
        var found: Set<String> = []
        var initializers: [InitializerDeclSyntax] = []
        var markedInitializer: InitializerDeclSyntax?
        for member in actor.memberBlock.members {
            let decl = member.decl
            if let function = decl.as(FunctionDeclSyntax.self) {
                let methodName = function.name.trimmedDescription
                found.insert(methodName)
                guard !function.modifiers.isStatic,
                    Self.isExposed(
                        methodName,
                        modifiers: function.modifiers,
                        attributes: function.attributes,
                        explicit: explicit
                    ),
                    case .identifier = function.name.tokenKind
                else { continue }
                if let method = Self.method(function, report: report) {
                    type.methods.append(method)
                }
            } else if let variable = decl.as(VariableDeclSyntax.self), !variable.modifiers.isStatic {
                for binding in variable.bindings {
                    guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
                    let propertyName = pattern.identifier.trimmedDescription
                    found.insert(propertyName)
                    guard
                        Self.isExposed(
                            propertyName,
                            modifiers: variable.modifiers,
                            attributes: variable.attributes,
                            explicit: explicit
                        )
                    else { continue }
                    guard let annotation = binding.typeAnnotation ?? variable.bindings.last?.typeAnnotation else {
                        report(Diagnostic(node: binding, message: ManagedDiagnostic.missingType(propertyName)))
                        continue
                    }
                    type.properties.append(
                        ManagedProperty(
                            name: propertyName,
                            type: annotation.type.trimmed,
                            isSettable: Self.isSettable(variable, binding)
                        )
                    )
                }
            } else if let initializer = decl.as(InitializerDeclSyntax.self) {
                if initializer.signature.parameterClause.parameters.first?.firstName.text == "managedArguments" {
                    continue
                }
                initializers.append(initializer)
                if initializer.attributes.contains(named: "ManagedExposed") {
                    markedInitializer = initializer
                }
            }
        }
        if let explicit, let list = arguments.exposingNode {
            for missing in explicit.subtracting(found).sorted() {
                report(Diagnostic(node: list, message: ManagedDiagnostic.unknownExposedName(missing, typeName: name)))
            }
        }
        type.checkNames(report: report)
        for mapping in arguments.methodToTypeID {
            guard let index = type.methods.firstIndex(where: { $0.name == mapping.method }) else {
                report(Diagnostic(node: mapping.node, message: ManagedDiagnostic.unknownMappedMethod(mapping.method, typeName: name)))
                continue
            }
            guard type.methods[index].returnType != nil else {
                report(Diagnostic(node: mapping.node, message: ManagedDiagnostic.mappedMethodReturnsNothing(mapping.method)))
                continue
            }
            type.methods[index].resultTypeID = mapping.typeID
            type.methodToTypeID.append((method: mapping.method, typeID: mapping.typeID))
        }
        if let chosen = markedInitializer ?? (initializers.count == 1 ? initializers[0] : nil) {
            type.initializer = Self.initializer(chosen, report: report)
        } else if initializers.count > 1 {
            report(Diagnostic(node: initializers[1], message: ManagedDiagnostic.severalInitializers))
        }
        return type
    }

    /// Public (or marked `@ManagedExposed`) names not starting with `_`, or the explicit list when there is one.
    private static func isExposed(
        _ name: String,
        modifiers: DeclModifierListSyntax,
        attributes: AttributeListSyntax,
        explicit: Set<String>?
    ) -> Bool {
        if attributes.contains(named: "ManagedExposed") { return true }
        if let explicit { return explicit.contains(name) }
        return modifiers.contains { $0.name.tokenKind == .keyword(.public) || $0.name.tokenKind == .keyword(.open) }
            && !name.hasPrefix("_")
    }

    private static func method(_ function: FunctionDeclSyntax, report: (Diagnostic) -> Void) -> ManagedMethod? {
        if function.genericParameterClause != nil {
            report(Diagnostic(node: function.name, message: ManagedDiagnostic.genericMethod))
            return nil
        }
        guard let parameters = Self.parameters(function.signature.parameterClause, report: report) else { return nil }
        var returnType = function.signature.returnClause?.type.trimmed
        if let written = returnType?.trimmedDescription, written == "Void" || written == "()" {
            returnType = nil
        }
        return ManagedMethod(
            name: function.name.trimmedDescription,
            parameters: parameters,
            returnType: returnType,
            isAsync: function.signature.effectSpecifiers?.asyncSpecifier != nil,
            isThrowing: function.signature.effectSpecifiers?.throwsClause != nil,
            node: function
        )
    }

    private static func initializer(_ initializer: InitializerDeclSyntax, report: (Diagnostic) -> Void)
        -> ManagedInitializer?
    {
        if initializer.optionalMark != nil || initializer.signature.effectSpecifiers?.asyncSpecifier != nil {
            report(Diagnostic(node: initializer.initKeyword, message: ManagedDiagnostic.unsupportedInitializer))
            return nil
        }
        guard let parameters = Self.parameters(initializer.signature.parameterClause, report: report) else {
            return nil
        }
        return ManagedInitializer(
            parameters: parameters,
            isThrowing: initializer.signature.effectSpecifiers?.throwsClause != nil
        )
    }

    private static func parameters(_ clause: FunctionParameterClauseSyntax, report: (Diagnostic) -> Void)
        -> [ManagedParameter]?
    {
        var parameters: [ManagedParameter] = []
        var valid = true
        for parameter in clause.parameters {
            let label = parameter.firstName.tokenKind == .wildcard ? nil : parameter.firstName.trimmedDescription
            let name = parameter.secondName?.trimmedDescription ?? parameter.firstName.trimmedDescription
            if parameter.ellipsis != nil {
                report(
                    Diagnostic(
                        node: parameter,
                        message: ManagedDiagnostic.unsupportedParameter(name, "variadic parameters are not supported")
                    )
                )
                valid = false
            } else if let attributed = parameter.type.as(AttributedTypeSyntax.self),
                attributed.specifiers.contains(where: { $0.trimmedDescription == "inout" })
            {
                report(
                    Diagnostic(
                        node: parameter,
                        message: ManagedDiagnostic.unsupportedParameter(
                            name,
                            "an inout parameter cannot reach a remote caller"
                        )
                    )
                )
                valid = false
            }
            parameters.append(
                ManagedParameter(
                    label: label,
                    name: name,
                    type: parameter.type.trimmed,
                    defaultValue: parameter.defaultValue?.value.trimmed
                )
            )
        }
        return valid ? parameters : nil
    }

    /// `var` without a restricted setter, stored or with a `set` (or observers).
    private static func isSettable(_ variable: VariableDeclSyntax, _ binding: PatternBindingSyntax) -> Bool {
        guard variable.bindingSpecifier.tokenKind == .keyword(.var) else { return false }
        if variable.modifiers.contains(where: { $0.detail?.detail.tokenKind == .identifier("set") }) {
            return false
        }
        switch binding.accessorBlock?.accessors {
        case .none:
            return true
        case .getter:
            return false
        case .accessors(let accessors):
            return accessors.contains { accessor in
                [.keyword(.set), .keyword(.willSet), .keyword(.didSet)].contains(accessor.accessorSpecifier.tokenKind)
            }
        }
    }

    /// The actor's own `public` or `package`, repeated on the generated members.
    private static func accessModifier(of modifiers: DeclModifierListSyntax) -> String {
        for modifier in modifiers {
            switch modifier.name.tokenKind {
            case .keyword(.public), .keyword(.open): return "public "
            case .keyword(.package): return "package "
            default: continue
            }
        }
        return ""
    }

    /// Reports exposed names Python could not tell apart and names the proxy needs for itself.
    private mutating func checkNames(report: (Diagnostic) -> Void) {
        var seen: Set<String> = []
        var methods: [ManagedMethod] = []
        for method in self.methods {
            if Self.reservedNames.contains(method.name) {
                report(Diagnostic(node: method.node.name, message: ManagedDiagnostic.reservedName(method.name)))
            } else if !seen.insert(method.name).inserted {
                report(Diagnostic(node: method.node.name, message: ManagedDiagnostic.duplicateName(method.name)))
            } else {
                methods.append(method)
            }
        }
        self.methods = methods
        self.properties.removeAll { Self.reservedNames.contains($0.name) || seen.contains($0.name) }
    }
}

extension DeclModifierListSyntax {
    /// Whether the declaration is `static` or `class`.
    var isStatic: Bool {
        self.contains { $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class) }
    }
}

extension AttributeListSyntax {
    /// Whether an attribute named `name` (`@ManagedExposed`) is present.
    func contains(named name: String) -> Bool {
        self.contains { element in
            guard case .attribute(let attribute) = element else { return false }
            return attribute.attributeName.trimmedDescription == name
        }
    }
}
