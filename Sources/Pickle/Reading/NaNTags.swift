/// Gives every NaN one decode reads a payload of its own, so that NaN keys spread over a hash table.
///
/// CPython (3.10+) hashes a NaN by the identity of its float object, and a NaN equals no other object, so a dict of
/// n NaN keys has n entries and costs O(n) to build. A ``PythonValue`` has no identity: NaNs that share one bit
/// pattern would all hash alike, and each insertion would compare against every NaN before it (40,000 NaN keys in
/// one 429 KiB request cost minutes of CPU). So the reader gives each NaN a distinct payload (its sign and quiet bit
/// kept), NaNs hash by their bits, and the writer writes every NaN as the canonical quiet NaN that CPython's
/// `float('nan')` is. The tags never leave the process; a NaN's payload is the one thing not carried through
/// unchanged, as CPython's own float arithmetic does not keep it either.
///
/// The first tag of each decode is random, so NaNs of separate requests stored in one dict do not collide either.
struct NaNTags {
    /// The payload bits below the quiet bit.
    private static let payloadMask: UInt64 = (1 << 51) - 1
    /// The quiet-NaN bit.
    private static let quietBit: UInt64 = 1 << 51

    /// The next tag, or zero before the first NaN of this decode.
    private var next: UInt64 = 0

    /// `value`, with a fresh payload if it is a NaN.
    mutating func tagged(_ value: Double) -> Double {
        guard value.isNaN else { return value }
        if self.next == 0 {
            self.next = UInt64.random(in: 1...Self.payloadMask)
        }
        let tag = self.next
        self.next = tag == Self.payloadMask ? 1 : tag + 1
        return Double(bitPattern: (value.bitPattern & ~Self.payloadMask) | Self.quietBit | tag)
    }
}

extension Double {
    /// The canonical quiet NaN with this NaN's sign (what CPython's `float('nan')` and `-float('nan')` are), or
    /// `self` when it is not a NaN: what the writer writes.
    var canonicalizedNaN: Double {
        guard self.isNaN else { return self }
        return Double(bitPattern: (self.bitPattern & (1 << 63)) | 0x7FF8_0000_0000_0000)
    }
}
