import MultiprocessingMacros
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// The macros as the compiler sees them.
let managedMacros: [String: MacroSpec] = [
    "Managed": MacroSpec(type: ManagedMacro.self, conformances: ["ManagedObject"]),
    "ManagedExposed": MacroSpec(type: ManagedExposedMacro.self),
]

/// Expands `source` and checks the result and the diagnostics, recording failures as Swift Testing issues.
func assertExpansion(
    _ source: String,
    expandsTo expected: String,
    diagnostics: [DiagnosticSpec] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    assertMacroExpansion(
        source,
        expandedSource: expected,
        diagnostics: diagnostics,
        macroSpecs: managedMacros,
        failureHandler: { failure in
            Issue.record(Comment(rawValue: failure.message), sourceLocation: sourceLocation)
        }
    )
}
