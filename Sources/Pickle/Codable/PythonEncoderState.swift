import BigInt

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `Encoder` behind ``PythonValueEncoder``: writes into one ``PythonEncodingNode``.
final class PythonEncoderState: Encoder {
    let node: PythonEncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: PythonEncodingNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        self.node.becomeKeyed()
        return KeyedEncodingContainer(PythonKeyedEncodingContainer<Key>(node: self.node, codingPath: self.codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        self.node.becomeUnkeyed()
        return PythonUnkeyedEncodingContainer(node: self.node, codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        PythonSingleValueEncodingContainer(node: self.node, codingPath: self.codingPath)
    }

    /// Encodes any value into a new node: ``PythonValue``, `Data` and dictionaries specially, the rest through
    /// their own `encode(to:)`.
    static func box<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> PythonEncodingNode {
        if let python = value as? PythonValue {
            return PythonEncodingNode(python)
        }
        if let data = value as? Data {
            return PythonEncodingNode(.bytes(Array(data)))
        }
        if let dictionary = value as? any PythonDictionaryEncodable {
            return PythonEncodingNode(try dictionary.encodeAsPythonDict(at: path))
        }
        let node = PythonEncodingNode()
        try value.encode(to: PythonEncoderState(node: node, codingPath: path))
        return node
    }

    /// An `int` of any size.
    static func integer<T: BinaryInteger>(_ value: T) -> PythonValue {
        if let small = Int(exactly: value) {
            return .int(small)
        }
        return .integer(BigInt(value))
    }
}

/// Swift dictionaries, which become Python `dict`s with `str`, `int` or arbitrary keys.
protocol PythonDictionaryEncodable {
    func encodeAsPythonDict(at path: [any CodingKey]) throws -> PythonValue
}

extension Dictionary: PythonDictionaryEncodable where Key: Encodable, Value: Encodable {
    func encodeAsPythonDict(at path: [any CodingKey]) throws -> PythonValue {
        var entries: [(key: PythonValue, codingKey: PythonCodingKey, value: Value)] = []
        entries.reserveCapacity(self.count)
        for (key, value) in self {
            if let string = key as? String {
                entries.append((.string(string), PythonCodingKey(stringValue: string), value))
            } else if let int = key as? Int {
                entries.append((.int(int), PythonCodingKey(intValue: int), value))
            } else if let representable = key as? any CodingKeyRepresentable {
                let text = representable.codingKey.stringValue
                entries.append((.string(text), PythonCodingKey(stringValue: text), value))
            } else {
                let encoded = try PythonEncoderState.box(key, at: path).resolved()
                entries.append((encoded, PythonCodingKey(stringValue: encoded.repr), value))
            }
        }
        // Swift's dictionary order is random per process; sort `str` and `int` keys so output is deterministic.
        if Key.self == String.self || Key.self == Int.self {
            entries.sort { lhs, rhs in (try? lhs.key.isLess(than: rhs.key)) ?? false }
        }
        var dict = PythonDict()
        for entry in entries {
            let element = try PythonEncoderState.box(entry.value, at: path + [entry.codingKey]).resolved()
            do {
                try dict.setValue(element, forKey: entry.key)
            } catch {
                throw EncodingError.invalidValue(
                    entry.key,
                    EncodingError.Context(
                        codingPath: path,
                        debugDescription: "dictionary key \(entry.key.repr) cannot be a Python dict key: \(error)"
                    )
                )
            }
        }
        return .dict(dict)
    }
}
