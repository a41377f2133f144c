/// Reads pickles of protocols 0–5 into ``PythonValue``s, without ever running code.
///
/// Built-in types become native values; globals, `REDUCE`/`NEWOBJ`/`BUILD` objects and persistent ids are kept
/// opaquely so that they re-encode unchanged (see ``PythonObject``). Manager proxies in CPython's exact
/// `RebuildProxy` shape become ``PythonValue/proxy(_:)``. Objects referenced more than once come back as
/// ``PythonValue/shared(_:_:)``, self-containing ones with ``PythonValue/recursiveReference(_:)``.
///
/// Python 2 `str` data (`STRING`, `BINSTRING`, `SHORT_BINSTRING`) is read as `str`: ASCII as is, other bytes as
/// latin-1 (Python 3 would fail with its default `encoding='ASCII'`). Globals of protocol 0–2 pickles get
/// Python 2 names mapped as Python 3 does (`__builtin__` to `builtins`, `copy_reg` to `copyreg`, …).
///
/// The work a pickle can cause is proportional to its size. A pickle may push one immutable value many times
/// (`DUP`, memo `GET`), so that its value, walked as a tree, is exponentially larger than the pickle; once a pickle
/// does that, its dict keys, set elements and value are walked under a budget of
/// ``PickleLimits/maxSharedExpansion`` nodes per input byte before they are hashed or returned, and the pickle is
/// refused beyond it.
///
/// Every failure, including input beyond ``limits``, is a ``PickleError`` with the byte offset.
public struct PickleReader: Sendable {
    /// The bounds enforced on the input.
    public var limits: PickleLimits
    /// The objects of the `copyreg` extension registry by code, for `EXT1`/`EXT2`/`EXT4`. When it is empty (the
    /// default, as in a fresh CPython), an extension opcode is an ``PickleError/Code/unsupported`` error.
    public var extensionRegistry: [Int: PythonGlobal]

    /// A reader with the given limits and extension registry.
    public init(limits: PickleLimits = PickleLimits(), extensionRegistry: [Int: PythonGlobal] = [:]) {
        self.limits = limits
        self.extensionRegistry = extensionRegistry
    }

    /// Decodes one pickle.
    ///
    /// - Parameter bytes: The pickle; bytes after its `STOP` opcode are ignored, as `pickle.loads` does.
    /// - Returns: The decoded value.
    /// - Throws: ``PickleError`` for malformed, truncated or oversized input.
    public func read(_ bytes: [UInt8]) throws(PickleError) -> PythonValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(PickleError) -> PythonValue in try self.decode(buffer, buffers: nil) }
        }
        return try result.get()
    }

    /// Decodes one pickle from raw memory.
    ///
    /// - Parameter bytes: The pickle; bytes after its `STOP` opcode are ignored.
    /// - Returns: The decoded value.
    /// - Throws: ``PickleError`` for malformed, truncated or oversized input.
    public func read(_ bytes: UnsafeRawBufferPointer) throws(PickleError) -> PythonValue {
        try self.decode(bytes, buffers: nil)
    }

    /// Decodes a protocol 5 pickle whose `NEXT_BUFFER` opcodes refer to out-of-band buffers.
    ///
    /// Each `NEXT_BUFFER` takes the next buffer as a `bytearray`; `READONLY_BUFFER` turns it into `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The pickle.
    ///   - outOfBandBuffers: The buffers, in the order the pickler produced them.
    /// - Returns: The decoded value.
    /// - Throws: ``PickleError`` for malformed input or when the pickle uses more buffers than given.
    public func read(_ bytes: UnsafeRawBufferPointer, outOfBandBuffers: [[UInt8]]) throws(PickleError) -> PythonValue {
        try self.decode(bytes, buffers: outOfBandBuffers)
    }

    private func decode(_ bytes: UnsafeRawBufferPointer, buffers: [[UInt8]]?) throws(PickleError) -> PythonValue {
        guard bytes.count <= self.limits.maxInputSize else {
            throw PickleError(
                code: .limitExceeded,
                message: "the pickle is \(bytes.count) bytes, more than maxInputSize (\(self.limits.maxInputSize))",
                offset: 0
            )
        }
        // Most pickles are plain data without shared containers: decode those in one pass, everything else
        // (and every malformed pickle, for its exact error) with the full machine.
        if let value = PickleFastReadMachine.decode(bytes, limits: self.limits) {
            return value
        }
        return try self.decodeWithFullMachine(bytes, buffers: buffers)
    }

    /// Decodes with ``PickleReadMachine`` and the graph conversion: every opcode, sharing and cycles.
    func decodeWithFullMachine(_ bytes: UnsafeRawBufferPointer, buffers: [[UInt8]]?) throws(PickleError)
        -> PythonValue
    {
        var machine = PickleReadMachine(
            input: bytes,
            limits: self.limits,
            extensionRegistry: self.extensionRegistry,
            buffers: buffers
        )
        defer { machine.releaseNodes() }
        let result = try machine.run()
        var converter = DecodedGraphConverter(
            maxDepth: self.limits.maxDepth,
            offset: machine.opcodeOffset,
            budget: machine.budget
        )
        return try converter.value(of: result)
    }
}
