import Foundation
import MultiprocessingTestSupport
import Testing

/// Values that are cheap to send and costly to handle, from a CPython 3.11 client, against
/// `swift-multiprocessing serve` and CPython's own manager (whose answers the script expects).
@Suite("Hostile values from a CPython client", .timeLimit(.minutes(3)))
struct HostileValueTests {
    static let indexCase = "list.index of an int of 40,000 digits raises the int-to-text ValueError"
    static let opcodeCase = "an INT opcode of 400,000 digits is refused"
    static let nanCase = "a dict of 40,000 NaN keys is stored in one request"

    @Test(
        "huge ints get CPython's answers quickly and a second client is served after each",
        arguments: [ServerUnderTest.Flavor.swift, .cpython]
    )
    func hugeIntegers(flavor: ServerUnderTest.Flavor) async throws {
        try await Self.run(flavor, cases: [Self.indexCase, Self.opcodeCase])
    }

    @Test(
        "40,000 NaN keys in one request are stored quickly and a second client is served after",
        arguments: [ServerUnderTest.Flavor.swift, .cpython]
    )
    func nanKeys(flavor: ServerUnderTest.Flavor) async throws {
        try await Self.run(flavor, cases: [Self.nanCase])
    }

    static func run(_ flavor: ServerUnderTest.Flavor, cases: [String]) async throws {
        let server = try await ServerUnderTest.start(flavor)
        let (client, status) = try await server.stopping {
            let path = BuildProducts.script("hostile_values.py").path
            let client = try TestProcess(Python.python3, [path, server.address, server.keyHex] + cases)
            return (client, await client.waitForExit(timeout: .seconds(120)))
        }
        let lines = client.standardOutput.split(separator: "\n")
        for line in lines {
            #expect(line.hasSuffix(": ok"), "\(flavor): \(line)")
        }
        #expect(lines.count == cases.count, "\(flavor) output:\n\(client.standardOutput)\n\(client.standardError)")
        #expect(status == 0, "\(flavor): the script failed: \(client.standardError)")
    }
}
