import Pickle
import Testing

/// NaN keys and set elements cost O(n), as in CPython, where every NaN object is a key of its own.
@Suite("NaN keys")
struct NaNKeyTests {
    static let count = 40_000

    /// A protocol 2 pickle of `{nan: 0, nan: 1, …}` with `count` distinct NaN objects (CPython writes each as
    /// `BINFLOAT`), keys built by `key`.
    static func dictPickle(count: Int, tupleKeys: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [0x80, 0x02, 0x7D, 0x28]  // PROTO 2, EMPTY_DICT, MARK
        for index in 0..<count {
            bytes.append(0x47)  // BINFLOAT
            withUnsafeBytes(of: Double.nan.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
            if tupleKeys { bytes.append(0x85) }  // TUPLE1
            bytes.append(0x4A)  // BININT
            withUnsafeBytes(of: Int32(index).littleEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: [0x75, 0x2E])  // SETITEMS, STOP
        return bytes
    }

    @Test("a dict of 40,000 NaN keys keeps every entry in order", arguments: [false, true])
    func dictOfNaNs(tupleKeys: Bool) throws {
        let value = try PickleReader().read(Self.dictPickle(count: Self.count, tupleKeys: tupleKeys))
        guard case .dict(let dict) = value else {
            Issue.record("not a dict: \(value.typeName)")
            return
        }
        #expect(dict.count == Self.count)
        #expect(dict.values.prefix(3) == [.int(0), .int(1), .int(2)])
        #expect(dict.values.last == .int(Self.count - 1))
        // A NaN looked up finds nothing and removes nothing, as a fresh NaN object does in CPython.
        var copy = dict
        #expect(try copy.value(forKey: .float(.nan)) == nil)
        #expect(try copy.removeValue(forKey: .float(.nan)) == nil)
        // Removing entries re-hashes the stored keys: their hashes must be stable.
        for _ in 0..<100 { _ = copy.removeLast() }
        #expect(copy.count == Self.count - 100)
    }

    @Test("a set of 40,000 NaNs keeps every element")
    func setOfNaNs() throws {
        var bytes: [UInt8] = [0x80, 0x04, 0x8F, 0x28]  // PROTO 4, EMPTY_SET, MARK
        for _ in 0..<Self.count {
            bytes.append(0x47)
            withUnsafeBytes(of: Double.nan.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: [0x90, 0x2E])  // ADDITEMS, STOP
        let value = try PickleReader().read(bytes)
        guard case .set(let set) = value else {
            Issue.record("not a set: \(value.typeName)")
            return
        }
        #expect(set.elements.count == Self.count)
    }

    @Test("the writer writes every NaN as CPython's canonical quiet NaN, with its sign")
    func canonicalNaNs() throws {
        let value = try PickleReader().read(Self.dictPickle(count: 3))
        let bytes = try PickleWriter(protocolVersion: 2).write(value)
        let positive = withUnsafeBytes(of: Double.nan.bitPattern.bigEndian) { [0x47] + Array($0) }
        #expect(bytes.count(ofSubsequence: positive) == 3)
        let negative = try PickleWriter(protocolVersion: 2).write(.float(-Double.nan))
        let negativeBits = withUnsafeBytes(of: (-Double.nan).bitPattern.bigEndian) { [0x47] + Array($0) }
        #expect(negative.count(ofSubsequence: negativeBits) == 1)
    }
}

extension [UInt8] {
    fileprivate func count(ofSubsequence needle: [UInt8]) -> Int {
        guard needle.count <= self.count else { return 0 }
        return (0...(self.count - needle.count)).count { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
