/// One client connection to the server: the "thread" that owns `RLock`s and `Condition`s.
///
/// CPython serves every method channel with its own thread, so lock ownership belongs to a connection. The
/// server keeps that identity without a thread per connection: every connection gets a never-reused id.
package struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// The raw id.
    package let rawValue: UInt64

    /// A connection id.
    package init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// `connection N`.
    package var description: String { "connection \(self.rawValue)" }
}

/// A call that is parked until it can proceed or its deadline passes.
package struct WaiterID: Hashable, Sendable, CustomStringConvertible {
    /// The raw id.
    package let rawValue: UInt64

    /// A waiter id.
    package init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// `waiter N`.
    package var description: String { "waiter \(self.rawValue)" }
}
