public import Pickle

/// What a method of a ``ManagedObject`` returned: a value for the reply, or a new object the manager hosts and
/// hands back as a proxy (CPython's `method_to_typeid`).
///
/// Build one with `ManagedArguments.result(_:)`, whose overloads pick the case from the result's type: a
/// ``ManagedObject`` becomes ``object(_:)``, anything `Encodable` becomes ``value(_:)``.
public enum ManagedResult: Sendable, Equatable {
    /// The value sent back to the caller (`#RETURN`), or, for a method listed in
    /// ``ManagedObject/methodToTypeID``, the argument of that type's constructor: the new object is hosted and the
    /// caller gets a proxy.
    case value(PythonValue)
    /// A new object: the manager hosts it under the method's ``ManagedObject/methodToTypeID`` entry (the object's
    /// own ``ManagedObject/typeID`` when it has none) and the caller gets a proxy to it (`#PROXY`).
    case object(any ManagedObject)

    /// The result of a method that returns nothing: Python's `None`.
    public static var none: ManagedResult { .value(.none) }

    /// Values compare as Python values, objects by identity.
    public static func == (lhs: ManagedResult, rhs: ManagedResult) -> Bool {
        switch (lhs, rhs) {
        case (.value(let left), .value(let right)): left == right
        case (.object(let left), .object(let right)): left === right
        default: false
        }
    }
}
