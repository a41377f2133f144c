#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's id, for channel names and logs.
enum ProcessIdentity {
    static var current: Int32 { getpid() }
}
