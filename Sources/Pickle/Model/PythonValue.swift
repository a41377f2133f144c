public import BigInt

/// A Python object as it travels in a pickle: the value model of this package.
///
/// `PythonValue` has value semantics: containers are Swift arrays and ordered hash tables, copied on write,
/// so a value can be handed between threads and stored without aliasing surprises. What Python expresses
/// through object identity is kept as data:
///
/// - an object that a pickle references more than once is wrapped in ``shared(_:_:)`` with an identity that is
///   unique within that value, so re-encoding writes it once and references it again (aliasing survives a
///   round trip);
/// - a container that contains itself holds a ``recursiveReference(_:)`` to the enclosing ``shared(_:_:)``.
///
/// Everything that is not one of Python's built-in data types is carried opaquely: a global reference
/// (``global(_:)``), an object built by `REDUCE`, `NEWOBJ`, `NEWOBJ_EX`, `INST` or `OBJ` together with the
/// state and items applied to it (``object(_:)``), or a persistent id. Opaque values are never resolved to code
/// or instantiated; they re-encode to the same pickle opcodes, so a Python client's own objects come back as the
/// same class with the same state.
///
/// Equality and hashing follow Python's rules (`1 == 1.0 == True`, `0.0 == -0.0`, NaN unequal to itself, `str`
/// never equal to `bytes`); see ``PythonValue/==(_:_:)``.
public enum PythonValue: Sendable {
    /// `None`.
    case none
    /// `True` or `False`.
    case bool(Bool)
    /// An `int` that fits in a Swift `Int`.
    case int(Int)
    /// An `int` outside the range of `Int`. Use ``integer(_:)`` to build one; it normalises to ``int(_:)``.
    indirect case bigInt(BigInt)
    /// A `float` (IEEE-754 double).
    case float(Double)
    /// A `complex`.
    case complex(real: Double, imaginary: Double)
    /// A `str` that is valid Unicode.
    case string(String)
    /// A `str` that contains lone surrogates, kept as its `surrogatepass` UTF-8 encoding (as pickles carry it).
    case surrogateString([UInt8])
    /// A `bytes` object.
    case bytes([UInt8])
    /// A `bytearray` object.
    case byteArray([UInt8])
    /// A `tuple`.
    case tuple([PythonValue])
    /// A `list`.
    case list([PythonValue])
    /// A `dict`, in insertion order.
    ///
    /// Boxed (like ``global(_:)``), so that every case fits in 16 bytes: lists, tuples and dicts store their
    /// elements at 24 bytes each instead of 40.
    indirect case dict(PythonDict)
    /// A `set`.
    case set(PythonSet)
    /// A `frozenset`.
    case frozenSet(PythonSet)
    /// A reference to a module-level name (a class or function), never resolved.
    indirect case global(PythonGlobal)
    /// An instance of a class this package does not model, kept with everything needed to re-create it.
    indirect case object(PythonObject)
    /// A manager proxy: `RebuildProxy(func, Token(typeid, address, id), serializer, kwds)`.
    indirect case proxy(PythonProxyReference)
    /// A persistent id (`PERSID`, `BINPERSID`), carried opaquely.
    indirect case persistentID(PythonValue)
    /// A value referenced more than once in its pickle; the identity is unique within the enclosing value.
    indirect case shared(PythonIdentity, PythonValue)
    /// A back-reference to an enclosing ``shared(_:_:)`` value with this identity (a container that contains itself).
    case recursiveReference(PythonIdentity)
}

extension PythonValue {
    /// An `int` of any size, stored as ``int(_:)`` when it fits in `Int`.
    public static func integer(_ value: BigInt) -> PythonValue {
        if let small = Int(exactly: value) {
            return .int(small)
        }
        return .bigInt(value)
    }

    /// A `str`; strings that contain lone surrogates use ``surrogateString(_:)``.
    public static func str(_ value: String) -> PythonValue {
        .string(value)
    }

    /// The value with any ``shared(_:_:)`` wrapper removed.
    ///
    /// Code that inspects a value's kind should look through the wrapper; code that stores and re-sends a value
    /// should keep it, so aliasing survives.
    @inlinable
    public var unwrapped: PythonValue {
        var value = self
        while case .shared(_, let inner) = value {
            value = inner
        }
        return value
    }

    /// The Python type name, as Python's error messages spell it (`int`, `str`, `NoneType`, `list`, …).
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .complex: return "complex"
        case .string, .surrogateString: return "str"
        case .bytes: return "bytes"
        case .byteArray: return "bytearray"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .set: return "set"
        case .frozenSet: return "frozenset"
        case .global(let global): return global.name.split(separator: ".").last.map(String.init) ?? global.name
        case .object(let object): return object.className
        case .proxy(let proxy): return proxy.proxyType.name
        case .persistentID: return "object"
        case .shared(_, let inner): return inner.typeName
        case .recursiveReference: return "object"
        }
    }

    /// The `str` payload, if this is a `str` that is valid Unicode.
    public var stringValue: String? {
        if case .string(let string) = self.unwrapped { return string }
        return nil
    }

    /// The integer value of an `int` or `bool` (Python's `operator.index` for built-in types), if it fits in `Int`.
    public var intValue: Int? {
        switch self.unwrapped {
        case .int(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }

    /// The numeric value of an `int`, `bool` or `float` as a `Double` (Python's `float(x)` for those types).
    public var doubleValue: Double? {
        switch self.unwrapped {
        case .int(let value): return Double(value)
        case .bigInt(let value): return Double(value)
        case .bool(let value): return value ? 1 : 0
        case .float(let value): return value
        default: return nil
        }
    }

    /// The elements of a `tuple` or `list`.
    public var sequenceElements: [PythonValue]? {
        switch self.unwrapped {
        case .tuple(let elements), .list(let elements): return elements
        default: return nil
        }
    }

    /// Whether this value is `None`.
    public var isNone: Bool {
        if case .none = self.unwrapped { return true }
        return false
    }
}

extension PythonValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral
{
    /// `None`.
    public init(nilLiteral: ()) { self = .none }
    /// A `bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An `int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A `float`.
    public init(floatLiteral value: Double) { self = .float(value) }
    /// A `str`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A `list`.
    public init(arrayLiteral elements: PythonValue...) { self = .list(elements) }
}
