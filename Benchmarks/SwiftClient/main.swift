// swift-multiprocessing-benchmark: Swift clients against a manager (ours or CPython's), for Benchmarks/run.py.
//
// Usage: swift-multiprocessing-benchmark --address UNIX_PATH --tcp-address HOST:PORT --authkey-hex HEX
//            --json OUT_PATH [--quick] [--nio-executor]
// Writes one JSON row per measurement (schema in Benchmarks/README.md). Every workload checks its result; a
// wrong answer is written as a failed row and makes the exit status non-zero.
//
// --nio-executor installs NIO's event loops as Swift Concurrency's global executor before anything else runs, so
// a calling task and its connection share threads instead of handing every call between two pools; it then runs
// only the single-call and pipelined workloads, named swift.nio.*.

import Foundation
import ManagerWire
import Multiprocessing
import NIOCore
import NIOPosix
import Pickle

struct Options {
    var address = ""
    var tcpAddress = ""
    var keyHex = ""
    var jsonPath = ""
    var quick = false
    var nioExecutor = false

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--address": self.address = iterator.next() ?? ""
            case "--tcp-address": self.tcpAddress = iterator.next() ?? ""
            case "--authkey-hex": self.keyHex = iterator.next() ?? ""
            case "--json": self.jsonPath = iterator.next() ?? ""
            case "--quick": self.quick = true
            case "--nio-executor": self.nioExecutor = true
            default: throw BenchmarkFailure("unknown argument \(argument)")
            }
        }
        guard !self.address.isEmpty, !self.jsonPath.isEmpty else {
            throw BenchmarkFailure("usage: --address PATH [--tcp-address HOST:PORT] --authkey-hex HEX --json OUT [--quick]")
        }
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct Row: Encodable {
    var workload: String
    var title: String
    var value: Double
    var unit: String
    var better: String
    var ok = true
    var error: String?
}

