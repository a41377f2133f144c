import Pickle

extension Duration {
    /// The duration in seconds as a Python `float`, the form CPython's proxies send timeouts in.
    var pythonSeconds: PythonValue {
        let components = self.components
        return .float(Double(components.seconds) + Double(components.attoseconds) / 1e18)
    }
}

extension PythonValue {
    /// `slice(start, stop, None)` as CPython pickles it: the global `builtins.slice` applied to a 3-tuple.
    static func slice(_ range: Range<Int>) -> PythonValue {
        .object(PythonObject.reduce(.builtin("slice"), [.int(range.lowerBound), .int(range.upperBound), .none]))
    }

    /// `slice(None, None, None)`: the whole sequence (`l[:]`).
    static var fullSlice: PythonValue {
        .object(PythonObject.reduce(.builtin("slice"), [.none, .none, .none]))
    }

    /// The elements of a `set` or `frozenset` as a `list`, and any other value unchanged, so a set result decodes
    /// into a Swift array.
    var setAsList: PythonValue {
        switch self.unwrapped {
        case .set(let set), .frozenSet(let set): return .list(set.elements)
        default: return self
        }
    }
}

extension ManagedProxy {
    /// Converts a list of Swift values to a Python `list` argument.
    func listArgument<T: Encodable>(_ values: [T]) throws(ManagerError) -> PythonValue {
        var elements: [PythonValue] = []
        elements.reserveCapacity(values.count)
        for value in values {
            elements.append(try self.argument(value))
        }
        return .list(elements)
    }

    /// The keyword arguments CPython's auto proxies send for an optional timeout: `{'timeout': seconds}`, or none.
    func timeoutKeywords(_ timeout: Duration?) -> PythonDict {
        var keywords = PythonDict()
        if let timeout {
            keywords["timeout"] = timeout.pythonSeconds
        }
        return keywords
    }
}
