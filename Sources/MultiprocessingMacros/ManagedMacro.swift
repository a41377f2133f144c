import SwiftSyntax
import SwiftSyntaxMacros

/// `@Managed`: makes an actor a `ManagedObject` (type id, exposed methods, constructor, method table) and nests a
/// typed `Proxy` in it whose methods call the hosted instance.
public struct ManagedMacro: ExtensionMacro, MemberMacro {
    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        guard declaration.is(ActorDeclSyntax.self) else {
            // The member role reports this once.
            return []
        }
        let managed = try ManagedType.read(node, declaration) { _ in }
        let conformance = protocols.isEmpty ? "" : ": ManagedObject"
        let source: DeclSyntax = """
            extension \(type.trimmed)\(raw: conformance) {
            \(raw: managed.conformanceMembers)
            }
            """
        guard let decl = source.as(ExtensionDeclSyntax.self) else { return [] }
        return [decl]
    }

    public static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        let managed = try ManagedType.read(node, declaration) { context.diagnose($0) }
        return [DeclSyntax(stringLiteral: managed.proxyDeclaration)]
    }
}
