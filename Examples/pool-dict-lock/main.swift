// A pool of four workers writing a managed dict: the Swift port of the classic Python program, in its three
// versions.
//
//     def task(number, shared_dict):                 # 1. every worker writes its own key
//         shared_dict[number] = number
//
//     def task_nested(number, shared_dict):          # 2. the pitfall: a plain dict inside the managed dict
//         shared_dict['test'][number] = number       #    changes a copy; the managed dict keeps {'test': {}}
//
//     def task_locked(number, shared_dict, lock):    # 3. the fix: read, modify and write back under a lock
//         with lock:
//             data = shared_dict['test']
//             data[number] = number
//             shared_dict['test'] = data
//
//     if __name__ == '__main__':
//         with Manager() as manager:
//             shared_dict = manager.dict()
//             with Pool(4) as pool:
//                 results = [pool.apply_async(task, args=(i, shared_dict)) for i in range(100)]
//                 for result in results:
//                     result.wait()
//             print(shared_dict)
//             ... the same for task_nested (shared_dict['test'] = {}) and task_locked (with manager.Lock())
//
// Each final dict is printed as Python prints it: entries in the order the workers wrote them.
import Multiprocessing
import Pickle

/// Python's `print(shared_dict)`: the managed dict's entries in insertion order, written as Python writes a dict.
func pythonRepr<Key: Encodable, Value: Encodable>(_ dict: DictProxy<Key, Value>) async throws -> String {
    var entries: [(key: PythonValue, value: PythonValue)] = []
    for (key, value) in try await dict.items() {
        entries.append((try PythonValueEncoder().encode(key), try PythonValueEncoder().encode(value)))
    }
    return PythonValue.dict(try PythonDict(entries)).repr
}

/// 1. Writes `number` under the key `number`.
struct WriteKey: PoolTask {
    struct Input: Codable, Sendable {
        var number: Int
        var sharedDict: DictProxy<Int, Int>
    }

    static func run(_ input: Input) async throws -> Bool {
        try await input.sharedDict.set(input.number, forKey: input.number)
        return true
    }
}

/// 2. The pitfall: changes a copy of the plain dict stored under `'test'`.
struct WriteNested: PoolTask {
    struct Input: Codable, Sendable {
        var number: Int
        var sharedDict: DictProxy<String, PythonValue>
    }

    static func run(_ input: Input) async throws -> Bool {
        // Python's `shared_dict['test'][number] = number`: the value read is a copy, and the copy is what changes.
        guard case .dict(var copy) = try await input.sharedDict.value(forKey: "test") else { return false }
        try copy.setValue(.int(input.number), forKey: .int(input.number))
        return true
    }
}

/// 3. The fix: reads, changes and writes back the nested dict while holding a managed lock.
struct WriteNestedLocked: PoolTask {
    struct Input: Codable, Sendable {
        var number: Int
        var sharedDict: DictProxy<String, PythonValue>
        var lock: LockProxy
    }

    static func run(_ input: Input) async throws -> Bool {
        try await input.lock.withLock {
            guard case .dict(var data) = try await input.sharedDict.value(forKey: "test") else { return false }
            try data.setValue(.int(input.number), forKey: .int(input.number))
            try await input.sharedDict.set(.dict(data), forKey: "test")
            return true
        }
    }
}

await ProcessRole.bootstrap(tasks: [WriteKey.self, WriteNested.self, WriteNestedLocked.self])

try await withManager(inProcess: true) { manager in
    // 1. A managed dict that every task writes a key of.
    let sharedDict: DictProxy<Int, Int> = try await manager.client.dict()
    try await withWorkerPool(processes: 4) { pool in
        let results = try (0..<100).map {
            try pool.applyAsync(WriteKey.self, .init(number: $0, sharedDict: sharedDict))
        }
        for result in results { await result.wait() }
    }
    print(try await pythonRepr(sharedDict))

    // 2. A plain dict inside the managed dict: every change is lost.
    let nested: DictProxy<String, PythonValue> = try await manager.client.dict()
    try await nested.set(.dict(PythonDict()), forKey: "test")
    try await withWorkerPool(processes: 4) { pool in
        let results = try (0..<100).map { try pool.applyAsync(WriteNested.self, .init(number: $0, sharedDict: nested)) }
        for result in results { await result.wait() }
    }
    print(try await pythonRepr(nested))

    // 3. Read, modify and write back under a managed lock: every change is kept.
    let locked: DictProxy<String, PythonValue> = try await manager.client.dict()
    try await locked.set(.dict(PythonDict()), forKey: "test")
    let lock = try await manager.client.lock()
    try await withWorkerPool(processes: 4) { pool in
        let results = try (0..<100).map {
            try pool.applyAsync(WriteNestedLocked.self, .init(number: $0, sharedDict: locked, lock: lock))
        }
        for result in results { await result.wait() }
    }
    print(try await pythonRepr(locked))
}
