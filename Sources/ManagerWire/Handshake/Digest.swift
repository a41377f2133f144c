internal import Crypto

/// A hash function the handshake may use for its HMAC, named as CPython names it.
///
/// CPython 3.12 and later prefix challenges and responses with `{name}`; 3.11 and earlier use HMAC-MD5 without a
/// prefix. Every peer must support MD5.
public enum Digest: String, Sendable, Hashable, CaseIterable {
    /// HMAC-MD5: 16 bytes. The only digest of CPython 3.11 and earlier.
    case md5
    /// HMAC-SHA256: 32 bytes. What CPython 3.12 and later offer.
    case sha256
    /// HMAC-SHA384: 48 bytes.
    case sha384
    /// HMAC-SHA3-256: 32 bytes.
    case sha3_256
    /// HMAC-SHA3-384: 48 bytes.
    case sha3_384

    /// The `{name}` prefix as bytes.
    public var prefix: [UInt8] { Array("{\(self.rawValue)}".utf8) }

    /// The length of this digest's MAC in bytes.
    public var macLength: Int {
        switch self {
        case .md5: return 16
        case .sha256, .sha3_256: return 32
        case .sha384, .sha3_384: return 48
        }
    }

    /// The HMAC of `message` under `key`.
    ///
    /// - Parameters:
    ///   - key: The HMAC key (the authkey).
    ///   - message: The bytes to authenticate.
    /// - Returns: The MAC, ``macLength`` bytes long.
    public func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let symmetricKey = SymmetricKey(data: key)
        switch self {
        case .md5: return Array(HMAC<Insecure.MD5>.authenticationCode(for: message, using: symmetricKey))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetricKey))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: message, using: symmetricKey))
        case .sha3_256: return Array(HMAC<SHA3_256>.authenticationCode(for: message, using: symmetricKey))
        case .sha3_384: return Array(HMAC<SHA3_384>.authenticationCode(for: message, using: symmetricKey))
        }
    }

    /// Splits a `{name}`-prefixed message into its digest and the rest (CPython 3.12: `_get_digest_name_and_payload`).
    ///
    /// The closing brace must be at index 1 through 9 and the name one of the allowed digests.
    ///
    /// - Returns: The digest and the bytes after the prefix, or `nil` if there is no valid prefix.
    static func parsePrefixed(_ message: ArraySlice<UInt8>) -> (digest: Digest, rest: ArraySlice<UInt8>)? {
        guard message.first == UInt8(ascii: "{") else { return nil }
        let start = message.startIndex
        let searchEnd = min(message.endIndex, start + 10)
        guard let close = message[(start + 1)..<searchEnd].firstIndex(of: UInt8(ascii: "}")) else { return nil }
        guard let name = String(validatingUTF8: message[(start + 1)..<close]), let digest = Digest(rawValue: name)
        else {
            return nil
        }
        return (digest, message[(close + 1)...])
    }
}

extension String {
    fileprivate init?(validatingUTF8 bytes: ArraySlice<UInt8>) {
        guard let string = String(validating: bytes, as: UTF8.self) else { return nil }
        self = string
    }
}

/// Compares two byte sequences in time that depends only on their lengths.
func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) {
        difference |= a ^ b
    }
    return difference == 0
}
