import SwiftDiagnostics
import SwiftSyntax

/// The arguments written in `@Managed(typeID: "Counter", exposing: ["increment"], methodToTypeID: ["child": "Child"])`.
struct MacroArguments {
    var typeID: String?
    var exposing: [String]?
    /// The `exposing` list, to point diagnostics at.
    var exposingNode: ExprSyntax?
    /// `methodToTypeID`, in the order written.
    var methodToTypeID: [(method: String, typeID: String, node: ExprSyntax)] = []

    init(_ attribute: AttributeSyntax) throws {
        guard case .argumentList(let list) = attribute.arguments else { return }
        for argument in list {
            switch argument.label?.text {
            case "typeID":
                self.typeID = try Self.string(argument.expression, label: "typeID")
            case "exposing":
                guard let array = argument.expression.as(ArrayExprSyntax.self) else {
                    throw Self.error(argument.expression, label: "exposing")
                }
                self.exposing = try array.elements.map { element throws in
                    try Self.string(element.expression, label: "exposing")
                }
                self.exposingNode = argument.expression
            case "methodToTypeID":
                guard let dictionary = argument.expression.as(DictionaryExprSyntax.self) else {
                    throw Self.error(argument.expression, label: "methodToTypeID")
                }
                guard case .elements(let elements) = dictionary.content else { continue }  // [:]
                self.methodToTypeID = try elements.map { element throws in
                    (
                        method: try Self.string(element.key, label: "methodToTypeID"),
                        typeID: try Self.string(element.value, label: "methodToTypeID"),
                        node: element.key
                    )
                }
            default:
                continue
            }
        }
    }

    private static func string(_ expression: ExprSyntax, label: String) throws -> String {
        guard let literal = expression.as(StringLiteralExprSyntax.self), let value = literal.representedLiteralValue
        else {
            throw Self.error(expression, label: label)
        }
        return value
    }

    private static func error(_ node: ExprSyntax, label: String) -> DiagnosticsError {
        DiagnosticsError(diagnostics: [Diagnostic(node: node, message: ManagedDiagnostic.literalArgument(label))])
    }
}
