import Pickle

/// What a call produced whose work ran away from the store (a user type's method on its own actor), delivered
/// through ``StoreContext/resumer(for:)``.
///
/// It is ``CallOutcome`` for work that finishes later on another thread: everything in it is `Sendable`, and a new
/// object is built only once the store's loop has it, so nothing hosted ever leaves the loop.
package enum DeferredOutcome: Sendable {
    /// The method returned this value: the reply is `('#RETURN', value)`.
    case value(PythonValue)
    /// The method returned a new object: the store builds it with `make` on its loop, registers it under `typeID`
    /// (its own type id when `nil`) and replies `'#PROXY'`.
    case newObject(typeID: String?, make: @Sendable () -> any HostedObject)
    /// The method's result is to be hosted as an object of `typeID`, built by that type's constructor from the
    /// single argument `argument` (CPython's `method_to_typeid` for a type registered with a callable, e.g. a
    /// result list mapped to `list`): the reply is `'#PROXY'`.
    case create(typeID: String, argument: PythonValue)
}
