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

@Suite("PickleReader shapes")
struct PickleReaderShapeTests {
    let reader = PickleReader()

    @Test("a CPython proxy pickle becomes a proxy reference")
    func dictProxy() throws {
        let bytes = hexBytes(
            "80049575000000000000008c186d756c746970726f63657373696e672e6d616e6167657273948c0c52656275696c6450726f78799493942868008c094469637450726f787994939468008c05546f6b656e9493942981948c0464696374948c062f746d702f78948c03616263948794628c067069636b6c65947d94749452942e"
        )
        let value = try self.reader.read(bytes)
        guard case .proxy(let proxy) = value else {
            Issue.record("expected a proxy, got \(value)")
            return
        }
        #expect(proxy == PythonProxyReference(proxyType: .managers("DictProxy"), typeID: "dict", address: "/tmp/x", objectID: "abc"))
    }

    @Test("an AutoProxy pickle keeps its TCP address and exposed methods")
    func autoProxy() throws {
        let bytes = hexBytes(
            "80049598000000000000008c186d756c746970726f63657373696e672e6d616e6167657273948c0c52656275696c6450726f78799493942868008c094175746f50726f787994939468008c05546f6b656e9493942981948c055175657565948c093132372e302e302e31944d881386948c0437663031948794628c067069636b6c65947d948c076578706f736564948c03676574948c0370757494869473749452942e"
        )
        let value = try self.reader.read(bytes)
        guard case .proxy(let proxy) = value else {
            Issue.record("expected a proxy, got \(value)")
            return
        }
        #expect(proxy.proxyType == .managers("AutoProxy"))
        #expect(proxy.typeID == "Queue")
        #expect(proxy.address == .tuple(["127.0.0.1", 5000]))
        #expect(proxy.objectID == "7f01")
        #expect(proxy.keywords["exposed"] == .tuple(["get", "put"]))
        let again = try self.reader.read(try PickleWriter().write(value))
        #expect(again == value)
    }

    @Test("a Token with the wrong shape stays an opaque object")
    func wrongProxyShape() throws {
        let proxy = PythonObject.reduce(.managers("RebuildProxy"), [.global(.managers("DictProxy")), "not a token", "pickle", .dict(PythonDict())])
        let value = try self.reader.read(try PickleWriter().write(.object(proxy)))
        if case .object = value {} else { Issue.record("expected an opaque object, got \(value)") }
    }

    @Test("recursion through a tuple decodes to a shared tuple with a recursive reference")
    func recursionThroughTuple() throws {
        // l = []; t = (l,); l.append(t); pickle.dumps(t, 4)
        let value = try self.reader.read(hexBytes("8004950b000000000000005d9468008594613068012e"))
        guard case .shared(let identity, .tuple(let elements)) = value, elements.count == 1,
            case .list(let inner) = elements[0], inner.count == 1,
            case .recursiveReference(let back) = inner[0]
        else {
            Issue.record("unexpected shape \(value)")
            return
        }
        #expect(back == identity)
        for protocolVersion in 2...5 {
            let bytes = try PickleWriter(protocolVersion: protocolVersion).write(value)
            let again = try self.reader.read(bytes)
            guard case .shared(let id2, .tuple(let e2)) = again, case .list(let i2) = e2.first,
                case .recursiveReference(let b2) = i2.first
            else {
                Issue.record("protocol \(protocolVersion): unexpected shape \(again)")
                continue
            }
            #expect(b2 == id2)
        }
    }

    @Test("an object referenced twice is shared with one identity")
    func sharedList() throws {
        // x = [1]; pickle.dumps([x, x], 2)
        let shared = PythonValue.shared(PythonIdentity(rawValue: 7), .list([1]))
        let bytes = try PickleWriter(protocolVersion: 2).write(.list([shared, shared]))
        let value = try self.reader.read(bytes)
        guard case .list(let elements) = value, case .shared(let a, _) = elements[0], case .shared(let b, _) = elements[1]
        else {
            Issue.record("unexpected shape \(value)")
            return
        }
        #expect(a == b)
    }

    @Test("an exception reply reads as a PythonException")
    func exception() throws {
        let value = try self.reader.read(
            hexBytes("80049527000000000000008c086275696c74696e73948c084b65794572726f729493948c076d697373696e6794859452942e")
        )
        #expect(PythonException(value) == PythonException.keyError("missing"))
    }

    @Test("Python 2 names are mapped in protocol 0–2 pickles only")
    func pythonTwoNames() throws {
        #expect(try self.reader.read(Array("c__builtin__\nxrange\n.".utf8)) == .global(.builtin("range")))
        #expect(try self.reader.read(Array("cexceptions\nKeyError\n.".utf8)) == .global(.builtin("KeyError")))
        #expect(try self.reader.read(Array("ccopy_reg\n_reconstructor\n.".utf8)) == .global(PythonGlobal(module: "copyreg", name: "_reconstructor")))
        #expect(try self.reader.read([0x80, 0x03] + Array("c__builtin__\nset\n.".utf8)) == .global(PythonGlobal(module: "__builtin__", name: "set")))
    }

    @Test("text opcodes: STRING escapes, UNICODE escapes, FLOAT, LONG, INT booleans")
    func textOpcodes() throws {
        #expect(try self.reader.read(Array("S'a\\nb\\x41\\'c'\n.".utf8)) == "a\nbA'c")
        #expect(try self.reader.read(Array("Vh\\u00e9\\U0001f600\n.".utf8)) == "hé😀")
        #expect(try self.reader.read(Array("Va\\ud800\n.".utf8)) == .surrogateString([0x61, 0xED, 0xA0, 0x80]))
        #expect(try self.reader.read(Array("F-1.5e-05\n.".utf8)) == -1.5e-05)
        #expect(try self.reader.read(Array("L-123456789012345678901234567890L\n.".utf8)).description == "-123456789012345678901234567890")
        #expect(try self.reader.read(Array("I01\n.".utf8)) == true)
        if case .bool = try self.reader.read(Array("I00\n.".utf8)) {} else { Issue.record("I00 is not False") }
        #expect(try self.reader.read([0x55, 0x02, 0xE9, 0x41, 0x2E]) == "éA")  // latin-1 fallback
    }

    @Test("lone surrogates in BINUNICODE keep their bytes")
    func surrogates() throws {
        let value = try self.reader.read([0x80, 0x04, 0x8C, 0x03, 0xED, 0xB0, 0x80, 0x2E])
        #expect(value == .surrogateString([0xED, 0xB0, 0x80]))
        #expect(try PickleWriter().write(value) == [0x80, 0x04, 0x95, 6, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x03, 0xED, 0xB0, 0x80, 0x2E])
    }
}
