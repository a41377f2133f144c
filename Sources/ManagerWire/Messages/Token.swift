public import Pickle

/// A reference to an object hosted by a manager: `multiprocessing.managers.Token(typeid, address, id)`.
///
/// On the wire a Token is the global `multiprocessing.managers.Token` called with no arguments (`NEWOBJ`) and
/// given the state tuple `(typeid, address, id)` (`BUILD`).
public struct Token: Sendable, Hashable {
    /// The object's type id: `dict`, `list`, `Queue`, a user type's name, …
    public var typeID: String
    /// The manager's address as a Python value: a `str` path or a `(host, port)` tuple.
    public var address: PythonValue
    /// The object's id on that manager.
    public var objectID: String

    /// The `multiprocessing.managers.Token` class.
    public static let pythonClass = PythonGlobal.managers("Token")

    /// A token.
    public init(typeID: String, address: PythonValue, objectID: String) {
        self.typeID = typeID
        self.address = address
        self.objectID = objectID
    }

    /// Reads a token from its decoded pickle.
    ///
    /// - Throws: ``WireError`` with ``WireError/Code-swift.struct/malformedMessage`` if `value` is not a Token.
    public init(_ value: PythonValue) throws(WireError) {
        guard case .object(let object) = value.unwrapped, object.callable == Self.pythonClass else {
            throw .malformedMessage("expected a multiprocessing.managers.Token, got a \(value.typeName)")
        }
        switch object.construction {
        case .newObject, .newObjectEx, .object, .instance:
            break
        case .reduce:
            throw .malformedMessage("a Token must be built with NEWOBJ, not called with REDUCE")
        }
        guard object.states.count == 1, let state = object.states[0].sequenceElements, state.count == 3,
            case .tuple = object.states[0].unwrapped
        else {
            throw .malformedMessage("a Token's state must be the tuple (typeid, address, id)")
        }
        guard let typeID = state[0].stringValue, let objectID = state[2].stringValue else {
            throw .malformedMessage("a Token's typeid and id must be str")
        }
        self.init(typeID: typeID, address: state[1], objectID: objectID)
    }

    /// The token as its pickled value: `NEWOBJ(Token, ())` followed by `BUILD((typeid, address, id))`.
    public var value: PythonValue {
        .object(
            PythonObject(
                construction: .newObject(cls: .global(Self.pythonClass), arguments: .tuple([])),
                states: [.tuple([.string(self.typeID), self.address, .string(self.objectID)])]
            )
        )
    }

    /// The manager address, if ``address`` is a form this package can connect to.
    public var managerAddress: ManagerAddress? {
        ManagerAddress(pythonValue: self.address)
    }
}
