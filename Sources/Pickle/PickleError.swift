/// An error reading or writing a pickle.
///
/// The ``code`` says what kind of problem it is (stable, for code to match on), the ``message`` says what exactly
/// happened and what to do about it, and ``offset`` is the byte position in the pickle where reading failed.
public struct PickleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, as an open set of values: new codes can be added without breaking `switch`es.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case truncatedInput, unknownOpcode, invalidValue, limitExceeded, memoMiss, stackUnderflow
            case unsupported, unencodable
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The pickle ends before its `STOP` opcode, or an argument runs past the end.
        public static let truncatedInput = Code(.truncatedInput)
        /// A byte that is not a pickle opcode of protocols 0–5.
        public static let unknownOpcode = Code(.unknownOpcode)
        /// An opcode argument or operand that is malformed (bad text, bad UTF-8, wrong operand type, …).
        public static let invalidValue = Code(.invalidValue)
        /// A configured ``PickleLimits`` value was exceeded.
        public static let limitExceeded = Code(.limitExceeded)
        /// A `GET` of a memo index that was never stored.
        public static let memoMiss = Code(.memoMiss)
        /// An opcode needs more stack items (or a mark) than there are.
        public static let stackUnderflow = Code(.stackUnderflow)
        /// A valid pickle feature this reader does not accept (an extension code without a registry, out-of-band
        /// buffers without buffers, …).
        public static let unsupported = Code(.unsupported)
        /// A value that cannot be written as a pickle (a dangling recursive reference, a bad protocol, …).
        public static let unencodable = Code(.unencodable)

        /// The code's name, for example `truncatedInput`.
        public var description: String {
            switch self.value {
            case .truncatedInput: return "truncatedInput"
            case .unknownOpcode: return "unknownOpcode"
            case .invalidValue: return "invalidValue"
            case .limitExceeded: return "limitExceeded"
            case .memoMiss: return "memoMiss"
            case .stackUnderflow: return "stackUnderflow"
            case .unsupported: return "unsupported"
            case .unencodable: return "unencodable"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, and what to do about it.
    public var message: String
    /// The byte offset in the pickle at which reading failed (the opcode's position), when reading.
    public var offset: Int?

    /// An error with the given code, message and offset.
    public init(code: Code, message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// `code at offset N: message`.
    public var description: String {
        if let offset = self.offset {
            return "pickle \(self.code) at offset \(offset): \(self.message)"
        }
        return "pickle \(self.code): \(self.message)"
    }
}
