import BigInt
import Pickle

/// The few value operations the server performs itself: numeric addition and assignment into nested values.
enum PythonArithmetic {
    /// Python's `a + b` for numbers (`bool`, `int` of any size, `float`) and for `str`, `bytes`, `list` and `tuple`
    /// concatenation.
    ///
    /// - Throws: `TypeError("unsupported operand type(s) for +: 'str' and 'int'")` otherwise.
    static func add(_ a: PythonValue, _ b: PythonValue) throws(PythonException) -> PythonValue {
        switch (a.unwrapped, b.unwrapped) {
        case (.float(let x), _):
            if let y = b.doubleValue { return .float(x + y) }
        case (_, .float(let y)):
            if let x = a.doubleValue { return .float(x + y) }
        case (.string(let x), .string(let y)):
            return .string(x + y)
        case (.bytes(let x), .bytes(let y)):
            return .bytes(x + y)
        case (.list(let x), .list(let y)):
            return .list(x + y)
        case (.tuple(let x), .tuple(let y)):
            return .tuple(x + y)
        default:
            if let x = a.integer, let y = b.integer {
                return .integer(x + y)
            }
        }
        throw .typeError("unsupported operand type(s) for +: '\(a.typeName)' and '\(b.typeName)'")
    }

    /// `container[path[0]][path[1]]… = value` on plain nested dicts and lists, returning the changed container.
    ///
    /// - Throws: `KeyError`, `IndexError` or `TypeError` as Python would for each step.
    static func setting(_ value: PythonValue, at path: ArraySlice<PythonValue>, in container: PythonValue)
        throws(PythonException) -> PythonValue
    {
        guard let key = path.first else { return value }
        let rest = path.dropFirst()
        switch container.unwrapped {
        case .dict(var dict):
            if rest.isEmpty {
                try dict.setValue(value, forKey: key)
            } else {
                guard let inner = try dict.value(forKey: key) else { throw .keyError(key) }
                try dict.setValue(try Self.setting(value, at: rest, in: inner), forKey: key)
            }
            return .dict(dict)
        case .list(var items):
            if case .bigInt = key.unwrapped { throw .indexError("cannot fit 'int' into an index-sized integer") }
            guard let raw = key.intValue else {
                throw .typeError("list indices must be integers or slices, not \(key.typeName)")
            }
            let index = raw < 0 ? raw + items.count : raw
            guard items.indices.contains(index) else { throw .indexError("list assignment index out of range") }
            items[index] = rest.isEmpty ? value : try Self.setting(value, at: rest, in: items[index])
            return .list(items)
        default:
            throw .typeError("'\(container.typeName)' object does not support item assignment")
        }
    }
}

extension PythonValue {
    /// The value of an `int` or `bool` as a `BigInt`.
    var integer: BigInt? {
        switch self.unwrapped {
        case .int(let value): return BigInt(value)
        case .bigInt(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }
}
