// pickle-benchmark: decode and encode throughput of PickleReader/PickleWriter next to CPython's C `_pickle`.
//
// Run: swift build -c release --product pickle-benchmark && .build/release/pickle-benchmark
// python3 builds the inputs (protocol 4, as CPython 3.8–3.13 send them) and times pickle.loads/dumps on them in
// the same run, in rounds interleaved with Swift's so that both sides see the same machine; the table shows the
// best round's MB/s of pickle bytes for each side and Swift's speed relative to CPython.
// `pickle-benchmark decode FILE COUNT` decodes one pickle file COUNT times and nothing else, for profilers.
import Foundation
import Pickle

let pythonScript = #"""
import json, pickle, sys, time

def timed(function, minimum=0.2):
    count = 1
    while True:
        start = time.perf_counter()
        for _ in range(count):
            function()
        elapsed = time.perf_counter() - start
        if elapsed >= minimum:
            return elapsed / count
        count *= 2

request = ('7f3ba27c4a80', 'append', (3,), {})
nested = []
index = 0
while len(pickle.dumps(nested, 4)) < 1 << 20 if index % 256 == 0 else True:
    nested.append({'id': index, 'name': 'item-%d' % index, 'score': index * 0.5, 'tags': ['a', 'b', str(index)],
                   'payload': b'x' * 16, 'pos': (index, -index), 'none': None, 'flag': index % 2 == 0})
    index += 1
    if index % 256 == 0 and len(pickle.dumps(nested, 4)) >= 1 << 20:
        break
cases = {}
for name, value in (('request', request), ('nested-1MiB', nested)):
    data = pickle.dumps(value, 4)
    with open(sys.argv[1] + '/' + name + '.pkl', 'wb') as handle:
        handle.write(data)
    cases[name] = (value, data)
print('ready', flush=True)
# One line per round and case: the case's name in, its timings out.
for line in sys.stdin:
    value, data = cases[line.strip()]
    print(json.dumps({'loads': timed(lambda: pickle.loads(data)), 'dumps': timed(lambda: pickle.dumps(value, 4))}),
          flush=True)
"""#

/// Seconds per call of `body`, repeated until at least 0.2 seconds have passed.
func timed(_ body: () throws -> Void) rethrows -> Double {
    var count = 1
    let clock = ContinuousClock()
    while true {
        let start = clock.now
        for _ in 0..<count { try body() }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds >= 0.2 { return seconds / Double(count) }
        count *= 2
    }
}

/// The CPython side: a `python3` child that writes the inputs, then times one case per request line.
final class PythonTimer {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var buffered: [UInt8] = []

    init(directory: URL) throws {
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        self.process.arguments = ["python3", "-c", pythonScript, directory.path]
        self.process.standardInput = self.input
        self.process.standardOutput = self.output
        try self.process.run()
        guard try self.readLine() == "ready" else { throw CocoaError(.fileReadCorruptFile) }
    }

    /// Seconds per `pickle.loads` and per `pickle.dumps` of the case `name`.
    func time(_ name: String) throws -> (loads: Double, dumps: Double) {
        try self.input.fileHandleForWriting.write(contentsOf: Data((name + "\n").utf8))
        guard let json = try JSONSerialization.jsonObject(with: Data(try self.readLine().utf8)) as? [String: Double],
            let loads = json["loads"], let dumps = json["dumps"]
        else { throw CocoaError(.fileReadCorruptFile) }
        return (loads, dumps)
    }

    func finish() throws {
        try self.input.fileHandleForWriting.close()
        self.process.waitUntilExit()
    }

    private func readLine() throws -> String {
        while true {
            if let newline = self.buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: self.buffered[..<newline], as: UTF8.self)
                self.buffered.removeSubrange(...newline)
                return line
            }
            let data = self.output.fileHandleForReading.availableData
            guard !data.isEmpty else { throw CocoaError(.fileReadUnknown) }
            self.buffered.append(contentsOf: data)
        }
    }
}

func format(_ value: Double, width: Int) -> String {
    let text = String(format: "%.1f", value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

// Profiling mode: `pickle-benchmark decode FILE COUNT` only decodes FILE COUNT times (for callgrind/perf).
let arguments = CommandLine.arguments
if arguments.count == 4, arguments[1] == "decode", let count = Int(arguments[3]) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    let reader = PickleReader()
    var checksum = 0
    for _ in 0..<count {
        if case .list(let items) = try reader.read(bytes) { checksum &+= items.count } else { checksum &+= 1 }
    }
    print("decoded \(count) times (\(checksum))")
    exit(0)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pickle-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let python = try PythonTimer(directory: directory)
let names = ["request", "nested-1MiB"]
let rounds = 7

/// The best (smallest) seconds per call of each side over the rounds.
struct Best {
    var swiftDecode = Double.infinity
    var swiftEncode = Double.infinity
    var pythonDecode = Double.infinity
    var pythonEncode = Double.infinity

    mutating func record(swift: (decode: Double, encode: Double), python: (loads: Double, dumps: Double)) {
        self.swiftDecode = min(self.swiftDecode, swift.decode)
        self.swiftEncode = min(self.swiftEncode, swift.encode)
        self.pythonDecode = min(self.pythonDecode, python.loads)
        self.pythonEncode = min(self.pythonEncode, python.dumps)
    }
}

var best = [String: Best]()
var inputs = [String: (bytes: [UInt8], value: PythonValue, encodedSize: Int)]()
let reader = PickleReader()
let writer = PickleWriter(protocolVersion: 4)
for name in names {
    let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent("\(name).pkl")))
    let value = try reader.read(bytes)
    inputs[name] = (bytes, value, try writer.write(value).count)
    best[name] = Best()
}
for _ in 0..<rounds {
    for name in names {
        guard let (bytes, value, _) = inputs[name] else { continue }
        let pythonTimes = try python.time(name)
        let decode = try timed { _ = try reader.read(bytes) }
        let encode = try timed { _ = try writer.write(value) }
        best[name, default: Best()].record(swift: (decode, encode), python: pythonTimes)
    }
}
try python.finish()

print("best of \(rounds) interleaved rounds")
print(
    "\(pad("case", 13)) \(pad("bytes", 9)) \(pad("decode MB/s Swift", 18)) \(pad("CPython", 9)) \(pad("ratio", 6)) "
        + "\(pad("encode MB/s Swift", 18)) \(pad("CPython", 9)) ratio"
)
for name in names {
    guard let (bytes, _, encodedSize) = inputs[name], let times = best[name] else { continue }
    let megabytes = Double(bytes.count) / 1_000_000
    let swiftDecode = megabytes / times.swiftDecode
    let swiftEncode = Double(encodedSize) / 1_000_000 / times.swiftEncode
    let pythonDecode = megabytes / times.pythonDecode
    let pythonEncode = megabytes / times.pythonEncode
    print(
        "\(pad(name, 13)) \(pad(String(bytes.count), 9)) \(format(swiftDecode, width: 17))  "
            + "\(format(pythonDecode, width: 8)) \(format(swiftDecode / pythonDecode, width: 6)) "
            + "\(format(swiftEncode, width: 17))  \(format(pythonEncode, width: 8)) "
            + "\(format(swiftEncode / pythonEncode, width: 6))"
    )
}
