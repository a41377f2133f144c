// A user type hosted by a manager and shared with child processes: the Swift port of the classic Python program
//
//     class Counter:
//         def __init__(self, start=0):
//             self.count = start
//         def increment(self, n=1):
//             self.count += n
//             return self.count
//         def value(self):
//             return self.count
//
//     class CounterManager(BaseManager):
//         pass
//
//     CounterManager.register('Counter', Counter)
//
//     def task(counter, number):
//         for _ in range(100):
//             counter.increment()
//         print(f'Task {number}: Done', flush=True)
//
//     if __name__ == '__main__':
//         with CounterManager() as manager:
//             counter = manager.Counter(10)
//             print(f'Main Before: {counter.value()}')
//             processes = [Process(target=task, args=(counter, i)) for i in range(4)]
//             for process in processes:
//                 process.start()
//             for process in processes:
//                 process.join()
//             print(f'Main After: {counter.value()}')
//
// With `--serve --unix PATH --authkey-hex HEX` (or `--tcp HOST:PORT`) it only hosts `Counter` for outside clients,
// Python's included, until SIGINT, SIGTERM or a client's `shutdown`:
//
//     class M(BaseManager): pass
//     M.register('Counter')
//     m = M(address=PATH, authkey=bytes.fromhex(HEX)); m.connect()
//     c = m.Counter(5); c.increment(2)           # 7
import Foundation
import Multiprocessing

/// The shared counter: an actor, so calls from every process run one at a time on the manager.
@Managed
actor Counter {
    private var count: Int

    init(start: Int = 0) {
        self.count = start
    }

    /// Adds `n` and returns the new count.
    public func increment(n: Int = 1) -> Int {
        self.count += n
        return self.count
    }

    /// The current count.
    public func value() -> Int {
        self.count
    }
}

/// What a child process receives: the counter's proxy and the child's number.
struct TaskArguments: Codable, Sendable {
    var counter: Counter.Proxy
    var number: Int
}

/// Increments the shared counter 100 times.
struct CountingTask: ProcessTask {
    static func run(_ arguments: TaskArguments) async throws {
        for _ in 0..<100 {
            _ = try await arguments.counter.increment()
        }
        print("Task \(arguments.number): Done")
    }
}

/// The command line: no arguments for the tutorial, or `--serve` with an address and a key.
enum Mode {
    case tutorial
    case serve(ManagerAddress, AuthKey)

    init(_ arguments: [String]) throws {
        guard arguments.first == "--serve" else {
            guard arguments.isEmpty else { throw UsageError() }
            self = .tutorial
            return
        }
        var address: ManagerAddress?
        var key: AuthKey?
        var rest = arguments.dropFirst()
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError() }
            switch option {
            case "--unix": address = .unix(path: value)
            case "--tcp": address = try ManagerAddress(parsing: value)
            case "--authkey-hex": key = try AuthKey(hex: value)
            default: throw UsageError()
            }
        }
        guard let address, let key else { throw UsageError() }
        self = .serve(address, key)
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String {
        "usage: example-custom-class [--serve (--unix PATH | --tcp HOST:PORT) --authkey-hex HEX]"
    }
}

// A child is this program started again: hand it to the library before anything else.
await ProcessRole.bootstrap(tasks: [CountingTask.self])

let mode: Mode
do {
    mode = try Mode(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

switch mode {
case .tutorial:
    try await withManager(hosting: [Counter.self]) { manager in
        let counter = try await manager.client.create(Counter.Proxy.self, 10)
        print("Main Before: \(try await counter.value())")
        let children = try (0..<4).map { number in
            try ChildProcess.start(CountingTask.self, arguments: TaskArguments(counter: counter, number: number))
        }
        for child in children {
            _ = await child.join()
        }
        print("Main After: \(try await counter.value())")
    }
case .serve(let address, let key):
    let manager = try await Manager.startInProcess(address: address, authKey: key, hosting: [Counter.self])
    await manager.serveUntilShutdown {
        print("listening on \(manager.address)")
        fflush(nil)  // at once, even into a pipe: whoever started the server waits for this line
    }
}
