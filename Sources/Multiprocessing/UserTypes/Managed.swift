/// Makes an actor a ``ManagedObject`` a manager can host, and nests a typed `Proxy` in it.
///
/// ```swift
/// @Managed
/// actor Counter {
///     private var count: Int
///     init(start: Int = 0) { self.count = start }
///     public func increment(n: Int = 1) -> Int { self.count += n; return self.count }
///     public var label: String = "c"
/// }
///
/// let manager = try await Manager.startInProcess(hosting: [Counter.self])
/// let counter = try await manager.client.create(Counter.Proxy.self, 5)
/// try await counter.increment(n: 2)      // 7
/// try await counter.label                // "c"
/// try await counter.setLabel("d")
/// ```
///
/// - Exposed methods are the public instance methods whose names do not start with `_`, plus members marked
///   ``ManagedExposed()``; `exposing` replaces that rule with an explicit list of method and property names.
/// - Arguments bind as Python binds them: by position, or by keyword, the keyword being the Swift argument label
///   (the parameter name for `_`). Missing arguments take the Swift default expressions; values convert through
///   `Decodable`, results through `Encodable`, and `Void` methods return `None`.
/// - The constructor is the actor's only initializer, or the one marked ``ManagedExposed()``.
/// - Exposed properties are read with `__getattribute__` and, when settable, written with `__setattr__`. Those
///   names stay out of ``ManagedObject/exposedMethods`` so that Python's AutoProxy keeps working.
/// - `Proxy` repeats each method's signature as `async throws(ManagerError)`; default expressions are evaluated in
///   the proxy, so they must make sense there (literals, or fully qualified names).
///
/// - A method listed in `methodToTypeID` hands out a new hosted object (CPython's `method_to_typeid`): a method
///   returning a managed actor hosts that actor under the listed type id, any other result is passed to the listed
///   type's constructor (`["snapshot": "list"]` with `func snapshot() -> [Int]` hands out a managed list). Its
///   `Proxy` method returns a proxy: `Child.Proxy` for a result of type `Child`, `ListProxy<E>` for `[E]`,
///   `DictProxy<K, V>` for `[K: V]`. Python clients get the proxy type registered for the type id.
///
/// ```swift
/// @Managed(methodToTypeID: ["makeCounter": "Counter"])
/// actor CounterFactory {
///     public func makeCounter(start: Int) -> Counter { Counter(start: start) }
/// }
///
/// let counter = try await factory.makeCounter(start: 3)   // a Counter.Proxy
/// ```
///
/// - Parameters:
///   - typeID: The type id clients create instances under; the actor's name by default.
///   - exposing: The names of the methods and properties clients may use, instead of the public ones.
///   - methodToTypeID: Methods whose results are hosted as new objects, with the type id of each.
@attached(
    extension,
    conformances: ManagedObject,
    names: named(typeID), named(exposedMethods), named(alsoAcceptedMethods), named(methodToTypeID), named(init),
    named(invokeManagedMethod)
)
@attached(member, names: named(Proxy))
public macro Managed(typeID: String? = nil, exposing: [String]? = nil, methodToTypeID: [String: String] = [:]) =
    #externalMacro(module: "MultiprocessingMacros", type: "ManagedMacro")

/// Exposes a method or property of a `@Managed` actor that is not public, or marks the initializer clients create
/// instances with when the actor has several.
@attached(peer)
public macro ManagedExposed() = #externalMacro(module: "MultiprocessingMacros", type: "ManagedExposedMacro")
