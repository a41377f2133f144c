import BigInt

/// The shortest little-endian two's complement bytes of an integer, as `LONG1`/`LONG4` carry it (0 is empty).
func encodeLittleEndianSigned(_ value: BigInt) -> [UInt8] {
    if value.isZero {
        return []
    }
    if value.sign == .plus {
        var bytes = magnitudeBytes(value.magnitude.words)
        if let last = bytes.last, last & 0x80 != 0 { bytes.append(0) }
        return bytes
    }
    var bytes = magnitudeBytes((value.magnitude - 1).words)
    for index in bytes.indices { bytes[index] = ~bytes[index] }
    if bytes.isEmpty || bytes[bytes.count - 1] & 0x80 == 0 { bytes.append(0xFF) }
    return bytes
}

/// The shortest little-endian two's complement bytes of an `Int` (0 is empty).
func encodeLittleEndianSigned(_ value: Int) -> [UInt8] {
    if value == 0 {
        return []
    }
    if value > 0 {
        var bytes = magnitudeBytes([UInt(value)])
        if let last = bytes.last, last & 0x80 != 0 { bytes.append(0) }
        return bytes
    }
    // magnitude - 1 of a negative Int never overflows: -(value + 1) is in range.
    var bytes = magnitudeBytes([UInt(-(value + 1))])
    for index in bytes.indices { bytes[index] = ~bytes[index] }
    if bytes.isEmpty || bytes[bytes.count - 1] & 0x80 == 0 { bytes.append(0xFF) }
    return bytes
}

/// Little-endian bytes of an unsigned magnitude given as words, without trailing zero bytes.
private func magnitudeBytes(_ words: some Sequence<UInt>) -> [UInt8] {
    var bytes: [UInt8] = []
    for word in words {
        for shift in stride(from: 0, to: UInt.bitWidth, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: word >> UInt(shift)))
        }
    }
    while let last = bytes.last, last == 0 { bytes.removeLast() }
    return bytes
}
