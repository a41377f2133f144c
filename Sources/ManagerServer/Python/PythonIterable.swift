import Pickle

extension PythonValue {
    /// The items Python's `iter(value)` would yield, for the built-in iterables a client can send: `list`,
    /// `tuple`, `str` (one-character strings), `bytes`/`bytearray` (ints), `dict` (keys), `set`, `frozenset`,
    /// `builtins.range` objects, `array.array` objects and `builtins.reversed`/`builtins.iter` over a list.
    ///
    /// - Throws: `TypeError("'int' object is not iterable")` for anything else.
    package func iterated() throws(PythonException) -> [PythonValue] {
        switch self.unwrapped {
        case .list(let elements), .tuple(let elements): return elements
        case .string(let string): return string.unicodeScalars.map { .string(String($0)) }
        case .bytes(let bytes), .byteArray(let bytes): return bytes.map { .int(Int($0)) }
        case .dict(let dict): return dict.keys
        case .set(let set), .frozenSet(let set): return set.elements
        case .object(let object):
            if let items = try Self.iteratedObject(object) { return items }
        default: break
        }
        throw .typeError("'\(self.typeName)' object is not iterable")
    }

    private static func iteratedObject(_ object: PythonObject) throws(PythonException) -> [PythonValue]? {
        guard let callable = object.callable, let arguments = object.arguments else { return nil }
        switch callable {
        case .builtin("range"):
            return try PythonRange(arguments)?.elements()
        case PythonGlobal(module: "array", name: "array"):
            return try PythonArrayValue(object)?.items
        case .builtin("reversed"), .builtin("iter"):
            guard arguments.count == 1, let items = arguments[0].sequenceElements else { return nil }
            if callable.name == "iter" { return items }
            var end = items.count
            if let state = object.states.last?.intValue { end = min(max(state + 1, 0), items.count) }
            return Array(items[0..<end].reversed())
        default:
            return nil
        }
    }
}

/// A `builtins.range(start, stop, step)` object received in a value.
package struct PythonRange {
    /// The first value.
    package var start: Int
    /// The bound (exclusive).
    package var stop: Int
    /// The step, never zero.
    package var step: Int

    /// The largest range this server expands into a list.
    package static let maximumCount = 50_000_000

    /// Reads the arguments of a pickled range; `nil` if they are not 1–3 ints with a non-zero step.
    package init?(_ arguments: [PythonValue]) {
        let ints = arguments.compactMap(\.intValue)
        guard ints.count == arguments.count else { return nil }
        switch ints.count {
        case 1: (self.start, self.stop, self.step) = (0, ints[0], 1)
        case 2: (self.start, self.stop, self.step) = (ints[0], ints[1], 1)
        case 3: (self.start, self.stop, self.step) = (ints[0], ints[1], ints[2])
        default: return nil
        }
        guard self.step != 0 else { return nil }
    }

    /// The values of the range.
    ///
    /// - Throws: `MemoryError` if the range is larger than ``maximumCount``.
    package func elements() throws(PythonException) -> [PythonValue] {
        let span = Array(stride(from: self.start, to: self.stop, by: self.step).prefix(Self.maximumCount + 1))
        guard span.count <= Self.maximumCount else {
            throw PythonException(type: .builtin("MemoryError"), arguments: [])
        }
        return span.map { .int($0) }
    }
}
