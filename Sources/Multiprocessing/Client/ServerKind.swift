/// Which implementation serves a manager, as far as the client needs to know.
public enum ServerKind: Sendable, Hashable {
    /// swift-multiprocessing's server: reference operations travel on the client's long-lived channel, and
    /// references are given back if the client dies.
    case swift
    /// CPython's `multiprocessing.managers.Server` (any version): reference operations each take a fresh
    /// connection, as CPython's own client does.
    case cpython
}
