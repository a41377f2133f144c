import Pickle

/// A hosted `array.array` (typeid `Array`, `ArrayProxy`).
package final class HostedArray: HostedObject {
    /// The exposed names.
    package static let exposedNames = ["__len__", "__getitem__", "__setitem__"]

    /// The typecode and items.
    package private(set) var array: PythonArrayValue

    /// An array.
    package init(_ array: PythonArrayValue) {
        self.array = array
    }

    /// `Array(typecode, sequence, lock=True)` as the `create` call receives it.
    package convenience init(_ arguments: CallArguments) throws(PythonException) {
        let args = try arguments.bindPython("Array", ["typecode", "sequence", "lock"], defaults: [true])
        let typecode = try ArrayTypecode(args[0])
        if args[1].stringValue != nil, !typecode.isCharacter {
            throw .typeError("cannot use a str to initialize an array with typecode '\(typecode.string)'")
        }
        var items: [PythonValue] = []
        for element in try args[1].iterated() { items.append(try typecode.item(from: element)) }
        self.init(PythonArrayValue(typecode: typecode, items: items))
    }

    package var typeID: String { "Array" }
    package var exposed: [String] { Self.exposedNames }
    package var pythonRepr: String { self.array.repr }
    package func pickledValue() -> Result<PythonValue, PythonException> { .success(self.array.value) }

    private func index(_ key: PythonValue, message: String) throws(PythonException) -> Int {
        switch key.unwrapped {
        case .int, .bool, .bigInt: break
        default: throw .typeError("array indices must be integers")
        }
        let raw = try key.indexValue(overflow: .indexError("cannot fit 'int' into an index-sized integer"))
        let index = raw < 0 ? raw + self.array.items.count : raw
        guard self.array.items.indices.contains(index) else { throw .indexError(message) }
        return index
    }

    package func call(_ method: String, _ arguments: CallArguments, in context: any StoreContext)
        throws(PythonException) -> CallOutcome
    {
        switch method {
        case "__len__":
            try arguments.requireNoKeywords("array.__len__")
            guard arguments.positional.isEmpty else {
                throw .typeError("expected 0 arguments, got \(arguments.positional.count)")
            }
            return .value(.int(self.array.items.count))
        case "__getitem__":
            let key = try arguments.bindOne("array.__getitem__")
            if let slice = PythonSlice(key) {
                let picked = try slice.indices(length: self.array.items.count).indices.map { self.array.items[$0] }
                return .value(PythonArrayValue(typecode: self.array.typecode, items: picked).value)
            }
            return .value(self.array.items[try self.index(key, message: "array index out of range")])
        case "__setitem__":
            try arguments.requireNoKeywords("array.__setitem__")
            guard arguments.positional.count == 2 else {
                throw .typeError("expected 2 arguments, got \(arguments.positional.count)")
            }
            try self.setItem(arguments.positional[0], arguments.positional[1])
            return .value(.none)
        default:
            throw .attributeError("'array.array' object has no attribute '\(method)'")
        }
    }

    private func setItem(_ key: PythonValue, _ value: PythonValue) throws(PythonException) {
        guard let slice = PythonSlice(key) else {
            let index = try self.index(key, message: "array assignment index out of range")
            self.array.items[index] = try self.array.typecode.item(from: value)
            return
        }
        guard case .object(let object) = value.unwrapped, let other = try PythonArrayValue(object) else {
            throw .typeError("can only assign array (not \"\(value.typeName)\") to array slice")
        }
        guard other.typecode == self.array.typecode else {
            throw .typeError("bad argument type for built-in operation")
        }
        let indices = try slice.indices(length: self.array.items.count)
        if indices.step == 1 {
            self.array.items.replaceSubrange(indices.start..<max(indices.start, indices.stop), with: other.items)
            return
        }
        guard other.items.count == indices.count else {
            throw .valueError(
                "attempt to assign array of size \(other.items.count) to extended slice of size \(indices.count)"
            )
        }
        for (offset, index) in indices.indices.enumerated() { self.array.items[index] = other.items[offset] }
    }
}
