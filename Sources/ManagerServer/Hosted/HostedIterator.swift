import Pickle

/// A hosted iterator (typeid `Iterator`, `IteratorProxy`), created by `dict.__iter__`.
///
/// It iterates a snapshot of the keys; like CPython's dict key iterator it fails once the dict's size changed.
package final class HostedIterator: HostedObject {
    /// The exposed names, as CPython reports them.
    package static let exposedNames = ["__next__", "send", "throw", "close"]

    private let items: [PythonValue]
    private var position = 0
    private let pythonTypeName: String
    private let currentSize: (() -> Int?)?
    private let initialSize: Int
    private var failed = false

    /// An iterator over `items`.
    ///
    /// - Parameters:
    ///   - items: the items to yield.
    ///   - pythonTypeName: the CPython type name, for messages and `repr` (`dict_keyiterator`).
    ///   - currentSize: the size of the iterated container now (`nil` once it is gone); when it differs from
    ///     the size at creation, `__next__` raises `RuntimeError('dictionary changed size during iteration')`.
    package init(items: [PythonValue], pythonTypeName: String, currentSize: (() -> Int?)? = nil) {
        self.items = items
        self.pythonTypeName = pythonTypeName
        self.currentSize = currentSize
        self.initialSize = currentSize?() ?? items.count
    }

    package var typeID: String { "Iterator" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { "<\(self.pythonTypeName) object at \(pythonAddress(of: self))>" }

    package func pickledValue() -> Result<PythonValue, PythonException> {
        .success(.object(.reduce(.builtin("iter"), [.list(Array(self.items[self.position...]))])))
    }

    package func forEachReferencedObjectID(_ body: (String) -> Void) {
        for item in self.items[self.position...] { item.forEachProxyReference { body($0.objectID) } }
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        guard method == "__next__" else {
            throw .attributeError("'\(self.pythonTypeName)' object has no attribute '\(method)'")
        }
        try arguments.bindNone("\(self.pythonTypeName).__next__")
        if !self.failed, let size = self.currentSize?(), size != self.initialSize {
            self.failed = true
            throw .runtimeError("dictionary changed size during iteration")
        }
        guard !self.failed, self.position < self.items.count else { throw .stopIteration }
        defer { self.position += 1 }
        return .value(self.items[self.position])
    }
}
