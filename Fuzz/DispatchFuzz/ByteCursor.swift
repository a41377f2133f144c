/// Reads the payload of one structured record byte by byte; past its end every read is zero.
///
/// Reading zeros instead of stopping keeps every payload meaningful: a truncated record still makes a call, with
/// the first entry of each table (no arguments, `None`) where its bytes ran out.
struct ByteCursor {
    private let bytes: ArraySlice<UInt8>
    private var position: ArraySlice<UInt8>.Index

    /// A cursor at the start of `bytes`.
    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    /// The next byte, or zero past the end.
    mutating func next() -> UInt8 {
        guard self.position < self.bytes.endIndex else { return 0 }
        defer { self.position += 1 }
        return self.bytes[self.position]
    }

    /// The next byte as an index into a table of `count` entries (`count` must be positive).
    mutating func pick(_ count: Int) -> Int {
        Int(self.next()) % count
    }

    /// The next byte as an entry of `table` (which must not be empty).
    mutating func pick<Element>(from table: [Element]) -> Element {
        table[self.pick(table.count)]
    }
}
