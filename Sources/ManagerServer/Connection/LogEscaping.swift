/// Makes text from a client safe to put in a log line.
enum LogEscaping {
    /// The longest escaped text kept; longer text is cut and ends with `…`.
    static let maxLength = 1000

    /// `text` with control characters (newlines, carriage returns, escape sequences), line and paragraph
    /// separators and bidirectional overrides written as `\u{XX}`, cut to ``maxLength`` characters.
    ///
    /// Applying it twice gives the same text as applying it once, so text that was already escaped is safe too.
    static func escaped(_ text: String) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < Self.maxLength else {
                result += "…"
                break
            }
            if Self.needsEscaping(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result
    }

    private static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
