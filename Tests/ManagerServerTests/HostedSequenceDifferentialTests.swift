import ManagerServer
import Pickle
import Testing

/// Sequences of non-blocking calls on one object, compared line by line with the same calls on CPython's object.
@Suite("Hosted objects against CPython, call by call", .timeLimit(.minutes(1)))
struct HostedSequenceDifferentialTests {
    typealias S = PythonOracle.Step

    static func check(_ object: any HostedObject, factory: String, _ steps: [S]) async throws {
        let expected = try await PythonOracle.runSequence(steps, factory: factory)
        try #require(expected.count == steps.count, "\(expected.joined(separator: "\n"))")
        let context = TestStoreContext()
        context.register(object)
        for (step, python) in zip(steps, expected) {
            let line = PythonOracle.stepOutcome(object, step, in: context)
            #expect(line == python, "\(step.method)\(step.arguments.map(\.repr)) \(step.keywords.map(\.0))")
        }
    }

    @Test("Queue(2)")
    func queue() async throws {
        try await Self.check(HostedQueue(maxsize: 2), factory: "queue.Queue(2)", [
            S(method: "empty"), S(method: "get_nowait"), S(method: "get", arguments: [false]),
            S(method: "get", arguments: [true, 0]), S(method: "get", keywords: [("timeout", -1)]),
            S(method: "get", arguments: [true, "a"]),
            S(method: "put", arguments: [1]), S(method: "put_nowait", arguments: ["x"]), S(method: "full"),
            S(method: "qsize"), S(method: "put", arguments: [3, false]), S(method: "put", arguments: [3, false, 5]),
            S(method: "put", arguments: [3], keywords: [("timeout", 0)]),
            S(method: "put", arguments: [3], keywords: [("timeout", -1)]),
            S(method: "put_nowait", arguments: [3]), S(method: "get"), S(method: "get", keywords: [("block", false)]),
            S(method: "task_done"), S(method: "task_done"), S(method: "task_done"), S(method: "join"),
            S(method: "put"), S(method: "put", arguments: [1, 2, 3, 4]), S(method: "get", keywords: [("x", 1)]),
            S(method: "put_nowait"), S(method: "qsize", arguments: [1]), S(method: "empty"),
        ])
    }

    @Test("Semaphore(2) and BoundedSemaphore(1)")
    func semaphores() async throws {
        try await Self.check(HostedSemaphore(value: 2, bounded: false), factory: "threading.Semaphore(2)", [
            S(method: "acquire"), S(method: "acquire", arguments: [false]), S(method: "acquire", arguments: [false]),
            S(method: "acquire", arguments: [true, 0]), S(method: "acquire", arguments: [true, -5]),
            S(method: "acquire", arguments: [false, 1]), S(method: "release", arguments: [0]),
            S(method: "release", arguments: [3]), S(method: "acquire", keywords: [("timeout", 0.0)]),
            S(method: "acquire", keywords: [("blocking", false)]), S(method: "release", keywords: [("n", 2)]),
            S(method: "acquire", keywords: [("foo", 1)]),
        ])
        try await Self.check(HostedSemaphore(value: 1, bounded: true), factory: "threading.BoundedSemaphore(1)", [
            S(method: "release"), S(method: "acquire"), S(method: "release", arguments: [2]), S(method: "release"),
            S(method: "release"),
        ])
    }

    @Test("Event and Lock")
    func eventAndLock() async throws {
        try await Self.check(HostedEvent(), factory: "threading.Event()", [
            S(method: "is_set"), S(method: "wait", arguments: [0]), S(method: "wait", arguments: [-1]),
            S(method: "set"), S(method: "wait"), S(method: "wait", arguments: [0.5]), S(method: "is_set"),
            S(method: "clear"), S(method: "is_set"), S(method: "set", arguments: [1]),
        ])
        try await Self.check(HostedLock(), factory: "threading.Lock()", [
            S(method: "release"), S(method: "acquire"), S(method: "acquire", arguments: [false]),
            S(method: "acquire", arguments: [true, 0]), S(method: "acquire", arguments: [true, 0.0]),
            S(method: "acquire", keywords: [("timeout", 0)]), S(method: "acquire", arguments: [false, 1]),
            S(method: "acquire", arguments: [true, -2]), S(method: "release"), S(method: "release"),
        ])
    }
}
