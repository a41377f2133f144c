import NIOCore

/// Lets at most one log line per reason through per interval, counting the lines it holds back.
///
/// A flood of failing or refused connections would otherwise fill the log (and the disk) as fast as an attacker
/// can connect. The first line for a reason goes out at once; later ones within ``interval`` are counted, and the
/// next line that goes out says how many were suppressed.
struct LogRateLimiter<Reason: Hashable & Sendable>: Sendable {
    /// What to do with one line.
    enum Decision: Sendable, Hashable {
        /// Write the line, saying that `suppressed` lines for the same reason were held back before it.
        case log(suppressed: Int)
        /// Drop the line (it is counted).
        case suppress
    }

    private struct Entry: Sendable {
        var lastLogged: NIODeadline
        var suppressed: Int
    }

    /// The shortest time between two lines for one reason.
    let interval: TimeAmount
    private var entries: [Reason: Entry] = [:]

    /// A limiter letting one line per reason through every `interval`.
    init(interval: TimeAmount = .seconds(1)) {
        self.interval = interval
    }

    /// Decides whether a line for `reason` logged at `now` goes out.
    mutating func lineLogged(_ reason: Reason, at now: NIODeadline) -> Decision {
        guard var entry = self.entries[reason] else {
            self.entries[reason] = Entry(lastLogged: now, suppressed: 0)
            return .log(suppressed: 0)
        }
        guard now >= entry.lastLogged + self.interval else {
            entry.suppressed = entry.suppressed == .max ? .max : entry.suppressed + 1
            self.entries[reason] = entry
            return .suppress
        }
        let suppressed = entry.suppressed
        self.entries[reason] = Entry(lastLogged: now, suppressed: 0)
        return .log(suppressed: suppressed)
    }
}
