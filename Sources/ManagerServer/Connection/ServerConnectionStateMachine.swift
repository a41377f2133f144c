import DequeModule
import ManagerWire

/// The life of one server connection, as CPython's server runs it, without I/O.
///
/// A connection to a server with a key starts ``State/authenticating``: its frames belong to the handshake until
/// the handshake has succeeded and the server admitted the connection (``admitted()``). The first request decides what the connection is: `accept_connection` turns it into a method channel that
/// serves calls until the client closes it; any other server function is answered once and the connection is
/// closed. A method channel answers its requests strictly in order: while a call is parked (a blocking
/// `Queue.get`), or while the client is not taking its replies (the channel is not writable), later requests
/// wait, exactly as they would behind CPython's per-connection thread.
///
/// Reading pauses while requests wait beyond ``limits`` (by count or by bytes) or while the channel is not
/// writable, so a client that sends without reading cannot make the server buffer without bound. The machine
/// also decides how each reply is written (with the replies of the current read, flushed at its end, or at once)
/// and when the connection registers with the store as a method channel. The handler only carries out what it
/// returns.
///
/// Beyond CPython, a method channel also accepts server functions (`incref`, `decref`, `create`, …) sent with
/// object id `None`, so a Swift client can manage references without opening a connection per operation; CPython
/// clients never send these on a channel.
struct ServerConnectionStateMachine {
    /// What the connection is.
    enum State: Equatable {
        /// Running the authentication handshake: frames go to the handshake, none is a request yet.
        case authenticating
        /// Waiting for the first request.
        case awaitingFirstRequest
        /// Answering the one request of a one-shot connection.
        case oneShot
        /// A method channel; `busy` while a request is being answered, with later requests in ``queued``.
        case methodChannel(busy: Bool)
        /// Closed or closing; nothing more is dispatched or written.
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
        /// Run a method call on an object; `register` when the store must first learn this is a method channel.
        case performCall(Request, register: Bool)
        /// Ask the channel for more bytes: reading was paused and may resume.
        case read
        /// Nothing to do.
        case none
    }

    /// Where a frame that arrived goes.
    enum Route: Equatable {
        /// To the authentication handshake.
        case handshake
        /// Decoded as a request and given to ``requestReceived(_:bytes:)``.
        case request
        /// Nowhere: a one-shot connection already has its request, or the connection is closed.
        case discard
    }

    /// What a broken byte stream (a bad frame header, a frame over the size limit) means for the connection.
    enum StreamFailure: Equatable {
        /// The handshake fails with the error, and the handshake closes the connection.
        case failHandshake
        /// The connection is closed after logging the error.
        case close
        /// Nothing: the connection is already closed.
        case none
    }

    /// How the reply about to be sent is written.
    enum ReplyWrite: Equatable {
        /// Written now, flushed with the current read's other replies when the read completes.
        case write
        /// Written and flushed now.
        case writeAndFlush
        /// Written and flushed, then the connection is closed (the reply of a one-shot connection).
        case writeFlushAndClose
        /// Not written: the connection is closed.
        case drop
    }

    /// A request waiting behind a busy method channel, with the size of its frame.
    private struct Queued {
        var incoming: Incoming
        var bytes: Int
    }

    /// The bounds on queued requests.
    let limits: ServerConnectionLimits
    private(set) var state: State
    /// Requests waiting behind a busy method channel, oldest first.
    ///
    /// Kept outside ``State`` so appending and popping mutate the queue in place instead of copying it.
    private var queued = Deque<Queued>()
    /// The frame bytes of the requests in ``queued``.
    private(set) var queuedBytes = 0
    /// Whether the channel takes more writes without going past its high water mark.
    private(set) var isWritable = true
    /// Whether the channel asked to read while reading was paused; the read is issued when it resumes.
    private(set) var pendingRead = false
    /// Whether the store knows this connection as a method channel.
    private(set) var registeredAsMethodChannel = false
    /// Whether the channel is delivering the requests of one read.
    private(set) var inReadBurst = false
    /// Whether replies were written during the current read burst and await its flush.
    private(set) var flushPending = false
    /// Whether the handler is running a dispatched request on its stack (between ``dispatchBegan()`` and
    /// ``dispatchEnded()``): a reply sent synchronously from inside it defers the next dispatch to the handler's
    /// loop instead of recursing, so a long queue of requests that answer at once drains in constant stack depth.
    private(set) var isDispatching = false
    /// Whether ``nextAction()`` was asked for during a dispatch; ``dispatchEnded()`` then answers it.
    private var nextActionDeferred = false

    /// A machine for a new connection; `authenticating` when the connection must first pass the handshake.
    init(limits: ServerConnectionLimits = ServerConnectionLimits(), authenticating: Bool = false) {
        self.limits = limits
        self.state = authenticating ? .authenticating : .awaitingFirstRequest
    }

    /// How many requests wait behind a busy method channel.
    var queuedCount: Int { self.queued.count }

    /// Whether the connection reads more requests now: it is open, writable, and its queue is within bounds.
    var isReadingAllowed: Bool {
        self.state != .closed && self.isWritable
            && self.queued.count < self.limits.maxQueuedRequests
            && self.queuedBytes < self.limits.maxQueuedRequestBytes
    }

    // MARK: - Authentication

    /// The handshake succeeded and the server admitted the connection: later frames are requests.
    mutating func admitted() {
        if self.state == .authenticating {
            self.state = .awaitingFirstRequest
        }
    }

