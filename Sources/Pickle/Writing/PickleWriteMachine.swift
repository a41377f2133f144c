import BigInt

/// Writes one ``PythonValue`` as pickle opcodes.
///
/// Containers are memoized only when needed: a ``PythonValue/shared(_:_:)`` value is memoized right after it is
/// created (after its empty-container or construction opcode, before its items) and referenced with `GET`
/// afterwards. While a shared tuple or object construction is open, everything below it is memoized too and
/// tracked in ``path``, so a ``PythonValue/recursiveReference(_:)`` to it can be written the way CPython's
/// `save_tuple` does: the value is written again from the path, memoized, and the outer copy is dropped with
/// `POP`/`POP_MARK` and replaced by a `GET`.
struct PickleWriteMachine {
    /// A tuple or object construction being written, or a memoized container, on the way to the current value.
    struct PathFrame {
        enum Kind {
            case tuple([PythonValue])
            case construction(PythonObject)
            case memoized(Int)
            /// Something that cannot be written again from the path (a frozenset or persistent id being written).
            case opaque
        }

        var kind: Kind
        var identity: PythonIdentity?
        /// Which element or construction part is being written.
        var child = 0
    }

    /// The deepest nesting written before giving up (protects the stack from hand-built values).
    static let maximumDepth = 3000
    /// Items per `APPENDS`/`SETITEMS`/`ADDITEMS` batch, as CPython writes them.
    static let batchSize = 1000

    let protocolVersion: Int
    var out: [UInt8]
    var memo: [PythonIdentity: Int] = [:]
    var memoCount = 0
    var path: [PathFrame] = []
    /// How many frames with an identity are open tuples or constructions (while > 0, everything is tracked).
    var openIdentified = 0
    var depth = 0
    var rewriteDepth = 0
    /// The output count past which writing stops with ``PickleError/Code/limitExceeded``.
    var outputLimit = Int.max
    /// The pickle size limit that ``outputLimit`` enforces, for the error message.
    var maximumOutputSize = Int.max

    init(protocolVersion: Int, out: [UInt8]) {
        self.protocolVersion = protocolVersion
        self.out = out
    }

    var isTracking: Bool { self.openIdentified > 0 }

    // MARK: - Bytes

    @inline(__always)
    mutating func emit(_ opcode: Opcode) {
        self.out.append(opcode.rawValue)
    }

    @inline(__always)
    mutating func emitUInt32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { self.out.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func emitUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { self.out.append(contentsOf: $0) }
    }

    /// Stores the top of the stack in the next memo slot and returns its index.
    mutating func memoize() -> Int {
        let index = self.memoCount
        self.memoCount += 1
        if self.protocolVersion >= 4 {
            self.emit(.memoize)
        } else if index < 256 {
            self.emit(.binPut)
            self.out.append(UInt8(index))
        } else {
            self.emit(.longBinPut)
            self.emitUInt32(UInt32(truncatingIfNeeded: index))
        }
        return index
    }

    mutating func emitGet(_ index: Int) {
        if index < 256 {
            self.emit(.binGet)
            self.out.append(UInt8(index))
        } else {
            self.emit(.longBinGet)
            self.emitUInt32(UInt32(truncatingIfNeeded: index))
        }
    }

    /// Throws when the output, with `extra` more bytes, would be larger than ``outputLimit``.
    @inline(__always)
    func checkOutputLimit(adding extra: Int) throws(PickleError) {
        guard self.outputLimit != Int.max else { return }
        let (total, overflow) = self.out.count.addingReportingOverflow(extra)
        guard overflow || total > self.outputLimit else { return }
        throw PickleError(
            code: .limitExceeded,
            message: "the pickle is larger than the limit of \(self.maximumOutputSize) bytes"
        )
    }

    /// The bytes a `str` or `bytes` value adds at least, checked before they are copied; 0 for other values.
    private static func leafSize(_ value: PythonValue) -> Int {
        switch value {
        case .string(let string): return string.utf8.count
        case .surrogateString(let bytes), .bytes(let bytes), .byteArray(let bytes): return bytes.count
        default: return 0
        }
    }

    // MARK: - Whole pickle

    /// `PROTO`, an optional `FRAME` around the body, the value, `STOP`.
    mutating func writePickle(_ value: PythonValue) throws(PickleError) {
        let frameStart = self.beginPickle()
        try self.write(value)
        try self.endPickle(frameStart: frameStart)
    }

    /// The pickle of the 2-tuple `(first, second)`, byte for byte what ``writePickle(_:)`` writes for
    /// `.tuple([first, second])`, without building the tuple (a manager reply is such a pair).
    mutating func writePairPickle(_ first: PythonValue, _ second: PythonValue) throws(PickleError) {
        let frameStart = self.beginPickle()
        // The pair is a container level of its own, as the tuple would be.
        self.depth += 1
        try self.write(first)
        try self.write(second)
        self.depth -= 1
        self.emitTupleEnd(count: 2)
        try self.endPickle(frameStart: frameStart)
    }

    /// `PROTO` and, from protocol 4, a `FRAME` whose length ``endPickle(frameStart:)`` fills in; returns where the
    /// frame starts.
    private mutating func beginPickle() -> Int {
        self.emit(.proto)
        self.out.append(UInt8(self.protocolVersion))
        let frameStart = self.out.count
        if self.protocolVersion >= 4 {
            self.emit(.frame)
            self.emitUInt64(0)
        }
        return frameStart
    }

