import Pickle

/// A hosted `multiprocessing.managers.Namespace` (typeid `Namespace`, `NamespaceProxy`): an attribute bag.
package final class HostedNamespace: HostedObject {
    /// The exposed names.
    package static let exposedNames = ["__getattribute__", "__setattr__", "__delattr__"]

    /// The attributes, in insertion order.
    package private(set) var attributes: PythonDict

    /// A namespace with `attributes`.
    package init(_ attributes: PythonDict = PythonDict()) {
        self.attributes = attributes
    }

    /// `Namespace(**kwds)` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        guard arguments.positional.isEmpty else {
            throw .typeError(
                "Namespace.__init__() takes 1 positional argument but \(arguments.positional.count + 1) were given")
        }
        self.init(arguments.keywords)
    }

    package var typeID: String { "Namespace" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { self.repr { $0.repr } }
    package func checkedPythonRepr() throws(PythonException) -> String {
        try self.repr { value throws(PythonException) in try value.checkedRepr() }
    }

    /// `Namespace(a=1, b=2)`: the public attributes in name order, each value printed by `valueRepr`.
    private func repr<Failure: Error>(_ valueRepr: (PythonValue) throws(Failure) -> String) throws(Failure) -> String {
        var shown: [String] = []
        for item in self.attributes.items {
            guard let name = item.key.stringValue, !name.hasPrefix("_") else { continue }
            shown.append("\(name)=\(try valueRepr(item.value))")
        }
        return "Namespace("
            + shown.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            .joined(separator: ", ") + ")"
    }

    package func pickledValue() -> Result<PythonValue, PythonException> {
        let object = PythonObject(
            construction: .newObject(cls: .global(.managers("Namespace")), arguments: .tuple([])),
            states: [.dict(self.attributes)]
        )
        return .success(.object(object))
    }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        PythonValue.dict(self.attributes).forEachProxyReference { body($0.objectID) }
    }

    private static func name(_ value: PythonValue) throws(PythonException) -> PythonValue {
        guard value.stringValue != nil else {
            throw .typeError("attribute name must be string, not '\(value.typeName)'")
        }
        return value
    }

    private static func missing(_ name: PythonValue) -> PythonException {
        .attributeError("'Namespace' object has no attribute '\(name.str)'")
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "__getattribute__":
            let name = try Self.name(try arguments.bindOne("Namespace.__getattribute__"))
            guard let value = try self.attributes.value(forKey: name) else { throw Self.missing(name) }
            return .value(value)
        case "__setattr__":
            let args = try arguments.bindRange("", qualifiedName: "Namespace.__setattr__", minimum: 2, maximum: 2)
            try self.attributes.setValue(args[1], forKey: try Self.name(args[0]))
            return .value(.none)
        case "__delattr__":
            let name = try Self.name(try arguments.bindOne("Namespace.__delattr__"))
            guard try self.attributes.removeValue(forKey: name) != nil else { throw Self.missing(name) }
            return .value(.none)
        default:
            throw .attributeError("'Namespace' object has no attribute '\(method)'")
        }
    }
}
