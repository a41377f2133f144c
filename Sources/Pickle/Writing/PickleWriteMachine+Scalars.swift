import BigInt

extension PickleWriteMachine {
    /// `BININT1`/`BININT2`/`BININT` inside the 32-bit range, `LONG1` outside, as CPython chooses.
    mutating func writeInt(_ value: Int) {
        if value >= 0, value < 0x100 {
            self.emit(.binInt1)
            self.out.append(UInt8(value))
        } else if value >= 0, value < 0x10000 {
            self.emit(.binInt2)
            self.out.append(UInt8(value & 0xFF))
            self.out.append(UInt8(value >> 8))
        } else if value >= Int(Int32.min), value <= Int(Int32.max) {
            self.emit(.binInt)
            self.emitUInt32(UInt32(bitPattern: Int32(value)))
        } else {
            self.writeLong(encodeLittleEndianSigned(value))
        }
    }

    mutating func writeBigInt(_ value: BigInt) {
        if let small = Int(exactly: value) {
            self.writeInt(small)
        } else {
            self.writeLong(encodeLittleEndianSigned(value))
        }
    }

    /// `LONG1` for up to 255 bytes, `LONG4` beyond.
    mutating func writeLong(_ bytes: [UInt8]) {
        if bytes.count < 256 {
            self.emit(.long1)
            self.out.append(UInt8(bytes.count))
        } else {
            self.emit(.long4)
            self.emitUInt32(UInt32(bytes.count))
        }
        self.out.append(contentsOf: bytes)
    }

    /// `BINFLOAT`: 8 bytes big-endian; a NaN as the canonical quiet NaN (see ``NaNTags``).
    mutating func writeFloat(_ value: Double) {
        self.emit(.binFloat)
        withUnsafeBytes(of: value.canonicalizedNaN.bitPattern.bigEndian) { self.out.append(contentsOf: $0) }
    }

    mutating func writeString(_ string: String) throws(PickleError) {
        var string = string
        let count = string.utf8.count
        try self.emitStringHeader(count)
        string.withUTF8 { self.out.append(contentsOf: $0) }
    }

    /// A `str` given as its (`surrogatepass`) UTF-8 bytes.
    mutating func writeStringBytes(_ bytes: [UInt8]) throws(PickleError) {
        try self.emitStringHeader(bytes.count)
        self.out.append(contentsOf: bytes)
    }

    private mutating func emitStringHeader(_ count: Int) throws(PickleError) {
        if self.protocolVersion >= 4, count < 256 {
            self.emit(.shortBinUnicode)
            self.out.append(UInt8(count))
        } else if count <= Int(UInt32.max) {
            self.emit(.binUnicode)
            self.emitUInt32(UInt32(count))
        } else if self.protocolVersion >= 4 {
            self.emit(.binUnicode8)
            self.emitUInt64(UInt64(count))
        } else {
            throw PickleError(code: .unencodable, message: "a str over 4 GiB needs protocol 4 or later")
        }
    }

    /// `bytes`: `SHORT_BINBYTES`/`BINBYTES`/`BINBYTES8` from protocol 3, `_codecs.encode(latin1_str, 'latin1')`
    /// (or `bytes()` when empty) in protocol 2, as CPython writes them.
    mutating func writeBytes(_ bytes: [UInt8]) throws(PickleError) {
        if self.protocolVersion >= 3 {
            if bytes.count < 256 {
                self.emit(.shortBinBytes)
                self.out.append(UInt8(bytes.count))
            } else if bytes.count <= Int(UInt32.max) {
                self.emit(.binBytes)
                self.emitUInt32(UInt32(bytes.count))
            } else if self.protocolVersion >= 4 {
                self.emit(.binBytes8)
                self.emitUInt64(UInt64(bytes.count))
            } else {
                throw PickleError(code: .unencodable, message: "a bytes object over 4 GiB needs protocol 4 or later")
            }
            self.out.append(contentsOf: bytes)
            return
        }
        if bytes.isEmpty {
            try self.writeGlobal(.builtin("bytes"))
            self.emit(.emptyTuple)
        } else {
            try self.writeGlobal(PythonGlobal(module: "_codecs", name: "encode"))
            try self.writeString(Self.latin1String(bytes))
            try self.writeString("latin1")
            self.emit(.tuple2)
        }
        self.emit(.reduce)
    }

