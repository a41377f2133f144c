/// Bounds the work that values referenced from several places can cause, while a pickle is decoded and after.
///
/// A pickle may push one immutable value many times (`DUP`, memo `GET`): `t = (t, t)` forty times over is a
/// 90-byte pickle whose value, read as a tree, has 2⁴⁰ nodes. The reader shares the value's storage, so decoding
/// itself stays cheap, but everything that walks the value (hashing a dict key or set element, Python equality,
/// `repr`, re-encoding, a hosted method) walks the tree. CPython survives some of this by comparing objects by
/// identity first; a decoded value has no identity to compare, so the reader bounds the tree instead.
///
/// The budget is inactive until a pickle pushes a value again that is not a small scalar; a pickle without such
/// sharing (almost every pickle) is never walked. Once active, every dict key and set element is charged before it
/// is hashed, and the decoded value is charged once at the end: one unit per node, plus one per 64 bytes of a
/// `str`, `bytes` or big `int`. The pickle is refused with ``PickleError/Code/limitExceeded`` when the charges
/// exceed ``PickleLimits/maxSharedExpansion`` times the input size (at least 16 KiB), so the work any pickle can
/// cause is proportional to its size.
struct ExpansionBudget {
    /// The input size below which the budget is computed as if the input had this size.
    static let minimumInputSize = 16 * 1024
    /// Scalars no larger than this (in bytes) are cheap to push again and do not activate the budget.
    static let smallScalarBytes = 256

    /// Whether a value has been pushed again that makes walks expensive.
    private var isActive = false
    /// The units still available.
    private var remaining: Int
    /// The units the pickle was given, for the error message.
    let limit: Int

    /// A budget for an input of `inputSize` bytes.
    init(inputSize: Int, limits: PickleLimits) {
        let (limit, overflow) = Swift.max(inputSize, Self.minimumInputSize)
            .multipliedReportingOverflow(by: Swift.max(limits.maxSharedExpansion, 1))
        self.limit = overflow ? Int.max : limit
        self.remaining = self.limit
    }

    /// Activates the budget when `value`, pushed again, is more than a small scalar.
    @inline(__always)
    mutating func noteRepeated(_ value: PythonValue) {
        guard !self.isActive else { return }
        switch value {
        case .none, .bool, .int, .float, .complex, .global, .recursiveReference:
            return
        case .string(let string) where string.utf8.count <= Self.smallScalarBytes:
            return
        case .bytes(let bytes) where bytes.count <= Self.smallScalarBytes:
            return
        default:
            self.isActive = true
        }
    }

    /// Activates the budget.
    mutating func activate() {
        self.isActive = true
    }

    /// Charges a walk of `value`; `false` when the budget is exhausted. Free while the budget is inactive.
    @inline(__always)
    mutating func charge(_ value: PythonValue) -> Bool {
        guard self.isActive else { return true }
        return self.walk(value)
    }

    /// The error for an exhausted budget, at `offset`.
    func error(offset: Int) -> PickleError {
        PickleError(
            code: .limitExceeded,
            message: "the pickle repeats shared values so often that walking its value would visit more than "
                + "\(self.limit) nodes (maxSharedExpansion times its size); it is refused: send the shared values "
                + "once, or raise PickleLimits.maxSharedExpansion",
            offset: offset
        )
    }

    private mutating func spend(_ units: Int) -> Bool {
        self.remaining -= Swift.min(units, self.remaining)
        return self.remaining > 0
    }

    private mutating func walk(_ value: PythonValue) -> Bool {
        switch value {
        case .none, .bool, .int, .float, .complex, .global, .recursiveReference:
            return self.spend(1)
        case .bigInt(let big):
            return self.spend(1 + big.bitWidth / 512)
        case .string(let string):
            return self.spend(1 + string.utf8.count / 64)
        case .surrogateString(let bytes), .bytes(let bytes), .byteArray(let bytes):
            return self.spend(1 + bytes.count / 64)
        case .tuple(let elements), .list(let elements):
            guard self.spend(1) else { return false }
            for element in elements where !self.walk(element) { return false }
            return true
        case .dict(let dict):
            guard self.spend(1) else { return false }
            for (key, element) in dict.storage where !self.walk(key) || !self.walk(element) { return false }
            return true
        case .set(let set), .frozenSet(let set):
            guard self.spend(1) else { return false }
            for element in set.elements where !self.walk(element) { return false }
            return true
        case .object(let object):
            guard self.spend(1), self.walk(object.construction) else { return false }
            for element in object.appendedItems where !self.walk(element) { return false }
            for item in object.setItems where !self.walk(item.key) || !self.walk(item.value) { return false }
            for state in object.states where !self.walk(state) { return false }
            return true
        case .proxy:
            return self.spend(4)
        case .persistentID(let inner):
            return self.spend(1) && self.walk(inner)
        case .shared(_, let inner):
            return self.walk(inner)
        }
    }

    private mutating func walk(_ construction: PythonObject.Construction) -> Bool {
        switch construction {
        case .reduce(let callable, let arguments), .newObject(let callable, let arguments):
            return self.walk(callable) && self.walk(arguments)
        case .newObjectEx(let cls, let arguments, let keywords):
            return self.walk(cls) && self.walk(arguments) && self.walk(keywords)
        case .instance(_, let arguments):
            for argument in arguments where !self.walk(argument) { return false }
            return true
        case .object(let cls, let arguments):
            guard self.walk(cls) else { return false }
            for argument in arguments where !self.walk(argument) { return false }
            return true
        }
    }
}
