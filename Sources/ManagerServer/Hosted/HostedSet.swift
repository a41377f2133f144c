import Pickle

/// A hosted `set` (typeid `set`, 3.14's `SetProxy`). Results that are sets are sent as `set` values.
package final class HostedSet: HostedObject {
    /// The exposed names, as CPython 3.14 reports them.
    package static let exposedNames = [
        "__and__", "__class_getitem__", "__contains__", "__iand__", "__ior__", "__isub__", "__iter__", "__ixor__",
        "__len__", "__or__", "__rand__", "__ror__", "__rsub__", "__rxor__", "__sub__", "__xor__", "__ge__", "__gt__",
        "__le__", "__lt__", "add", "clear", "copy", "difference", "difference_update", "discard", "intersection",
        "intersection_update", "isdisjoint", "issubset", "issuperset", "pop", "remove", "symmetric_difference",
        "symmetric_difference_update", "union", "update",
    ]

    /// The elements.
    package private(set) var elements: PythonSet
    private var mayHoldProxies: Bool

    /// A set of `elements`.
    package init(_ elements: PythonSet = PythonSet()) {
        self.elements = elements
        self.mayHoldProxies = PythonValue.set(elements).containsProxy
    }

    /// `set(iterable=())` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        if !arguments.keywords.isEmpty { throw .typeError("set() takes no keyword arguments") }
        guard arguments.positional.count <= 1 else {
            throw .typeError("set expected at most 1 argument, got \(arguments.positional.count)")
        }
        self.init(try PythonSet(try arguments.positional.first?.iterated() ?? []))
    }

    package var typeID: String { "set" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String {
        if self.elements.isEmpty { return "set()" }
        return "{" + self.elements.elements.map(\.repr).joined(separator: ", ") + "}"
    }
    package func checkedPythonRepr() throws(PythonException) -> String {
        if self.elements.isEmpty { return "set()" }
        return "{" + (try self.elements.elements.map { element throws(PythonException) in try element.checkedRepr() })
            .joined(separator: ", ") + "}"
    }
    package func pickledValue() -> Result<PythonValue, PythonException> { .success(.set(self.elements)) }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        guard self.mayHoldProxies else { return }
        PythonValue.set(self.elements).forEachProxyReference { body($0.objectID) }
    }

    private static let notImplemented = PythonValue.global(PythonGlobal(module: "builtins", name: "NotImplemented"))

    /// The elements of a `set`/`frozenset` operand, or `nil` (operators then return `NotImplemented`).
    private static func setOperand(_ value: PythonValue) -> PythonSet? {
        switch value.unwrapped {
        case .set(let set), .frozenSet(let set): return set
        default: return nil
        }
    }

    private func union(_ others: [PythonSet]) throws(PythonException) -> PythonSet {
        var result = self.elements
        for other in others { for element in other.elements { try result.insert(element) } }
        return result
    }

    private func intersection(_ others: [PythonSet]) throws(PythonException) -> PythonSet {
        var result = PythonSet()
        for element in self.elements.elements {
            var inAll = true
            for other in others where !(try other.contains(element)) { inAll = false }
            if inAll { try result.insert(element) }
        }
        return result
    }

    private func difference(_ others: [PythonSet]) throws(PythonException) -> PythonSet {
        var result = PythonSet()
        for element in self.elements.elements {
            var inAny = false
            for other in others where try other.contains(element) { inAny = true }
            if !inAny { try result.insert(element) }
        }
        return result
    }

    private static func symmetricDifference(_ a: PythonSet, _ b: PythonSet) throws(PythonException) -> PythonSet {
        var result = PythonSet()
        for element in a.elements where !(try b.contains(element)) { try result.insert(element) }
        for element in b.elements where !(try a.contains(element)) { try result.insert(element) }
        return result
    }

    private static func isSubset(_ a: PythonSet, of b: PythonSet) throws(PythonException) -> Bool {
        for element in a.elements where !(try b.contains(element)) { return false }
        return true
    }

    private func replace(_ set: PythonSet) {
        self.elements = set
        if !self.mayHoldProxies, PythonValue.set(set).containsProxy { self.mayHoldProxies = true }
    }

    private static func iterables(_ values: [PythonValue]) throws(PythonException) -> [PythonSet] {
        var sets: [PythonSet] = []
        for value in values { sets.append(try PythonSet(try value.iterated())) }
        return sets
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "__len__":
            try arguments.requireNoKeywords("set.__len__")
            guard arguments.positional.isEmpty else {
                throw .typeError("expected 0 arguments, got \(arguments.positional.count)")
            }
            return .value(.int(self.elements.count))
        case "__contains__":
            let value = try arguments.bindOne("set.__contains__")
            if case .set(let set) = value.unwrapped { return .value(.bool(self.elements.contains(set: set))) }
            return .value(.bool(try self.elements.contains(value)))
        case "__iter__":
            try arguments.bindNone("set.__iter__")
            return .value(.object(.reduce(.builtin("iter"), [.list(self.elements.elements)])))
        case "__class_getitem__":
            throw .typeError("set.__class_getitem__ cannot be served: the result is a Python type alias")
        case "__and__", "__rand__", "__or__", "__ror__", "__sub__", "__rsub__", "__xor__", "__rxor__",
            "__iand__", "__ior__", "__isub__", "__ixor__", "__ge__", "__gt__", "__le__", "__lt__":
            guard let other = Self.setOperand(try arguments.bindOne("set.\(method)")) else {
                return .value(Self.notImplemented)
            }
            return .value(try self.operate(method, other))
        case "add":
            var set = self.elements
            try set.insert(try arguments.bindOne("set.add"))
            self.replace(set)
        case "discard", "remove":
            let value = try arguments.bindOne("set.\(method)")
            let key = Self.setOperand(value).map { PythonValue.frozenSet($0) } ?? value
            if try self.elements.remove(key) == nil, method == "remove" { throw .keyError(value) }
        case "pop":
            try arguments.bindNone("set.pop")
            guard let element = self.elements.removeFirst() else { throw .keyError("pop from an empty set") }
            return .value(element)
        case "clear":
            try arguments.bindNone("set.clear")
            self.elements.removeAll()
        case "copy":
            try arguments.bindNone("set.copy")
            return .value(.set(self.elements))
        case "union", "intersection", "difference", "update", "intersection_update", "difference_update":
            try arguments.requireNoKeywords("set.\(method)")
            let others = try Self.iterables(arguments.positional)
            let result: PythonSet
            switch method {
            case "union", "update": result = try self.union(others)
            case "intersection", "intersection_update": result = try self.intersection(others)
            default: result = try self.difference(others)
            }
            if method.hasSuffix("update") {
                self.replace(result)
                return .value(.none)
            }
            return .value(.set(result))
        case "symmetric_difference", "symmetric_difference_update", "isdisjoint", "issubset", "issuperset":
            let other = try PythonSet(try arguments.bindOne("set.\(method)").iterated())
            switch method {
            case "symmetric_difference": return .value(.set(try Self.symmetricDifference(self.elements, other)))
            case "symmetric_difference_update": self.replace(try Self.symmetricDifference(self.elements, other))
            case "isdisjoint": return .value(.bool(try self.intersection([other]).isEmpty))
            case "issubset": return .value(.bool(try Self.isSubset(self.elements, of: other)))
            default: return .value(.bool(try Self.isSubset(other, of: self.elements)))
            }
        default:
            throw .attributeError("'set' object has no attribute '\(method)'")
        }
        return .value(.none)
    }

    private func operate(_ method: String, _ other: PythonSet) throws(PythonException) -> PythonValue {
        switch method {
        case "__and__", "__rand__": return .set(try self.intersection([other]))
        case "__or__", "__ror__": return .set(try self.union([other]))
        case "__sub__": return .set(try self.difference([other]))
        case "__rsub__": return .set(try HostedSet(other).difference([self.elements]))
        case "__xor__", "__rxor__": return .set(try Self.symmetricDifference(self.elements, other))
        case "__iand__": self.replace(try self.intersection([other]))
        case "__ior__": self.replace(try self.union([other]))
        case "__isub__": self.replace(try self.difference([other]))
        case "__ixor__": self.replace(try Self.symmetricDifference(self.elements, other))
        case "__le__": return .bool(try Self.isSubset(self.elements, of: other))
        case "__lt__":
            let subset = try Self.isSubset(self.elements, of: other)
            return .bool(self.elements.count < other.count && subset)
        case "__ge__": return .bool(try Self.isSubset(other, of: self.elements))
        default:
            let superset = try Self.isSubset(other, of: self.elements)
            return .bool(self.elements.count > other.count && superset)
        }
        return .set(self.elements)
    }
}

extension PythonSet {
    /// `set in s`: a `set` operand is looked up as the equal `frozenset`.
    fileprivate func contains(set: PythonSet) -> Bool {
        (try? self.contains(.frozenSet(set))) ?? false
    }
}
