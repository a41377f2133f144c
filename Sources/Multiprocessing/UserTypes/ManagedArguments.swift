public import Pickle

/// The arguments of a call on a ``ManagedObject``, bound to Swift parameter names the way Python binds them.
///
/// A parameter may arrive by position or by keyword; each accessor takes the parameter's name and position and
/// reports mistakes with Python's own `TypeError` messages.
public struct ManagedArguments: Sendable {
    /// The method (or type, for a constructor) being called, for error messages.
    public var callee: String
    /// Positional arguments.
    public var positional: [PythonValue]
    /// Keyword arguments.
    public var keywords: PythonDict

    /// Arguments for a call of `callee`.
    public init(callee: String, positional: [PythonValue] = [], keywords: PythonDict = PythonDict()) {
        self.callee = callee
        self.positional = positional
        self.keywords = keywords
    }

    /// Checks the argument count and keyword names against a signature of `names` (all of which may be passed by
    /// position or keyword).
    ///
    /// - Throws: `TypeError` for too many positional arguments, unknown or repeated keywords.
    public func expect(atMost count: Int, named names: [String]) throws(PythonException) {
        if self.positional.count > count {
            throw .typeError("\(self.callee)() takes \(count) positional argument\(count == 1 ? "" : "s") but \(self.positional.count) were given")
        }
        for key in self.keywords.keys {
            guard let name = key.stringValue, let index = names.firstIndex(of: name) else {
                throw .typeError("\(self.callee)() got an unexpected keyword argument \(key.repr)")
            }
            if index < self.positional.count {
                throw .typeError("\(self.callee)() got multiple values for argument '\(name)'")
            }
        }
    }

    /// The raw value of parameter `name` at `position`, or `nil` if it was not passed.
    public func rawValue(_ name: String, at position: Int) -> PythonValue? {
        if position < self.positional.count { return self.positional[position] }
        return self.keywords[name]
    }

    /// The value of a required parameter.
    ///
    /// - Throws: `TypeError` if it is missing or does not convert to `T`.
    public func value<T: Decodable>(_ name: String, at position: Int, as type: T.Type = T.self) throws(PythonException) -> T {
        guard let raw = self.rawValue(name, at: position) else {
            throw .typeError("\(self.callee)() missing 1 required positional argument: '\(name)'")
        }
        return try self.convert(raw, name: name)
    }

    /// The value of an optional parameter, or `defaultValue` when it was not passed.
    ///
    /// - Throws: `TypeError` if it does not convert to `T`.
    public func value<T: Decodable>(_ name: String, at position: Int, default defaultValue: T) throws(PythonException) -> T {
        guard let raw = self.rawValue(name, at: position) else { return defaultValue }
        return try self.convert(raw, name: name)
    }

    private func convert<T: Decodable>(_ raw: PythonValue, name: String) throws(PythonException) -> T {
        if let value = raw as? T { return value }
        do {
            return try PythonValueDecoder().decode(T.self, from: raw)
        } catch {
            throw .typeError("\(self.callee)() argument '\(name)' must be \(T.self), not \(raw.typeName)")
        }
    }

    /// The error for a method name a type does not have: `AttributeError`, as Python raises it.
    public static func unknownMethod(_ name: String, of typeID: String) -> PythonException {
        .attributeError("'\(typeID)' object has no attribute '\(name)'")
    }

    /// Encodes a method's result for the reply.
    ///
    /// - Throws: `TypeError` if the value cannot be converted.
    public static func result<T: Encodable>(_ value: T) throws(PythonException) -> ManagedResult {
        if let value = value as? PythonValue { return .value(value) }
        do {
            return .value(try PythonValueEncoder().encode(value))
        } catch {
            throw .typeError("cannot convert a \(T.self) result to a Python value: \(error)")
        }
    }

    /// A method's result that is itself a managed object: the manager hosts it and the caller gets a proxy.
    ///
    /// Never throws; it is declared `throws` so that generated code can call both overloads the same way.
    public static func result(_ object: some ManagedObject) throws(PythonException) -> ManagedResult {
        .object(object)
    }
}
