public import BigInt

/// Conversions between `int` and decimal text, bounded as CPython bounds them (`sys.int_max_str_digits`).
///
/// Converting between a binary integer and decimal text takes time quadratic in its length, so CPython 3.11
/// refuses to convert an `int` of more than ``maxDigits`` decimal digits either way. The pickle reader, `repr`
/// and `str` of values, and the server's `int(s)` keep that limit, so a request cannot make the manager spend
/// seconds of CPU on one number.
public enum PythonIntegerString {
    /// CPython's default `sys.get_int_max_str_digits()`: the most decimal digits converted to or from an `int`.
    public static let maxDigits = 4300

    /// `10 ** maxDigits`, the smallest magnitude with more than ``maxDigits`` digits.
    private static let firstTooLong = BigUInt(10).power(maxDigits)

    /// Whether the decimal form of `value` has more than ``maxDigits`` digits (the sign not counted).
    ///
    /// Decided from the bit width for all but the borderline width, where one comparison settles it; never
    /// converts the value to text.
    public static func exceedsLimit(_ value: BigInt) -> Bool {
        let width = value.magnitude.bitWidth
        let borderline = Self.firstTooLong.bitWidth
        if width != borderline {
            return width > borderline
        }
        return value.magnitude >= Self.firstTooLong
    }

    /// CPython's `ValueError` for converting an `int` of more than ``maxDigits`` digits to text.
    public static var conversionToTextError: PythonException {
        .valueError(
            "Exceeds the limit (\(maxDigits) digits) for integer string conversion; "
                + "use sys.set_int_max_str_digits() to increase the limit"
        )
    }

    /// CPython's `ValueError` for converting a text of `digits` decimal digits (more than ``maxDigits``) to an `int`.
    public static func conversionFromTextError(digits: Int) -> PythonException {
        .valueError(
            "Exceeds the limit (\(maxDigits) digits) for integer string conversion: value has \(digits) digits; "
                + "use sys.set_int_max_str_digits() to increase the limit"
        )
    }

    /// Python's `int(text)` (base 10) for a `str`.
    ///
    /// Accepts what CPython accepts: surrounding whitespace, one sign, decimal digits of any script, single
    /// underscores between digits. The digit count is checked before any conversion.
    ///
    /// - Parameter text: The string.
    /// - Returns: The integer, as ``PythonValue/int(_:)`` when it fits in `Int`.
    /// - Throws: `ValueError("invalid literal for int() with base 10: '…'")` for text that is not an integer
    ///   literal, and ``conversionFromTextError(digits:)`` for one of more than ``maxDigits`` digits.
    public static func parse(_ text: String) throws(PythonException) -> PythonValue {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        var negative = false
        if index < scalars.count, scalars[index] == "-" || scalars[index] == "+" {
            negative = scalars[index] == "-"
            index += 1
        }
        var digits: [UInt8] = []
        while index < scalars.count {
            if let digit = Self.decimalDigit(scalars[index]) {
                digits.append(digit)
                index += 1
            } else if scalars[index] == "_", !digits.isEmpty, index + 1 < scalars.count,
                Self.decimalDigit(scalars[index + 1]) != nil
            {
                index += 1
            } else {
                break
            }
        }
        if digits.count > Self.maxDigits {
            throw Self.conversionFromTextError(digits: digits.count)
        }
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        guard !digits.isEmpty, index == scalars.count else {
            throw .valueError("invalid literal for int() with base 10: \(Self.truncatedRepr(text))")
        }
        return Self.integer(digits: digits, negative: negative)
    }

    /// The integer of a run of ASCII digit values (0–9), with its sign; the caller bounds the count.
    static func integer(digits: some Collection<UInt8>, negative: Bool) -> PythonValue {
        let significant = digits.drop { $0 == 0 }
        if significant.count <= 18 {
            var value = 0
            for digit in significant {
                value = value * 10 + Int(digit)
            }
            return .int(negative ? -value : value)
        }
        let text = String(decoding: significant.map { $0 + 0x30 }, as: UTF8.self)
        let magnitude = BigInt(text, radix: 10) ?? 0
        return .integer(negative ? -magnitude : magnitude)
    }

    /// The value of a decimal digit of any script (Python's `str.isdecimal` characters), or `nil`.
    private static func decimalDigit(_ scalar: Unicode.Scalar) -> UInt8? {
        if ("0"..."9").contains(scalar) {
            return UInt8(scalar.value - 0x30)
        }
        let properties = scalar.properties
        guard properties.numericType == .decimal, let value = properties.numericValue, (0...9).contains(value) else {
            return nil
        }
        return UInt8(value)
    }

    /// `repr(text)` cut to 200 characters, as CPython's `%.200R` formats it in the error message.
    private static func truncatedRepr(_ text: String) -> String {
        let repr = PythonValue.string(text).repr
        guard repr.unicodeScalars.count > 200 else { return repr }
        return String(String.UnicodeScalarView(repr.unicodeScalars.prefix(200)))
    }
}
