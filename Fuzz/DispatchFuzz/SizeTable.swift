/// The sizes one kind of value is drawn from: a small tier (cheap, drawn by almost every byte) and a large tier
/// (sizes of 1,000 and more, drawn only after ``WorkBudget/largeGate``).
struct SizeTable {
    /// Cheap sizes, smallest first; the first entry is what a draw gives once the budget is spent.
    var small: [Int]
    /// Expensive sizes.
    var large: [Int]

    /// Element counts of ``ValueKind/large`` containers.
    static let elements = SizeTable(small: [0, 1, 2, 7, 8, 255, 256], large: [1000, 4096, 4097, 40_000])
    /// Decimal digit counts of ``ValueKind/decimalInteger``: around `Int`, `float`'s range and the 4,300-digit limit.
    static let digits = SizeTable(small: [19, 20, 100, 309, 310], large: [1000, 4300, 4301, 10_000, 100_000, 400_000])
    /// Byte counts of ``ValueKind/binaryInteger``.
    static let integerBytes = SizeTable(small: [8, 9, 16, 64, 128], large: [1000, 10_000, 100_000])
    /// Lengths of ``ValueKind/hugeText``.
    static let textLength = SizeTable(small: [256, 4096], large: [65_536, 1 << 20])
}
