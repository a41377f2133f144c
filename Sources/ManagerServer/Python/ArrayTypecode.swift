import BigInt
import Pickle

/// An `array.array` typecode with CPython's item sizes (Linux/macOS, 64-bit) and conversion rules.
package enum ArrayTypecode: Character, CaseIterable, Sendable {
    /// `b`: signed char, 1 byte.
    case signedChar = "b"
    /// `B`: unsigned char, 1 byte.
    case unsignedChar = "B"
    /// `u`: `wchar_t` character, 4 bytes on Linux and macOS.
    case unicode = "u"
    /// `w` (3.13+): UCS-4 character, 4 bytes.
    case wideUnicode = "w"
    /// `h`: signed short, 2 bytes.
    case signedShort = "h"
    /// `H`: unsigned short, 2 bytes.
    case unsignedShort = "H"
    /// `i`: signed int, 4 bytes.
    case signedInt = "i"
    /// `I`: unsigned int, 4 bytes.
    case unsignedInt = "I"
    /// `l`: signed long, 8 bytes.
    case signedLong = "l"
    /// `L`: unsigned long, 8 bytes.
    case unsignedLong = "L"
    /// `q`: signed long long, 8 bytes.
    case signedLongLong = "q"
    /// `Q`: unsigned long long, 8 bytes.
    case unsignedLongLong = "Q"
    /// `f`: float32.
    case float = "f"
    /// `d`: float64.
    case double = "d"

    /// Reads a typecode argument.
    ///
    /// - Throws: `TypeError` for a non-`str`; `ValueError('bad typecode (must be b, B, u, h, H, i, I, l, L, q,
    ///   Q, f or d)')` for an unknown code.
    package init(_ value: PythonValue) throws(PythonException) {
        guard let string = value.stringValue else {
            throw .typeError("array() argument 1 must be a unicode character, not \(value.typeName)")
        }
        guard string.count == 1, let character = string.first, let code = ArrayTypecode(rawValue: character) else {
            throw .valueError("bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)")
        }
        self = code
    }

    /// The typecode as a one-character `str`.
    package var string: String { String(self.rawValue) }

    /// The size of one item in bytes.
    package var itemSize: Int {
        switch self {
        case .signedChar, .unsignedChar: return 1
        case .signedShort, .unsignedShort: return 2
        case .unicode, .wideUnicode, .signedInt, .unsignedInt, .float: return 4
        case .signedLong, .unsignedLong, .signedLongLong, .unsignedLongLong, .double: return 8
        }
    }

    /// Whether items are characters (`u`, `w`).
    package var isCharacter: Bool { self == .unicode || self == .wideUnicode }

    /// Whether items are floating point (`f`, `d`).
    package var isFloatingPoint: Bool { self == .float || self == .double }

    /// Converts `value` into an item of this type, as `array.__setitem__` does.
    ///
    /// - Throws: CPython's `TypeError` or `OverflowError` for a value of the wrong type or out of range.
    package func item(from value: PythonValue) throws(PythonException) -> PythonValue {
        if self.isCharacter {
            guard let string = value.stringValue, string.unicodeScalars.count == 1 else {
                if self == .wideUnicode {
                    throw .typeError("array item must be a unicode character, not \(value.typeName)")
                }
                throw .typeError("array item must be unicode character")
            }
            return .string(string)
        }
        if self.isFloatingPoint {
            let double: Double
            switch value.unwrapped {
            case .float(let d): double = d
            case .int(let i): double = Double(i)
            case .bool(let b): double = b ? 1 : 0
            case .bigInt(let big):
                double = Double(big)
                guard double.isFinite else { throw .overflowError("int too large to convert to float") }
            default: throw .typeError("must be real number, not \(value.typeName)")
            }
            return .float(self == .float ? Double(Float(double)) : double)
        }
        let integer: BigInt
        switch value.unwrapped {
        case .int(let i): integer = BigInt(i)
        case .bool(let b): integer = b ? 1 : 0
        case .bigInt(let big): integer = big
        default: throw .typeError("'\(value.typeName)' object cannot be interpreted as an integer")
        }
        try self.checkRange(integer)
        return .integer(integer)
    }

    private func checkRange(_ value: BigInt) throws(PythonException) {
        let fitsLong = Int64(exactly: value) != nil
        func range(_ low: BigInt, _ high: BigInt, _ name: String) throws(PythonException) {
            if value < low { throw .overflowError("\(name) is less than minimum") }
            if value > high { throw .overflowError("\(name) is greater than maximum") }
        }
        switch self {
        case .signedChar:
            guard fitsLong else { throw .overflowError("Python int too large to convert to C long") }
            try range(-32768, 32767, "signed short integer")
            try range(-128, 127, "signed char")
        case .unsignedChar:
            guard fitsLong else { throw .overflowError("Python int too large to convert to C long") }
            try range(0, 255, "unsigned byte integer")
        case .signedShort:
            guard fitsLong else { throw .overflowError("Python int too large to convert to C long") }
            try range(-32768, 32767, "signed short integer")
        case .unsignedShort:
            guard fitsLong else { throw .overflowError("Python int too large to convert to C long") }
            try range(BigInt(Int32.min), BigInt(Int32.max), "signed integer")
            try range(0, 65535, "unsigned short")
        case .signedInt:
            guard fitsLong else { throw .overflowError("Python int too large to convert to C long") }
            try range(BigInt(Int32.min), BigInt(Int32.max), "signed integer")
        case .unsignedInt, .unsignedLong:
            if value < 0 { throw .overflowError("can't convert negative value to unsigned int") }
            guard UInt64(exactly: value) != nil else {
                throw .overflowError("Python int too large to convert to C unsigned long")
            }
            if self == .unsignedInt, value > BigInt(UInt32.max) {
                throw .overflowError("unsigned int is greater than maximum")
            }
        case .signedLong:
            guard fitsLong else { throw .overflowError("Python int too large to convert to C long") }
        case .signedLongLong:
            guard fitsLong else { throw .overflowError("int too big to convert") }
        case .unsignedLongLong:
            if value < 0 { throw .overflowError("can't convert negative int to unsigned") }
            guard UInt64(exactly: value) != nil else { throw .overflowError("int too big to convert") }
        case .unicode, .wideUnicode, .float, .double:
            break
        }
    }

    /// The native little-endian bytes of items previously produced by ``item(from:)``.
    package func bytes(of items: [PythonValue]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.count * self.itemSize)
        for item in items {
            let bits: UInt64
            switch item.unwrapped {
            case .float(let double):
                bits = self == .float ? UInt64(Float(double).bitPattern) : double.bitPattern
            case .string(let string):
                bits = UInt64(string.unicodeScalars.first?.value ?? 0)
            case .int(let int):
                bits = UInt64(bitPattern: Int64(int))
            case .bigInt(let big):
                bits = UInt64(exactly: big) ?? 0
            default:
                bits = 0
            }
            for index in 0..<self.itemSize {
                bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index))))
            }
        }
        return bytes
    }

    /// Items read from native little-endian bytes; `nil` if the length is not a multiple of the item size.
    package func items(fromBytes bytes: [UInt8]) -> [PythonValue]? {
        guard bytes.count % self.itemSize == 0 else { return nil }
        var items: [PythonValue] = []
        items.reserveCapacity(bytes.count / self.itemSize)
        var offset = 0
        while offset < bytes.count {
            var bits: UInt64 = 0
            for index in 0..<self.itemSize {
                bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index))
            }
            offset += self.itemSize
            let width = UInt64(8 * self.itemSize)
            let signExtended: Int64 =
                width == 64
                ? Int64(bitPattern: bits)
                : Int64(bitPattern: bits << (64 - width)) >> Int64(64 - width)
            switch self {
            case .signedChar, .signedShort, .signedInt, .signedLong, .signedLongLong:
                items.append(.int(Int(signExtended)))
            case .unsignedChar, .unsignedShort, .unsignedInt, .unsignedLong, .unsignedLongLong:
                items.append(.integer(BigInt(bits)))
            case .float:
                items.append(.float(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))))
            case .double:
                items.append(.float(Double(bitPattern: bits)))
            case .unicode, .wideUnicode:
                guard let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: bits)) else { return nil }
                items.append(.string(String(Character(scalar))))
            }
        }
        return items
    }
}

