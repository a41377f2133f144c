import Logging
import ManagerServer
import ManagerWire
import NIOCore
import NIOEmbedded
import Pickle

/// libFuzzer entry point for the server's request path, without sockets.
///
/// Input layout: byte 0 picks a SyncManager typeid to create before anything else (so method calls reach a live
/// object from the first run); the rest is a script of records, each an opcode byte, a length byte and that many
/// bytes of pickle. A record's pickle is decoded with ``PickleReader`` (small limits) and read as a ``Request``, then:
/// - opcode bit 0 clear: a method call through ``ObjectStore/call(objectID:method:arguments:connection:reply:)``;
///   with bit 3 set, the request's object id is replaced by one of the ids created so far (bits 4–7 pick which);
/// - opcode bit 0 set: a server function through ``ObjectStore/perform(function:arguments:keywords:connection:
///   chargeReferences:)``, charged to the connection when bit 3 is set;
/// - bits 1–2 pick one of four connections;
/// - opcode `0xFF`: the clock moves on by the record's length in seconds (deadlines of parked calls pass);
///   opcode `0xFE`: the connection picked by the length byte closes.
///
/// At the end the clock moves on an hour and every connection closes. Checks: each call is answered at most once
/// and a call that did not park is answered at once; every answer encodes with ``PickleWriter`` as the server would
/// send it; no crash, no sanitizer report, no hang (a call may stay parked).
@_cdecl("LLVMFuzzerTestOneInput")
public func dispatchFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = input.first else { return 0 }
    let loop = EmbeddedEventLoop()
    let address = PythonValue.string("/tmp/dispatch-fuzz.sock")
    let store = ObjectStore(
        eventLoop: loop,
        types: HostedType.syncManager,
        addresses: [address],
        logger: Logger(label: "dispatch-fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    // Repetition up to the default 100 million elements is legitimate work that takes minutes under
    // AddressSanitizer; a small bound keeps every input fast and still reaches the MemoryError path.
    store.maxRepetitionLength = 4096
    let reader = PickleReader(
        limits: PickleLimits(
            maxInputSize: 1 << 12,
            maxDepth: 32,
            maxMemoEntries: 256,
            maxIntegerBytes: 64,
            maxContainerLength: 256
        )
    )
    let replies = ReplyLog(address: address)
    var createdIDs: [String] = []
    func noteCreated(_ reply: StoreReply) {
        if case .returned(.tuple(let fields)) = reply, let id = fields.first?.stringValue {
            createdIDs.append(id)
        }
        if case .proxy(_, _, let objectID) = reply {
            createdIDs.append(objectID)
        }
    }

    let types = HostedType.syncManager
    if Int(first) < types.count {
        let reply = store.perform(
            function: "create", arguments: [.string(types[Int(first)].typeID)], keywords: PythonDict(),
            connection: ConnectionID(rawValue: 1)
        )
        replies.encode(reply)
        noteCreated(reply)
    }

    var offset = 1
    while offset + 2 <= input.count {
        let opcode = input[offset]
        let length = Int(input[offset + 1])
        let payload = Array(input[(offset + 2)..<min(input.count, offset + 2 + length)])
        offset += 2 + length
        switch opcode {
        case 0xFF:
            loop.advanceTime(by: .seconds(Int64(length)))
            continue
        case 0xFE:
            store.connectionClosed(ConnectionID(rawValue: UInt64(length % 4 + 1)))
            continue
        default:
            break
        }
        guard let value = try? reader.read(payload), var request = try? Request(value) else { continue }
        let connection = ConnectionID(rawValue: UInt64((opcode >> 1) & 3) + 1)
        if opcode & 1 == 1 {
            let reply = store.perform(
                function: request.method, arguments: request.arguments, keywords: request.keywords,
                connection: connection, chargeReferences: opcode & 8 != 0
            )
            replies.encode(reply)
            noteCreated(reply)
        } else {
            if opcode & 8 != 0, !createdIDs.isEmpty {
                request.objectID = createdIDs[Int(opcode >> 4) % createdIDs.count]
            }
            let call = replies.startCall()
            store.call(
                objectID: request.objectID ?? "",
                method: request.method,
                arguments: CallArguments(request.arguments, keywords: request.keywords),
                connection: connection
            ) { reply in
                replies.answer(call, with: reply)
                noteCreated(reply)
            }
            loop.run()
        }
    }
    loop.advanceTime(by: .hours(1))
    for connection in 1...4 {
        store.connectionClosed(ConnectionID(rawValue: UInt64(connection)))
    }
    loop.run()
    _ = try? loop.syncShutdownGracefully()
    return 0
}

/// The answers the store gave, checked as they arrive.
private final class ReplyLog {
    private let address: PythonValue
    private let writer = PickleWriter(protocolVersion: 4)
    private var answered: [Bool] = []

    init(address: PythonValue) {
        self.address = address
    }

    /// Registers a call about to be made; returns its number.
    func startCall() -> Int {
        self.answered.append(false)
        return self.answered.count - 1
    }

    /// Records the answer to call `call`, which must be its first.
    func answer(_ call: Int, with reply: StoreReply) {
        guard !self.answered[call] else {
            fatalError("call \(call) was answered twice; the second answer: \(reply)")
        }
        self.answered[call] = true
        self.encode(reply)
    }

    /// Encodes `reply` as the server's connection handler does; it must encode.
    func encode(_ reply: StoreReply) {
        let wireReply: Reply
        switch reply {
        case .returned(let value): wireReply = .returned(value)
        case .error(let exception): wireReply = .error(exception.value)
        case .traceback(let text): wireReply = .traceback(text)
        case .unserializable(let text): wireReply = .unserializable(text)
        case .proxy(let exposed, let typeID, let objectID):
            wireReply = .proxy(exposed: exposed, token: Token(typeID: typeID, address: self.address, objectID: objectID))
        }
        do {
            _ = try self.writer.write(wireReply.value)
        } catch {
            fatalError("a reply does not encode: \(error); reply: \(reply)")
        }
    }
}
