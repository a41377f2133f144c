/// How much one input may build: sizes are drawn from two tiers so that expensive shapes are rare, not absent.
///
/// Every size a ``ValueGenerator`` draws (a container's length, an integer's digits or bytes, a text's length, a
/// depth) comes from a ``SizeTable``. A draw reads one byte: any byte but ``largeGate`` picks from the table's
/// small tier, and the size is charged to the input's ``limit``; once the limit would be passed, the draw gives the
/// small tier's first (smallest) entry instead, so no input builds much more than `limit` elements, digits or
/// characters. The byte ``largeGate`` reads one more byte and picks from the large tier (sizes of 1,000 and more:
/// 40,000-element containers, 100,000-digit integers, a million characters): the first such draw in an input is
/// honoured, uncharged, if the input ``permitsLarge``; otherwise, and for later draws, the second byte picks from
/// the small tier, so one input holds at most one large shape.
///
/// The permit keeps large shapes rare although the fuzzer keeps and mutates the inputs that hold one (they reach
/// code no small input reaches, so about one corpus entry in ten holds one): only inputs whose FNV-1a hash is a
/// multiple of ``permitModulus`` may draw a large size, so a mutant of such an input keeps its large shape about
/// once in ``permitModulus`` mutations, and the seeds that hold one carry a record that makes their hash fit
/// (`Fuzz/migrate-dispatch-sizes.py`). The permit depends on the input's bytes alone, so every input, and every
/// finding, runs the same way each time.
///
/// One budget serves one input; a new ``DispatchRun`` starts a new one.
final class WorkBudget {
    /// The units (elements, digits, characters, levels) the small-tier draws of one input may add up to.
    static let limit = 32_768
    /// The byte that selects a size table's large tier: not `0x00` or `0xFF`, which libFuzzer's mutations insert in
    /// runs, nor a printable character, so that mutations seldom make a large shape where there was none.
    static let largeGate: UInt8 = 0xA7
    /// An input may draw a large size when its FNV-1a hash is a multiple of this.
    static let permitModulus: UInt32 = 128

    /// Whether this input may draw its one large size.
    let permitsLarge: Bool

    /// The units charged so far.
    private(set) var spent = 0
    /// Whether this input's one large shape has been drawn.
    private(set) var largeDrawn = false

    /// A budget for `input`, with its permit read from its bytes.
    init(input: [UInt8]) {
        self.permitsLarge = Self.hash(input) % Self.permitModulus == 0
    }

    /// The 32-bit FNV-1a hash of `bytes`.
    static func hash(_ bytes: [UInt8]) -> UInt32 {
        bytes.reduce(2_166_136_261) { ($0 ^ UInt32($1)) &* 16_777_619 }
    }

    /// The next size from `table`, read from `cursor` and charged to the budget as described above.
    func size(from table: SizeTable, cursor: inout ByteCursor) -> Int {
        let byte = cursor.next()
        if byte == Self.largeGate {
            let pick = cursor.next()
            guard self.largeDrawn || !self.permitsLarge else {
                self.largeDrawn = true
                return table.large[Int(pick) % table.large.count]
            }
            return self.charge(table.small[Int(pick) % table.small.count], fallback: table.small[0])
        }
        return self.charge(table.small[Int(byte) % table.small.count], fallback: table.small[0])
    }

    /// Charges `size` units and returns it, or charges and returns `fallback` when `size` would pass the limit.
    ///
    /// Sizes drawn without a gate (the depths of deep values and growing paths, all below 1,000) are charged here.
    func charge(_ size: Int, fallback: Int) -> Int {
        let granted = self.spent + size <= Self.limit ? size : fallback
        self.spent += granted
        return granted
    }
}
