import Testing

@testable import ManagerServer

/// Pending handshakes and authenticated connections have separate caps; the oldest pending connection makes room.
@Suite("Admission state machine")
struct AdmissionStateMachineTests {
    private static func machine(pending: Int = 2, connections: Int = 2) -> AdmissionStateMachine {
        AdmissionStateMachine(limits: .init(maxPendingHandshakes: pending, maxConnections: connections))
    }

    private static func handshakeID(_ action: AdmissionStateMachine.AcceptAction) -> ConnectionID? {
        guard case .startHandshake(let id, _) = action else { return nil }
        return id
    }

    @Test("a connection starts its handshake and is served once it authenticates")
    func admitsAfterHandshake() throws {
        var machine = Self.machine()
        let id = try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true)))
        #expect(machine.pending == [id])
        #expect(machine.admitted.isEmpty)
        #expect(machine.handshakeSucceeded(id) == .serve)
        #expect(machine.pending.isEmpty)
        #expect(machine.admitted == [id])
    }

    @Test("pending handshakes do not count against the connection limit")
    func pendingDoNotCount() throws {
        var machine = Self.machine(pending: 8, connections: 1)
        var ids: [ConnectionID] = []
        for _ in 0..<4 {
            ids.append(try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true))))
        }
        #expect(machine.handshakeSucceeded(ids[3]) == .serve)
        #expect(machine.handshakeSucceeded(ids[0]) == .refuse(.connectionLimit))
        machine.connectionClosed(ids[3])
        #expect(machine.handshakeSucceeded(ids[1]) == .serve)
    }

    @Test("beyond the pending cap the oldest pending connection is evicted")
    func evictsOldestPending() throws {
        var machine = Self.machine(pending: 2)
        let first = try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true)))
        let second = try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true)))
        let third = machine.connectionAccepted(needsHandshake: true)
        guard case .startHandshake(let id, let evicted) = third else {
            Issue.record("expected a handshake, got \(third)")
            return
        }
        #expect(evicted == first)
        #expect(machine.pending == [second, id])
        #expect(machine.handshakeSucceeded(first) == .ignore)
    }

    @Test("without a key a connection is served at once, under the connection limit")
    func noHandshake() {
        var machine = Self.machine(connections: 1)
        guard case .serve(let id) = machine.connectionAccepted(needsHandshake: false) else {
            Issue.record("expected to serve")
            return
        }
        #expect(machine.connectionAccepted(needsHandshake: false) == .refuse(.connectionLimit))
        machine.connectionClosed(id)
        guard case .serve = machine.connectionAccepted(needsHandshake: false) else {
            Issue.record("a freed slot must be usable")
            return
        }
    }

    @Test("shutdown returns every connection once and refuses new and authenticating ones")
    func shutdown() throws {
        var machine = Self.machine()
        let served = try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true)))
        #expect(machine.handshakeSucceeded(served) == .serve)
        let pending = try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true)))
        #expect(machine.shutdownBegan() == [pending, served])
        #expect(machine.shutdownBegan() == nil)
        #expect(machine.connectionAccepted(needsHandshake: true) == .refuse(.shuttingDown))
        #expect(machine.handshakeSucceeded(pending) == .refuse(.shuttingDown))
    }

    @Test("a closed connection leaves whichever set it was in")
    func closing() throws {
        var machine = Self.machine()
        let pending = try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true)))
        let served = try #require(Self.handshakeID(machine.connectionAccepted(needsHandshake: true)))
        #expect(machine.handshakeSucceeded(served) == .serve)
        machine.connectionClosed(pending)
        machine.connectionClosed(served)
        #expect(machine.pending.isEmpty)
        #expect(machine.admitted.isEmpty)
        #expect(machine.handshakeSucceeded(pending) == .ignore)
    }

    @Test("limits below 1 are raised to 1")
    func clampsLimits() {
        let machine = Self.machine(pending: 0, connections: -5)
        #expect(machine.limits == .init(maxPendingHandshakes: 1, maxConnections: 1))
    }
}
