import Pickle

/// The items of a pickled `array.array`, read from its raw machine values.
///
/// CPython's managers pickle an array as `array.array(typecode, raw_bytes)`; the standard pickle form
/// `array._array_reconstructor(array.array, typecode, mformat_code, raw_bytes)` is read too. Raw values are
/// little-endian with the item sizes of 64-bit Linux and macOS (`l` and `L` are 8 bytes, `u` is 4).
struct PythonArrayContents {
    /// The array's typecode.
    let typecode: String
    /// The items as Python values: `int` for integer typecodes, `float` for `f` and `d`, one-character `str` for
    /// `u` and `w`.
    let items: [PythonValue]

    /// Why a value could not be read as an array.
    struct Failure: Error {
        let message: String
    }

    /// Reads the array pickled in `value`.
    init(_ value: PythonValue) throws(Failure) {
        guard case .object(let object) = value.unwrapped, let callable = object.callable,
            let arguments = object.arguments
        else {
            throw Failure(message: "expected an array.array, got \(value.typeName)")
        }
        let typecodeValue: PythonValue
        let rawValue: PythonValue
        switch (callable.module, callable.name, arguments.count) {
        case ("array", "array", 2):
            (typecodeValue, rawValue) = (arguments[0], arguments[1])
        case ("array", "_array_reconstructor", 4):
            (typecodeValue, rawValue) = (arguments[1], arguments[3])
        default:
            throw Failure(message: "expected an array.array, got \(callable)")
        }
        guard let typecode = typecodeValue.stringValue else {
            throw Failure(message: "the array's typecode is \(typecodeValue.typeName), not str")
        }
        let bytes: [UInt8]
        switch rawValue.unwrapped {
        case .bytes(let raw), .byteArray(let raw): bytes = raw
        case .list(let items):
            self.typecode = typecode
            self.items = items
            return
        default:
            throw Failure(message: "the array's contents are \(rawValue.typeName), not bytes")
        }
        self.typecode = typecode
        self.items = try Self.items(of: bytes, typecode: typecode)
    }

    private static func items(of bytes: [UInt8], typecode: String) throws(Failure) -> [PythonValue] {
        let size: Int
        switch typecode {
        case "b", "B": size = 1
        case "h", "H": size = 2
        case "i", "I", "f", "u", "w": size = 4
        case "l", "L", "q", "Q", "d": size = 8
        default: throw Failure(message: "unknown array typecode '\(typecode)'")
        }
        guard bytes.count % size == 0 else {
            throw Failure(message: "\(bytes.count) bytes are not a whole number of '\(typecode)' items")
        }
        var items: [PythonValue] = []
        items.reserveCapacity(bytes.count / size)
        var offset = 0
        while offset < bytes.count {
            var bits: UInt64 = 0
            for index in 0..<size {
                bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index))
            }
            offset += size
            switch typecode {
            case "b": items.append(.int(Int(Int8(truncatingIfNeeded: bits))))
            case "h": items.append(.int(Int(Int16(truncatingIfNeeded: bits))))
            case "i": items.append(.int(Int(Int32(truncatingIfNeeded: bits))))
            case "l", "q": items.append(.int(Int(Int64(bitPattern: bits))))
            case "L", "Q":
                guard bits <= UInt64(Int.max) else {
                    throw Failure(message: "an array item (\(bits)) does not fit in Int; read it with a Python client")
                }
                items.append(.int(Int(bits)))
            case "f": items.append(.float(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))))
            case "d": items.append(.float(Double(bitPattern: bits)))
            case "u", "w":
                guard let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: bits)) else {
                    throw Failure(message: "an array item is not a Unicode scalar: \(bits)")
                }
                items.append(.string(String(Character(scalar))))
            default: items.append(.int(Int(bits)))
            }
        }
        return items
    }
}
