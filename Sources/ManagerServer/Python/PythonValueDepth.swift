import Pickle

extension PythonValue {
    /// How deeply containers nest in this value (a scalar is 0, `[1]` is 1, `[[1]]` is 2), or `nil` as soon as some
    /// path is deeper than `limit`.
    ///
    /// The walk is iterative (an explicit stack, never the call stack) and visits a shared value (one the pickle
    /// memoised and referenced several times) again only when it is reached at a greater depth, so memo-built
    /// diamonds cost their size, not their number of paths.
    ///
    /// Note: the Pickle module is getting a public depth check of its own; this bounded walk is the server's until
    /// then, and can forward to it once it lands.
    package func nestingDepth(limit: Int) -> Int? {
        var deepest = 0
        var pending: [(value: PythonValue, depth: Int)] = [(self, 0)]
        var sharedDepths: [PythonIdentity: Int] = [:]
        while let (value, depth) = pending.popLast() {
            var children: [PythonValue] = []
            switch value {
            case .shared(let identity, let inner):
                if let seen = sharedDepths[identity], seen >= depth { continue }
                sharedDepths[identity] = depth
                pending.append((inner, depth))
                continue
            case .persistentID(let inner):
                pending.append((inner, depth))
                continue
            case .tuple(let elements), .list(let elements): children = elements
            case .dict(let dict): children = dict.keys + dict.values
            case .set(let set), .frozenSet(let set): children = set.elements
            case .object(let object): children = object.nestedValues
            default: continue
            }
            let inner = depth + 1
            guard inner <= limit else { return nil }
            deepest = max(deepest, inner)
            for child in children { pending.append((child, inner)) }
        }
        return deepest
    }
}

extension PythonObject {
    /// Every value an object is built from: its callable or class, arguments, appended and set items, states.
    fileprivate var nestedValues: [PythonValue] {
        var values: [PythonValue]
        switch self.construction {
        case .reduce(let callable, let arguments): values = [callable, arguments]
        case .newObject(let cls, let arguments): values = [cls, arguments]
        case .newObjectEx(let cls, let arguments, let keywords): values = [cls, arguments, keywords]
        case .instance(_, let arguments): values = arguments
        case .object(let cls, let arguments): values = [cls] + arguments
        }
        values += self.appendedItems
        for item in self.setItems { values += [item.key, item.value] }
        values += self.states
        return values
    }
}
