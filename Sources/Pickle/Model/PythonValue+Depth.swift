extension PythonValue {
    /// How deeply containers and objects nest in this value, or `nil` as soon as some path is deeper than `limit`.
    ///
    /// A scalar has depth 0 and `[1]` depth 1; every `tuple`, `list`, `dict`, `set`, `frozenset`, opaque object,
    /// proxy and persistent id adds a level to what it holds. ``shared(_:_:)`` wrappers add none, and a
    /// ``recursiveReference(_:)`` ends its path. The walk keeps its own stack instead of recursing, so it is safe
    /// on any value, and stops as soon as a path passes `limit`. A ``shared(_:_:)`` value is walked again only
    /// when reached deeper than before (the deeper path is the one that can pass the limit), so a value that
    /// shares one tuple from many places (which a small pickle can build, see ``PickleLimits/maxSharedExpansion``)
    /// costs at most its nodes times the limit, not its number of paths.
    ///
    /// - Parameter limit: The deepest nesting allowed, for example ``PickleLimits/maxDepth``.
    /// - Returns: The deepest nesting of any path, or `nil` if some path holds more than `limit` nested containers.
    public func nestingDepth(limit: Int) -> Int? {
        var deepest = 0
        var pending: [(value: PythonValue, depth: Int)] = [(self, 0)]
        var deepestShared: [PythonIdentity: Int] = [:]
        while let (value, depth) = pending.popLast() {
            if case .shared(let identity, _) = value {
                if let seen = deepestShared[identity], seen >= depth { continue }
                deepestShared[identity] = depth
            }
            let children = value.nestedChildren
            guard !children.isEmpty else { continue }
            guard depth < limit else { return nil }
            deepest = max(deepest, depth + 1)
            for child in children {
                pending.append((child, depth + 1))
            }
        }
        return deepest
    }

    /// Whether containers and objects nest more than `limit` levels deep in this value (see
    /// ``nestingDepth(limit:)``, which says how each kind counts).
    public func exceedsDepth(_ limit: Int) -> Bool {
        self.nestingDepth(limit: limit) == nil
    }

    /// The values one nesting level below this one (through any ``shared(_:_:)`` wrapper); empty for scalars.
    private var nestedChildren: [PythonValue] {
        switch self.unwrapped {
        case .tuple(let elements), .list(let elements):
            return elements.isEmpty ? [.none] : elements
        case .dict(let dict):
            return dict.isEmpty ? [.none] : dict.items.flatMap { [$0.key, $0.value] }
        case .set(let set), .frozenSet(let set):
            return set.isEmpty ? [.none] : set.elements
        case .object(let object):
            var children: [PythonValue]
            switch object.construction {
            case .reduce(let callable, let arguments): children = [callable, arguments]
            case .newObject(let cls, let arguments): children = [cls, arguments]
            case .newObjectEx(let cls, let arguments, let keywords): children = [cls, arguments, keywords]
            case .instance(_, let arguments): children = arguments + [.none]
            case .object(let cls, let arguments): children = [cls] + arguments
            }
            children += object.appendedItems
            children += object.setItems.flatMap { [$0.key, $0.value] }
            children += object.states
            return children
        case .proxy(let proxy):
            return [proxy.address, .dict(proxy.keywords)]
        case .persistentID(let id):
            return [id]
        default:
            return []
        }
    }
}
