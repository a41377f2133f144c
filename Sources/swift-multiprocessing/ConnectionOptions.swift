import ArgumentParser
import Foundation
import ManagerWire

/// Where a manager is and how to authenticate: the options `serve`, `ping` and `inspect` share.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("unix"), help: "A Unix socket path.")
    var unixPath: String?

    @Option(name: .customLong("tcp"), help: "A TCP address, HOST:PORT (IPv6 as [HOST]:PORT).")
    var tcpAddress: String?

    @Option(
        name: .customLong("authkey-hex"),
        help: ArgumentHelp(
            "The authkey as hex digits. Visible to every local user in the process list: prefer --authkey-file "
                + "or MP_AUTHKEY."
        )
    )
    var authKeyHex: String?

    @Option(name: .customLong("authkey-file"), help: "A file holding the raw authkey bytes (/dev/stdin reads a pipe).")
    var authKeyFile: String?

    /// The address given with `--unix` or `--tcp`.
    func address() throws -> ManagerAddress {
        switch (self.unixPath, self.tcpAddress) {
        case (let path?, nil):
            return .unix(path: path)
        case (nil, let tcp?):
            do {
                let address = try ManagerAddress(parsing: tcp)
                guard case .tcp = address else { throw ValidationError("--tcp needs HOST:PORT, got '\(tcp)'") }
                return address
            } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError("--tcp needs HOST:PORT, got '\(tcp)': \(error)")
            }
        case (nil, nil):
            throw ValidationError("give the manager's address with --unix PATH or --tcp HOST:PORT")
        case (_?, _?):
            throw ValidationError("give either --unix or --tcp, not both")
        }
    }

    /// The key from `--authkey-hex`, `--authkey-file` or the `MP_AUTHKEY` environment variable (hex), if any.
    func authKey() throws -> AuthKey? {
        if self.authKeyHex != nil, self.authKeyFile != nil {
            throw ValidationError("give either --authkey-hex or --authkey-file, not both")
        }
        if let hex = self.authKeyHex {
            FileHandle.standardError.write(
                Data(
                    ("warning: --authkey-hex puts the key in the command line, which every local user can read "
                        + "(ps, /proc/PID/cmdline); use --authkey-file or MP_AUTHKEY instead\n").utf8
                )
            )
            return try Self.parseHex(hex, source: "--authkey-hex")
        }
        if let path = self.authKeyFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the authkey file '\(path)'")
            }
            return AuthKey(Array(data))
        }
        if let hex = ProcessInfo.processInfo.environment["MP_AUTHKEY"], !hex.isEmpty {
            return try Self.parseHex(hex, source: "MP_AUTHKEY")
        }
        return nil
    }

    /// Whether `MP_AUTHKEY` is set to an empty value (an empty key, which is no key) and no option gives a key.
    var environmentKeyIsEmpty: Bool {
        self.authKeyHex == nil && self.authKeyFile == nil && ProcessInfo.processInfo.environment["MP_AUTHKEY"] == ""
    }

    private static func parseHex(_ hex: String, source: String) throws -> AuthKey {
        do {
            return try AuthKey(hex: hex.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw ValidationError("\(source) must be hex digits: \(error)")
        }
    }
}
