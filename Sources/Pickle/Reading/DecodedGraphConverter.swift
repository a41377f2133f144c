/// Turns the decoded graph into a ``PythonValue``: nodes reached more than once become
/// ``PythonValue/shared(_:_:)`` with one identity, back-edges to a node still being converted become
/// ``PythonValue/recursiveReference(_:)``.
///
/// Both passes recurse along the graph and are bounded by `maxDepth`.
struct DecodedGraphConverter {
    let maxDepth: Int
    let offset: Int
    var nextIdentity = 0
    /// Charged for every dict key and set element before it is hashed, and for the finished value.
    var budget: ExpansionBudget

    init(maxDepth: Int, offset: Int, budget: ExpansionBudget) {
        self.maxDepth = maxDepth
        self.offset = offset
        self.budget = budget
    }

    private func depthError() -> PickleError {
        PickleError(
            code: .limitExceeded,
            message: "values nest deeper than maxDepth (\(self.maxDepth))",
            offset: self.offset
        )
    }

    /// The finished value of the pickle's result.
    mutating func value(of item: DecodingItem) throws(PickleError) -> PythonValue {
        let value: PythonValue
        switch item {
        case .value(let finished, _):
            value = finished
        case .node:
            try self.count(item, depth: 0)
            value = try self.convert(item, depth: 0)
        }
        try self.charge(value)
        return value
    }

    /// Counts the references to every node reachable from `item`.
    private mutating func count(_ item: DecodingItem, depth: Int) throws(PickleError) {
        guard case .node(let node) = item else { return }
        node.referenceCount += 1
        guard node.referenceCount == 1 else { return }
        guard depth < self.maxDepth else { throw self.depthError() }
        for child in node.items { try self.count(child, depth: depth + 1) }
        guard case .object(let construction) = node.kind else { return }
        switch construction {
        case .reduce(let callable, let arguments), .newObject(let callable, let arguments):
            try self.count(callable, depth: depth + 1)
            try self.count(arguments, depth: depth + 1)
        case .newObjectEx(let cls, let arguments, let keywords):
            try self.count(cls, depth: depth + 1)
            try self.count(arguments, depth: depth + 1)
            try self.count(keywords, depth: depth + 1)
        case .instance(_, let arguments):
            for child in arguments { try self.count(child, depth: depth + 1) }
        case .object(let cls, let arguments):
            try self.count(cls, depth: depth + 1)
            for child in arguments { try self.count(child, depth: depth + 1) }
        }
        for child in node.setItems { try self.count(child, depth: depth + 1) }
        for child in node.states { try self.count(child, depth: depth + 1) }
    }

    private mutating func convert(_ item: DecodingItem, depth: Int) throws(PickleError) -> PythonValue {
        switch item {
        case .value(let value, let valueDepth):
            guard depth + valueDepth <= self.maxDepth else { throw self.depthError() }
            return value
        case .node(let node):
            switch node.conversion {
            case .converted(let value):
                return value
            case .converting:
                let identity = node.identity ?? self.makeIdentity(for: node)
                return .recursiveReference(identity)
            case .pending:
                guard depth < self.maxDepth else { throw self.depthError() }
                if node.referenceCount > 1, node.identity == nil {
                    _ = self.makeIdentity(for: node)
                }
                node.conversion = .converting
                var value = try self.convertContent(of: node, depth: depth)
                if let identity = node.identity {
                    value = .shared(identity, value)
                }
                node.conversion = .converted(value)
                return value
            }
        }
    }

    private mutating func makeIdentity(for node: DecodingNode) -> PythonIdentity {
        let identity = PythonIdentity(rawValue: self.nextIdentity)
        self.nextIdentity += 1
        node.identity = identity
        return identity
    }

    private mutating func convertAll(_ items: [DecodingItem], depth: Int) throws(PickleError) -> [PythonValue] {
        var values: [PythonValue] = []
        values.reserveCapacity(items.count)
        for item in items {
            values.append(try self.convert(item, depth: depth))
        }
        return values
    }

    private mutating func charge(_ value: PythonValue) throws(PickleError) {
        guard self.budget.charge(value) else { throw self.budget.error(offset: self.offset) }
    }

    private func unhashable(_ error: PythonException) -> PickleError {
        PickleError(code: .invalidValue, message: "a dict key or set element is unhashable: \(error)", offset: self.offset)
    }

    private mutating func convertContent(of node: DecodingNode, depth: Int) throws(PickleError) -> PythonValue {
        let childDepth = depth + 1
        let items = node.items
        switch node.kind {
        case .list:
            return .list(try self.convertAll(items, depth: childDepth))
        case .tuple:
            return .tuple(try self.convertAll(items, depth: childDepth))
        case .dict:
            var dict = PythonDict()
            var index = 0
            while index + 1 < items.count {
                let key = try self.convert(items[index], depth: childDepth)
                let value = try self.convert(items[index + 1], depth: childDepth)
                try self.charge(key)
                do {
                    try dict.setValue(value, forKey: key)
                } catch {
                    throw self.unhashable(error)
                }
                index += 2
            }
            return .dict(dict)
        case .set, .frozenSet:
            var set = PythonSet()
            for item in items {
                let element = try self.convert(item, depth: childDepth)
                try self.charge(element)
                do {
                    try set.insert(element)
                } catch {
                    throw self.unhashable(error)
                }
            }
            if case .set = node.kind { return .set(set) }
            return .frozenSet(set)
        case .object(let construction):
            let appended = items
            let setItems = node.setItems
            let states = node.states
            var object = PythonObject(construction: try self.convert(construction, depth: childDepth))
            object.appendedItems = try self.convertAll(appended, depth: childDepth)
            var index = 0
            while index + 1 < setItems.count {
                object.setItems.append(
                    PythonObject.Item(
                        key: try self.convert(setItems[index], depth: childDepth),
                        value: try self.convert(setItems[index + 1], depth: childDepth)
                    )
                )
                index += 2
            }
            object.states = try self.convertAll(states, depth: childDepth)
            return .object(object)
        case .persistentID:
            guard let pid = items.first else { return .none }
            return .persistentID(try self.convert(pid, depth: childDepth))
        case .released:
            return .none
        }
    }

    private mutating func convert(_ construction: DecodingNode.Construction, depth: Int) throws(PickleError)
        -> PythonObject.Construction
    {
        switch construction {
        case .reduce(let callable, let arguments):
            return .reduce(
                callable: try self.convert(callable, depth: depth),
                arguments: try self.convert(arguments, depth: depth)
            )
        case .newObject(let cls, let arguments):
            return .newObject(cls: try self.convert(cls, depth: depth), arguments: try self.convert(arguments, depth: depth))
        case .newObjectEx(let cls, let arguments, let keywords):
            return .newObjectEx(
                cls: try self.convert(cls, depth: depth),
                arguments: try self.convert(arguments, depth: depth),
                keywords: try self.convert(keywords, depth: depth)
            )
        case .instance(let cls, let arguments):
            return .instance(cls: cls, arguments: try self.convertAll(arguments, depth: depth))
        case .object(let cls, let arguments):
            return .object(cls: try self.convert(cls, depth: depth), arguments: try self.convertAll(arguments, depth: depth))
        }
    }
}
