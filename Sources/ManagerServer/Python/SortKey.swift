import BigInt
import Pickle

/// A `key=` function for `list.sort`, evaluated natively: the server runs no Python code, so only a few
/// well-known built-in callables are understood.
package enum SortKey {
    /// `key=None`: the item itself.
    case identity
    /// `abs`.
    case absolute
    /// `len`.
    case length
    /// `str`.
    case string
    /// `repr`.
    case representation
    /// `int`.
    case integer
    /// `float`.
    case float
    /// `str.lower` (and `str.casefold`).
    case lowercased
    /// `str.upper`.
    case uppercased
    /// `operator.itemgetter(i)`.
    case item(PythonValue)

    /// Recognises `None`, `builtins.abs/len/str/repr/int/float`, `getattr(str, 'lower'|'upper'|'casefold')` and
    /// `operator.itemgetter(i)`.
    ///
    /// - Throws: `TypeError` naming the callable for anything else.
    package init(_ value: PythonValue) throws(PythonException) {
        switch value.unwrapped {
        case .none:
            self = .identity
            return
        case .global(let global) where global.module == "builtins":
            switch global.name {
            case "abs": self = .absolute
            case "len": self = .length
            case "str": self = .string
            case "repr": self = .representation
            case "int": self = .integer
            case "float": self = .float
            default: throw Self.unsupported(value)
            }
            return
        case .object(let object):
            if object.callable == .builtin("getattr"), let args = object.arguments, args.count == 2,
                args[0] == .global(.builtin("str"))
            {
                switch args[1].stringValue {
                case "lower", "casefold": self = .lowercased
                case "upper": self = .uppercased
                default: throw Self.unsupported(value)
                }
                return
            }
            if object.callable == PythonGlobal(module: "operator", name: "itemgetter"), let args = object.arguments,
                args.count == 1
            {
                self = .item(args[0])
                return
            }
        default: break
        }
        throw Self.unsupported(value)
    }

    private static func unsupported(_ value: PythonValue) -> PythonException {
        let name: String
        switch value.unwrapped {
        case .global(let global): name = global.description
        case .object(let object): name = object.callable?.description ?? object.className
        default: name = value.typeName
        }
        return .typeError(
            "sort key \(name) cannot be evaluated: this manager server runs no Python code; use key=None, a "
                + "builtin (abs, len, str, repr, int, float), str.lower/str.upper or operator.itemgetter(i)"
        )
    }

    /// The key of `value`.
    ///
    /// - Throws: the `TypeError` Python would raise for a value the key function does not accept.
    package func apply(to value: PythonValue) throws(PythonException) -> PythonValue {
        switch self {
        case .identity: return value
        case .absolute:
            switch value.unwrapped {
            case .int(let int) where int != .min: return .int(abs(int))
            case .int(let int): return .integer(-BigInt(int))
            case .bigInt(let big): return .integer(big.magnitude == 0 ? 0 : BigInt(big.magnitude))
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .float(let double): return .float(abs(double))
            case .complex(let re, let im): return .float((re * re + im * im).squareRoot())
            default: throw .typeError("bad operand type for abs(): '\(value.typeName)'")
            }
        case .length:
            switch value.unwrapped {
            case .string(let string): return .int(string.unicodeScalars.count)
            case .bytes(let bytes), .byteArray(let bytes): return .int(bytes.count)
            case .tuple(let elements), .list(let elements): return .int(elements.count)
            case .dict(let dict): return .int(dict.count)
            case .set(let set), .frozenSet(let set): return .int(set.count)
            default: throw .typeError("object of type '\(value.typeName)' has no len()")
            }
        case .string: return .string(try value.checkedStr())
        case .representation: return .string(try value.checkedRepr())
        case .integer:
            switch value.unwrapped {
            case .int, .bigInt: return value
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .float(let double):
                guard double.isFinite, let int = Int(exactly: double.rounded(.towardZero)) else {
                    throw .valueError("cannot convert float \(value.repr) to integer")
                }
                return .int(int)
            case .string(let string):
                return try PythonIntegerString.parse(string)
            default:
                throw .typeError(
                    "int() argument must be a string, a bytes-like object or a real number, not '\(value.typeName)'"
                )
            }
        case .float:
            if case .bigInt(let big) = value.unwrapped {
                let double = Double(big)
                guard double.isFinite else { throw .overflowError("int too large to convert to float") }
                return .float(double)
            }
            if let double = value.doubleValue { return .float(double) }
            if let string = value.stringValue, let double = Double(string.trimmingCharacters(in: " \t\n")) {
                return .float(double)
            }
            if value.stringValue != nil { throw .valueError("could not convert string to float: \(value.repr)") }
            throw .typeError("float() argument must be a string or a real number, not '\(value.typeName)'")
        case .lowercased, .uppercased:
            guard let string = value.stringValue else {
                let name = self == .lowercased ? "lower" : "upper"
                throw .typeError("descriptor '\(name)' for 'str' objects doesn't apply to a '\(value.typeName)' object")
            }
            return .string(self == .lowercased ? string.lowercased() : string.uppercased())
        case .item(let index):
            switch value.unwrapped {
            case .list(let elements), .tuple(let elements):
                if let slice = PythonSlice(index) {
                    let picked = try slice.indices(length: elements.count).indices.map { elements[$0] }
                    if case .list = value.unwrapped { return .list(picked) }
                    return .tuple(picked)
                }
                let raw = try index.indexValue()
                let position = raw < 0 ? raw + elements.count : raw
                guard elements.indices.contains(position) else {
                    throw .indexError("\(value.typeName) index out of range")
                }
                return elements[position]
            case .dict(let dict):
                guard let found = try dict.value(forKey: index) else { throw .keyError(index) }
                return found
            case .string(let string):
                let scalars = Array(string.unicodeScalars)
                let raw = try index.indexValue()
                let position = raw < 0 ? raw + scalars.count : raw
                guard scalars.indices.contains(position) else { throw .indexError("string index out of range") }
                return .string(String(scalars[position]))
            default:
                throw .typeError("'\(value.typeName)' object is not subscriptable")
            }
        }
    }
}

extension SortKey: Equatable {}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
