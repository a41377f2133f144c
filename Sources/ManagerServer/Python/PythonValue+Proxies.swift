import Pickle

extension PythonValue {
    /// Whether this value contains a manager proxy anywhere inside it.
    package var containsProxy: Bool {
        var found = false
        self.forEachProxy { _ in found = true }
        return found
    }

    /// Calls `body` with every proxy reference inside this value (through tuples, lists, dicts, sets and
    /// opaque objects' arguments, items and states).
    package func forEachProxy(_ body: (PythonProxyReference) -> Void) {
        switch self {
        case .proxy(let proxy): body(proxy)
        case .shared(_, let inner), .persistentID(let inner): inner.forEachProxy(body)
        case .tuple(let elements), .list(let elements): elements.forEach { $0.forEachProxy(body) }
        case .dict(let dict):
            for (key, value) in dict.items {
                key.forEachProxy(body)
                value.forEachProxy(body)
            }
        case .set(let set), .frozenSet(let set): set.elements.forEach { $0.forEachProxy(body) }
        case .object(let object):
            switch object.construction {
            case .reduce(let callable, let arguments), .newObject(let callable, let arguments):
                callable.forEachProxy(body)
                arguments.forEachProxy(body)
            case .newObjectEx(let cls, let arguments, let keywords):
                cls.forEachProxy(body)
                arguments.forEachProxy(body)
                keywords.forEachProxy(body)
            case .instance(_, let arguments): arguments.forEach { $0.forEachProxy(body) }
            case .object(let cls, let arguments):
                cls.forEachProxy(body)
                arguments.forEach { $0.forEachProxy(body) }
            }
            object.appendedItems.forEach { $0.forEachProxy(body) }
            for item in object.setItems {
                item.key.forEachProxy(body)
                item.value.forEachProxy(body)
            }
            object.states.forEach { $0.forEachProxy(body) }
        default: break
        }
    }
}
