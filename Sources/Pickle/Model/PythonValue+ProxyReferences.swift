

extension PythonValue {
    /// Calls `body` with every manager proxy inside this value, depth first.
    package func forEachProxyReference(_ body: (PythonProxyReference) -> Void) {
        switch self {
        case .proxy(let proxy):
            body(proxy)
        case .tuple(let elements), .list(let elements):
            for element in elements where element.mayContainProxy {
                element.forEachProxyReference(body)
            }
        case .dict(let dict):
            for (key, value) in dict.items {
                if key.mayContainProxy { key.forEachProxyReference(body) }
                if value.mayContainProxy { value.forEachProxyReference(body) }
            }
        case .set(let set), .frozenSet(let set):
            for element in set.elements where element.mayContainProxy {
                element.forEachProxyReference(body)
            }
        case .object(let object):
            switch object.construction {
            case .reduce(let callable, let arguments):
                callable.forEachProxyReference(body)
                arguments.forEachProxyReference(body)
            case .newObject(let cls, let arguments):
                cls.forEachProxyReference(body)
                arguments.forEachProxyReference(body)
            case .newObjectEx(let cls, let arguments, let keywords):
                cls.forEachProxyReference(body)
                arguments.forEachProxyReference(body)
                keywords.forEachProxyReference(body)
            case .instance(_, let arguments), .object(_, let arguments):
                for argument in arguments { argument.forEachProxyReference(body) }
            }
            for item in object.appendedItems { item.forEachProxyReference(body) }
            for item in object.setItems {
                item.key.forEachProxyReference(body)
                item.value.forEachProxyReference(body)
            }
            for state in object.states { state.forEachProxyReference(body) }
        case .shared(_, let inner), .persistentID(let inner):
            inner.forEachProxyReference(body)
        default:
            break
        }
    }

    /// Whether this value can hold a proxy: false for scalars, so scans skip them without recursion.
    @inlinable
    package var mayContainProxy: Bool {
        switch self {
        case .none, .bool, .int, .bigInt, .float, .complex, .string, .surrogateString, .bytes, .byteArray, .global,
            .recursiveReference:
            return false
        default:
            return true
        }
    }
}

extension PythonValue {
    /// Whether this value contains a manager proxy anywhere inside it.
    package var containsProxy: Bool {
        guard self.mayContainProxy else { return false }
        var found = false
        self.forEachProxyReference { _ in found = true }
        return found
    }
}
