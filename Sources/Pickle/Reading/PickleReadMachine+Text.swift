import BigInt

extension PickleReadMachine {
    /// A `str` from UTF-8 that may contain lone surrogates (Python's `surrogatepass`).
    func decodeUTF8(_ bytes: UnsafeRawBufferPointer) throws(PickleError) -> PythonValue {
        if let string = validatedUTF8String(bytes) {
            return .string(string)
        }
        guard isSurrogatePassUTF8(bytes) else {
            throw self.error(.invalidValue, "a str argument is not valid UTF-8")
        }
        return .surrogateString(Array(bytes))
    }

    /// A module or class name of `GLOBAL`/`INST` (UTF-8 text).
    func decodeName(_ bytes: UnsafeRawBufferPointer) throws(PickleError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw self.error(.invalidValue, "a global name is not valid UTF-8")
        }
        return string
    }

    /// The text of an `INT` or `LONG` line: `00`/`01` are `False`/`True` for `INT`; `LONG` may end in `L`.
    mutating func parseIntLine(isLong: Bool) throws(PickleError) -> PythonValue {
        var line = try self.readLine()
        if !isLong, line.count == 2, line[0] == 0x30 {
            if line[1] == 0x30 { return .bool(false) }
            if line[1] == 0x31 { return .bool(true) }
        }
        if isLong, let last = line.last, last == 0x4C {
            line = UnsafeRawBufferPointer(rebasing: line[..<(line.count - 1)])
        }
        guard line.count <= self.limits.maxIntegerBytes else {
            throw self.error(
                .limitExceeded,
                "an integer of \(line.count) digits exceeds maxIntegerBytes (\(self.limits.maxIntegerBytes))"
            )
        }
        // CPython's INT reads with strtol first, which takes any number of leading zeros; anything longer goes
        // through int(), which counts every digit against sys.int_max_str_digits.
        let (digits, significant) = decimalDigitCounts(line)
        guard digits <= PythonIntegerString.maxDigits || (!isLong && significant <= 18) else {
            throw self.error(
                .limitExceeded,
                "an integer of \(digits) decimal digits exceeds the limit of \(PythonIntegerString.maxDigits) digits "
                    + "for integer string conversion (CPython's sys.int_max_str_digits); send it as a binary LONG4"
            )
        }
        guard let value = parseDecimal(line) else {
            throw self.error(.invalidValue, "an INT or LONG argument is not a decimal integer")
        }
        return value
    }

    /// A non-negative memo index of `GET`/`PUT`.
    mutating func parseIndexLine() throws(PickleError) -> Int {
        let line = try self.readLine()
        guard line.count <= 20, let value = parseDecimal(line), case .int(let index) = value, index >= 0 else {
            throw self.error(.invalidValue, "a GET or PUT argument is not a non-negative memo index")
        }
        return index
    }

    /// The text of a `FLOAT` line (Python's `repr` of a float).
    mutating func parseFloatLine() throws(PickleError) -> Double {
        let line = try self.readLine()
        guard line.count <= 400, let text = String(validating: line, as: Unicode.ASCII.self) else {
            throw self.error(.invalidValue, "a FLOAT argument is not a float literal")
        }
        let trimmed = text.trimmingASCIIWhitespace()
        guard let value = Double(trimmed) else {
            throw self.error(.invalidValue, "a FLOAT argument '\(trimmed)' is not a float literal")
        }
        return value
    }

    /// The quoted, backslash-escaped text of a `STRING` line, decoded as latin-1 (see ``decodeLatin1(_:)``).
    mutating func parseStringLine() throws(PickleError) -> PythonValue {
        let line = try self.readLine()
        guard line.count >= 2, line[0] == line[line.count - 1], line[0] == 0x27 || line[0] == 0x22 else {
            throw self.error(.invalidValue, "the STRING opcode argument must be quoted")
        }
        let body = UnsafeRawBufferPointer(rebasing: line[1..<(line.count - 1)])
        guard let bytes = decodeEscapes(body) else {
            throw self.error(.invalidValue, "the STRING opcode argument has an invalid escape")
        }
        return bytes.withUnsafeBytes { decodeLatin1($0) }
    }

    /// `raw-unicode-escape` text of a `UNICODE` line: `\uXXXX` and `\UXXXXXXXX` escapes, other bytes latin-1.
    func parseRawUnicodeEscape(_ bytes: UnsafeRawBufferPointer) throws(PickleError) -> PythonValue {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x5C else {
                scalars.append(UInt32(byte))
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, bytes[end] == 0x5C { end += 1 }
            let slashes = end - index
            if slashes % 2 == 1, end < bytes.count, bytes[end] == 0x75 || bytes[end] == 0x55 {
                for _ in 0..<(slashes - 1) { scalars.append(0x5C) }
                let digits = bytes[end] == 0x75 ? 4 : 8
                guard end + 1 + digits <= bytes.count,
                    let value = parseHex(UnsafeRawBufferPointer(rebasing: bytes[(end + 1)..<(end + 1 + digits)])),
                    value <= 0x10FFFF
                else {
                    throw self.error(.invalidValue, "a UNICODE argument has a truncated or invalid \\u escape")
                }
                scalars.append(value)
                index = end + 1 + digits
            } else {
                for _ in 0..<slashes { scalars.append(0x5C) }
                index = end
            }
        }
        return pythonString(codePoints: scalars)
    }
}

