import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plugin providing swift-multiprocessing's macros.
@main
struct MultiprocessingMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [
        ManagedMacro.self,
        ManagedExposedMacro.self,
    ]
}
