import Foundation
import ManagerWire
import Synchronization

/// CPython's `SyncManager` server in a child process, for interop tests.
///
/// The child prints `ready` once its listener is bound, and exits when its standard input closes, so a crashed
/// test run leaves no server behind.
final class PythonServerProcess: Sendable {
    private let process: Process
    private let input: FileHandle
    private let exited: Latch<Int32>

    private init(process: Process, input: FileHandle, exited: Latch<Int32>) {
        self.process = process
        self.input = input
        self.exited = exited
    }

    private static let script = """
        import multiprocessing, os, sys, threading
        from multiprocessing.managers import SyncManager
        def watch_parent():
            sys.stdin.buffer.read()
            os._exit(0)
        threading.Thread(target=watch_parent, daemon=True).start()
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", Self.script, socketPath, authKey.hexString]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let ready = Latch<Bool>()
        let exited = Latch<Int32>()
        let buffer = Mutex(Data())
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                ready.resolve(false)
                return
            }
            let text = buffer.withLock { buffer -> String in
                buffer.append(data)
                return String(decoding: buffer, as: UTF8.self)
            }
            if text.contains("ready\n") { ready.resolve(true) }
        }
        process.terminationHandler = { process in
            exited.resolve(process.terminationStatus)
            ready.resolve(false)
        }
        try process.run()
        let server = PythonServerProcess(process: process, input: input.fileHandleForWriting, exited: exited)
        guard await ready.wait(timeout: timeout) == true else {
            await server.stop()
            throw TestFailure("CPython's manager server (\(executable)) did not report ready within \(timeout)")
        }
        return server
    }

    /// Stops the server: closes its input, terminates it and waits (bounded) for it to exit.
    func stop() async {
        try? self.input.close()
        if self.process.isRunning {
            self.process.terminate()
        }
        if await self.exited.wait(timeout: .seconds(10)) == nil {
            kill(self.process.processIdentifier, SIGKILL)
            _ = await self.exited.wait(timeout: .seconds(10))
        }
    }
}

/// A one-shot result that tasks can wait for with a timeout.
final class Latch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [CheckedContinuation<Value?, Never>] = []
    }

    private let state = Mutex(State())

    /// Sets the result, once; later calls are ignored.
    func resolve(_ value: Value) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The result, or `nil` if `timeout` passes first.
    func wait(timeout: Duration) async -> Value? {
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.state.withLock { state -> Value? in
                        if let value = state.value { return value }
                        state.waiters.append(continuation)
                        return nil
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            if first == nil {
                // The timer won: release the waiter so the group can finish.
                let waiters = self.state.withLock { state -> [CheckedContinuation<Value?, Never>] in
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume(returning: nil) }
            }
            group.cancelAll()
            return first
        }
    }
}

/// A failure in the test harness itself.
struct TestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
