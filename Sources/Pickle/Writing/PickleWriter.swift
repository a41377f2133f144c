/// Writes ``PythonValue``s as pickles that CPython 3.6 and later load as equal values.
///
/// The output follows CPython's own choices where they matter for compatibility: `BININT*`/`LONG1`/`LONG4` for
/// ints, `BINFLOAT`, `SHORT_BINUNICODE`/`STACK_GLOBAL`/`MEMOIZE`/`FRAME` from protocol 4, `BYTEARRAY8` from
/// protocol 5, and `REDUCE` forms of `set`, `frozenset`, `bytes` and `bytearray` in older protocols. Opaque objects
/// are written with the opcodes they were read from; manager proxies in CPython's `RebuildProxy` form.
/// Shared values are written once and referenced with `GET`; recursive values are supported.
public struct PickleWriter: Sendable {
    /// The protocol written, 2 to 5 (default 4, what CPython 3.8–3.13 send).
    public var protocolVersion: Int
    /// The most bytes one pickle may take, or `nil` for no limit.
    ///
    /// Writing stops as soon as the output passes it (at the latest after the value that passed it, and before
    /// copying a `str` or `bytes` that would), so a value far larger than the limit is never fully encoded.
    public var maximumOutputSize: Int?

    /// A writer for the given protocol, with an optional limit on the size of each pickle.
    public init(protocolVersion: Int = 4, maximumOutputSize: Int? = nil) {
        self.protocolVersion = protocolVersion
        self.maximumOutputSize = maximumOutputSize
    }

    /// Pickles a value.
    ///
    /// - Returns: The pickle, from `PROTO` to `STOP`.
    /// - Throws: ``PickleError`` with code ``PickleError/Code/unencodable`` for a protocol outside 2–5, a dangling
    ///   ``PythonValue/recursiveReference(_:)``, or nesting beyond a few thousand levels; with code
    ///   ``PickleError/Code/limitExceeded`` when the pickle would be larger than ``maximumOutputSize``.
    public func write(_ value: PythonValue) throws(PickleError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        try self.write(value, appendingTo: &bytes)
        return bytes
    }

    /// Pickles a value at the end of `bytes`.
    ///
    /// - Throws: ``PickleError``, as ``write(_:)``; `bytes` is left unchanged on error.
    public func write(_ value: PythonValue, appendingTo bytes: inout [UInt8]) throws(PickleError) {
        try self.run(appendingTo: &bytes) { (machine: inout PickleWriteMachine) throws(PickleError) in
            try machine.writePickle(value)
        }
    }

    /// Pickles the 2-tuple `(first, second)` at the end of `bytes`: the same bytes as writing
    /// `.tuple([first, second])`, without allocating the tuple's array. Manager replies are such pairs.
    ///
    /// - Throws: ``PickleError``, as ``write(_:)``; `bytes` is left unchanged on error.
    public func writePair(_ first: PythonValue, _ second: PythonValue, appendingTo bytes: inout [UInt8])
        throws(PickleError)
    {
        try self.run(appendingTo: &bytes) { (machine: inout PickleWriteMachine) throws(PickleError) in
            try machine.writePairPickle(first, second)
        }
    }

    /// Runs `body` on a machine that appends to `bytes`, with this writer's protocol and size limit.
    private func run(
        appendingTo bytes: inout [UInt8],
        _ body: (inout PickleWriteMachine) throws(PickleError) -> Void
    ) throws(PickleError) {
        guard (2...5).contains(self.protocolVersion) else {
            throw PickleError(
                code: .unencodable,
                message: "pickle protocol \(self.protocolVersion) is not supported for writing; use 2 to 5"
            )
        }
        let originalCount = bytes.count
        var machine = PickleWriteMachine(protocolVersion: self.protocolVersion, out: [])
        if let maximum = self.maximumOutputSize {
            let (end, overflow) = originalCount.addingReportingOverflow(max(maximum, 0))
            machine.outputLimit = overflow ? Int.max : end
            machine.maximumOutputSize = max(maximum, 0)
        }
        swap(&machine.out, &bytes)
        do {
            try body(&machine)
        } catch {
            swap(&machine.out, &bytes)
            bytes.removeSubrange(originalCount...)
            throw error
        }
        swap(&machine.out, &bytes)
    }
}
