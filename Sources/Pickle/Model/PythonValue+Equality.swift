public import BigInt

extension PythonValue: Equatable {
    /// Python's `==`.
    ///
    /// - Numbers compare by mathematical value across `bool`, `int`, `float` and `complex`, exactly (an `int` is
    ///   never rounded to a `float`): `1 == 1.0 == True == (1+0j)`, `0.0 == -0.0`, `2**53 + 1 != float(2**53 + 1)`.
    /// - NaN is unequal to everything, itself included.
    /// - `str` never equals `bytes`; `bytes` equals `bytearray` with the same content; `tuple` never equals
    ///   `list`; `set` equals `frozenset` with the same elements; dicts compare by items in any order.
    /// - Opaque objects compare structurally (same construction, items and state): this matches dataclasses and
    ///   value-like classes; Python's default identity comparison cannot be reproduced across messages.
    /// - ``shared(_:_:)`` wrappers are looked through.
    public static func == (lhs: PythonValue, rhs: PythonValue) -> Bool {
        // The common case of dict keys, without copying both values into a tuple first.
        if case .string(let a) = lhs {
            if case .string(let b) = rhs { return utf8Equal(a, b) }
        }
        switch (lhs, rhs) {
        case (.shared(_, let inner), _): return inner == rhs
        case (_, .shared(_, let inner)): return lhs == inner
        case (.none, .none): return true
        // Numbers of one kind, and int against float, without converting to `PythonNumber` (a float beyond
        // `Int`'s range would become a `BigInt`).
        case (.int(let a), .int(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.int(let a), .float(let b)), (.float(let b), .int(let a)): return Int(exactly: b) == a
        // Python compares code points; Swift's `String ==` would also equate canonically equivalent strings.
        case (.string(let a), .string(let b)): return utf8Equal(a, b)
        case (.surrogateString(let a), .surrogateString(let b)): return a == b
        case (.string(let a), .surrogateString(let b)), (.surrogateString(let b), .string(let a)):
            var a = a
            return a.withUTF8 { $0.elementsEqual(b) }
        case (.bytes(let a), .bytes(let b)), (.bytes(let a), .byteArray(let b)),
            (.byteArray(let a), .bytes(let b)), (.byteArray(let a), .byteArray(let b)):
            return a == b
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): return a == b
        case (.dict(let a), .dict(let b)): return a == b
        case (.set(let a), .set(let b)), (.set(let a), .frozenSet(let b)),
            (.frozenSet(let a), .set(let b)), (.frozenSet(let a), .frozenSet(let b)):
            return a == b
        case (.global(let a), .global(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        case (.proxy(let a), .proxy(let b)): return a == b
        case (.persistentID(let a), .persistentID(let b)): return a == b
        case (.recursiveReference(let a), .recursiveReference(let b)): return a == b
        default:
            guard let a = PythonNumber(lhs), let b = PythonNumber(rhs) else { return false }
            return a == b
        }
    }
}

/// Whether two strings have the same UTF-8 bytes (Python's `str` equality; Swift's `==` would also equate
/// canonically equivalent strings).
@inline(__always)
func utf8Equal(_ lhs: String, _ rhs: String) -> Bool {
    // The same representation (one small string, or one storage) is the same bytes: the usual case for keys
    // that a pickle fetches from its memo.
    if identicalRepresentation(lhs, rhs) { return true }
    guard lhs.utf8.count == rhs.utf8.count else { return false }
    var lhs = lhs
    var rhs = rhs
    return lhs.withUTF8 { left in
        rhs.withUTF8 { right in bytesEqual(UnsafeRawBufferPointer(left), UnsafeRawBufferPointer(right)) }
    }
}

/// Whether the two strings' in-line representations are bit for bit the same.
@inline(__always)
private func identicalRepresentation(_ lhs: String, _ rhs: String) -> Bool {
    withUnsafeBytes(of: lhs) { left in withUnsafeBytes(of: rhs) { right in bytesEqual(left, right) } }
}

/// Whether two buffers of the same length hold the same bytes, compared a word at a time.
@inline(__always)
private func bytesEqual(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset &+ 8 <= left.count {
        guard left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        else { return false }
        offset &+= 8
    }
    while offset < left.count {
        guard left[offset] == right[offset] else { return false }
        offset &+= 1
    }
    return true
}

extension PythonValue: Hashable {
    /// A hash consistent with Python equality: equal numbers of any numeric type hash alike, `bytes` and
    /// `bytearray` with the same content hash alike, sets and dicts hash independently of order.
    ///
    /// Every value can be hashed here, including the ones Python calls unhashable; use ``isHashable`` to apply
    /// Python's rule before using a value as a key (``PythonDict`` and ``PythonSet`` do).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .shared(_, let inner):
            inner.hash(into: &hasher)
        case .none:
            hasher.combine(0 as UInt8)
        case .bool, .int, .bigInt, .float, .complex:
            // `PythonNumber` exists for every numeric case.
            PythonNumber(self)?.hash(into: &hasher)
        case .string(let string):
            // By UTF-8 bytes, like equality, and alike for a `surrogateString` with the same bytes.
            var string = string
            string.withUTF8 { utf8 in
                hasher.combine(2 as UInt8)
                hasher.combine(utf8.count)
                hasher.combine(bytes: UnsafeRawBufferPointer(utf8))
            }
        case .surrogateString(let bytes):
            bytes.withUnsafeBytes { raw in
                hasher.combine(2 as UInt8)
                hasher.combine(raw.count)
                hasher.combine(bytes: raw)
            }
        case .bytes(let bytes), .byteArray(let bytes):
            hasher.combine(4 as UInt8)
            hasher.combine(bytes)
        case .tuple(let elements):
            hasher.combine(5 as UInt8)
            hasher.combine(elements)
        case .list(let elements):
            hasher.combine(6 as UInt8)
            hasher.combine(elements)
        case .dict(let dict):
            hasher.combine(7 as UInt8)
            hasher.combine(dict)
        case .set(let set), .frozenSet(let set):
            hasher.combine(8 as UInt8)
            hasher.combine(set)
        case .global(let global):
            hasher.combine(9 as UInt8)
            hasher.combine(global)
        case .object(let object):
            hasher.combine(10 as UInt8)
            hasher.combine(object)
        case .proxy(let proxy):
            hasher.combine(11 as UInt8)
            hasher.combine(proxy)
        case .persistentID(let id):
            hasher.combine(12 as UInt8)
            hasher.combine(id)
        case .recursiveReference(let identity):
            hasher.combine(13 as UInt8)
            hasher.combine(identity)
        }
    }

