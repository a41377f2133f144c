import ManagerWire
import Pickle

/// How a child reaches the manager whose proxies it receives: the address and the authkey, which travel only on
/// the private channel between parent and child.
struct ManagerCredentials: Sendable, Hashable {
    var address: ManagerAddress
    var authKey: AuthKey?

    init(address: ManagerAddress, authKey: AuthKey?) {
        self.address = address
        self.authKey = authKey
    }

    init(_ client: ManagerClient) {
        self.init(address: client.address, authKey: client.authKey)
    }

    /// `(address, authkey or None)`.
    var pythonValue: PythonValue {
        .tuple([self.address.pythonValue, self.authKey.map { .bytes($0.bytes) } ?? .none])
    }

    /// Credentials from ``pythonValue``, or `nil` for `None` or a value of another shape.
    init?(pythonValue: PythonValue) {
        guard case .tuple(let fields) = pythonValue.unwrapped, fields.count == 2,
            let address = ManagerAddress(pythonValue: fields[0])
        else { return nil }
        switch fields[1].unwrapped {
        case .bytes(let bytes): self.init(address: address, authKey: AuthKey(bytes))
        default: self.init(address: address, authKey: nil)
        }
    }

    /// The client of the first managed proxy found inside `value` (searched by reflection, a few levels deep),
    /// so that passing a proxy to a child needs no separate manager argument, as in Python.
    static func discover(in value: Any, depth: Int = 6) -> ManagerClient? {
        if let proxy = value as? any ManagedProxy { return proxy.client }
        guard depth > 0 else { return nil }
        for child in Mirror(reflecting: value).children.prefix(64) {
            if let client = Self.discover(in: child.value, depth: depth - 1) { return client }
        }
        return nil
    }
}
