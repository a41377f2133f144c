import Pickle

/// A type the server can create on request: a type id, its exposed methods and how to build an instance.
///
/// SyncManager's types are registered by default; user types are registered the same way.
package struct HostedType: Sendable {
    /// Builds a referent from the `create` request's constructor arguments.
    package typealias Factory = @Sendable (CallArguments, any StoreContext) throws(PythonException) -> any HostedObject

    /// The type id clients pass to `create` (`dict`, `Queue`, `Counter`, …).
    package var typeID: String
    /// The exposed method names, in the order `create` reports them (CPython 3.11's tuples for SyncManager's types).
    package var exposed: [String]
    /// Every method name a client may call: ``exposed`` plus names newer CPython clients call (3.13/3.14) and
    /// this server's own extensions, accepted without changing the reported tuple.
    package var acceptedMethods: Set<String>
    /// Methods whose results are registered as new objects of another type id (CPython's `method_to_typeid`).
    package var methodToTypeID: [String: String]
    /// Builds an instance.
    package var make: Factory

    /// A hosted type.
    package init(
        typeID: String,
        exposed: [String],
        alsoAccepting extra: [String] = [],
        methodToTypeID: [String: String] = [:],
        make: @escaping Factory
    ) {
        self.typeID = typeID
        self.exposed = exposed
        self.acceptedMethods = Set(exposed).union(extra)
        self.methodToTypeID = methodToTypeID
        self.make = make
    }
}
