import Foundation
import MultiprocessingTestSupport
import Testing

/// `swift-multiprocessing serve` with a limit out of range exits with a message naming the option and its range,
/// never with a trap, and leaves no socket file behind.
@Suite("serve limit options", .timeLimit(.minutes(2)))
struct ServeLimitOptionTests {
    static let refusals: [([String], String)] = [
        (["--max-reply-size", "0"], "--max-reply-size needs a positive number, got 0"),
        (["--max-reply-size", "4294967280"], "--max-reply-size) must be between 1 and 4294967279, got 4294967280"),
        (["--max-queued-requests", "0"], "--max-queued-requests needs a positive number, got 0"),
        (["--max-queued-request-bytes=-5"], "--max-queued-request-bytes needs a positive number, got -5"),
        (["--max-message-size", "0"], "maxMessageSize (--max-message-size) must be at least 1, got 0"),
        (["--max-pending-handshakes", "0"], "(--max-pending-handshakes) must be at least 1, got 0"),
        (["--io-threads", "100000"], "ioThreads (--io-threads) must be between 1 and 1024, got 100000"),
        (["--handshake-timeout", "0"], "--handshake-timeout needs a positive number of seconds"),
    ]

    @Test("an out-of-range limit exits with the option's name and range", arguments: refusals)
    func refused(arguments: [String], message: String) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mp-limits-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("manager.sock").path
        let result = try await TestProcess.run(
            BuildProducts.cli.path, ["serve", "--unix", socket] + arguments, environment: ["MP_AUTHKEY": "0011"]
        )
        // A trap would end the process with a signal (status 128 + signal).
        #expect(result.status != 0 && result.status < 128, "status \(result.status): \(result.standardError)")
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(!result.standardOutput.contains("listening on"))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
