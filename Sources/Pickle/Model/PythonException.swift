/// A Python exception as it travels in a pickle: its class and its `args`.
///
/// CPython pickles an exception as its class (a global) applied to its `args` tuple, followed by a `BUILD` with
/// the instance `__dict__` when that is not empty. This type is both a value that goes on the wire (a hosted
/// object raising `KeyError`) and a Swift `Error` (code in this package throws it where Python would raise).
public struct PythonException: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exception class, for example `builtins.KeyError` or `_queue.Empty`.
    public var type: PythonGlobal
    /// The exception's `args`.
    public var arguments: [PythonValue]
    /// The instance `__dict__`, when the exception carried one (for example after `add_note`).
    public var state: PythonDict?

    /// An exception of the given class with the given `args`.
    public init(type: PythonGlobal, arguments: [PythonValue] = [], state: PythonDict? = nil) {
        self.type = type
        self.arguments = arguments
        self.state = state
    }

    /// The message, as Python's `str(exc)` gives it for exceptions built from a single string.
    public var message: String {
        switch self.arguments.count {
        case 0: return ""
        case 1: return self.arguments[0].stringValue ?? String(describing: self.arguments[0])
        default: return String(describing: PythonValue.tuple(self.arguments))
        }
    }

    /// `KeyError: 'x'`-style text: the class name and the message.
    public var description: String {
        self.message.isEmpty ? self.type.name : "\(self.type.name): \(self.message)"
    }
}

extension PythonException {
    /// A `builtins` exception with one message argument.
    public static func builtin(_ name: String, _ message: String) -> PythonException {
        PythonException(type: .builtin(name), arguments: [.string(message)])
    }

    /// `TypeError(message)`.
    public static func typeError(_ message: String) -> PythonException { .builtin("TypeError", message) }
    /// `ValueError(message)`.
    public static func valueError(_ message: String) -> PythonException { .builtin("ValueError", message) }
    /// `IndexError(message)`.
    public static func indexError(_ message: String) -> PythonException { .builtin("IndexError", message) }
    /// `RuntimeError(message)`.
    public static func runtimeError(_ message: String) -> PythonException { .builtin("RuntimeError", message) }
    /// `AttributeError(message)`.
    public static func attributeError(_ message: String) -> PythonException { .builtin("AttributeError", message) }
    /// `OverflowError(message)`.
    public static func overflowError(_ message: String) -> PythonException { .builtin("OverflowError", message) }
    /// `KeyError(key)`: the key object itself is the argument.
    public static func keyError(_ key: PythonValue) -> PythonException {
        PythonException(type: .builtin("KeyError"), arguments: [key])
    }
    /// `StopIteration()`.
    public static var stopIteration: PythonException { PythonException(type: .builtin("StopIteration")) }
    /// `TypeError("unhashable type: 'T'")` for a value of type `T`.
    public static func unhashable(_ value: PythonValue) -> PythonException {
        .typeError("unhashable type: '\(value.typeName)'")
    }

    /// The exception as a pickled value: its class applied to its `args`, plus its state when it has one.
    public var value: PythonValue {
        var object = PythonObject.reduce(self.type, self.arguments)
        if let state = self.state, !state.isEmpty {
            object.states = [.dict(state)]
        }
        return .object(object)
    }

    /// Reads an exception from a pickled value of the shape `cls(*args)` (with an optional dict state), as
    /// found in a `#ERROR` reply. Returns `nil` for any other shape.
    public init?(_ value: PythonValue) {
        guard case .object(let object) = value.unwrapped,
            case .reduce(let callable, let arguments) = object.construction,
            case .global(let type) = callable.unwrapped,
            case .tuple(let args) = arguments.unwrapped,
            object.appendedItems.isEmpty, object.setItems.isEmpty, object.states.count <= 1
        else {
            return nil
        }
        var state: PythonDict? = nil
        if let first = object.states.first {
            guard case .dict(let dict) = first.unwrapped else { return nil }
            state = dict
        }
        self.init(type: type, arguments: args, state: state)
    }
}