    /// `bytearray`: `BYTEARRAY8` in protocol 5, `bytearray(bytes)` in 3–4, `bytearray(str, 'latin-1')` in 2.
    mutating func writeByteArray(_ bytes: [UInt8]) throws(PickleError) {
        if self.protocolVersion >= 5 {
            self.emit(.byteArray8)
            self.emitUInt64(UInt64(bytes.count))
            self.out.append(contentsOf: bytes)
            return
        }
        try self.writeGlobal(.builtin("bytearray"))
        if self.protocolVersion >= 3 {
            try self.writeBytes(bytes)
            self.emit(.tuple1)
        } else {
            try self.writeString(Self.latin1String(bytes))
            try self.writeString("latin-1")
            self.emit(.tuple2)
        }
        self.emit(.reduce)
    }

    static func latin1String(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// `complex(real, imaginary)` as `builtins.complex` `REDUCE`.
    mutating func writeComplex(_ real: Double, _ imaginary: Double) throws(PickleError) {
        try self.writeGlobal(.builtin("complex"))
        self.writeFloat(real)
        self.writeFloat(imaginary)
        self.emit(.tuple2)
        self.emit(.reduce)
    }

    /// The most dotted parts a global name may have in protocols before 4, which write each as a nested `getattr`.
    static let maxDottedGlobalParts = 200

    /// `STACK_GLOBAL` from protocol 4, `GLOBAL` before (dotted names through `getattr`, as CPython does).
    mutating func writeGlobal(_ global: PythonGlobal) throws(PickleError) {
        if self.protocolVersion >= 4 {
            try self.writeString(global.module)
            try self.writeString(global.name)
            self.emit(.stackGlobal)
            return
        }
        guard !global.module.contains("\n"), !global.name.contains("\n") else {
            throw PickleError(code: .unencodable, message: "the global name \(global) contains a newline")
        }
        if self.protocolVersion < 3, PythonTwoNames.map(global) != global {
            // Python 3 reads the globals of protocol 0–2 pickles as Python 2 names: this one would come back as
            // another object.
            throw PickleError(
                code: .unencodable,
                message: "the global \(global) would be read back as \(PythonTwoNames.map(global)) from a protocol "
                    + "\(self.protocolVersion) pickle (Python 3 renames Python 2 names there); use protocol 3 or later"
            )
        }
        let parts = global.name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= Self.maxDottedGlobalParts else {
            // Each part is a `getattr` call nested in the next, two levels deep: a reader with the default
            // `maxDepth` would refuse the pickle.
            throw PickleError(
                code: .unencodable,
                message: "the global \(global.module).\(global.name.prefix(40))… has \(parts.count) dotted parts; "
                    + "protocol \(self.protocolVersion) would nest them as \(parts.count) getattr calls (at most "
                    + "\(Self.maxDottedGlobalParts) are written); use protocol 4 or later"
            )
        }
        if parts.count > 1 {
            try self.writeDottedGlobal(module: global.module, parts: parts[...])
            return
        }
        self.emitGlobalLine(module: global.module, name: global.name)
    }

    private mutating func emitGlobalLine(module: String, name: String) {
        self.emit(.global)
        self.out.append(contentsOf: module.utf8)
        self.out.append(0x0A)
        self.out.append(contentsOf: name.utf8)
        self.out.append(0x0A)
    }

    /// `getattr(getattr(module.A, 'B'), 'C')` for `module.A.B.C` in protocols before 4.
    private mutating func writeDottedGlobal(module: String, parts: ArraySlice<Substring>) throws(PickleError) {
        guard parts.count > 1, let last = parts.last else {
            self.emitGlobalLine(module: module, name: String(parts.first ?? ""))
            return
        }
        self.emitGlobalLine(module: "builtins", name: "getattr")
        try self.writeDottedGlobal(module: module, parts: parts.dropLast())
        try self.writeString(String(last))
        self.emit(.tuple2)
        self.emit(.reduce)
    }
}
