import Pickle

/// Turns the bytes of a structured record into Python values, each with a short Python-like description.
///
/// Each value starts with a byte naming its ``ValueKind``; kinds with operands read more bytes. Values are built
/// directly (no pickling), except huge integers, which go through ``PickleReader`` with the server's limits as a
/// client's `INT` or `LONG4` opcode would. Every value is one a stock client can send: depths stay within the
/// server's configured ``PickleLimits/maxDepth``. Sizes are drawn through the input's ``WorkBudget``, so large shapes
/// are rare and one input's work is bounded.
struct ValueGenerator {
    /// Values nest at most this many levels through container kinds (deep kinds build their depth directly).
    static let maxNesting = 6
    private static let kinds = ValueKind.allCases

    /// The bytes still to read.
    var cursor: ByteCursor
    /// Objects created so far in this input, for proxies and object ids.
    let objects: [CreatedObject]
    /// The address written into generated proxies (the store's own).
    let address: PythonValue
    /// Which repetition of the call the values are for (0 for the first), for ``ValueKind/growingPath``.
    let repetition: Int
    /// The depth tables are bounded by this (the server's `maxDepth` less the request's own levels).
    let depthLimit: Int
    /// The input's budget, which every size is drawn through.
    let budget: WorkBudget
    /// The input's census of generated kinds.
    let census: KindCensus

    /// The next value and its description.
    mutating func value(nesting: Int = 0) -> (value: PythonValue, text: String) {
        let index = self.cursor.pick(Self.kinds.count)
        self.census.record(kindIndex: index)
        let kind = Self.kinds[index]
        if let scalar = Self.scalar(kind) {
            return scalar
        }
        switch kind {
        case .smallInt:
            let value = Int(Int8(bitPattern: self.cursor.next()))
            return (.int(value), "\(value)")
        case .letter:
            let letter = String(UnicodeScalar(UInt8(97) + self.cursor.next() % 26))
            return (.string(letter), "'\(letter)'")
        case .decimalInteger, .binaryInteger:
            return self.hugeInteger(binary: kind == .binaryInteger)
        case .hugeText:
            let length = self.budget.size(from: .textLength, cursor: &self.cursor)
            if self.cursor.next() & 1 == 0 {
                // Built from bytes in one pass: `String(repeating:count:)` appends one copy at a time.
                let text = String(decoding: [UInt8](repeating: UInt8(ascii: "x"), count: length), as: UTF8.self)
                return (.string(text), "'x' * \(length)")
            }
            return (.bytes([UInt8](repeating: 0, count: length)), "b'\\0' * \(length)")
        case .objectID:
            guard !self.objects.isEmpty else { return (.string("0"), "'0'") }
            let id = self.objects[self.cursor.pick(self.objects.count)].id
            return (.string(id), "'\(id)'")
        case .tuple, .list, .dict, .set, .frozenSet:
            return self.container(kind, nesting: nesting)
        case .deepList, .deepDict, .deepTuple, .zeroPath, .growingPath:
            return self.deep(kind)
        case .large:
            return self.large()
        default:
            return self.object(kind, nesting: nesting)
        }
    }

