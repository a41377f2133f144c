/// A reference to a module-level name, as pickles write classes and functions: `module.qualified.name`.
///
/// A global is data, never resolved: the decoder keeps it as written so it can be re-encoded.
public struct PythonGlobal: Sendable, Hashable, CustomStringConvertible {
    /// The module, for example `builtins` or `multiprocessing.managers`.
    public var module: String
    /// The qualified name within the module, for example `KeyError` or `Outer.Inner`.
    public var name: String

    /// A global reference to `module.name`.
    public init(module: String, name: String) {
        self.module = module
        self.name = name
    }

    /// `module.name`.
    public var description: String { "\(self.module).\(self.name)" }
}

extension PythonGlobal {
    /// `builtins.NAME`.
    public static func builtin(_ name: String) -> PythonGlobal {
        PythonGlobal(module: "builtins", name: name)
    }

    /// `multiprocessing.managers.NAME`.
    public static func managers(_ name: String) -> PythonGlobal {
        PythonGlobal(module: "multiprocessing.managers", name: name)
    }
}
