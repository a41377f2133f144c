import BigInt
import Testing

@testable import Pickle

@Suite("Python equality, hashing and dict/set key semantics")
struct PythonEqualityTests {
    static func hash(_ value: PythonValue) -> Int {
        var hasher = Hasher()
        hasher.combine(value)
        return hasher.finalize()
    }

    static func set(_ elements: [PythonValue]) -> PythonSet {
        (try? PythonSet(elements)) ?? PythonSet()
    }

    @Test("1 == 1.0 == True == 1+0j, with equal hashes")
    func numbersAcrossTypes() {
        let ones: [PythonValue] = [1, 1.0, true, .complex(real: 1, imaginary: 0), .bigInt(BigInt(1))]
        for a in ones {
            for b in ones {
                #expect(a == b, "\(a) == \(b)")
                #expect(Self.hash(a) == Self.hash(b), "hash(\(a)) == hash(\(b))")
            }
        }
        #expect(PythonValue.int(0) == .float(-0.0))
        #expect(Self.hash(.int(0)) == Self.hash(.float(-0.0)))
        #expect(PythonValue.complex(real: -0.0, imaginary: 2) == .complex(real: 0, imaginary: 2))
        #expect(Self.hash(.complex(real: -0.0, imaginary: 2)) == Self.hash(.complex(real: 0, imaginary: 2)))
        #expect(PythonValue.bool(false) == .int(0))
        #expect(PythonValue.int(2) != .float(2.5))
        #expect(PythonValue.complex(real: 1, imaginary: 1) != .int(1))
    }

    @Test("integers and floats compare exactly: 2**53+1 != float(2**53+1), 2**64 == 2.0**64")
    func exactIntegerFloatEquality() {
        let big = PythonValue.integer((BigInt(1) << 53) + 1)
        #expect(big != .float(Double((1 << 53) + 1)))
        let two64 = PythonValue.integer(BigInt(1) << 64)
        #expect(two64 == .float(0x1p64))
        #expect(Self.hash(two64) == Self.hash(.float(0x1p64)))
        #expect(PythonValue.integer(BigInt(1) << 1100) != .float(.infinity))
        #expect(PythonValue.int(Int.max) != .float(0x1p63))
        #expect(PythonValue.integer(BigInt(1) << 63) == .float(0x1p63))
    }

