/// The shared secret of a manager: the HMAC key both sides prove they hold during the handshake.
///
/// Any byte string works, as in Python (`authkey=b'secret'`). The key is never printed: ``description`` shows
/// only its length.
public struct AuthKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key's bytes.
    public var bytes: [UInt8]

    /// A key with the given bytes.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A key from its UTF-8 text, as Python's `authkey=b'secret'` spells a key made of ASCII.
    public init(utf8 text: String) {
        self.bytes = Array(text.utf8)
    }

    /// A key from hexadecimal text (upper or lower case, an even number of digits, no separators).
    ///
    /// - Throws: ``WireError`` with ``WireError/Code-swift.struct/invalidAuthKey`` if `hex` is not valid hex.
    public init(hex: String) throws(WireError) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else {
            throw WireError(
                code: .invalidAuthKey,
                message: "a hex authkey needs an even number of digits, got \(digits.count); pass the key as "
                    + "Python's key.hex() prints it"
            )
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.hexValue(digits[index]), let low = Self.hexValue(digits[index + 1]) else {
                throw WireError(
                    code: .invalidAuthKey,
                    message: "a hex authkey may contain only 0-9 and a-f; pass the key as Python's key.hex() prints it"
                )
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }

    /// A new key of `count` bytes from the system's secure random number generator (CPython uses 32).
    public static func random(count: Int = 32) -> AuthKey {
        var generator = SystemRandomNumberGenerator()
        return AuthKey((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The key as lowercase hexadecimal text (Python's `key.hex()`).
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(self.bytes.count * 2)
        for byte in self.bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `AuthKey(<n bytes>)`: the length, never the key.
    public var description: String { "AuthKey(<\(self.bytes.count) bytes>)" }

    /// The same as ``description``: the key is never printed.
    public var debugDescription: String { self.description }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
