import ManagerWire
import Pickle
import Testing

@Suite("Requests, replies, tokens and addresses")
struct MessageTests {
    static let token = Token(typeID: "dict", address: "/tmp/mp/sock", objectID: "7f3e945db840")

    @Test("a token is NEWOBJ(Token, ()) with BUILD((typeid, address, id)) and reads back")
    func tokenValue() throws {
        guard case .object(let object) = Self.token.value else {
            Issue.record("a token must be an object value")
            return
        }
        guard case .newObject(let cls, let arguments) = object.construction else {
            Issue.record("a token must be built with NEWOBJ")
            return
        }
        #expect(cls == .global(.managers("Token")))
        #expect(arguments == .tuple([]))
        #expect(object.states == [.tuple(["dict", "/tmp/mp/sock", "7f3e945db840"])])
        #expect(try Token(Self.token.value) == Self.token)
        #expect(Self.token.managerAddress == .unix(path: "/tmp/mp/sock"))
    }

    @Test(
        "values that are not tokens are refused",
        arguments: [
            PythonValue.none,
            .tuple(["dict", "/tmp/x", "1"]),
            .object(PythonObject.reduce(.managers("Token"), ["dict", "/tmp/x", "1"])),
            .object(
                PythonObject(
                    construction: .newObject(cls: .global(.managers("Token")), arguments: .tuple([])),
                    states: [.tuple(["dict", "/tmp/x"])]
                )
            ),
        ]
    )
    func notTokens(value: PythonValue) {
        #expect(throws: WireError.self) { try Token(value) }
    }

    @Test("a request is the 4-tuple (ident, methodname, args, kwds)")
    func requestValue() throws {
        let request = Request(
            objectID: "7f3ba27b3b10",
            method: "get",
            keywords: PythonDict(stringKeys: ["timeout": 0.5])
        )
        #expect(
            request.value
                == .tuple(["7f3ba27b3b10", "get", .tuple([]), .dict(PythonDict(stringKeys: ["timeout": 0.5]))])
        )
        let decoded = try Request(request.value)
        #expect(decoded.objectID == "7f3ba27b3b10")
        #expect(decoded.method == "get")
        #expect(decoded.keywords == PythonDict(stringKeys: ["timeout": 0.5]))
        let dummy = try Request(.tuple([.none, "dummy", .tuple([]), .dict(PythonDict())]))
        #expect(dummy.objectID == nil && dummy.method == "dummy" && dummy.arguments.isEmpty)
    }

    @Test(
        "malformed requests are refused",
        arguments: [
            PythonValue.tuple([.none, "dummy", .tuple([])]),
            .list([.none, "dummy", .tuple([]), .dict(PythonDict())]),
            .tuple([1, "dummy", .tuple([]), .dict(PythonDict())]),
            .tuple([.none, .bytes([1]), .tuple([]), .dict(PythonDict())]),
            .tuple([.none, "dummy", .list([]), .dict(PythonDict())]),
            .tuple([.none, "dummy", .tuple([]), .none]),
        ]
    )
    func malformedRequests(value: PythonValue) {
        #expect {
            try Request(value)
        } throws: { error in
            (error as? WireError)?.code == .malformedMessage
        }
    }

    @Test("replies of every kind round-trip through their values")
    func replies() throws {
        let keyError = PythonException.keyError("missing").value
        let cases: [Reply] = [
            .returned(.none),
            .error(keyError),
            .traceback("Traceback (most recent call last):\nKeyError: 'x'\n"),
            .unserializable("TypeError: cannot pickle"),
            .proxy(exposed: ["__next__", "send", "throw", "close"], token: Self.token),
        ]
        for reply in cases {
            let decoded = try Reply(reply.value)
            #expect(decoded.value == reply.value)
        }
        guard case .error(let exception) = try Reply(.tuple(["#ERROR", keyError])) else {
            Issue.record("#ERROR must decode to .error")
            return
        }
        #expect(PythonException(exception) == .keyError("missing"))
    }

    @Test(
        "malformed replies are refused",
        arguments: [
            PythonValue.tuple(["#RETURN"]),
            .tuple(["#BOGUS", .none]),
            .tuple(["#TRACEBACK", 1]),
            .tuple(["#PROXY", .tuple([.tuple(["x"])])]),
            .tuple(["#PROXY", .tuple([.tuple([1]), MessageTests.token.value])]),
            .list(["#RETURN", .none]),
        ]
    )
    func malformedReplies(value: PythonValue) {
        #expect {
            try Reply(value)
        } throws: { error in
            (error as? WireError)?.code == .malformedMessage
        }
    }

    @Test(
        "addresses parse from text",
        arguments: [
            ("/tmp/pymp/listener", ManagerAddress.unix(path: "/tmp/pymp/listener")),
            ("unix:/tmp/a", .unix(path: "/tmp/a")),
            ("./sock", .unix(path: "./sock")),
            ("127.0.0.1:50000", .tcp(host: "127.0.0.1", port: 50000)),
            ("localhost:0", .tcp(host: "localhost", port: 0)),
            ("[::1]:8080", .tcp(host: "::1", port: 8080)),
        ]
    )
    func parsesAddresses(text: String, expected: ManagerAddress) throws {
        let address = try ManagerAddress(parsing: text)
        #expect(address == expected)
        #expect(try ManagerAddress(parsing: address.description) == address)
    }

    @Test(
        "invalid address text is refused",
        arguments: ["", "localhost", "host:99999", "::1:80", "[::1]80", "unix:", ":80"]
    )
    func refusesAddresses(text: String) {
        #expect {
            try ManagerAddress(parsing: text)
        } throws: { error in
            (error as? WireError)?.code == .invalidAddress
        }
    }

    @Test("addresses convert to and from Python values")
    func pythonAddresses() {
        #expect(ManagerAddress.tcp(host: "127.0.0.1", port: 47217).pythonValue == .tuple(["127.0.0.1", 47217]))
        #expect(ManagerAddress(pythonValue: .tuple(["127.0.0.1", 47217])) == .tcp(host: "127.0.0.1", port: 47217))
        #expect(ManagerAddress(pythonValue: "/tmp/s") == .unix(path: "/tmp/s"))
        #expect(ManagerAddress(pythonValue: .tuple(["h"])) == nil)
        #expect(ManagerAddress(pythonValue: 5) == nil)
    }

    @Test("authkeys parse hex and never print their bytes")
    func authKeys() throws {
        let key = try AuthKey(hex: "00ff10Ab")
        #expect(key.bytes == [0x00, 0xff, 0x10, 0xab])
        #expect(key.hexString == "00ff10ab")
        #expect(!"\(key)".contains("ab") && "\(key)" == "AuthKey(<4 bytes>)")
        #expect(AuthKey.random().bytes.count == 32)
        #expect(AuthKey.random() != AuthKey.random())
        #expect(throws: WireError.self) { try AuthKey(hex: "abc") }
        #expect(throws: WireError.self) { try AuthKey(hex: "zz") }
    }
}
