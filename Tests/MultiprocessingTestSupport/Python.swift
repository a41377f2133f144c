import Foundation

/// The CPython interpreters tests run, and what long-lived Python servers need to end with the test.
public enum Python {
    /// `python3` from `PATH` (CPython 3.11 on the project's machines), or `/usr/bin/python3` if `PATH` has none.
    public static let python3: String = {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return "/usr/bin/python3"
    }()

    /// The `python` of the pyenv-installed CPython `version` (for example `3.12.1`) under `$PYENV_ROOT` or
    /// `~/.pyenv`, or `nil` if it is not installed.
    public static func pyenv(_ version: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        var roots: [String] = []
        if let root = environment["PYENV_ROOT"] { roots.append(root) }
        if let home = environment["HOME"] { roots.append("\(home)/.pyenv") }
        roots.append(NSHomeDirectory() + "/.pyenv")
        for root in roots {
            let path = "\(root)/versions/\(version)/bin/python"
            if FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
        }
        return nil
    }

    /// Python source to put before a long-lived server's script: a daemon thread that reads standard input to its
    /// end, then exits the interpreter at once (`os._exit(0)`).
    ///
    /// A ``TestProcess`` child's standard input is a pipe only the test process writes to, so the server ends when
    /// the test calls ``TestProcess/closeInput()`` or stops it, and also when the test process dies, which would
    /// otherwise leave it running (and holding whatever it inherited) after the test run. It reads descriptor 0
    /// with `os.read`, not `sys.stdin.buffer`, whose lock a reading daemon thread would hold when a script that
    /// ends normally shuts the interpreter down (a fatal error), and uses no names a script could clash with.
    public static let exitAtEndOfInput = """
        import os as _test_os, threading as _test_threading
        def _test_exit_at_end_of_input():
            while _test_os.read(0, 65536):
                pass
            _test_os._exit(0)
        _test_threading.Thread(target=_test_exit_at_end_of_input, daemon=True).start()

        """

    /// `script` with ``exitAtEndOfInput`` before it, for `python -c`.
    public static func server(_ script: String) -> String {
        Self.exitAtEndOfInput + script
    }
}
