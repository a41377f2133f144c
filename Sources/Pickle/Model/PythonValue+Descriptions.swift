// Python's repr() and str() of values. (Initial version; complete rules to follow.)

extension PythonValue: CustomStringConvertible {
    /// Python's `repr(value)`.
    public var repr: String {
        switch self.unwrapped {
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let int): return String(int)
        case .bigInt(let big): return String(big)
        case .float(let double): return String(double)
        case .string(let string): return "'\(string)'"
        case .tuple(let elements):
            return elements.count == 1 ? "(\(elements[0].repr),)" : "(" + elements.map(\.repr).joined(separator: ", ") + ")"
        case .list(let elements): return "[" + elements.map(\.repr).joined(separator: ", ") + "]"
        case .dict(let dict): return "{" + dict.items.map { "\($0.key.repr): \($0.value.repr)" }.joined(separator: ", ") + "}"
        default: return "<\(self.typeName) object>"
        }
    }

    /// Python's `str(value)`: the text itself for a `str`, `repr` otherwise.
    public var str: String {
        if case .string(let string) = self.unwrapped { return string }
        return self.repr
    }

    /// Python's `repr(value)`.
    public var description: String { self.repr }
}
