import Multiprocessing

/// Waits on a managed event until the parent sets it, then prints `event set`.
struct WaitForEvent: ProcessTask {
    static func run(_ event: EventProxy) async throws {
        _ = try await event.wait(timeout: .seconds(30))
        print("event set")
    }
}

/// Adds one to an entry of a managed dict.
struct IncrementEntry: ProcessTask {
    struct Arguments: Codable, Sendable {
        var dict: DictProxy<String, Int>
        var key: String
    }

    static func run(_ arguments: Arguments) async throws {
        let value = try await arguments.dict[arguments.key] ?? 0
        try await arguments.dict.set(value + 1, forKey: arguments.key)
    }
}

/// Calls `increment()` on a hosted counter of any type (a Swift `@Managed` actor or a Python class) `times` times.
struct IncrementCounter: ProcessTask {
    struct Arguments: Codable, Sendable {
        var counter: DynamicProxy
        var times: Int
    }

    static func run(_ arguments: Arguments) async throws {
        for _ in 0..<arguments.times {
            _ = try await arguments.counter.call("increment")
        }
    }
}
