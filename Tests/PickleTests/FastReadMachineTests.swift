import Foundation
import Testing

@testable import Pickle

/// The one-pass decoder for plain data must give exactly what the full machine gives, and leave the rest to it.
@Suite("Fast read machine")
struct FastReadMachineTests {
    static func fast(_ bytes: [UInt8], limits: PickleLimits = PickleLimits()) -> PythonValue? {
        bytes.withUnsafeBytes { buffer in PickleFastReadMachine.decode(buffer, limits: limits) }
    }

    static func full(_ bytes: [UInt8], limits: PickleLimits = PickleLimits()) -> Result<PythonValue, PickleError> {
        bytes.withUnsafeBytes { buffer in
            Result { () throws(PickleError) -> PythonValue in
                try PickleReader(limits: limits).decodeWithFullMachine(buffer, buffers: nil)
            }
        }
    }

    /// Structural identity (cases, order, payloads), stricter than Python's `==`.
    /// The value's dump, with NaN payloads (`nan(0x…)`: each decode tags its NaNs, see `NaNTags`) shown as `nan`.
    static func dumped(_ value: PythonValue) -> String {
        var text = ""
        dump(value, to: &text)
        return text.replacing(/nan\(0x[0-9a-f]+\)/, with: "nan")
    }

    @Test("gives the full machine's value for every corpus pickle it accepts")
    func agreesOnCorpus() throws {
        let corpus = DifferentialTests.fixturesDirectory.appendingPathComponent("corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".pkl") }
        var accepted = 0
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: corpus.appendingPathComponent(name)))
            guard let value = Self.fast(bytes) else { continue }
            accepted += 1
            switch Self.full(bytes) {
            case .success(let expected):
                #expect(Self.dumped(value) == Self.dumped(expected), "\(name)")
            case .failure(let error):
                Issue.record("\(name): the fast machine accepted a pickle the full machine refuses: \(error)")
            }
        }
        #expect(accepted >= 50, "only \(accepted) of \(names.count) corpus pickles took the fast path")
    }

    @Test(
        "decodes plain data in one pass exactly as the full machine does",
        arguments: [
            // ('7f3ba27c4a80', 'append', (3,), {}) in protocols 2 and 4.
            "800228580c00000037663362613237633461383071005806000000617070656e6471014b038571027d71037471042e",
            "8004952200000000000000288c0c376633626132376334613830948c06617070656e64944b0385947d9474942e",
            // A dict of lists, tuples, a nested dict, bytes, bool, float, negative and big ints, non-ASCII text.
            "8004955d000000000000007d94288c0161945d94284b014b02658c0162944b018c0178944e87948c0163947d948c016494"
                + "43016594734b01884740040000000000004affffffff8c03626967948a090000000000000000408c0175948c0768c3"
                + "a9f09f988094752e",
            // A tuple (1, 'a') referenced twice: immutable, so not shared.
            "8004950f000000000000005d94284b018c01619486946802652e",
            // Two equal dicts in a tuple.
            "80049511000000000000007d944b014b02737d944b014b027386942e",
        ]
    )
    func decodesPlainData(hex: String) throws {
        let bytes = hexBytes(hex)
        let value = try #require(Self.fast(bytes))
        let expected = try Self.full(bytes).get()
        #expect(Self.dumped(value) == Self.dumped(expected))
        #expect(try PickleReader().read(bytes) == expected)
    }

    @Test(
        "leaves containers fetched from the memo, and other opcodes, to the full machine",
        arguments: [
            // l = []; [l, l]
            "80049509000000000000005d94285d946801652e",
            // a = []; a.append(a)
            "80049506000000000000005d946800612e",
            // [1, 2, 3] in protocol 0 (text opcodes).
            "286c70300a49310a6149320a6149330a612e",
        ]
    )
    func leavesSharingToFullMachine(hex: String) throws {
        let bytes = hexBytes(hex)
        #expect(Self.fast(bytes) == nil)
        let expected = try Self.full(bytes).get()
        let value = try PickleReader().read(bytes)
        #expect(Self.dumped(value) == Self.dumped(expected))
    }

    @Test("keeps the shared list of [l, l] shared")
    func sharedListStaysShared() throws {
        let value = try PickleReader().read(hexBytes("80049509000000000000005d94285d946801652e"))
        guard case .list(let elements) = value, elements.count == 2,
            case .shared(let first, _) = elements[0], case .shared(let second, _) = elements[1]
        else {
            Issue.record("expected two shared elements, got \(value)")
            return
        }
        #expect(first == second)
    }

    @Test("shares the keys of consecutive dicts only when they are the same str bytes, and copies them on write")
    func sharedKeysAreExactAndCopiedOnWrite() throws {
        // [{'a': 1, 'b': 2}, {'a': 3, 'b': 4}, {'b': 5, 'a': 6}, {'a': 7, 'b': 8, 'c': 9}, {'\u00e9': 1},
        //  {'e\u0301': 2}]: the same keys, the same keys in another order, one more key, and two canonically
        // equivalent keys that Python keeps apart.
        let bytes = hexBytes(
            "80049554000000000000005d94287d94288c0161944b018c0162944b02757d942868024b0368034b04757d942868034b05"
                + "68024b06757d942868024b0768034b088c0163944b09757d948c02c3a9944b01737d948c0365cc81944b0273652e"
        )
        let value = try #require(Self.fast(bytes))
        #expect(Self.dumped(value) == Self.dumped(try Self.full(bytes).get()))
        guard case .list(let records) = value, records.count == 6 else {
            Issue.record("expected a list of six dicts, got \(value)")
            return
        }
        let dicts = records.compactMap { record -> PythonDict? in
            guard case .dict(let dict) = record else { return nil }
            return dict
        }
        try #require(dicts.count == 6)
        #expect(dicts[2].keys == [.string("b"), .string("a")])
        #expect(dicts[3].keys == [.string("a"), .string("b"), .string("c")])
        guard case .string(let composed) = dicts[4].keys.first, case .string(let decomposed) = dicts[5].keys.first
        else {
            Issue.record("expected str keys, got \(dicts[4].keys) and \(dicts[5].keys)")
            return
        }
        #expect(Array(composed.utf8) == [0xC3, 0xA9])
        #expect(Array(decomposed.utf8) == [0x65, 0xCC, 0x81])

        var changed = dicts[0]
        try changed.setValue(.int(100), forKey: .string("a"))
        try changed.setValue(.int(0), forKey: .string("z"))
        #expect(changed.keys == [.string("a"), .string("b"), .string("z")])
        #expect(dicts[0]["a"] == .int(1))
        #expect(dicts[1].keys == [.string("a"), .string("b")])
        #expect(dicts[1]["a"] == .int(3))
    }

    @Test("reports the full machine's error when plain data exceeds the limits")
    func limitsGiveTheFullMachinesError() throws {
        let deep = hexBytes("8004950f000000000000005d945d945d945d944b01616161612e")
        let long = hexBytes("8004950b000000000000005d94284b014b024b03652e")
        let cases: [([UInt8], PickleLimits)] = [
            (deep, PickleLimits(maxDepth: 3)),
            (long, PickleLimits(maxContainerLength: 2)),
            (long, PickleLimits(maxMemoEntries: 0)),
            (Array(long.dropLast()), PickleLimits()),
        ]
        for (bytes, limits) in cases {
            #expect(Self.fast(bytes, limits: limits) == nil)
            let expected = Self.full(bytes, limits: limits)
            #expect(throws: PickleError.self) { try PickleReader(limits: limits).read(bytes) }
            if case .failure(let error) = expected {
                #expect(throws: error) { try PickleReader(limits: limits).read(bytes) }
            } else {
                Issue.record("the full machine accepted input beyond its limits")
            }
        }
        #expect(Self.fast(deep, limits: PickleLimits(maxDepth: 4)) != nil)
        #expect(Self.fast(long, limits: PickleLimits(maxContainerLength: 3)) != nil)
    }
}
