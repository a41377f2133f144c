import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Unix socket file this server created: bound owner-only, and removed at shutdown only if it is still ours.
///
/// - A live socket at the path (something accepts a connection on it) is never taken over: binding fails, as
///   CPython's does with `EADDRINUSE`. A stale socket file nobody listens on is replaced.
/// - The file is created with mode 0600 whatever the umask: on Linux the socket's own mode is set with `fchmod`
///   before `bind`, which creates the file with that mode (masked by the umask, which can only narrow it). There
///   is no moment where the file is wider, no process-wide `umask` change that would race other threads, and no
///   `chmod` by path that a swapped file could redirect.
/// - At shutdown the file is removed only if the path still names the inode `bind` created (device and inode
///   compared with `lstat`), so a server never removes another server's socket. The server removes it while it
///   still listens, so a starting server (ours probes, CPython's `bind` fails with `EADDRINUSE`) cannot put its own
///   socket there between the check and the `unlink`.
/// - A stale file is removed only if it is still the one probed (device and inode compared again).
///
/// What remains: a process that can write the socket's directory can still swap the file in the moments between
/// `bind` and the `lstat` that records it, or between the checks and an `unlink` (POSIX has no "unlink this inode");
/// in a sticky directory such as `/tmp` only this user or root can. Keep the socket in a directory only the server's
/// user writes to when other local users are not trusted.
struct UnixSocketFile: Sendable, Hashable {
    /// The socket's path.
    let path: String
    private let device: UInt64
    private let inode: UInt64

    /// Creates a socket bound to `path`, owner-only, and returns its descriptor (not yet listening) and the file.
    ///
    /// - Throws: ``ManagerServerError`` if another server listens at `path`, `path` is not a socket, or the
    ///   socket cannot be created or bound.
    static func bind(path: String) throws(ManagerServerError) -> (descriptor: CInt, file: UnixSocketFile) {
        let address: SocketAddress
        do {
            address = try SocketAddress(unixDomainSocketPath: path)
        } catch {
            throw ManagerServerError("cannot listen on \(path): \(error); choose a shorter socket path")
        }
        try Self.removeStaleSocket(at: path, address: address)
        let descriptor = socket(AF_UNIX, Self.streamType, 0)
        guard descriptor >= 0 else {
            throw ManagerServerError("cannot create a Unix socket: \(Self.errorText()); raise the descriptor limit")
        }
        do throws(ManagerServerError) {
            #if os(Linux)
            guard fchmod(descriptor, 0o600) == 0 else {
                throw ManagerServerError("cannot restrict the socket for \(path) to its owner: \(Self.errorText())")
            }
            #endif
            let bound = address.withSockAddr { pointer, size in
                bindSocket(descriptor, pointer, socklen_t(clamping: size))
            }
            guard bound == 0 else {
                throw ManagerServerError("cannot listen on \(path): \(Self.errorText())")
            }
            #if !os(Linux)
            // Elsewhere the socket's mode does not carry over; nobody can connect before `listen`.
            guard chmod(path, 0o600) == 0 else {
                throw ManagerServerError("cannot restrict \(path) to its owner: \(Self.errorText())")
            }
            #endif
            var status = stat()
            guard lstat(path, &status) == 0 else {
                throw ManagerServerError("cannot inspect the socket file \(path) just bound: \(Self.errorText())")
            }
            // What `bind` created is a socket owned by this user; anything else was put there since by a process
            // that can write the directory, and is not ours to record (or remove at shutdown).
            guard status.st_mode & S_IFMT == S_IFSOCK, status.st_uid == geteuid() else {
                throw ManagerServerError(
                    "cannot listen on \(path): the socket file was replaced right after it was bound; make sure "
                        + "no other process writes to its directory"
                )
            }
            let file = UnixSocketFile(path: path, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
            return (descriptor, file)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Removes the socket file if the path still names the file `bind` created.
    func removeIfOurs() {
        var status = stat()
        guard lstat(self.path, &status) == 0, UInt64(status.st_dev) == self.device,
            UInt64(status.st_ino) == self.inode
        else { return }
        unlink(self.path)
    }

    /// Refuses a live socket or a non-socket at `path`; removes a socket file nobody accepts on.
    private static func removeStaleSocket(at path: String, address: SocketAddress) throws(ManagerServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw ManagerServerError(
                "cannot listen on \(path): the path exists and is not a socket; remove it or choose another path"
            )
        }
        // Non-blocking: a live server with a full backlog must not hang the probe (it answers EAGAIN instead).
        let probe = socket(AF_UNIX, Self.probeType, 0)
        guard probe >= 0 else {
            throw ManagerServerError("cannot create a Unix socket: \(Self.errorText()); raise the descriptor limit")
        }
        defer { close(probe) }
        let connected = address.withSockAddr { pointer, size in
            connect(probe, pointer, socklen_t(clamping: size))
        }
        if connected == 0 || errno == EAGAIN || errno == EINPROGRESS {
            throw ManagerServerError(
                "cannot listen on \(path): another server is accepting connections there (address already in use); "
                    + "stop it or choose another path"
            )
        }
        guard errno == ECONNREFUSED else {
            throw ManagerServerError(
                "cannot listen on \(path): probing the existing socket failed: \(Self.errorText())"
            )
        }
        // Remove only the file probed: another server may have replaced it with its own live socket meanwhile.
        var again = stat()
        guard lstat(path, &again) == 0 else { return }
        guard again.st_dev == status.st_dev, again.st_ino == status.st_ino else {
            throw ManagerServerError(
                "cannot listen on \(path): the socket file changed while it was probed (another server may be "
                    + "starting there); try again or choose another path"
            )
        }
        unlink(path)
    }

    /// Makes the listening socket's accept queue hold `backlog` connections.
    ///
    /// NIO listens on an adopted descriptor (`withBoundSocket`) with its own default backlog (128) as it wraps it,
    /// before the bootstrap's `.backlog` option is applied, so the option alone never reaches a Unix socket.
    /// Listening again on a listening socket only changes the queue's length (Linux and Darwin), so this runs
    /// once NIO has wrapped the descriptor, on the channel's event loop, where the channel (and the descriptor)
    /// cannot be closed meanwhile.
    ///
    /// - Throws: ``ManagerServerError`` if `listen` fails.
    static func setBacklog(_ backlog: CInt, descriptor: CInt, path: String) throws(ManagerServerError) {
        guard listen(descriptor, backlog) == 0 else {
            throw ManagerServerError("cannot listen on \(path) with a backlog of \(backlog): \(Self.errorText())")
        }
    }

    #if os(Linux)
    private static let streamType = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
    private static let probeType = Self.streamType | CInt(SOCK_NONBLOCK.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    private static let probeType = SOCK_STREAM
    #endif

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

/// The system's `bind` (inside ``UnixSocketFile``, `bind` names its own method).
private func bindSocket(_ descriptor: CInt, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> CInt {
    #if canImport(Glibc)
    Glibc.bind(descriptor, address, length)
    #else
    Darwin.bind(descriptor, address, length)
    #endif
}
