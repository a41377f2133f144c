import Foundation
import ManagerWire
import NIOCore
import Pickle
import Testing

/// `ManagerConnection` against real CPython `SyncManager` servers.
@Suite("ManagerConnection against CPython managers", .timeLimit(.minutes(1)))
struct ManagerConnectionInteropTests {
    static let serverScript = """
        import sys
        from multiprocessing.managers import SyncManager
        address, key, ready = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3]
        server = SyncManager(address=address, authkey=key).get_server()
        open(ready, 'w').close()  # the socket is bound and listening
        server.serve_forever()
        """

    /// A running CPython manager on a Unix socket in a fresh directory.
    struct PythonManager {
        var process: PythonProcess
        var address: ManagerAddress
        var key: AuthKey
        var directory: String

        static func start(_ python: PythonInterpreter) async throws -> PythonManager {
            let directory = try makeTemporaryDirectory()
            let path = directory + "/manager.sock"
            let key = AuthKey.random()
            let ready = directory + "/ready"
            let process = try PythonProcess(python, script: serverScript, arguments: [path, key.hexString, ready])
            do {
                try await waitForFile(ready)
            } catch {
                await process.stop()
                throw error
            }
            return PythonManager(process: process, address: .unix(path: path), key: key, directory: directory)
        }

        /// Starts a manager, runs `body` with it, then stops it, whether `body` returned or threw.
        static func with(_ python: PythonInterpreter, _ body: (PythonManager) async throws -> Void) async throws {
            let manager = try await Self.start(python)
            defer { try? FileManager.default.removeItem(atPath: manager.directory) }
            try await manager.process.stopping { try await body(manager) }
        }

        /// Runs one server function on a one-shot connection.
        func oneShot(_ function: String, _ arguments: [PythonValue] = []) async throws -> Reply {
            let connection = try await ManagerConnection.connect(to: self.address, authKey: self.key)
            let reply: Reply
            do {
                reply = try await connection.call(Request(objectID: nil, method: function, arguments: arguments))
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            return reply
        }

        /// Opens a method channel with `accept_connection`.
        func methodChannel() async throws -> ManagerConnection {
            let connection = try await ManagerConnection.connect(to: self.address, authKey: self.key)
            let reply = try await connection.call(
                Request(objectID: nil, method: "accept_connection", arguments: ["MainProcess"])
            )
            guard case .returned(.none) = reply else {
                await connection.close()
                throw WireError(code: .protocolViolation, message: "accept_connection answered \(reply)")
            }
            return connection
        }
    }

    /// The ident of a `create` reply `('#RETURN', (ident, exposed))`.
    static func createdIdent(_ reply: Reply) throws -> String {
        guard case .returned(let value) = reply, let parts = value.sequenceElements, parts.count == 2,
            let ident = parts[0].stringValue
        else {
            throw WireError(code: .malformedMessage, message: "create answered \(reply)")
        }
        return ident
    }

    @Test("dummy, create, a method channel, #ERROR decoding and decref work", arguments: PythonInterpreter.available)
    func fullCycle(python: PythonInterpreter) async throws {
        try await PythonManager.with(python, Self.fullCycle(against:))
    }

    /// The calls of `fullCycle`, against `manager`.
    private static func fullCycle(against manager: PythonManager) async throws {
        guard case .returned(.none) = try await manager.oneShot("dummy") else {
            Issue.record("dummy must return None")
            return
        }
        let created = try await manager.oneShot("create", ["dict"])
        let ident = try Self.createdIdent(created)
        guard case .returned(let value) = created, let exposed = value.sequenceElements?[1].sequenceElements else {
            Issue.record("create must return (ident, exposed)")
            return
        }
        #expect(exposed.contains("__getitem__") && exposed.contains("__setitem__"))

        let channel = try await manager.methodChannel()
        let set = try await channel.call(Request(objectID: ident, method: "__setitem__", arguments: ["a", 1]))
        guard case .returned(.none) = set else {
            Issue.record("__setitem__ must return None, got \(set)")
            return
        }
        let get = try await channel.call(Request(objectID: ident, method: "__getitem__", arguments: ["a"]))
        guard case .returned(let one) = get else {
            Issue.record("__getitem__ must return a value, got \(get)")
            return
        }
        #expect(one == 1)
        let missing = try await channel.call(Request(objectID: ident, method: "__getitem__", arguments: ["missing"]))
        guard case .error(let exception) = missing else {
            Issue.record("a missing key must raise, got \(missing)")
            return
        }
        #expect(PythonException(exception) == .keyError("missing"))
        let unknown = try await channel.call(Request(objectID: "deadbeef", method: "__getitem__", arguments: ["a"]))
        guard case .traceback(let text) = unknown else {
            Issue.record("an unknown ident must give a traceback, got \(unknown)")
            return
        }
        #expect(text.contains("KeyError"))
        await channel.close()
        #expect(!channel.isActive)
        await #expect {
            _ = try await channel.call(Request(objectID: ident, method: "__getitem__", arguments: ["a"]))
        } throws: { error in
            (error as? WireError)?.code == .connectionClosed
        }

