import BigInt

/// Encodes a keyed container as a Python `dict` with `str` keys.
struct PythonKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: PythonEncodingNode
    let codingPath: [any CodingKey]

    private func put(_ value: PythonValue, _ key: Key) {
        self.node.store(PythonEncodingNode(value), forKey: key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { self.put(.none, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { self.put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { self.put(.float(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { self.put(.float(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.put(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.put(.int(Int(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { self.put(.int(Int(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { self.put(.int(Int(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.put(.int(Int(value)), key) }
    mutating func encode(_ value: Int128, forKey key: Key) throws { self.put(PythonEncoderState.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.put(PythonEncoderState.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { self.put(.int(Int(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { self.put(.int(Int(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { self.put(.int(Int(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.put(PythonEncoderState.integer(value), key) }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { self.put(PythonEncoderState.integer(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let child = try PythonEncoderState.box(value, at: self.codingPath + [key])
        self.node.store(child, forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = PythonEncodingNode()
        child.becomeKeyed()
        self.node.store(child, forKey: key.stringValue)
        return KeyedEncodingContainer(
            PythonKeyedEncodingContainer<NestedKey>(node: child, codingPath: self.codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = PythonEncodingNode()
        child.becomeUnkeyed()
        self.node.store(child, forKey: key.stringValue)
        return PythonUnkeyedEncodingContainer(node: child, codingPath: self.codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let child = PythonEncodingNode()
        self.node.store(child, forKey: PythonCodingKey.superKey.stringValue)
        return PythonEncoderState(node: child, codingPath: self.codingPath + [PythonCodingKey.superKey])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = PythonEncodingNode()
        self.node.store(child, forKey: key.stringValue)
        return PythonEncoderState(node: child, codingPath: self.codingPath + [key])
    }
}
