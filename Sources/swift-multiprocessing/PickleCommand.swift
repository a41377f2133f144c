import ArgumentParser
import Foundation
import Pickle

/// `swift-multiprocessing pickle`: inspect and re-encode pickles with this package's codec.
struct PickleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pickle",
        abstract: "Decode and re-encode Python pickles.",
        subcommands: [Show.self, RoundTrip.self]
    )

    /// `pickle show`: prints the `repr` of the pickle on standard input.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a pickle on standard input and print the Python repr of its value."
        )

        func run() throws {
            let value = try PickleCommand.readStandardInput()
            print(value.repr)
        }
    }

    /// `pickle roundtrip`: decodes the pickle on standard input and writes this package's encoding of it.
    struct RoundTrip: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "roundtrip",
            abstract: "Read a pickle on standard input and write its re-encoding to standard output."
        )

        @Option(name: .customLong("protocol"), help: "The pickle protocol to write, 2 to 5.")
        var protocolVersion: Int = 4

        func validate() throws {
            guard (2...5).contains(self.protocolVersion) else {
                throw ValidationError("--protocol must be between 2 and 5")
            }
        }

        func run() throws {
            let value = try PickleCommand.readStandardInput()
            do {
                let bytes = try PickleWriter(protocolVersion: self.protocolVersion).write(value)
                FileHandle.standardOutput.write(Data(bytes))
            } catch {
                PickleCommand.fail("cannot write the value: \(error)")
            }
        }
    }

    /// The value of the pickle on standard input; exits with status 1 and a one-line reason if it is invalid.
    static func readStandardInput() throws -> PythonValue {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        do {
            return try PickleReader().read([UInt8](data))
        } catch {
            self.fail("invalid pickle: \(error)")
        }
    }

    /// Prints `message` on standard error and exits with status 1.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
        Foundation.exit(1)
    }
}
