/// Reads an unkeyed container from the elements of a `list`, `tuple`, `set`, `frozenset` or the bytes of a
/// `bytes`/`bytearray`.
struct PythonUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let elements: [PythonValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [PythonValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { self.elements.count }
    var isAtEnd: Bool { self.currentIndex >= self.elements.count }

    private var currentPath: [any CodingKey] { self.codingPath + [PythonCodingKey(index: self.currentIndex)] }

    /// The next element and its path; advances only after `read` succeeds.
    private mutating func next<T>(_ type: T.Type, _ read: (PythonValue, [any CodingKey]) throws -> T) throws -> T {
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: self.currentPath,
                    debugDescription: "expected \(type) at \(PythonCodingKey.describe(self.currentPath)), "
                        + "but the sequence has only \(self.elements.count) elements"
                )
            )
        }
        let result = try read(self.elements[self.currentIndex], self.currentPath)
        self.currentIndex += 1
        return result
    }

    mutating func decodeNil() throws -> Bool {
        guard !self.isAtEnd, self.elements[self.currentIndex].isNone else { return false }
        self.currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try self.next(type, PythonDecoding.bool) }
    mutating func decode(_ type: String.Type) throws -> String { try self.next(type, PythonDecoding.string) }
    mutating func decode(_ type: Double.Type) throws -> Double { try self.next(type, PythonDecoding.double) }
    mutating func decode(_ type: Float.Type) throws -> Float { try self.next(type, PythonDecoding.float) }
    mutating func decode(_ type: Int.Type) throws -> Int { try self.integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.integer(type) }
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try self.integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try self.integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.integer(type) }
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try self.integer(type) }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try self.next(type) { value, path in try PythonDecoding.integer(type, value, at: path) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try self.next(type) { value, path in try PythonDecoderState.unbox(type, from: value, at: path) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.next(KeyedDecodingContainer<NestedKey>.self) { value, path in
            try PythonDecoderState(value: value, codingPath: path).container(keyedBy: type)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try self.next((any UnkeyedDecodingContainer).self) { value, path in
            try PythonDecoderState(value: value, codingPath: path).unkeyedContainer()
        }
    }

    mutating func superDecoder() throws -> any Decoder {
        try self.next((any Decoder).self) { value, path in PythonDecoderState(value: value, codingPath: path) }
    }
}

/// Reads a single value.
struct PythonSingleValueDecodingContainer: SingleValueDecodingContainer {
    let value: PythonValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { self.value.isNone }
    func decode(_ type: Bool.Type) throws -> Bool { try PythonDecoding.bool(self.value, at: self.codingPath) }
    func decode(_ type: String.Type) throws -> String { try PythonDecoding.string(self.value, at: self.codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try PythonDecoding.double(self.value, at: self.codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try PythonDecoding.float(self.value, at: self.codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try self.integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.integer(type) }
    func decode(_ type: Int128.Type) throws -> Int128 { try self.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.integer(type) }
    func decode(_ type: UInt128.Type) throws -> UInt128 { try self.integer(type) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try PythonDecoding.integer(type, self.value, at: self.codingPath)
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try PythonDecoderState.unbox(type, from: self.value, at: self.codingPath)
    }
}
