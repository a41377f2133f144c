// A short tour of swift-multiprocessing: runs each example program in turn, with a header before each.
//
//     swift run swift-multiprocessing-tour
//
// The examples are executables of this package; any that are not built yet are built first with `swift build`.
import Foundation

/// An example program and what it shows.
struct Example {
    var name: String
    var summary: String
}

let examples = [
    Example(name: "example-shared-queue", summary: "a managed Queue shared by a producer and a consumer process"),
    Example(
        name: "example-nested-proxies",
        summary: "a plain dict in a managed list (the pitfall), then a managed dict"
    ),
    Example(
        name: "example-pool-dict-lock",
        summary: "Pool(4) writing a managed dict: per-key, nested (lost), under a Lock"
    ),
    Example(name: "example-remote", summary: "a manager over TCP with an authkey, a python3 client and Swift workers"),
    Example(name: "example-custom-class", summary: "a Swift Counter hosted by a manager, incremented by 4 processes"),
]

/// The directory this program was built into, which holds the examples once built.
let productsDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
/// The package's root, for building missing examples.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs `executable` with `arguments`, sharing this program's standard output and error, and returns its status.
func run(_ executable: URL, _ arguments: [String] = [], in directory: URL? = nil) throws -> Int32 {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    fflush(nil)  // The header before the example's own output.
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

var failures: [String] = []
for example in examples {
    print("")
    print("=== \(example.name): \(example.summary) ===")
    let binary = productsDirectory.appendingPathComponent(example.name)
    if !FileManager.default.isExecutableFile(atPath: binary.path) {
        print("(building \(example.name) first)")
        let status = try run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["swift", "build", "--product", example.name],
            in: packageRoot
        )
        guard status == 0 else {
            failures.append(example.name)
            continue
        }
    }
    if try run(binary) != 0 {
        failures.append(example.name)
    }
}
print("")
if failures.isEmpty {
    print("=== the tour ran \(examples.count) examples ===")
} else {
    print("=== failed: \(failures.joined(separator: ", ")) ===")
    exit(1)
}
