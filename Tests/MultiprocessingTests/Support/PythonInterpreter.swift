import Foundation

/// The Python interpreters the interop tests run.
enum PythonInterpreter {
    /// `python3` from the search path (CPython 3.11 on the project's machines).
    static let python3: String = Self.onPath("python3") ?? "/usr/bin/python3"

    /// The `python` of a pyenv-installed CPython `version` (for example `3.12.1`), or `nil` if it is not installed.
    static func pyenv(_ version: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        var roots: [String] = []
        if let root = environment["PYENV_ROOT"] { roots.append(root) }
        if let home = environment["HOME"] { roots.append("\(home)/.pyenv") }
        roots.append("/root/.pyenv")
        for root in roots {
            let path = "\(root)/versions/\(version)/bin/python"
            if FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
        }
        return nil
    }

    private static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