    /// The value of a kind without operands, or `nil` for a kind with operands.
    private static func scalar(_ kind: ValueKind) -> (value: PythonValue, text: String)? {
        switch kind {
        case .none: return (.none, "None")
        case .true: return (.bool(true), "True")
        case .false: return (.bool(false), "False")
        case .zero: return (.int(0), "0")
        case .one: return (.int(1), "1")
        case .minusOne: return (.int(-1), "-1")
        case .intMax: return (.int(.max), "2**63-1")
        case .intMin: return (.int(.min), "-2**63")
        case .intMaxMinusOne: return (.int(.max - 1), "2**63-2")
        case .intMinPlusOne: return (.int(.min + 1), "-2**63+1")
        case .twoTo31: return (.int(1 << 31), "2**31")
        case .twoTo32: return (.int(1 << 32), "2**32")
        case .twoTo53PlusOne: return (.int((1 << 53) + 1), "2**53+1")
        case .twoTo63: return (IntegerPickles.twoTo63, "2**63")
        case .minusTwoTo63MinusOne: return (IntegerPickles.minusTwoTo63MinusOne, "-2**63-1")
        case .twoTo64: return (IntegerPickles.twoTo64, "2**64")
        case .minusTwoTo64: return (IntegerPickles.minusTwoTo64, "-2**64")
        case .tenTo30: return (IntegerPickles.tenTo30, "10**30")
        case .minusTenTo30: return (IntegerPickles.minusTenTo30, "-10**30")
        case .nan: return (.float(.nan), "nan")
        case .infinity: return (.float(.infinity), "inf")
        case .minusInfinity: return (.float(-.infinity), "-inf")
        case .minusZero: return (.float(-0.0), "-0.0")
        case .largestFloat: return (.float(.greatestFiniteMagnitude), "1.7976931348623157e308")
        case .smallestSubnormal: return (.float(.leastNonzeroMagnitude), "5e-324")
        case .floatTwoTo63: return (.float(0x1p63), "float(2**63)")
        case .floatMinusTwoTo63: return (.float(-0x1p63), "-float(2**63)")
        case .emptyString: return (.string(""), "''")
        case .emptyBytes: return (.bytes([]), "b''")
        case .emptyTuple: return (.tuple([]), "()")
        case .emptyList: return (.list([]), "[]")
        case .emptyDict: return (.dict(PythonDict()), "{}")
        case .astralString: return (.string("\u{10FFFF}\u{1D11E}"), "'\\U0010ffff\\U0001d11e'")
        case .surrogateString: return (.surrogateString([0xED, 0xA0, 0x80]), "'\\ud800'")
        case .complexNaN: return (.complex(real: .nan, imaginary: .infinity), "complex(nan, inf)")
        default: return nil
        }
    }

    /// An integer of many digits, decoded from the opcode a client would send: a sign byte (bit 7), then its size.
    private mutating func hugeInteger(binary: Bool) -> (value: PythonValue, text: String) {
        let negative = self.cursor.next() & 0x80 != 0
        if binary {
            let count = self.budget.size(from: .integerBytes, cursor: &self.cursor)
            let value = IntegerPickles.binary(byteCount: count, negative: negative)
            return (value, negative ? "-2**\(8 * count - 1)" : "2**\(8 * count - 1)-1")
        }
        let digits = self.budget.size(from: .digits, cursor: &self.cursor)
        let value = IntegerPickles.decimal(digits: digits, negative: negative)
        return (value, "\(negative ? "-" : "")int('9' * \(digits))")
    }

    /// A container of further values.
    private mutating func container(_ kind: ValueKind, nesting: Int) -> (value: PythonValue, text: String) {
        let count = Int(self.cursor.next() % 8)
        var elements: [PythonValue] = []
        var texts: [String] = []
        for _ in 0..<(nesting < Self.maxNesting ? count : 0) {
            let (element, text) = self.value(nesting: nesting + 1)
            elements.append(element)
            texts.append(text)
        }
        let joined = texts.joined(separator: ", ")
        switch kind {
        case .tuple:
            return (.tuple(elements), elements.count == 1 ? "(\(joined),)" : "(\(joined))")
        case .list:
            return (.list(elements), "[\(joined)]")
        case .dict:
            var dict = PythonDict()
            var pairs: [String] = []
            for pair in stride(from: 0, to: elements.count - 1, by: 2) {
                // Unhashable keys are left out, as a client could not have pickled such a dict.
                guard (try? dict.setValue(elements[pair + 1], forKey: elements[pair])) != nil else { continue }
                pairs.append("\(texts[pair]): \(texts[pair + 1])")
            }
            return (.dict(dict), "{\(pairs.joined(separator: ", "))}")
        default:
            let hashable = elements.filter { (try? PythonSet([$0])) != nil }
            let set = (try? PythonSet(hashable)) ?? PythonSet()
            return kind == .set ? (.set(set), "{\(joined)}") : (.frozenSet(set), "frozenset({\(joined)})")
        }
    }

