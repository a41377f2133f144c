public import ManagerWire
public import Pickle

/// One reference to an object hosted by a manager, released when the last copy of the proxy holding it goes away.
///
/// Every typed proxy holds one. The reference was counted on the server when it was made (by `create`, by a
/// `#PROXY` reply, or by an `incref` for a proxy received inside a value); `deinit` gives it back with a
/// `decref`, so `number_of_objects` returns to its baseline once a program drops its proxies.
public final class ObjectReference: Sendable {
    /// The client this reference belongs to.
    public let client: ManagerClient
    /// The object's token: type id, server address, object id.
    public let token: Token
    /// The methods the server exposes for the object.
    public let exposed: [String]

    init(client: ManagerClient, token: Token, exposed: [String]) {
        self.client = client
        self.token = token
        self.exposed = exposed
    }

    /// The object id on the server.
    public var objectID: String { self.token.objectID }

    /// The proxy as Python pickles it: `RebuildProxy(proxyType, token, 'pickle', kwds)`.
    ///
    /// Storing this value in another managed object, or sending it to another process, hands the object over:
    /// whoever rebuilds it takes a reference of its own.
    public func pythonValue(proxyType: PythonGlobal) -> PythonValue {
        var keywords = PythonDict()
        if proxyType.name == "AutoProxy" {
            keywords["exposed"] = .tuple(self.exposed.map(PythonValue.string))
        }
        return .proxy(
            PythonProxyReference(
                proxyType: proxyType,
                typeID: self.token.typeID,
                address: self.token.address,
                objectID: self.token.objectID,
                keywords: keywords
            )
        )
    }

    deinit {
        self.client.release(self.token.objectID)
    }
}