        guard case .returned(.none) = try await manager.oneShot("decref", [.string(ident)]) else {
            Issue.record("decref must return None")
            return
        }
        guard case .returned(let count) = try await manager.oneShot("number_of_objects") else {
            Issue.record("number_of_objects must return a value")
            return
        }
        #expect(count == 0)
    }

    @Test("1000 concurrent calls pipelined on one method channel get their own replies")
    func pipelining() async throws {
        try await PythonManager.with(PythonInterpreter.available[0], Self.pipelining(against:))
    }

    /// The calls of `pipelining`, against `manager`.
    private static func pipelining(against manager: PythonManager) async throws {
        let count = 1000
        let items = PythonValue.list((0..<count).map { .int($0 * 3) })
        let ident = try Self.createdIdent(try await manager.oneShot("create", ["list", items]))
        let channel = try await manager.methodChannel()
        try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
            for index in 0..<count {
                group.addTask {
                    (
                        index,
                        try await channel.call(
                            Request(objectID: ident, method: "__getitem__", arguments: [.int(index)])
                        )
                    )
                }
            }
            var seen = 0
            for try await (index, reply) in group {
                guard case .returned(let value) = reply, value == .int(index * 3) else {
                    Issue.record("call \(index) got \(reply)")
                    continue
                }
                seen += 1
            }
            #expect(seen == count)
        }
        await channel.close()
    }

    @Test("a connection the manager closed fails later calls with connectionClosed")
    func closedConnectionFailsCalls() async throws {
        try await PythonManager.with(PythonInterpreter.available[0], Self.closedConnectionFailsCalls(against:))
    }

    /// The calls of `closedConnectionFailsCalls`, against `manager`.
    private static func closedConnectionFailsCalls(against manager: PythonManager) async throws {
        let connection = try await ManagerConnection.connect(to: manager.address, authKey: manager.key)
        _ = try await connection.call(Request(objectID: nil, method: "dummy"))
        // CPython closes a one-shot connection after its reply.
        await #expect {
            _ = try await connection.call(Request(objectID: nil, method: "dummy"))
        } throws: { error in
            (error as? WireError)?.code == .connectionClosed
        }
        await connection.close()
    }

    @Test("a wrong authkey fails connect with authenticationFailed")
    func wrongKey() async throws {
        try await PythonManager.with(PythonInterpreter.available[0], Self.wrongKey(against:))
    }

    /// The calls of `wrongKey`, against `manager`.
    private static func wrongKey(against manager: PythonManager) async throws {
        await #expect {
            _ = try await ManagerConnection.connect(to: manager.address, authKey: .random())
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .authenticationFailed
                && wire?.message.hasPrefix("the manager rejected our authkey") == true
        }
    }

    @Test("connects over TCP to a CPython manager bound to an ephemeral port")
    func tcp() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = AuthKey.random()
        let script = """
            import os, sys
            from multiprocessing.managers import SyncManager
            directory, key = sys.argv[1], bytes.fromhex(sys.argv[2])
            server = SyncManager(address=('127.0.0.1', 0), authkey=key).get_server()
            with open(directory + '/port.tmp', 'w') as f:
                f.write(str(server.address[1]))
            os.rename(directory + '/port.tmp', directory + '/port')
            server.serve_forever()
            """
        let process = try PythonProcess(
            PythonInterpreter.available[0],
            script: script,
            arguments: [directory, key.hexString]
        )
        try await process.stopping {
            try await waitForFile(directory + "/port")
            let portText = try String(contentsOfFile: directory + "/port", encoding: .utf8)
            let port = try #require(Int(portText))
            let connection = try await ManagerConnection.connect(to: .tcp(host: "127.0.0.1", port: port), authKey: key)
            let reply = try await connection.call(Request(objectID: nil, method: "dummy"))
            guard case .returned(.none) = reply else {
                Issue.record("dummy over TCP must return None, got \(reply)")
                return
            }
            await connection.close()
        }
    }

    @Test("connecting to an address where nothing listens fails with connectFailed")
    func nothingListening() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        await #expect {
            _ = try await ManagerConnection.connect(to: .unix(path: directory + "/absent.sock"), authKey: .random())
        } throws: { error in
            (error as? WireError)?.code == .connectFailed
        }
    }
}
