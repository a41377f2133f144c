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
