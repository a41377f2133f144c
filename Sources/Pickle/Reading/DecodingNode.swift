/// One entry of the unpickler's stack or memo while a pickle is decoded.
///
/// Immutable values that contain no mutable container are kept as finished ``PythonValue``s together with their
/// nesting depth (so deep nesting is refused while it is built); anything that can be mutated later or can take
/// part in sharing is a ``DecodingNode`` with reference semantics.
enum DecodingItem {
    /// A finished value of the given nesting depth (0 for scalars).
    case value(PythonValue, depth: Int)
    /// A container or object that may still change, or be referenced from several places.
    case node(DecodingNode)

    /// A scalar value.
    @inline(__always)
    static func scalar(_ value: PythonValue) -> DecodingItem {
        .value(value, depth: 0)
    }
}

/// A mutable container or opaque object during decoding, with the bookkeeping of the graph conversion.
final class DecodingNode {
    /// How an opaque object was constructed; operands are still decoding items.
    enum Construction {
        case reduce(callable: DecodingItem, arguments: DecodingItem)
        case newObject(cls: DecodingItem, arguments: DecodingItem)
        case newObjectEx(cls: DecodingItem, arguments: DecodingItem, keywords: DecodingItem)
        case instance(cls: PythonGlobal, arguments: [DecodingItem])
        case object(cls: DecodingItem, arguments: [DecodingItem])
    }

    /// What kind of value the node is; the operands live in ``items``, ``setItems`` and ``states``.
    enum Kind {
        /// `items` are the elements.
        case list
        /// `items` are the elements.
        case tuple
        /// `items` alternates keys and values.
        case dict
        /// `items` are the elements.
        case set
        /// `items` are the elements.
        case frozenSet
        /// `items` are the appended items, `setItems` alternates keys and values, `states` are the BUILD states.
        case object(Construction)
        /// `items` holds the persistent id.
        case persistentID
        /// Released after decoding (breaks cycles and keeps teardown iterative).
        case released
    }

    /// Where the node stands in the graph conversion.
    enum ConversionState {
        case pending
        case converting
        case converted(PythonValue)
    }

    var kind: Kind
    /// Elements, dict keys and values, or an object's appended items (mutated in place: the node owns them).
    var items: [DecodingItem]
    /// An object's `SETITEM(S)` keys and values, alternating.
    var setItems: [DecodingItem] = []
    /// An object's `BUILD` states.
    var states: [DecodingItem] = []
    /// How many references to this node the reachable graph holds (set by the counting pass).
    var referenceCount = 0
    /// The identity given to a node referenced more than once.
    var identity: PythonIdentity?
    var conversion: ConversionState = .pending

    init(_ kind: Kind, items: [DecodingItem] = []) {
        self.kind = kind
        self.items = items
    }

    /// Drops every reference the node holds.
    func release() {
        self.kind = .released
        self.items = []
        self.setItems = []
        self.states = []
        self.conversion = .pending
    }

    /// A name of the node's kind for error messages.
    var kindName: String {
        switch self.kind {
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .set: return "set"
        case .frozenSet: return "frozenset"
        case .object: return "object"
        case .persistentID: return "persistent id"
        case .released: return "released node"
        }
    }
}
