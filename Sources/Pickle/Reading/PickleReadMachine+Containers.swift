extension PickleReadMachine {
    func kindName(_ item: DecodingItem) -> String {
        switch item {
        case .value(let value, _): return value.typeName
        case .node(let node): return node.kindName
        }
    }

    func checkLength(_ count: Int) throws(PickleError) {
        guard count <= self.limits.maxContainerLength else {
            throw self.error(
                .limitExceeded,
                "a container has \(count) items, more than maxContainerLength (\(self.limits.maxContainerLength))"
            )
        }
    }

    /// A finished value of the given depth, refused when it nests deeper than ``PickleLimits/maxDepth``.
    @inline(__always)
    func checkedValue(_ value: PythonValue, depth: Int) throws(PickleError) -> DecodingItem {
        guard depth <= self.limits.maxDepth else {
            throw self.error(.limitExceeded, "values nest deeper than maxDepth (\(self.limits.maxDepth))")
        }
        return .value(value, depth: depth)
    }

    /// The values of `items` and their greatest depth, or `nil` when one of them is a node.
    @inline(__always)
    func plainValues(_ items: [DecodingItem]) -> (values: [PythonValue], depth: Int)? {
        var values: [PythonValue] = []
        values.reserveCapacity(items.count)
        var depth = 0
        for item in items {
            guard case .value(let value, let itemDepth) = item else { return nil }
            values.append(value)
            depth = Swift.max(depth, itemDepth)
        }
        return (values, depth)
    }

    /// A tuple: a finished value when its items are, a node otherwise.
    mutating func makeTuple(_ items: [DecodingItem]) throws(PickleError) -> DecodingItem {
        if let (values, depth) = self.plainValues(items) {
            return try self.checkedValue(.tuple(values), depth: depth + 1)
        }
        return .node(self.makeNode(.tuple, items))
    }

    /// A frozenset: a finished value when its items are, a node otherwise.
    mutating func makeFrozenSet(_ items: [DecodingItem]) throws(PickleError) -> DecodingItem {
        if let (values, depth) = self.plainValues(items) {
            var set = PythonSet()
            for value in values {
                guard self.budget.charge(value) else { throw self.budget.error(offset: self.opcodeOffset) }
                do {
                    try set.insert(value)
                } catch {
                    throw self.error(.invalidValue, "a frozenset element is unhashable: \(error.description)")
                }
            }
            return try self.checkedValue(.frozenSet(set), depth: depth + 1)
        }
        return .node(self.makeNode(.frozenSet, items))
    }

    mutating func makeObject(_ construction: DecodingNode.Construction) -> DecodingItem {
        .node(self.makeNode(.object(construction)))
    }

    /// `APPEND`/`APPENDS` on a list or an opaque object.
    mutating func append(_ items: [DecodingItem], to target: DecodingItem) throws(PickleError) {
        guard case .node(let node) = target else {
            throw self.error(.invalidValue, "APPEND applies to a list, not to a \(self.kindName(target))")
        }
        switch node.kind {
        case .list, .object:
            node.items.append(contentsOf: items)
            try self.checkLength(node.items.count)
        default:
            throw self.error(.invalidValue, "APPEND applies to a list, not to a \(node.kindName)")
        }
    }

    /// `SETITEM`/`SETITEMS` on a dict or an opaque object; `items` alternates keys and values.
    mutating func setItems(_ items: [DecodingItem], on target: DecodingItem) throws(PickleError) {
        guard case .node(let node) = target else {
            throw self.error(.invalidValue, "SETITEM applies to a dict, not to a \(self.kindName(target))")
        }
        switch node.kind {
        case .dict:
            node.items.append(contentsOf: items)
            try self.checkLength(node.items.count / 2)
        case .object:
            node.setItems.append(contentsOf: items)
            try self.checkLength(node.setItems.count / 2)
        default:
            throw self.error(.invalidValue, "SETITEM applies to a dict, not to a \(node.kindName)")
        }
    }

    mutating func pushExtension(_ code: Int) throws(PickleError) {
        guard let global = self.extensionRegistry[code] else {
            if self.extensionRegistry.isEmpty {
                throw self.error(
                    .unsupported,
                    "extension code \(code) (EXT1/EXT2/EXT4) needs an extension registry; none was configured"
                )
            }
            throw self.error(.invalidValue, "extension code \(code) is not in the extension registry")
        }
        self.push(.scalar(.global(global)))
    }
}
