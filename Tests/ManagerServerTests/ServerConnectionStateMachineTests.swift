import ManagerWire
import Pickle
import Testing

@testable import ManagerServer

/// The connection state machine on its own: no channel, no event loop, only events in and actions out.
@Suite("Server connection state machine")
struct ServerConnectionStateMachineTests {
    typealias Machine = ServerConnectionStateMachine

    static func call(_ method: String = "get", objectID: String? = "7f") -> Machine.Incoming {
        .request(Request(objectID: objectID, method: method))
    }

    static var accept: Machine.Incoming { .request(Request(objectID: nil, method: "accept_connection", arguments: ["c"])) }

    /// A method channel whose `accept_connection` has been answered, outside any read burst.
    static func methodChannel(_ limits: ServerConnectionLimits = ServerConnectionLimits()) -> Machine {
        var machine = Machine(limits: limits)
        _ = machine.requestReceived(Self.accept, bytes: 40)
        _ = machine.replyReady()
        _ = machine.readComplete()
        _ = machine.nextAction()
        return machine
    }

    static func isCall(_ action: Machine.Action, _ method: String, register: Bool? = nil) -> Bool {
        guard case .performCall(let request, let registering) = action, request.method == method else { return false }
        return register.map { $0 == registering } ?? true
    }

    static func isRead(_ action: Machine.Action) -> Bool {
        if case .read = action { return true }
        return false
    }

    static func isNone(_ action: Machine.Action) -> Bool {
        if case .none = action { return true }
        return false
    }

    @Test("accept_connection makes a method channel; its first call registers it, later calls do not")
    func methodChannelLifecycle() {
        var machine = Machine()
        guard case .performFunction(let request, let charged) = machine.requestReceived(Self.accept, bytes: 40) else {
            Issue.record("accept_connection was not run as a server function")
            return
        }
        #expect(request.method == "accept_connection" && !charged)
        #expect(machine.state == .methodChannel(busy: true))
        let step1 = machine.replyReady()
        #expect(step1 == .write, "answered inside its read: flushed at the read's end")
        let step2 = machine.readComplete()
        #expect(step2)
        let step3 = machine.readComplete()
        #expect(!step3, "a flush is owed once")
        let step4 = machine.nextAction()
        #expect(Self.isNone(step4))
        let step5 = machine.requestReceived(Self.call("qsize"), bytes: 30)
        #expect(Self.isCall(step5, "qsize", register: true))
        let step6 = machine.replyReady()
        #expect(step6 == .write)
        let step7 = machine.requestReceived(Self.call("qsize"), bytes: 30)
        #expect(Self.isCall(step7, "qsize", register: false))
        #expect(machine.registeredAsMethodChannel)
    }

    @Test("a server function on a method channel is charged to it and does not register the channel")
    func serverFunctionOnChannel() {
        var machine = Self.methodChannel()
        guard case .performFunction(_, let charged) = machine.requestReceived(Self.call("incref", objectID: nil), bytes: 30)
        else {
            Issue.record("incref was not run as a server function")
            return
        }
        #expect(charged && !machine.registeredAsMethodChannel)
    }

    @Test("a one-shot connection answers once, then closes and ignores further frames")
    func oneShot() {
        var machine = Machine()
        guard case .performFunction(let request, false) = machine.requestReceived(Self.call("debug_info", objectID: nil), bytes: 30)
        else {
            Issue.record("the first request was not run")
            return
        }
        #expect(request.method == "debug_info" && machine.state == .oneShot)
        let step8 = machine.requestReceived(Self.call("create", objectID: nil), bytes: 30)
        #expect(Self.isNone(step8))
        let step9 = machine.replyReady()
        #expect(step9 == .writeFlushAndClose)
        #expect(machine.state == .closed)
        let step10 = machine.replyReady()
        #expect(step10 == .drop)
        let step11 = machine.nextAction()
        #expect(Self.isNone(step11))
    }

