import Foundation
import ManagerWire
import Multiprocessing
import MultiprocessingTestSupport
import Pickle
import Testing

/// A Swift client calling a custom class hosted by a CPython `BaseManager` (registered by a Python program).
@Suite("Dynamic proxies against a Python-hosted custom class", .timeLimit(.minutes(1)))
struct DynamicProxyTests {
    static let server = Python.server(
        """
        import sys
        from multiprocessing.managers import BaseManager

        class Counter:
            def __init__(self, start=0):
                self.count = start
            def increment(self, n=1):
                self.count += n
                return self.count
            def value(self):
                return self.count
            def fail(self):
                raise ValueError('counters cannot fail')

        class M(BaseManager):
            pass

        M.register('Counter', Counter)
        server = M(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2])).get_server()
        print('listening on', server.address, flush=True)
        server.serve_forever()
        """
    )

    @Test("create, call with positional and keyword arguments, typed results, Python exceptions")
    func callsAPythonClass() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dyn-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("m.sock").path
        let key = AuthKey.random()
        let python = try TestProcess(Python.python3, ["-c", Self.server, socket, key.hexString])
        try await python.stopping { try await Self.callCounter(socket: socket, key: key, python: python) }
    }

    /// The test's calls, against the server `python` started on `socket`.
    private static func callCounter(socket: String, key: AuthKey, python: TestProcess) async throws {
        // The server prints its line once it listens; waiting for it is bounded.
        let ready = await python.waitForLine(timeout: .seconds(30), where: { $0.hasPrefix("listening on") }) != nil
        #expect(ready)

        let client = try await ManagerClient.connect(to: .unix(path: socket), authKey: key)
        let counter = try await client.object("Counter", 5)
        #expect(Set(counter.methods) == ["increment", "value", "fail"])
        #expect(try await counter.call("increment", as: Int.self) == 6)
        #expect(try await counter.call("increment", 2, as: Int.self) == 8)
        #expect(try await counter.call("increment", keywords: PythonDict(stringKeys: ["n": 10]), as: Int.self) == 18)
        #expect(try await counter.call("value") == 18)
        await #expect(throws: ManagerError.self) { try await counter.call("fail") }
        do {
            _ = try await counter.call("fail")
        } catch {
            #expect(error.code == .valueError)
            #expect(error.message.contains("counters cannot fail"))
        }
        await client.close()
    }
}
