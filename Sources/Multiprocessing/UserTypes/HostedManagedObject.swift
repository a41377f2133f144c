import ManagerServer
import Pickle

/// A ``ManagedObject`` in the object store: each call is parked, run on the object's own actor, and answered
/// when it finishes, so the store never waits for user code.
final class HostedManagedObject<Object: ManagedObject>: HostedObject {
    let typeID: String
    let exposed: [String]
    private let object: Object

    init(_ object: Object) {
        self.object = object
        self.typeID = Object.typeID
        self.exposed = Object.exposedMethods
    }

    func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext) throws(PythonException)
        -> CallOutcome
    {
        let waiter = context.park(until: nil)
        let resume = context.resumer(for: waiter)
        let object = self.object
        let managedArguments = ManagedArguments(callee: method, positional: arguments.positional, keywords: arguments.keywords)
        let mappedTypeID = Object.methodToTypeID[method]
        Task {
            do {
                let result = try await object.invokeManagedMethod(method, managedArguments)
                resume(.success(result.outcome(mappedTo: mappedTypeID)))
            } catch let exception as PythonException {
                resume(.failure(exception))
            } catch {
                resume(.failure(.runtimeError("\(type(of: error)): \(error)")))
            }
        }
        return .parked
    }

    var pythonRepr: String { "<\(Object.typeID) object, hosted by swift-multiprocessing>" }

    func pickledValue() -> Result<PythonValue, PythonException> {
        .failure(.typeError("cannot pickle '\(Object.typeID)' object"))
    }
}

extension ManagedResult {
    /// The store's view of this result of a method whose `methodToTypeID` entry is `typeID`.
    fileprivate func outcome(mappedTo typeID: String?) -> DeferredOutcome {
        switch self {
        case .value(let value):
            guard let typeID else { return .value(value) }
            return .create(typeID: typeID, argument: value)
        case .object(let object):
            return .newObject(typeID: typeID ?? type(of: object).typeID) { hosted(object) }
        }
    }
}

/// `object` as the store hosts it, whatever its concrete type.
private func hosted<Object: ManagedObject>(_ object: Object) -> any HostedObject {
    HostedManagedObject(object)
}

extension HostedType {
    /// The hosted type for a ``ManagedObject``: `create` builds an instance from the request's arguments.
    package init<Object: ManagedObject>(managing type: Object.Type) {
        self.init(typeID: Object.typeID, exposed: Object.exposedMethods, methodToTypeID: Object.methodToTypeID) {
            arguments, _ throws(PythonException) in
            let object = try Object(
                managedArguments: ManagedArguments(callee: Object.typeID, positional: arguments.positional, keywords: arguments.keywords)
            )
            return HostedManagedObject(object)
        }
    }
}

extension HostedType {
    /// Every `SyncManager` type and `types`; a type in `types` replaces a `SyncManager` type of the same type id.
    static func hosting(_ types: [any ManagedObject.Type]) -> [HostedType] {
        let userTypes = types.map { HostedType(managing: $0) }
        let replaced = Set(userTypes.map(\.typeID))
        return Self.syncManager.filter { !replaced.contains($0.typeID) } + userTypes
    }
}
