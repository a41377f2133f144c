/// The user event ``HandshakeHandler`` fires through the pipeline when the handshake has succeeded.
///
/// Every frame the handler passes on after this event is an application message (a pickled request or reply).
public struct HandshakeCompleted: Sendable, Hashable {
    /// The role this side played.
    public var role: HandshakeStateMachine.Role

    /// The event for a handshake played in `role`.
    public init(role: HandshakeStateMachine.Role) {
        self.role = role
    }
}
