import BigInt

/// Encodes an unkeyed container as a Python `list`.
struct PythonUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let node: PythonEncodingNode
    let codingPath: [any CodingKey]

    var count: Int { self.node.elementCount }

    private var nextPath: [any CodingKey] { self.codingPath + [PythonCodingKey(index: self.count)] }

    private func put(_ value: PythonValue) {
        self.node.append(PythonEncodingNode(value))
    }

    mutating func encodeNil() throws { self.put(.none) }
    mutating func encode(_ value: Bool) throws { self.put(.bool(value)) }
    mutating func encode(_ value: String) throws { self.put(.string(value)) }
    mutating func encode(_ value: Double) throws { self.put(.float(value)) }
    mutating func encode(_ value: Float) throws { self.put(.float(Double(value))) }
    mutating func encode(_ value: Int) throws { self.put(.int(value)) }
    mutating func encode(_ value: Int8) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int16) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int32) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int64) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int128) throws { self.put(PythonEncoderState.integer(value)) }
    mutating func encode(_ value: UInt) throws { self.put(PythonEncoderState.integer(value)) }
    mutating func encode(_ value: UInt8) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: UInt16) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: UInt32) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: UInt64) throws { self.put(PythonEncoderState.integer(value)) }
    mutating func encode(_ value: UInt128) throws { self.put(PythonEncoderState.integer(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        self.node.append(try PythonEncoderState.box(value, at: self.nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let path = self.nextPath
        let child = PythonEncodingNode()
        child.becomeKeyed()
        self.node.append(child)
        return KeyedEncodingContainer(PythonKeyedEncodingContainer<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = self.nextPath
        let child = PythonEncodingNode()
        child.becomeUnkeyed()
        self.node.append(child)
        return PythonUnkeyedEncodingContainer(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = self.nextPath
        let child = PythonEncodingNode()
        self.node.append(child)
        return PythonEncoderState(node: child, codingPath: path)
    }
}

/// Encodes a single value into a node.
struct PythonSingleValueEncodingContainer: SingleValueEncodingContainer {
    let node: PythonEncodingNode
    let codingPath: [any CodingKey]

    private func put(_ value: PythonValue) {
        self.node.set(value)
    }

    mutating func encodeNil() throws { self.put(.none) }
    mutating func encode(_ value: Bool) throws { self.put(.bool(value)) }
    mutating func encode(_ value: String) throws { self.put(.string(value)) }
    mutating func encode(_ value: Double) throws { self.put(.float(value)) }
    mutating func encode(_ value: Float) throws { self.put(.float(Double(value))) }
    mutating func encode(_ value: Int) throws { self.put(.int(value)) }
    mutating func encode(_ value: Int8) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int16) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int32) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int64) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: Int128) throws { self.put(PythonEncoderState.integer(value)) }
    mutating func encode(_ value: UInt) throws { self.put(PythonEncoderState.integer(value)) }
    mutating func encode(_ value: UInt8) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: UInt16) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: UInt32) throws { self.put(.int(Int(value))) }
    mutating func encode(_ value: UInt64) throws { self.put(PythonEncoderState.integer(value)) }
    mutating func encode(_ value: UInt128) throws { self.put(PythonEncoderState.integer(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        self.node.adopt(try PythonEncoderState.box(value, at: self.codingPath))
    }
}
