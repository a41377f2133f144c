import OrderedCollections

/// A single-pass decoder for the pickles that make up almost all traffic: built-in data (`None`, `bool`, `int`,
/// `float`, `str`, `bytes`, `tuple`, `list`, `dict`) in which no `list` or `dict` is fetched from the memo again.
///
/// Such a pickle has no sharing, so its value can be built directly, without ``DecodingNode``s and without the
/// graph conversion of ``PickleReadMachine``. Containers are mutated in place on the stack; the memo keeps only
/// values that are finished and cannot change (scalars and tuples of them), and a marker for everything else.
///
/// The machine never throws: whenever the input leaves that subset (another opcode, a memo `GET` of a container,
/// anything malformed or beyond ``PickleLimits``) ``run()`` returns `nil` and ``PickleReader`` decodes the pickle
/// again with ``PickleReadMachine``, which gives the value or the exact error. The values both machines give for
/// the subset are identical.
struct PickleFastReadMachine: ~Copyable {
    /// One stack entry.
    struct Item {
        var value: PythonValue
        /// The nesting depth of the value, counted as ``DecodingItem`` does (0 for scalars).
        var depth: Int
        /// Whether the value is or contains a `list` or `dict` (a ``DecodingNode`` in ``PickleReadMachine``).
        var isMutable: Bool
        /// For a `list` the elements and for a `dict` the key-value pairs appended so far, duplicates included.
        var length: Int

        @inline(__always)
        init(_ value: PythonValue, depth: Int = 0, isMutable: Bool = false, length: Int = 0) {
            self.value = value
            self.depth = depth
            self.isMutable = isMutable
            self.length = length
        }
    }

    /// One memo entry: a finished immutable value, or a marker for a value a `GET` must not share.
    enum MemoEntry {
        case value(PythonValue, depth: Int)
        case mutable
    }

    /// An empty `dict`, shared so that pushing one does not allocate its box; ``setItems(from:)`` replaces it.
    static let emptyDict = PythonValue.dict(PythonDict())
    /// The most keys a dict may have for its keys to be shared with the next dict: beyond 15, an `OrderedSet`
    /// has a hash table, which sharing the elements would not spare.
    static let maximumSharedKeys = 15

    let input: UnsafeRawBufferPointer
    let limits: PickleLimits
    var position = 0
    /// The stack, managed by hand so that items move between it and their containers without reference counting.
    var stack: UnsafeMutablePointer<Item>
    var count = 0
    var capacity = 32
    var marks: [Int] = []
    /// The memo, managed by hand like the stack; indices are dense (a sparse `PUT` leaves the fast path).
    var memo: UnsafeMutablePointer<MemoEntry>
    var memoCount = 0
    var memoCapacity = 16
    /// The `str` keys of the last dict filled at once, which the next one may share (see ``setItems(from:)``).
    var sharedKeys = OrderedSet<PythonValue>()
    /// Bounds the walks of values pushed more than once; charged for dict keys here and for the value by the caller.
    var budget: ExpansionBudget

    init(input: UnsafeRawBufferPointer, limits: PickleLimits) {
        self.input = input
        self.limits = limits
        self.budget = ExpansionBudget(inputSize: input.count, limits: limits)
        self.stack = UnsafeMutablePointer<Item>.allocate(capacity: self.capacity)
        self.marks.reserveCapacity(8)
        self.memo = UnsafeMutablePointer<MemoEntry>.allocate(capacity: self.memoCapacity)
    }

    deinit {
        self.stack.deinitialize(count: self.count)
        self.stack.deallocate()
        self.memo.deinitialize(count: self.memoCount)
        self.memo.deallocate()
    }

    // MARK: - Bytes

    @inline(__always)
    mutating func readByte() -> UInt8? {
        guard self.position < self.input.count else { return nil }
        let byte = self.input[self.position]
        self.position &+= 1
        return byte
    }

