#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts this program (or another executable) again as a child with a role, using `posix_spawn`.
///
/// The child inherits standard input, output and error. Its end of a fresh Unix socket pair becomes descriptor 3:
/// the parent sends the child's instructions (and the manager's authkey) through it, so no secret appears in the
/// child's arguments or environment, which other users of the machine can read.
enum Spawner {
    /// The environment variable that tells a started program which role it has. It holds the role only.
    static let roleVariable = "SWIFT_MULTIPROCESSING_ROLE"

    /// The descriptor the child finds its channel to the parent on.
    static let channelDescriptor: Int32 = 3

    /// The path of the running executable.
    static var currentExecutable: String {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        #endif
        return CommandLine.arguments[0]
    }

    /// A started child: its process id and the parent's end of its channel.
    struct Spawned {
        var pid: pid_t
        var channel: Int32
    }

    /// Starts `executable` with `role`, handing it one end of a socket pair as descriptor 3.
    ///
    /// Flushes the C standard streams first (as Python does before it starts a process), so that output printed
    /// before the start appears before the child's.
    static func spawn(role: String, executable: String?) throws(ChildProcessError) -> Spawned {
        var sockets: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            throw ChildProcessError(code: .spawnFailed, message: "cannot create a socket pair for the child", errno: errno)
        }
        // Keep the child's end above the standard descriptors and the target, so dup2 always copies it (a copy
        // is what clears close-on-exec) and never overwrites it.
        let childEnd = fcntl(sockets[1], F_DUPFD_CLOEXEC, 10)
        close(sockets[1])
        guard childEnd >= 0 else {
            close(sockets[0])
            throw ChildProcessError(code: .spawnFailed, message: "cannot duplicate the child's channel", errno: errno)
        }
        defer { close(childEnd) }

        let path = executable ?? Self.currentExecutable
        let argv0 = executable ?? CommandLine.arguments.first ?? path
        var environment = Self.environment(role: role)
        fflush(nil)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childEnd, Self.channelDescriptor)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var argv: [UnsafeMutablePointer<CChar>?] = [strdup(argv0), nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in environment { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, &argv, &environment)
        guard result == 0 else {
            close(sockets[0])
            throw ChildProcessError(code: .spawnFailed, message: "cannot start \(path)", errno: result)
        }
        return Spawned(pid: pid, channel: sockets[0])
    }

    /// This process's environment with the role variable set to `role`, as C strings ending in `nil`.
    private static func environment(role: String) -> [UnsafeMutablePointer<CChar>?] {
        var result: [UnsafeMutablePointer<CChar>?] = []
        let prefix = Self.roleVariable + "="
        var cursor = environ
        while let entry = cursor.pointee {
            if !String(cString: entry).hasPrefix(prefix) {
                result.append(strdup(entry))
            }
            cursor += 1
        }
        result.append(strdup(prefix + role))
        result.append(nil)
        return result
    }
}
