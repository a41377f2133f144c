import BigInt

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `Decoder` behind ``PythonValueDecoder``: reads one value at one coding path.
final class PythonDecoderState: Decoder {
    let value: PythonValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: PythonValue, codingPath: [any CodingKey]) {
        self.value = value
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .dict(let dict) = self.value.unwrapped else {
            throw PythonDecoding.mismatch([String: Int].self, expected: "dict", found: self.value, at: self.codingPath)
        }
        return KeyedDecodingContainer(PythonKeyedDecodingContainer<Key>(dict: dict, codingPath: self.codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let elements: [PythonValue]
        switch self.value.unwrapped {
        case .list(let items), .tuple(let items): elements = items
        case .set(let set), .frozenSet(let set): elements = set.elements
        case .bytes(let bytes), .byteArray(let bytes): elements = bytes.map { .int(Int($0)) }
        default:
            throw PythonDecoding.mismatch([Int].self, expected: "list", found: self.value, at: self.codingPath)
        }
        return PythonUnkeyedDecodingContainer(elements: elements, codingPath: self.codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        PythonSingleValueDecodingContainer(value: self.value, codingPath: self.codingPath)
    }

    /// Decodes any type: ``PythonValue``, `Data` and dictionaries specially, the rest through `init(from:)`.
    static func unbox<T: Decodable>(_ type: T.Type, from value: PythonValue, at path: [any CodingKey]) throws -> T {
        if T.self == PythonValue.self, let python = value as? T {
            return python
        }
        if T.self == Data.self {
            switch value.unwrapped {
            case .bytes(let bytes), .byteArray(let bytes):
                if let data = Data(bytes) as? T {
                    return data
                }
            default:
                break
            }
            throw PythonDecoding.mismatch(type, expected: "bytes", found: value, at: path)
        }
        if let dictionaryType = T.self as? any PythonDictionaryDecodable.Type {
            if let dictionary = try dictionaryType.init(pythonDict: value, at: path) as? T {
                return dictionary
            }
        }
        return try T(from: PythonDecoderState(value: value, codingPath: path))
    }
}

/// Swift dictionaries, read from Python `dict`s.
protocol PythonDictionaryDecodable {
    init(pythonDict value: PythonValue, at path: [any CodingKey]) throws
}

extension Dictionary: PythonDictionaryDecodable where Key: Decodable, Value: Decodable {
    init(pythonDict value: PythonValue, at path: [any CodingKey]) throws {
        guard case .dict(let dict) = value.unwrapped else {
            throw PythonDecoding.mismatch(Self.self, expected: "dict", found: value, at: path)
        }
        self.init(minimumCapacity: dict.count)
        for (pythonKey, pythonValue) in dict.items {
            let key: Key
            let codingKey: PythonCodingKey
            if Key.self == String.self || Key.self == Int.self {
                key = try PythonDecoderState.unbox(Key.self, from: pythonKey, at: path)
                codingKey =
                    pythonKey.intValue.map(PythonCodingKey.init(intValue:))
                    ?? PythonCodingKey(stringValue: pythonKey.stringValue ?? pythonKey.repr)
            } else if let representable = Key.self as? any CodingKeyRepresentable.Type {
                guard let text = pythonKey.stringValue else {
                    throw PythonDecoding.mismatch(Key.self, expected: "str", found: pythonKey, at: path)
                }
                codingKey = PythonCodingKey(stringValue: text)
                guard let decoded = representable.init(codingKey: codingKey) as? Key else {
                    throw DecodingError.dataCorrupted(
                        DecodingError.Context(
                            codingPath: path,
                            debugDescription: "dict key \(pythonKey.repr) at \(PythonCodingKey.describe(path)) "
                                + "is not a valid \(Key.self)"
                        )
                    )
                }
                key = decoded
            } else {
                key = try PythonDecoderState.unbox(Key.self, from: pythonKey, at: path)
                codingKey = PythonCodingKey(stringValue: pythonKey.repr)
            }
            self[key] = try PythonDecoderState.unbox(Value.self, from: pythonValue, at: path + [codingKey])
        }
    }
}

/// Conversions of Python scalars to Swift scalars, with the errors that name the coding path.
enum PythonDecoding {
    /// `expected int at path items[2].count, found str`, as a type mismatch (or a missing value for `None`).
    static func mismatch(
        _ type: Any.Type,
        expected: String,
        found value: PythonValue,
        at path: [any CodingKey]
    ) -> DecodingError {
        let context = DecodingError.Context(
            codingPath: path,
            debugDescription: "expected \(expected) at \(PythonCodingKey.describe(path)), found \(value.typeName)"
        )
        if value.isNone {
            return DecodingError.valueNotFound(type, context)
        }
        return DecodingError.typeMismatch(type, context)
    }

    static func bool(_ value: PythonValue, at path: [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value.unwrapped else {
            throw self.mismatch(Bool.self, expected: "bool", found: value, at: path)
        }
        return flag
    }

    static func string(_ value: PythonValue, at path: [any CodingKey]) throws -> String {
        switch value.unwrapped {
        case .string(let string):
            return string
        case .surrogateString:
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: path,
                    debugDescription: "str at \(PythonCodingKey.describe(path)) contains lone surrogates, "
                        + "which a Swift String cannot hold; decode it as PythonValue instead"
                )
            )
        default:
            throw self.mismatch(String.self, expected: "str", found: value, at: path)
        }
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: PythonValue, at path: [any CodingKey]) throws
        -> T
    {
        let result: T?
        switch value.unwrapped {
        case .int(let int): result = T(exactly: int)
        case .bigInt(let big): result = T(exactly: big)
        default: throw self.mismatch(type, expected: "int", found: value, at: path)
        }
        guard let result else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: path,
                    debugDescription: "int \(value.repr) at \(PythonCodingKey.describe(path)) does not fit in \(T.self)"
                )
            )
        }
        return result
    }

    static func double(_ value: PythonValue, at path: [any CodingKey]) throws -> Double {
        switch value.unwrapped {
        case .float(let double): return double
        case .int(let int): return Double(int)
        case .bigInt(let big): return Double(big)
        default: throw self.mismatch(Double.self, expected: "float", found: value, at: path)
        }
    }

    static func float(_ value: PythonValue, at path: [any CodingKey]) throws -> Float {
        let double = try self.double(value, at: path)
        let float = Float(double)
        if double.isFinite && float.isInfinite {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: path,
                    debugDescription: "float \(value.repr) at \(PythonCodingKey.describe(path)) does not fit in Float"
                )
            )
        }
        return float
    }
}