    @inline(__always)
    mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= self.input.count &- self.position else { return nil }
        let start = self.position
        self.position = start &+ count
        return UnsafeRawBufferPointer(rebasing: self.input[start..<(start &+ count)])
    }

    @inline(__always)
    mutating func readUInt32() -> UInt32? {
        guard let bytes = self.readBytes(4) else { return nil }
        return UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
    }

    @inline(__always)
    mutating func readUInt64() -> UInt64? {
        guard let bytes = self.readBytes(8) else { return nil }
        return UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    }

    /// A length of up to 8 bytes, `nil` when larger than the remaining input.
    @inline(__always)
    mutating func readLength64() -> Int? {
        guard let length = self.readUInt64(), length <= UInt64(self.input.count &- self.position) else { return nil }
        return Int(length)
    }

    // MARK: - Stack

    /// The lowest stack index the current opcode may touch.
    @inline(__always)
    var fence: Int { self.marks.last ?? 0 }

    /// Makes room for one more item.
    @inline(__always)
    mutating func reserveOne() {
        guard self.count == self.capacity else { return }
        self.grow()
    }

    @inline(never)
    mutating func grow() {
        let capacity = self.capacity * 2
        let stack = UnsafeMutablePointer<Item>.allocate(capacity: capacity)
        stack.moveInitialize(from: self.stack, count: self.count)
        self.stack.deallocate()
        self.stack = stack
        self.capacity = capacity
    }

    @inline(never)
    mutating func growMemo() {
        let capacity = self.memoCapacity * 2
        let memo = UnsafeMutablePointer<MemoEntry>.allocate(capacity: capacity)
        memo.moveInitialize(from: self.memo, count: self.memoCount)
        self.memo.deallocate()
        self.memo = memo
        self.memoCapacity = capacity
    }

    @inline(__always)
    mutating func push(_ item: Item) {
        self.reserveOne()
        (self.stack + self.count).initialize(to: item)
        self.count &+= 1
    }

    /// Inserts `item` at `index`, moving the items above it up.
    @inline(__always)
    mutating func insert(_ item: Item, at index: Int) {
        self.reserveOne()
        (self.stack + (index &+ 1)).moveInitialize(from: self.stack + index, count: self.count &- index)
        (self.stack + index).initialize(to: item)
        self.count &+= 1
    }

    @inline(__always)
    mutating func pop() -> Item? {
        guard self.count > self.fence else { return nil }
        self.count &-= 1
        return (self.stack + self.count).move()
    }

    /// The items above the innermost mark start at the returned index; the mark is removed.
    @inline(__always)
    mutating func popMark() -> Int? {
        guard let mark = self.marks.popLast(), self.count &- mark <= self.limits.maxContainerLength else {
            return nil
        }
        return mark
    }

    /// Pushes a tuple of the items from `start` to the top, which are removed.
    @inline(__always)
    mutating func pushTuple(from start: Int) -> Bool {
        var depth = 0
        var isMutable = false
        for index in start..<self.count {
            depth = Swift.max(depth, self.stack[index].depth)
            isMutable = isMutable || self.stack[index].isMutable
        }
        guard depth < self.limits.maxDepth else { return false }
        var values: [PythonValue] = []
        values.reserveCapacity(self.count &- start)
        for index in start..<self.count {
            values.append((self.stack + index).move().value)
        }
        self.count = start
        self.push(Item(.tuple(values), depth: depth &+ 1, isMutable: isMutable))
        return true
    }

    /// Appends the items from `start` to the top to the list just below them; the items are removed.
    @inline(__always)
    mutating func appendItems(from start: Int) -> Bool {
        let target = start &- 1
        guard target >= self.fence, case .list = self.stack[target].value else { return false }
        let added = self.count &- start
        let length = self.stack[target].length &+ added
        guard length <= self.limits.maxContainerLength else { return false }
        var depth = self.stack[target].depth
        for index in start..<self.count {
            depth = Swift.max(depth, self.stack[index].depth &+ 1)
        }
        guard depth <= self.limits.maxDepth, case .list(var elements) = self.stack[target].value else { return false }
        self.stack[target].value = .none
        if elements.isEmpty {
            elements.reserveCapacity(added)
        }
        for index in start..<self.count {
            elements.append((self.stack + index).move().value)
        }
        self.count = start
        self.stack[target].value = .list(elements)
        self.stack[target].length = length
        self.stack[target].depth = depth
        return true
    }

    /// Sets the key-value pairs from `start` to the top on the dict just below them; the items are removed.
    @inline(__always)
    mutating func setItems(from start: Int) -> Bool {
        let target = start &- 1
        let added = self.count &- start
        guard added & 1 == 0, target >= self.fence, case .dict = self.stack[target].value else { return false }
        let length = self.stack[target].length &+ added / 2
        guard length <= self.limits.maxContainerLength else { return false }
        var depth = self.stack[target].depth
        var index = start
        while index < self.count {
            guard self.budget.charge(self.stack[index].value), self.stack[index].value.isHashable else { return false }
            depth = Swift.max(depth, self.stack[index].depth &+ 1, self.stack[index &+ 1].depth &+ 1)
            index &+= 2
        }
        guard depth <= self.limits.maxDepth, case .dict(var dict) = self.stack[target].value else { return false }
        self.stack[target].value = .none
        // The usual dict: filled at once, with distinct str keys. Build it without looking every key up, sharing
        // the keys of the dict before when they are the same (a list of records), as CPython's key-sharing dicts do.
        if dict.isEmpty, added <= 64,
            let keys = self.matchingSharedKeys(from: start) ?? self.distinctStringKeys(from: start)
        {
            dict.storage = OrderedDictionary(uncheckedUniqueKeys: keys, values: self.moveValues(from: start))
            self.finishDict(dict, at: target, length: length, depth: depth)
            return true
        }
        index = start
        while index < self.count {
            let key = (self.stack + index).move().value
            let value = (self.stack + (index &+ 1)).move().value
            dict.storage.updateValue(value, forKey: key)
            index &+= 2
        }
        self.count = start
        self.finishDict(dict, at: target, length: length, depth: depth)
        return true
    }

    /// Stores the filled `dict` back into the stack item at `target`.
    @inline(__always)
    mutating func finishDict(_ dict: PythonDict, at target: Int, length: Int, depth: Int) {
        self.stack[target].value = .dict(dict)
        self.stack[target].length = length
        self.stack[target].depth = depth
    }

    /// Moves the values of the key-value pairs from `start` to the top out of the stack, destroys the keys and
    /// removes the items.
    @inline(__always)
    mutating func moveValues(from start: Int) -> [PythonValue] {
        var values: [PythonValue] = []
        values.reserveCapacity((self.count &- start) / 2)
        var index = start
        while index < self.count {
            (self.stack + index).deinitialize(count: 1)
            values.append((self.stack + (index &+ 1)).move().value)
            index &+= 2
        }
        self.count = start
        return values
    }

    /// ``sharedKeys`` when the keys of the key-value pairs from `start` to the top are exactly those `str`s, in
    /// that order.
    @inline(__always)
    func matchingSharedKeys(from start: Int) -> OrderedSet<PythonValue>? {
        guard self.sharedKeys.count &* 2 == self.count &- start else { return nil }
        var index = start
        for shared in self.sharedKeys {
            guard case .string(let key) = self.stack[index].value, case .string(let sharedKey) = shared,
                utf8Equal(key, sharedKey)
            else { return nil }
            index &+= 2
        }
        return self.sharedKeys
    }

    /// The keys of the key-value pairs from `start` to the top when they are all `str` and pairwise different,
    /// remembered as ``sharedKeys`` for the next dict when there are few enough.
    @inline(__always)
    mutating func distinctStringKeys(from start: Int) -> OrderedSet<PythonValue>? {
        guard self.hasDistinctStringKeys(from: start) else { return nil }
        var keys = ContiguousArray<PythonValue>()
        keys.reserveCapacity((self.count &- start) / 2)
        var index = start
        while index < self.count {
            keys.append(self.stack[index].value)
            index &+= 2
        }
        let keySet = OrderedSet(uncheckedUniqueElements: keys)
        if keySet.count <= Self.maximumSharedKeys {
            self.sharedKeys = keySet
        }
        return keySet
    }

    /// Whether the keys of the key-value pairs from `start` to the top are all `str` and pairwise different by
    /// Python's rule (different UTF-8 bytes).
    @inline(__always)
    func hasDistinctStringKeys(from start: Int) -> Bool {
        var index = start
        while index < self.count {
            guard case .string(let key) = self.stack[index].value else { return false }
            var other = start
            while other < index {
                guard case .string(let earlier) = self.stack[other].value else { return false }
                // Swift's `!=` implies different bytes; its `==` may also hold for canonically equivalent strings.
                if earlier == key, utf8Equal(earlier, key) { return false }
                other &+= 2
            }
            index &+= 2
        }
        return true
    }

    /// Stores the top of the stack under `index`, which must be the next free one.
    @inline(__always)
    mutating func put(_ index: Int) -> Bool {
        guard index == self.memoCount, index < self.limits.maxMemoEntries, self.count > self.fence else {
            return false
        }
        if self.memoCount == self.memoCapacity {
            self.growMemo()
        }
        let top = self.count &- 1
        if self.stack[top].isMutable {
            (self.memo + self.memoCount).initialize(to: .mutable)
        } else {
            (self.memo + self.memoCount).initialize(to: .value(self.stack[top].value, depth: self.stack[top].depth))
        }
        self.memoCount &+= 1
        return true
    }

    /// Pushes the memo entry `index` when it is an immutable value.
    @inline(__always)
    mutating func get(_ index: Int) -> Bool {
        guard index < self.memoCount, case .value(let value, let depth) = self.memo[index] else { return false }
        self.budget.noteRepeated(value)
        self.push(Item(value, depth: depth))
        return true
    }

    /// Pushes a `str`; `false` for anything but valid UTF-8 (lone surrogates are left to the full machine).
    @inline(__always)
    mutating func pushString(_ bytes: UnsafeRawBufferPointer?) -> Bool {
        guard let bytes, let string = validatedUTF8String(bytes) else { return false }
        self.push(Item(.string(string)))
        return true
    }

    // MARK: - Run

    /// The value of the pickle, or `nil` when the pickle is outside this machine's subset or malformed.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func run() -> PythonValue? {
        while let byte = self.readByte() {
            switch byte {
            case Opcode.proto.rawValue:
                guard let version = self.readByte(), version <= 5 else { return nil }
            case Opcode.frame.rawValue:
                guard self.readLength64() != nil else { return nil }
            case Opcode.stop.rawValue:
                guard let item = self.pop() else { return nil }
                return item.value
            case Opcode.mark.rawValue:
                self.marks.append(self.count)
            case Opcode.none.rawValue:
                self.push(Item(.none))
            case Opcode.newTrue.rawValue:
                self.push(Item(.bool(true)))
            case Opcode.newFalse.rawValue:
                self.push(Item(.bool(false)))
            case Opcode.binInt.rawValue:
                guard let raw = self.readUInt32() else { return nil }
                self.push(Item(.int(Int(Int32(bitPattern: raw)))))
            case Opcode.binInt1.rawValue:
                guard let raw = self.readByte() else { return nil }
                self.push(Item(.int(Int(raw))))
            case Opcode.binInt2.rawValue:
                guard let bytes = self.readBytes(2) else { return nil }
                self.push(Item(.int(Int(bytes[0]) | Int(bytes[1]) << 8)))
            case Opcode.long1.rawValue:
                guard let count = self.readByte(), let bytes = self.readBytes(Int(count)) else { return nil }
                self.push(Item(decodeLittleEndianSigned(bytes)))
            case Opcode.binFloat.rawValue:
                guard let bytes = self.readBytes(8) else { return nil }
                let bits = UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
                self.push(Item(.float(Double(bitPattern: bits))))
            case Opcode.shortBinUnicode.rawValue:
                guard let count = self.readByte(), self.pushString(self.readBytes(Int(count))) else { return nil }
            case Opcode.binUnicode.rawValue:
                guard let count = self.readUInt32(), self.pushString(self.readBytes(Int(count))) else { return nil }
            case Opcode.binUnicode8.rawValue:
                guard let count = self.readLength64(), self.pushString(self.readBytes(count)) else { return nil }
            case Opcode.shortBinString.rawValue:
                guard let count = self.readByte(), let bytes = self.readBytes(Int(count)) else { return nil }
                self.push(Item(decodeLatin1(bytes)))
            case Opcode.binString.rawValue:
                guard let raw = self.readUInt32(), let bytes = self.readBytes(Int(Int32(bitPattern: raw))) else {
                    return nil
                }
                self.push(Item(decodeLatin1(bytes)))
            case Opcode.shortBinBytes.rawValue:
                guard let count = self.readByte(), let bytes = self.readBytes(Int(count)) else { return nil }
                self.push(Item(.bytes(byteArray(bytes))))
            case Opcode.binBytes.rawValue:
                guard let count = self.readUInt32(), let bytes = self.readBytes(Int(count)) else { return nil }
                self.push(Item(.bytes(byteArray(bytes))))
            case Opcode.binBytes8.rawValue:
                guard let count = self.readLength64(), let bytes = self.readBytes(count) else { return nil }
                self.push(Item(.bytes(byteArray(bytes))))
            case Opcode.byteArray8.rawValue:
                guard let count = self.readLength64(), let bytes = self.readBytes(count) else { return nil }
                self.push(Item(.byteArray(byteArray(bytes))))
            case Opcode.emptyTuple.rawValue:
                self.push(Item(.tuple([]), depth: 1))
            case Opcode.tuple.rawValue:
                guard let start = self.popMark(), self.pushTuple(from: start) else { return nil }
            case Opcode.tuple1.rawValue:
                guard self.count &- 1 >= self.fence, self.pushTuple(from: self.count &- 1) else {
                    return nil
                }
            case Opcode.tuple2.rawValue:
                guard self.count &- 2 >= self.fence, self.pushTuple(from: self.count &- 2) else {
                    return nil
                }
            case Opcode.tuple3.rawValue:
                guard self.count &- 3 >= self.fence, self.pushTuple(from: self.count &- 3) else {
                    return nil
                }
            case Opcode.emptyList.rawValue:
                self.push(Item(.list([]), depth: 1, isMutable: true))
            case Opcode.list.rawValue:
                guard let start = self.popMark() else { return nil }
                self.insert(Item(.list([]), depth: 1, isMutable: true), at: start)
                guard self.appendItems(from: start &+ 1) else { return nil }
            case Opcode.append.rawValue:
                guard self.count &- 2 >= self.fence, self.appendItems(from: self.count &- 1) else {
                    return nil
                }
            case Opcode.appends.rawValue:
                guard let start = self.popMark(), self.appendItems(from: start) else { return nil }
            case Opcode.emptyDict.rawValue:
                self.push(Item(Self.emptyDict, depth: 1, isMutable: true))
            case Opcode.dict.rawValue:
                guard let start = self.popMark() else { return nil }
                self.insert(Item(Self.emptyDict, depth: 1, isMutable: true), at: start)
                guard self.setItems(from: start &+ 1) else { return nil }
            case Opcode.setItem.rawValue:
                guard self.count &- 3 >= self.fence, self.setItems(from: self.count &- 2) else {
                    return nil
                }
            case Opcode.setItems.rawValue:
                guard let start = self.popMark(), self.setItems(from: start) else { return nil }
            case Opcode.binGet.rawValue:
                guard let index = self.readByte(), self.get(Int(index)) else { return nil }
            case Opcode.longBinGet.rawValue:
                guard let index = self.readUInt32(), self.get(Int(index)) else { return nil }
            case Opcode.binPut.rawValue:
                guard let index = self.readByte(), self.put(Int(index)) else { return nil }
            case Opcode.longBinPut.rawValue:
                guard let index = self.readUInt32(), self.put(Int(index)) else { return nil }
            case Opcode.memoize.rawValue:
                guard self.put(self.memoCount) else { return nil }
            default:
                return nil
            }
        }
        return nil
    }
}

/// The string of `bytes` if they are valid UTF-8, else `nil`; ASCII (the usual case) is checked without the
/// generic validation of `String(validating:as:)`.
@inline(__always)
func validatedUTF8String(_ bytes: UnsafeRawBufferPointer) -> String? {
    let utf8 = bytes.assumingMemoryBound(to: UInt8.self)
    var index = 0
    let count = utf8.count
    while index &+ 8 <= count {
        guard bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 else {
            return String(validating: bytes, as: UTF8.self)
        }
        index &+= 8
    }
    while index < count {
        guard utf8[index] < 0x80 else { return String(validating: bytes, as: UTF8.self) }
        index &+= 1
    }
    return String(decoding: utf8, as: UTF8.self)
}

/// A copy of `bytes` as an array.
@inline(__always)
func byteArray(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    Array(bytes.assumingMemoryBound(to: UInt8.self))
}
