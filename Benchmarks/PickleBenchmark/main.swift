// pickle-benchmark: decode and encode throughput of PickleReader/PickleWriter next to CPython's C `_pickle`.
//
// Run: swift build -c release --product pickle-benchmark && .build/release/pickle-benchmark
// python3 builds the inputs (protocol 4, as CPython 3.8–3.13 send them) and times pickle.loads/dumps on them in
// the same run; the table shows MB/s of pickle bytes and Swift's speed relative to CPython.
import Foundation
import Pickle

let pythonScript = #"""
import json, pickle, sys, time

def timed(function, minimum=0.5):
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
results = {}
for name, value in (('request', request), ('nested-1MiB', nested)):
    data = pickle.dumps(value, 4)
    with open(sys.argv[1] + '/' + name + '.pkl', 'wb') as handle:
        handle.write(data)
    results[name] = {'size': len(data), 'loads': timed(lambda: pickle.loads(data)),
                     'dumps': timed(lambda: pickle.dumps(value, 4))}
print(json.dumps(results))
"""#

/// Seconds per call of `body`, repeated until at least half a second has passed.
func timed(_ body: () throws -> Void) rethrows -> Double {
    var count = 1
    let clock = ContinuousClock()
    while true {
        let start = clock.now
        for _ in 0..<count { try body() }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds >= 0.5 { return seconds / Double(count) }
        count *= 2
    }
}

func runPython(directory: URL) throws -> [String: [String: Double]] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", pythonScript, directory.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
        let json = try JSONSerialization.jsonObject(with: data) as? [String: [String: Double]]
    else {
        throw CocoaError(.fileReadCorruptFile)
    }
    return json
}

func format(_ value: Double, width: Int) -> String {
    let text = String(format: "%.1f", value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pickle-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let python = try runPython(directory: directory)

print(
    "\(pad("case", 13)) \(pad("bytes", 9)) \(pad("decode MB/s Swift", 18)) \(pad("CPython", 9)) \(pad("ratio", 6)) "
        + "\(pad("encode MB/s Swift", 18)) \(pad("CPython", 9)) ratio"
)
for name in ["request", "nested-1MiB"] {
    let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent("\(name).pkl")))
    let reader = PickleReader()
    let writer = PickleWriter(protocolVersion: 4)
    let value = try reader.read(bytes)
    let encodedSize = try writer.write(value).count
    let decode = try timed { _ = try reader.read(bytes) }
    let encode = try timed { _ = try writer.write(value) }
    let megabytes = Double(bytes.count) / 1_000_000
    let swiftDecode = megabytes / decode
    let swiftEncode = Double(encodedSize) / 1_000_000 / encode
    let pythonDecode = megabytes / (python[name]?["loads"] ?? .nan)
    let pythonEncode = megabytes / (python[name]?["dumps"] ?? .nan)
    print(
        "\(pad(name, 13)) \(pad(String(bytes.count), 9)) \(format(swiftDecode, width: 17))  "
            + "\(format(pythonDecode, width: 8)) \(format(swiftDecode / pythonDecode, width: 6)) "
            + "\(format(swiftEncode, width: 17))  \(format(pythonEncode, width: 8)) "
            + "\(format(swiftEncode / pythonEncode, width: 6))"
    )
}
