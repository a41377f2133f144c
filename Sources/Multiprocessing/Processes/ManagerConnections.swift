import Pickle
import Synchronization

/// The manager clients a child or worker connected to, one per manager, opened on first use and kept for later
/// tasks.
final class ManagerConnections: Sendable {
    private let clients = Mutex<[ManagerCredentials: ManagerClient]>([:])

    init() {}

    /// Decodes `value` as `T`, through the manager's client when there is one (taking references to the proxies
    /// inside), or directly when the value came with no manager.
    func decode<T: Decodable>(_ type: T.Type, from value: PythonValue, manager: ManagerCredentials?) async throws -> T {
        guard let manager else {
            return try PythonValueDecoder().decode(T.self, from: value)
        }
        return try await self.client(for: manager).decode(T.self, from: value)
    }

    /// The client for `manager`, connecting on first use.
    func client(for manager: ManagerCredentials) async throws(ManagerError) -> ManagerClient {
        if let client = self.clients.withLock({ $0[manager] }) { return client }
        let client = try await ManagerClient.connect(to: manager.address, authKey: manager.authKey)
        let kept = self.clients.withLock { clients in
            if let existing = clients[manager] { return existing }
            clients[manager] = client
            return client
        }
        if kept !== client { await client.close() }
        return kept
    }

    /// Closes every client.
    func closeAll() async {
        let clients = self.clients.withLock { clients in
            defer { clients = [:] }
            return Array(clients.values)
        }
        for client in clients {
            await client.close()
        }
    }
}
