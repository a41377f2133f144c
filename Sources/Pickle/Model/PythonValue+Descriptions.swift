// Python's repr() and str() of values, as CPython 3.11 prints them.

import BigInt

extension PythonValue: CustomStringConvertible {
    /// Python's `repr(value)`, exactly as CPython 3.11 prints it for Python's built-in types.
    ///
    /// - Numbers: `True`, `42`, floats in Python's shortest round-trip form (`1.0`, `1e-05`, `1e+16`, `inf`, `nan`,
    ///   `-0.0`), complex numbers as `(1+2j)`, `1j`, `(-0-1j)`.
    /// - `str` and `bytes` with Python's quote choice and escapes; printability follows Python 3.11's Unicode
    ///   database (Unicode 14.0), so characters assigned later are escaped as Python 3.11 escapes them. Lone
    ///   surrogates print as `\ud800`.
    /// - Containers: `()`, `(1,)`, `[1, 2]`, `{'a': 1}`, `{1, 2}`, `set()`, `frozenset({1})`,
    ///   `bytearray(b'..')`. A container that contains itself prints `[...]`, `{...}`, `(...)` or `set(...)` at
    ///   the point of recursion, as CPython does (`[[...]]`, `{'x': {...}}`).
    ///
    /// Opaque values print as Python prints the well-known shapes, and structurally otherwise:
    /// - exceptions (a `builtins` or `*Error`/`*Exception`/`*Warning` class, `queue.Empty`, `queue.Full`,
    ///   `queue.ShutDown` applied to its args): `KeyError('x')`, `ValueError('a', 1)`, `Empty()`;
    /// - `slice(1, 3, None)`, `range(0, 5)`, `range(0, 5, 2)`;
    /// - `OrderedDict([('a', 1)])`, `defaultdict(<class 'list'>, {'a': 1})`, `deque([1, 2], maxlen=5)`,
    ///   `Counter({'a': 2})`;
    /// - `array('i', [1, 2])`, `array('u', 'ab')`, `array('d')`, from either pickled form of `array.array`;
    /// - manager proxies: `<DictProxy object, typeid 'dict', id '7f0c', address '/tmp/x'>` (Python's own repr
    ///   names a client-local memory address, which means nothing here);
    /// - globals: `<class 'list'>` for the built-in types, `<global module.name>` for anything else (a global
    ///   may name a class or a function; which one is unknowable without resolving it);
    /// - any other object: `<module.Class object>` followed by what built it and the data applied to it, each
    ///   as `; name=repr`: `new_args=(…)` and `new_kwargs={…}` for `NEWOBJ`/`NEWOBJ_EX` arguments,
    ///   `init_args=(…)` for `INST`/`OBJ`, `state=…` for each `BUILD`, `items=[…]` for appended items and
    ///   `setitems={k: v}` for set items. An object made by `REDUCE` prints its call instead of its class:
    ///   `<datetime.datetime(b'\x07\xe8…') object>` (`copyreg._reconstructor(cls, object, None)` prints as `cls`).
    ///   Example: `<__main__.Point object; state={'x': 1}>`;
    /// - persistent ids: `<persistent id 'x'>`.
    ///
    /// An `int` of more than ``PythonIntegerString/maxDigits`` decimal digits, which CPython refuses to convert,
    /// prints cheaply without conversion as `<int of N bits>` (`-<int of N bits>` when negative): this form is
    /// for logs and debugging. Text that goes to a client must come from ``checkedRepr()``, which raises as
    /// CPython does.
    public var repr: String {
        var printer = PythonReprPrinter()
        return printer.repr(self)
    }

    /// Python's `str(value)`: the text itself for a `str`, the message for an exception, `repr` otherwise.
    ///
    /// Lone surrogates in a ``surrogateString(_:)`` become U+FFFD, since a Swift `String` cannot hold them.
    /// An exception gives Python's `str(exc)`: empty without args, `str(arg)` for one argument (`repr(arg)` for a
    /// `KeyError`), the args tuple's repr otherwise. An `int` beyond ``PythonIntegerString/maxDigits`` digits
    /// prints as in ``repr``, unconverted; use ``checkedStr()`` for text that goes to a client.
    public var str: String {
        var printer = PythonReprPrinter()
        return printer.str(self)
    }

