import BigInt

/// The `int` encoded as `bytes` little-endian two's complement (`LONG1`, `LONG4`); no bytes mean 0.
func decodeLittleEndianSigned(_ bytes: UnsafeRawBufferPointer) -> PythonValue {
    let count = bytes.count
    if count == 0 {
        return .int(0)
    }
    if count <= 8 {
        var raw: UInt64 = 0
        for index in 0..<count {
            raw |= UInt64(bytes[index]) << (8 * UInt64(index))
        }
        if count < 8, bytes[count - 1] & 0x80 != 0 {
            raw |= ~0 << (8 * UInt64(count))
        }
        return .int(Int(Int64(bitPattern: raw)))
    }
    let negative = bytes[count - 1] & 0x80 != 0
    var words = [UInt](repeating: 0, count: (count + 7) / 8)
    for index in 0..<count {
        words[index / 8] |= UInt(bytes[index]) << (8 * UInt(index % 8))
    }
    if negative {
        // Sign-extend the top word, then negate the two's complement to get the magnitude.
        let used = count % 8
        if used != 0 {
            words[words.count - 1] |= ~0 << (8 * UInt(used))
        }
        var carry = true
        for index in words.indices {
            let inverted = ~words[index]
            if carry {
                let (sum, overflow) = inverted.addingReportingOverflow(1)
                words[index] = sum
                carry = overflow
            } else {
                words[index] = inverted
            }
        }
        return .integer(BigInt(sign: .minus, magnitude: BigUInt(words: words)))
    }
    return .integer(BigInt(sign: .plus, magnitude: BigUInt(words: words)))
}