    /// Whether Python can use this value as a dict key or set element.
    ///
    /// `list`, `dict`, `set` and `bytearray` are unhashable, and so is a tuple that contains one.
    public var isHashable: Bool {
        switch self {
        case .list, .dict, .set, .byteArray: return false
        case .tuple(let elements): return elements.allSatisfy(\.isHashable)
        case .shared(_, let inner): return inner.isHashable
        default: return true
        }
    }
}

extension PythonObject: Equatable, Hashable {
    /// Structural equality: the same construction, items and states.
    public static func == (lhs: PythonObject, rhs: PythonObject) -> Bool {
        lhs.construction == rhs.construction && lhs.appendedItems == rhs.appendedItems
            && lhs.setItems == rhs.setItems
            && lhs.states == rhs.states
    }

    /// A hash consistent with ``==(_:_:)``, of the whole structure: objects of one class that differ only in their
    /// arguments or state must not collide, or a set of many of them would take quadratic time.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.construction)
        hasher.combine(self.appendedItems)
        hasher.combine(self.setItems)
        hasher.combine(self.states)
    }
}

extension PythonObject.Construction: Hashable {
    /// A hash consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .reduce(let callable, let arguments):
            hasher.combine(0 as UInt8)
            hasher.combine(callable)
            hasher.combine(arguments)
        case .newObject(let cls, let arguments):
            hasher.combine(1 as UInt8)
            hasher.combine(cls)
            hasher.combine(arguments)
        case .newObjectEx(let cls, let arguments, let keywords):
            hasher.combine(2 as UInt8)
            hasher.combine(cls)
            hasher.combine(arguments)
            hasher.combine(keywords)
        case .instance(let cls, let arguments):
            hasher.combine(3 as UInt8)
            hasher.combine(cls)
            hasher.combine(arguments)
        case .object(let cls, let arguments):
            hasher.combine(4 as UInt8)
            hasher.combine(cls)
            hasher.combine(arguments)
        }
    }

    /// Structural equality of two constructions.
    public static func == (lhs: PythonObject.Construction, rhs: PythonObject.Construction) -> Bool {
        switch (lhs, rhs) {
        case (.reduce(let c1, let a1), .reduce(let c2, let a2)): return c1 == c2 && a1 == a2
        case (.newObject(let c1, let a1), .newObject(let c2, let a2)): return c1 == c2 && a1 == a2
        case (.newObjectEx(let c1, let a1, let k1), .newObjectEx(let c2, let a2, let k2)):
            return c1 == c2 && a1 == a2 && k1 == k2
        case (.instance(let c1, let a1), .instance(let c2, let a2)): return c1 == c2 && a1 == a2
        case (.object(let c1, let a1), .object(let c2, let a2)): return c1 == c2 && a1 == a2
        default: return false
        }
    }
}