    @Test("an undecodable first frame is rejected and the connection is one-shot; on a channel it is rejected in order")
    func undecodable() {
        var first = Machine()
        guard case .reject(let reason) = first.requestReceived(.undecodable(reason: "bad"), bytes: 3) else {
            Issue.record("the undecodable frame was not rejected")
            return
        }
        #expect(reason == "bad" && first.state == .oneShot)
        let step12 = first.replyReady()
        #expect(step12 == .writeFlushAndClose)

        var channel = Self.methodChannel()
        let step13 = channel.requestReceived(Self.call("get"), bytes: 30)
        #expect(Self.isCall(step13, "get"))
        let step14 = channel.requestReceived(.undecodable(reason: "late"), bytes: 3)
        #expect(Self.isNone(step14))
        _ = channel.replyReady()
        guard case .reject(let late) = channel.nextAction() else {
            Issue.record("the queued undecodable frame was not rejected after the call before it")
            return
        }
        #expect(late == "late")
    }

    @Test("requests behind a parked call wait in order and reading pauses at the count limit, resuming as it drains")
    func pauseByCount() {
        var machine = Self.methodChannel(ServerConnectionLimits(maxQueuedRequests: 3))
        let step15 = machine.requestReceived(Self.call("get"), bytes: 10)
        #expect(Self.isCall(step15, "get"))
        for index in 0..<3 {
            let step16 = machine.requestReceived(Self.call("put\(index)"), bytes: 10)
            #expect(Self.isNone(step16))
        }
        #expect(machine.queuedCount == 3 && !machine.isReadingAllowed)
        _ = machine.readComplete()
        let step17 = machine.readRequested()
        #expect(Self.isNone(step17), "reading is paused")
        #expect(machine.pendingRead)
        let step18 = machine.replyReady()
        #expect(step18 == .writeAndFlush, "the parked call's reply comes after its read")
        let step19 = machine.nextAction()
        #expect(Self.isCall(step19, "put0"))
        #expect(machine.queuedCount == 2 && machine.isReadingAllowed)
        let step20 = machine.replyReady()
        #expect(step20 == .writeAndFlush)
        let step21 = machine.nextAction()
        #expect(Self.isCall(step21, "put1"), "queued requests go before the held-back read")
        _ = machine.replyReady()
        let step22 = machine.nextAction()
        #expect(Self.isCall(step22, "put2"))
        _ = machine.replyReady()
        let step23 = machine.nextAction()
        #expect(Self.isRead(step23), "the held-back read is issued once the queue is empty")
        #expect(!machine.pendingRead)
        let step24 = machine.readRequested()
        #expect(Self.isRead(step24))
    }

    @Test("the bytes of queued requests are bounded; one request larger than the budget is still served")
    func pauseByBytes() {
        var machine = Self.methodChannel(ServerConnectionLimits(maxQueuedRequestBytes: 1000))
        let step25 = machine.requestReceived(Self.call("get"), bytes: 10)
        #expect(Self.isCall(step25, "get"))
        let step26 = machine.requestReceived(Self.call("small"), bytes: 400)
        #expect(Self.isNone(step26))
        #expect(machine.isReadingAllowed)
        let step27 = machine.requestReceived(Self.call("huge"), bytes: 5000)
        #expect(Self.isNone(step27))
        #expect(machine.queuedBytes == 5400 && !machine.isReadingAllowed)
        _ = machine.readComplete()
        let step28 = machine.readRequested()
        #expect(Self.isNone(step28))
        _ = machine.replyReady()
        let step29 = machine.nextAction()
        #expect(Self.isCall(step29, "small"))
        #expect(!machine.isReadingAllowed, "the huge request still waits")
        _ = machine.replyReady()
        let step30 = machine.nextAction()
        #expect(Self.isCall(step30, "huge"), "the request larger than the budget is dispatched")
        #expect(machine.queuedBytes == 0 && machine.isReadingAllowed)
        _ = machine.replyReady()
        let step31 = machine.nextAction()
        #expect(Self.isRead(step31))
    }

    @Test("a huge frame size saturates the byte count instead of overflowing")
    func bytesSaturate() {
        var machine = Self.methodChannel()
        _ = machine.requestReceived(Self.call("get"), bytes: 10)
        _ = machine.requestReceived(Self.call("a"), bytes: Int.max)
        _ = machine.requestReceived(Self.call("b"), bytes: Int.max)
        #expect(machine.queuedBytes == Int.max && !machine.isReadingAllowed)
        _ = machine.requestReceived(Self.call("c"), bytes: -5)
        #expect(machine.queuedCount == 3)
    }

