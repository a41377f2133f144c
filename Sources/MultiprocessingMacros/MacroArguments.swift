import SwiftDiagnostics
import SwiftSyntax

/// The arguments written in `@Managed(typeID: "Counter", exposing: ["increment"])`.
struct MacroArguments {
    var typeID: String?
    var exposing: [String]?
    /// The `exposing` list, to point diagnostics at.
    var exposingNode: ExprSyntax?

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
