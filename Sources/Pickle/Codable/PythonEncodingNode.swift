import OrderedCollections

/// A value being encoded: a reference, so a container handed out by an encoder can be filled after it was created.
final class PythonEncodingNode {
    enum Kind {
        case unset, value, keyed, unkeyed
    }

    private(set) var kind = Kind.unset
    private var value = PythonValue.none
    private var keyed: OrderedDictionary<String, PythonEncodingNode> = [:]
    private var unkeyed: [PythonEncodingNode] = []

    init() {}

    init(_ value: PythonValue) {
        self.set(value)
    }

    /// Makes this node a plain value.
    func set(_ value: PythonValue) {
        self.kind = .value
        self.value = value
        self.keyed = [:]
        self.unkeyed = []
    }

    /// Takes over the contents of another node (a single-value container encoding a composite value).
    func adopt(_ other: PythonEncodingNode) {
        self.kind = other.kind
        self.value = other.value
        self.keyed = other.keyed
        self.unkeyed = other.unkeyed
    }

    /// Makes this node a keyed container, keeping its entries if it already is one.
    func becomeKeyed() {
        if self.kind != .keyed {
            self.kind = .keyed
            self.keyed = [:]
        }
    }

    /// Makes this node an unkeyed container, keeping its elements if it already is one.
    func becomeUnkeyed() {
        if self.kind != .unkeyed {
            self.kind = .unkeyed
            self.unkeyed = []
        }
    }

    /// Stores a child under a key (a later store under the same key replaces the value, keeping the position).
    func store(_ child: PythonEncodingNode, forKey key: String) {
        self.becomeKeyed()
        self.keyed[key] = child
    }

    /// Appends a child element.
    func append(_ child: PythonEncodingNode) {
        self.becomeUnkeyed()
        self.unkeyed.append(child)
    }

    /// The number of elements of an unkeyed container.
    var elementCount: Int { self.unkeyed.count }

    /// The finished Python value: a `dict` for keyed containers (and for nodes nothing was encoded into), a `list`
    /// for unkeyed ones.
    func resolved() -> PythonValue {
        switch self.kind {
        case .unset:
            return .dict(PythonDict())
        case .value:
            return self.value
        case .keyed:
            var dict = PythonDict()
            for (key, child) in self.keyed {
                dict[key] = child.resolved()
            }
            return .dict(dict)
        case .unkeyed:
            return .list(self.unkeyed.map { $0.resolved() })
        }
    }
}
