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

    /// The node's contents.
    enum Content {
        case list([DecodingItem])
        case tuple([DecodingItem])
        /// Keys and values alternating.
        case dict([DecodingItem])
        case set([DecodingItem])
        case frozenSet([DecodingItem])
        case object(
            construction: Construction,
            appended: [DecodingItem],
            setItems: [DecodingItem],
            states: [DecodingItem]
        )
        case persistentID(DecodingItem)
        /// Released after decoding (breaks cycles and keeps teardown iterative).
        case released
    }

    /// Where the node stands in the graph conversion.
    enum ConversionState {
        case pending
        case converting
        case converted(PythonValue)
    }

    var content: Content
    /// How many references to this node the reachable graph holds (set by the counting pass).
    var referenceCount = 0
    /// The identity given to a node referenced more than once.
    var identity: PythonIdentity?
    var conversion: ConversionState = .pending

    init(_ content: Content) {
        self.content = content
    }

    /// A name of the node's kind for error messages.
    var kindName: String {
        switch self.content {
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
