import Foundation
import Logging
import ManagerServer
import ManagerWire
import NIOCore
import NIOEmbedded
import Pickle

/// One input's run: a fresh ``ObjectStore`` on an `EmbeddedEventLoop`, fed the input's records in order, with a
/// fresh ``WorkBudget`` for the values it generates.
///
/// See ``dispatchFuzz(_:_:)`` for the input layout. Besides the store's own failures (crashes, sanitizer
/// reports) the run checks each reply with ``ReplyLog`` and times each call: a call that takes longer than
/// ``slowCallSeconds`` is printed to standard error with its description, so slow inputs name their call.
final class DispatchRun {
    /// A call slower than this many seconds is reported.
    static let slowCallSeconds = 1.0
    /// Whether to print every call before it is made (environment variable `DISPATCH_FUZZ_TRACE` set), to tell
    /// what a crashing input does.
    static let tracing = ProcessInfo.processInfo.environment["DISPATCH_FUZZ_TRACE"] != nil
    /// The depth generated values may reach: the server's `maxDepth` less the request's own levels (the request
    /// tuple and its argument tuple), so that every value is one the server's reader accepts.
    static let depthLimit = ManagerServer.Configuration(addresses: [], authKey: nil).pickleLimits.maxDepth - 3

    private let loop = EmbeddedEventLoop()
    private let address = PythonValue.string("/tmp/dispatch-fuzz.sock")
    private let store: ObjectStore
    private let replies: ReplyLog
    /// Raw-pickle records are decoded with small limits (a record holds at most 255 bytes anyway).
    private let reader = PickleReader(
        limits: PickleLimits(
            maxInputSize: 1 << 12, maxDepth: 32, maxMemoEntries: 256, maxIntegerBytes: 64, maxContainerLength: 256
        )
    )
    private var objects: [CreatedObject] = []
    private let input: [UInt8]
    private let budget: WorkBudget
    private let census = KindCensus()
    private var slowest: (seconds: Double, call: String) = (0, "")

