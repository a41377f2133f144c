import BigInt
import Pickle
import Testing

@Suite("PickleWriter")
struct PickleWriterTests {
    @Test("writes a manager request byte for byte as CPython's protocol 4 (without memoization)")
    func writesRequest() throws {
        let value: PythonValue = .tuple(["7f3ba27c4a80", "append", .tuple([3]), .dict(PythonDict())])
        let bytes = try PickleWriter().write(value)
        // CPython: 80 04 95 <len> 28 8c 0c ... 94 8c 06 append 94 4b 03 85 94 7d 94 74 94 2e (with MEMOIZE).
        #expect(bytes.prefix(2) == [0x80, 0x04])
        #expect(try PickleReader().read(bytes) == value)
    }

    @Test("round-trips values through every protocol", arguments: [2, 3, 4, 5])
    func roundTrips(protocolVersion: Int) throws {
        let value: PythonValue = .list([
            .int(1 << 40), .integer(-(BigInt(1) << 70)), .integer(BigInt(1) << 3000), 1.5, nil, true, false,
            "héllo", .bytes([0, 0xFF]), .bytes([]), .set(try PythonSet([1, 2])), .frozenSet(try PythonSet([3])),
            .byteArray([0x61, 0x62]), .complex(real: 1, imaginary: -2), .int(-1), .int(255), .int(256),
            .int(65536), .int(-129), .int(Int.min), .int(Int.max),
        ])
        let bytes = try PickleWriter(protocolVersion: protocolVersion).write(value)
        let decoded = try PickleReader().read(bytes)
        #expect(decoded == value)
    }
}

@Suite("PickleWriter encodings")
struct PickleWriterEncodingTests {
    func body(_ value: PythonValue, protocolVersion: Int = 4) throws -> [UInt8] {
        let bytes = try PickleWriter(protocolVersion: protocolVersion).write(value)
        if protocolVersion >= 4, bytes.count >= 11 + 1, bytes[2] == 0x95 {
            return Array(bytes[11..<(bytes.count - 1)])
        }
        return Array(bytes[2..<(bytes.count - 1)])
    }

    @Test("ints use the opcodes CPython picks")
    func ints() throws {
        #expect(try self.body(.int(5)) == [0x4B, 5])
        #expect(try self.body(.int(256)) == [0x4D, 0, 1])
        #expect(try self.body(.int(-1)) == [0x4A, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try self.body(.int(1 << 31)) == [0x8A, 5, 0, 0, 0, 0x80, 0])
        #expect(try self.body(.int(-(1 << 31) - 1)) == [0x8A, 5, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF])
        #expect(try self.body(.integer(BigInt(1) << 2100)).prefix(5) == [0x8B, 0x07, 0x01, 0, 0])
    }

    @Test("small pickles have no frame, like CPython's")
    func noFrame() throws {
        #expect(try PickleWriter().write(nil) == [0x80, 0x04, 0x4E, 0x2E])
        #expect(try PickleWriter(protocolVersion: 2).write(true) == [0x80, 0x02, 0x88, 0x2E])
    }

    @Test("a request is written like CPython's protocol 4 minus memoization")
    func request() throws {
        let bytes = try PickleWriter().write(.tuple(["ab", "append", .tuple([3]), .dict(PythonDict())]))
        #expect(bytes == hexBytes("8004951300000000000000288c0261628c06617070656e644b03857d742e"))
    }

    @Test("protocol 2 writes bytes through _codecs.encode and sets through builtins.set")
    func protocolTwo() throws {
        let bytes = try self.body(.bytes([0xE9]), protocolVersion: 2)
        #expect(bytes == Array("c_codecs\nencode\n".utf8) + [0x58, 2, 0, 0, 0, 0xC3, 0xA9, 0x58, 6, 0, 0, 0] + Array("latin1".utf8) + [0x86, 0x52])
        let set = try self.body(.set(try PythonSet([1])), protocolVersion: 3)
        #expect(set == Array("cbuiltins\nset\n".utf8) + [0x5D, 0x4B, 1, 0x61, 0x85, 0x52])
    }

    @Test("a proxy is written in the form of PROTOCOL.md §7.1")
    func proxy() throws {
        let proxy = PythonProxyReference(proxyType: .managers("DictProxy"), typeID: "dict", address: "/tmp/x", objectID: "abc")
        let bytes = try self.body(.proxy(proxy))
        let module = [0x8C, 24] + Array("multiprocessing.managers".utf8)
        var expected: [UInt8] = module + [0x8C, 12] + Array("RebuildProxy".utf8) + [0x93, 0x28]
        expected += module + [0x8C, 9] + Array("DictProxy".utf8) + [0x93]
        expected += module + [0x8C, 5] + Array("Token".utf8) + [0x93, 0x29, 0x81]
        expected += [0x8C, 4] + Array("dict".utf8) + [0x8C, 6] + Array("/tmp/x".utf8) + [0x8C, 3] + Array("abc".utf8)
        expected += [0x87, 0x62, 0x8C, 6] + Array("pickle".utf8) + [0x7D, 0x74, 0x52]
        #expect(bytes == expected)
    }

    @Test("a dangling recursive reference is unencodable")
    func dangling() {
        #expect(throws: PickleError.self) { try PickleWriter().write(.list([.recursiveReference(PythonIdentity(rawValue: 1))])) }
        #expect(throws: PickleError.self) { try PickleWriter(protocolVersion: 1).write(nil) }
    }

    @Test("appending keeps the existing bytes")
    func appending() throws {
        var bytes: [UInt8] = [1, 2, 3]
        try PickleWriter().write(nil, appendingTo: &bytes)
        #expect(bytes == [1, 2, 3, 0x80, 0x04, 0x4E, 0x2E])
    }
}
