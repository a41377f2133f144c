import Pickle

/// Integers outside `Int`, decoded from the pickle opcodes CPython's pickler writes for them.
///
/// The harness has no `BigInt` of its own: it builds the bytes a client would send (`LONG1`, `LONG4`, protocol 0
/// `INT`) and decodes them with a ``PickleReader`` using the server's default limits, so a huge integer costs the
/// decoding a real request costs. The sizes of the small tiers (``SizeTable/digits``, ``SizeTable/integerBytes``)
/// are decoded once and shared, as nearly every input draws some.
enum IntegerPickles {
    private static let reader = PickleReader()

    /// `2**63`.
    static let twoTo63 = Self.binary(littleEndian: [0, 0, 0, 0, 0, 0, 0, 0x80, 0])
    /// `-2**63 - 1`.
    static let minusTwoTo63MinusOne = Self.binary(littleEndian: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF])
    /// `2**64`.
    static let twoTo64 = Self.binary(littleEndian: [0, 0, 0, 0, 0, 0, 0, 0, 1])
    /// `-2**64`.
    static let minusTwoTo64 = Self.binary(littleEndian: [0, 0, 0, 0, 0, 0, 0, 0, 0xFF])
    /// `10**30`.
    static let tenTo30 = Self.decimal("1" + String(repeating: "0", count: 30))
    /// `-10**30`.
    static let minusTenTo30 = Self.decimal("-1" + String(repeating: "0", count: 30))

    private static let smallBinary = Self.table(SizeTable.integerBytes.small, Self.decodeBinary)
    private static let smallDecimal = Self.table(SizeTable.digits.small, Self.decodeDecimal)

    /// `2**(8 * byteCount - 1) - 1`, or `-2**(8 * byteCount - 1)` when `negative`, sent as `LONG4`.
    static func binary(byteCount: Int, negative: Bool) -> PythonValue {
        Self.smallBinary[Key(size: byteCount, negative: negative)] ?? Self.decodeBinary(byteCount, negative)
    }

    /// An integer of `digits` nines, sent as a protocol 0 `INT` opcode.
    static func decimal(digits: Int, negative: Bool) -> PythonValue {
        Self.smallDecimal[Key(size: digits, negative: negative)] ?? Self.decodeDecimal(digits, negative)
    }

    /// A size and a sign.
    private struct Key: Hashable {
        var size: Int
        var negative: Bool
    }

    /// The values `decode` gives for every size in `sizes`, both signs.
    private static func table(_ sizes: [Int], _ decode: (Int, Bool) -> PythonValue) -> [Key: PythonValue] {
        var table: [Key: PythonValue] = [:]
        for size in sizes {
            for negative in [false, true] {
                table[Key(size: size, negative: negative)] = decode(size, negative)
            }
        }
        return table
    }

    private static func decodeBinary(_ byteCount: Int, _ negative: Bool) -> PythonValue {
        var bytes = [UInt8](repeating: negative ? 0 : 0xFF, count: byteCount)
        bytes[byteCount - 1] = negative ? 0x80 : 0x7F
        return Self.binary(littleEndian: bytes)
    }

    private static func decodeDecimal(_ digits: Int, _ negative: Bool) -> PythonValue {
        let nines = [UInt8](repeating: UInt8(ascii: "9"), count: digits)
        return Self.decode([0x49] + (negative ? [UInt8(ascii: "-")] : []) + nines + [0x0A, 0x2E])
    }

    /// Decodes `LONG4` with `littleEndian` as its two's complement payload.
    private static func binary(littleEndian bytes: [UInt8]) -> PythonValue {
        let count = UInt32(bytes.count)
        let length = (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) }
        return Self.decode([0x80, 0x02, 0x8B] + length + bytes + [0x2E])
    }

    /// Decodes `INT` with `text` as its decimal digits.
    private static func decimal(_ text: String) -> PythonValue {
        Self.decode([0x49] + Array(text.utf8) + [0x0A, 0x2E])
    }

    /// The decoded value; `None` if the reader refuses it (it does not: the bytes are well formed and in limits).
    private static func decode(_ bytes: [UInt8]) -> PythonValue {
        (try? Self.reader.read(bytes)) ?? .none
    }
}