    /// A run of `input`.
    init(_ input: [UInt8]) {
        self.input = input
        self.budget = WorkBudget(input: input)
        self.store = ObjectStore(
            eventLoop: self.loop,
            types: HostedType.syncManager,
            addresses: [self.address],
            logger: Logger(label: "dispatch-fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        // Repetition up to the default 100 million elements is legitimate work that takes minutes under
        // AddressSanitizer; a small bound keeps every input fast and still reaches the MemoryError path.
        self.store.maxRepetitionLength = 4096
        self.replies = ReplyLog(address: self.address)
    }

    /// Runs the input, then moves the clock on an hour and closes every connection.
    func run() {
        let input = self.input
        guard let first = input.first else { return }
        if Int(first) < HostedType.syncManager.count {
            self.perform("create", [.string(HostedType.syncManager[Int(first)].typeID)], connection: 1, text: "")
        }
        var offset = 1
        while offset + 2 <= input.count {
            let opcode = input[offset]
            let length = Int(input[offset + 1])
            let payload = input[(offset + 2)..<min(input.count, offset + 2 + length)]
            offset += 2 + length
            self.runRecord(opcode, length: length, payload: payload)
        }
        self.loop.advanceTime(by: .hours(1))
        for connection in 1...4 {
            self.store.connectionClosed(ConnectionID(rawValue: UInt64(connection)))
        }
        self.loop.run()
        _ = try? self.loop.syncShutdownGracefully()
        self.census.finish(largeDrawn: self.budget.largeDrawn)
        if self.slowest.seconds > Self.slowCallSeconds {
            Self.log("slow call (\(self.slowest.seconds) s): \(self.slowest.call)")
        }
    }

    private func runRecord(_ opcode: UInt8, length: Int, payload: ArraySlice<UInt8>) {
        let connection = UInt64(opcode & 3) + 1
        switch opcode {
        case 0xFF:
            self.loop.advanceTime(by: .seconds(Int64(length)))
        case 0xFE:
            self.store.connectionClosed(ConnectionID(rawValue: UInt64(length % 4 + 1)))
        case 0x00..<0x40:
            self.runRawRecord(opcode, payload: payload)
        case 0x40..<0x80:
            self.runStructuredCall(opcode, connection: connection, payload: payload)
        default:
            var cursor = ByteCursor(payload)
            let isCreate = opcode < 0xC0
            let function = isCreate ? "create" : cursor.pick(from: CallTables.serverFunctions)
            let typeID: [PythonValue] = isCreate ? [.string(cursor.pick(from: CallTables.typeIDs))] : []
            let prefix = typeID.first.map { "\($0.repr), " } ?? ""
            self.repeatCall(cursor: cursor) { arguments, text in
                self.perform(
                    function, typeID + arguments.positional, keywords: arguments.keywords, connection: connection,
                    charge: opcode & 4 != 0, text: "\(function)(\(prefix)\(text))"
                )
            }
        }
    }

    /// A record as the harness has always read them: a pickled ``Request``.
    private func runRawRecord(_ opcode: UInt8, payload: ArraySlice<UInt8>) {
        guard let value = try? self.reader.read(Array(payload)), var request = try? Request(value) else { return }
        let connection = UInt64((opcode >> 1) & 3) + 1
        if opcode & 1 == 1 {
            self.perform(
                request.method, request.arguments, keywords: request.keywords, connection: connection,
                charge: opcode & 8 != 0, text: "raw \(request.method)"
            )
            return
        }
        if opcode & 8 != 0, !self.objects.isEmpty {
            request.objectID = self.objects[Int(opcode >> 4) % self.objects.count].id
        }
        let arguments = CallArguments(request.arguments, keywords: request.keywords)
        self.call(request.objectID ?? "", request.method, arguments, connection: connection, text: "raw")
    }

    /// A method call on an object created earlier, with generated arguments.
    private func runStructuredCall(_ opcode: UInt8, connection: UInt64, payload: ArraySlice<UInt8>) {
        var cursor = ByteCursor(payload)
        let pick = Int(opcode >> 2) & 7
        let target =
            self.objects.isEmpty
            ? CreatedObject(id: "0", typeID: "dict", exposed: []) : self.objects[self.objects.count - 1 - pick % self.objects.count]
        let method = cursor.pick(from: target.methods)
        self.repeatCall(cursor: cursor) { arguments, text in
            self.call(target.id, method, arguments, connection: connection, text: "\(target.typeID).\(method)(\(text))")
        }
    }

    /// Reads a call's shape and makes it as often as the shape says, generating its arguments afresh each time.
    ///
    /// Shape byte: bits 0–2 the positional count, bits 3–4 the keyword count, bits 5–7 the repetition count
    /// (1, 1, 1, 1, 2, 8, 16 or 64 times).
    private func repeatCall(cursor start: ByteCursor, _ body: (CallArguments, String) -> Void) {
        var cursor = start
        let shape = cursor.next()
        let repetitions = [1, 1, 1, 1, 2, 8, 16, 64][Int(shape >> 5)]
        for repetition in 0..<repetitions {
            var generator = ValueGenerator(
                cursor: cursor, objects: self.objects, address: self.address, repetition: repetition,
                depthLimit: Self.depthLimit, budget: self.budget, census: self.census
            )
            var arguments = CallArguments()
            var texts: [String] = []
            for _ in 0..<Int(shape & 7) {
                let (value, text) = generator.value()
                arguments.positional.append(value)
                texts.append(text)
            }
            for _ in 0..<Int(shape >> 3 & 3) {
                let name = generator.cursor.pick(from: CallTables.keywords)
                let (value, text) = generator.value()
                try? arguments.keywords.setValue(value, forKey: .string(name))
                texts.append("\(name)=\(text)")
            }
            body(arguments, texts.joined(separator: ", "))
        }
    }

    private func call(_ objectID: String, _ method: String, _ arguments: CallArguments, connection: UInt64, text: String) {
        let number = self.replies.startCall()
        self.timed(text) {
            self.store.call(
                objectID: objectID, method: method, arguments: arguments, connection: ConnectionID(rawValue: connection)
            ) { [replies, weak self] reply in
                replies.answer(number, with: reply)
                self?.noteCreated(reply, typeID: nil)
            }
            self.loop.run()
        }
    }

    private func perform(
        _ function: String, _ arguments: [PythonValue], keywords: PythonDict = PythonDict(), connection: UInt64,
        charge: Bool = false, text: String
    ) {
        self.timed(text) {
            let reply = self.store.perform(
                function: function, arguments: arguments, keywords: keywords,
                connection: ConnectionID(rawValue: connection), chargeReferences: charge
            )
            self.replies.encode(reply)
            self.noteCreated(reply, typeID: function == "create" ? arguments.first?.stringValue : nil)
            self.loop.run()
        }
    }

    private func timed(_ text: String, _ body: () -> Void) {
        if Self.tracing {
            Self.log("call: \(text)")
        }
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds > self.slowest.seconds {
            self.slowest = (seconds, text)
        }
    }

    private func noteCreated(_ reply: StoreReply, typeID: String?) {
        switch reply {
        case .returned(.tuple(let fields)):
            guard let typeID, let id = fields.first?.stringValue else { return }
            let exposed = fields.dropFirst().first?.sequenceElements?.compactMap(\.stringValue) ?? []
            self.objects.append(CreatedObject(id: id, typeID: typeID, exposed: exposed))
        case .proxy(let exposed, let typeID, let objectID):
            self.objects.append(CreatedObject(id: objectID, typeID: typeID, exposed: exposed))
        default:
            break
        }
    }

    private static func log(_ line: String) {
        FileHandle.standardError.write(Data("dispatch-fuzz: \(line)\n".utf8))
    }
}
