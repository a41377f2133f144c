/// Where the reply to a method call goes: a closure, or a receiver that needs no allocation per call.
package enum ReplyTarget {
    /// A closure called with the reply.
    case handler(ObjectStore.ReplyHandler)
    /// A long-lived receiver, such as the connection the call came from.
    case receiver(any StoreReplyReceiver)

    /// A target that drops the reply (for events that are not calls).
    static var discard: ReplyTarget { .handler { _ in } }

    /// Delivers `reply` from `store`, on the store's loop.
    func deliver(_ reply: StoreReply, from store: ObjectStore) {
        switch self {
        case .handler(let body): body(reply)
        case .receiver(let receiver): receiver.receive(reply, from: store)
        }
    }
}
