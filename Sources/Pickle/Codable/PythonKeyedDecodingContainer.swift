/// Reads a keyed container from a Python `dict` with `str` keys (or `int` keys for integer coding keys).
struct PythonKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let dict: PythonDict
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        self.dict.keys.compactMap { key in
            if let text = key.stringValue {
                return Key(stringValue: text)
            }
            if case .int(let int) = key.unwrapped {
                return Key(intValue: int) ?? Key(stringValue: String(int))
            }
            return nil
        }
    }

    private func lookup(_ key: Key) -> PythonValue? {
        if let value = self.dict[key.stringValue] {
            return value
        }
        if let int = key.intValue, let value = try? self.dict.value(forKey: .int(int)) {
            return value
        }
        return nil
    }

    private func value(_ key: Key) throws -> PythonValue {
        guard let value = self.lookup(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: self.codingPath,
                    debugDescription:
                        "no key '\(key.stringValue)' in the dict at \(PythonCodingKey.describe(self.codingPath))"
                )
            )
        }
        return value
    }

    func contains(_ key: Key) -> Bool { self.lookup(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try self.value(key).isNone }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try PythonDecoding.bool(self.value(key), at: self.codingPath + [key])
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try PythonDecoding.string(self.value(key), at: self.codingPath + [key])
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try PythonDecoding.double(self.value(key), at: self.codingPath + [key])
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try PythonDecoding.float(self.value(key), at: self.codingPath + [key])
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.integer(type, key) }
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try self.integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.integer(type, key) }
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try self.integer(type, key) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T {
        try PythonDecoding.integer(type, self.value(key), at: self.codingPath + [key])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try PythonDecoderState.unbox(type, from: self.value(key), at: self.codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try PythonDecoderState(value: self.value(key), codingPath: self.codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try PythonDecoderState(value: self.value(key), codingPath: self.codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        let key = PythonCodingKey.superKey
        return PythonDecoderState(value: self.dict[key.stringValue] ?? .none, codingPath: self.codingPath + [key])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        PythonDecoderState(value: self.lookup(key) ?? .none, codingPath: self.codingPath + [key])
    }
}
