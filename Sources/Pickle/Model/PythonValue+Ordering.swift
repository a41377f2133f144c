// Python's `<` on values, as `list.sort` uses it. (Initial version; complete rules to follow.)

extension PythonValue {
    /// Python's `self < other`.
    ///
    /// - Throws: `TypeError("'<' not supported between instances of 'str' and 'int'")` for incomparable types.
    public func isLess(than other: PythonValue) throws(PythonException) -> Bool {
        switch (self.unwrapped, other.unwrapped) {
        case (.string(let a), .string(let b)): return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        default:
            if let a = self.doubleValue, let b = other.doubleValue { return a < b }
            throw .typeError("'<' not supported between instances of '\(self.typeName)' and '\(other.typeName)'")
        }
    }
}
