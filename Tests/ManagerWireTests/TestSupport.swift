import NIOCore

/// Bytes from a hex string; spaces and newlines are ignored.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.utf8.filter { !($0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n")) }
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(after: index)
        let pair = String(decoding: digits[index...next], as: UTF8.self)
        bytes.append(UInt8(pair, radix: 16)!)
        index = digits.index(after: next)
    }
    return bytes
}

/// A buffer holding `bytes`.
func buffer(_ bytes: [UInt8]) -> ByteBuffer {
    ByteBuffer(bytes: bytes)
}

/// A frame: the 4-byte big-endian length and the payload.
func frame(_ payload: [UInt8]) -> [UInt8] {
    var header = ByteBuffer()
    header.writeInteger(Int32(payload.count), endianness: .big)
    return Array(header.readableBytesView) + payload
}
