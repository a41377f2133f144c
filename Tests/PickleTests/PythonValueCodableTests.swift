import BigInt
import Foundation
import Testing

@testable import Pickle

@Suite("Codable bridge between Swift types and PythonValue")
struct PythonValueCodableTests {
    struct Scalars: Codable, Equatable {
        var flag: Bool
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var float: Float
        var double: Double
        var text: String
    }

    struct Item: Codable, Equatable {
        var name: String
        var count: Int
    }

    struct Order: Codable, Equatable {
        var items: [Item]
        var note: String?
        var tags: Set<String>
        var byName: [String: Item]
        var byNumber: [Int: String]
        var payload: Data
        var raw: [UInt8]
        var extra: PythonValue
    }

    enum Color: String, Codable {
        case red, green
    }

    enum Level: Int, Codable {
        case low = 1, high = 2
    }

    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case square(Double)
        case empty
    }

    class Base: Codable {
        var id: Int

        init(id: Int) {
            self.id = id
        }
    }

    final class Derived: Base {
        var label: String

        init(id: Int, label: String) {
            self.label = label
            super.init(id: id)
        }

        enum CodingKeys: String, CodingKey {
            case label
        }

        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.label = try container.decode(String.self, forKey: .label)
            try super.init(from: container.superDecoder())
        }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.label, forKey: .label)
            try super.encode(to: container.superEncoder())
        }
    }

    /// A type with a hand-written unkeyed encoding.
    struct Point: Codable, Equatable {
        var x: Int
        var y: Int

        init(x: Int, y: Int) {
            self.x = x
            self.y = y
        }

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            self.x = try container.decode(Int.self)
            self.y = try container.decode(Int.self)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(self.x)
            try container.encode(self.y)
        }
    }

    func roundTrip<T: Codable & Equatable>(_ value: T) throws -> PythonValue {
        let encoded = try PythonValueEncoder().encode(value)
        let decoded = try PythonValueDecoder().decode(T.self, from: encoded)
        #expect(decoded == value)
        return encoded
    }

    func decodingError<T: Decodable>(_ type: T.Type, from value: PythonValue) -> DecodingError? {
        do {
            _ = try PythonValueDecoder().decode(type, from: value)
            return nil
        } catch let error as DecodingError {
            return error
        } catch {
            return nil
        }
    }

    func message(_ error: DecodingError?) -> String? {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            return context.debugDescription
        default:
            return nil
        }
    }

    @Test("every scalar type round-trips through a dict keyed by property name, in declaration order")
    func scalars() throws {
        let value = Scalars(
            flag: true, int: -1, int8: -8, int16: 16, int32: -32, int64: .min, uint: .max, uint8: 255, uint16: 16,
            uint32: .max, uint64: .max, float: 1.5, double: 0.1, text: "héllo")
        let encoded = try self.roundTrip(value)
        guard case .dict(let dict) = encoded else {
            Issue.record("expected a dict, got \(encoded)")
            return
        }
        #expect(dict.keys.compactMap(\.stringValue) == [
            "flag", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float",
            "double", "text",
        ])
        #expect(dict["uint64"] == .integer(BigInt(UInt64.max)))
        #expect(dict["uint"]?.repr == "18446744073709551615")
        #expect(dict["float"] == .float(1.5))
        #expect(dict["flag"]?.repr == "True")
    }

    @Test("nested structs, arrays, sets, dictionaries, Data, optionals and embedded PythonValues round-trip")
    func nesting() throws {
        let order = Order(
            items: [Item(name: "a", count: 1), Item(name: "b", count: 2)], note: nil, tags: ["x"],
            byName: ["b": Item(name: "b", count: 2), "a": Item(name: "a", count: 1)], byNumber: [2: "two", 1: "one"],
            payload: Data([0, 1, 255]), raw: [1, 2], extra: .tuple([.complex(real: 1, imaginary: 2), .bytes([9])]))
        let encoded = try self.roundTrip(order)
        #expect(encoded.repr == """
            {'items': [{'name': 'a', 'count': 1}, {'name': 'b', 'count': 2}], 'tags': ['x'], \
            'byName': {'a': {'name': 'a', 'count': 1}, 'b': {'name': 'b', 'count': 2}}, \
            'byNumber': {1: 'one', 2: 'two'}, 'payload': b'\\x00\\x01\\xff', 'raw': [1, 2], 'extra': ((1+2j), b'\\t')}
            """)
    }

    @Test("top-level values: arrays, optionals, PythonValue, Data and dictionaries")
    func topLevel() throws {
        #expect(try PythonValueEncoder().encode([1, 2]) == .list([1, 2]))
        #expect(try PythonValueEncoder().encode(Int?.none) == .none)
        #expect(try PythonValueDecoder().decode(Int?.self, from: .none) == nil)
        #expect(try PythonValueDecoder().decode(Int?.self, from: 3) == 3)
        let value: PythonValue = .set(try PythonSet([1, "a"]))
        #expect(try PythonValueEncoder().encode(value).repr == "{1, 'a'}")
        #expect(try PythonValueDecoder().decode(PythonValue.self, from: value).repr == "{1, 'a'}")
        #expect(try PythonValueDecoder().decode(Data.self, from: .byteArray([1])) == Data([1]))
        #expect(try PythonValueDecoder().decode([Int].self, from: .tuple([1, 2])) == [1, 2])
        #expect(try PythonValueDecoder().decode([UInt8].self, from: .bytes([7, 8])) == [7, 8])
        #expect(try PythonValueDecoder().decode(Set<Int>.self, from: .frozenSet(try PythonSet([3]))) == [3])
        #expect(try PythonValueDecoder().decode(Double.self, from: 3) == 3.0)
        #expect(try PythonValueDecoder().decode(Double.self, from: .integer(BigInt(1) << 70)) == 0x1p70)
        #expect(try PythonValueDecoder().decode(UInt64.self, from: .integer(BigInt(UInt64.max))) == .max)
        #expect(try PythonValueDecoder().decode(Int128.self, from: .integer(-(BigInt(1) << 100))) == -(Int128(1) << 100))
        #expect(try PythonValueEncoder().encode(UInt128.max) == .integer((BigInt(1) << 128) - 1))
        #expect(try PythonValueEncoder().encode(Item?.none) == .none)
        #expect(try PythonValueDecoder().decode([String: Int].self, from: .dict(PythonDict(stringKeys: ["a": 1]))) == ["a": 1])
        #expect(try PythonValueDecoder().decode([Double: String].self, from: .dict(try PythonDict([(1.5, "x")]))) == [1.5: "x"])
        #expect(try PythonValueEncoder().encode([2.5: "x"]) == .dict(try PythonDict([(2.5, "x")])))
    }

    @Test("enums with raw values and with associated values round-trip in Swift's synthesized form")
    func enums() throws {
        #expect(try self.roundTrip(Color.green) == "green")
        #expect(try self.roundTrip(Level.high) == 2)
        #expect(try self.roundTrip([Color.red: 1]) == .dict(PythonDict(stringKeys: ["red": 1])))
        #expect(try self.roundTrip(Shape.circle(radius: 2)).repr == "{'circle': {'radius': 2.0}}")
        #expect(try self.roundTrip(Shape.square(3)).repr == "{'square': {'_0': 3.0}}")
        #expect(try self.roundTrip(Shape.empty).repr == "{'empty': {}}")
        #expect(self.decodingError(Color.self, from: "blue") != nil)
    }

    @Test("superEncoder and superDecoder nest the superclass under 'super'; unkeyed encodings become lists")
    func classesAndUnkeyed() throws {
        let encoded = try PythonValueEncoder().encode(Derived(id: 7, label: "x"))
        #expect(encoded.repr == "{'label': 'x', 'super': {'id': 7}}")
        let decoded = try PythonValueDecoder().decode(Derived.self, from: encoded)
        #expect(decoded.id == 7 && decoded.label == "x")
        #expect(try self.roundTrip(Point(x: 1, y: 2)) == .list([1, 2]))
        #expect(try PythonValueDecoder().decode(Point.self, from: .tuple([3, 4])) == Point(x: 3, y: 4))
    }

    @Test("a missing key and None both decode as nil for optionals; a missing required key is keyNotFound")
    func optionalsAndMissingKeys() throws {
        struct Optionals: Codable, Equatable {
            var a: Int?
            var b: String?
        }
        #expect(try PythonValueDecoder().decode(Optionals.self, from: .dict(PythonDict())) == Optionals())
        #expect(try PythonValueDecoder().decode(Optionals.self, from: .dict(PythonDict(stringKeys: ["a": .none, "b": "x"])))
            == Optionals(a: nil, b: "x"))
        // Synthesized encoding skips nil optionals (encodeIfPresent).
        #expect(try PythonValueEncoder().encode(Optionals(a: 1)).repr == "{'a': 1}")
        let error = self.decodingError(Item.self, from: .dict(PythonDict(stringKeys: ["name": "x"])))
        guard case .keyNotFound(let key, _) = error else {
            Issue.record("expected keyNotFound, got \(String(describing: error))")
            return
        }
        #expect(key.stringValue == "count")
        #expect(self.message(error) == "no key 'count' in the dict at the top level")
    }

    @Test("type errors name the coding path and both kinds")
    func errorPaths() throws {
        struct Holder: Codable {
            var items: [Item]
        }
        let value = PythonValue.dict(PythonDict(stringKeys: [
            "items": [
                .dict(PythonDict(stringKeys: ["name": "a", "count": 1])),
                .dict(PythonDict(stringKeys: ["name": "b", "count": 2])),
                .dict(PythonDict(stringKeys: ["name": "c", "count": "three"])),
            ],
        ]))
        let error = self.decodingError(Holder.self, from: value)
        guard case .typeMismatch(_, let context) = error else {
            Issue.record("expected typeMismatch, got \(String(describing: error))")
            return
        }
        #expect(context.debugDescription == "expected int at path items[2].count, found str")
        #expect(context.codingPath.map(\.stringValue) == ["items", "2", "count"])

        #expect(self.message(self.decodingError(Bool.self, from: 1)) == "expected bool at the top level, found int")
        #expect(self.message(self.decodingError(Int.self, from: true)) == "expected int at the top level, found bool")
        #expect(self.message(self.decodingError(Int.self, from: 1.0)) == "expected int at the top level, found float")
        #expect(self.message(self.decodingError(UInt8.self, from: 300)) == "int 300 at the top level does not fit in UInt8")
        #expect(self.message(self.decodingError([Int].self, from: "ab")) == "expected list at the top level, found str")
        #expect(self.message(self.decodingError(Item.self, from: [1])) == "expected dict at the top level, found list")
        #expect(self.message(self.decodingError(Float.self, from: 1e300)) == "float 1e+300 at the top level does not fit in Float")
        guard case .valueNotFound = self.decodingError(Int.self, from: .none) else {
            Issue.record("None for a non-optional Int should be valueNotFound")
            return
        }
        #expect(self.decodingError(String.self, from: .surrogateString([0xED, 0xA0, 0x80])) != nil)
        #expect(self.decodingError(Point.self, from: [1]) != nil)
        #expect(self.message(self.decodingError([String: Int].self, from: .dict(PythonDict(stringKeys: ["k": "v"]))))
            == "expected int at path k, found str")
    }

    @Test("PythonValue works with other encoders through its JSON shape")
    func jsonInterplay() throws {
        struct Wrapper: Codable {
            var value: PythonValue
        }
        let data = try JSONEncoder().encode(Wrapper(value: ["a", 1, 2.5, true, .none]))
        let decoded = try JSONDecoder().decode(Wrapper.self, from: data)
        #expect(decoded.value == ["a", 1, 2.5, true, .none])
        #expect(throws: EncodingError.self) {
            try JSONEncoder().encode(Wrapper(value: .complex(real: 1, imaginary: 1)))
        }
    }
}
