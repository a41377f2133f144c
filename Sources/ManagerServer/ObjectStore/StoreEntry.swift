import Pickle

/// One object in the store's table: the referent and its bookkeeping.
///
/// A class, so that looking an entry up for every call copies one reference instead of all its fields.
package final class StoreEntry {
    /// The referent.
    package var object: any HostedObject
    /// The type id it was created as.
    package var typeID: String
    /// The exposed method names in CPython's order (what `create` and `get_methods` report).
    package var exposedOrder: [String]
    /// The exposed names, for the permission check on every call.
    package var exposed: Set<String>
    /// Method names whose results become new objects of a type id (CPython's `method_to_typeid`).
    package var methodToTypeID: [String: String]
    /// References held by clients (`create`, `incref`, `decref`).
    ///
    /// An entry at zero stays alive while a stored value of a live object holds a proxy to it (the reclaim pass
    /// removes it once nothing does), as CPython's manager-owned table keeps nested referents.
    package var refcount: Int

    /// An entry for `object`.
    package init(
        object: any HostedObject,
        typeID: String,
        exposedOrder: [String],
        exposed: Set<String>,
        methodToTypeID: [String: String],
        refcount: Int
    ) {
        self.object = object
        self.typeID = typeID
        self.exposedOrder = exposedOrder
        self.exposed = exposed
        self.methodToTypeID = methodToTypeID
        self.refcount = refcount
    }
}
