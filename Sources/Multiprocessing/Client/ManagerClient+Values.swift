public import Pickle
import ManagerWire

extension ManagerClient {
    /// Converts a Swift value to the value sent to the manager.
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/conversion``.
    public func encode<T: Encodable>(_ value: T) throws(ManagerError) -> PythonValue {
        if let value = value as? PythonValue { return value }
        do {
            return try PythonValueEncoder().encode(value)
        } catch {
            throw ManagerError(code: .conversion, message: "cannot convert \(T.self) to a Python value: \(error)")
        }
    }

    /// Converts a value from the manager to a Swift type, taking a reference to every proxy inside it first.
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/conversion`` when the value does not fit `T`.
    public func decode<T: Decodable>(_ type: T.Type, from value: PythonValue) async throws(ManagerError) -> T {
        if let value = value as? T { return value }
        var proxies: [PythonProxyReference] = []
        if value.mayContainProxy {
            value.forEachProxyReference { proxies.append($0) }
        }
        var references: [String: ObjectReference] = [:]
        for proxy in proxies where references[proxy.objectID] == nil {
            references[proxy.objectID] = try await self.client(for: proxy).adopt(proxy)
        }
        do {
            return try ProxyAdoption.$current.withValue(ProxyAdoption(references: references)) {
                try PythonValueDecoder().decode(T.self, from: value)
            }
        } catch {
            throw ManagerError(code: .conversion, message: "cannot read \(T.self) from \(value.repr.prefix(200)): \(error)")
        }
    }

    /// The client for the manager a proxy names: this one, or a connection to another manager with the same key.
    func client(for proxy: PythonProxyReference) async throws(ManagerError) -> ManagerClient {
        if proxy.address == self.address.pythonValue { return self }
        guard let address = ManagerAddress(pythonValue: proxy.address) else {
            throw ManagerError(code: .conversion, message: "a proxy names an address this client cannot reach: \(proxy.address.repr)")
        }
        return try await ManagerClient.connect(to: address, authKey: self.authKey)
    }
}
