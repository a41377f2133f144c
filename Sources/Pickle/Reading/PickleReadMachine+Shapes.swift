extension PickleReadMachine {
    /// The global as Python 3 would look it up: protocol 0–2 streams get Python 2 names mapped.
    func resolveGlobal(module: String, name: String) -> PythonGlobal {
        let global = PythonGlobal(module: module, name: name)
        return self.protocolVersion < 3 ? PythonTwoNames.map(global) : global
    }

    /// The items of a tuple operand, or `nil` when the operand is not a tuple.
    func tupleItems(_ item: DecodingItem) -> [DecodingItem]? {
        switch item {
        case .value(.tuple(let values), let depth):
            return values.map { .value($0, depth: Swift.max(depth - 1, 0)) }
        case .node(let node):
            if case .tuple = node.kind { return node.items }
            return nil
        default:
            return nil
        }
    }

    /// The items of an iterable operand that Python's `set(x)`/`list(x)` would copy (list, tuple, set, frozenset).
    func iterableItems(_ item: DecodingItem) -> [DecodingItem]? {
        switch item {
        case .value(.tuple(let values), let depth), .value(.list(let values), let depth):
            return values.map { .value($0, depth: Swift.max(depth - 1, 0)) }
        case .value(.frozenSet(let set), let depth), .value(.set(let set), let depth):
            return set.elements.map { .value($0, depth: Swift.max(depth - 1, 0)) }
        case .node(let node):
            switch node.kind {
            case .list, .tuple, .set, .frozenSet: return node.items
            default: return nil
            }
        default:
            return nil
        }
    }

    /// `REDUCE`: the native value for the shapes CPython uses for built-in types, an opaque object otherwise.
    mutating func reduce(callable: DecodingItem, arguments: DecodingItem) throws(PickleError) -> DecodingItem {
        if case .value(.global(let global), _) = callable, let items = self.tupleItems(arguments),
            let native = try self.recognise(global, items)
        {
            return native
        }
        return self.makeObject(.reduce(callable: callable, arguments: arguments))
    }

    // swiftlint:disable:next cyclomatic_complexity
    private mutating func recognise(_ global: PythonGlobal, _ items: [DecodingItem]) throws(PickleError)
        -> DecodingItem?
    {
        switch (global.module, global.name) {
        case ("builtins", "set"):
            if items.isEmpty { return .node(self.makeNode(.set)) }
            guard items.count == 1, let elements = self.iterableItems(items[0]) else { return nil }
            return .node(self.makeNode(.set, elements))
        case ("builtins", "frozenset"):
            if items.isEmpty { return .value(.frozenSet(PythonSet()), depth: 1) }
            guard items.count == 1, let elements = self.iterableItems(items[0]) else { return nil }
            return try self.makeFrozenSet(elements)
        case ("builtins", "list"):
            if items.isEmpty { return .node(self.makeNode(.list)) }
            guard items.count == 1, let elements = self.iterableItems(items[0]) else { return nil }
            return .node(self.makeNode(.list, elements))
        case ("builtins", "tuple"):
            if items.isEmpty { return .value(.tuple([]), depth: 1) }
            guard items.count == 1, let elements = self.iterableItems(items[0]) else { return nil }
            return try self.makeTuple(elements)
        case ("builtins", "dict"):
            if items.isEmpty { return .node(self.makeNode(.dict)) }
            return nil
        case ("builtins", "bytes"):
            if items.isEmpty { return .scalar(.bytes([])) }
            return nil
        case ("builtins", "bytearray"):
            if items.isEmpty { return .scalar(.byteArray([])) }
            if items.count == 1, case .value(.bytes(let bytes), _) = items[0] { return .scalar(.byteArray(bytes)) }
            if items.count == 2, let bytes = self.latin1Bytes(items[0], encoding: items[1]) {
                return .scalar(.byteArray(bytes))
            }
            return nil
        case ("_codecs", "encode"):
            guard items.count == 2, let bytes = self.latin1Bytes(items[0], encoding: items[1]) else { return nil }
            return .scalar(.bytes(bytes))
        case ("builtins", "complex"):
            guard items.count == 1 || items.count == 2,
                case .value(let realValue, _) = items[0], let real = Self.realNumber(realValue)
            else { return nil }
            var imaginary = 0.0
            if items.count == 2 {
                guard case .value(let imaginaryValue, _) = items[1], let value = Self.realNumber(imaginaryValue)
                else { return nil }
                imaginary = value
            }
            return .scalar(.complex(real: real, imaginary: imaginary))
        case ("copyreg", "__newobj_ex__"):
            guard items.count == 3 else { return nil }
            return self.makeObject(.newObjectEx(cls: items[0], arguments: items[1], keywords: items[2]))
        case ("multiprocessing.managers", "RebuildProxy"):
            guard let proxy = self.proxyReference(items) else { return nil }
            return .value(.proxy(proxy), depth: 1)
        default:
            return nil
        }
    }

    /// A float or an int that converts to `Double` exactly as `complex(x)` would.
    private static func realNumber(_ value: PythonValue) -> Double? {
        switch value {
        case .float(let double): return double
        case .int(let int): return Double(int)
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    /// The bytes of `str.encode('latin-1')` for the `(str, 'latin1')` argument pairs of `bytes` and `bytearray`.
    private func latin1Bytes(_ text: DecodingItem, encoding: DecodingItem) -> [UInt8]? {
        guard case .value(.string(let string), _) = text, case .value(.string(let name), _) = encoding,
            name == "latin1" || name == "latin-1"
        else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            guard scalar.value < 256 else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    /// `RebuildProxy(func, Token(typeid, address, id), serializer, kwds)` in exactly the shape CPython writes.
    private func proxyReference(_ items: [DecodingItem]) -> PythonProxyReference? {
        guard items.count == 4,
            case .value(.global(let proxyType), _) = items[0],
            case .node(let token) = items[1],
            case .object(let construction) = token.kind,
            token.items.isEmpty, token.setItems.isEmpty, token.states.count == 1,
            case .newObject(let cls, let tokenArguments) = construction,
            case .value(.global(let tokenClass), _) = cls, tokenClass == .managers("Token"),
            case .value(.tuple(let noArguments), _) = tokenArguments, noArguments.isEmpty,
            case .value(.tuple(let fields), _) = token.states[0], fields.count == 3,
            case .string(let typeID) = fields[0], case .string(let objectID) = fields[2],
            case .value(.string(let serializer), _) = items[2],
            case .node(let keywordNode) = items[3], case .dict = keywordNode.kind
        else { return nil }
        let keywordItems = keywordNode.items
        var keywords = PythonDict()
        var index = 0
        while index + 1 < keywordItems.count {
            guard case .value(let key, _) = keywordItems[index], case .string = key,
                case .value(let value, _) = keywordItems[index + 1]
            else { return nil }
            keywords[key.stringValue ?? ""] = value
            index += 2
        }
        return PythonProxyReference(
            proxyType: proxyType,
            typeID: typeID,
            address: fields[1],
            objectID: objectID,
            serializer: serializer,
            keywords: keywords
        )
    }
}
