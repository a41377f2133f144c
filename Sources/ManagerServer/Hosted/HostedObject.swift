import NIOCore
import Pickle

/// What a call on a hosted object produced.
package enum CallOutcome {
    /// The method returned this value: the reply is `('#RETURN', value)`.
    case value(PythonValue)
    /// The method returned a new object to be registered with this typeid's exposed methods and handed back as a
    /// proxy (CPython's `method_to_typeid`, e.g. `dict.__iter__` → `Iterator`): the reply is `'#PROXY'`.
    case newObject(any HostedObject)
    /// The call was parked with ``StoreContext/park(until:)``: its reply comes later, through
    /// ``StoreContext/resume(_:with:)`` or the object's ``HostedObject/waiterTimedOut(_:in:)``.
    case parked
}

/// An object hosted by the manager server: the referent behind a proxy.
///
/// Hosted objects live inside the object store and are only ever touched from the store's serial executor, so
/// they hold plain mutable state and need no locks. Every method runs to completion at once; an operation that
/// must wait (a `Queue.get` on an empty queue, a contended `acquire`) parks the call with
/// ``StoreContext/park(until:)`` and returns ``CallOutcome/parked``; the object keeps the ``WaiterID`` and answers
/// it later with ``StoreContext/resume(_:with:)``.
///
/// Semantics, exception classes and messages follow CPython's referents exactly (see PROTOCOL.md §10).
package protocol HostedObject: AnyObject {
    /// The type id this object was created as (`dict`, `Queue`, …).
    var typeID: String { get }

    /// The method names a client may call, in the order CPython's `create` reports them.
    var exposed: [String] { get }

    /// Runs `method` with `arguments` on behalf of ``StoreContext/connection``.
    ///
    /// The store has already checked that `method` is in ``exposed``.
    ///
    /// - Throws: the Python exception the referent raises (sent as `#ERROR`).
    func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext) throws(PythonException)
        -> CallOutcome

    /// Python's `repr(referent)`, for the `__repr__` fallback and `debug_info`.
    var pythonRepr: String { get }

    /// Python's `str(referent)`, for the `__str__` fallback. Defaults to ``pythonRepr``.
    var pythonStr: String { get }

    /// ``pythonRepr`` for the `__repr__` fallback, raising as CPython's `repr` does. Defaults to ``pythonRepr``;
    /// objects holding arbitrary values check their ints.
    ///
    /// - Throws: `ValueError` (``PythonIntegerString/conversionToTextError``) when an `int` in the referent has
    ///   more than 4300 digits.
    func checkedPythonRepr() throws(PythonException) -> String

    /// ``pythonStr`` for the `__str__` fallback, raising as CPython's `str` does. Defaults to
    /// ``checkedPythonRepr()``.
    ///
    /// - Throws: as ``checkedPythonRepr()``.
    func checkedPythonStr() throws(PythonException) -> String

    /// The referent as a value for the `#GETVALUE` fallback, or the text of the `TypeError` CPython's pickler
    /// raises for it (sent as `#UNSERIALIZABLE`), e.g. `cannot pickle '_thread.lock' object`.
    func pickledValue() -> Result<PythonValue, PythonException>

    /// A parked call of this object reached its deadline: remove it and answer it (`Empty()`, `False`, …) with
    /// ``StoreContext/resume(_:with:)``.
    func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext)

    /// A connection closed: release whatever it holds (lock levels, semaphore counts, a condition's lock) and
    /// forget its parked calls (their replies are dropped by the store), then wake whoever can now proceed.
    ///
    /// - Returns: one line per thing released, for the server log (e.g. `released RLock held 2 levels`).
    func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String]

    /// Calls `body` with the object id of every proxy of this server stored inside this object's values, so that
    /// referents reachable only through stored proxies stay alive.
    func forEachReferencedObjectID(_ body: (String) -> Void)

    /// A short description of holders and waiters for `inspect` (`held by connection 3, 2 waiting`), or `nil`.
    var inspection: String? { get }
}

extension HostedObject {
    package var pythonStr: String { self.pythonRepr }
    package func checkedPythonRepr() throws(PythonException) -> String { self.pythonRepr }
    package func checkedPythonStr() throws(PythonException) -> String { try self.checkedPythonRepr() }
    package func waiterTimedOut(_ waiter: WaiterID, in context: any StoreContext) {}
    package func connectionClosed(_ connection: ConnectionID, in context: any StoreContext) -> [String] { [] }
    package func forEachReferencedObjectID(_ body: (String) -> Void) {}
    package var inspection: String? { nil }
}

/// The object store as a hosted object sees it while it runs a call or handles an event.
package protocol StoreContext: AnyObject {
    /// The connection that made the current call (for ownership of `RLock`s and `Condition`s).
    var connection: ConnectionID { get }

    /// The current time on the store's clock.
    var now: NIODeadline { get }

    /// The longest list one repetition (`list * n`, `list *= n`) may build; longer ones raise `MemoryError`.
    var maxRepetitionLength: Int { get }

    /// The deepest nesting a stored value may reach (``PickleLimits/maxDepth``): an operation that would build a
    /// deeper value across requests (`__swift_set_nested__`) is refused, so no stored value is too deep to be
    /// written, printed or freed.
    var maxValueDepth: Int { get }

    /// Parks the current call until it is resumed or `deadline` passes (`nil`: no deadline). The object must
    /// remember the returned id and then return ``CallOutcome/parked``.
    func park(until deadline: NIODeadline?) -> WaiterID

    /// Answers a parked call. Returns `false` if its connection has gone (the value was not delivered, so the
    /// object must keep it: a dead client's `Queue.get` never consumes an item).
    @discardableResult
    func resume(_ waiter: WaiterID, with result: Result<PythonValue, PythonException>) -> Bool

    /// A function that answers a parked call from any thread: it hops to the store's loop and resumes `waiter`.
    ///
    /// Hosted objects that run work elsewhere (user types, which run each method on their own executor so a slow
    /// method never stalls the store) park the call and hand this function to that work.
    /// The result may be a new object (``DeferredOutcome/newObject(typeID:make:)``), answered with a `#PROXY` reply.
    func resumer(for waiter: WaiterID) -> @Sendable (Result<DeferredOutcome, PythonException>) -> Void

    /// The connection that made a parked call, or `nil` if the call is no longer parked.
    func connection(of waiter: WaiterID) -> ConnectionID?

    /// Another object of this store, for referents that use each other (a `Condition` built on a `Lock` proxy).
    func object(withID id: String) -> (any HostedObject)?

    /// The object id of `object` in this store, if it is registered.
    func objectID(of object: any HostedObject) -> String?
}
