import ManagerWire
import NIOCore
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

/// Every limit outside what the server can honour is refused with a message naming it and the accepted range.
@Suite("Server configuration limits")
struct ConfigurationLimitTests {
    /// A configuration that validates, with one setting changed.
    static func configuration(_ change: (inout ManagerServer.Configuration) -> Void) -> ManagerServer.Configuration {
        var configuration = ManagerServer.Configuration(
            addresses: ConfigurationValidationTests.addresses, authKey: .random()
        )
        change(&configuration)
        return configuration
    }

    static let refused: [(String, @Sendable (inout ManagerServer.Configuration) -> Void)] = [
        ("maxReplySize (--max-reply-size) must be between 1 and 4294967279, got 0", { $0.maxReplySize = 0 }),
        ("maxReplySize (--max-reply-size) must be between 1 and 4294967279, got 4294967280", {
            $0.maxReplySize = FrameEncoder.maximumPayloadSize + 1
        }),
        ("maxQueuedRequests (--max-queued-requests) must be at least 1, got 0", { $0.maxQueuedRequests = 0 }),
        ("maxQueuedRequestBytes (--max-queued-request-bytes) must be at least 1, got -1", {
            $0.maxQueuedRequestBytes = -1
        }),
        ("maxPendingHandshakes (--max-pending-handshakes) must be at least 1, got 0", { $0.maxPendingHandshakes = 0 }),
        ("maxMessageSize (--max-message-size) must be at least 1, got -9223372036854775808", {
            $0.maxMessageSize = .min
        }),
        ("maxConnections (--max-connections) must be at least 1, got 0", { $0.maxConnections = 0 }),
        ("ioThreads (--io-threads) must be between 1 and 1024, got 1025", { $0.ioThreads = 1025 }),
        ("handshakeTimeout (--handshake-timeout) must be a positive time, got 0 ns", { $0.handshakeTimeout = .zero }),
        ("idleTimeout (--idle-timeout) must be a positive time, got -1000000 ns", {
            $0.idleTimeout = .milliseconds(-1)
        }),
        ("pickleLimits.maxDepth must be between 1 and 1100, got 0", { $0.pickleLimits.maxDepth = 0 }),
        ("pickleLimits.maxDepth must be between 1 and 1100, got 1101", { $0.pickleLimits.maxDepth = 1101 }),
        ("pickleLimits.maxInputSize must be at least 1, got 0", { $0.pickleLimits.maxInputSize = 0 }),
        ("pickleLimits.maxMemoEntries must be at least 0, got -1", { $0.pickleLimits.maxMemoEntries = -1 }),
        ("pickleLimits.maxIntegerBytes must be at least 1, got 0", { $0.pickleLimits.maxIntegerBytes = 0 }),
        ("pickleLimits.maxContainerLength must be at least 0, got -1", { $0.pickleLimits.maxContainerLength = -1 }),
        ("pickleLimits.maxSharedExpansion must be at least 1, got 0", { $0.pickleLimits.maxSharedExpansion = 0 }),
    ]

    @Test("a limit out of range is refused with its name and range", arguments: refused)
    func refusesOutOfRange(message: String, change: @Sendable (inout ManagerServer.Configuration) -> Void) {
        #expect {
            try Self.configuration(change).validate()
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test("the bounds themselves are accepted")
    func acceptsBounds() {
        let configuration = Self.configuration {
            $0.maxReplySize = FrameEncoder.maximumPayloadSize
            $0.maxQueuedRequests = 1
            $0.maxQueuedRequestBytes = 1
            $0.maxPendingHandshakes = 1
            $0.maxConnections = 1
            $0.ioThreads = ManagerServer.Configuration.maxIOThreads
            $0.handshakeTimeout = .nanoseconds(1)
            $0.idleTimeout = .nanoseconds(1)
            $0.pickleLimits.maxDepth = ManagerServer.Configuration.maxValueDepth
            $0.pickleLimits.maxMemoEntries = 0
            $0.pickleLimits.maxContainerLength = 0
        }
        #expect(throws: Never.self) { try configuration.validate() }
        #expect(throws: Never.self) { try Self.configuration { _ in }.validate() }
    }
}
