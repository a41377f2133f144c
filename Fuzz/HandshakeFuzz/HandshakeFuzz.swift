import ManagerWire

/// libFuzzer entry point for ``HandshakeStateMachine``.
///
/// Input layout: byte 0 picks the role (bit 0), the challenge style (bits 1–2) and the key length (bits 3–7); the
/// key and this side's challenge bytes follow. The rest is a script of peer events, each an opcode byte and, for the
/// frame-carrying ones, a length byte and that many bytes:
/// - `0`: a raw frame from the input;
/// - `1`: the correct answer to the challenge this side sent (so the successful paths are reachable);
/// - `2`: the answer computed with a key from the input (a wrong key, unless the fuzzer guesses it);
/// - `3`: `#CHALLENGE#` followed by bytes from the input;
/// - `4`: `#WELCOME#`; `5`: `#FAILURE#`;
/// - `6`: the channel closed; `7`: a time-out; `8`: a framing error; anything else: `start()` again.
///
/// Checks: every action is one of the documented ones and agrees with `isFinished`/`isSucceeded`; an answer this
/// side sends is exactly ``HandshakeStateMachine/answer(challengeFrame:key:)``; the machine never succeeds unless the
/// peer sent a response ``HandshakeStateMachine/verify(response:challenge:key:)`` accepts; a finished machine stays
/// finished.
@_cdecl("LLVMFuzzerTestOneInput")
public func handshakeFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = HandshakeInput(UnsafeBufferPointer(start: data, count: size))
    guard let header = input.byte() else { return 0 }
    let role: HandshakeStateMachine.Role = header & 1 == 0 ? .server : .client
    let key = input.bytes(Int(header >> 3))
    let challenge: [UInt8]
    switch (header >> 1) & 3 {
    case 0: challenge = input.bytes(20)
    case 1: challenge = Array("{sha256}".utf8) + input.bytes(40)
    case 2: challenge = Array("{md5}".utf8) + input.bytes(24)
    default: challenge = input.bytes(Int(input.byte() ?? 0) % 64)
    }
    var machine = HandshakeStateMachine(role: role, authKey: AuthKey(key), challenge: challenge)
    var peerAnsweredCorrectly = false
    var wasFinished = false
    var lastSent: [UInt8]?
    var lastChallengeFrame: [UInt8]?
    var answer: [UInt8]?  // the correct answer, computed once: HMACs dominate the harness's time

    func check(_ action: HandshakeStateMachine.Action, after frame: [UInt8]?) {
        switch action {
        case .wait:
            break
        case .send(let payload), .sendAndSucceed(let payload):
            if let challengeFrame = lastChallengeFrame, frame == challengeFrame,
                payload != HandshakeStateMachine.welcome, payload != HandshakeStateMachine.failure
            {
                guard case .success(let expected) = HandshakeStateMachine.answer(challengeFrame: challengeFrame, key: key),
                    expected == payload
                else {
                    fatalError("the machine answered a challenge differently from answer(challengeFrame:key:)")
                }
            }
            lastSent = payload
        case .succeed:
            break
        case .fail(_, let finalMessage):
            if let finalMessage, finalMessage != HandshakeStateMachine.failure {
                fatalError("a failing handshake may only send #FAILURE#")
            }
            guard machine.isFinished, !machine.isSucceeded else {
                fatalError("the machine said fail but is not in a failed state")
            }
        }
        switch action {
        case .sendAndSucceed, .succeed:
            guard machine.isSucceeded else { fatalError("the machine said succeed but is not in a succeeded state") }
        default:
            break
        }
        if machine.isSucceeded && !peerAnsweredCorrectly {
            fatalError("the handshake succeeded though the peer never answered this side's challenge correctly")
        }
        if wasFinished && !machine.isFinished {
            fatalError("a finished handshake became unfinished")
        }
        wasFinished = machine.isFinished
    }

    check(machine.start(), after: nil)
    while let opcode = input.byte() {
        let frame: [UInt8]
        switch opcode {
        case 0:
            frame = input.bytes(Int(input.byte() ?? 0))
        case 1:
            if answer == nil { answer = correctAnswer(to: challenge, key: key) }
            frame = answer ?? []
        case 2:
            frame = correctAnswer(to: challenge, key: input.bytes(Int(input.byte() ?? 0) % 32))
        case 3:
            frame = HandshakeStateMachine.challengeMarker + input.bytes(Int(input.byte() ?? 0))
        case 4:
            frame = HandshakeStateMachine.welcome
        case 5:
            frame = HandshakeStateMachine.failure
        case 6:
            check(machine.channelClosed(), after: nil)
            continue
        case 7:
            check(machine.timedOut(), after: nil)
            continue
        case 8:
            check(machine.errorCaught(WireError(code: .malformedFrame, message: "fuzz")), after: nil)
            continue
        default:
            check(machine.start(), after: nil)
            continue
        }
        let awaitingResponse = lastSent.map { $0 == HandshakeStateMachine.challengeMarker + challenge } ?? false
        if awaitingResponse && !machine.isFinished
            && HandshakeStateMachine.verify(response: frame, challenge: challenge, key: key) == nil
        {
            peerAnsweredCorrectly = true
        }
        if frame.starts(with: HandshakeStateMachine.challengeMarker) {
            lastChallengeFrame = frame
        }
        check(machine.frameReceived(frame), after: frame)
    }
    return 0
}

/// The response a peer holding `key` sends to this side's `challenge` (empty if the challenge has no answer).
private func correctAnswer(to challenge: [UInt8], key: [UInt8]) -> [UInt8] {
    switch HandshakeStateMachine.answer(challengeFrame: HandshakeStateMachine.challengeMarker + challenge, key: key) {
    case .success(let response): return response
    case .failure: return []
    }
}

/// Reads the fuzzer's input front to back; reads past the end give nothing.
private struct HandshakeInput {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.bytes = Array(buffer)
    }

    mutating func byte() -> UInt8? {
        guard self.offset < self.bytes.count else { return nil }
        defer { self.offset += 1 }
        return self.bytes[self.offset]
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        let end = min(self.bytes.count, self.offset + count)
        defer { self.offset = end }
        return Array(self.bytes[self.offset..<end])
    }
}
