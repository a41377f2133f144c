import Pickle

extension CallArguments {
    /// Binds the arguments to the parameters of a Python-level function (`def put(self, item, block=True,
    /// timeout=None)`), with CPython's `TypeError` messages.
    ///
    /// - Parameters:
    ///   - function: the qualified name used in messages, e.g. `Queue.put`.
    ///   - parameters: the parameter names after `self`, in order.
    ///   - defaults: default values for the trailing parameters (`nil` entries in the result for absent
    ///     optional parameters are replaced by these).
    /// - Returns: one value per parameter.
    /// - Throws: `TypeError` for too many positional arguments, unknown or duplicate keywords, missing
    ///   required arguments.
    package func bindPython(
        _ function: String,
        _ parameters: [String],
        defaults: [PythonValue] = []
    ) throws(PythonException) -> [PythonValue] {
        let requiredCount = parameters.count - defaults.count
        if self.positional.count > parameters.count {
            let accepted: String
            if defaults.isEmpty {
                let count = parameters.count + 1
                accepted = "\(count) positional argument\(count == 1 ? "" : "s")"
            } else {
                accepted = "from \(requiredCount + 1) to \(parameters.count + 1) positional arguments"
            }
            let given = self.positional.count + 1
            throw .typeError(
                "\(function)() takes \(accepted) but \(given) \(given == 1 ? "was" : "were") given"
            )
        }
        var bound: [PythonValue?] = self.positional
        bound.append(contentsOf: repeatElement(nil, count: parameters.count - self.positional.count))
        for (key, value) in self.keywords.items {
            guard let name = key.stringValue else { throw .typeError("keywords must be strings") }
            guard let index = parameters.firstIndex(of: name) else {
                throw .typeError("\(function)() got an unexpected keyword argument '\(name)'")
            }
            guard bound[index] == nil else {
                throw .typeError("\(function)() got multiple values for argument '\(name)'")
            }
            bound[index] = value
        }
        let missing = (0..<requiredCount).filter { bound[$0] == nil }.map { "'\(parameters[$0])'" }
        if !missing.isEmpty {
            let list: String
            switch missing.count {
            case 1: list = missing[0]
            case 2: list = "\(missing[0]) and \(missing[1])"
            default: list = missing.dropLast().joined(separator: ", ") + ", and " + (missing.last ?? "")
            }
            let noun = missing.count == 1 ? "argument" : "arguments"
            throw .typeError("\(function)() missing \(missing.count) required positional \(noun): \(list)")
        }
        return bound.enumerated().map { index, value in value ?? defaults[index - requiredCount] }
    }

    /// Checks a C method that takes no keyword arguments (`list.append()`), with CPython's message.
    ///
    /// - Throws: `TypeError("list.append() takes no keyword arguments")`.
    package func requireNoKeywords(_ function: String) throws(PythonException) {
        if !self.keywords.isEmpty {
            throw .typeError("\(function)() takes no keyword arguments")
        }
    }

    /// The arguments of a C method with no parameters (`list.reverse()`).
    ///
    /// - Throws: `TypeError("list.reverse() takes no arguments (1 given)")`.
    package func bindNone(_ function: String) throws(PythonException) {
        try self.requireNoKeywords(function)
        if !self.positional.isEmpty {
            throw .typeError("\(function)() takes no arguments (\(self.positional.count) given)")
        }
    }

    /// The single argument of a C method with one parameter (`list.count(x)`).
    ///
    /// - Throws: `TypeError("list.count() takes exactly one argument (0 given)")`.
    package func bindOne(_ function: String) throws(PythonException) -> PythonValue {
        try self.requireNoKeywords(function)
        guard self.positional.count == 1 else {
            throw .typeError("\(function)() takes exactly one argument (\(self.positional.count) given)")
        }
        return self.positional[0]
    }

    /// The positional arguments of a C method with optional parameters (`list.pop([i])`), using Argument
    /// Clinic's messages: `pop expected at most 1 argument, got 2`.
    ///
    /// - Parameters:
    ///   - name: the short name used in the message (`pop`).
    ///   - qualifiedName: the name used in the keyword message (`list.pop`).
    ///   - minimum: the number of required arguments.
    ///   - maximum: the number of parameters.
    /// - Throws: `TypeError` for keywords or a wrong number of arguments.
    package func bindRange(
        _ name: String,
        qualifiedName: String,
        minimum: Int,
        maximum: Int
    ) throws(PythonException) -> [PythonValue] {
        try self.requireNoKeywords(qualifiedName)
        let count = self.positional.count
        func plural(_ n: Int) -> String { n == 1 ? "argument" : "arguments" }
        let name = name.isEmpty ? "" : "\(name) "
        if minimum == maximum, count != minimum {
            throw .typeError("\(name)expected \(minimum) \(plural(minimum)), got \(count)")
        }
        if count < minimum {
            throw .typeError("\(name)expected at least \(minimum) \(plural(minimum)), got \(count)")
        }
        if count > maximum {
            throw .typeError("\(name)expected at most \(maximum) \(plural(maximum)), got \(count)")
        }
        return self.positional
    }
}
