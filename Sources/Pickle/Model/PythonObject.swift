/// An instance of a class that this package does not model, kept exactly as the pickle built it.
///
/// The decoder never calls the class: it records how the object was constructed (``Construction``), every state
/// passed to `BUILD`, and the items added with `APPEND(S)` and `SETITEM(S)`. The encoder writes the same opcodes
/// back, so the object arrives in Python as the same class with the same state.
public struct PythonObject: Sendable {
    /// How the object was constructed.
    public indirect enum Construction: Sendable {
        /// `REDUCE`: `callable(*arguments)`; `arguments` is normally a tuple.
        case reduce(callable: PythonValue, arguments: PythonValue)
        /// `NEWOBJ`: `cls.__new__(cls, *arguments)`.
        case newObject(cls: PythonValue, arguments: PythonValue)
        /// `NEWOBJ_EX`: `cls.__new__(cls, *arguments, **keywords)`.
        case newObjectEx(cls: PythonValue, arguments: PythonValue, keywords: PythonValue)
        /// `INST` (protocol 0): an instance of `cls` built from `arguments`.
        case instance(cls: PythonGlobal, arguments: [PythonValue])
        /// `OBJ` (protocol 1): an instance of `cls` built from `arguments`.
        case object(cls: PythonValue, arguments: [PythonValue])
    }

    /// A key and value added with `SETITEM(S)`; equal and hashed as the pair, by Python equality.
    public struct Item: Sendable, Hashable {
        /// The key.
        public var key: PythonValue
        /// The value.
        public var value: PythonValue

        /// An item.
        public init(key: PythonValue, value: PythonValue) {
            self.key = key
            self.value = value
        }
    }

    /// How the object was constructed.
    public var construction: Construction
    /// The items appended with `APPEND`/`APPENDS`, in order.
    public var appendedItems: [PythonValue]
    /// The items set with `SETITEM`/`SETITEMS`, in order.
    public var setItems: [Item]
    /// The states passed to `BUILD`, in order (normally none or one).
    public var states: [PythonValue]

    /// An object with the given construction and no items or state.
    public init(
        construction: Construction,
        appendedItems: [PythonValue] = [],
        setItems: [Item] = [],
        states: [PythonValue] = []
    ) {
        self.construction = construction
        self.appendedItems = appendedItems
        self.setItems = setItems
        self.states = states
    }
}

extension PythonObject {
    /// `callable(*arguments)` for a global callable: how exceptions, `slice`, `range` and most `__reduce__`
    /// results are written.
    public static func reduce(_ callable: PythonGlobal, _ arguments: [PythonValue]) -> PythonObject {
        PythonObject(construction: .reduce(callable: .global(callable), arguments: .tuple(arguments)))
    }

    /// The class or callable this object was made by, if it is a global.
    public var callable: PythonGlobal? {
        let value: PythonValue
        switch self.construction {
        case .reduce(let callable, _): value = callable
        case .newObject(let cls, _), .newObjectEx(let cls, _, _), .object(let cls, _): value = cls
        case .instance(let cls, _): return cls
        }
        if case .global(let global) = value.unwrapped {
            return global
        }
        return nil
    }

    /// The positional arguments of the construction, if they are a tuple.
    public var arguments: [PythonValue]? {
        switch self.construction {
        case .reduce(_, let arguments), .newObject(_, let arguments), .newObjectEx(_, let arguments, _):
            if case .tuple(let elements) = arguments.unwrapped { return elements }
            return nil
        case .instance(_, let arguments), .object(_, let arguments):
            return arguments
        }
    }

    /// The last name of the class or callable (`Point` for `__main__.Point`), for messages.
    public var className: String {
        guard let callable = self.callable else { return "object" }
        return callable.name.split(separator: ".").last.map(String.init) ?? callable.name
    }
}
