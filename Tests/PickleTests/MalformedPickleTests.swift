import Foundation
import Pickle
import Testing

@Suite("Malformed pickles")
struct MalformedPickleTests {
    let reader = PickleReader()

    static let samples: [[UInt8]] = [
        hexBytes("8004952200000000000000288c0c376633626132376334613830948c06617070656e64944b0385947d9474942e"),
        hexBytes("800228580c00000037663362613237633461383071005806000000617070656e6471014b038571027d71037471042e"),
        Array("(lp0\nI1\naL12345678901234567890L\naF1.5\naS'ab\\n'\np1\naVh\\u00e9\np2\nag1\na.".utf8),
        hexBytes("80049561000000000000005d94288a060000000000018a090000000000000000c0473ff80000000000004e88898c0668c3a96c6c6f94430200ff948f94284b014b0290284b0391948c086275696c74696e73948c09627974656172726179949394430261629485945294652e"),
    ]

    @Test("every truncation of a valid pickle is a typed error, never a crash", arguments: 0..<4)
    func truncations(sample: Int) throws {
        let bytes = Self.samples[sample]
        _ = try self.reader.read(bytes)
        for length in 0..<bytes.count {
            #expect(throws: PickleError.self) { try self.reader.read(Array(bytes[..<length])) }
            do {
                _ = try self.reader.read(Array(bytes[..<length]))
            } catch {
                #expect(error.offset != nil)
                #expect(error.offset! <= length)
            }
        }
    }

