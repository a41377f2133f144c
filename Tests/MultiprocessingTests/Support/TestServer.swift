import Foundation
import ManagerServer
import ManagerWire
import Multiprocessing
import MultiprocessingTestSupport

/// A manager server running for one test, and how to stop it.
final class TestServer: Sendable {
    let address: ManagerAddress
    let authKey: AuthKey
    private let stopServer: @Sendable () async -> Void

    private init(address: ManagerAddress, authKey: AuthKey, stop: @escaping @Sendable () async -> Void) {
        self.address = address
        self.authKey = authKey
        self.stopServer = stop
    }

    /// Starts a server of `flavor` on a fresh Unix socket with a random key.
    static func start(_ flavor: ServerFlavor) async throws -> TestServer {
        switch flavor {
        case .swift: return try await Self.startSwift()
        case .cpython: return try await Self.startPython(executable: Python.python3)
        }
    }

    /// Starts swift-multiprocessing's server in this process.
    static func startSwift() async throws -> TestServer {
        let address = ManagerAddress.unix(path: Self.socketPath())
        let key = AuthKey.random()
        let server = try await ManagerServer.start(configuration: .init(addresses: [address], authKey: key))
        return TestServer(address: address, authKey: key) { await server.shutdown() }
    }

    /// Starts CPython's `SyncManager` server with the interpreter at `executable`.
    static func startPython(executable: String) async throws -> TestServer {
        let path = Self.socketPath()
        let key = AuthKey.random()
        let process = try await PythonServerProcess.start(executable: executable, socketPath: path, authKey: key)
        return TestServer(address: .unix(path: path), authKey: key) {
            await process.stop()
            unlink(path)
        }
    }

    /// Stops the server.
    func stop() async {
        await self.stopServer()
    }

    /// Connects a new client.
    func connect() async throws -> ManagerClient {
        try await ManagerClient.connect(to: self.address, authKey: self.authKey)
    }

    private static func socketPath() -> String {
        let id = UUID().uuidString.prefix(12).lowercased()
        return "/tmp/mpt-\(id).sock"
    }
}

/// Starts a server of `flavor`, connects a client, runs `body`, then closes the client and stops the server.
func withManager<Result>(
    _ flavor: ServerFlavor,
    _ body: (ManagerClient) async throws -> Result
) async throws -> Result {
    try await withServer(flavor) { server in
        let client = try await server.connect()
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}

/// Starts a server of `flavor`, runs `body`, then stops the server.
func withServer<Result>(
    _ flavor: ServerFlavor,
    _ body: (TestServer) async throws -> Result
) async throws -> Result {
    await ServerSlots.shared.take()
    let server: TestServer
    do {
        server = try await TestServer.start(flavor)
    } catch {
        await ServerSlots.shared.giveBack()
        throw error
    }
    do {
        let result = try await body(server)
        await server.stop()
        await ServerSlots.shared.giveBack()
        return result
    } catch {
        await server.stop()
        await ServerSlots.shared.giveBack()
        throw error
    }
}
