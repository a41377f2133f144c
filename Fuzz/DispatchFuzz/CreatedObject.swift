import ManagerServer

/// An object the store created during one input, as its `create` or `#PROXY` reply named it.
struct CreatedObject {
    /// The object id.
    let id: String
    /// The type id it was created as.
    let typeID: String
    /// The exposed names the reply reported.
    let exposed: [String]
    /// Every method name a structured call can pick for this object: the exposed names (each once, in order),
    /// then the other names its type accepts (newer CPython names, the Swift extensions such as
    /// `__swift_set_nested__`), sorted, then the fallbacks. Read from ``HostedType`` so new methods are covered;
    /// shared by the objects of a type whose replies report no names beyond the type's own.
    let methods: [String]

    /// An object `id` of type `typeID` whose reply reported `exposed`.
    init(id: String, typeID: String, exposed: [String]) {
        self.id = id
        self.typeID = typeID
        self.exposed = exposed
        if let shared = Self.typeMethods[typeID], exposed.allSatisfy(shared.names.contains) {
            self.methods = shared.list
        } else {
            self.methods = Self.methods(typeID: typeID, exposed: exposed)
        }
    }

    /// The method names of each SyncManager type, computed once: every `create` reads them.
    private static let typeMethods = Dictionary(
        uniqueKeysWithValues: HostedType.syncManager.map { type in
            let list = Self.methods(typeID: type.typeID, exposed: [])
            return (type.typeID, (list: list, names: Set(list)))
        }
    )

    /// Names not exposed by any object that the store answers itself (CPython's fallbacks) or refuses.
    private static let fallbacks = ["#GETVALUE", "__repr__", "__str__", "__no_such_method__"]

    /// The names ``methods`` lists for an object of type `typeID` whose reply reported `exposed`.
    private static func methods(typeID: String, exposed: [String]) -> [String] {
        var names: [String] = []
        var seen: Set<String> = []
        let type = HostedType.syncManagerType(typeID)
        for name in (type?.exposed ?? []) + exposed where seen.insert(name).inserted {
            names.append(name)
        }
        names += (type?.acceptedMethods ?? []).subtracting(seen).sorted()
        return names + Self.fallbacks
    }
}
