// Changing a value nested in a managed list, from a child process: the Swift port of the classic Python pitfall
// and its fix.
//
//     def task(shared_list):
//         print(f'Task Before: {shared_list[0]}', flush=True)
//         shared_list[0]['a'] = 1          # changes a copy: the managed list returned a plain dict
//         shared_list[0]['b'] = 2
//         shared_list[0]['c'] = 3
//         print(f'Task After: {shared_list[0]}', flush=True)
//
//     if __name__ == '__main__':
//         with Manager() as manager:
//             shared_list = manager.list()
//             shared_list.append({'a': 0, 'b': 0, 'c': 0})          # the pitfall: a plain dict
//             # shared_list.append(manager.dict({'a': 0, 'b': 0, 'c': 0}))  # the fix: a managed dict
//             print(f'Main Before: {shared_list[0]}', flush=True)
//             process = Process(target=task, args=(shared_list,))
//             process.start()
//             process.join()
//             print(f'Main After: {shared_list[0]}', flush=True)
//
// In Swift the pitfall is plain to see: reading an element gives a copy, as it always does for a value.
import Multiprocessing
import Pickle

/// `{'a': 0, 'b': 0, 'c': 0}`: entries in order, written as Python writes a dict.
func pythonDict(_ entries: [(key: String, value: Int)]) -> String {
    let items = entries.map { (key: PythonValue.string($0.key), value: PythonValue.int($0.value)) }
    return ((try? PythonDict(items)).map { PythonValue.dict($0) } ?? .none).repr
}

/// The pitfall: the list holds a plain dict, so the child changes its own copy.
struct ChangePlainDict: ProcessTask {
    static func run(_ sharedList: ListProxy<PythonValue>) async throws {
        print("Task Before: \(try await sharedList[0].repr)")
        for (key, value) in [("a", 1), ("b", 2), ("c", 3)] {
            // Python's `shared_list[0]['a'] = 1`: the element read is a copy, and the copy is what changes.
            guard case .dict(var copy) = try await sharedList[0] else { continue }
            try copy.setValue(.int(value), forKey: .string(key))
        }
        print("Task After: \(try await sharedList[0].repr)")
    }
}

/// The fix: the list holds a managed dict, so the child changes the shared object.
struct ChangeManagedDict: ProcessTask {
    static func run(_ sharedList: ListProxy<DictProxy<String, Int>>) async throws {
        print("Task Before: \(pythonDict(try await sharedList[0].items()))")
        for (key, value) in [("a", 1), ("b", 2), ("c", 3)] {
            try await sharedList[0].set(value, forKey: key)
        }
        print("Task After: \(pythonDict(try await sharedList[0].items()))")
    }
}

await ProcessRole.bootstrap(tasks: [ChangePlainDict.self, ChangeManagedDict.self])

try await withManager(inProcess: true) { manager in
    print("A plain dict in a managed list:")
    let plainList: ListProxy<PythonValue> = try await manager.client.list()
    try await plainList.append(.dict(PythonDict(stringKeys: ["a": .int(0), "b": .int(0), "c": .int(0)])))
    print("Main Before: \(try await plainList[0].repr)")
    try await ChildProcess.start(ChangePlainDict.self, arguments: plainList).join()
    print("Main After: \(try await plainList[0].repr)")

    print("A managed dict in a managed list:")
    let managedList: ListProxy<DictProxy<String, Int>> = try await manager.client.list()
    try await managedList.append(
        try await manager.client.dict([(key: "a", value: 0), (key: "b", value: 0), (key: "c", value: 0)])
    )
    print("Main Before: \(pythonDict(try await managedList[0].items()))")
    try await ChildProcess.start(ChangeManagedDict.self, arguments: managedList).join()
    print("Main After: \(pythonDict(try await managedList[0].items()))")
}
