/// What one byte of a structured record asks the ``ValueGenerator`` for: an extreme scalar, a container of
/// further values, a deep or large value, or an object as CPython pickles it (`slice`, `range`, iterators, proxies).
///
/// The byte is taken modulo the number of cases, so every byte names a kind. Kinds listed with operands read
/// further bytes from the record (see ``ValueGenerator``).
enum ValueKind: CaseIterable {
    // Scalars, no operands.
    case none, `true`, `false`
    case zero, one, minusOne
    case intMax, intMin, intMaxMinusOne, intMinPlusOne
    case twoTo31, twoTo32, twoTo53PlusOne
    /// `2**63`, `-2**63 - 1`, `2**64`, `-2**64`, `10**30`, `-10**30`: just outside `Int`.
    case twoTo63, minusTwoTo63MinusOne, twoTo64, minusTwoTo64, tenTo30, minusTenTo30
    case nan, infinity, minusInfinity, minusZero, largestFloat, smallestSubnormal
    /// `float(2**63)` and `-float(2**63)`: the floats that `Int(exactly:)` refuses.
    case floatTwoTo63, floatMinusTwoTo63
    case emptyString, emptyBytes, emptyTuple, emptyList, emptyDict
    /// A string of code points outside the BMP (`'\U0010ffff\U0001d11e'`).
    case astralString
    /// A `str` holding a lone surrogate (`'\ud800'`), as pickles may carry one.
    case surrogateString
    case complexNaN

    // Operand bytes (one, or a size draw through the ``WorkBudget``).
    /// A signed byte as an `int`.
    case smallInt
    /// A one-letter `str` key (`'a'` … `'z'`).
    case letter
    /// A decimal integer of many digits sent with the `INT` opcode (operands: sign, then a ``SizeTable/digits`` draw).
    case decimalInteger
    /// A two's complement integer of many bytes sent with `LONG4` (operands: sign, then a
    /// ``SizeTable/integerBytes`` draw).
    case binaryInteger
    /// A `str` or `bytes` of hundreds to a million characters (operands: a ``SizeTable/textLength`` draw, which).
    case hugeText
    /// The object id of an object created earlier, as a `str` (operand: which).
    case objectID

    // Containers: a count byte (0–7), then that many values.
    case tuple, list, dict, set, frozenSet

    // Depth: one operand byte picks the depth from a table bounded by the server's depth limit.
    /// `[[...[None]...]]`.
    case deepList
    /// `{0: {0: ... {0: None}...}}`.
    case deepDict
    /// `((...(None,)...),)`.
    case deepTuple
    /// `(0, 0, ..., 0)`: a path as long as the depth, for `__swift_set_nested__`.
    case zeroPath
    /// `(0,) * depth * (repetition + 1)`: a path that reaches one level further on each repetition of a call.
    case growingPath

    // Size: a ``SizeTable/elements`` draw picks the length, a byte how the elements look and what holds them.
    /// Many elements: NaN, distinct ints, distinct floats or distinct strings, as a list, a dict (as keys) or a set.
    case large

    // Objects, as CPython pickles them.
    /// `slice(start, stop, step)`: three values.
    case slice
    /// `slice(stop)`: one value.
    case sliceStop
    /// `range(start, stop, step)`: three values.
    case range
    /// `reversed(list)` with `__setstate__(state)`: a list value, then a state value.
    case reversedIterator
    /// `iter(list)` with `__setstate__(state)`: a list value, then a state value.
    case listIterator
    /// `array.array(typecode, list)`: a typecode byte, then a list value.
    case array
    /// A proxy for an object created earlier (operand: which), as `RebuildProxy(AutoProxy, Token(...))`.
    case proxy
    /// A proxy naming an object id this server never created.
    case danglingProxy
    /// An instance of a class the server does not model (`__main__.Thing(value)`): one value.
    case opaqueObject
    /// `NotImplemented`, a global.
    case notImplemented
}
