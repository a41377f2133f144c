public import ManagerWire
import ManagerServer
import Foundation

/// A manager for this program: a server hosting shared objects, and the client this program uses to reach it.
///
/// ```swift
/// try await withManager { manager in
///     let counts: DictProxy<String, Int> = try await manager.client.dict()
///     try await counts.set(1, forKey: "a")
/// }
/// ```
///
/// ## Where the server runs
/// - ``start(authKey:serverExecutable:)`` runs it in a separate process, as Python's `Manager()` does: it
///   survives a crash of this program's threads, and a blocking call never competes with this program's work.
///   The server is the `swift-multiprocessing` executable (found next to this program, in `PATH`, or named by
///   `SWIFT_MULTIPROCESSING_SERVER`).
/// - ``startInProcess(address:authKey:)`` runs it inside this process: no executable to ship and the fastest
///   start, but the objects die with this process and the server shares its CPU.
/// - ``connect(to:authKey:)`` uses a manager that is already running: another program's, `swift-multiprocessing
///   serve`, or a CPython `SyncManager` / `BaseManager` server.
public final class Manager: Sendable {
    /// The client every proxy made through this manager uses.
    public let client: ManagerClient
    /// The manager's address.
    public var address: ManagerAddress { self.client.address }
    /// The key clients authenticate with; child processes receive it without it appearing in their arguments.
    public let authKey: AuthKey?

    private let ownership: Ownership

    private enum Ownership: Sendable {
        case connected
        case inProcess(ManagerServer)
        case process(Process, exited: AsyncLatch, socketDirectory: URL?)
    }

    private init(client: ManagerClient, authKey: AuthKey?, ownership: Ownership) {
        self.client = client
        self.authKey = authKey
        self.ownership = ownership
    }

    /// Connects to a running manager.
    ///
    /// - Throws: ``ManagerError`` with code ``ManagerError/Code/connection`` if it cannot be reached or refuses the key.
    public static func connect(to address: ManagerAddress, authKey: AuthKey?) async throws(ManagerError) -> Manager {
        Manager(client: try await ManagerClient.connect(to: address, authKey: authKey), authKey: authKey, ownership: .connected)
    }

    /// Starts a manager server inside this process and connects to it.
    ///
    /// Besides every `SyncManager` type, the server hosts the ``ManagedObject`` types in `types`, as Python's
    /// `BaseManager.register(typeid, callable)` does: clients create instances by type id (`manager.Counter(5)`
    /// from Python, ``ManagerClient/create(_:_:keywords:)`` from Swift), and proxies to them travel to child
    /// processes like any other proxy.
    ///
    /// ```swift
    /// let manager = try await Manager.startInProcess(hosting: [Counter.self])
    /// let counter = try await manager.client.create(Counter.Proxy.self, 5)
    /// ```
    ///
    /// - Parameters:
    ///   - address: Where to listen; by default a new Unix socket in a private temporary directory.
    ///   - authKey: The key; by default 32 random bytes.
    ///   - types: Swift types to host besides the `SyncManager` ones. A type whose ``ManagedObject/typeID`` is
    ///     also a `SyncManager` type id replaces that type.
    /// - Throws: An error describing the address if it cannot be bound; ``ManagerError`` if the connection fails.
    public static func startInProcess(
        address: ManagerAddress? = nil,
        authKey: AuthKey = .random(),
        hosting types: [any ManagedObject.Type] = []
    ) async throws -> Manager {
        let listenAddress = try address ?? .unix(path: Self.temporarySocketPath().path)
        let server = try await ManagerServer.start(
            configuration: .init(addresses: [listenAddress], authKey: authKey),
            types: HostedType.hosting(types)
        )
        do {
            let client = try await ManagerClient.connect(to: server.boundAddresses[0], authKey: authKey)
            return Manager(client: client, authKey: authKey, ownership: .inProcess(server))
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// Starts a manager server in a separate process and connects to it.
    ///
    /// - Parameters:
    ///   - authKey: The key; by default 32 random bytes. It reaches the server through a pipe, never its arguments.
    ///   - serverExecutable: The `swift-multiprocessing` executable; found automatically when `nil`.
    /// - Throws: ``ManagerError`` if the executable cannot be found or the server does not come up in 30 seconds.
    public static func start(authKey: AuthKey = .random(), serverExecutable: String? = nil) async throws -> Manager {
        guard let executable = serverExecutable ?? Self.findServerExecutable() else {
            throw ManagerError(
                code: .connection,
                message: "cannot find the swift-multiprocessing executable to run the manager server: build it "
                    + "(swift build --product swift-multiprocessing), set SWIFT_MULTIPROCESSING_SERVER to its path, "
                    + "or use Manager.startInProcess()"
            )
        }
        let socketPath = try Self.temporarySocketPath()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--unix", socketPath.path, "--authkey-file", "/dev/stdin"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        let exited = AsyncLatch()
        process.terminationHandler = { _ in exited.open() }
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(authKey.bytes))
        try input.fileHandleForWriting.close()
        let ready = try await Self.waitForListeningLine(output.fileHandleForReading, timeout: .seconds(30))
        guard ready else {
            process.terminate()
            throw ManagerError(code: .connection, message: "the manager server at \(executable) did not start within 30 seconds")
        }
        let client = try await ManagerClient.connect(to: .unix(path: socketPath.path), authKey: authKey)
        return Manager(
            client: client, authKey: authKey,
            ownership: .process(process, exited: exited, socketDirectory: socketPath.deletingLastPathComponent())
        )
    }

    /// Waits until the server this manager started stops: a client sent `shutdown` (Python's
    /// `manager.shutdown()`), or ``shutdown()`` was called. Returns at once for a manager that only connected.
    ///
    /// With it a program serves its objects to other processes until they are done, as Python's
    /// `server.serve_forever()` does:
    ///
    /// ```swift
    /// let manager = try await Manager.startInProcess(address: address, authKey: key, hosting: [Counter.self])
    /// print("listening on \(manager.address)")
    /// await manager.waitUntilShutdown()
    /// await manager.shutdown()
    /// ```
    public func waitUntilShutdown() async {
        switch self.ownership {
        case .connected:
            return
        case .inProcess(let server):
            await server.waitUntilShutdown()
        case .process(_, let exited, _):
            await exited.wait()
        }
    }

    /// Serves this manager's objects to other processes until a client sends `shutdown` or this process receives
    /// SIGINT or SIGTERM, then shuts the manager down: Python's `server.serve_forever()`.
    ///
    /// ```swift
    /// let manager = try await Manager.startInProcess(address: address, authKey: key, hosting: [Counter.self])
    /// await manager.serveUntilShutdown {
    ///     print("listening on \(manager.address)")
    /// }
    /// ```
    ///
    /// For a manager that only connected to another program's server, it returns right after `ready`.
    ///
    /// - Parameter ready: Runs once the signal handlers are in place, so a signal sent after it cannot kill the
    ///   process before the socket file is removed: announce the address here.
    public func serveUntilShutdown(whenReady ready: () -> Void = {}) async {
        let signals = TerminationSignals.install { [self] in Task { await self.shutdown() } }
        ready()
        await self.waitUntilShutdown()
        await self.shutdown()
        signals.remove()
    }

    /// Shuts down the server if this manager started it, and closes the client.
    public func shutdown() async {
        switch self.ownership {
        case .connected:
            await self.client.close()
        case .inProcess(let server):
            await self.client.close()
            await server.shutdown()
        case .process(let process, let exited, let directory):
            try? await self.client.shutdownServer()
            await self.client.close()
            if !(await exited.wait(timeout: .seconds(5))) {
                process.terminate()
                _ = await exited.wait(timeout: .seconds(5))
            }
            if let directory { try? FileManager.default.removeItem(at: directory) }
        }
    }

    /// A Unix socket path in a new private temporary directory.
    static func temporarySocketPath() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-mp-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory.appendingPathComponent("manager.sock")
    }

