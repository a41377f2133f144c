import ArgumentParser
import ManagerWire
import Pickle

/// `swift-multiprocessing inspect`: list a manager's objects with their reference counts, holders and waiters.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a manager's objects, reference counts, lock holders and waiters.",
        discussion: "Against CPython's manager, which has no such request, it prints CPython's debug_info instead."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let address = try self.connection.address()
        let key = try self.connection.authKey()
        let count = try await Self.oneShot("number_of_objects", address: address, key: key)
        print("\(address): \(count.repr) object(s) referenced by clients")
        let inspection = try await Self.oneShot("inspect", address: address, key: key, allowTraceback: true)
        guard case .list(let objects) = inspection else {
            // CPython's server: fall back to its own listing.
            let info = try await Self.oneShot("debug_info", address: address, key: key)
            print(info.str)
            return
        }
        for case .dict(let object) in objects {
            let id = object["id"]?.str ?? "?"
            let typeID = object["typeid"]?.str ?? "?"
            let refcount = object["refcount"]?.repr ?? "?"
            var line = "  \(id)  \(typeID)  refcount=\(refcount)"
            if let parked = object["parked_calls"]?.intValue, parked > 0 { line += "  parked calls=\(parked)" }
            if let state = object["state"]?.stringValue { line += "  \(state)" }
            print(line)
            print("      \(object["repr"]?.str ?? "")")
        }
    }

    /// Runs one server function on a fresh connection, as CPython's client does.
    static func oneShot(
        _ function: String, address: ManagerAddress, key: AuthKey?, allowTraceback: Bool = false
    ) async throws -> PythonValue {
        let manager = try await ManagerConnection.connect(to: address, authKey: key)
        defer { Task { await manager.close() } }
        switch try await manager.call(Request(objectID: nil, method: function)) {
        case .returned(let value):
            return value
        case .traceback(let text) where allowTraceback:
            _ = text
            return .none
        case let other:
            throw ValidationError("the manager answered \(function) with \(other)")
        }
    }
}
