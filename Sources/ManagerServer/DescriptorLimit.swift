#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many connections the process's descriptor limit (`RLIMIT_NOFILE`) leaves room for.
enum DescriptorLimit {
    /// Descriptors kept for everything but authenticated connections: standard streams, listeners, the event
    /// loops' epoll, eventfd and timer descriptors, log files.
    static let reserve = 64

    /// The soft `RLIMIT_NOFILE`, or `nil` when it cannot be read or is unlimited.
    static func current() -> Int? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// The most authenticated connections `descriptors` allows beside ``reserve`` and `pendingHandshakes`
    /// (each pending connection holds a descriptor too); at least 1, and `Int.max` without a limit.
    static func connectionCapacity(descriptors: Int?, pendingHandshakes: Int) -> Int {
        guard let descriptors else { return .max }
        let (afterReserve, overflow) = descriptors.subtractingReportingOverflow(Self.reserve)
        guard !overflow else { return 1 }
        let (capacity, overflowAgain) = afterReserve.subtractingReportingOverflow(max(0, pendingHandshakes))
        guard !overflowAgain else { return 1 }
        return max(1, capacity)
    }

    #if os(Linux)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
