/// The unpickling stack machine: runs the opcodes of one pickle and leaves a graph of ``DecodingItem``s.
///
/// The machine never runs code and never allocates from a length it has not checked against the bytes that
/// remain. It keeps every ``DecodingNode`` it creates in ``nodes`` so that ``releaseNodes()`` can break cycles and
/// tear deep graphs down without recursion.
struct PickleReadMachine {
    let input: UnsafeRawBufferPointer
    let limits: PickleLimits
    let extensionRegistry: [Int: PythonGlobal]
    let buffers: [[UInt8]]?
    var nextBuffer = 0
    var position = 0
    /// The offset of the opcode being executed, for errors.
    var opcodeOffset = 0
    var protocolVersion = 0
    var stack: [DecodingItem] = []
    /// Stack positions of the marks, innermost last.
    var marks: [Int] = []
    var memo: [DecodingItem?] = []
    var sparseMemo: [Int: DecodingItem] = [:]
    var memoCount = 0
    var nodes: [DecodingNode] = []
    /// Bounds the walks of values pushed more than once; charged for frozenset elements here and handed on to the
    /// graph conversion.
    var budget: ExpansionBudget
    /// Distinct payloads for the NaNs this decode reads (see ``NaNTags``).
    var nanTags = NaNTags()

    init(
        input: UnsafeRawBufferPointer,
        limits: PickleLimits,
        extensionRegistry: [Int: PythonGlobal],
        buffers: [[UInt8]]?
    ) {
        self.input = input
        self.limits = limits
        self.extensionRegistry = extensionRegistry
        self.buffers = buffers
        self.budget = ExpansionBudget(inputSize: input.count, limits: limits)
        self.stack.reserveCapacity(16)
    }

    // MARK: - Errors and bytes

    func error(_ code: PickleError.Code, _ message: String) -> PickleError {
        PickleError(code: code, message: message, offset: self.opcodeOffset)
    }

    @inline(__always)
    var remaining: Int { self.input.count - self.position }

    @inline(__always)
    mutating func readByte() throws(PickleError) -> UInt8 {
        guard self.position < self.input.count else {
            throw self.error(.truncatedInput, "the pickle ends inside an opcode argument; it was cut short")
        }
        let byte = self.input[self.position]
        self.position += 1
        return byte
    }

    /// The next `count` bytes; `count` is checked against the remaining input before anything is read.
    @inline(__always)
    mutating func readBytes(_ count: Int) throws(PickleError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= self.remaining else {
            throw self.error(
                .truncatedInput,
                "an argument declares \(count) bytes but only \(self.remaining) remain; the pickle was cut short"
            )
        }
        let start = self.position
        self.position += count
        return UnsafeRawBufferPointer(rebasing: self.input[start..<(start + count)])
    }

    @inline(__always)
    mutating func readUInt16() throws(PickleError) -> Int {
        let bytes = try self.readBytes(2)
        return Int(bytes[0]) | Int(bytes[1]) << 8
    }

    @inline(__always)
    mutating func readUInt32() throws(PickleError) -> UInt32 {
        let bytes = try self.readBytes(4)
        return UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
    }

    @inline(__always)
    mutating func readUInt64() throws(PickleError) -> UInt64 {
        let bytes = try self.readBytes(8)
        return UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    }

    /// A length of up to 8 bytes, refused when larger than the remaining input.
    mutating func readLength64() throws(PickleError) -> Int {
        let length = try self.readUInt64()
        guard length <= UInt64(self.remaining) else {
            throw self.error(
                .truncatedInput,
                "an argument declares \(length) bytes but only \(self.remaining) remain; the pickle was cut short"
            )
        }
        return Int(length)
    }

    /// The bytes up to the next newline (excluded); the newline is consumed.
    mutating func readLine() throws(PickleError) -> UnsafeRawBufferPointer {
        let start = self.position
        var index = start
        while index < self.input.count {
            if self.input[index] == 0x0A {
                self.position = index + 1
                return UnsafeRawBufferPointer(rebasing: self.input[start..<index])
            }
            index += 1
        }
        throw self.error(.truncatedInput, "a text argument has no terminating newline; the pickle was cut short")
    }