    /// Python's `repr(value)`, raising as CPython does when an `int` in the value is too long to convert.
    ///
    /// - Returns: The same text as ``repr``.
    /// - Throws: CPython's `ValueError` (``PythonIntegerString/conversionToTextError``) when any `int` in the
    ///   value has more than ``PythonIntegerString/maxDigits`` decimal digits; no such `int` is converted.
    public func checkedRepr() throws(PythonException) -> String {
        var printer = PythonReprPrinter(checksIntegerDigits: true)
        let text = printer.repr(self)
        if printer.exceededIntegerDigits { throw PythonIntegerString.conversionToTextError }
        return text
    }

    /// Python's `str(value)`, raising as CPython does when an `int` in the value is too long to convert.
    ///
    /// - Returns: The same text as ``str``.
    /// - Throws: CPython's `ValueError` (``PythonIntegerString/conversionToTextError``) when any `int` printed
    ///   has more than ``PythonIntegerString/maxDigits`` decimal digits; no such `int` is converted.
    public func checkedStr() throws(PythonException) -> String {
        var printer = PythonReprPrinter(checksIntegerDigits: true)
        let text = printer.str(self)
        if printer.exceededIntegerDigits { throw PythonIntegerString.conversionToTextError }
        return text
    }

    /// Python's `repr(value)`; see ``repr``.
    public var description: String { self.repr }
}

extension Double {
    /// Python's `repr(float)`: the shortest digits that round-trip, in CPython's `float_repr_style='short'` layout.
    ///
    /// Fixed notation while the decimal exponent is in `-4..<16` (with `.0` when integral), exponent notation
    /// otherwise (`1e-05`, `1.5e+300`); `inf`, `-inf`, `nan`.
    package var pythonRepr: String {
        PythonText.formatFloat(self, addDotZero: true, alwaysSign: false)
    }
}

