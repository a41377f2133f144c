import Foundation
import MultiprocessingTestSupport
import Testing

/// Clients killed with SIGKILL mid-operation, and hostile input, against `swift-multiprocessing serve`.
@Suite("Server reliability against dead clients and hostile input", .timeLimit(.minutes(3)))
struct ServerReliabilityTests {
    @Test("what a killed client held is released, its parked calls are dropped, nothing is lost")
    func deadClients() async throws {
        try await Self.runScript("dead_clients.py", expecting: 9)
    }

    @Test("malformed frames, pickles, requests and handshakes get clear replies or a close; others keep working")
    func hostileInput() async throws {
        try await Self.runScript(
            "hostile_input.py", expecting: 9,
            serverArguments: ["--max-message-size", "1048576", "--handshake-timeout", "1"]
        )
    }

    @Test("unread replies and large requests behind a parked call leave the server's memory bounded")
    func unreadReplies() async throws {
        let server = try await ServerUnderTest.start(.swift)
        let (client, status) = try await server.stopping {
            let path = BuildProducts.script("unread_replies.py").path
            let client = try TestProcess(Python.python3, [path, server.address, server.keyHex, "\(server.process.pid)"])
            return (client, await client.waitForExit(timeout: .seconds(150)))
        }
        // Each line carries the memory measured: `NAME: ok (figures)`.
        let lines = client.standardOutput.split(separator: "\n")
        print(client.standardOutput)
        for line in lines {
            #expect(line.contains(": ok ("), "\(line)")
        }
        #expect(lines.count == 2, "output:\n\(client.standardOutput)\n\(client.standardError)")
        #expect(status == 0, "the script failed: \(client.standardError)")
    }

    static func runScript(_ script: String, expecting cases: Int, serverArguments: [String] = []) async throws {
        let server = try await ServerUnderTest.start(.swift, extraArguments: serverArguments)
        let (client, status) = try await server.stopping {
            let path = BuildProducts.script(script).path
            let client = try TestProcess(Python.python3, [path, server.address, server.keyHex])
            return (client, await client.waitForExit(timeout: .seconds(120)))
        }
        let lines = client.standardOutput.split(separator: "\n")
        for line in lines {
            #expect(line.hasSuffix(": ok"), "\(line)")
        }
        #expect(lines.count == cases, "output:\n\(client.standardOutput)\n\(client.standardError)")
        #expect(status == 0, "the script failed: \(client.standardError)")
    }
}
