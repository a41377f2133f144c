import DequeModule
import ManagerWire

/// The life of one server connection after its handshake, as CPython's server runs it, without I/O.
///
/// The first request decides what the connection is: `accept_connection` turns it into a method channel that
/// serves calls until the client closes it; any other server function is answered once and the connection is
/// closed. A method channel answers its requests strictly in order: while a call is parked (a blocking
/// `Queue.get`), later requests wait, exactly as they would behind CPython's per-connection thread.
///
/// Beyond CPython, a method channel also accepts server functions (`incref`, `decref`, `create`, …) sent with
/// object id `None`, so a Swift client can manage references without opening a connection per operation; CPython
/// clients never send these on a channel.
struct ServerConnectionStateMachine {
    enum State {
        /// Waiting for the first request.
        case awaitingFirstRequest
        /// Answering the one request of a one-shot connection.
        case oneShot
        /// A method channel; `busy` while a request is being answered, with later requests in ``queued``.
        case methodChannel(busy: Bool)
        /// Closed or closing; nothing more is dispatched.
        case closed
    }

    /// One frame from the client.
    enum Incoming {
        /// A well-formed request.
        case request(Request)
        /// A frame that is not a request; `reason` says why.
        case undecodable(reason: String)
    }

    /// What the connection must do next.
    enum Action {
        /// Answer a frame that is not a request with a traceback (CPython keeps the channel open).
        case reject(reason: String)
        /// Run a server function; `charged` when references it takes belong to this connection.
        case performFunction(Request, charged: Bool)
        /// Run a method call on an object.
        case performCall(Request)
        /// Send the reply, then close the connection.
        case closeAfterReply
        /// Stop reading: too many requests are queued behind a parked call.
        case pauseReading
        /// Nothing to do.
        case none
    }

    /// How many requests may queue behind a busy method channel before reading pauses.
    let maxQueuedRequests: Int
    private(set) var state: State = .awaitingFirstRequest
    /// Requests waiting behind a busy method channel, oldest first.
    ///
    /// Kept outside ``State`` so appending and popping mutate the queue in place instead of copying it.
    private(set) var queued = Deque<Incoming>()

    init(maxQueuedRequests: Int = 1024) {
        self.maxQueuedRequests = maxQueuedRequests
    }

    /// A request arrived.
    mutating func requestReceived(_ incoming: Incoming) -> Action {
        switch self.state {
        case .awaitingFirstRequest:
            guard case .request(let request) = incoming else {
                self.state = .oneShot
                return Self.dispatch(incoming)
            }
            if request.method == "accept_connection" {
                self.state = .methodChannel(busy: true)
            } else {
                self.state = .oneShot
            }
            return .performFunction(request, charged: false)
        case .oneShot, .closed:
            // A one-shot client must not send a second request; CPython never reads it.
            return .none
        case .methodChannel(let busy):
            guard busy else {
                self.state = .methodChannel(busy: true)
                return Self.dispatch(incoming)
            }
            self.queued.append(incoming)
            return self.queued.count >= self.maxQueuedRequests ? .pauseReading : .none
        }
    }

    /// The reply to the request being answered was sent.
    ///
    /// - Returns: the next request to dispatch, `closeAfterReply` for a one-shot connection, or `none`.
    mutating func replySent() -> Action {
        switch self.state {
        case .oneShot:
            self.state = .closed
            return .closeAfterReply
        case .methodChannel:
            guard let next = self.queued.popFirst() else {
                self.state = .methodChannel(busy: false)
                return .none
            }
            return Self.dispatch(next)
        case .awaitingFirstRequest, .closed:
            return .none
        }
    }

    /// Whether reading may resume after a pause.
    var canResumeReading: Bool {
        if case .methodChannel = self.state {
            return self.queued.count < self.maxQueuedRequests / 2
        }
        return false
    }

    /// The connection closed.
    mutating func closed() {
        self.state = .closed
        self.queued = []
    }

    private static func dispatch(_ incoming: Incoming) -> Action {
        guard case .request(let request) = incoming else {
            if case .undecodable(let reason) = incoming { return .reject(reason: reason) }
            return .none
        }
        if request.objectID == nil, ObjectStoreFunctions.names.contains(request.method) {
            return .performFunction(request, charged: true)
        }
        return .performCall(request)
    }
}

/// The server function names, visible to the connection layer.
enum ObjectStoreFunctions {
    static var names: Set<String> { ObjectStore.serverFunctions }
}
