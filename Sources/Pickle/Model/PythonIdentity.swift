/// The identity of an object that a pickle references more than once.
///
/// Identities are unique within one decoded value (one pickle); they say "these places hold the same object"
/// and let the encoder write that object once. They mean nothing across values.
public struct PythonIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The raw identity number.
    public var rawValue: Int

    /// An identity with the given raw number.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// `#N`.
    public var description: String { "#\(self.rawValue)" }
}
