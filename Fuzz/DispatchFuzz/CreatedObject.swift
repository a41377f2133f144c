import ManagerServer

/// An object the store created during one input, as its `create` or `#PROXY` reply named it.
struct CreatedObject {
    /// The object id.
    var id: String
    /// The type id it was created as.
    var typeID: String
    /// The exposed names the reply reported.
    var exposed: [String]

    /// Names not exposed by any object that the store answers itself (CPython's fallbacks) or refuses.
    private static let fallbacks = ["#GETVALUE", "__repr__", "__str__", "__no_such_method__"]

    /// Every method name a structured call can pick for this object: the exposed names (each once, in order),
    /// then the other names its type accepts (newer CPython names, the Swift extensions such as
    /// `__swift_set_nested__`), sorted, then the fallbacks. Read from ``HostedType`` so new methods are covered.
    var methods: [String] {
        var names: [String] = []
        var seen: Set<String> = []
        let type = HostedType.syncManagerType(self.typeID)
        for name in (type?.exposed ?? []) + self.exposed where seen.insert(name).inserted {
            names.append(name)
        }
        names += (type?.acceptedMethods ?? []).subtracting(seen).sorted()
        return names + Self.fallbacks
    }
}
