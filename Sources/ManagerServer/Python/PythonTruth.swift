import Pickle

extension PythonValue {
    /// Python's `bool(value)` for the built-in types; opaque objects and proxies are true.
    package var isTruthy: Bool {
        switch self.unwrapped {
        case .none: return false
        case .bool(let flag): return flag
        case .int(let int): return int != 0
        case .bigInt(let big): return big != 0
        case .float(let double): return double != 0
        case .complex(let real, let imaginary): return real != 0 || imaginary != 0
        case .string(let string): return !string.isEmpty
        case .surrogateString(let bytes), .bytes(let bytes), .byteArray(let bytes): return !bytes.isEmpty
        case .tuple(let elements), .list(let elements): return !elements.isEmpty
        case .dict(let dict): return !dict.isEmpty
        case .set(let set), .frozenSet(let set): return !set.isEmpty
        default: return true
        }
    }

    /// Python's `operator.index(value)` for an index that must fit in a Swift `Int`.
    ///
    /// - Throws: `TypeError("'float' object cannot be interpreted as an integer")` for a non-integer;
    ///   `overflow` (default `OverflowError("cannot fit 'int' into an index-sized integer")`) for a huge int.
    package func indexValue(overflow: PythonException? = nil) throws(PythonException) -> Int {
        switch self.unwrapped {
        case .int(let int): return int
        case .bool(let flag): return flag ? 1 : 0
        case .bigInt:
            throw overflow ?? .overflowError("cannot fit 'int' into an index-sized integer")
        default:
            throw .typeError("'\(self.typeName)' object cannot be interpreted as an integer")
        }
    }
}