    @Test("an unwritable channel pauses reading and holds requests; writable again, they go in order, then the read")
    func pauseByWritability() {
        var machine = Self.methodChannel()
        let step32 = machine.writabilityChanged(isWritable: false)
        #expect(Self.isNone(step32))
        #expect(!machine.isReadingAllowed)
        let step33 = machine.readRequested()
        #expect(Self.isNone(step33))
        let step34 = machine.requestReceived(Self.call("one"), bytes: 10)
        #expect(Self.isNone(step34), "not dispatched while unwritable")
        let step35 = machine.requestReceived(Self.call("two"), bytes: 10)
        #expect(Self.isNone(step35))
        _ = machine.readComplete()
        let step36 = machine.writabilityChanged(isWritable: true)
        #expect(Self.isCall(step36, "one"))
        let step37 = machine.requestReceived(Self.call("three"), bytes: 10)
        #expect(Self.isNone(step37), "queued behind one and two")
        _ = machine.replyReady()
        let step38 = machine.nextAction()
        #expect(Self.isCall(step38, "two"))
        _ = machine.replyReady()
        let step39 = machine.nextAction()
        #expect(Self.isCall(step39, "three"))
        _ = machine.replyReady()
        let step40 = machine.nextAction()
        #expect(Self.isRead(step40))
    }

    @Test("writability lost while a call is parked: its reply is still sent, the queue waits for writability")
    func writabilityLostWhileParked() {
        var machine = Self.methodChannel()
        let step41 = machine.requestReceived(Self.call("get"), bytes: 10)
        #expect(Self.isCall(step41, "get"))
        let step42 = machine.requestReceived(Self.call("next"), bytes: 10)
        #expect(Self.isNone(step42))
        _ = machine.readComplete()
        let step43 = machine.writabilityChanged(isWritable: false)
        #expect(Self.isNone(step43), "the parked call stays parked")
        let step44 = machine.replyReady()
        #expect(step44 == .writeAndFlush, "a reply is written even while unwritable")
        let step45 = machine.nextAction()
        #expect(Self.isNone(step45), "the next request waits for writability")
        #expect(machine.state == .methodChannel(busy: false))
        let step46 = machine.writabilityChanged(isWritable: true)
        #expect(Self.isCall(step46, "next"))
    }

    @Test("writable again while a call is parked: reading resumes, nothing is dispatched")
    func writableWhileParked() {
        var machine = Self.methodChannel()
        _ = machine.requestReceived(Self.call("get"), bytes: 10)
        _ = machine.readComplete()
        _ = machine.writabilityChanged(isWritable: false)
        let step47 = machine.readRequested()
        #expect(Self.isNone(step47))
        let step48 = machine.writabilityChanged(isWritable: true)
        #expect(Self.isRead(step48))
        #expect(machine.state == .methodChannel(busy: true))
    }

    @Test("close in every state drops the queue and stops reading, dispatching and writing", arguments: 0..<5)
    func closeInEveryState(stage: Int) {
        var machine = Machine(limits: ServerConnectionLimits(maxQueuedRequests: 1))
        if stage >= 1 { _ = machine.requestReceived(Self.accept, bytes: 10) }
        if stage >= 2 { _ = machine.replyReady() }
        if stage >= 3 { _ = machine.requestReceived(Self.call("get"), bytes: 10) }
        if stage >= 4 {
            _ = machine.requestReceived(Self.call("queued"), bytes: 10)
            _ = machine.readRequested()
            _ = machine.writabilityChanged(isWritable: false)
        }
        machine.closed()
        #expect(machine.state == .closed && machine.queuedCount == 0 && machine.queuedBytes == 0)
        let step49 = machine.replyReady()
        #expect(step49 == .drop)
        let step50 = machine.nextAction()
        #expect(Self.isNone(step50))
        let step51 = machine.readRequested()
        #expect(Self.isNone(step51))
        #expect(!machine.pendingRead)
        let step52 = machine.writabilityChanged(isWritable: true)
        #expect(Self.isNone(step52))
        let step53 = machine.requestReceived(Self.call("late"), bytes: 10)
        #expect(Self.isNone(step53))
        let step54 = machine.readComplete()
        #expect(!step54)
    }