    /// `STOP`, then the frame's length (or no frame at all for a body too short to need one).
    private mutating func endPickle(frameStart: Int) throws(PickleError) {
        self.emit(.stop)
        try self.checkOutputLimit(adding: 0)
        if self.protocolVersion >= 4 {
            let bodyLength = self.out.count - frameStart - 9
            if bodyLength < 4 {
                self.out.removeSubrange(frameStart..<(frameStart + 9))
            } else {
                withUnsafeBytes(of: UInt64(bodyLength).littleEndian) { header in
                    for index in 0..<8 { self.out[frameStart + 1 + index] = header[index] }
                }
            }
        }
    }

    // MARK: - Values

    mutating func write(_ value: PythonValue) throws(PickleError) {
        if self.outputLimit != Int.max {
            try self.checkOutputLimit(adding: Self.leafSize(value))
        }
        switch value {
        case .none: self.emit(.none)
        case .bool(let flag): self.emit(flag ? .newTrue : .newFalse)
        case .int(let int): self.writeInt(int)
        case .bigInt(let big): self.writeBigInt(big)
        case .float(let double): self.writeFloat(double)
        case .string(let string): try self.writeString(string)
        case .surrogateString(let bytes): try self.writeStringBytes(bytes)
        case .bytes(let bytes): try self.writeBytes(bytes)
        case .byteArray(let bytes): try self.writeByteArray(bytes)
        case .complex(let real, let imaginary): try self.writeComplex(real, imaginary)
        case .global(let global): try self.writeGlobal(global)
        case .proxy(let proxy): try self.writeProxy(proxy)
        case .recursiveReference(let identity): try self.writeRecursiveReference(identity)
        default:
            self.depth += 1
            defer { self.depth -= 1 }
            guard self.depth <= Self.maximumDepth else {
                throw PickleError(
                    code: .unencodable,
                    message: "the value nests deeper than \(Self.maximumDepth) levels; it cannot be pickled safely"
                )
            }
            try self.writeComposite(value, identity: nil)
        }
    }

    /// A container, object, persistent id or shared value; `identity` is set for the inner value of a shared one.
    mutating func writeComposite(_ value: PythonValue, identity: PythonIdentity?) throws(PickleError) {
        switch value {
        case .tuple(let elements): try self.writeTuple(elements, identity: identity)
        case .list(let elements): try self.writeList(elements, identity: identity)
        case .dict(let dict): try self.writeDict(dict, identity: identity)
        case .set(let set): try self.writeSet(set, identity: identity)
        case .frozenSet(let set): try self.writeFrozenSet(set, identity: identity)
        case .object(let object): try self.writeObject(object, identity: identity)
        case .persistentID(let pid):
            try self.writePersistentID(pid)
            self.memoizeIfShared(identity)
        case .shared(let inner, let value):
            if let index = self.memo[inner] {
                self.emitGet(index)
            } else {
                try self.writeComposite(value, identity: inner)
            }
            self.memoizeIfShared(identity)
        default:
            try self.write(value)
            self.memoizeIfShared(identity)
        }
    }

    /// Memoizes the value just written under `identity`, unless it has no identity or already is in the memo.
    @inline(__always)
    mutating func memoizeIfShared(_ identity: PythonIdentity?) {
        if let identity, self.memo[identity] == nil {
            self.memo[identity] = self.memoize()
        }
    }

    mutating func writeRecursiveReference(_ identity: PythonIdentity) throws(PickleError) {
        if let index = self.memo[identity] {
            self.emitGet(index)
            return
        }
        guard let frameIndex = self.path.lastIndex(where: { $0.identity == identity }) else {
            throw PickleError(
                code: .unencodable,
                message: "recursive reference \(identity) does not point to an enclosing shared value"
            )
        }
        try self.rewrite(frameIndex)
    }

    /// Writes the value of `path[frameIndex]` again, with the part on the path written from the next frame.
    mutating func rewrite(_ frameIndex: Int) throws(PickleError) {
        self.rewriteDepth += 1
        defer { self.rewriteDepth -= 1 }
        guard self.rewriteDepth <= 64 else {
            throw PickleError(code: .unencodable, message: "the recursive structure is too tangled to pickle")
        }
        let frame = self.path[frameIndex]
        let hasNext = frameIndex + 1 < self.path.count
        switch frame.kind {
        case .memoized(let index):
            self.emitGet(index)
            return
        case .opaque:
            throw PickleError(
                code: .unencodable,
                message: "a recursive reference passes through a frozenset or persistent id; this is not supported"
            )
        case .tuple(let elements):
            let useMark = elements.count > 3
            if useMark { self.emit(.mark) }
            for (index, element) in elements.enumerated() {
                if index == frame.child, hasNext {
                    try self.rewrite(frameIndex + 1)
                } else {
                    try self.write(element)
                }
            }
            self.emitTupleEnd(count: elements.count)
        case .construction(let object):
            try self.writeConstruction(object.construction) { (machine: inout Self, part, value) throws(PickleError) in
                if part == frame.child, hasNext {
                    try machine.rewrite(frameIndex + 1)
                } else {
                    try machine.write(value)
                }
            }
        }
        if let identity = frame.identity, self.memo[identity] == nil {
            self.memo[identity] = self.memoize()
        }
    }
}
