public import Pickle

/// One reply: `(kind, payload)`.
public enum Reply: Sendable {
    /// `('#RETURN', result)`: the call returned `result`.
    case returned(PythonValue)
    /// `('#ERROR', exception)`: the method raised; the value is the pickled exception
    /// (``PythonException/init(_:)`` reads the usual shape).
    case error(PythonValue)
    /// `('#TRACEBACK', text)`: the server failed to handle the request; the text is a formatted traceback.
    case traceback(String)
    /// `('#PROXY', (exposed, token))`: the result is a new hosted object (method channels only).
    case proxy(exposed: [String], token: Token)
    /// `('#UNSERIALIZABLE', text)`: the result could not be pickled; the text is a formatted traceback.
    case unserializable(String)

    /// The kind strings of the protocol.
    public enum Kind {
        /// `#RETURN`.
        public static let returned = "#RETURN"
        /// `#ERROR`.
        public static let error = "#ERROR"
        /// `#TRACEBACK`.
        public static let traceback = "#TRACEBACK"
        /// `#PROXY`.
        public static let proxy = "#PROXY"
        /// `#UNSERIALIZABLE`.
        public static let unserializable = "#UNSERIALIZABLE"
    }

    /// Reads a reply from its decoded pickle.
    ///
    /// - Throws: ``WireError`` with ``WireError/Code-swift.struct/malformedMessage`` unless `value` is a 2-tuple
    ///   with a known kind and a payload of the right shape.
    public init(_ value: PythonValue) throws(WireError) {
        guard case .tuple(let fields) = value.unwrapped, fields.count == 2 else {
            throw .malformedMessage("a reply must be a 2-tuple (kind, payload), got a \(value.typeName)")
        }
        guard let kind = fields[0].stringValue else {
            throw .malformedMessage("a reply's kind must be str, got a \(fields[0].typeName)")
        }
        let payload = fields[1]
        switch kind {
        case Kind.returned:
            self = .returned(payload)
        case Kind.error:
            self = .error(payload)
        case Kind.traceback:
            guard let text = payload.stringValue else {
                throw .malformedMessage("a #TRACEBACK reply must carry a str, got a \(payload.typeName)")
            }
            self = .traceback(text)
        case Kind.unserializable:
            guard let text = payload.stringValue else {
                throw .malformedMessage("an #UNSERIALIZABLE reply must carry a str, got a \(payload.typeName)")
            }
            self = .unserializable(text)
        case Kind.proxy:
            guard case .tuple(let parts) = payload.unwrapped, parts.count == 2,
                let exposedValues = parts[0].sequenceElements
            else {
                throw .malformedMessage("a #PROXY reply must carry (exposed, token)")
            }
            var exposed: [String] = []
            exposed.reserveCapacity(exposedValues.count)
            for name in exposedValues {
                guard let name = name.stringValue else {
                    throw .malformedMessage("a #PROXY reply's exposed names must be str, got a \(name.typeName)")
                }
                exposed.append(name)
            }
            self = .proxy(exposed: exposed, token: try Token(parts[1]))
        default:
            throw .malformedMessage("unrecognized reply kind '\(kind)'")
        }
    }

    /// Pickles the reply at the end of `bytes`: the bytes of `writer.write(value)`, without building the
    /// `(kind, payload)` tuple for the common kinds.
    ///
    /// - Throws: ``PickleError``, as ``PickleWriter/write(_:appendingTo:)``; `bytes` is left unchanged on error.
    public func write(with writer: PickleWriter, appendingTo bytes: inout [UInt8]) throws(PickleError) {
        switch self {
        case .returned(let result): try writer.writePair(.string(Kind.returned), result, appendingTo: &bytes)
        case .error(let exception): try writer.writePair(.string(Kind.error), exception, appendingTo: &bytes)
        case .traceback(let text): try writer.writePair(.string(Kind.traceback), .string(text), appendingTo: &bytes)
        case .unserializable(let text):
            try writer.writePair(.string(Kind.unserializable), .string(text), appendingTo: &bytes)
        case .proxy: try writer.write(self.value, appendingTo: &bytes)
        }
    }

    /// The reply as the value to pickle: `(kind, payload)`.
    public var value: PythonValue {
        switch self {
        case .returned(let result): return .tuple([.string(Kind.returned), result])
        case .error(let exception): return .tuple([.string(Kind.error), exception])
        case .traceback(let text): return .tuple([.string(Kind.traceback), .string(text)])
        case .unserializable(let text): return .tuple([.string(Kind.unserializable), .string(text)])
        case .proxy(let exposed, let token):
            return .tuple([
                .string(Kind.proxy),
                .tuple([.tuple(exposed.map { .string($0) }), token.value]),
            ])
        }
    }
}
