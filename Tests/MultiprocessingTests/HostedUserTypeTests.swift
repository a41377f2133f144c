import Foundation
import Multiprocessing
import MultiprocessingTestSupport
import Testing

extension WorkerTasks {
    /// The test worker's `IncrementCounter`: calls `increment()` on a hosted counter `times` times.
    struct IncrementCounter: ProcessTask {
        struct Arguments: Codable, Sendable {
            var counter: DynamicProxy
            var times: Int
        }
        static func run(_ arguments: Arguments) async throws {}
    }
}

/// A Swift `@Managed` type served by a program (`example-custom-class --serve`) to Swift and stock Python clients.
@Suite("A Swift user type served to Swift and Python processes", .timeLimit(.minutes(2)))
struct HostedUserTypeTests {
    /// A stock CPython client: rebuilds an AutoProxy for the counter from its id (its methods come from the
    /// server's `get_methods`), increments it `times` times, and prints its last result.
    static let pythonIncrementer = """
        import sys
        from multiprocessing.managers import AutoProxy, Token
        address, key, ident, times = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        counter = AutoProxy(Token('Counter', address, ident), 'pickle', authkey=key)
        for _ in range(times):
            last = counter.increment()
        print(last)
        """

    @Test("4 python3 and 4 Swift processes increment one Counter 10,000 times at the same time; none is lost")
    func eightProcessesAtOnce() async throws {
        try await Self.withServedCounter { socket, key in
            let client = try await ManagerClient.connect(to: .unix(path: socket), authKey: key)
            let counter = try await client.object("Counter", 0)
            #expect(counter.methods.sorted() == ["increment", "value"])
            let perProcess = 1_250
            let pythons = try (0..<4).map { _ in
                try TestProcess(
                    Python.python3,
                    ["-c", Self.pythonIncrementer, socket, key.hexString, counter.objectID, String(perProcess)]
                )
            }
            let swifts = try (0..<4).map { _ in
                try ChildProcess.start(
                    WorkerTasks.IncrementCounter.self,
                    arguments: .init(counter: counter, times: perProcess),
                    manager: client,
                    executable: BuildProducts.testWorker
                )
            }
            for python in pythons {
                let status = await python.waitForExit(timeout: .seconds(90))
                #expect(status == 0, "\(python.standardError)")
                // Each prints the count after its own last increment: somewhere in 1,250…10,000.
                let last = Int(python.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                #expect((perProcess...8 * perProcess).contains(last), "\(python.standardOutput)")
            }
            for swift in swifts {
                #expect(await swift.join(timeout: .seconds(90)) == .exited(0))
            }
            #expect(try await counter.call("value", as: Int.self) == 8 * perProcess)
            await client.close()
        }
    }

    @Test("a stock CPython client creates a Counter by type id, calls it with keywords, and shuts the server down")
    func pythonClientAndShutdown() async throws {
        try await Self.withServedCounter { socket, key in
            let result = try await TestProcess.run(
                Python.python3,
                [
                    "-c",
                    """
                    import sys
                    from multiprocessing.managers import BaseManager, dispatch
                    class M(BaseManager): pass
                    M.register('Counter')
                    m = M(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2]))
                    m.connect()
                    c = m.Counter(5)
                    print(c.increment(2), c.increment(n=3), c.value())
                    try:
                        c.increment(1, 2)
                    except TypeError as error:
                        print('TypeError', error)
                    del c
                    connection = m._Client(m._address, authkey=m._authkey)
                    dispatch(connection, None, 'shutdown')
                    """,
                    socket, key.hexString,
                ]
            )
            #expect(result.status == 0, "\(result.standardError)")
            #expect(
                result.standardOutput.split(separator: "\n") == [
                    "7 10 10", "TypeError increment() takes 1 positional argument but 2 were given",
                ]
            )
        }
    }

    /// Runs `example-custom-class --serve` on a new Unix socket, calls `body` with the socket and key, then stops
    /// the server with SIGTERM and checks that it exits 0 and removes its socket file.
    static func withServedCounter(_ body: (String, AuthKey) async throws -> Void) async throws {
        let directory = "/tmp/hosted-\(UInt32.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/counter.sock"
        let key = AuthKey.random()
        let server = try TestProcess(
            BuildProducts.path(of: "example-custom-class"),
            ["--serve", "--unix", socket, "--authkey-hex", key.hexString]
        )
        try await server.stopping {
            let line = await server.waitForLine(timeout: .seconds(30)) { $0.hasPrefix("listening on") }
            try #require(line == "listening on \(socket)", "the server did not start: \(server.standardError)")
            try await body(socket, key)
            server.terminate()
            #expect(await server.waitForExit(timeout: .seconds(20)) == 0, "\(server.standardError)")
            #expect(!FileManager.default.fileExists(atPath: socket))
        }
    }
}
