/// Where the reply to a method call goes: a closure, or a receiver that needs no allocation per call.
package enum ReplyTarget {
    /// A closure called with the reply.
    case handler(ObjectStore.ReplyHandler)
    /// A long-lived receiver, such as the connection the call came from.
    case receiver(any StoreReplyReceiver)

    /// A target that drops the reply (for events that are not calls).
    static var discard: ReplyTarget { .handler { _ in } }

    /// Delivers `reply` from `store`, on the store's loop.
    ///
    /// Delivering can close a connection on the spot (writing to a peer that has died), and the store then hears
    /// of the close before `deliver` returns; ``ObjectStore/connectionClosed(_:)`` sees that a delivery is in
    /// progress and leaves the objects alone until the operation that delivered has finished.
    func deliver(_ reply: StoreReply, from store: ObjectStore) {
        store.deliveriesInProgress += 1
        defer { store.deliveriesInProgress -= 1 }
        switch self {
        case .handler(let body): body(reply)
        case .receiver(let receiver): receiver.receive(reply, from: store)
        }
    }
}
