/// A failure to start or set up a child process.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; match the ones you handle and keep a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The operating system refused to start the process (`posix_spawn`, `socketpair`, …).
        public static let spawnFailed = Code("spawn failed")
        /// The arguments could not be converted to a Python value and pickled.
        public static let encoding = Code("encoding")
        /// A child could not read what its parent sent it.
        public static let payload = Code("payload")
        /// A child was asked to run a task that the program did not register with ``ProcessRole/bootstrap(tasks:)``.
        public static let unknownTask = Code("unknown task")

        /// The code's name.
        public var description: String { self.name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// The `errno` value, when a system call failed.
    public var errno: Int32?

    /// An error with the given code and message.
    public init(code: Code, message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// `spawn failed: <message>`.
    public var description: String {
        if let errno = self.errno {
            return "\(self.code): \(self.message) (errno \(errno))"
        }
        return "\(self.code): \(self.message)"
    }
}
