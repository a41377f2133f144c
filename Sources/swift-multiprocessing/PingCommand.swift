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

    @Option(help: "How many times to connect and send dummy; the best time is printed.")
    var count: Int = 1

    func run() async throws {
        let address = try self.connection.address()
        let key = try self.connection.authKey()
        let clock = ContinuousClock()
        var handshakes: [Duration] = []
        var roundTrips: [Duration] = []
        // Each ping is what CPython's `BaseManager.connect()` does: a new authenticated connection carrying one
        // `dummy` request, which the server answers and then closes.
        for _ in 0..<max(1, self.count) {
            let start = clock.now
            let manager = try await ManagerConnection.connect(to: address, authKey: key)
            let connected = clock.now
            let reply = try await manager.call(Request(objectID: nil, method: "dummy"))
            let answered = clock.now
            await manager.close()
            guard case .returned = reply else {
                throw ValidationError("the manager at \(address) answered dummy with \(reply)")
            }
            handshakes.append(connected - start)
            roundTrips.append(answered - connected)
        }
        let summary = self.count > 1 ? " (best of \(self.count))" : ""
        print(
            "\(address): connected and authenticated in \(Self.format(handshakes.min()!)), "
                + "dummy round trip \(Self.format(roundTrips.min()!))\(summary)"
        )
    }

    static func format(_ duration: Duration) -> String {
        let microseconds = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        return microseconds < 1000 ? String(format: "%.0f µs", microseconds) : String(format: "%.2f ms", microseconds / 1000)
    }
}
