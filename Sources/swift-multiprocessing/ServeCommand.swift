import ArgumentParser
import Dispatch
import Foundation
import Logging
import ManagerServer
import ManagerWire

/// `swift-multiprocessing serve`: a drop-in manager server for CPython's `SyncManager` clients.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve shared objects to Python and Swift clients.",
        discussion: """
            Python clients connect with SyncManager(address=ADDRESS, authkey=KEY).connect(). Prints one line, \
            'listening on ADDRESS', once it accepts connections; exits 0 on SIGINT, SIGTERM or a client's \
            shutdown request, removing its Unix socket file. Give the key with --authkey-file or MP_AUTHKEY \
            (hex), not --authkey-hex, which other local users can read. The Unix socket file is created with \
            mode 0600; serve refuses to start on a path where another server is listening.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(
        help: ArgumentHelp(
            "Allow serving without an authkey (an empty key is no key), on TCP or a Unix socket. Anyone who can "
                + "reach the port, or open the socket file, can then read and change every object."
        )
    )
    var allowNoAuthkey = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "notice"

    @Option(help: "The largest request accepted, in bytes.")
    var maxMessageSize: Int = 256 << 20

    @Option(
        help: ArgumentHelp(
            "The most authenticated connections served at once (default: what ulimit -n leaves room for; a "
                + "larger value is lowered to that)."
        )
    )
    var maxConnections: Int?

    @Option(help: "The most connections authenticating at once; beyond it the oldest is closed.")
    var maxPendingHandshakes: Int = 64

    @Option(help: "Seconds a new connection may take to authenticate.")
    var handshakeTimeout: Double = 10

    @Option(help: "Close connections silent for this many seconds (default: never, as CPython).")
    var idleTimeout: Double?

    @Option(help: "Threads for connection I/O and pickling.")
    var ioThreads: Int = 1

    @Option(help: "The largest reply, in bytes; a larger one is answered with a MemoryError (at most about 4 GiB).")
    var maxReplySize: Int = 1 << 30

    @Option(help: "Requests that may wait behind a blocked call on one connection before it is no longer read.")
    var maxQueuedRequests: Int = 1024

    @Option(help: "Bytes of requests that may wait behind a blocked call on one connection before it is no longer read.")
    var maxQueuedRequestBytes: Int = 4 << 20

    func run() async throws {
        guard let level = Logger.Level(rawValue: self.logLevel) else {
            throw ValidationError("unknown log level '\(self.logLevel)'")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let key = try self.connection.authKey() ?? (self.connection.environmentKeyIsEmpty ? AuthKey([]) : nil)
        var configuration = ManagerServer.Configuration(addresses: [try self.connection.address()], authKey: key)
        configuration.allowNoAuthKey = self.allowNoAuthkey
        configuration.maxMessageSize = self.maxMessageSize
        configuration.maxConnections = self.maxConnections
        configuration.maxPendingHandshakes = self.maxPendingHandshakes
        configuration.handshakeTimeout = .nanoseconds(
            try Self.nanoseconds(self.handshakeTimeout, option: "--handshake-timeout")
        )
        configuration.idleTimeout = try self.idleTimeout.map {
            .nanoseconds(try Self.nanoseconds($0, option: "--idle-timeout"))
        }
        configuration.ioThreads = self.ioThreads
        for (value, option) in [
            (self.maxReplySize, "--max-reply-size"), (self.maxQueuedRequests, "--max-queued-requests"),
            (self.maxQueuedRequestBytes, "--max-queued-request-bytes"),
        ] where value < 1 {
            throw ValidationError("\(option) needs a positive number, got \(value)")
        }
        configuration.maxReplySize = self.maxReplySize
        configuration.maxQueuedRequests = self.maxQueuedRequests
        configuration.maxQueuedRequestBytes = self.maxQueuedRequestBytes
        configuration.logger = Logger(label: "swift-multiprocessing.serve")

        let server: ManagerServer
        do {
            server = try await ManagerServer.start(configuration: configuration)
        } catch {
            throw ValidationError("cannot start the server: \(error)")
        }
        let signals = TerminationSignals.install { Task { await server.shutdown() } }
        FileHandle.standardOutput.write(Data("listening on \(server.boundAddresses[0])\n".utf8))
        await server.waitUntilShutdown()
        await server.shutdown()
        signals.remove()
    }

    /// `seconds` in nanoseconds, for a positive number of seconds below about 30 years.
    private static func nanoseconds(_ seconds: Double, option: String) throws -> Int64 {
        guard seconds.isFinite, seconds > 0, seconds < 1e9 else {
            throw ValidationError("\(option) needs a positive number of seconds below 1e9, got \(seconds)")
        }
        return Int64(seconds * 1e9)
    }
}
