import BigInt
import Pickle
import Testing

/// Bytes from a hex string (test helper).
func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

@Suite("PickleReader")
struct PickleReaderTests {
    let reader = PickleReader()

    @Test(
        "reads a manager request as CPython writes it in every protocol",
        arguments: [
            "800228580c00000037663362613237633461383071005806000000617070656e6471014b038571027d71037471042e",
            "8004952200000000000000288c0c376633626132376334613830948c06617070656e64944b0385947d9474942e",
            "8005952200000000000000288c0c376633626132376334613830948c06617070656e64944b0385947d9474942e",
        ]
    )
    func readsRequest(hex: String) throws {
        let value = try self.reader.read(hexBytes(hex))
        let expected: PythonValue = .tuple(["7f3ba27c4a80", "append", .tuple([3]), .dict(PythonDict())])
        #expect(value == expected)
        guard case .tuple(let elements) = value else {
            Issue.record("not a tuple: \(value)")
            return
        }
        #expect(elements[0].stringValue == "7f3ba27c4a80")
    }

    @Test(
        "reads ints, floats, strings, bytes, sets and bytearrays in protocols 2, 4 and 5",
        arguments: [
            "80025d7100288a060000000000018a090000000000000000c0473ff80000000000004e8889580600000068c3a96c6c6f7101635f636f646563730a656e636f64650a7102580300000000c3bf710358060000006c6174696e317104867105527106635f5f6275696c74696e5f5f0a7365740a71075d7108284b014b026585710952710a635f5f6275696c74696e5f5f0a66726f7a656e7365740a710b5d710c4b036185710d52710e635f5f6275696c74696e5f5f0a6279746561727261790a710f68025802000000616271106804867111527112857113527114652e",
            "80049561000000000000005d94288a060000000000018a090000000000000000c0473ff80000000000004e88898c0668c3a96c6c6f94430200ff948f94284b014b0290284b0391948c086275696c74696e73948c09627974656172726179949394430261629485945294652e",
            "8005954b000000000000005d94288a060000000000018a090000000000000000c0473ff80000000000004e88898c0668c3a96c6c6f94430200ff948f94284b014b0290284b039194960200000000000000616294652e",
        ]
    )
    func readsScalars(hex: String) throws {
        let value = try self.reader.read(hexBytes(hex))
        let expected: PythonValue = .list([
            .int(1 << 40), .integer(-(BigInt(1) << 70)), 1.5, nil, true, false, "héllo", .bytes([0, 0xFF]),
            .set(try PythonSet([1, 2])), .frozenSet(try PythonSet([3])), .byteArray([0x61, 0x62]),
        ])
        #expect(value == expected)
        guard case .list(let elements) = value else { return }
        #expect(elements.count == 11)
        if case .byteArray = elements[10] {} else { Issue.record("expected a bytearray, got \(elements[10])") }
        if case .bytes = elements[7] {} else { Issue.record("expected bytes, got \(elements[7])") }
    }
}