/// Seconds taken by `body`.
func timed(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

@main
struct SwiftClientBenchmark {
    static func main() async {
        do {
            let options = try Options(CommandLine.arguments)
            if options.nioExecutor, !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
                throw BenchmarkFailure("NIO's event loops could not be installed as the global executor")
            }
            let prefix = options.nioExecutor ? "swift.nio." : "swift."
            let titlePrefix = options.nioExecutor ? "Swift (NIO executor)" : "Swift"
            let key = try AuthKey(hex: options.keyHex)
            var rows: [Row] = []
            let scale = options.quick ? 1 : 5
            let unix = ManagerAddress.unix(path: options.address)
            let client = try await ManagerClient.connect(to: unix, authKey: key)

            func record(_ workload: String, _ title: String, _ value: Double, _ unit: String, _ better: String) {
                rows.append(Row(workload: workload, title: title, value: value, unit: unit, better: better))
                print(String(format: "%-34@ %12.1f %@", workload as NSString, value, unit))
            }
            func fail(_ workload: String, _ message: String) {
                rows.append(Row(workload: workload, title: workload, value: 0, unit: "", better: "lower", ok: false, error: message))
                print("\(workload): FAILED: \(message)")
            }

            let dict = try await client.create("dict")
            let lock = try await client.create("Lock")
            rows += try await Self.singleCallsAndPipelining(
                client: client, dict: dict, lock: lock, prefix: prefix, titlePrefix: titlePrefix, scale: scale, preference: nil
            )

            if !options.nioExecutor {
                // The same single calls and pipelining from tasks that prefer the pooled channel's event loop
                // (ManagerClient.taskExecutor): the call path for a user who opts in, rows named swift.loop.*.
                let executor = client.taskExecutor
                rows += try await withTaskExecutorPreference(executor) {
                    try await Self.singleCallsAndPipelining(
                        client: client, dict: dict, lock: lock, prefix: "swift.loop.", titlePrefix: "Swift (loop executor)",
                        scale: scale, preference: executor
                    )
                }
            }

            if options.nioExecutor {
                try await Self.finish(rows, client: client, jsonPath: options.jsonPath)
                return
            }

            // Lock-protected read-modify-write counter from several clients.
            let counter = try await client.create("Value", ["i", 0])
            let clients = 4
            let increments = 250 * scale
            let counterSeconds = try await timed {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<clients {
                        group.addTask {
                            let own = try await ManagerClient.connect(to: unix, authKey: key)
                            for _ in 0..<increments {
                                _ = try await own.call(lock.objectID, "acquire", [], mayBlock: true)
                                let current = try await own.call(counter.objectID, "get").intValue ?? 0
                                _ = try await own.call(counter.objectID, "set", [.int(current + 1)])
                                _ = try await own.call(lock.objectID, "release")
                            }
                            await own.close()
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let finalCount = try await client.call(counter.objectID, "get").intValue ?? -1
            if finalCount == clients * increments {
                record("swift.lock_counter.\(clients)", "Swift lock counter, \(clients) clients", Double(finalCount) / counterSeconds, "incr/s", "higher")
            } else {
                fail("swift.lock_counter.\(clients)", "final count \(finalCount), expected \(clients * increments)")
            }

            // Payloads.
            for size in [1 << 10, 1 << 20, 16 << 20] where !(options.quick && size > 1 << 20) {
                let payload = PythonValue.bytes([UInt8](repeating: 0x5a, count: size))
                let rounds = size > 1 << 20 ? 3 : (size > 1 << 10 ? 20 : 500)
                let seconds = try await timed {
                    for _ in 0..<rounds {
                        _ = try await client.call(dict.objectID, "__setitem__", ["blob", payload])
                        guard try await client.call(dict.objectID, "__getitem__", ["blob"]) == payload else {
                            throw BenchmarkFailure("payload came back changed")
                        }
                    }
                }
                record("swift.payload.\(size)", "Swift payload set+get \(size) B", Double(2 * rounds * size) / seconds / 1_048_576, "MiB/s", "higher")
            }

            // Proxy create + release, and new connections, over Unix and TCP.
            var transports: [(String, ManagerAddress)] = [("unix", unix)]
            if !options.tcpAddress.isEmpty { transports.append(("tcp", try ManagerAddress(parsing: options.tcpAddress))) }
            for (name, address) in transports {
                let remote = try await ManagerClient.connect(to: address, authKey: key)
                let rounds = 200 * scale
                let createSeconds = try await timed {
                    for _ in 0..<rounds {
                        // Create, then release explicitly (not through the reference's deinit) so the timing
                        // includes the release.
                        let created = try await remote.serverFunction("create", ["dict"])
                        guard let id = created.sequenceElements?.first?.stringValue else {
                            throw BenchmarkFailure("create returned \(created.repr)")
                        }
                        _ = try await remote.serverFunction("decref", [.string(id)])
                    }
                }
                record("swift.proxy_create.\(name)", "Swift proxy create+release (\(name))", createSeconds / Double(rounds) * 1e6, "us", "lower")
                await remote.close()
                let connects = 50 * scale
                let connectSeconds = try await timed {
                    for _ in 0..<connects {
                        let connection = try await ManagerConnection.connect(to: address, authKey: key)
                        _ = try await connection.call(Request(objectID: nil, method: "dummy"))
                        await connection.close()
                    }
                }
                record("swift.new_connection.\(name)", "Swift new connection (\(name))", connectSeconds / Double(connects) * 1e6, "us", "lower")
            }

            try await Self.finish(rows, client: client, jsonPath: options.jsonPath)
        } catch {
            FileHandle.standardError.write(Data("swift-multiprocessing-benchmark: \(error)\n".utf8))
            exit(2)
        }
    }

    /// Single-call latency (with the process's context switches per call) and pipelined calls from 1 to 256 tasks
    /// over the client's pooled channel; the tasks of the sweep prefer `preference` when it is given.
    static func singleCallsAndPipelining(
        client: ManagerClient,
        dict: ObjectReference,
        lock: ObjectReference,
        prefix: String,
        titlePrefix: String,
        scale: Int,
        preference: (any TaskExecutor)?
    ) async throws -> [Row] {
        var rows: [Row] = []
        func record(_ workload: String, _ title: String, _ value: Double, _ unit: String, _ better: String) {
            rows.append(Row(workload: workload, title: title, value: value, unit: unit, better: better))
            print(String(format: "%-34@ %12.1f %@", workload as NSString, value, unit))
        }
        let list = try await client.create("list")
        let value = try await client.create("Value", ["i", 7])
        let queue = try await client.create("Queue")
        let calls = 2_000 * scale
        func latency(_ workload: String, _ title: String, callsPerRound: Int = 1, _ body: () async throws -> Void) async throws {
            for _ in 0..<200 { try await body() }  // warm up
            let switchesBefore = contextSwitches()
            let start = ContinuousClock.now
            for _ in 0..<calls { try await body() }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            let switches = contextSwitches() - switchesBefore
            record(workload, title, seconds / Double(calls) * 1e6, "us", "lower")
            record(
                workload + ".switches", title + ": context switches per call", Double(switches) / Double(calls * callsPerRound),
                "switches", "lower"
            )
        }
        // Single-call latency, one call at a time.
        try await latency(prefix + "latency.dict_set", "\(titlePrefix) dict set") {
            _ = try await client.call(dict.objectID, "__setitem__", ["k", 1])
        }
        try await latency(prefix + "latency.dict_get", "\(titlePrefix) dict get") {
            guard try await client.call(dict.objectID, "__getitem__", ["k"]) == 1 else { throw BenchmarkFailure("dict get returned a wrong value") }
        }
        try await latency(prefix + "latency.list_append", "\(titlePrefix) list append") {
            _ = try await client.call(list.objectID, "append", [1])
        }
        try await latency(prefix + "latency.value_get", "\(titlePrefix) Value get") {
            guard try await client.call(value.objectID, "get") == 7 else { throw BenchmarkFailure("Value get returned a wrong value") }
        }
        try await latency(prefix + "latency.lock", "\(titlePrefix) Lock acquire+release", callsPerRound: 2) {
            _ = try await client.call(lock.objectID, "acquire", [], mayBlock: false)
            _ = try await client.call(lock.objectID, "release")
        }
        try await latency(prefix + "latency.queue", "\(titlePrefix) Queue put+get", callsPerRound: 2) {
            _ = try await client.call(queue.objectID, "put", [1])
            guard try await client.call(queue.objectID, "get") == 1 else { throw BenchmarkFailure("queue get returned a wrong value") }
        }

        // Pipelined calls from many tasks over one connection.
        for tasks in [1, 4, 16, 64, 256] {
            let perTask = max(1, (20_000 * scale) / tasks)
            let seconds = try await timed {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<tasks {
                        group.addTask(executorPreference: preference) {
                            for _ in 0..<perTask {
                                guard try await client.call(dict.objectID, "__getitem__", ["k"]) == 1 else {
                                    throw BenchmarkFailure("a pipelined get returned a wrong value")
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            record(prefix + "pipelined.\(tasks)", "\(titlePrefix) pipelined calls, \(tasks) tasks", Double(tasks * perTask) / seconds, "calls/s", "higher")
        }

        return rows
    }

    /// Closes the client, writes the rows and exits non-zero if a check failed.
    static func finish(_ rows: [Row], client: ManagerClient, jsonPath: String) async throws {
        await client.close()
        let data = try JSONEncoder().encode(["rows": rows])
        try data.write(to: URL(fileURLWithPath: jsonPath))
        if rows.contains(where: { !$0.ok }) { exit(1) }
    }
}

/// The context switches (voluntary and not) of every thread of this process so far, from /proc (0 elsewhere).
func contextSwitches() -> Int {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    var total = 0
    for task in tasks {
        guard let status = try? String(contentsOfFile: "/proc/self/task/\(task)/status", encoding: .utf8) else { continue }
        for line in status.split(separator: "\n") where line.contains("ctxt_switches:") {
            total += Int(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        }
    }
    return total
}