    /// A value nested as deep as the record asks, within the server's limit.
    private mutating func deep(_ kind: ValueKind) -> (value: PythonValue, text: String) {
        let limit = self.depthLimit
        let drawn = self.cursor.pick(from: [1, 2, 31, 32, 33, 100, 200, 500, limit / 2, limit - 10, limit])
        let depth = kind == .growingPath ? drawn : self.budget.charge(drawn, fallback: 1)
        switch kind {
        case .deepList:
            var value = PythonValue.none
            for _ in 0..<depth { value = .list([value]) }
            return (value, "deep_list(\(depth))")
        case .deepDict:
            var value = PythonValue.none
            for _ in 0..<depth {
                var level = PythonDict()
                try? level.setValue(value, forKey: .int(0))
                value = .dict(level)
            }
            return (value, "deep_dict(\(depth))")
        case .deepTuple:
            var value = PythonValue.none
            for _ in 0..<depth { value = .tuple([value]) }
            return (value, "deep_tuple(\(depth))")
        case .zeroPath:
            return (.tuple(Array(repeating: .int(0), count: depth)), "(0,) * \(depth)")
        default:
            let length = self.budget.charge(depth * (self.repetition + 1), fallback: self.repetition + 1)
            return (.tuple(Array(repeating: .int(0), count: length)), "(0,) * \(length)")
        }
    }

    /// Many elements in a list, as dict keys or in a set.
    private mutating func large() -> (value: PythonValue, text: String) {
        let count = self.budget.size(from: .elements, cursor: &self.cursor)
        let style = Int(self.cursor.next())
        let (element, elementText): ((Int) -> PythonValue, String) =
            switch style % 4 {
            // Distinct payloads, as the server's reader gives every NaN it decodes (Pickle's `NaNTags`).
            case 0: ({ .float(Double(nan: Double.RawSignificand($0) + 1, signaling: false)) }, "nan")
            case 1: ({ .int($0) }, "i")
            case 2: ({ .float(Double($0) + 0.5) }, "i + 0.5")
            default: ({ .string("k\($0)") }, "f'k{i}'")
            }
        let elements = (0..<count).map(element)
        switch style / 4 % 3 {
        case 0:
            return (.list(elements), "[\(elementText) for i in range(\(count))]")
        case 1:
            let dict = (try? PythonDict(elements.map { (key: $0, value: PythonValue.none) })) ?? PythonDict()
            return (.dict(dict), "{\(elementText): None for i in range(\(count))}")
        default:
            return (.set((try? PythonSet(elements)) ?? PythonSet()), "{\(elementText) for i in range(\(count))}")
        }
    }

    /// An object as CPython pickles it.
    private mutating func object(_ kind: ValueKind, nesting: Int) -> (value: PythonValue, text: String) {
        switch kind {
        case .slice, .range:
            let name = kind == .slice ? "slice" : "range"
            let parts = (0..<3).map { _ in self.value(nesting: Self.maxNesting) }
            let text = "\(name)(\(parts.map(\.text).joined(separator: ", ")))"
            return (.object(.reduce(.builtin(name), parts.map(\.value))), text)
        case .sliceStop:
            let stop = self.value(nesting: Self.maxNesting)
            return (.object(.reduce(.builtin("slice"), [stop.value])), "slice(\(stop.text))")
        case .reversedIterator, .listIterator:
            let name = kind == .reversedIterator ? "reversed" : "iter"
            let items = self.value(nesting: nesting + 1)
            let state = self.value(nesting: Self.maxNesting)
            var iterator = PythonObject.reduce(.builtin(name), [items.value])
            iterator.states = [state.value]
            return (.object(iterator), "\(name)(\(items.text)) with __setstate__(\(state.text))")
        case .array:
            let typecode = self.cursor.pick(from: ["b", "B", "h", "i", "I", "l", "L", "q", "Q", "f", "d", "u", "x"])
            let items = self.value(nesting: nesting + 1)
            let array = PythonObject.reduce(PythonGlobal(module: "array", name: "array"), [.string(typecode), items.value])
            return (.object(array), "array('\(typecode)', \(items.text))")
        case .proxy, .danglingProxy:
            let pick = self.cursor.next()
            let target =
                kind == .proxy && !self.objects.isEmpty
                ? self.objects[Int(pick) % self.objects.count] : CreatedObject(id: "ffffff", typeID: "dict", exposed: [])
            let proxy = PythonProxyReference(
                proxyType: .managers("AutoProxy"), typeID: target.typeID, address: self.address, objectID: target.id
            )
            return (.proxy(proxy), "<proxy of \(target.typeID) '\(target.id)'>")
        case .opaqueObject:
            let argument = self.value(nesting: nesting + 1)
            let object = PythonObject.reduce(PythonGlobal(module: "__main__", name: "Thing"), [argument.value])
            return (.object(object), "__main__.Thing(\(argument.text))")
        default:
            return (.global(.builtin("NotImplemented")), "NotImplemented")
        }
    }
}
