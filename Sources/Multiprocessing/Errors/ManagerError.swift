public import Pickle

/// A failure of a call to a manager: an exception the hosted object raised, a server-side error, or a local one.
///
/// Exceptions raised on the server keep their Python class and arguments (``exception``) and map to a ``Code``
/// that Swift code can match without string comparisons:
///
/// ```swift
/// do {
///     let item = try await queue.get(timeout: .seconds(1))
/// } catch let error as ManagerError where error.code == .queueEmpty {
///     // nothing arrived in time
/// }
/// ```
public struct ManagerError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; match the ones you handle and keep a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// `KeyError`: a missing key.
        public static let keyError = Code("KeyError")
        /// `IndexError`: an index out of range.
        public static let indexError = Code("IndexError")
        /// `ValueError`.
        public static let valueError = Code("ValueError")
        /// `TypeError`.
        public static let typeError = Code("TypeError")
        /// `RuntimeError` (e.g. releasing a lock you do not hold).
        public static let runtimeError = Code("RuntimeError")
        /// `AttributeError` (e.g. a missing namespace attribute).
        public static let attributeError = Code("AttributeError")
        /// `OverflowError` (a value out of an array's range).
        public static let overflowError = Code("OverflowError")
        /// `StopIteration`: an iterator is exhausted.
        public static let stopIteration = Code("StopIteration")
        /// `queue.Empty`: nothing to get within the timeout.
        public static let queueEmpty = Code("queue.Empty")
        /// `queue.Full`: no room to put within the timeout.
        public static let queueFull = Code("queue.Full")
        /// `queue.ShutDown`: the queue was shut down.
        public static let queueShutDown = Code("queue.ShutDown")
        /// `threading.BrokenBarrierError`.
        public static let brokenBarrier = Code("threading.BrokenBarrierError")
        /// Any other exception raised on the server; see ``ManagerError/exception``.
        public static let remoteException = Code("remote exception")
        /// The server failed outside the object (unknown object, unexposed method); see ``ManagerError/traceback``.
        public static let remoteTraceback = Code("remote traceback")
        /// The server could not pickle the result.
        public static let unserializable = Code("unserializable result")
        /// The connection failed or closed, or authentication failed.
        public static let connection = Code("connection")
        /// The server sent something this client does not understand.
        public static let protocolViolation = Code("protocol violation")
        /// A value could not be converted to or from the Swift type asked for.
        public static let conversion = Code("conversion")

        /// The code's name.
        public var description: String { self.name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, with the remote message when there is one.
    public var message: String
    /// The Python exception the server raised, for ``Code/remoteException`` and the exception codes.
    public var exception: PythonException?
    /// The server's traceback text, for ``Code/remoteTraceback`` and ``Code/unserializable``.
    public var traceback: String?

    /// An error with the given code and message.
    public init(code: Code, message: String, exception: PythonException? = nil, traceback: String? = nil) {
        self.code = code
        self.message = message
        self.exception = exception
        self.traceback = traceback
    }

    /// The error for an exception a hosted object raised.
    public init(raised exception: PythonException) {
        let code: Code
        switch (exception.type.module, exception.type.name) {
        case ("builtins", "KeyError"): code = .keyError
        case ("builtins", "IndexError"): code = .indexError
        case ("builtins", "ValueError"): code = .valueError
        case ("builtins", "TypeError"): code = .typeError
        case ("builtins", "RuntimeError"): code = .runtimeError
        case ("builtins", "AttributeError"): code = .attributeError
        case ("builtins", "OverflowError"): code = .overflowError
        case ("builtins", "StopIteration"): code = .stopIteration
        case ("_queue", "Empty"), ("queue", "Empty"): code = .queueEmpty
        case ("queue", "Full"): code = .queueFull
        case ("queue", "ShutDown"): code = .queueShutDown
        case ("threading", "BrokenBarrierError"): code = .brokenBarrier
        default: code = .remoteException
        }
        let remote = exception.type.name == "KeyError" && exception.arguments.count == 1
            ? exception.arguments[0].repr : exception.message
        self.init(
            code: code,
            message: remote.isEmpty ? exception.type.description : "\(exception.type.name): \(remote)",
            exception: exception
        )
    }

    /// The message, with the server's traceback when there is one.
    public var description: String {
        if let traceback = self.traceback {
            return "\(self.message)\n--- remote traceback ---\n\(traceback)"
        }
        return self.message
    }
}