    // MARK: - Stack

    /// The lowest stack index the current opcode may touch: items below the innermost mark are out of reach.
    @inline(__always)
    var fence: Int { self.marks.last ?? 0 }

    @inline(__always)
    mutating func push(_ item: DecodingItem) {
        self.stack.append(item)
    }

    @inline(__always)
    mutating func pop() throws(PickleError) -> DecodingItem {
        guard self.stack.count > self.fence else {
            throw self.error(.stackUnderflow, "an opcode needs an operand but the stack (above the last MARK) is empty")
        }
        return self.stack.removeLast()
    }

    @inline(__always)
    func top() throws(PickleError) -> DecodingItem {
        guard self.stack.count > self.fence else {
            throw self.error(.stackUnderflow, "an opcode needs an operand but the stack (above the last MARK) is empty")
        }
        return self.stack[self.stack.count - 1]
    }

    /// Removes the innermost mark and returns the items above it.
    mutating func popMark() throws(PickleError) -> [DecodingItem] {
        guard let mark = self.marks.popLast() else {
            throw self.error(.stackUnderflow, "an opcode needs a MARK but there is none on the stack")
        }
        let items = Array(self.stack[mark...])
        self.stack.removeSubrange(mark...)
        guard items.count <= self.limits.maxContainerLength else {
            throw self.error(
                .limitExceeded,
                "a container has \(items.count) items, more than maxContainerLength (\(self.limits.maxContainerLength))"
            )
        }
        return items
    }

    mutating func makeNode(_ kind: DecodingNode.Kind, _ items: [DecodingItem] = []) -> DecodingNode {
        let node = DecodingNode(kind, items: items)
        self.nodes.append(node)
        return node
    }

    /// Breaks every reference between nodes, so cycles are freed and deep graphs are torn down without recursion.
    mutating func releaseNodes() {
        for node in self.nodes {
            node.release()
        }
        self.nodes.removeAll()
        self.stack.removeAll()
        self.memo.removeAll()
        self.sparseMemo.removeAll()
    }

    // MARK: - Memo

    mutating func memoStore(_ index: Int, _ item: DecodingItem) throws(PickleError) {
        if index < self.memo.count {
            if self.memo[index] == nil { self.memoCount += 1 }
            self.memo[index] = item
        } else if index == self.memo.count {
            if !self.sparseMemo.isEmpty, self.sparseMemo.removeValue(forKey: index) != nil {
                self.memoCount -= 1
            }
            self.memo.append(item)
            self.memoCount += 1
        } else {
            if self.sparseMemo.updateValue(item, forKey: index) == nil { self.memoCount += 1 }
        }
        guard self.memoCount <= self.limits.maxMemoEntries else {
            throw self.error(
                .limitExceeded,
                "the pickle stores more than maxMemoEntries (\(self.limits.maxMemoEntries)) memo entries"
            )
        }
    }

    mutating func memoFetch(_ index: Int) throws(PickleError) -> DecodingItem {
        if index >= 0, index < self.memo.count, let item = self.memo[index] {
            self.noteRepeated(item)
            return item
        }
        if let item = self.sparseMemo[index] {
            self.noteRepeated(item)
            return item
        }
        throw self.error(.memoMiss, "memo entry \(index) is read before it was stored; the pickle is corrupt")
    }

    /// Tells the budget that `item` is pushed again.
    mutating func noteRepeated(_ item: DecodingItem) {
        switch item {
        case .value(let value, _): self.budget.noteRepeated(value)
        case .node: self.budget.activate()
        }
    }

    /// Stores the top of the stack under `index`.
    mutating func put(_ index: Int) throws(PickleError) {
        guard index >= 0 else {
            throw self.error(.invalidValue, "negative memo index \(index)")
        }
        try self.memoStore(index, try self.top())
    }
}
