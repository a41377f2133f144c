extension PythonValue: Codable {
    /// Encodes the value: unchanged with ``PythonValueEncoder``; with other encoders (JSON, property lists) as the
    /// nearest JSON shape.
    ///
    /// - Throws: `EncodingError.invalidValue` with another encoder for values without a JSON shape: `int`s
    ///   outside `Int`, `complex`, `bytes`, `set`s, dicts with non-`str` keys and opaque objects.
    public func encode(to encoder: any Encoder) throws {
        if let state = encoder as? PythonEncoderState {
            state.node.set(self)
            return
        }
        switch self.unwrapped {
        case .none:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .int(let int):
            var container = encoder.singleValueContainer()
            try container.encode(int)
        case .float(let double):
            var container = encoder.singleValueContainer()
            try container.encode(double)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .tuple(let elements), .list(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements {
                try container.encode(element)
            }
        case .dict(let dict) where dict.keys.allSatisfy({ $0.stringValue != nil }):
            var container = encoder.container(keyedBy: PythonCodingKey.self)
            for (key, value) in dict.items {
                try container.encode(value, forKey: PythonCodingKey(stringValue: key.stringValue ?? ""))
            }
        default:
            throw EncodingError.invalidValue(
                self,
                EncodingError.Context(
                    codingPath: encoder.codingPath,
                    debugDescription: "a Python \(self.typeName) has no representation outside PythonValueEncoder"
                )
            )
        }
    }

    /// Decodes a value: unchanged with ``PythonValueDecoder``; from other decoders (JSON, property lists) as
    /// `None`, `bool`, `int`, `float`, `str`, `list` or `dict`, whichever the data holds.
    ///
    /// - Throws: `DecodingError.dataCorrupted` if the data is none of those.
    public init(from decoder: any Decoder) throws {
        if let state = decoder as? PythonDecoderState {
            self = state.value
            return
        }
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                self = .none
                return
            }
            if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let int = try? container.decode(Int.self) {
                self = .int(int)
            } else if let double = try? container.decode(Double.self) {
                self = .float(double)
            } else if let string = try? container.decode(String.self) {
                self = .string(string)
            } else if let elements = try? container.decode([PythonValue].self) {
                self = .list(elements)
            } else if let items = try? container.decode([String: PythonValue].self) {
                var dict = PythonDict()
                for key in items.keys.sorted() {
                    dict[key] = items[key]
                }
                self = .dict(dict)
            } else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "no Python value here")
                )
            }
            return
        }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "no Python value here")
        )
    }
}