    func expectError(_ bytes: [UInt8], _ code: PickleError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let value = try self.reader.read(bytes)
            Issue.record("expected \(code), got \(value)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("an unknown opcode is reported with its offset")
    func unknownOpcode() {
        do {
            _ = try self.reader.read([0x80, 0x04, 0xFF, 0x2E])
            Issue.record("no error")
        } catch {
            #expect(error.code == .unknownOpcode)
            #expect(error.offset == 2)
        }
        self.expectError([0x80, 0x06, 0x4E, 0x2E], .invalidValue)  // protocol 6
    }

    @Test("huge declared lengths are refused before any allocation")
    func hugeLengths() {
        self.expectError([0x80, 0x04, 0x8E] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + [0x2E], .truncatedInput)
        self.expectError([0x80, 0x04, 0x8D] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + [0x2E], .truncatedInput)
        self.expectError([0x80, 0x05, 0x96] + [0, 0, 0, 0, 0, 0, 0, 0x10] + [0x2E], .truncatedInput)
        self.expectError([0x80, 0x04, 0x95] + [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0] + [0x4E, 0x2E], .truncatedInput)
        self.expectError([0x80, 0x02, 0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E], .truncatedInput)
        self.expectError([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E], .truncatedInput)
        self.expectError([0x80, 0x02, 0x54, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E], .truncatedInput)
        self.expectError([0x80, 0x02, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E], .limitExceeded)
        self.expectError([0x80, 0x02, 0x8B, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E], .invalidValue)
    }

    @Test("100 000 levels of nesting are a typed error, not a stack overflow")
    func deepNesting() {
        // Lists: EMPTY_LIST, then 100k times (EMPTY_LIST, APPEND to the one below via MARK-free building).
        var lists: [UInt8] = [0x80, 0x02]
        for _ in 0..<100_000 { lists.append(0x5D) }
        for _ in 0..<99_999 { lists.append(0x61) }
        lists.append(0x2E)
        self.expectError(lists, .limitExceeded)
        // Tuples of tuples.
        var tuples: [UInt8] = [0x80, 0x02, 0x4E]
        for _ in 0..<100_000 { tuples.append(0x85) }
        tuples.append(0x2E)
        self.expectError(tuples, .limitExceeded)
        // MARK-nested tuples.
        var marks: [UInt8] = [0x80, 0x02]
        for _ in 0..<100_000 { marks.append(0x28) }
        for _ in 0..<100_000 { marks.append(0x74) }
        marks.append(0x2E)
        self.expectError(marks, .limitExceeded)
        // Dicts holding dicts through the memo.
        var dicts: [UInt8] = [0x80, 0x02, 0x7D]
        for _ in 0..<100_000 { dicts += [0x4B, 0x01, 0x7D, 0x73] }
        dicts.append(0x2E)
        #expect((try? self.reader.read(dicts)) != nil)  // flat: each SETITEM goes into the same dict
        // Within the limit, nesting is fine.
        var shallow: [UInt8] = [0x80, 0x02, 0x4E]
        for _ in 0..<900 { shallow.append(0x85) }
        shallow.append(0x2E)
        #expect((try? self.reader.read(shallow)) != nil)
    }

    @Test("a GET of a missing memo entry is a memo miss")
    func memoMiss() {
        self.expectError([0x80, 0x02, 0x68, 0x05, 0x2E], .memoMiss)
        self.expectError([0x80, 0x02, 0x6A, 0x05, 0, 0, 0, 0x2E], .memoMiss)
        self.expectError(Array("g7\n.".utf8), .memoMiss)
    }

    @Test("opcodes without enough operands underflow the stack")
    func stackUnderflow() {
        self.expectError([0x80, 0x02, 0x2E], .stackUnderflow)
        self.expectError([0x80, 0x02, 0x4E, 0x86, 0x2E], .stackUnderflow)
        self.expectError([0x80, 0x02, 0x52, 0x2E], .stackUnderflow)
        self.expectError([0x80, 0x02, 0x30, 0x2E], .stackUnderflow)
        self.expectError([0x80, 0x02, 0x94, 0x2E], .stackUnderflow)
    }

    @Test("MARK misuse is refused")
    func markMisuse() {
        self.expectError([0x80, 0x02, 0x4E, 0x74, 0x2E], .stackUnderflow)  // TUPLE without MARK
        self.expectError([0x80, 0x02, 0x5D, 0x65, 0x2E], .stackUnderflow)  // APPENDS without MARK
        self.expectError([0x80, 0x02, 0x28, 0x2E], .stackUnderflow)  // STOP right after MARK
        self.expectError([0x80, 0x02, 0x4E, 0x28, 0x4E, 0x86, 0x2E], .stackUnderflow)  // TUPLE2 across a MARK
        self.expectError([0x80, 0x02, 0x28, 0x4E, 0x64, 0x2E], .invalidValue)  // DICT with odd items
        self.expectError([0x80, 0x02, 0x4E, 0x28, 0x4E, 0x61, 0x2E], .stackUnderflow)  // APPEND target below MARK
    }

    @Test("wrong operand types are invalid values")
    func wrongOperands() {
        self.expectError([0x80, 0x02, 0x4E, 0x4E, 0x61, 0x2E], .invalidValue)  // APPEND to None
        self.expectError([0x80, 0x02, 0x5D, 0x4E, 0x4E, 0x73, 0x2E], .invalidValue)  // SETITEM on a list
        self.expectError([0x80, 0x04, 0x4B, 0x01, 0x4B, 0x02, 0x93, 0x2E], .invalidValue)  // STACK_GLOBAL of ints
        self.expectError([0x80, 0x02, 0x7D, 0x5D, 0x4E, 0x73, 0x2E], .invalidValue)  // unhashable dict key
        self.expectError([0x80, 0x02, 0x58, 0x02, 0, 0, 0, 0xC3, 0x28, 0x2E], .invalidValue)  // bad UTF-8
        self.expectError(Array("Ixyz\n.".utf8), .invalidValue)
        self.expectError(Array("Fnotafloat\n.".utf8), .invalidValue)
        self.expectError(Array("Sunquoted\n.".utf8), .invalidValue)
    }

    @Test("EXT opcodes need an extension registry")
    func extensions() throws {
        self.expectError([0x80, 0x02, 0x82, 0x01, 0x2E], .unsupported)
        self.expectError([0x80, 0x02, 0x83, 0x01, 0x02, 0x2E], .unsupported)
        self.expectError([0x80, 0x02, 0x84, 0x01, 0x02, 0x03, 0x04, 0x2E], .unsupported)
        let registry = PickleReader(extensionRegistry: [1: PythonGlobal(module: "m", name: "C")])
        #expect(try registry.read([0x80, 0x02, 0x82, 0x01, 0x2E]) == .global(PythonGlobal(module: "m", name: "C")))
        #expect(throws: PickleError.self) { try registry.read([0x80, 0x02, 0x82, 0x02, 0x2E]) }
    }

    @Test("NEXT_BUFFER needs out-of-band buffers")
    func outOfBandBuffers() throws {
        self.expectError([0x80, 0x05, 0x97, 0x2E], .unsupported)
        let pickle: [UInt8] = [0x80, 0x05, 0x97, 0x97, 0x98, 0x86, 0x2E]
        let value = try pickle.withUnsafeBytes { buffer in
            try PickleReader().read(buffer, outOfBandBuffers: [[1, 2], [3]])
        }
        #expect(value == .tuple([.byteArray([1, 2]), .bytes([3])]))
        let tooFew = pickle.withUnsafeBytes { buffer in
            Result { () throws(PickleError) in try PickleReader().read(buffer, outOfBandBuffers: [[1]]) }
        }
        #expect(throws: PickleError.self) { try tooFew.get() }
    }

    @Test("configured limits are enforced")
    func limits() {
        let tiny = PickleReader(limits: PickleLimits(maxInputSize: 4))
        #expect(throws: PickleError.self) { try tiny.read([0x80, 0x02, 0x4E, 0x4E, 0x2E]) }
        let fewMemo = PickleReader(limits: PickleLimits(maxMemoEntries: 1))
        #expect(throws: PickleError.self) { try fewMemo.read([0x80, 0x04, 0x4E, 0x94, 0x94, 0x2E]) }
        let shortInts = PickleReader(limits: PickleLimits(maxIntegerBytes: 3))
        #expect(throws: PickleError.self) { try shortInts.read(Array("L12345\n.".utf8)) }
        let shortLists = PickleReader(limits: PickleLimits(maxContainerLength: 2))
        #expect(throws: PickleError.self) { try shortLists.read([0x5D, 0x28, 0x4E, 0x4E, 0x4E, 0x65, 0x2E]) }
    }
}

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
        return [UInt8](try Data(contentsOf: url))
    }