    /// Where the frame that just arrived goes.
    func route() -> Route {
        switch self.state {
        case .authenticating:
            return .handshake
        case .awaitingFirstRequest, .methodChannel:
            return .request
        case .oneShot, .closed:
            return .discard
        }
    }

    /// The byte stream broke: no further frame can be found in it. Nothing more is dispatched or written.
    mutating func streamFailed() -> StreamFailure {
        let state = self.state
        self.closed()
        switch state {
        case .authenticating:
            return .failHandshake
        case .closed:
            return .none
        case .awaitingFirstRequest, .oneShot, .methodChannel:
            return .close
        }
    }

    // MARK: - Reading

    /// The channel asks for more bytes (`read` travelling outbound).
    ///
    /// - Returns: `read` to pass it on, or `none` when reading is paused (it is remembered and issued on resume).
    mutating func readRequested() -> Action {
        if self.isReadingAllowed {
            return .read
        }
        if self.state != .closed {
            self.pendingRead = true
        }
        return .none
    }

    /// A frame of `bytes` bytes arrived.
    ///
    /// - Returns: the request to dispatch now, or `none` when it waits (or a one-shot connection ignores it).
    mutating func requestReceived(_ incoming: Incoming, bytes: Int) -> Action {
        self.inReadBurst = true
        switch self.state {
        case .authenticating:
            // Frames of the handshake never come here (see ``route()``).
            return .none
        case .awaitingFirstRequest:
            guard case .request(let request) = incoming else {
                self.state = .oneShot
                return self.dispatch(incoming)
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
            guard busy || !self.isWritable || !self.queued.isEmpty else {
                self.state = .methodChannel(busy: true)
                return self.dispatch(incoming)
            }
            self.queued.append(Queued(incoming: incoming, bytes: max(bytes, 0)))
            let (total, overflow) = self.queuedBytes.addingReportingOverflow(max(bytes, 0))
            self.queuedBytes = overflow ? Int.max : total
            return .none
        }
    }

    /// The read that delivered the last requests is complete.
    ///
    /// - Returns: whether replies written during it must be flushed now.
    mutating func readComplete() -> Bool {
        self.inReadBurst = false
        defer { self.flushPending = false }
        return self.flushPending
    }

    // MARK: - Replies

    /// The reply to the request being answered is ready to be written.
    ///
    /// Call ``nextAction()`` once it is written.
    mutating func replyReady() -> ReplyWrite {
        switch self.state {
        case .closed, .authenticating, .awaitingFirstRequest:
            return .drop
        case .oneShot:
            self.state = .closed
            return .writeFlushAndClose
        case .methodChannel:
            self.state = .methodChannel(busy: false)
            if self.inReadBurst {
                // Answered while the read that brought the request is still being handled: flushed with the
                // burst's other replies at its end, so a client that pipelines gets them in one system call.
                self.flushPending = true
                return .write
            }
            return .writeAndFlush
        }
    }

    /// What to do now that the connection may have room: the next queued request, else a read held back while
    /// reading was paused, else nothing.
    mutating func nextAction() -> Action {
        if self.isDispatching {
            self.nextActionDeferred = true
            return .none
        }
        guard case .methodChannel(busy: false) = self.state, self.isWritable else {
            return self.resumeReadIfAllowed()
        }
        guard let next = self.queued.popFirst() else {
            return self.resumeReadIfAllowed()
        }
        self.queuedBytes -= next.bytes
        self.state = .methodChannel(busy: true)
        return self.dispatch(next.incoming)
    }

    /// The handler starts carrying out a `performFunction`, `performCall` or `reject` action.
    mutating func dispatchBegan() {
        self.isDispatching = true
    }

    /// The handler finished carrying out the action it began with ``dispatchBegan()`` (its reply may still come
    /// later, from a parked call or another loop).
    ///
    /// - Returns: what ``nextAction()`` would have returned if it was asked for meanwhile, else `none`.
    mutating func dispatchEnded() -> Action {
        self.isDispatching = false
        guard self.nextActionDeferred else { return .none }
        self.nextActionDeferred = false
        return self.nextAction()
    }

    // MARK: - Channel events

    /// The channel's writability changed.
    ///
    /// - Returns: when writable again, the next queued request or the held-back read; else `none`.
    mutating func writabilityChanged(isWritable: Bool) -> Action {
        self.isWritable = isWritable
        return isWritable ? self.nextAction() : .none
    }

    /// The connection closed: queued requests are dropped and nothing more is dispatched or written.
    mutating func closed() {
        self.state = .closed
        self.nextActionDeferred = false
        self.queued.removeAll()
        self.queuedBytes = 0
        self.pendingRead = false
        self.flushPending = false
    }

    // MARK: - Helpers

    private mutating func resumeReadIfAllowed() -> Action {
        guard self.pendingRead, self.isReadingAllowed else { return .none }
        self.pendingRead = false
        return .read
    }

    private mutating func dispatch(_ incoming: Incoming) -> Action {
        switch incoming {
        case .undecodable(let reason):
            return .reject(reason: reason)
        case .request(let request):
            if request.objectID == nil, ObjectStoreFunctions.names.contains(request.method) {
                return .performFunction(request, charged: true)
            }
            let register = !self.registeredAsMethodChannel && request.objectID != nil
            if register { self.registeredAsMethodChannel = true }
            return .performCall(request, register: register)
        }
    }
}

/// The server function names, visible to the connection layer.
enum ObjectStoreFunctions {
    static var names: Set<String> { ObjectStore.serverFunctions }
}
