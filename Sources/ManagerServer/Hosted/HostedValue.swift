import Pickle

/// A hosted `multiprocessing.managers.Value` (typeid `Value`, `ValueProxy`): a plain holder that does not
/// enforce its typecode.
package final class HostedValue: HostedObject {
    /// The exposed names.
    package static let exposedNames = ["get", "set"]

    /// The typecode as given.
    package let typecode: PythonValue
    /// The stored value.
    package private(set) var value: PythonValue

    /// A holder.
    package init(typecode: PythonValue, value: PythonValue) {
        self.typecode = typecode
        self.value = value
    }

    /// `Value(typecode, value, lock=True)` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        let args = try arguments.bindPython("Value.__init__", ["typecode", "value", "lock"], defaults: [true])
        self.init(typecode: args[0], value: args[1])
    }

    package var typeID: String { "Value" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { "Value(\(self.typecode.repr), \(self.value.repr))" }

    package func pickledValue() -> Result<PythonValue, PythonException> {
        let object = PythonObject(
            construction: .newObject(cls: .global(.managers("Value")), arguments: .tuple([])),
            states: [.dict(PythonDict(stringKeys: ["_typecode": self.typecode, "_value": self.value]))]
        )
        return .success(.object(object))
    }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        self.value.forEachProxyReference { body($0.objectID) }
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "get":
            _ = try arguments.bindPython("Value.get", [])
            return .value(self.value)
        case "set":
            self.value = try arguments.bindPython("Value.set", ["value"])[0]
            return .value(.none)
        default:
            throw .attributeError("'Value' object has no attribute '\(method)'")
        }
    }
}
