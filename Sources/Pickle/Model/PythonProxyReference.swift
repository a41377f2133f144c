/// A manager proxy inside a value: what `pickle` writes for a `BaseProxy`.
///
/// CPython pickles a proxy as `RebuildProxy(func, token, serializer, kwds)` where `token` is
/// `Token(typeid, address, id)`. The decoder recognises that shape (and only that shape: anything else stays an
/// opaque ``PythonObject``) and the encoder writes it back byte-for-byte in the same form.
public struct PythonProxyReference: Sendable, Hashable {
    /// The proxy class or function passed to `RebuildProxy`: `multiprocessing.managers.DictProxy`,
    /// `multiprocessing.managers.AutoProxy`, …
    public var proxyType: PythonGlobal
    /// The token's type id (`dict`, `Queue`, a user type's name, …).
    public var typeID: String
    /// The token's server address: a `str` path for Unix sockets, a `(host, port)` tuple for TCP.
    public var address: PythonValue
    /// The token's object id on that server.
    public var objectID: String
    /// The serializer name, `pickle` in practice.
    public var serializer: String
    /// The keyword arguments of `RebuildProxy` (`{'exposed': (...)}` for `AutoProxy`).
    public var keywords: PythonDict

    /// A proxy reference.
    public init(
        proxyType: PythonGlobal,
        typeID: String,
        address: PythonValue,
        objectID: String,
        serializer: String = "pickle",
        keywords: PythonDict = PythonDict()
    ) {
        self.proxyType = proxyType
        self.typeID = typeID
        self.address = address
        self.objectID = objectID
        self.serializer = serializer
        self.keywords = keywords
    }
}
