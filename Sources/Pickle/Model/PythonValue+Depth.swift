extension PythonValue {
    /// Whether containers and objects nest more than `limit` levels deep in this value.
    ///
    /// A scalar has depth 0 and `[1]` depth 1; every `tuple`, `list`, `dict`, `set`, `frozenset`, opaque object,
    /// proxy and persistent id adds a level to what it holds. ``shared(_:_:)`` wrappers add none, and a
    /// ``recursiveReference(_:)`` ends its path. The walk keeps its own stack instead of recursing, so it is safe
    /// on any value, and stops as soon as a path passes `limit`. A ``shared(_:_:)`` value is walked again only
    /// when reached at a shallower depth than before, so a value that shares one tuple from many places (which a
    /// small pickle can build, see ``PickleLimits/maxSharedExpansion``) costs O(nodes), not O(paths).
    ///
    /// - Parameter limit: The deepest nesting allowed, for example ``PickleLimits/maxDepth``.
    /// - Returns: `true` if some path holds more than `limit` nested containers.
    public func exceedsDepth(_ limit: Int) -> Bool {
        var pending: [(value: PythonValue, depth: Int)] = [(self, 0)]
        var shallowestShared: [PythonIdentity: Int] = [:]
        while let (value, depth) = pending.popLast() {
            if case .shared(let identity, _) = value {
                if let seen = shallowestShared[identity], seen <= depth { continue }
                shallowestShared[identity] = depth
            }
            let children = value.nestedChildren
            guard !children.isEmpty else { continue }
            guard depth < limit else { return true }
            for child in children {
                pending.append((child, depth + 1))
            }
        }
        return false
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
