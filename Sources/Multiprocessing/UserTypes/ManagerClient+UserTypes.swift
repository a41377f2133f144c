public import Pickle

extension ManagerClient {
    /// Creates an object of the proxy's type id on the server, passing constructor arguments, and returns a typed
    /// proxy to it: Python's `manager.Counter(5)`.
    ///
    /// ```swift
    /// let counter = try await client.create(Counter.Proxy.self, 5)
    /// let value = try await counter.increment(n: 2)   // 7
    /// ```
    ///
    /// The arguments bind to the initializer's parameters as Python binds them: by position, or by keyword, the
    /// keyword being the Swift argument label.
    ///
    /// - Throws: ``ManagerError``: the server's exception (an unknown type id, a `TypeError` for arguments that do
    ///   not fit the initializer, an error the initializer threw), or a connection failure.
    public func create<Proxy: ManagedProxy>(
        _ proxy: Proxy.Type,
        _ arguments: PythonValue...,
        keywords: PythonDict = PythonDict()
    ) async throws(ManagerError) -> Proxy {
        Proxy(reference: try await self.create(Proxy.typeID, arguments, keywords: keywords))
    }
}