/// A `str` of the given code points: ``PythonValue/string(_:)``, or ``PythonValue/surrogateString(_:)`` when one
/// of them is a lone surrogate.
func pythonString(codePoints: [UInt32]) -> PythonValue {
    var utf8: [UInt8] = []
    utf8.reserveCapacity(codePoints.count)
    var hasSurrogate = false
    for value in codePoints {
        switch value {
        case 0..<0x80:
            utf8.append(UInt8(value))
        case 0x80..<0x800:
            utf8.append(UInt8(0xC0 | (value >> 6)))
            utf8.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            if (0xD800...0xDFFF).contains(value) { hasSurrogate = true }
            utf8.append(UInt8(0xE0 | (value >> 12)))
            utf8.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            utf8.append(UInt8(0x80 | (value & 0x3F)))
        default:
            utf8.append(UInt8(0xF0 | (value >> 18)))
            utf8.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            utf8.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            utf8.append(UInt8(0x80 | (value & 0x3F)))
        }
    }
    if hasSurrogate {
        return .surrogateString(utf8)
    }
    return .string(String(decoding: utf8, as: UTF8.self))
}

/// Python 2 `str` data (`STRING`, `BINSTRING`, `SHORT_BINSTRING`) as a `str`.
///
/// Python 3 decodes these with the unpickler's `encoding`, `ASCII` by default, and fails on other bytes. This
/// reader is lenient: ASCII text decodes the same, and any other byte is taken as latin-1 (the byte is the code
/// point), which never fails and keeps every byte recoverable.
func decodeLatin1(_ bytes: UnsafeRawBufferPointer) -> PythonValue {
    if bytes.allSatisfy({ $0 < 0x80 }) {
        return .string(String(decoding: bytes, as: UTF8.self))
    }
    return .string(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })))
}

/// An optionally signed decimal integer (surrounding ASCII whitespace allowed), or `nil`.
func parseDecimal(_ bytes: UnsafeRawBufferPointer) -> PythonValue? {
    var start = 0
    var end = bytes.count
    while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0D { start += 1 }
    while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
    var negative = false
    if start < end, bytes[start] == 0x2D || bytes[start] == 0x2B {
        negative = bytes[start] == 0x2D
        start += 1
    }
    guard start < end else { return nil }
    for index in start..<end where !(0x30...0x39).contains(bytes[index]) {
        return nil
    }
    while end - start > 1, bytes[start] == 0x30 { start += 1 }
    if end - start <= 18 {
        var value = 0
        for index in start..<end {
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return .int(negative ? -value : value)
    }
    let digits = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    guard let magnitude = BigInt(digits, radix: 10) else { return nil }
    return .integer(negative ? -magnitude : magnitude)
}

/// How many bytes of `bytes` are ASCII digits, and how many of those follow the leading zeros.
func decimalDigitCounts(_ bytes: UnsafeRawBufferPointer) -> (digits: Int, significant: Int) {
    var digits = 0
    var significant = 0
    for byte in bytes where (0x30...0x39).contains(byte) {
        digits += 1
        if significant > 0 || byte != 0x30 { significant += 1 }
    }
    return (digits, significant)
}

/// Hexadecimal digits as a number, or `nil`.
func parseHex(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
    var value: UInt32 = 0
    for byte in bytes {
        let digit: UInt8
        switch byte {
        case 0x30...0x39: digit = byte - 0x30
        case 0x41...0x46: digit = byte - 0x41 + 10
        case 0x61...0x66: digit = byte - 0x61 + 10
        default: return nil
        }
        value = value << 4 | UInt32(digit)
    }
    return value
}

/// Python's `codecs.escape_decode` of a `STRING` body, or `nil` for a malformed escape.
func decodeEscapes(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        index += 1
        guard byte == 0x5C else {
            result.append(byte)
            continue
        }
        guard index < bytes.count else { return nil }
        let escape = bytes[index]
        index += 1
        switch escape {
        case 0x0A: break
        case 0x5C: result.append(0x5C)
        case 0x27: result.append(0x27)
        case 0x22: result.append(0x22)
        case 0x61: result.append(0x07)
        case 0x62: result.append(0x08)
        case 0x66: result.append(0x0C)
        case 0x6E: result.append(0x0A)
        case 0x72: result.append(0x0D)
        case 0x74: result.append(0x09)
        case 0x76: result.append(0x0B)
        case 0x30...0x37:
            var value = UInt32(escape - 0x30)
            var count = 1
            while count < 3, index < bytes.count, (0x30...0x37).contains(bytes[index]) {
                value = value * 8 + UInt32(bytes[index] - 0x30)
                index += 1
                count += 1
            }
            result.append(UInt8(truncatingIfNeeded: value))
        case 0x78:
            guard index + 2 <= bytes.count,
                let value = parseHex(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + 2)]))
            else { return nil }
            result.append(UInt8(value))
            index += 2
        default:
            result.append(0x5C)
            result.append(escape)
        }
    }
    return result
}

/// Whether `bytes` is UTF-8 in which UTF-16 surrogate code points (U+D800–U+DFFF) are also allowed.
func isSurrogatePassUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var index = 0
    let count = bytes.count
    while index < count {
        let lead = bytes[index]
        let length: Int
        var minimum: UInt32
        var value: UInt32
        switch lead {
        case 0x00..<0x80:
            index += 1
            continue
        case 0xC2...0xDF:
            length = 2; value = UInt32(lead & 0x1F); minimum = 0x80
        case 0xE0...0xEF:
            length = 3; value = UInt32(lead & 0x0F); minimum = 0x800
        case 0xF0...0xF4:
            length = 4; value = UInt32(lead & 0x07); minimum = 0x10000
        default:
            return false
        }
        guard index + length <= count else { return false }
        for offset in 1..<length {
            let continuation = bytes[index + offset]
            guard continuation & 0xC0 == 0x80 else { return false }
            value = value << 6 | UInt32(continuation & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF else { return false }
        index += length
    }
    return true
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs and carriage returns.
    func trimmingASCIIWhitespace() -> String {
        let scalars = self.unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
