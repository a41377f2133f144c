import Pickle

/// A hosted `list` (typeid `list`, `ListProxy`).
package final class HostedList: HostedObject {
    /// The exposed names: CPython 3.11's tuple, then the 3.14 additions.
    package static let exposedNames = [
        "__add__", "__contains__", "__delitem__", "__getitem__", "__len__", "__mul__", "__reversed__", "__rmul__",
        "__setitem__", "append", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort",
        "__imul__", "clear", "copy",
    ]

    /// The items.
    package private(set) var items: [PythonValue]
    private var mayHoldProxies: Bool

    /// A list holding `items`.
    package init(_ items: [PythonValue] = []) {
        self.items = items
        self.mayHoldProxies = items.contains { $0.containsProxy }
    }

    /// `list(iterable=())` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        if !arguments.keywords.isEmpty { throw .typeError("list() takes no keyword arguments") }
        guard arguments.positional.count <= 1 else {
            throw .typeError("list expected at most 1 argument, got \(arguments.positional.count)")
        }
        self.init(try arguments.positional.first?.iterated() ?? [])
    }

    package var typeID: String { "list" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { PythonValue.list(self.items).repr }
    package func checkedPythonRepr() throws(PythonException) -> String { try PythonValue.list(self.items).checkedRepr() }

    package func pickledValue() -> Result<PythonValue, PythonException> { .success(.list(self.items)) }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        guard self.mayHoldProxies else { return }
        for item in self.items { item.forEachProxyReference { body($0.objectID) } }
    }

    private func stored(_ values: [PythonValue]) -> [PythonValue] {
        if !self.mayHoldProxies, values.contains(where: { $0.containsProxy }) { self.mayHoldProxies = true }
        return values
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "__len__":
            try arguments.requireNoKeywords("list.__len__")
            guard arguments.positional.isEmpty else {
                throw .typeError("expected 0 arguments, got \(arguments.positional.count)")
            }
            return .value(.int(self.items.count))
        case "__getitem__": return .value(try self.getItem(try arguments.bindOne("list.__getitem__")))
        case "__setitem__":
            try arguments.requireNoKeywords("list.__setitem__")
            guard arguments.positional.count == 2 else {
                throw .typeError("expected 2 arguments, got \(arguments.positional.count)")
            }
            let args = arguments.positional
            try self.setItem(args[0], args[1])
            return .value(.none)
        case "__delitem__":
            try self.deleteItem(try arguments.bindOne("list.__delitem__"))
            return .value(.none)
        case "__contains__":
            let value = try arguments.bindOne("list.__contains__")
            return .value(.bool(self.items.contains(value)))
        case "__add__":
            let other = try arguments.bindOne("list.__add__")
            guard case .list(let elements) = other.unwrapped else {
                throw .typeError("can only concatenate list (not \"\(other.typeName)\") to list")
            }
            return .value(.list(self.items + elements))
        case "__mul__", "__rmul__":
            let count = try arguments.bindOne("list.\(method)")
            return .value(.list(try Self.repeated(self.items, count, limit: context.maxRepetitionLength)))
        case "__imul__":
            let count = try arguments.bindOne("list.__imul__")
            self.items = try Self.repeated(self.items, count, limit: context.maxRepetitionLength)
            return .value(.list(self.items))
        case "__reversed__":
            try arguments.bindNone("list.__reversed__")
            var iterator = PythonObject.reduce(.builtin("reversed"), [.list(self.items)])
            iterator.states = [.int(self.items.count - 1)]
            return .value(.object(iterator))
        case "append":
            self.items.append(contentsOf: self.stored([try arguments.bindOne("list.append")]))
        case "extend":
            self.items.append(contentsOf: self.stored(try arguments.bindOne("list.extend").iterated()))
        case "insert":
            let args = try arguments.bindRange("insert", qualifiedName: "list.insert", minimum: 2, maximum: 2)
            var index = try args[0].indexValue(overflow: Self.ssizeOverflow)
            if index < 0 { index = max(0, index + self.items.count) }
            self.items.insert(contentsOf: self.stored([args[1]]), at: min(index, self.items.count))
        case "pop":
            let args = try arguments.bindRange("pop", qualifiedName: "list.pop", minimum: 0, maximum: 1)
            var index = try args.first?.indexValue(overflow: Self.ssizeOverflow) ?? -1
            guard !self.items.isEmpty else { throw .indexError("pop from empty list") }
            if index < 0 { index += self.items.count }
            guard self.items.indices.contains(index) else { throw .indexError("pop index out of range") }
            return .value(self.items.remove(at: index))
        case "remove":
            let value = try arguments.bindOne("list.remove")
            guard let index = self.items.firstIndex(of: value) else {
                throw .valueError("list.remove(x): x not in list")
            }
            self.items.remove(at: index)
        case "index": return .value(.int(try self.index(arguments)))
        case "count":
            let value = try arguments.bindOne("list.count")
            return .value(.int(self.items.count { $0 == value }))
        case "reverse":
            try arguments.bindNone("list.reverse")
            self.items.reverse()
        case "sort": try self.sort(arguments)
        case "clear":
            try arguments.bindNone("list.clear")
            self.items.removeAll()
        case "copy":
            try arguments.bindNone("list.copy")
            return .value(.list(self.items))
        default:
            throw .attributeError("'list' object has no attribute '\(method)'")
        }
        return .value(.none)
    }

    /// What Argument Clinic's `Py_ssize_t` conversion raises for a huge int (`list.insert`, `list.pop`).
    private static let ssizeOverflow = PythonException.overflowError("Python int too large to convert to C ssize_t")

    private static func repeated(_ items: [PythonValue], _ count: PythonValue, limit: Int) throws(PythonException)
        -> [PythonValue]
    {
        let times = try count.indexValue()
        guard times > 0, !items.isEmpty else { return [] }
        guard times <= limit / items.count else { throw PythonException(type: .builtin("MemoryError")) }
        return Array([[PythonValue]](repeating: items, count: times).joined())
    }

    private func normalizedIndex(_ value: PythonValue, message: String) throws(PythonException) -> Int {
        let raw = try value.indexValue(overflow: .indexError("cannot fit 'int' into an index-sized integer"))
        let index = raw < 0 ? raw + self.items.count : raw
        guard self.items.indices.contains(index) else { throw .indexError(message) }
        return index
    }

    private func getItem(_ key: PythonValue) throws(PythonException) -> PythonValue {
        if let slice = PythonSlice(key) {
            return .list(try slice.indices(length: self.items.count).indices.map { self.items[$0] })
        }
        try self.checkIndexType(key)
        return self.items[try self.normalizedIndex(key, message: "list index out of range")]
    }

    private func checkIndexType(_ key: PythonValue) throws(PythonException) {
        switch key.unwrapped {
        case .int, .bigInt, .bool: return
        default: throw .typeError("list indices must be integers or slices, not \(key.typeName)")
        }
    }

    private func setItem(_ key: PythonValue, _ value: PythonValue) throws(PythonException) {
        if let slice = PythonSlice(key) {
            let indices = try slice.indices(length: self.items.count)
            if indices.step == 1 {
                let replacement: [PythonValue]
                do {
                    replacement = try value.iterated()
                } catch {
                    throw .typeError("can only assign an iterable")
                }
                let stop = max(indices.start, indices.stop)
                self.items.replaceSubrange(indices.start..<stop, with: self.stored(replacement))
                return
            }
            let replacement: [PythonValue]
            do {
                replacement = try value.iterated()
            } catch {
                throw .typeError("must assign iterable to extended slice")
            }
            guard replacement.count == indices.count else {
                throw .valueError(
                    "attempt to assign sequence of size \(replacement.count) to extended slice of size \(indices.count)"
                )
            }
            for (offset, index) in indices.indices.enumerated() { self.items[index] = replacement[offset] }
            _ = self.stored(replacement)
            return
        }
        try self.checkIndexType(key)
        let index = try self.normalizedIndex(key, message: "list assignment index out of range")
        self.items[index] = self.stored([value])[0]
    }

    private func deleteItem(_ key: PythonValue) throws(PythonException) {
        if let slice = PythonSlice(key) {
            let indices = try slice.indices(length: self.items.count)
            let doomed = Set(indices.indices)
            self.items = self.items.enumerated().filter { !doomed.contains($0.offset) }.map(\.element)
            return
        }
        try self.checkIndexType(key)
        self.items.remove(at: try self.normalizedIndex(key, message: "list assignment index out of range"))
    }

    private func index(_ arguments: CallArguments) throws(PythonException) -> Int {
        let args = try arguments.bindRange("index", qualifiedName: "list.index", minimum: 1, maximum: 3)
        let count = self.items.count
        func bound(_ value: PythonValue) throws(PythonException) -> Int {
            switch value.unwrapped {
            case .int(let int): return int < 0 ? max(0, int + count) : min(int, count)
            case .bool(let flag): return min(flag ? 1 : 0, count)
            case .bigInt: return (value.doubleValue ?? 0) < 0 ? 0 : count
            default: throw .typeError("slice indices must be integers or have an __index__ method")
            }
        }
        let start = args.count > 1 ? try bound(args[1]) : 0
        let stop = args.count > 2 ? try bound(args[2]) : count
        if start < stop, let found = self.items[start..<stop].firstIndex(of: args[0]) { return found }
        throw .valueError("\(try args[0].checkedRepr()) is not in list")
    }

    private func sort(_ arguments: CallArguments) throws(PythonException) {
        guard arguments.positional.isEmpty else { throw .typeError("sort() takes no positional arguments") }
        var key: PythonValue = .none
        var reverse = false
        for (name, value) in arguments.keywords.items {
            switch name.stringValue {
            case "key": key = value
            case "reverse": reverse = value.isTruthy
            default: throw .typeError("'\(name.str)' is an invalid keyword argument for sort()")
            }
        }
        let sortKey = try SortKey(key)
        var keys: [PythonValue] = []
        keys.reserveCapacity(self.items.count)
        for item in self.items { keys.append(try sortKey.apply(to: item)) }
        try PythonValue.sort(&self.items, keys: keys, reverse: reverse)
    }
}
