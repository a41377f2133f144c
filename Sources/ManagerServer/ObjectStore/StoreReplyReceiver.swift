/// An object that receives the replies to the method calls it sends to the store.
///
/// A connection handler conforms once instead of handing the store a new closure for every call.
package protocol StoreReplyReceiver: AnyObject {
    /// Receives the reply to a method call, on the store's loop: now, or later for a call that parked.
    ///
    /// - Parameters:
    ///   - reply: The store's answer.
    ///   - store: The store that answered (for the address to write into a new proxy's token).
    func receive(_ reply: StoreReply, from store: ObjectStore)
}