    /// The server executable: `SWIFT_MULTIPROCESSING_SERVER`, next to this program, or in `PATH`.
    static func findServerExecutable() -> String? {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["SWIFT_MULTIPROCESSING_SERVER"], fileManager.isExecutableFile(atPath: path) {
            return path
        }
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [own.appendingPathComponent("swift-multiprocessing").path]
        if let path = ProcessInfo.processInfo.environment["PATH"] {
            candidates += path.split(separator: ":").map { "\($0)/swift-multiprocessing" }
        }
        return candidates.first { fileManager.isExecutableFile(atPath: $0) }
    }

    /// Waits for the server's `listening on` line; `false` if it exits or `timeout` passes first.
    private static func waitForListeningLine(_ handle: FileHandle, timeout: Duration) async throws -> Bool {
        let line = LineLatch()
        handle.readabilityHandler = { handle in
            let data = handle.availableData
            line.append(data)
            if data.isEmpty { handle.readabilityHandler = nil }
        }
        defer { handle.readabilityHandler = nil }
        guard let first = await line.firstLine(timeout: timeout) else { return false }
        return first.hasPrefix("listening on ")
    }
}

/// Runs `body` with a manager started for it, and always shuts the manager down afterwards.
///
/// ```swift
/// try await withManager(hosting: [Counter.self]) { manager in
///     let counter = try await manager.client.create(Counter.Proxy.self, 0)
///     let child = try ChildProcess.start(Incrementer.self, arguments: counter)
///     _ = await child.join()
/// }
/// ```
///
/// - Parameters:
///   - inProcess: Run the server in this process instead of a separate one (see ``Manager``).
///   - types: Swift ``ManagedObject`` types to host besides the `SyncManager` ones. Hosting them needs their
///     code, so a manager with `types` always runs its server in this process (the separate server is the
///     `swift-multiprocessing` executable, which does not contain them).
///   - body: Uses the manager.
public func withManager<Result: Sendable>(
    inProcess: Bool = false,
    hosting types: [any ManagedObject.Type] = [],
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Manager) async throws -> Result
) async throws -> Result {
    let manager =
        inProcess || !types.isEmpty ? try await Manager.startInProcess(hosting: types) : try await Manager.start()
    do {
        let result = try await body(manager)
        await manager.shutdown()
        return result
    } catch {
        await manager.shutdown()
        throw error
    }
}
