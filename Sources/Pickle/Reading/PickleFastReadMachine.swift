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
    /// One stack entry, 32 bytes: the fields are ordered so that the flag and the depth fill the value's padding.
    struct Item {
        var value: PythonValue
        /// Whether the value is or contains a `list` or `dict` (a ``DecodingNode`` in ``PickleReadMachine``).
        var isMutable: Bool
        private var storedDepth: UInt32
        /// For a `list` the elements and for a `dict` the key-value pairs appended so far, duplicates included.
        var length: Int

        /// The nesting depth of the value, counted as ``DecodingItem`` does (0 for scalars); at most
        /// ``PickleFastReadMachine/maxDepth``.
        @inline(__always)
        var depth: Int {
            get { Int(self.storedDepth) }
            set { self.storedDepth = UInt32(truncatingIfNeeded: newValue) }
        }

        @inline(__always)
        init(_ value: PythonValue, depth: Int = 0, isMutable: Bool = false, length: Int = 0) {
            self.value = value
            self.isMutable = isMutable
            self.storedDepth = UInt32(truncatingIfNeeded: depth)
            self.length = length
        }
    }

    /// One memo entry, 24 bytes: a finished immutable value and its depth, or a marker for a value a `GET` must
    /// not share.
    enum MemoEntry {
        case value(PythonValue, depth: UInt32)
        case mutable
    }

    /// An empty `dict`, shared so that pushing one does not allocate its box; ``setItems(from:)`` replaces it.
    static let emptyDict = PythonValue.dict(PythonDict())
    /// The most keys a dict may have for its keys to be shared with the next dict: beyond 15, an `OrderedSet`
    /// has a hash table, which sharing the elements would not spare.
    static let maximumSharedKeys = 15

    /// The stack slots, memo entries and marks lent to a machine: enough for a typical manager message.
    static let lentStackSlots = 32
    static let lentMemoEntries = 16
    static let lentMarks = 8

    let input: UnsafeRawBufferPointer
    let limits: PickleLimits
    /// ``PickleLimits/maxDepth``, at most `UInt32.max` so that depths fit in an ``Item``; deeper pickles are left to
    /// the full machine.
    let maxDepth: Int
    var position = 0
    /// The stack; items move between it and their containers without reference counting.
    var stack: ScratchBuffer<Item>
    /// The stack indices of the open marks.
    var marks: ScratchBuffer<Int>
    /// The memo; indices are dense (a sparse `PUT` leaves the fast path), and entries never move.
    var memo: SegmentedScratchBuffer<MemoEntry>
    /// The `str` keys of the last dict filled at once, which the next one may share (see ``setItems(from:)``).
    var sharedKeys = OrderedSet<PythonValue>()
    /// Bounds the walks of values pushed more than once; charged for dict keys here and for the value by the caller.
    var budget: ExpansionBudget
    /// Distinct payloads for the NaNs this decode reads (see ``NaNTags``).
    var nanTags = NaNTags()

    /// A machine for `input` that starts with the given uninitialized, non-empty storage for its stack, marks and
    /// memo, which must outlive it.
    init(
        input: UnsafeRawBufferPointer,
        limits: PickleLimits,
        stack: UnsafeMutableBufferPointer<Item>,
        marks: UnsafeMutableBufferPointer<Int>,
        memo: UnsafeMutableBufferPointer<MemoEntry>
    ) {
        self.input = input
        self.limits = limits
        self.maxDepth = Swift.min(limits.maxDepth, Int(UInt32.max))
        self.budget = ExpansionBudget(inputSize: input.count, limits: limits)
        self.stack = ScratchBuffer(lending: stack)
        self.marks = ScratchBuffer(lending: marks)
        self.memo = SegmentedScratchBuffer(lending: memo)
    }

    /// The value of `input`, decoded with storage lent from the call stack, or `nil` when the pickle is outside
    /// this machine's subset, malformed, or exceeds the expansion budget.
    static func decode(_ input: UnsafeRawBufferPointer, limits: PickleLimits) -> PythonValue? {
        withUnsafeTemporaryAllocation(of: Item.self, capacity: Self.lentStackSlots) { stack in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.lentMarks) { marks in
                withUnsafeTemporaryAllocation(of: MemoEntry.self, capacity: Self.lentMemoEntries) { memo in
                    var machine = PickleFastReadMachine(
                        input: input,
                        limits: limits,
                        stack: stack,
                        marks: marks,
                        memo: memo
                    )
                    guard let value = machine.run(), machine.budget.charge(value) else { return nil }
                    return value
                }
            }
        }
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

    @inline(__always)
    mutating func push(_ item: Item) {
        self.stack.append(item)
    }

    /// Inserts `item` at `index`, moving the items above it up.
    @inline(__always)
    mutating func insert(_ item: Item, at index: Int) {
        self.stack.insert(item, at: index)
    }

    @inline(__always)
    mutating func pop() -> Item? {
        guard self.stack.count > self.fence else { return nil }
        return self.stack.removeLast()
    }

    /// The items above the innermost mark start at the returned index; the mark is removed.
    @inline(__always)
    mutating func popMark() -> Int? {
        guard self.marks.count > 0 else { return nil }
        let mark = self.marks.removeLast()
        return self.stack.count &- mark <= self.limits.maxContainerLength ? mark : nil
    }

    /// Pushes a tuple of the items from `start` to the top, which are removed.
    @inline(__always)
    mutating func pushTuple(from start: Int) -> Bool {
        var depth = 0
        var isMutable = false
        for index in start..<self.stack.count {
            depth = Swift.max(depth, self.stack[index].depth)
            isMutable = isMutable || self.stack[index].isMutable
        }
        guard depth < self.maxDepth else { return false }
        let values = self.moveValues(from: start, stride: 1)
        self.push(Item(.tuple(values), depth: depth &+ 1, isMutable: isMutable))
        return true
    }

    /// Appends the items from `start` to the top to the list just below them; the items are removed.
    @inline(__always)
    mutating func appendItems(from start: Int) -> Bool {
        let target = start &- 1
        guard target >= self.fence, case .list = self.stack[target].value else { return false }
        let added = self.stack.count &- start
        let length = self.stack[target].length &+ added
        guard length <= self.limits.maxContainerLength else { return false }
        var depth = self.stack[target].depth
        for index in start..<self.stack.count {
            depth = Swift.max(depth, self.stack[index].depth &+ 1)
        }
        guard depth <= self.maxDepth, case .list(var elements) = self.stack[target].value else { return false }
        self.stack[target].value = .none
        if elements.isEmpty {
            elements = self.moveValues(from: start, stride: 1)
        } else {
            for index in start..<self.stack.count {
                elements.append((self.stack.base + index).move().value)
            }
            self.stack.removeMoved(from: start)
        }
        self.stack[target].value = .list(elements)
        self.stack[target].length = length
        self.stack[target].depth = depth
        return true
    }

    /// Sets the key-value pairs from `start` to the top on the dict just below them; the items are removed.
    @inline(__always)
    mutating func setItems(from start: Int) -> Bool {
        let target = start &- 1
        let added = self.stack.count &- start
        guard added & 1 == 0, target >= self.fence, case .dict = self.stack[target].value else { return false }
        let length = self.stack[target].length &+ added / 2
        guard length <= self.limits.maxContainerLength else { return false }
        var depth = self.stack[target].depth
        var index = start
        while index < self.stack.count {
            guard self.budget.charge(self.stack[index].value), Self.isHashableKey(self.stack[index].value) else {
                return false
            }
            depth = Swift.max(depth, self.stack[index].depth &+ 1, self.stack[index &+ 1].depth &+ 1)
            index &+= 2
        }
        guard depth <= self.maxDepth, case .dict(var dict) = self.stack[target].value else { return false }
        self.stack[target].value = .none
        // The usual dict: filled at once, with distinct str keys. Build it without looking every key up, sharing
        // the keys of the dict before when they are the same (a list of records), as CPython's key-sharing dicts do.
        if dict.isEmpty, added <= 64,
            let keys = self.matchingSharedKeys(from: start) ?? self.distinctStringKeys(from: start)
        {
            dict.storage = OrderedDictionary(uncheckedUniqueKeys: keys, values: self.moveValues(from: start, stride: 2))
            self.finishDict(dict, at: target, length: length, depth: depth)
            return true
        }
        index = start
        while index < self.stack.count {
            let key = (self.stack.base + index).move().value
            let value = (self.stack.base + (index &+ 1)).move().value
            dict.storage.updateValue(value, forKey: key)
            index &+= 2
        }
        self.stack.removeMoved(from: start)
        self.finishDict(dict, at: target, length: length, depth: depth)
        return true
    }

    /// Whether `key` may be a dict key: a `str` (almost every key) without calling ``PythonValue/isHashable``.
    @inline(__always)
    static func isHashableKey(_ key: PythonValue) -> Bool {
        if case .string = key { return true }
        return key.isHashable
    }

    /// Stores the filled `dict` back into the stack item at `target`.
    @inline(__always)
    mutating func finishDict(_ dict: PythonDict, at target: Int, length: Int, depth: Int) {
        self.stack[target].value = .dict(dict)
        self.stack[target].length = length
        self.stack[target].depth = depth
    }

    /// Removes the items from `start` to the top and returns the values of every `stride`-th one: all of them for
    /// stride 1; for stride 2 the values of key-value pairs, whose keys are destroyed.
    @inline(__always)
    mutating func moveValues(from start: Int, stride: Int) -> [PythonValue] {
        let base = self.stack.base
        let end = self.stack.count
        // Moves out the value of the `offset`-th group of `stride` items, destroying the others.
        func take(_ offset: Int) -> PythonValue {
            let index = start &+ offset &* stride
            (base + index).deinitialize(count: stride &- 1)
            return (base + (index &+ stride &- 1)).move().value
        }
        let values: [PythonValue]
        // Array literals are allocated and filled without capacity or uniqueness checks; most tuples are this short.
        switch (end &- start) / stride {
        case 0: values = []
        case 1: values = [take(0)]
        case 2: values = [take(0), take(1)]
        case 3: values = [take(0), take(1), take(2)]
        case 4: values = [take(0), take(1), take(2), take(3)]
        case let count:
            // `reserveCapacity` and `append` are specialized here; `init(unsafeUninitializedCapacity:)` is not, and
            // looks up the array's metadata at run time on every call.
            var array: [PythonValue] = []
            array.reserveCapacity(count)
            for offset in 0..<count {
                array.append(take(offset))
            }
            values = array
        }
        self.stack.removeMoved(from: start)
        return values
    }

    /// ``sharedKeys`` when the keys of the key-value pairs from `start` to the top are exactly those `str`s, in
    /// that order.
    @inline(__always)
    func matchingSharedKeys(from start: Int) -> OrderedSet<PythonValue>? {
        guard self.sharedKeys.count &* 2 == self.stack.count &- start else { return nil }
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
        keys.reserveCapacity((self.stack.count &- start) / 2)
        for index in Swift.stride(from: start, to: self.stack.count, by: 2) {
            keys.append(self.stack[index].value)
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
        while index < self.stack.count {
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
        guard index == self.memo.count, index < self.limits.maxMemoEntries, self.stack.count > self.fence else {
            return false
        }
        let top = self.stack.count &- 1
        if self.stack[top].isMutable {
            self.memo.append(.mutable)
        } else {
            self.memo.append(.value(self.stack[top].value, depth: UInt32(truncatingIfNeeded: self.stack[top].depth)))
        }
        return true
    }

    /// Pushes the memo entry `index` when it is an immutable value.
    @inline(__always)
    mutating func get(_ index: Int) -> Bool {
        guard index < self.memo.count, case .value(let value, let depth) = self.memo[index] else { return false }
        self.budget.noteRepeated(value)
        self.push(Item(value, depth: Int(depth)))
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
                self.marks.append(self.stack.count)
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
                self.push(Item(.float(self.nanTags.tagged(Double(bitPattern: bits)))))
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
                guard self.stack.count &- 1 >= self.fence, self.pushTuple(from: self.stack.count &- 1) else {
                    return nil
                }
            case Opcode.tuple2.rawValue:
                guard self.stack.count &- 2 >= self.fence, self.pushTuple(from: self.stack.count &- 2) else {
                    return nil
                }
            case Opcode.tuple3.rawValue:
                guard self.stack.count &- 3 >= self.fence, self.pushTuple(from: self.stack.count &- 3) else {
                    return nil
                }
            case Opcode.emptyList.rawValue:
                self.push(Item(.list([]), depth: 1, isMutable: true))
            case Opcode.list.rawValue:
                guard let start = self.popMark() else { return nil }
                self.insert(Item(.list([]), depth: 1, isMutable: true), at: start)
                guard self.appendItems(from: start &+ 1) else { return nil }
            case Opcode.append.rawValue:
                guard self.stack.count &- 2 >= self.fence, self.appendItems(from: self.stack.count &- 1) else {
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
                guard self.stack.count &- 3 >= self.fence, self.setItems(from: self.stack.count &- 2) else {
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
                guard self.put(self.memo.count) else { return nil }
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