/// A number reduced to the form in which Python compares it.
@usableFromInline
internal enum PythonNumber: Hashable {
    /// An exact integer (from `bool`, `int`, or an integral finite `float` or real `complex`).
    case integer(BigInt)
    /// A small exact integer (fast path of ``integer(_:)``; never holds a value `integer` would).
    case small(Int)
    /// An integral finite `float` outside `Int`'s range, kept as a `Double`: it compares and hashes as the integer
    /// it is, without the allocation of converting it to a `BigInt`.
    case largeIntegral(Double)
    /// A real number that is not an integer (non-integral, infinite).
    case real(Double)
    /// NaN, or a complex with a NaN part: equal to nothing. Hashes by the bit patterns of its parts, which the
    /// reader makes distinct for every NaN it reads (``NaNTags``), so NaN keys spread over a table.
    case nan(UInt64)
    /// A complex number with a non-zero imaginary part.
    case complex(Double, Double)

    @usableFromInline
    init?(_ value: PythonValue) {
        switch value {
        case .bool(let flag): self = .small(flag ? 1 : 0)
        case .int(let int): self = .small(int)
        case .bigInt(let big):
            // A `bigInt` built directly (not through `PythonValue.integer`) may hold a value that fits in `Int`.
            if let small = Int(exactly: big) {
                self = .small(small)
            } else {
                self = .integer(big)
            }
        case .float(let double): self.init(real: double)
        case .complex(let real, let imaginary):
            if imaginary.isNaN || real.isNaN {
                self = .nan(real.bitPattern ^ (imaginary.bitPattern << 1 | imaginary.bitPattern >> 63))
            } else if imaginary == 0 {
                self.init(real: real)
            } else {
                self = .complex(real, imaginary)
            }
        case .shared(_, let inner): self.init(inner)
        default: return nil
        }
    }

    init(real double: Double) {
        if double.isNaN {
            self = .nan(double.bitPattern)
        } else if double.isFinite, double == double.rounded(.towardZero) {
            if let small = Int(exactly: double) {
                self = .small(small)
            } else {
                self = .largeIntegral(double)
            }
        } else {
            self = .real(double)
        }
    }

    @usableFromInline
    static func == (lhs: PythonNumber, rhs: PythonNumber) -> Bool {
        switch (lhs, rhs) {
        case (.small(let a), .small(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.largeIntegral(let a), .largeIntegral(let b)): return a == b
        case (.largeIntegral(let double), .integer(let big)), (.integer(let big), .largeIntegral(let double)):
            return BigInt(exactly: double) == big
        // `small` and `integer` never hold the same value: `integer` is only used outside `Int`'s range.
        case (.real(let a), .real(let b)): return a == b
        case (.complex(let a1, let a2), .complex(let b1, let b2)): return a1 == b1 && a2 == b2
        default: return false
        }
    }

    @usableFromInline
    func hash(into hasher: inout Hasher) {
        switch self {
        case .small(let int):
            hasher.combine(1 as UInt8)
            hasher.combine(int)
        case .integer(let big):
            // As (sign, trailing zero bits, odd part), the form `largeIntegral` can produce without a `BigInt`.
            hasher.combine(1 as UInt8)
            hasher.combine(big.sign == .minus)
            let zeros = big.magnitude.trailingZeroBitCount
            hasher.combine(zeros)
            let odd = big.magnitude >> zeros
            if odd.bitWidth <= 64 {
                hasher.combine(UInt64(odd))
            } else {
                hasher.combine(odd)
            }
        case .largeIntegral(let double):
            // `double` is normal and at least 2^63: significand × 2^(exponent − 52) with a positive shift.
            hasher.combine(1 as UInt8)
            hasher.combine(double.sign == .minus)
            let significand = double.significandBitPattern | (1 << 52)
            let zeros = significand.trailingZeroBitCount
            hasher.combine(Int(double.exponent) - 52 + zeros)
            hasher.combine(significand >> zeros)
        case .real(let double):
            hasher.combine(1 as UInt8)
            hasher.combine(double)
        case .nan(let bits):
            hasher.combine(14 as UInt8)
            hasher.combine(bits)
        case .complex(let real, let imaginary):
            hasher.combine(1 as UInt8)
            hasher.combine(real)
            hasher.combine(imaginary)
        }
    }
}
