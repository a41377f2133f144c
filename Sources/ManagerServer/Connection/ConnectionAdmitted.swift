/// The outbound user event ``AdmissionHandler`` sends towards the ``ServerConnectionHandler`` in front of it when
/// the connection has authenticated and was admitted: from the next frame on, frames are requests.
struct ConnectionAdmitted: Sendable, Hashable {}
