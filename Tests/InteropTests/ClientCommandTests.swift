import Foundation
import MultiprocessingTestSupport
import Testing

/// `swift-multiprocessing ping` and `inspect` against our server and CPython's.
@Suite("The CLI's client commands", .timeLimit(.minutes(2)))
struct ClientCommandTests {
    /// A stock client that creates a held Lock, a dict and a Queue with a `get` parked on it, says `ready`, and
    /// keeps them until its standard input closes.
    static let holder = Python.exitAtEndOfInput + """
        import sys, threading
        from multiprocessing.managers import SyncManager
        m = SyncManager(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2]))
        m.connect()
        lock = m.Lock(); lock.acquire()
        d = m.dict({'a': 1})
        q = m.Queue()
        threading.Thread(target=q.get, daemon=True).start()
        print('ready', flush=True)
        threading.Event().wait()
        """

    @Test("ping authenticates and times a dummy round trip", arguments: [ServerUnderTest.Flavor.swift, .cpython])
    func ping(flavor: ServerUnderTest.Flavor) async throws {
        let server = try await ServerUnderTest.start(flavor)
        let result = try await server.stopping {
            try await TestProcess.run(
                BuildProducts.cli.path, ["ping", "--unix", server.address], environment: ["MP_AUTHKEY": server.keyHex]
            )
        }
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("\(server.address): connected and authenticated in "))
        #expect(result.standardOutput.contains("dummy round trip"))
    }

    @Test("ping with a wrong key fails with a clear message", arguments: [ServerUnderTest.Flavor.swift, .cpython])
    func pingWrongKey(flavor: ServerUnderTest.Flavor) async throws {
        let server = try await ServerUnderTest.start(flavor)
        let result = try await server.stopping {
            try await TestProcess.run(
                BuildProducts.cli.path, ["ping", "--unix", server.address], environment: ["MP_AUTHKEY": "00"]
            )
        }
        #expect(result.status != 0)
        #expect(!result.standardError.isEmpty)
    }

    @Test("inspect lists objects with refcounts, the lock's holder and the queue's waiting getter")
    func inspectOurServer() async throws {
        // The holder's `get` reaches the server some time after `ready`: inspect until it is parked there.
        let (address, output) = try await Self.inspectWhileHeld(on: .swift) { $0.contains("1 getters waiting") }
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "\(address): 3 object(s) referenced by clients", "\(output)")
        #expect(lines.contains { $0.contains("Lock  refcount=1  held by connection") }, "\(output)")
        #expect(lines.contains("{'a': 1}"), "\(output)")
        #expect(
            lines.contains { line in
                line.contains("Queue  refcount=1") && line.contains("0 items, 0 unfinished, 1 getters waiting")
            },
            "\(output)"
        )
    }

    @Test("inspect against CPython's server lists its objects, refcounts and values")
    func inspectCPython() async throws {
        let (address, output) = try await Self.inspectWhileHeld(on: .cpython) { _ in true }
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "\(address): 3 object(s) referenced by clients", "\(output)")
        #expect(lines.filter { $0.hasSuffix("refcount=1") }.count == 3, "\(output)")
        #expect(lines.contains { $0.hasPrefix("<locked _thread.lock object") }, "\(output)")
        #expect(lines.contains("{'a': 1}"), "\(output)")
        #expect(lines.contains { $0.hasPrefix("<queue.Queue object") }, "\(output)")
    }

    /// Starts a `flavor` server and the ``holder`` client, then runs `inspect` until its output satisfies `done`
    /// (at most 50 runs: each is a full connection and report, so the attempts bound it, not a sleep). Returns the
    /// server's address and the last output.
    static func inspectWhileHeld(
        on flavor: ServerUnderTest.Flavor,
        until done: (String) -> Bool
    ) async throws -> (address: String, output: String) {
        let server = try await ServerUnderTest.start(flavor)
        let output = try await server.stopping {
            let client = try TestProcess(Python.python3, ["-c", Self.holder, server.address, server.keyHex])
            return try await client.stopping {
                let ready = await client.waitForLine(timeout: .seconds(30)) { $0 == "ready" }
                try #require(ready != nil, "the client did not start: \(client.standardError)")
                var output = ""
                for _ in 0..<50 {
                    let result = try await TestProcess.run(
                        BuildProducts.cli.path, ["inspect", "--unix", server.address],
                        environment: ["MP_AUTHKEY": server.keyHex]
                    )
                    #expect(result.status == 0, "\(result.standardError)")
                    output = result.standardOutput
                    if done(output) { break }
                }
                return output
            }
        }
        return (server.address, output)
    }
}
