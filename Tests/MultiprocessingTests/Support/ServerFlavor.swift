import Testing

/// Which manager server a test runs against.
enum ServerFlavor: String, Sendable, CaseIterable, CustomTestStringConvertible {
    /// swift-multiprocessing's `ManagerServer`, started in the test process.
    case swift
    /// CPython's `SyncManager` server, `python3` (3.11) in a child process.
    case cpython

    var testDescription: String {
        switch self {
        case .swift: return "swift-multiprocessing server"
        case .cpython: return "CPython server"
        }
    }
}
