import ManagerServer

/// The names a structured record picks from with one byte: keyword names, server functions and type ids.
enum CallTables {
    /// Keyword argument names the hosted types take, and one that none takes.
    static let keywords = [
        "timeout", "block", "blocking", "n", "default", "key", "reverse", "maxsize", "value", "lock", "parties",
        "action", "typecode_or_type", "size_or_initializer", "start", "stop", "item", "__swift_unknown__",
    ]

    /// The server functions, including ones the server refuses.
    static let serverFunctions = [
        "create", "incref", "decref", "get_methods", "debug_info", "number_of_objects", "inspect", "dummy",
        "accept_connection", "shutdown", "__swift_unknown__",
    ]

    /// Every SyncManager type id, then ids the server refuses to create.
    static let typeIDs = HostedType.syncManager.map(\.typeID) + ["Iterator", "Pool", "AsyncResult", "__swift_unknown__"]
}