    @Test("a value near the depth limit re-encodes in every protocol and decodes again with room for REDUCE forms")
    func deepReencoding() throws {
        let bytes = try Self.fixture("fuzz-deep-reencoding.pkl")
        let reader = PickleReader(limits: PickleLimits(maxInputSize: 1 << 20, maxDepth: 200, maxIntegerBytes: 4096))
        let value = try reader.read(bytes)
        for protocolVersion in 2...5 {
            let encoded = try PickleWriter(protocolVersion: protocolVersion).write(value)
            #expect(throws: Never.self) { try PickleReader().read(encoded) }
        }
    }

    /// Found by the pickle-reader fuzzer: a global whose name has hundreds of dots is a leaf in a protocol 0 pickle
    /// but a `getattr` chain two levels deep per dot in protocols 2–3, deeper than a reader's default `maxDepth`.
    /// The writer now refuses such names below protocol 4 (`unencodable`) and writes them in one `STACK_GLOBAL`
    /// from protocol 4.
    @Test("a global of hundreds of dotted parts is refused in protocols 2 and 3 and written from protocol 4")
    func dottedGlobalReencoding() throws {
        let value = try PickleReader().read(try Self.fixture("fuzz-dotted-global-reencoding.pkl"))
        guard case .global(let global) = value else {
            Issue.record("expected a global, got \(value.typeName)")
            return
        }
        #expect(global.name.count { $0 == "." } > 400)
        for protocolVersion in 2...3 {
            #expect(throws: PickleError.self) { try PickleWriter(protocolVersion: protocolVersion).write(value) }
        }
        for protocolVersion in 4...5 {
            #expect(try PickleReader().read(try PickleWriter(protocolVersion: protocolVersion).write(value)) == value)
        }
        let dotted = PythonValue.global(PythonGlobal(module: "m", name: "A.B.C"))
        #expect(throws: Never.self) { try PickleReader().read(try PickleWriter(protocolVersion: 2).write(dotted)) }
    }

