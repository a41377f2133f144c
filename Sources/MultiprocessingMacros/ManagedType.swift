import SwiftSyntax

/// What `@Managed` reads from an actor: its type id, exposed methods and properties, and constructor.
struct ManagedType {
    /// The actor's name.
    var name: String
    /// The type id clients create it under.
    var typeID: String
    /// The access modifier generated members get (`public `, `package ` or empty).
    var access: String
    /// Exposed methods, in declaration order.
    var methods: [ManagedMethod] = []
    /// Exposed properties, in declaration order.
    var properties: [ManagedProperty] = []
    /// The initializer clients create instances with; `nil` for the implicit `init()`.
    var initializer: ManagedInitializer?

    /// Names the generated `Proxy` declares itself; members with these names cannot be exposed.
    static let reservedNames: Set<String> = ["reference", "typeID", "pythonProxyType", "init", "client", "objectID"]

    /// `methodToTypeID`, as written.
    var methodToTypeID: [(method: String, typeID: String)] = []

    /// The names Python clients see, in the order `create` reports them.
    var exposedMethodNames: [String] { self.methods.map(\.name) }

    /// The method names a client may call besides the exposed ones: attribute access for exposed properties.
    ///
    /// They stay out of ``exposedMethodNames`` because CPython's AutoProxy turns every exposed name into a proxy
    /// method, and a proxy method named `__getattribute__` would capture every attribute access on the proxy.
    var attributeMethodNames: [String] {
        self.properties.isEmpty ? [] : ["__getattribute__", "__setattr__"]
    }
}
