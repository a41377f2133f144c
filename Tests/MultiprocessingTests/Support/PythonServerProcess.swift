import ManagerWire
import MultiprocessingTestSupport

/// CPython's `SyncManager` server in a child process, for interop tests.
///
/// The child prints `ready` once its listener is bound, and exits when its standard input closes, so a crashed
/// test run leaves no server behind.
final class PythonServerProcess: Sendable {
    private let process: TestProcess

    private init(process: TestProcess) {
        self.process = process
    }

    private static let script = """
        import multiprocessing, sys
        from multiprocessing.managers import SyncManager
        key = bytes.fromhex(sys.argv[2])
        # As in a server started by manager.start(): the server's own proxies (a Condition's lock) use this key.
        multiprocessing.current_process().authkey = key
        manager = SyncManager(address=sys.argv[1], authkey=key)
        server = manager.get_server()
        print('ready', flush=True)
        server.serve_forever()
        """

    /// Starts the server and waits (at most `timeout`) until it listens on `socketPath`.
    static func start(
        executable: String,
        socketPath: String,
        authKey: AuthKey,
        timeout: Duration = .seconds(20)
    ) async throws -> PythonServerProcess {
        try await Self.start(Self.script, executable: executable, socketPath: socketPath, authKey: authKey, timeout: timeout)
    }

    /// Starts a manager server of the test's own, `script`: it takes the socket path and the key in hex as its
    /// arguments and prints `ready` once it listens. Waits at most `timeout` for that line.
    static func start(
        _ script: String,
        executable: String = Python.python3,
        socketPath: String,
        authKey: AuthKey,
        timeout: Duration = .seconds(20)
    ) async throws -> PythonServerProcess {
        let process = try TestProcess(executable, ["-c", Python.server(script), socketPath, authKey.hexString])
        guard await process.waitForLine(timeout: timeout, where: { $0 == "ready" }) != nil else {
            await process.stop()
            throw TestFailure(
                "CPython's manager server (\(executable)) did not report ready within \(timeout): "
                    + process.standardError
            )
        }
        return PythonServerProcess(process: process)
    }

    /// Stops the server: closes its input, terminates it and waits (bounded) for it to exit.
    func stop() async {
        await self.process.stop()
    }
}

/// A failure in the test harness itself.
struct TestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
