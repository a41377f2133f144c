import Logging
import NIOCore
import NIOEmbedded
import Pickle
import Testing

@testable import ManagerServer

/// A connection that closes while the store delivers a reply to it, as a channel does when writing to a dead peer
/// fails: NIO closes it at once, inside the store operation that is replying.
@Suite("Connections closed during a reply")
struct ReentrantCloseTests {
    let loop = EmbeddedEventLoop()
    let store: ObjectStore

    init() {
        self.store = ObjectStore(
            eventLoop: self.loop, types: HostedType.syncManager, addresses: ["/tmp/reentrant.sock"],
            logger: Logger(label: "test")
        )
    }

    func lock() throws -> String {
        let reply = self.store.perform(
            function: "create", arguments: ["Lock"], keywords: PythonDict(), connection: ConnectionID(rawValue: 9)
        )
        guard case .returned(.tuple(let fields)) = reply, let id = fields.first?.stringValue else {
            throw StoreTestError("create failed: \(reply)")
        }
        return id
    }

    func acquire(_ id: String, on connection: ConnectionID, _ reply: @escaping (StoreReply) -> Void) {
        self.store.call(objectID: id, method: "acquire", arguments: CallArguments(), connection: connection, reply: reply)
    }

    @Test("a Lock handed to a waiter whose connection closes on delivery goes to the next waiter")
    func lockHandedToAClosingConnection() throws {
        let id = try self.lock()
        let holder = ConnectionID(rawValue: 1)
        let dying = ConnectionID(rawValue: 2)
        let next = ConnectionID(rawValue: 3)
        var holderReplies: [StoreReply] = []
        var dyingReplies: [StoreReply] = []
        var nextReplies: [StoreReply] = []
        self.acquire(id, on: holder) { holderReplies.append($0) }
        let store = self.store
        self.acquire(id, on: dying) { reply in
            dyingReplies.append(reply)
            store.connectionClosed(dying)  // the write failed: the channel closes inside the delivery
        }
        self.acquire(id, on: next) { nextReplies.append($0) }
        #expect(holderReplies.count == 1)
        #expect(dyingReplies.isEmpty && nextReplies.isEmpty)

        // The release hands the Lock to `dying`, whose delivery closes it; before this was deferred, releasing
        // what `dying` held here changed the Lock again in the middle of the hand-off and crashed the server.
        self.store.call(objectID: id, method: "release", arguments: CallArguments(), connection: holder) { _ in }
        #expect(dyingReplies.count == 1)
        self.loop.run()
        guard case .returned(let acquired) = try #require(nextReplies.first) else {
            Issue.record("the next waiter got \(nextReplies)")
            return
        }
        #expect(acquired == true)
    }
}
