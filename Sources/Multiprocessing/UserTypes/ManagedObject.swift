public import Pickle

/// A Swift type a manager can host, callable by method name from Swift and from Python clients.
///
/// Managed objects are actors: calls from many clients on one object run one at a time (no data races, unlike a
/// Python referent), and a slow method occupies only its own actor, never the server or other objects.
///
/// ```swift
/// actor Counter: ManagedObject {
///     static let typeID = "Counter"
///     static let exposedMethods = ["increment", "value"]
///     private var count: Int
///
///     init(managedArguments arguments: ManagedArguments) throws(PythonException) {
///         try arguments.expect(atMost: 1, named: ["start"])
///         self.count = try arguments.value("start", at: 0, default: 0)
///     }
///
///     func invokeManagedMethod(_ name: String, _ arguments: ManagedArguments) async throws -> ManagedResult {
///         switch name {
///         case "increment":
///             try arguments.expect(atMost: 1, named: ["n"])
///             self.count += try arguments.value("n", at: 0, default: 1)
///             return .value(.int(self.count))
///         case "value":
///             try arguments.expect(atMost: 0, named: [])
///             return .value(.int(self.count))
///         default:
///             throw ManagedArguments.unknownMethod(name, of: Self.typeID)
///         }
///     }
/// }
/// ```
///
/// A Python client uses it exactly as a registered Python class: `M.register('Counter')`, `c = m.Counter(5)`,
/// `c.increment(2)` or `c.increment(n=2)` (positional and keyword arguments bind to the Swift parameter names).
public protocol ManagedObject: Actor {
    /// The type id clients create it under (`BaseManager.register('Counter')` in Python).
    static var typeID: String { get }
    /// The methods clients may call; Python's AutoProxy builds its methods from this list.
    static var exposedMethods: [String] { get }
    /// Methods whose results the manager hosts as new objects, with the type id to host each under (CPython's
    /// `method_to_typeid`); the caller gets a proxy.
    ///
    /// A result that is a ``ManagedObject`` (``ManagedResult/object(_:)``) is hosted as it is, under the listed
    /// type id; any other result (``ManagedResult/value(_:)``) is passed to the listed type's constructor, as
    /// CPython passes it to the registered callable: `["snapshot": "list"]` hands out a managed list built from
    /// the returned array. A ``ManagedObject`` result of a method not listed here is hosted under its own type id.
    static var methodToTypeID: [String: String] { get }

    /// Creates an instance from the arguments of a `create` request.
    ///
    /// - Throws: `TypeError` (as a ``PythonException``) for arguments that do not fit.
    init(managedArguments arguments: ManagedArguments) throws(PythonException)

    /// Runs an exposed method. Thrown errors reach the caller: a ``PythonException`` as itself, any other error
    /// as `RuntimeError('<SwiftType>: <description>')`.
    func invokeManagedMethod(_ name: String, _ arguments: ManagedArguments) async throws -> ManagedResult
}

extension ManagedObject {
    /// No method returns a new object by default.
    public static var methodToTypeID: [String: String] { [:] }
}
