public import Pickle

/// A proxy for an object of any type, called by method name: CPython's `AutoProxy`, for types this package has
/// no typed proxy for (a class a Python program registered with its `BaseManager`, a Swift ``ManagedObject``
/// hosted elsewhere).
///
/// ```swift
/// let counter = try await client.object("Counter", 5)   // Python: m.Counter(5)
/// let value: Int = try await counter.call("increment", 2, as: Int.self)
/// ```
///
/// Wrap it in a typed struct of your own to give a Python type a Swift face:
///
/// ```swift
/// struct Counter {
///     let proxy: DynamicProxy
///     func increment(by n: Int = 1) async throws -> Int { try await self.proxy.call("increment", .int(n), as: Int.self) }
/// }
/// ```
public struct DynamicProxy: ManagedProxy {
    /// The type id is whatever the object was created as; `AutoProxy` is how Python rebuilds it.
    public static var typeID: String { "" }
    /// `multiprocessing.managers.AutoProxy`.
    public static var pythonProxyType: PythonGlobal { .managers("AutoProxy") }
    /// The reference this proxy holds.
    public let reference: ObjectReference

    /// A proxy holding `reference`.
    public init(reference: ObjectReference) {
        self.reference = reference
    }

    /// The methods the server exposes for the object.
    public var methods: [String] { self.reference.exposed }

    /// Calls `method` with positional and keyword arguments and returns the raw result.
    ///
    /// - Parameter mayBlock: Whether the call can wait on the server (it then gets a channel of its own).
    /// - Throws: ``ManagerError``: the exception the method raised (with its Python class and message), or a
    ///   connection failure.
    public func call(
        _ method: String,
        _ arguments: PythonValue...,
        keywords: PythonDict = PythonDict(),
        mayBlock: Bool = false
    ) async throws(ManagerError) -> PythonValue {
        try await self.invoke(method, arguments, keywords: keywords, mayBlock: mayBlock)
    }

    /// Calls `method` and converts its result to `T`.
    public func call<T: Decodable>(
        _ method: String,
        _ arguments: PythonValue...,
        keywords: PythonDict = PythonDict(),
        mayBlock: Bool = false,
        as type: T.Type
    ) async throws(ManagerError) -> T {
        try await self.invoke(method, arguments, keywords: keywords, mayBlock: mayBlock, as: T.self)
    }

    /// Calls a method that hands out a new object (one listed in the type's `method_to_typeid`, such as a
    /// factory method) and returns a proxy for it.
    ///
    /// ```swift
    /// let child = try await factory.callReturningProxy("make", 3)
    /// let value: Int = try await child.call("increment", as: Int.self)
    /// ```
    public func callReturningProxy(
        _ method: String,
        _ arguments: PythonValue...,
        keywords: PythonDict = PythonDict()
    ) async throws(ManagerError) -> DynamicProxy {
        DynamicProxy(reference: try await self.client.callReturningObject(self.objectID, method, arguments, keywords: keywords))
    }

    /// Calls a method that hands out a new object and returns a typed proxy for it.
    public func callReturningProxy<Proxy: ManagedProxy>(
        _ method: String,
        _ arguments: PythonValue...,
        keywords: PythonDict = PythonDict(),
        as type: Proxy.Type
    ) async throws(ManagerError) -> Proxy {
        Proxy(reference: try await self.client.callReturningObject(self.objectID, method, arguments, keywords: keywords))
    }
}

extension ManagerClient {
    /// Creates an object of any registered type id (Python: `manager.TypeName(*arguments, **keywords)`) and
    /// returns a ``DynamicProxy`` for it.
    public func object(
        _ typeID: String,
        _ arguments: PythonValue...,
        keywords: PythonDict = PythonDict()
    ) async throws(ManagerError) -> DynamicProxy {
        DynamicProxy(reference: try await self.create(typeID, arguments, keywords: keywords))
    }
}
