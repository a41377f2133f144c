import BigInt
import Pickle
import Testing

/// The 4300-digit bound on conversions between `int` and decimal text, against CPython 3.11's behaviour.
@Suite("Integer string conversion limit")
struct IntegerStringLimitTests {
    static let tooLongMessage =
        "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"

    /// `b'I' + text + b'\n.'` or the `L` form.
    static func textInteger(_ opcode: Character, _ text: String) -> [UInt8] {
        Array("\(opcode)\(text)\n.".utf8)
    }

    @Test("INT and LONG of 4300 digits read, of 4301 digits are refused with a limitExceeded error naming the limit")
    func readerLimit() throws {
        let reader = PickleReader()
        for opcode: Character in ["I", "L"] {
            let value = try reader.read(Self.textInteger(opcode, String(repeating: "1", count: 4300)))
            #expect(value == .integer(BigInt(String(repeating: "1", count: 4300))!))
            #expect(try reader.read(Self.textInteger(opcode, "-" + String(repeating: "9", count: 4300))) != .none)
            for text in [String(repeating: "1", count: 4301), "-" + String(repeating: "1", count: 400_000)] {
                #expect {
                    try reader.read(Self.textInteger(opcode, text))
                } throws: { error in
                    let error = error as? PickleError
                    return error?.code == .limitExceeded && error?.message.contains("4300 digits") == true
                }
            }
        }
    }

    @Test("leading zeros count for LONG, and not for an INT that fits a C long (CPython reads it with strtol)")
    func leadingZeros() throws {
        let reader = PickleReader()
        #expect(try reader.read(Self.textInteger("I", String(repeating: "0", count: 5000) + "7")) == .int(7))
        #expect(throws: PickleError.self) {
            try reader.read(Self.textInteger("L", String(repeating: "0", count: 4301)))
        }
        #expect(try reader.read(Self.textInteger("L", String(repeating: "0", count: 4298) + "12")) == .int(12))
    }

    @Test("exceedsLimit is exact at 10**4300 and its bit width")
    func exceedsLimitBorder() {
        let limit = BigInt(10).power(4300)
        #expect(!PythonIntegerString.exceedsLimit(limit - 1))
        #expect(PythonIntegerString.exceedsLimit(limit))
        #expect(PythonIntegerString.exceedsLimit(-limit))
        #expect(!PythonIntegerString.exceedsLimit(-(limit - 1)))
        #expect(!PythonIntegerString.exceedsLimit(BigInt(1) << 14283))
        #expect(PythonIntegerString.exceedsLimit(BigInt(1) << 14285))
    }

    @Test("checkedRepr and checkedStr raise CPython's ValueError; repr and str print the int unconverted")
    func checkedDescriptions() throws {
        let huge = PythonValue.integer(BigInt(10).power(40000))
        let nested: PythonValue = .list([1, .tuple([.string("a"), huge])])
        #expect(nested.repr == "[1, ('a', <int of 132878 bits>)]")
        #expect(PythonValue.integer(-BigInt(10).power(40000)).str == "-<int of 132878 bits>")
        #expect(throws: PythonIntegerString.conversionToTextError) { try nested.checkedRepr() }
        #expect(throws: PythonIntegerString.conversionToTextError) { try huge.checkedStr() }
        let keyError = PythonException.keyError(huge).value
        #expect(throws: PythonIntegerString.conversionToTextError) { try keyError.checkedStr() }
        #expect(PythonIntegerString.conversionToTextError.message == Self.tooLongMessage)
        let fine = PythonValue.integer(BigInt(10).power(4299))
        #expect(try fine.checkedRepr() == "1" + String(repeating: "0", count: 4299))
        #expect(try PythonValue.string("s").checkedStr() == "s")
    }

    @Test("parse is int(s): whitespace, sign, underscores, other scripts' digits, CPython's errors")
    func parse() throws {
        #expect(try PythonIntegerString.parse(" -1_000\n") == .int(-1000))
        #expect(try PythonIntegerString.parse("\u{0661}\u{0662}") == .int(12))
        #expect(try PythonIntegerString.parse("+" + String(repeating: "0", count: 30) + "5") == .int(5))
        #expect(try PythonIntegerString.parse(String(repeating: "1", count: 4300)) != .none)
        for bad in ["", "  ", "1__2", "_1", "1_", "+ 1", "x1", "1.0"] {
            #expect(throws: PythonException.valueError("invalid literal for int() with base 10: \(PythonValue.string(bad).repr)")) {
                try PythonIntegerString.parse(bad)
            }
        }
        #expect(throws: PythonIntegerString.conversionFromTextError(digits: 5000)) {
            try PythonIntegerString.parse(String(repeating: "1", count: 5000) + "x")
        }
        #expect(throws: PythonIntegerString.conversionFromTextError(digits: 4301)) {
            try PythonIntegerString.parse(String(repeating: "1_", count: 4300) + "1")
        }
        let long = String(repeating: "x", count: 300)
        let truncated = String(PythonValue.string(long).repr.prefix(200))
        #expect(throws: PythonException.valueError("invalid literal for int() with base 10: \(truncated)")) {
            try PythonIntegerString.parse(long)
        }
    }
}