    /// Found by the pickle-reader fuzzer: a protocol 4 pickle calling a global literally named
    /// `__builtin__.frozenset`, re-encoded with protocol 2, came back as `builtins.frozenset` (protocol 0–2 names
    /// are renamed on reading) applied to unhashable elements, and did not decode.
    @Test("a global with a Python 2 name is not written in protocols 0–2, where reading would rename it")
    func pythonTwoNameReencoding() throws {
        let value = try PickleReader().read(try Self.fixture("fuzz-python2-name-reencoding.pkl"))
        #expect(throws: PickleError.self) { try PickleWriter(protocolVersion: 2).write(value) }
        for protocolVersion in 3...5 {
            let encoded = try PickleWriter(protocolVersion: protocolVersion).write(value)
            #expect(try PickleReader().read(encoded) == value)
        }
        let renamed: PythonValue = .global(PythonGlobal(module: "copy_reg", name: "_reconstructor"))
        #expect(throws: PickleError.self) { try PickleWriter(protocolVersion: 2).write(renamed) }
        #expect(try PickleReader().read(try PickleWriter(protocolVersion: 2).write(.global(.builtin("len")))) == .global(.builtin("len")))
    }

    /// Found by the pickle-reader fuzzer: a 658-byte pickle `DUP`s one float into `NEWOBJ_EX` objects level upon
    /// level and puts them in a frozenset. Read as a tree the value is exponentially large, and hashing and
    /// comparing the elements did not finish. The reader now walks such values under a budget proportional to the
    /// pickle's size (`PickleLimits.maxSharedExpansion`).
    @Test("a pickle that repeats shared values exponentially is refused, quickly, with limitExceeded")
    func sharedExpansion() throws {
        let fixture = try Self.fixture("fuzz-shared-expansion.pkl")
        // The same with a huge integral float in every object, which hashing and comparing converted to a BigInt
        // at every node, and objects that all hashed alike (by class only).
        let floatObjects = try Self.fixture("fuzz-shared-float-objects.pkl")
        // t = (t, t), forty levels: with DUP (the full decoder) and with memo GETs (the single-pass decoder).
        var dup: [UInt8] = [0x80, 0x02, 0x4B, 0x00]
        var get: [UInt8] = [0x80, 0x04, 0x4B, 0x00, 0x94]
        for level in 0..<40 {
            dup += [0x32, 0x86]
            get += [0x68, UInt8(level), 0x68, UInt8(level), 0x86, 0x94, 0x30]
        }
        let asList = get + [0x5D, 0x68, 40, 0x61, 0x2E]  // [t]
        let asKey = get + [0x7D, 0x68, 40, 0x4E, 0x73, 0x2E]  // {t: None}
        for bytes in [fixture, floatObjects, dup + [0x2E], asList, asKey] {
            do {
                let value = try PickleReader().read(bytes)
                Issue.record("decoded to a \(value.typeName)")
            } catch {
                #expect(error.code == .limitExceeded, "\(error)")
            }
        }
        // Ten levels are fine, and the value is what Python reads.
        var small: [UInt8] = [0x80, 0x02, 0x4B, 0x00]
        for _ in 0..<10 { small += [0x32, 0x86] }
        var expected: PythonValue = 0
        for _ in 0..<10 { expected = .tuple([expected, expected]) }
        #expect(try PickleReader().read(small + [0x2E]) == expected)
    }

    @Test("sharing within the budget decodes: a 1000-element tuple referenced from 1000 places")
    func sharingWithinBudget() throws {
        var bytes: [UInt8] = [0x80, 0x04, 0x28]
        for index in 0..<1000 { bytes += [0x4D, UInt8(index & 0xFF), UInt8(index >> 8)] }
        bytes += [0x74, 0x94, 0x30, 0x5D, 0x28]
        bytes += Array(repeating: [0x68, 0x00], count: 1000).flatMap { $0 }
        bytes += [0x65, 0x2E]
        let tuple = PythonValue.tuple((0..<1000).map { .int($0) })
        #expect(try PickleReader().read(bytes) == .list(Array(repeating: tuple, count: 1000)))
        #expect(throws: PickleError.self) {
            try PickleReader(limits: PickleLimits(maxSharedExpansion: 8)).read(bytes)
        }
    }
}
