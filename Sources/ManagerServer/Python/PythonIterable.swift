import BigInt
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
            let state = try object.states.last.map(Self.iteratorState)
            if callable.name == "iter" {
                // listiter_setstate clamps the position to 0...len.
                let start = state.map { min(max($0, 0), items.count) } ?? 0
                return Array(items[start...])
            }
            // listreviter_setstate clamps the index to -1...len-1; the items left are 0...index, reversed.
            let end = state.map { $0 < 0 ? 0 : min($0, items.count - 1) + 1 } ?? items.count
            return Array(items[0..<end].reversed())
        default:
            return nil
        }
    }

    /// An iterator's pickled position, converted as `PyLong_AsSsize_t` does.
    private static func iteratorState(_ value: PythonValue) throws(PythonException) -> Int {
        switch value.unwrapped {
        case .int(let int): return int
        case .bool(let flag): return flag ? 1 : 0
        case .bigInt: throw .overflowError("Python int too large to convert to C ssize_t")
        default: throw .typeError("an integer is required")
        }
    }
}

/// A `builtins.range(start, stop, step)` object received in a value.
///
/// The bounds are `BigInt`s, as Python's `range` accepts ints of any size; the arithmetic cannot overflow.
package struct PythonRange {
    /// The first value.
    package var start: BigInt
    /// The bound (exclusive).
    package var stop: BigInt
    /// The step, never zero.
    package var step: BigInt

    /// The largest range this server expands into a list.
    package static let maximumCount = 50_000_000

    /// Reads the arguments of a pickled range; `nil` if they are not 1–3 ints with a non-zero step.
    package init?(_ arguments: [PythonValue]) {
        let ints = arguments.compactMap(\.integer)
        guard ints.count == arguments.count else { return nil }
        switch ints.count {
        case 1: (self.start, self.stop, self.step) = (0, ints[0], 1)
        case 2: (self.start, self.stop, self.step) = (ints[0], ints[1], 1)
        case 3: (self.start, self.stop, self.step) = (ints[0], ints[1], ints[2])
        default: return nil
        }
        guard self.step != 0 else { return nil }
    }

    /// The number of values, as `len(range)` computes it.
    package var count: BigInt {
        if self.step > 0 {
            return self.start < self.stop ? (self.stop - self.start - 1) / self.step + 1 : 0
        }
        return self.stop < self.start ? (self.start - self.stop - 1) / (-self.step) + 1 : 0
    }

    /// The values of the range.
    ///
    /// - Throws: `MemoryError` if the range is larger than ``maximumCount``.
    package func elements() throws(PythonException) -> [PythonValue] {
        guard let count = Int(exactly: self.count), count <= Self.maximumCount else {
            throw PythonException(type: .builtin("MemoryError"), arguments: [])
        }
        var values: [PythonValue] = []
        values.reserveCapacity(count)
        if let start = Int(exactly: self.start), Int(exactly: self.stop) != nil, let step = Int(exactly: self.step) {
            // Every value lies between `start` and `stop`, so stepping to the next one only when there is one
            // cannot overflow; the common `range(n)` costs no BigInt arithmetic.
            var current = start
            for index in 0..<count {
                values.append(.int(current))
                if index + 1 < count { current += step }
            }
            return values
        }
        var current = self.start
        for _ in 0..<count {
            values.append(.integer(current))
            current += self.step
        }
        return values
    }
}
