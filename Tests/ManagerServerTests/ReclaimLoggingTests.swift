import Logging
import NIOConcurrencyHelpers
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerServer

/// A hosted object that a connection can hold, releasing it with a line of text its client chose.
private final class Holdable: HostedObject {
    let typeID: String
    let exposed = ["hold"]
    var heldBy: ConnectionID?
    var releaseLine = ""

    init(typeID: String) {
        self.typeID = typeID
    }

    var pythonRepr: String { "Holdable()" }

    func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext) throws(PythonException)
        -> CallOutcome
    {
        self.heldBy = context.connection
        self.releaseLine = arguments.positional.first?.stringValue ?? ""
        return .value(.none)
    }

    func pickledValue() -> Result<PythonValue, PythonException> { .success(.none) }

    func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] {
        guard self.heldBy == connection else { return [] }
        self.heldBy = nil
        return [self.releaseLine]
    }
}

/// Keeps every line logged through it, with its metadata rendered as the CLI's handler would see it.
private struct CapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        self.lines.withLockedValue { $0.append("\(event.level) \(event.message) \(fields.joined(separator: " "))") }
    }
}

/// The store's lines about closed connections and released objects never carry a client's raw control characters.
@Suite("Reclaim logging")
struct ReclaimLoggingTests {
    static let forgedTypeID = "Cell\nerror : forged typeid"
    static let forgedLine = "released Lock\r\n2026-01-01T00:00:00 critical : forged line"

    @Test("a forged type id and release line are escaped in the notice and the debug lines")
    func escapesClientText() throws {
        let lines = NIOLockedValueBox<[String]>([])
        let loop = EmbeddedEventLoop()
        let type = HostedType(typeID: Self.forgedTypeID, exposed: ["hold"]) { _, _ in
            Holdable(typeID: Self.forgedTypeID)
        }
        let store = ObjectStore(
            eventLoop: loop, types: [type], addresses: ["/tmp/reclaim-logging.sock"],
            logger: Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        )
        let client = ConnectionID(rawValue: 1)
        let reply = store.perform(
            function: "create", arguments: [.string(Self.forgedTypeID)], keywords: PythonDict(), connection: client,
            chargeReferences: true
        )
        guard case .returned(.tuple(let fields)) = reply, let id = fields.first?.stringValue else {
            Issue.record("create failed: \(reply)")
            return
        }
        store.registerMethodChannel(client)
        store.call(
            objectID: id, method: "hold", arguments: CallArguments([.string(Self.forgedLine)]), connection: client
        ) { _ in }
        store.connectionClosed(client)
        loop.advanceTime(by: .seconds(1))

        let logged = lines.withLockedValue { $0 }
        #expect(logged.contains { $0.hasPrefix("notice released Lock\\u{d}\\u{a}2026-01-01T00:00:00 critical") })
        #expect(logged.contains { $0.hasPrefix("debug released object") })
        #expect(logged.filter { $0.contains("typeid=Cell\\u{a}error : forged typeid") }.count == 2)
        for line in logged {
            #expect(!line.contains("\n") && !line.contains("\r"), "raw control character in \(line.debugDescription)")
        }
    }
}
