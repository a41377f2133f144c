/// Decodes `Decodable` Swift values from ``PythonValue``s, such as values unpickled from Python.
///
/// The inverse of ``PythonValueEncoder``, with Python's kinds accepted where they mean the same thing:
///
/// - keyed containers (structs, classes, enums) read a `dict` with `str` keys (or `int` keys for integer coding
///   keys); a missing key and a `None` value both decode as `nil` for optional properties;
/// - unkeyed containers (arrays, sets) read a `list`, a `tuple`, a `set`, a `frozenset`, or the bytes of a
///   `bytes`/`bytearray` as `int`s;
/// - `Bool` reads only `bool`; integer types read `int` (not `bool`, not `float`) and check the range; `Float`
///   and `Double` read `float` or `int`; `String` reads a `str` (one with lone surrogates is an error); `Data`
///   reads `bytes` or `bytearray`; ``PythonValue`` takes the value as it is;
/// - dictionaries read a `dict` whose keys match the key type (`str` for `String` and `CodingKeyRepresentable`
///   keys, `int` for `Int`, any value for other key types).
///
/// Errors are `DecodingError`s with the coding path and a message such as
/// `expected int at path items[2].count, found str`.
public struct PythonValueDecoder: Sendable {
    /// A decoder.
    public init() {}

    /// Decodes a value of the given type from a ``PythonValue``.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - value: The Python value.
    /// - Returns: The decoded value.
    /// - Throws: `DecodingError` when the value does not have the shape the type expects.
    public func decode<T: Decodable>(_ type: T.Type, from value: PythonValue) throws -> T {
        try PythonDecoderState.unbox(type, from: value, at: [])
    }
}
