import ManagerWire
import NIOCore
import Testing

/// Arbitrary bytes from a peer end in frames or typed errors, never in a crash.
@Suite("Random input")
struct RandomInputTests {
    /// A deterministic generator, so a failure can be reproduced.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomBytes(_ count: Int, using generator: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test("the frame decoder yields frames within the limit or throws a WireError", arguments: 0..<4)
    func frameDecoder(seed: UInt64) {
        var generator = SplitMix64(state: seed)
        for _ in 0..<500 {
            var decoder = FrameDecoder(maxMessageSize: 64, handshakeFrames: Int.random(in: 0...3, using: &generator))
            var input = ByteBuffer(bytes: Self.randomBytes(Int.random(in: 0...80, using: &generator), using: &generator))
            do {
                while let frame = try decoder.decode(buffer: &input) {
                    #expect(frame.readableBytes <= 64)
                }
                _ = try decoder.decodeLast(buffer: &input, seenEOF: true)
            } catch let error as WireError {
                #expect([.malformedFrame, .messageTooLarge].contains(error.code))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test("the handshake machine answers random frames with an action, in both roles", arguments: 0..<4)
    func handshakeMachine(seed: UInt64) {
        var generator = SplitMix64(state: seed)
        for _ in 0..<300 {
            let role: HandshakeStateMachine.Role = Bool.random(using: &generator) ? .server : .client
            var machine = HandshakeStateMachine(
                role: role,
                authKey: .random(),
                challenge: HandshakeStateMachine.ChallengeStyle.default.makeChallenge()
            )
            _ = machine.start()
            for _ in 0..<4 {
                var frame = Self.randomBytes(Int.random(in: 0...60, using: &generator), using: &generator)
                if Bool.random(using: &generator) {
                    frame = HandshakeStateMachine.challengeMarker + frame
                }
                if case .fail = machine.frameReceived(frame) {
                    #expect(machine.isFinished && !machine.isSucceeded)
                }
            }
            #expect(!machine.isSucceeded)
        }
    }
}
