// A manager served over TCP with an authkey, shared by a Python client and Swift worker processes: the Swift
// port of Python's "Using a remote manager" example.
//
// The Swift program serves the manager (Python's `QueueManager(address=('', 50000), authkey=b'abracadabra')`),
// starts `client.py` with python3, which puts five greetings on the shared queue, and starts two Swift worker
// processes that take the greetings off the same queue and print them.
import Foundation
import ManagerWire
import Multiprocessing
import Pickle

/// Takes items off the queue until `None` and prints each.
struct Worker: ProcessTask {
    struct Arguments: Codable, Sendable {
        var number: Int
        var queue: QueueProxy<String?>
    }

    static func run(_ arguments: Arguments) async throws {
        while let greeting = try await arguments.queue.get() {
            print("Swift worker \(arguments.number) got: \(greeting)")
        }
    }
}

await ProcessRole.bootstrap(tasks: [Worker.self])

/// `client.py`, beside this file.
let clientScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("client.py").path

let authKey = AuthKey(utf8: "abracadabra")
let manager = try await Manager.startInProcess(address: .tcp(host: "127.0.0.1", port: 0), authKey: authKey)
print("Manager: serving at \(manager.address) with an authkey")
let queue: QueueProxy<String?> = try await manager.client.queue()

// The Python client receives the authkey and the queue's proxy on its standard input, never in its arguments.
let python = Process()
python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
python.arguments = ["python3", clientScript]
let input = Pipe()
python.standardInput = input
try python.run()
let proxy = try PickleWriter(protocolVersion: 2).write(try PythonValueEncoder().encode(queue))
let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
input.fileHandleForWriting.write(Data((hex(authKey.bytes) + "\n" + hex(proxy) + "\n").utf8))
try input.fileHandleForWriting.close()

let workers = try (1...2).map { try ChildProcess.start(Worker.self, arguments: .init(number: $0, queue: queue)) }
await withCheckedContinuation { continuation in
    Thread.detachNewThread {
        python.waitUntilExit()
        continuation.resume()
    }
}
for _ in workers {
    try await queue.put(nil)
}
for worker in workers {
    await worker.join()
}
print("Manager: the Python client exited with \(python.terminationStatus); the workers are done")
await manager.shutdown()