    @Test("floats beyond Int's range equal and hash like the integers they are", arguments: [
        0x1p63, -0x1p63 * 2, 1e300, -1e300, 0x1.fffffffffffffp1023, 3 * 0x1p70,
    ])
    func largeIntegralFloats(double: Double) throws {
        let integer = PythonValue.integer(try #require(BigInt(exactly: double)))
        #expect(integer == .float(double))
        #expect(PythonValue.float(double) == integer)
        #expect(Self.hash(integer) == Self.hash(.float(double)))
        #expect(Self.hash(.complex(real: double, imaginary: 0)) == Self.hash(integer))
        #expect(PythonValue.integer(try #require(BigInt(exactly: double)) + 1) != .float(double))
        #expect(PythonValue.float(double) != .int(Int.max))
        #expect(PythonValue.float(double) != .float(double.nextUp))
    }

    @Test("objects hash by their whole structure, consistently with equality")
    func objectHashes() {
        func object(_ argument: PythonValue) -> PythonValue {
            .object(PythonObject(construction: .reduce(callable: .global(PythonGlobal(module: "m", name: "C")), arguments: .tuple([argument]))))
        }
        #expect(object(1) == object(1.0))
        #expect(Self.hash(object(1)) == Self.hash(object(1.0)))
        // Objects of one class that differ only in their arguments spread over the hash space.
        let hashes = Set((0..<100).map { Self.hash(object(.int($0))) })
        #expect(hashes.count == 100)
    }

    @Test("NaN is never equal, not even to itself, and never matches a dict key")
    func notANumber() throws {
        #expect(PythonValue.float(.nan) != .float(.nan))
        #expect(PythonValue.complex(real: .nan, imaginary: 0) != .complex(real: .nan, imaginary: 0))
        #expect(PythonValue.tuple([.float(.nan)]) != .tuple([.float(.nan), 1]))
        let nanDict = PythonValue.dict(PythonDict(stringKeys: ["x": .float(.nan)]))
        #expect(nanDict != .dict(PythonDict(stringKeys: ["x": 1])))
        var dict = PythonDict()
        try dict.setValue(1, forKey: .float(.nan))
        #expect(try dict.value(forKey: .float(.nan)) == nil)
        try dict.setValue(2, forKey: .float(.nan))
        #expect(dict.count == 2)
    }

    @Test("str never equals bytes, bytes equals bytearray, tuple never equals list, set equals frozenset")
    func kindsAcrossTypes() {
        #expect(PythonValue.string("a") != .bytes([0x61]))
        #expect(PythonValue.bytes([0x61]) == .byteArray([0x61]))
        #expect(Self.hash(.bytes([0x61])) == Self.hash(.byteArray([0x61])))
        #expect(PythonValue.tuple([1, 2]) != .list([1, 2]))
        #expect(PythonValue.set(Self.set([1])) == .frozenSet(Self.set([1])))
        #expect(Self.hash(.set(Self.set([1, 2]))) == Self.hash(.frozenSet(Self.set([2, 1]))))
        #expect(PythonValue.none != .int(0))
        #expect(PythonValue.tuple([1, "a"]) == .tuple([1.0, "a"]))
    }

    @Test("str equality is by code point, not canonical equivalence")
    func codePointStrings() {
        #expect(PythonValue.string("é") != .string("e\u{301}"))
        #expect(PythonValue.string("ab") == .surrogateString(Array("ab".utf8)))
        #expect(Self.hash(.string("ab")) == Self.hash(.surrogateString(Array("ab".utf8))))
        #expect(PythonValue.surrogateString([0xED, 0xA0, 0x80]) != .string("\u{FFFD}"))
        #expect(PythonValue.tuple(["ab", "c"]) != .tuple(["a", "bc"]))
    }

    @Test("dicts compare by items in any order")
    func dictEquality() throws {
        let a = PythonDict(stringKeys: ["x": 1, "y": 2])
        let b = PythonDict(stringKeys: ["y": 2.0, "x": true])
        #expect(PythonValue.dict(a) == .dict(b))
        #expect(Self.hash(.dict(a)) == Self.hash(.dict(b)))
        #expect(PythonValue.dict(a) != .dict(PythonDict(stringKeys: ["x": 1])))
        #expect(PythonValue.dict(a) != .dict(PythonDict(stringKeys: ["x": 1, "y": 3])))
    }

    @Test("a reassigned equal key keeps the original key object and position")
    func dictKeepsOriginalKey() throws {
        var dict = PythonDict()
        try dict.setValue("first", forKey: "a")
        try dict.setValue("one", forKey: 1.0)
        try dict.setValue("uno", forKey: 1)
        #expect(dict.keys.map(\.repr) == ["'a'", "1.0"])
        #expect(try dict.value(forKey: true) == "uno")
        #expect(dict.count == 2)
        try dict.removeValue(forKey: "a")
        try dict.setValue("again", forKey: "a")
        #expect(dict.keys.map(\.repr) == ["1.0", "'a'"])
    }

    @Test("popitem removes the last inserted item")
    func popItemIsLastInFirstOut() throws {
        var dict = PythonDict(stringKeys: ["a": 1, "b": 2])
        try dict.setValue(3, forKey: 3)
        #expect(dict.removeLast().map { $0.key } == 3)
        #expect(dict.removeLast().map { $0.key } == "b")
        #expect(dict.removeLast().map { $0.key } == "a")
        #expect(dict.removeLast() == nil)
    }

    @Test("list, dict, set, bytearray and tuples holding them are unhashable, with Python's message")
    func unhashable() {
        let unhashable: [(PythonValue, String)] = [
            (.list([]), "list"), (.dict(PythonDict()), "dict"), (.set(PythonSet()), "set"),
            (.byteArray([]), "bytearray"), (.tuple([1, .list([])]), "tuple"),
        ]
        for (value, name) in unhashable {
            #expect(!value.isHashable)
            var dict = PythonDict()
            #expect(throws: PythonException.typeError("unhashable type: '\(name)'")) {
                try dict.setValue(1, forKey: value)
            }
            var set = PythonSet()
            #expect(throws: PythonException.typeError("unhashable type: '\(name)'")) {
                try set.insert(value)
            }
        }
        let hashable: [PythonValue] = [
            .none, true, 1, .integer(BigInt(1) << 80), 1.5, .complex(real: 1, imaginary: 2), "s", .bytes([1]),
            .tuple([1, .tuple(["a"])]), .frozenSet(PythonSet()), .global(.builtin("len")),
            .object(.reduce(.builtin("slice"), [1, 2, .none])),
        ]
        for value in hashable {
            #expect(value.isHashable, "\(value)")
        }
    }

    @Test("sets hold one of each equal element and compare in any order")
    func setSemantics() throws {
        var set = PythonSet()
        #expect(try set.insert(1))
        #expect(try !set.insert(1.0))
        #expect(try !set.insert(true))
        #expect(try set.insert("1"))
        #expect(set.elements.map(\.repr) == ["1", "'1'"])
        #expect(try set.contains(.complex(real: 1, imaginary: 0)))
        #expect(PythonValue.set(Self.set([1, 2, 3])) == .set(Self.set([3, 2, 1])))
    }

    @Test("shared wrappers are looked through by equality and hashing")
    func sharedWrappers() {
        let shared = PythonValue.shared(PythonIdentity(rawValue: 3), .list([1]))
        #expect(shared == .list([1]))
        #expect(Self.hash(.tuple([.shared(PythonIdentity(rawValue: 1), "a")])) == Self.hash(.tuple(["a"])))
    }
}