/// Text formatting helpers shared by `repr`, `str` and ordering.
package enum PythonText {
    /// Formats a double as CPython's `PyOS_double_to_string(x, 'r', 0, flags)`.
    ///
    /// - Parameters:
    ///   - value: The number.
    ///   - addDotZero: Whether an integral value in fixed notation gets `.0` (true for `float`, false inside
    ///     `complex`).
    ///   - alwaysSign: Whether a `+` precedes non-negative values (the imaginary part of a complex).
    package static func formatFloat(_ value: Double, addDotZero: Bool, alwaysSign: Bool) -> String {
        if value.isNaN {
            return alwaysSign ? "+nan" : "nan"
        }
        let sign = value.sign == .minus ? "-" : (alwaysSign ? "+" : "")
        if value.isInfinite {
            return sign + "inf"
        }
        // Swift's description holds the shortest round-trip digits; only the layout differs from Python's.
        var (digits, decimalPoint) = Self.shortestDigits(of: value.magnitude)
        if digits.isEmpty {
            digits = [UInt8(ascii: "0")]
            decimalPoint = 1
        }
        let exponent = decimalPoint - 1
        var text = ""
        if exponent >= -4 && exponent < 16 {
            if decimalPoint <= 0 {
                text = "0." + String(repeating: "0", count: -decimalPoint) + Self.ascii(digits)
            } else if decimalPoint >= digits.count {
                text = Self.ascii(digits) + String(repeating: "0", count: decimalPoint - digits.count)
                if addDotZero {
                    text += ".0"
                }
            } else {
                text = Self.ascii(digits[..<decimalPoint]) + "." + Self.ascii(digits[decimalPoint...])
            }
        } else {
            text = Self.ascii(digits[..<1])
            if digits.count > 1 {
                text += "." + Self.ascii(digits[1...])
            }
            let magnitude = String(abs(exponent))
            text += (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        return sign + text
    }

    /// The shortest round-trip decimal digits of a finite non-negative double, without leading or trailing zeros,
    /// and the position of the decimal point relative to the first digit (`0.05` → `("5", -1)`).
    private static func shortestDigits(of value: Double) -> (digits: [UInt8], decimalPoint: Int) {
        let text = Array(value.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else {
                digits.append(byte)
                if !seenPoint { integerDigits += 1 }
            }
        }
        var decimalPoint = integerDigits + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
        }
        return (digits, decimalPoint)
    }

    private static func ascii(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The code points of a `surrogatepass` UTF-8 string: well-formed UTF-8 plus 3-byte encodings of U+D800–U+DFFF.
    ///
    /// Malformed bytes (which a pickle reader should already have refused) decode as U+FFFD.
    package static func codePoints(ofSurrogateUTF8 bytes: [UInt8]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        func continuation(_ offset: Int) -> UInt32? {
            let position = index + offset
            guard position < bytes.count, bytes[position] & 0xC0 == 0x80 else { return nil }
            return UInt32(bytes[position] & 0x3F)
        }
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                result.append(UInt32(lead))
                index += 1
            } else if lead & 0xE0 == 0xC0, let c1 = continuation(1) {
                result.append(UInt32(lead & 0x1F) << 6 | c1)
                index += 2
            } else if lead & 0xF0 == 0xE0, let c1 = continuation(1), let c2 = continuation(2) {
                result.append(UInt32(lead & 0x0F) << 12 | c1 << 6 | c2)
                index += 3
            } else if lead & 0xF8 == 0xF0, let c1 = continuation(1), let c2 = continuation(2),
                let c3 = continuation(3)
            {
                result.append(UInt32(lead & 0x07) << 18 | c1 << 12 | c2 << 6 | c3)
                index += 4
            } else {
                result.append(0xFFFD)
                index += 1
            }
        }
        return result
    }

    /// Whether Python 3.11's `str.isprintable` holds for this code point.
    ///
    /// Not printable: categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (except the ASCII space). Code points assigned
    /// after Unicode 14.0 (the database of Python 3.11) count as unassigned.
    package static func isPrintable(_ codePoint: UInt32) -> Bool {
        if codePoint == 0x20 {
            return true
        }
        guard let scalar = Unicode.Scalar(codePoint) else {
            return false
        }
        let properties = scalar.properties
        guard let age = properties.age, age.major < 14 || (age.major == 14 && age.minor == 0) else {
            return false
        }
        switch properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// Python's `repr(str)` of the given code points.
    package static func stringRepr(_ codePoints: some Sequence<UInt32>) -> String {
        let points = Array(codePoints)
        let single = UInt32(UInt8(ascii: "'"))
        let double = UInt32(UInt8(ascii: "\""))
        let quote: UInt32 = points.contains(single) && !points.contains(double) ? double : single
        var result = String.UnicodeScalarView()
        func append(_ text: String) { result.append(contentsOf: text.unicodeScalars) }
        append(quote == single ? "'" : "\"")
        for point in points {
            switch point {
            case quote, 0x5C:
                append("\\")
                result.append(Unicode.Scalar(UInt8(point)))
            case 0x09: append("\\t")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0..<0x20, 0x7F: append("\\x" + Self.hex(point, width: 2))
            case 0x20..<0x7F: result.append(Unicode.Scalar(UInt8(point)))
            default:
                if Self.isPrintable(point), let scalar = Unicode.Scalar(point) {
                    result.append(scalar)
                } else if point <= 0xFF {
                    append("\\x" + Self.hex(point, width: 2))
                } else if point <= 0xFFFF {
                    append("\\u" + Self.hex(point, width: 4))
                } else {
                    append("\\U" + Self.hex(point, width: 8))
                }
            }
        }
        append(quote == single ? "'" : "\"")
        return String(result)
    }

    /// Python's `repr(bytes)`: `b'...'`.
    ///
    /// - Parameter escapingSingleQuotes: Whether `'` is escaped even inside double quotes, as `bytearray`'s
    ///   repr does (`bytearray(b"\'x")`).
    package static func bytesRepr(_ bytes: [UInt8], escapingSingleQuotes: Bool = false) -> String {
        let quote: UInt8 = bytes.contains(UInt8(ascii: "'")) && !bytes.contains(UInt8(ascii: "\"")) ? 0x22 : 0x27
        var result: [UInt8] = [UInt8(ascii: "b"), quote]
        for byte in bytes {
            switch byte {
            case quote, 0x5C: result += [0x5C, byte]
            case 0x27 where escapingSingleQuotes: result += [0x5C, byte]
            case 0x09: result += Array("\\t".utf8)
            case 0x0A: result += Array("\\n".utf8)
            case 0x0D: result += Array("\\r".utf8)
            case 0x20..<0x7F: result.append(byte)
            default: result += Array(("\\x" + Self.hex(UInt32(byte), width: 2)).utf8)
            }
        }
        result.append(quote)
        return String(decoding: result, as: UTF8.self)
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Walks a value to build its `repr`, tracking the containers being printed so self-references print as
/// CPython's `[...]`.
struct PythonReprPrinter {
    /// Nesting deeper than this prints `...` instead of recursing further (CPython raises `RecursionError`).
    static let maximumDepth = 400

    /// The ``PythonValue/shared(_:_:)`` values currently being printed, by identity, unwrapped.
    private var active: [PythonIdentity: PythonValue] = [:]
    private var depth = 0
    /// Whether an `int` beyond ``PythonIntegerString/maxDigits`` stops printing (for ``PythonValue/checkedRepr()``)
    /// instead of printing as `<int of N bits>`.
    private let checksIntegerDigits: Bool
    /// Whether printing met an `int` beyond the limit while ``checksIntegerDigits`` is set; the text is then void.
    private(set) var exceededIntegerDigits = false

    /// A printer; with `checksIntegerDigits`, a too-long `int` sets ``exceededIntegerDigits`` and ends printing.
    init(checksIntegerDigits: Bool = false) {
        self.checksIntegerDigits = checksIntegerDigits
    }

    /// Python's `str(value)`; see ``PythonValue/str``.
    mutating func str(_ value: PythonValue) -> String {
        switch value.unwrapped {
        case .string(let string):
            return string
        case .surrogateString(let bytes):
            let scalars = PythonText.codePoints(ofSurrogateUTF8: bytes).map { Unicode.Scalar($0) ?? "\u{FFFD}" }
            return String(String.UnicodeScalarView(scalars))
        case .object:
            if let exception = Self.exception(value) {
                switch exception.arguments.count {
                case 0: return ""
                case 1:
                    let argument = exception.arguments[0]
                    return exception.type.name == "KeyError" ? self.repr(argument) : self.str(argument)
                default: return self.repr(.tuple(exception.arguments))
                }
            }
            return self.repr(value)
        default:
            return self.repr(value)
        }
    }

    mutating func repr(_ value: PythonValue) -> String {
        if self.exceededIntegerDigits { return "" }
        switch value {
        case .shared(let identity, let inner):
            if let target = self.active[identity] {
                return Self.recursionMarker(target)
            }
            self.active[identity] = inner.unwrapped
            defer { self.active[identity] = nil }
            return self.repr(inner)
        case .recursiveReference(let identity):
            return self.active[identity].map(Self.recursionMarker) ?? "..."
        default:
            break
        }
        guard self.depth < Self.maximumDepth else { return "..." }
        self.depth += 1
        defer { self.depth -= 1 }
        switch value {
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let int): return String(int)
        case .bigInt(let big): return self.integerRepr(big)
        case .float(let double): return double.pythonRepr
        case .complex(let real, let imaginary): return Self.complexRepr(real: real, imaginary: imaginary)
        case .string(let string): return PythonText.stringRepr(string.unicodeScalars.lazy.map(\.value))
        case .surrogateString(let bytes): return PythonText.stringRepr(PythonText.codePoints(ofSurrogateUTF8: bytes))
        case .bytes(let bytes): return PythonText.bytesRepr(bytes)
        case .byteArray(let bytes): return "bytearray(\(PythonText.bytesRepr(bytes, escapingSingleQuotes: true)))"
        case .tuple(let elements):
            if elements.count == 1 {
                return "(\(self.repr(elements[0])),)"
            }
            return "(\(self.joined(elements)))"
        case .list(let elements): return "[\(self.joined(elements))]"
        case .dict(let dict): return self.dictRepr(dict.items)
        case .set(let set): return set.isEmpty ? "set()" : "{\(self.joined(set.elements))}"
        case .frozenSet(let set): return set.isEmpty ? "frozenset()" : "frozenset({\(self.joined(set.elements))})"
        case .global(let global): return Self.globalRepr(global)
        case .object(let object): return self.objectRepr(object, whole: value)
        case .proxy(let proxy): return self.proxyRepr(proxy)
        case .persistentID(let id): return "<persistent id \(self.repr(id))>"
        case .shared, .recursiveReference: return "..."
        }
    }

    /// The decimal text of `big`, or, beyond ``PythonIntegerString/maxDigits`` digits, no conversion at all.
    private mutating func integerRepr(_ big: BigInt) -> String {
        guard PythonIntegerString.exceedsLimit(big) else { return String(big) }
        if self.checksIntegerDigits {
            self.exceededIntegerDigits = true
            return ""
        }
        return (big.sign == .minus ? "-" : "") + "<int of \(big.magnitude.bitWidth) bits>"
    }

    private mutating func joined(_ elements: [PythonValue]) -> String {
        var parts: [String] = []
        parts.reserveCapacity(elements.count)
        for element in elements {
            parts.append(self.repr(element))
        }
        return parts.joined(separator: ", ")
    }

    private mutating func dictRepr(_ items: [(key: PythonValue, value: PythonValue)]) -> String {
        var parts: [String] = []
        parts.reserveCapacity(items.count)
        for (key, value) in items {
            parts.append("\(self.repr(key)): \(self.repr(value))")
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    private static func recursionMarker(_ target: PythonValue) -> String {
        switch target {
        case .list: return "[...]"
        case .dict: return "{...}"
        case .tuple: return "(...)"
        case .set: return "set(...)"
        case .frozenSet: return "frozenset(...)"
        default: return "..."
        }
    }

    /// CPython's `complex_repr`: no parentheses when the real part is +0, integral parts without `.0`.
    private static func complexRepr(real: Double, imaginary: Double) -> String {
        let imaginaryText: String
        if real == 0 && real.sign == .plus {
            imaginaryText = PythonText.formatFloat(imaginary, addDotZero: false, alwaysSign: false)
            return imaginaryText + "j"
        }
        let realText = PythonText.formatFloat(real, addDotZero: false, alwaysSign: false)
        imaginaryText = PythonText.formatFloat(imaginary, addDotZero: false, alwaysSign: true)
        return "(\(realText)\(imaginaryText)j)"
    }

    private static let builtinTypeNames: Set<String> = [
        "bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list", "object", "range",
        "set", "slice", "str", "tuple", "type",
    ]

    private static func globalRepr(_ global: PythonGlobal) -> String {
        if global.module == "builtins" && Self.builtinTypeNames.contains(global.name) {
            return "<class '\(global.name)'>"
        }
        return "<global \(global.module).\(global.name)>"
    }

    private mutating func proxyRepr(_ proxy: PythonProxyReference) -> String {
        var name = proxy.proxyType.name.split(separator: ".").last.map(String.init) ?? proxy.proxyType.name
        if name == "AutoProxy" {
            name += "[\(proxy.typeID)]"
        }
        let typeID = PythonText.stringRepr(proxy.typeID.unicodeScalars.lazy.map(\.value))
        let objectID = PythonText.stringRepr(proxy.objectID.unicodeScalars.lazy.map(\.value))
        return "<\(name) object, typeid \(typeID), id \(objectID), address \(self.repr(proxy.address))>"
    }

    // MARK: Opaque objects

    private static let exceptionNames: Set<String> = [
        "BaseException", "BaseExceptionGroup", "ExceptionGroup", "GeneratorExit", "KeyboardInterrupt",
        "StopAsyncIteration", "StopIteration", "SystemExit",
    ]

    /// The exception a value holds, if it has the pickled shape of one and its class looks like an exception.
    static func exception(_ value: PythonValue) -> PythonException? {
        guard let exception = PythonException(value) else { return nil }
        let type = exception.type
        let name = type.name.split(separator: ".").last.map(String.init) ?? type.name
        let looksLikeException =
            name.hasSuffix("Error") || name.hasSuffix("Exception") || name.hasSuffix("Warning")
            || (type.module == "builtins" && Self.exceptionNames.contains(name))
            || (["queue", "_queue"].contains(type.module) && ["Empty", "Full", "ShutDown"].contains(name))
        return looksLikeException ? exception : nil
    }

    private mutating func objectRepr(_ object: PythonObject, whole: PythonValue) -> String {
        if let exception = Self.exception(whole) {
            let name = exception.type.name.split(separator: ".").last.map(String.init) ?? exception.type.name
            if exception.arguments.count == 1 {
                return "\(name)(\(self.repr(exception.arguments[0])))"
            }
            return name + self.repr(.tuple(exception.arguments))
        }
        if let special = self.wellKnownRepr(object) {
            return special
        }
        return self.genericRepr(object)
    }

    /// `slice`, `range`, the `collections` containers and `array.array`, when they have the shape CPython pickles.
    private mutating func wellKnownRepr(_ object: PythonObject) -> String? {
        guard case .reduce = object.construction, let callable = object.callable, let arguments = object.arguments,
            object.states.isEmpty
        else {
            return nil
        }
        let plain = object.appendedItems.isEmpty && object.setItems.isEmpty
        switch (callable.module, callable.name) {
        case ("builtins", "slice") where plain && arguments.count == 3:
            return "slice(\(self.joined(arguments)))"
        case ("builtins", "range") where plain && arguments.count == 3:
            let step = arguments[2]
            return step == .int(1) && step.intValue != nil
                ? "range(\(self.joined(Array(arguments[..<2]))))" : "range(\(self.joined(arguments)))"
        case ("collections", "OrderedDict") where object.appendedItems.isEmpty && arguments.isEmpty:
            if object.setItems.isEmpty {
                return "OrderedDict()"
            }
            return "OrderedDict(\(self.repr(.list(object.setItems.map { .tuple([$0.key, $0.value]) }))))"
        case ("collections", "defaultdict") where object.appendedItems.isEmpty && arguments.count <= 1:
            let factory = arguments.first.map { self.repr($0) } ?? "None"
            return "defaultdict(\(factory), \(self.dictRepr(object.setItems.map { ($0.key, $0.value) })))"
        case ("collections", "deque") where object.setItems.isEmpty && arguments.count <= 2:
            var items = arguments.first?.sequenceElements ?? []
            if let first = arguments.first, first.sequenceElements == nil, !first.isNone {
                return nil
            }
            items += object.appendedItems
            var text = "deque(\(self.repr(.list(items)))"
            if arguments.count == 2, !arguments[1].isNone {
                text += ", maxlen=\(self.repr(arguments[1]))"
            }
            return text + ")"
        case ("collections", "Counter") where plain && arguments.count <= 1:
            return self.counterRepr(arguments.first)
        case ("array", "array") where plain && arguments.count == 2:
            guard let typecode = arguments[0].stringValue else { return nil }
            return self.arrayRepr(typecode: typecode, initializer: arguments[1])
        case ("array", "_array_reconstructor") where plain && arguments.count == 4:
            guard let typecode = arguments[1].stringValue, let code = arguments[2].intValue,
                case .bytes(let bytes) = arguments[3].unwrapped,
                let format = ArrayItemFormat(machineFormatCode: code),
                let items = format.decode(bytes)
            else {
                return nil
            }
            return self.arrayRepr(typecode: typecode, items: items, isText: format.kind == .text)
        default:
            return nil
        }
    }

    /// CPython 3.11's `Counter.__repr__`: items by descending count, ties in insertion order.
    private mutating func counterRepr(_ argument: PythonValue?) -> String? {
        guard let argument else { return "Counter()" }
        guard case .dict(let dict) = argument.unwrapped else { return nil }
        if dict.isEmpty {
            return "Counter()"
        }
        var items = dict.items.map { PythonValue.tuple([$0.key, $0.value]) }
        do {
            try PythonValue.sort(&items, keys: dict.values, reverse: true)
        } catch {
            return "Counter(\(self.repr(argument)))"
        }
        return "Counter(\(self.dictRepr(items.compactMap { item in item.sequenceElements.map { ($0[0], $0[1]) } })))"
    }

    private mutating func arrayRepr(typecode: String, initializer: PythonValue) -> String? {
        switch initializer.unwrapped {
        case .list(let items), .tuple(let items):
            if typecode == "u" || typecode == "w" {
                var text = ""
                for item in items {
                    guard let character = item.stringValue else { return nil }
                    text += character
                }
                return self.arrayRepr(typecode: typecode, items: [.string(text)], isText: true)
            }
            return self.arrayRepr(typecode: typecode, items: items, isText: false)
        case .string(let text) where typecode == "u" || typecode == "w":
            return self.arrayRepr(typecode: typecode, items: [.string(text)], isText: true)
        case .bytes(let bytes):
            guard let format = ArrayItemFormat(typecode: typecode), let items = format.decode(bytes) else { return nil }
            return self.arrayRepr(typecode: typecode, items: items, isText: format.kind == .text)
        default:
            return nil
        }
    }

    /// `array('i', [1, 2])`; text arrays hold one `str` item: `array('u', 'ab')`.
    private mutating func arrayRepr(typecode: String, items: [PythonValue], isText: Bool) -> String {
        let code = PythonText.stringRepr(typecode.unicodeScalars.lazy.map(\.value))
        if isText {
            let text = items.first ?? .string("")
            if case .string(let string) = text.unwrapped, string.isEmpty {
                return "array(\(code))"
            }
            if case .surrogateString(let bytes) = text.unwrapped, bytes.isEmpty {
                return "array(\(code))"
            }
            return "array(\(code), \(self.repr(text)))"
        }
        return items.isEmpty ? "array(\(code))" : "array(\(code), \(self.repr(.list(items))))"
    }

    private mutating func genericRepr(_ object: PythonObject) -> String {
        var head: String
        var parts: [String] = []
        switch object.construction {
        case .reduce(let callable, let arguments):
            if case .global(let global) = callable.unwrapped,
                global.module == "copyreg", global.name == "_reconstructor",
                let elements = arguments.sequenceElements, elements.count == 3,
                case .global(let cls) = elements[0].unwrapped, elements[2].isNone
            {
                head = "\(cls.module).\(cls.name)"
            } else {
                let argumentText: String
                if let elements = arguments.sequenceElements, case .tuple = arguments.unwrapped {
                    argumentText = self.joined(elements)
                } else {
                    argumentText = "*" + self.repr(arguments)
                }
                head = "\(self.calleeText(callable))(\(argumentText))"
            }
        case .newObject(let cls, let arguments):
            head = self.calleeText(cls)
            if arguments.sequenceElements?.isEmpty != true {
                parts.append("new_args=\(self.repr(arguments))")
            }
        case .newObjectEx(let cls, let arguments, let keywords):
            head = self.calleeText(cls)
            if arguments.sequenceElements?.isEmpty != true {
                parts.append("new_args=\(self.repr(arguments))")
            }
            if case .dict(let dict) = keywords.unwrapped, dict.isEmpty {
            } else {
                parts.append("new_kwargs=\(self.repr(keywords))")
            }
        case .instance(let cls, let arguments):
            head = "\(cls.module).\(cls.name)"
            if !arguments.isEmpty {
                parts.append("init_args=\(self.repr(.tuple(arguments)))")
            }
        case .object(let cls, let arguments):
            head = self.calleeText(cls)
            if !arguments.isEmpty {
                parts.append("init_args=\(self.repr(.tuple(arguments)))")
            }
        }
        for state in object.states {
            parts.append("state=\(self.repr(state))")
        }
        if !object.appendedItems.isEmpty {
            parts.append("items=\(self.repr(.list(object.appendedItems)))")
        }
        if !object.setItems.isEmpty {
            parts.append("setitems=\(self.dictRepr(object.setItems.map { ($0.key, $0.value) }))")
        }
        head = "<\(head) object"
        return parts.isEmpty ? head + ">" : head + "; " + parts.joined(separator: "; ") + ">"
    }

    private mutating func calleeText(_ callable: PythonValue) -> String {
        if case .global(let global) = callable.unwrapped {
            return "\(global.module).\(global.name)"
        }
        return self.repr(callable)
    }
}

/// How `array.array` stores its items, for decoding the bytes of a pickled array.
private struct ArrayItemFormat {
    enum Kind: Equatable {
        case signed, unsigned, float, text
    }

    var size: Int
    var kind: Kind
    var bigEndian: Bool

    /// The native layout of a typecode on the 64-bit little-endian Unix platforms this package runs on.
    init?(typecode: String) {
        let table: [String: (Int, Kind)] = [
            "b": (1, .signed), "B": (1, .unsigned), "u": (4, .text), "w": (4, .text), "h": (2, .signed),
            "H": (2, .unsigned), "i": (4, .signed), "I": (4, .unsigned), "l": (8, .signed), "L": (8, .unsigned),
            "q": (8, .signed), "Q": (8, .unsigned), "f": (4, .float), "d": (8, .float),
        ]
        guard let (size, kind) = table[typecode] else { return nil }
        self.init(size: size, kind: kind, bigEndian: false)
    }

    init(size: Int, kind: Kind, bigEndian: Bool) {
        self.size = size
        self.kind = kind
        self.bigEndian = bigEndian
    }

    /// CPython's `enum machine_format_code` (the third argument of `array._array_reconstructor`).
    init?(machineFormatCode code: Int) {
        switch code {
        case 0: self.init(size: 1, kind: .unsigned, bigEndian: false)
        case 1: self.init(size: 1, kind: .signed, bigEndian: false)
        case 2...13:
            let sizes = [2, 4, 8]
            let offset = code - 2
            self.init(size: sizes[offset / 4], kind: offset % 4 < 2 ? .unsigned : .signed, bigEndian: offset % 2 == 1)
        case 14, 15: self.init(size: 4, kind: .float, bigEndian: code == 15)
        case 16, 17: self.init(size: 8, kind: .float, bigEndian: code == 17)
        case 18, 19: self.init(size: 2, kind: .text, bigEndian: code == 19)
        case 20, 21: self.init(size: 4, kind: .text, bigEndian: code == 21)
        default: return nil
        }
    }

    /// The items; a text array gives one `str` item. `nil` if the length is not a multiple of the item size.
    func decode(_ bytes: [UInt8]) -> [PythonValue]? {
        guard bytes.count % self.size == 0 else { return nil }
        var raw: [UInt64] = []
        raw.reserveCapacity(bytes.count / self.size)
        for start in stride(from: 0, to: bytes.count, by: self.size) {
            var word: UInt64 = 0
            for offset in 0..<self.size {
                let byte = bytes[start + (self.bigEndian ? offset : self.size - 1 - offset)]
                word = word << 8 | UInt64(byte)
            }
            raw.append(word)
        }
        switch self.kind {
        case .unsigned:
            return raw.map { PythonValue.integer(BigInt($0)) }
        case .signed:
            let shift = UInt64(64 - 8 * self.size)
            return raw.map { .int(Int(Int64(bitPattern: $0 << shift) >> Int64(shift))) }
        case .float:
            return raw.map {
                self.size == 4 ? .float(Double(Float(bitPattern: UInt32($0)))) : .float(Double(bitPattern: $0))
            }
        case .text:
            var points: [UInt32] = []
            if self.size == 2 {
                var units = raw.map { UInt16($0) }.makeIterator()
                var decoder = UTF16()
                loop: while true {
                    switch decoder.decode(&units) {
                    case .scalarValue(let scalar): points.append(scalar.value)
                    case .emptyInput: break loop
                    case .error: points.append(0xFFFD)
                    }
                }
            } else {
                points = raw.map { UInt32(truncatingIfNeeded: $0) }
            }
            guard points.allSatisfy({ Unicode.Scalar($0) != nil }) else {
                return [.surrogateString(points.flatMap(Self.surrogateUTF8))]
            }
            return [.string(String(String.UnicodeScalarView(points.compactMap(Unicode.Scalar.init))))]
        }
    }

    /// The `surrogatepass` UTF-8 encoding of one code point.
    private static func surrogateUTF8(_ point: UInt32) -> [UInt8] {
        switch point {
        case 0..<0x80: return [UInt8(point)]
        case 0x80..<0x800: return [UInt8(0xC0 | point >> 6), UInt8(0x80 | point & 0x3F)]
        case 0x800..<0x10000:
            return [UInt8(0xE0 | point >> 12), UInt8(0x80 | point >> 6 & 0x3F), UInt8(0x80 | point & 0x3F)]
        case 0x10000...0x10FFFF:
            return [
                UInt8(0xF0 | point >> 18), UInt8(0x80 | point >> 12 & 0x3F), UInt8(0x80 | point >> 6 & 0x3F),
                UInt8(0x80 | point & 0x3F),
            ]
        default: return [0xEF, 0xBF, 0xBD]
        }
    }
}
