import NIOCore
import Pickle

/// How long a blocking call waits, decided from its `timeout` argument as CPython 3.11's `threading` and
/// `queue` code decides it, with the same exceptions for values the clock cannot hold.
///
/// Every conversion is checked: a `timeout` of `1e300`, `inf`, NaN or `10**30` raises or waits as CPython
/// does, and never traps.
package enum PythonTimeout: Equatable, Sendable {
    /// Wait without a deadline.
    case forever
    /// Give up at once (the call returns `False`, or raises `Empty`, `Full` or `BrokenBarrierError`).
    case immediately
    /// Wait up to this many nanoseconds (always positive).
    case nanoseconds(Int64)

    /// `_thread.lock.acquire`'s largest timeout in microseconds (`PY_TIMEOUT_MAX`, `LLONG_MAX / 1000`).
    private static let maximumMicroseconds: Int64 = .max / 1000
    /// Waits at least this long (about 31 years) have no deadline: the wait outlives the process anyway.
    private static let foreverNanoseconds: Int64 = 1_000_000_000_000_000_000

    /// The deadline `self` gives from `now`: `nil` to wait forever, `now` to give up at once.
    package func deadline(from now: NIODeadline) -> NIODeadline? {
        switch self {
        case .forever: return nil
        case .immediately: return now
        case .nanoseconds(let nanoseconds):
            return nanoseconds >= Self.foreverNanoseconds ? nil : now + .nanoseconds(nanoseconds)
        }
    }

    /// A timeout in nanoseconds as `_PyTime_FromSecondsObject(timeout, _PyTime_ROUND_TIMEOUT)` reads it:
    /// rounded away from zero.
    ///
    /// - Throws: `ValueError("Invalid value NaN (not a number)")`; `OverflowError("timestamp too large to convert
    ///   to C _PyTime_t")` for an int past the clock, `OverflowError("timestamp out of range for platform
    ///   time_t")` for such a float (infinities included); `TypeError` for a non-number.
    package static func clockNanoseconds(_ timeout: PythonValue) throws(PythonException) -> Int64 {
        let tooLarge = PythonException.overflowError("timestamp too large to convert to C _PyTime_t")
        switch timeout.unwrapped {
        case .int, .bool:
            let (nanoseconds, overflow) = Int64(timeout.intValue ?? 0).multipliedReportingOverflow(by: 1_000_000_000)
            if overflow { throw tooLarge }
            return nanoseconds
        case .bigInt:
            throw tooLarge
        case .float(let seconds):
            if seconds.isNaN { throw .valueError("Invalid value NaN (not a number)") }
            let scaled = seconds * 1e9
            let rounded = scaled < 0 ? scaled.rounded(.down) : scaled.rounded(.up)
            guard let nanoseconds = Int64(exactly: rounded) else {
                throw .overflowError("timestamp out of range for platform time_t")
            }
            return nanoseconds
        default:
            throw .typeError("'\(timeout.typeName)' object cannot be interpreted as an integer")
        }
    }

    /// A positive blocking wait of `nanoseconds`, checked against `PY_TIMEOUT_MAX`.
    ///
    /// - Throws: `OverflowError("timeout value is too large")`.
    private static func blockingWait(_ nanoseconds: Int64) throws(PythonException) -> PythonTimeout {
        guard nanoseconds > 0 else { return .immediately }
        let (microseconds, remainder) = nanoseconds.quotientAndRemainder(dividingBy: 1000)
        if microseconds + (remainder > 0 ? 1 : 0) > Self.maximumMicroseconds {
            throw .overflowError("timeout value is too large")
        }
        return .nanoseconds(nanoseconds)
    }

    /// `Lock.acquire(blocking, timeout)` / `RLock.acquire` (C's `lock_acquire_parse_args`): the conversion, then
    /// the non-blocking and negative checks, `-1` meaning forever.
    ///
    /// - Throws: the conversion's errors; `ValueError("can't specify a timeout for a non-blocking call")`;
    ///   `ValueError("timeout value must be positive")`; `OverflowError("timeout value is too large")`.
    package static func lockAcquire(blocking: Bool, timeout: PythonValue) throws(PythonException) -> PythonTimeout {
        let unset: Int64 = -1_000_000_000
        let nanoseconds = try Self.clockNanoseconds(timeout)
        if !blocking, nanoseconds != unset { throw .valueError("can't specify a timeout for a non-blocking call") }
        if nanoseconds < 0, nanoseconds != unset { throw .valueError("timeout value must be positive") }
        if !blocking { return .immediately }
        if nanoseconds == unset { return .forever }
        return try Self.blockingWait(nanoseconds)
    }

    /// `Condition.wait(timeout)` and `Event.wait(timeout)`: `None` waits forever; `timeout > 0` waits on a lock
    /// with that timeout; anything else (zero, negative, NaN) gives up at once.
    ///
    /// - Throws: `TypeError("'>' not supported between instances of 'str' and 'int'")` for a non-number; the
    ///   lock's conversion errors for a positive timeout.
    package static func conditionWait(_ timeout: PythonValue) throws(PythonException) -> PythonTimeout {
        if timeout.isNone { return .forever }
        guard let seconds = Self.seconds(timeout) else {
            throw .typeError("'>' not supported between instances of '\(timeout.typeName)' and 'int'")
        }
        guard seconds > 0 else { return .immediately }
        return try Self.blockingWait(try Self.clockNanoseconds(timeout))
    }

    /// `Condition.wait_for`-style waits (`Semaphore.acquire`, `Barrier.wait`): `endtime = _time() + timeout`
    /// first, then `Condition.wait(timeout)`. A NaN timeout never reaches its end time, so it waits until woken.
    ///
    /// - Throws: `TypeError("unsupported operand type(s) for +: 'float' and 'str'")` for a non-number;
    ///   `OverflowError("int too large to convert to float")`; then ``conditionWait(_:)``'s errors.
    package static func waitFor(_ timeout: PythonValue) throws(PythonException) -> PythonTimeout {
        if timeout.isNone { return .forever }
        if case .complex = timeout.unwrapped { return try Self.conditionWait(timeout) }
        let seconds = try Self.addedToClock(timeout)
        if seconds.isNaN { return .forever }
        return try Self.conditionWait(timeout)
    }

    /// The seconds of a `Queue.get`/`Queue.put` timeout, checked as `queue.Queue` checks it before looking at
    /// the queue: `timeout < 0`, then `endtime = time() + timeout`.
    ///
    /// - Throws: `TypeError("'<' not supported between instances of 'str' and 'int'")`;
    ///   `ValueError("'timeout' must be a non-negative number")`; `OverflowError("int too large to convert to
    ///   float")`.
    package static func queueSeconds(_ timeout: PythonValue) throws(PythonException) -> Double {
        guard let seconds = Self.seconds(timeout) else {
            throw .typeError("'<' not supported between instances of '\(timeout.typeName)' and 'int'")
        }
        if seconds < 0 { throw .valueError("'timeout' must be a non-negative number") }
        return try Self.addedToClock(timeout)
    }

    /// A `Queue` wait of `remaining = endtime - time()` seconds: none at all unless positive; NaN never runs out.
    ///
    /// - Throws: the lock's conversion errors for a float (`OverflowError("timestamp out of range for platform
    ///   time_t")`).
    package static func queueWait(_ seconds: Double) throws(PythonException) -> PythonTimeout {
        if seconds.isNaN { return .forever }
        guard seconds > 0 else { return .immediately }
        return try Self.blockingWait(try Self.clockNanoseconds(.float(seconds)))
    }

    /// `time() + timeout` as a float.
    ///
    /// - Throws: `TypeError` for a non-number; `OverflowError("int too large to convert to float")` for an int
    ///   past `float`'s range.
    private static func addedToClock(_ timeout: PythonValue) throws(PythonException) -> Double {
        guard let seconds = Self.seconds(timeout) else {
            throw .typeError("unsupported operand type(s) for +: 'float' and '\(timeout.typeName)'")
        }
        if case .bigInt = timeout.unwrapped, !seconds.isFinite {
            throw .overflowError("int too large to convert to float")
        }
        return seconds
    }

    /// A number's value as a `Double`, an int past `float`'s range as an infinity of its sign (enough for the
    /// comparisons with zero that Python makes exactly).
    private static func seconds(_ timeout: PythonValue) -> Double? {
        if case .bigInt(let big) = timeout.unwrapped {
            let double = Double(big)
            return big < 0 ? -double.magnitude : double
        }
        return timeout.doubleValue
    }
}
