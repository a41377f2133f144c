import SwiftSyntax

/// A parameter of an exposed method or of the constructor, as a client passes it.
struct ManagedParameter {
    /// The Swift argument label, or `nil` for `_`.
    var label: String?
    /// The parameter's own name inside the function.
    var name: String
    /// The parameter's type, as written.
    var type: TypeSyntax
    /// The default expression, as written.
    var defaultValue: ExprSyntax?

    /// The keyword a Python client passes it by: the argument label, else the parameter name.
    var keyword: String { self.label ?? self.name }
    /// The label part of a call (`n: `), empty for an unlabelled parameter.
    var callLabel: String { self.label.map { "\($0): " } ?? "" }
}

/// An exposed method.
struct ManagedMethod {
    var name: String
    var parameters: [ManagedParameter]
    /// The result type, or `nil` for `Void`.
    var returnType: TypeSyntax?
    var isAsync: Bool
    var isThrowing: Bool
    var node: FunctionDeclSyntax
    /// The type id the result is hosted under (`methodToTypeID`), making the proxy method return a proxy.
    var resultTypeID: String?
}

/// An exposed property, read through `__getattribute__` and written through `__setattr__`.
struct ManagedProperty {
    var name: String
    var type: TypeSyntax
    var isSettable: Bool
}

/// The initializer clients create instances with.
struct ManagedInitializer {
    var parameters: [ManagedParameter]
    var isThrowing: Bool
}
