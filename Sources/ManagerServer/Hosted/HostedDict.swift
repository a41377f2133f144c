import Pickle

/// A hosted `dict` (typeid `dict`, `DictProxy`).
package final class HostedDict: HostedObject {
    /// The exposed names: CPython 3.11's tuple (with `__iter__` twice, as CPython reports it), then the 3.14
    /// additions.
    package static let exposedNames = [
        "__contains__", "__delitem__", "__getitem__", "__iter__", "__len__", "__setitem__", "clear", "copy", "get",
        "items", "keys", "pop", "popitem", "setdefault", "update", "values", "__iter__",
        "__ior__", "__or__", "__reversed__", "__ror__", "fromkeys",
    ]

    /// The items.
    package private(set) var dict: PythonDict
    private var mayHoldProxies: Bool

    /// A dict holding `dict`.
    package init(_ dict: PythonDict = PythonDict()) {
        self.dict = dict
        self.mayHoldProxies = PythonValue.dict(dict).containsProxy
    }

    /// `dict(mapping_or_pairs=(), **kw)` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        self.init()
        try self.update(arguments, name: "dict")
    }

    package var typeID: String { "dict" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { PythonValue.dict(self.dict).repr }
    package func checkedPythonRepr() throws(PythonException) -> String { try PythonValue.dict(self.dict).checkedRepr() }

    package func pickledValue() -> Result<PythonValue, PythonException> { .success(.dict(self.dict)) }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        guard self.mayHoldProxies else { return }
        PythonValue.dict(self.dict).forEachProxyReference { body($0.objectID) }
    }

    private func store(_ value: PythonValue, forKey key: PythonValue) throws(PythonException) {
        try self.dict.setValue(value, forKey: key)
        if !self.mayHoldProxies, value.containsProxy || key.containsProxy { self.mayHoldProxies = true }
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "__len__":
            try arguments.bindNone("dict.__len__")
            return .value(.int(self.dict.count))
        case "__getitem__":
            let key = try arguments.bindOne("dict.__getitem__")
            guard let value = try self.dict.value(forKey: key) else { throw .keyError(key) }
            return .value(value)
        case "__setitem__":
            let args = try arguments.bindRange("", qualifiedName: "dict.__setitem__", minimum: 2, maximum: 2)
            try self.store(args[1], forKey: args[0])
        case "__delitem__":
            let key = try arguments.bindOne("dict.__delitem__")
            guard try self.dict.removeValue(forKey: key) != nil else { throw .keyError(key) }
        case "__contains__":
            return .value(.bool(try self.dict.contains(try arguments.bindOne("dict.__contains__"))))
        case "__iter__":
            try arguments.bindNone("dict.__iter__")
            let iterator = HostedIterator(
                items: self.dict.keys,
                pythonTypeName: "dict_keyiterator",
                currentSize: { [weak self] in self?.dict.count }
            )
            return .newObject(iterator)
        case "__reversed__":
            // Not in DictProxy's method_to_typeid: CPython pickles the reverse iterator as `iter([keys...])`.
            try arguments.bindNone("dict.__reversed__")
            return .value(.object(.reduce(.builtin("iter"), [.list(self.dict.keys.reversed())])))
        case "get", "setdefault":
            let args = try arguments.bindRange(method, qualifiedName: "dict.\(method)", minimum: 1, maximum: 2)
            if let value = try self.dict.value(forKey: args[0]) { return .value(value) }
            let fallback = args.count > 1 ? args[1] : .none
            if method == "setdefault" { try self.store(fallback, forKey: args[0]) }
            return .value(fallback)
        case "pop":
            let args = try arguments.bindRange("pop", qualifiedName: "dict.pop", minimum: 1, maximum: 2)
            if let value = try self.dict.removeValue(forKey: args[0]) { return .value(value) }
            guard args.count > 1 else { throw .keyError(args[0]) }
            return .value(args[1])
        case "popitem":
            try arguments.bindNone("dict.popitem")
            guard let (key, value) = self.dict.removeLast() else {
                throw .keyError(.string("popitem(): dictionary is empty"))
            }
            return .value(.tuple([key, value]))
        case "keys":
            try arguments.bindNone("dict.keys")
            return .value(.list(self.dict.keys))
        case "values":
            try arguments.bindNone("dict.values")
            return .value(.list(self.dict.values))
        case "items":
            try arguments.bindNone("dict.items")
            return .value(.list(self.dict.items.map { .tuple([$0.key, $0.value]) }))
        case "copy":
            try arguments.bindNone("dict.copy")
            return .value(.dict(self.dict))
        case "clear":
            try arguments.bindNone("dict.clear")
            self.dict.removeAll()
        case "update": try self.update(arguments, name: "update")
        case "__ior__":
            let other = try arguments.bindOne("dict.__ior__")
            try self.update(CallArguments([other]), name: "update")
            return .value(.dict(self.dict))
        case "__or__", "__ror__":
            let other = try arguments.bindOne("dict.\(method)")
            guard case .dict(let otherDict) = other.unwrapped else {
                return .value(.global(PythonGlobal(module: "builtins", name: "NotImplemented")))
            }
            var merged = method == "__or__" ? self.dict : otherDict
            for (key, value) in (method == "__or__" ? otherDict : self.dict).items {
                try merged.setValue(value, forKey: key)
            }
            return .value(.dict(merged))
        case "fromkeys":
            let args = try arguments.bindRange("fromkeys", qualifiedName: "dict.fromkeys", minimum: 1, maximum: 2)
            var result = PythonDict()
            for key in try args[0].iterated() { try result.setValue(args.count > 1 ? args[1] : .none, forKey: key) }
            return .value(.dict(result))
        case "__swift_increment__":
            let args = try arguments.bindRange("", qualifiedName: "dict.__swift_increment__", minimum: 2, maximum: 2)
            let sum = try PythonArithmetic.add(try self.dict.value(forKey: args[0]) ?? .int(0), args[1])
            try self.store(sum, forKey: args[0])
            return .value(sum)
        case "__swift_set_nested__":
            let args = try arguments.bindRange("", qualifiedName: "dict.__swift_set_nested__", minimum: 2, maximum: 2)
            guard let path = args[0].sequenceElements, let first = path.first else {
                throw .typeError("__swift_set_nested__() needs a non-empty tuple path, got \(args[0].typeName)")
            }
            try Self.checkNestedDepth(path: path.count, value: args[1], limit: context.maxValueDepth)
            if path.count == 1 {
                try self.store(args[1], forKey: first)
            } else {
                guard let entry = try self.dict.value(forKey: first) else { throw .keyError(first) }
                try self.store(try PythonArithmetic.setting(args[1], at: path.dropFirst(), in: entry), forKey: first)
            }
        default:
            throw .attributeError("'dict' object has no attribute '\(method)'")
        }
        return .value(.none)
    }

    /// This server's own dict methods, for one-round-trip updates that CPython's proxies cannot express
    /// (`d[k] += 1` and `d[k][i] = v` are read-modify-write or silently lost on a CPython manager).
    package static let swiftExtensions = ["__swift_increment__", "__swift_set_nested__"]

    /// Refuses a `__swift_set_nested__` that would make the dict nest deeper than `limit`.
    ///
    /// Each call's own pickle is bounded, but calls build on each other: ten of ~990 levels each would make a
    /// 9,900-level value that overflows the stack when it is written, printed or freed. The value lands inside
    /// `path - 1` containers of the entry, which sits in the dict: the dict then nests `path + depth(value)` deep.
    ///
    /// - Throws: `RecursionError` naming the limit.
    private static func checkNestedDepth(path: Int, value: PythonValue, limit: Int) throws(PythonException) {
        let remaining = limit - path
        guard remaining >= 0, value.nestingDepth(limit: remaining) != nil else {
            throw .builtin(
                "RecursionError",
                "__swift_set_nested__ would nest the dict deeper than this server's limit of \(limit) levels "
                    + "(PickleLimits.maxDepth); store a flatter value or use a shorter path"
            )
        }
    }

    /// `dict.update([other], **kw)`.
    private func update(_ arguments: CallArguments, name: String) throws(PythonException) {
        guard arguments.positional.count <= 1 else {
            throw .typeError("\(name) expected at most 1 argument, got \(arguments.positional.count)")
        }
        if let other = arguments.positional.first {
            if case .dict(let mapping) = other.unwrapped {
                for (key, value) in mapping.items { try self.store(value, forKey: key) }
            } else {
                for (offset, element) in try other.iterated().enumerated() {
                    let pair: [PythonValue]
                    do {
                        pair = try element.iterated()
                    } catch {
                        throw .typeError("cannot convert dictionary update sequence element #\(offset) to a sequence")
                    }
                    guard pair.count == 2 else {
                        throw .valueError(
                            "dictionary update sequence element #\(offset) has length \(pair.count); 2 is required"
                        )
                    }
                    try self.store(pair[1], forKey: pair[0])
                }
            }
        }
        for (key, value) in arguments.keywords.items { try self.store(value, forKey: key) }
    }
}
