import ManagerServer
import ManagerWire
import Pickle

/// The answers the store gave during one input, checked as they arrive.
final class ReplyLog {
    private let address: PythonValue
    private let writer = PickleWriter(protocolVersion: 4)
    private var answered: [Bool] = []

    /// A log for a store whose proxies name `address`.
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
            fatalError("call \(call) was answered twice; the second answer: \(Self.kind(of: reply))")
        }
        self.answered[call] = true
        self.encode(reply)
    }

    /// Encodes `reply` as the server's connection handler does; it must encode.
    func encode(_ reply: StoreReply) {
        let wireReply = reply.wireReply(tokenAddress: self.address)
        do {
            _ = try self.writer.write(wireReply.value)
        } catch {
            fatalError("a reply does not encode: \(error); reply: \(Self.kind(of: reply))")
        }
    }

    /// The reply's case, without its value (describing a deep value could itself exhaust the stack).
    private static func kind(of reply: StoreReply) -> String {
        switch reply {
        case .returned(let value): "#RETURN of a \(value.typeName)"
        case .error(let exception): "#ERROR \(exception.type)"
        case .traceback: "#TRACEBACK"
        case .unserializable: "#UNSERIALIZABLE"
        case .proxy(_, let typeID, let objectID): "#PROXY \(typeID) \(objectID)"
        }
    }
}