    @Test("a one-shot connection closed before its reply drops it")
    func oneShotClosedBeforeReply() {
        var machine = Machine()
        _ = machine.requestReceived(Self.call("create", objectID: nil), bytes: 10)
        machine.closed()
        let step55 = machine.replyReady()
        #expect(step55 == .drop)
    }

    @Test("a reply sent from inside a dispatch defers the next request to the end of that dispatch")
    func deferredDispatch() {
        var machine = Self.methodChannel()
        let first = machine.requestReceived(Self.call("a"), bytes: 30)
        #expect(Self.isCall(first, "a"))
        let queued = machine.requestReceived(Self.call("b"), bytes: 30)
        #expect(Self.isNone(queued))
        machine.dispatchBegan()
        _ = machine.replyReady()
        let inside = machine.nextAction()
        #expect(Self.isNone(inside), "no dispatch from inside a dispatch: the stack would grow per queued request")
        let after = machine.dispatchEnded()
        #expect(Self.isCall(after, "b"))
        machine.dispatchBegan()
        let nothingOwed = machine.dispatchEnded()
        #expect(Self.isNone(nothingOwed), "the dispatch of b answered nothing yet")
    }

    // MARK: - Authentication

    @Test("while authenticating, frames go to the handshake, reads are allowed and nothing is written")
    func authenticating() {
        var machine = Machine(authenticating: true)
        #expect(machine.state == .authenticating)
        #expect(machine.route() == .handshake)
        let read = machine.readRequested()
        #expect(Self.isRead(read))
        let reply = machine.replyReady()
        #expect(reply == .drop)
        let stray = machine.requestReceived(Self.accept, bytes: 40)
        #expect(Self.isNone(stray), "a frame of the handshake is never a request")
        #expect(machine.state == .authenticating)
    }

    @Test("admitted, the next frame is a request and the connection runs as one that needed no handshake")
    func admittedThenRequests() {
        var machine = Machine(authenticating: true)
        machine.admitted()
        #expect(machine.state == .awaitingFirstRequest)
        #expect(machine.route() == .request)
        let accept = machine.requestReceived(Self.accept, bytes: 40)
        guard case .performFunction(let request, charged: false) = accept else {
            Issue.record("accept_connection was not performed: \(accept)")
            return
        }
        #expect(request.method == "accept_connection")
        machine.admitted()
        #expect(machine.state == .methodChannel(busy: true), "a second admission changes nothing")
    }

    @Test("a connection without a handshake starts awaiting its first request")
    func noHandshake() {
        let machine = Machine()
        #expect(machine.state == .awaitingFirstRequest)
        #expect(machine.route() == .request)
    }

    @Test("closed or one-shot connections discard frames; admission after close keeps it closed")
    func discards() {
        var oneShot = Machine()
        _ = oneShot.requestReceived(Self.call("create", objectID: nil), bytes: 10)
        #expect(oneShot.route() == .discard)
        var closed = Machine(authenticating: true)
        closed.closed()
        closed.admitted()
        #expect(closed.state == .closed)
        #expect(closed.route() == .discard)
    }

    @Test("a broken byte stream fails the handshake, closes an admitted connection, and is reported once")
    func streamFailure() {
        var handshaking = Machine(authenticating: true)
        #expect(handshaking.streamFailed() == .failHandshake)
        #expect(handshaking.state == .closed)
        #expect(handshaking.streamFailed() == .none)

        var channel = Self.methodChannel()
        _ = channel.requestReceived(Self.call("get"), bytes: 10)
        _ = channel.requestReceived(Self.call("queued"), bytes: 10)
        #expect(channel.streamFailed() == .close)
        #expect(channel.state == .closed && channel.queuedCount == 0)
        #expect(channel.replyReady() == .drop)
        #expect(channel.route() == .discard)
    }
}
