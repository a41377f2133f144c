public import Pickle

/// One request: `(ident, methodname, args, kwds)`.
///
/// On a one-shot connection `objectID` is `nil` and `method` names a server function (`create`, `incref`, …); on a
/// method channel `objectID` names the object and `method` one of its methods.
public struct Request: Sendable {
    /// The object the method is called on, or `nil` for a server function.
    public var objectID: String?
    /// The method or server function name.
    public var method: String
    /// The positional arguments.
    public var arguments: [PythonValue]
    /// The keyword arguments (`str` keys).
    public var keywords: PythonDict

    /// A request.
    public init(objectID: String?, method: String, arguments: [PythonValue] = [], keywords: PythonDict = PythonDict()) {
        self.objectID = objectID
        self.method = method
        self.arguments = arguments
        self.keywords = keywords
    }

    /// Reads a request from its decoded pickle.
    ///
    /// - Throws: ``WireError`` with ``WireError/Code-swift.struct/malformedMessage`` unless `value` is a 4-tuple
    ///   `(str | None, str, tuple, dict)`.
    public init(_ value: PythonValue) throws(WireError) {
        guard case .tuple(let fields) = value.unwrapped else {
            throw .malformedMessage(
                "a request must be a tuple (ident, methodname, args, kwds), got a \(value.typeName)"
            )
        }
        guard fields.count == 4 else {
            throw .malformedMessage(
                "a request must be a 4-tuple (ident, methodname, args, kwds), got \(fields.count) items"
            )
        }
        let objectID: String?
        switch fields[0].unwrapped {
        case .none: objectID = nil
        case .string(let ident): objectID = ident
        default: throw .malformedMessage("a request's ident must be str or None, got a \(fields[0].typeName)")
        }
        guard let method = fields[1].stringValue else {
            throw .malformedMessage("a request's methodname must be str, got a \(fields[1].typeName)")
        }
        guard case .tuple(let arguments) = fields[2].unwrapped else {
            throw .malformedMessage("a request's args must be a tuple, got a \(fields[2].typeName)")
        }
        guard case .dict(let keywords) = fields[3].unwrapped else {
            throw .malformedMessage("a request's kwds must be a dict, got a \(fields[3].typeName)")
        }
        self.init(objectID: objectID, method: method, arguments: arguments, keywords: keywords)
    }

    /// The request as the value to pickle: `(ident, methodname, args, kwds)`.
    public var value: PythonValue {
        .tuple([
            self.objectID.map { .string($0) } ?? .none,
            .string(self.method),
            .tuple(self.arguments),
            .dict(self.keywords),
        ])
    }
}
