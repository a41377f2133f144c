import ManagerWire
import Testing

@testable import ManagerServer

/// An empty key is no key, no key needs `allowNoAuthKey` on every transport, and the connection limit fits the
/// descriptor limit.
@Suite("Server configuration")
struct ConfigurationValidationTests {
    static let addresses: [ManagerAddress] = [.unix(path: "/tmp/validation.sock"), .tcp(host: "127.0.0.1", port: 0)]

    @Test("no key or an empty key is refused without allowNoAuthKey", arguments: addresses)
    func refusesNoKey(address: ManagerAddress) {
        for key in [nil, AuthKey([])] {
            let configuration = ManagerServer.Configuration(addresses: [address], authKey: key)
            #expect(configuration.effectiveAuthKey == nil)
            #expect(throws: ManagerServerError.self) { try configuration.validate() }
            var allowed = configuration
            allowed.allowNoAuthKey = true
            #expect(throws: Never.self) { try allowed.validate() }
        }
    }

    @Test("the refusal says the key was empty")
    func emptyKeyMessage() {
        let configuration = ManagerServer.Configuration(addresses: [Self.addresses[0]], authKey: AuthKey([]))
        #expect {
            try configuration.validate()
        } throws: { error in
            "\(error)".contains("empty authkey") && "\(error)".contains("--allow-no-authkey")
        }
    }

    @Test("a key of one byte or more is a key")
    func realKey() {
        let configuration = ManagerServer.Configuration(addresses: Self.addresses, authKey: AuthKey([0]))
        #expect(configuration.effectiveAuthKey == AuthKey([0]))
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test("the default connection limit is what the descriptor limit leaves room for")
    func defaultLimit() {
        var configuration = ManagerServer.Configuration(addresses: Self.addresses, authKey: .random())
        configuration.maxPendingHandshakes = 64
        #expect(configuration.resolvedMaxConnections(descriptors: 1024) == (1024 - 64 - 64, nil))
        #expect(configuration.resolvedMaxConnections(descriptors: 10) == (1, nil))
        #expect(configuration.resolvedMaxConnections(descriptors: nil) == (Int.max, nil))
        #expect(configuration.resolvedMaxConnections(descriptors: Int.min).limit == 1)
    }

    @Test("an explicit limit above the descriptor limit is lowered with a warning")
    func lowersExplicitLimit() {
        var configuration = ManagerServer.Configuration(addresses: Self.addresses, authKey: .random())
        configuration.maxConnections = 100_000
        let (limit, warning) = configuration.resolvedMaxConnections(descriptors: 1024)
        #expect(limit == 896)
        #expect(warning?.contains("lowering the connection limit from 100000 to 896") == true)
        configuration.maxConnections = 10
        #expect(configuration.resolvedMaxConnections(descriptors: 1024) == (10, nil))
    }
}
