public import Pickle

extension ManagedProxy {
    /// Calls a method of the hosted object and returns its raw result.
    func invoke(
        _ method: String,
        _ arguments: [PythonValue] = [],
        keywords: PythonDict = PythonDict(),
        mayBlock: Bool = false
    ) async throws(ManagerError) -> PythonValue {
        try await self.client.call(self.objectID, method, arguments, keywords: keywords, mayBlock: mayBlock)
    }

    /// Calls a method of the hosted object and converts its result to `T`.
    func invoke<T: Decodable>(
        _ method: String,
        _ arguments: [PythonValue] = [],
        keywords: PythonDict = PythonDict(),
        mayBlock: Bool = false,
        as type: T.Type
    ) async throws(ManagerError) -> T {
        let value = try await self.invoke(method, arguments, keywords: keywords, mayBlock: mayBlock)
        return try await self.client.decode(T.self, from: value)
    }

    /// Converts a Swift value to a Python value for an argument.
    func argument<T: Encodable>(_ value: T) throws(ManagerError) -> PythonValue {
        try self.client.encode(value)
    }

    /// A copy of the whole object's value (CPython's `_getvalue()`, the `#GETVALUE` request).
    public func pythonValue() async throws(ManagerError) -> PythonValue {
        try await self.invoke("#GETVALUE")
    }

    /// Python's `str(referent)` as the server computes it.
    public func pythonDescription() async throws(ManagerError) -> String {
        try await self.invoke("__repr__").str
    }
}
