/// Encodes `Encodable` Swift values as ``PythonValue``s, ready to pickle for Python.
///
/// The mapping is the one a Python programmer expects:
///
/// | Swift | Python |
/// |---|---|
/// | struct, class, enum with associated values (keyed containers) | `dict` with `str` keys, in encoding order |
/// | `Array`, `Set`, unkeyed containers | `list` |
/// | `Dictionary` with `String` keys / `Int` keys | `dict` with `str` / `int` keys (sorted by key) |
/// | `Dictionary` with `CodingKeyRepresentable` keys | `dict` with the keys' `codingKey.stringValue` as `str` |
/// | `Dictionary` with other keys | `dict` with each key encoded as a Python value (it must be hashable) |
/// | `nil` | `None` |
/// | `Bool` | `bool` |
/// | every integer type | `int` (arbitrary size) |
/// | `Float`, `Double` | `float` |
/// | `String` | `str` |
/// | `Data` | `bytes` (`[UInt8]` stays a `list` of `int`) |
/// | ``PythonValue`` | itself, unchanged |
///
/// Embedding ``PythonValue`` properties lets typed and dynamic data mix:
///
/// ```swift
/// struct Job: Codable {
///     var name: String
///     var payload: PythonValue
/// }
/// let value = try PythonValueEncoder().encode(Job(name: "resize", payload: ["w": 640]))
/// // {'name': 'resize', 'payload': {'w': 640}}
/// ```
public struct PythonValueEncoder: Sendable {
    /// An encoder.
    public init() {}

    /// Encodes a value as a ``PythonValue``.
    ///
    /// A value that encodes nothing at all (an empty struct) becomes an empty `dict`.
    ///
    /// - Parameter value: The value to encode.
    /// - Returns: The Python value.
    /// - Throws: `EncodingError.invalidValue` when a dictionary key is unhashable in Python, or any error the
    ///   value's own `encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> PythonValue {
        try PythonEncoderState.box(value, at: []).resolved()
    }
}
