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
            shutdown request, removing its Unix socket file. The key may also come from MP_AUTHKEY (hex).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Allow TCP without an authkey. Anyone who can reach the port can then read and change every object.")
    var allowNoAuthkey = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "notice"

    @Option(help: "The largest request accepted, in bytes.")
    var maxMessageSize: Int = 256 << 20

    @Option(help: "The most connections served at once.")
    var maxConnections: Int = 10_000

    @Option(help: "Seconds a new connection may take to authenticate.")
    var handshakeTimeout: Double = 10

    @Option(help: "Close connections silent for this many seconds (default: never, as CPython).")
    var idleTimeout: Double?

    @Option(help: "Threads for connection I/O and pickling.")
    var ioThreads: Int = 1

    func run() async throws {
        guard let level = Logger.Level(rawValue: self.logLevel) else {
            throw ValidationError("unknown log level '\(self.logLevel)'")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var configuration = ManagerServer.Configuration(
            addresses: [try self.connection.address()],
            authKey: try self.connection.authKey()
        )
        configuration.allowNoAuthKey = self.allowNoAuthkey
        configuration.maxMessageSize = self.maxMessageSize
        configuration.maxConnections = self.maxConnections
        configuration.handshakeTimeout = .nanoseconds(Int64(self.handshakeTimeout * 1e9))
        configuration.idleTimeout = self.idleTimeout.map { .nanoseconds(Int64($0 * 1e9)) }
        configuration.ioThreads = self.ioThreads
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
}
