import Pickle
import Testing

/// `PythonValue.exceedsDepth(_:)` on every container kind, at and past the limit, and on values too deep to recurse.
@Suite("Value nesting depth")
struct ValueDepthTests {
    /// `levels` containers of the given kind, one inside the other, around `1`.
    static func nested(_ levels: Int, _ wrap: (PythonValue) -> PythonValue) -> PythonValue {
        var value: PythonValue = 1
        for _ in 0..<levels {
            value = wrap(value)
        }
        return value
    }

    static let kinds: [(String, @Sendable (PythonValue) -> PythonValue)] = [
        ("list", { .list([$0]) }),
        ("tuple", { .tuple([$0]) }),
        ("dict value", { .dict(PythonDict(stringKeys: ["k": $0])) }),
        ("frozenset", { (try? PythonSet([$0])).map(PythonValue.frozenSet) ?? .none }),
        ("object state", {
            .object(PythonObject(construction: .instance(cls: PythonGlobal(module: "m", name: "C"), arguments: []), states: [$0]))
        }),
        ("persistent id", { .persistentID($0) }),
    ]

    @Test("a value of exactly the limit passes, one level more exceeds, for every container kind")
    func limitPerKind() {
        for (name, wrap) in Self.kinds {
            let atLimit = Self.nested(1000, wrap)
            #expect(!atLimit.exceedsDepth(1000), "\(name)")
            #expect(Self.nested(1001, wrap).exceedsDepth(1000), "\(name)")
            #expect(atLimit.exceedsDepth(999), "\(name)")
        }
        // `C(*args)` is two levels: the object and its arguments tuple.
        let reduced = Self.nested(500) { .object(.reduce(PythonGlobal(module: "m", name: "C"), [$0])) }
        #expect(!reduced.exceedsDepth(1000))
        #expect(reduced.exceedsDepth(999))
        var distinctShared: PythonValue = 1
        for level in 0..<1000 {
            distinctShared = .shared(PythonIdentity(rawValue: level), .list([distinctShared]))
        }
        #expect(!distinctShared.exceedsDepth(1000))
        #expect(distinctShared.exceedsDepth(999))
        #expect(!PythonValue.list([]).exceedsDepth(1))
        #expect(PythonValue.list([.list([])]).exceedsDepth(1))
        #expect(!PythonValue.int(5).exceedsDepth(0))
        #expect(PythonValue.list([]).exceedsDepth(0))
    }

    @Test("a value five times deeper than the limit is answered as soon as a path passes it")
    func veryDeep() {
        #expect(Self.nested(5000, { .list([$0]) }).exceedsDepth(1000))
    }

    @Test("one tuple shared from many places is walked once, not once per path")
    func sharedDag() {
        var value: PythonValue = 1
        for level in 0..<60 {
            let shared = PythonValue.shared(PythonIdentity(rawValue: level), .tuple([value]))
            value = .tuple([shared, shared])
        }
        #expect(!value.exceedsDepth(200))
        #expect(value.exceedsDepth(100))
    }

    @Test("a shared value reached first near the top and then deeper is judged by the deeper path")
    func sharedReachedDeeper() {
        let shared = PythonValue.shared(PythonIdentity(rawValue: 1), .list([1]))
        let value = PythonValue.list([.list([.list([.list([shared])])]), shared])
        #expect(value.nestingDepth(limit: 10) == 5)
        #expect(value.exceedsDepth(4))
        #expect(PythonValue.list([shared, .list([.list([.list([shared])])])]).exceedsDepth(4))
    }
}
