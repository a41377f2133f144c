import ArgumentParser

/// `swift-multiprocessing`: run a manager server, talk to one, and inspect pickles.
@main
struct SwiftMultiprocessing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swift-multiprocessing",
        abstract: "Python's multiprocessing managers, served and used from Swift.",
        subcommands: [ServeCommand.self, PingCommand.self, InspectCommand.self, PickleCommand.self]
    )
}
