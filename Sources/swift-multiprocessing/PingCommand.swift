import ArgumentParser
import Foundation
import ManagerWire

/// `swift-multiprocessing ping`: authenticate to a manager and time a `dummy` request.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that a manager (this package's or CPython's) answers, and print the round-trip time."
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "How many dummy requests to time.")
    var count: Int = 1

    func run() async throws {
        let address = try self.connection.address()
        let clock = ContinuousClock()
        let start = clock.now
        let manager = try await ManagerConnection.connect(to: address, authKey: try self.connection.authKey())
        let connected = clock.now
        var best = Duration.seconds(3600)
        for _ in 0..<max(1, self.count) {
            let sent = clock.now
            let reply = try await manager.call(Request(objectID: nil, method: "dummy"))
            guard case .returned = reply else {
                await manager.close()
                throw ValidationError("the manager at \(address) answered dummy with \(reply)")
            }
            best = min(best, clock.now - sent)
        }
        await manager.close()
        print("\(address): connected and authenticated in \(Self.format(connected - start)), dummy round trip \(Self.format(best))")
    }

    static func format(_ duration: Duration) -> String {
        let microseconds = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        return microseconds < 1000 ? String(format: "%.0f µs", microseconds) : String(format: "%.2f ms", microseconds / 1000)
    }
}
