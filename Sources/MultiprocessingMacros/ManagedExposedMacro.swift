import SwiftSyntax
import SwiftSyntaxMacros

/// `@ManagedExposed`: a marker read by ``ManagedMacro``. On a method or property it exposes a member that is not
/// public; on an initializer it names the one clients call. It generates nothing itself.
public struct ManagedExposedMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        []
    }
}
