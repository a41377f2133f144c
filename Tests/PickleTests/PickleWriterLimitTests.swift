import Pickle
import Testing

/// `PickleWriter.maximumOutputSize`: writing stops early with `limitExceeded`, and output within it is unchanged.
@Suite("Pickle writer output limit")
struct PickleWriterLimitTests {
    @Test("a value within the limit pickles exactly as without one")
    func withinLimit() throws {
        let value = PythonValue.list([.int(1), .string("two"), .bytes([3])])
        let unlimited = try PickleWriter().write(value)
        #expect(try PickleWriter(maximumOutputSize: unlimited.count).write(value) == unlimited)
    }

    @Test("a pickle one byte over the limit is refused with limitExceeded")
    func oneByteOver() throws {
        let value = PythonValue.list(Array(repeating: .int(5), count: 100))
        let size = try PickleWriter().write(value).count
        #expect(throws: PickleError.self) { try PickleWriter(maximumOutputSize: size - 1).write(value) }
        do {
            _ = try PickleWriter(maximumOutputSize: size - 1).write(value)
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("\(size - 1) bytes"))
        }
    }

    @Test("a shared value repeated many times is refused without writing it out", arguments: [PythonValue.string(String(repeating: "x", count: 1 << 20)), .bytes(Array(repeating: 1, count: 1 << 20))])
    func stopsEarly(leaf: PythonValue) {
        // A list of 4096 copies of a 1 MiB value: 4 GiB when written out. The limit stops it after a few copies.
        let value = PythonValue.list(Array(repeating: leaf, count: 4096))
        var bytes: [UInt8] = [9, 9]
        #expect(throws: PickleError.self) {
            try PickleWriter(maximumOutputSize: 3 << 20).write(value, appendingTo: &bytes)
        }
        #expect(bytes == [9, 9], "the output is left as it was")
    }

    @Test("a negative or enormous limit neither traps nor overflows")
    func extremeLimits() throws {
        #expect(throws: PickleError.self) { try PickleWriter(maximumOutputSize: -1).write(.none) }
        var bytes: [UInt8] = [1]
        try PickleWriter(maximumOutputSize: Int.max).write(.int(1), appendingTo: &bytes)
        #expect(bytes.count > 1)
    }
}