/// An `array.array` inside a value: `array.array(typecode, raw_bytes)` as the manager's reducer writes it,
/// `array.array(typecode, list)`, or `array._array_reconstructor(array.array, typecode, mformat, raw_bytes)`.
package struct PythonArrayValue {
    /// The typecode.
    package var typecode: ArrayTypecode
    /// The items.
    package var items: [PythonValue]

    /// An array value.
    package init(typecode: ArrayTypecode, items: [PythonValue]) {
        self.typecode = typecode
        self.items = items
    }

    /// Reads an `array.array` object; `nil` if `object` is not one.
    package init?(_ object: PythonObject) throws(PythonException) {
        guard let callable = object.callable, let arguments = object.arguments else { return nil }
        let typecodeValue: PythonValue
        let payload: PythonValue
        if callable == PythonGlobal(module: "array", name: "array"), arguments.count == 2 {
            typecodeValue = arguments[0]
            payload = arguments[1]
        } else if callable == PythonGlobal(module: "array", name: "_array_reconstructor"), arguments.count == 4 {
            typecodeValue = arguments[1]
            payload = arguments[3]
        } else {
            return nil
        }
        let typecode = try ArrayTypecode(typecodeValue)
        switch payload.unwrapped {
        case .bytes(let bytes):
            guard let items = typecode.items(fromBytes: bytes) else {
                throw .valueError("bytes length not a multiple of item size")
            }
            self.init(typecode: typecode, items: items)
        default:
            var items: [PythonValue] = []
            for element in try payload.iterated() {
                items.append(try typecode.item(from: element))
            }
            self.init(typecode: typecode, items: items)
        }
    }

    /// The array as the manager pickles it: `array.array` REDUCE `(typecode, raw_bytes)`.
    package var value: PythonValue {
        .object(
            .reduce(
                PythonGlobal(module: "array", name: "array"),
                [.string(self.typecode.string), .bytes(self.typecode.bytes(of: self.items))]))
    }

    /// `array('i', [1, 2, 3])`, `array('i')`, `array('u', 'abc')`.
    package var repr: String {
        let code = self.typecode.string
        if self.items.isEmpty { return "array('\(code)')" }
        if self.typecode.isCharacter {
            return "array('\(code)', \(PythonValue.string(self.items.compactMap(\.stringValue).joined()).repr))"
        }
        return "array('\(code)', \(PythonValue.list(self.items).repr))"
    }
}
