import ManagerWire
import Pickle

/// The store's answer to one request, before it is encoded as a wire reply.
package enum StoreReply: Sendable {
    /// `('#RETURN', value)`.
    case returned(PythonValue)
    /// `('#ERROR', exception)`: the referent raised.
    case error(PythonException)
    /// `('#TRACEBACK', text)`: a server-level failure (unknown id, unexposed method, bad request).
    case traceback(String)
    /// `('#PROXY', (exposed, Token(typeID, address, objectID)))`: a method returned a new hosted object.
    case proxy(exposed: [String], typeID: String, objectID: String)
    /// `('#UNSERIALIZABLE', text)`: the result cannot be pickled.
    case unserializable(String)

    /// The reply as it goes on the wire; a `#PROXY` token names `tokenAddress` as the manager's address.
    package func wireReply(tokenAddress: PythonValue) -> Reply {
        switch self {
        case .returned(let value): .returned(value)
        case .error(let exception): .error(exception.value)
        case .traceback(let text): .traceback(text)
        case .unserializable(let text): .unserializable(text)
        case .proxy(let exposed, let typeID, let objectID):
            .proxy(exposed: exposed, token: Token(typeID: typeID, address: tokenAddress, objectID: objectID))
        }
    }

    /// A `#TRACEBACK` reply for `exception`, formatted as CPython's `traceback.format_exc()` ends.
    package static func traceback(for exception: PythonException, context: String) -> StoreReply {
        .traceback(TracebackText.format(exception, context: context))
    }
}

/// The text of `#TRACEBACK` and `#UNSERIALIZABLE` replies.
///
/// CPython sends `traceback.format_exc()`; Python clients only display it. This server sends the same first line,
/// one line saying where the error arose, and the final `Type: message` line CPython would print.
package enum TracebackText {
    /// `Traceback (most recent call last):\n  In <context>\nType: message\n`.
    package static func format(_ exception: PythonException, context: String) -> String {
        let name = exception.type.module == "builtins" ? exception.type.name : exception.type.description
        let message = exception.arguments.count == 1 && exception.type.name == "KeyError"
            ? exception.arguments[0].repr : exception.message
        let last = message.isEmpty ? name : "\(name): \(message)"
        return "Traceback (most recent call last):\n  In swift-multiprocessing server, \(context)\n\(last)\n"
    }
}
