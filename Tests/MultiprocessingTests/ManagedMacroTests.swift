import Foundation
import ManagerWire
import Multiprocessing
import MultiprocessingTestSupport
import Testing

/// A counter as a user writes one: the macro makes it hostable and gives it a `Proxy`.
@Managed(typeID: "Counter")
actor Counter {
    private var count: Int
    public var label: String = "c"
    public var doubled: Int { self.count * 2 }

    init(start: Int = 0) {
        self.count = start
    }

    public func increment(n: Int = 1) -> Int {
        self.count += n
        return self.count
    }

    public func add(_ x: Int, times: Int = 1) -> Int {
        self.count += x * times
        return self.count
    }

    public func value() -> Int {
        self.count
    }

    public func reset() {
        self.count = 0
    }

    public func slowValue() async -> Int {
        await Task.yield()
        return self.count
    }

    public func check(atMost limit: Int) throws -> Int {
        guard self.count <= limit else { throw PythonException.valueError("count \(self.count) exceeds \(limit)") }
        return self.count
    }

    func hidden() {}
}

/// An actor with two initializers, the throwing one chosen for clients, and a non-public method exposed.
@Managed
actor Vault {
    private let seed: Int

    init() {
        self.seed = 0
    }

    @ManagedExposed
    init(seed: Int) throws {
        guard seed >= 0 else { throw VaultError.negativeSeed }
        self.seed = seed
    }

    @ManagedExposed
    func peek() -> Int {
        self.seed
    }
}

enum VaultError: Error {
    case negativeSeed
}

@Suite("@Managed actors hosted by a manager", .timeLimit(.minutes(1)))
struct ManagedMacroTests {
    @Test("the macro reports the type id and the public methods as exposed")
    func exposedNames() {
        #expect(Counter.typeID == "Counter")
        #expect(Counter.exposedMethods == ["increment", "add", "value", "reset", "slowValue", "check"])
        #expect(Counter.alsoAcceptedMethods == ["__getattribute__", "__setattr__"])
        #expect(Counter.Proxy.typeID == "Counter")
        #expect(Counter.Proxy.pythonProxyType == .managers("AutoProxy"))
    }

    @Test("the marked initializer builds instances; a Swift error it throws becomes RuntimeError")
    func throwingInitializer() async throws {
        #expect(Vault.exposedMethods == ["peek"])
        let vault = try Vault(
            managedArguments: ManagedArguments(callee: "Vault", keywords: PythonDict(stringKeys: ["seed": .int(4)]))
        )
        #expect(try await vault.invokeManagedMethod("peek", ManagedArguments(callee: "peek")) == .value(.int(4)))
        #expect(throws: PythonException.runtimeError("VaultError: negativeSeed")) {
            _ = try Vault(managedArguments: ManagedArguments(callee: "Vault", positional: [.int(-1)]))
        }
    }

    @Test("positional and keyword arguments bind to Swift labels, with Python's errors for mistakes")
    func binding() async throws {
        let counter = try Counter(managedArguments: ManagedArguments(callee: "Counter", positional: [.int(5)]))
        #expect(try await counter.invokeManagedMethod("increment", ManagedArguments(callee: "increment")) == .value(.int(6)))
        let keywords = PythonDict(stringKeys: ["n": .int(4)])
        #expect(
            try await counter.invokeManagedMethod(
                "increment",
                ManagedArguments(callee: "increment", keywords: keywords)
            ) == .value(.int(10))
        )
        let byName = PythonDict(stringKeys: ["x": .int(2), "times": .int(3)])
        #expect(
            try await counter.invokeManagedMethod("add", ManagedArguments(callee: "add", keywords: byName)) == .value(.int(16))
        )
        #expect(try await counter.invokeManagedMethod("reset", ManagedArguments(callee: "reset")) == .none)
        #expect(
            try await counter.invokeManagedMethod(
                "__getattribute__",
                ManagedArguments(callee: "__getattribute__", positional: [.string("label")])
            ) == .value(.string("c"))
        )

        await #expect(throws: PythonException.typeError("add() missing 1 required positional argument: 'x'")) {
            try await counter.invokeManagedMethod("add", ManagedArguments(callee: "add"))
        }
        await #expect(throws: PythonException.typeError("increment() got an unexpected keyword argument 'by'")) {
            try await counter.invokeManagedMethod(
                "increment",
                ManagedArguments(callee: "increment", keywords: PythonDict(stringKeys: ["by": .int(1)]))
            )
        }
        await #expect(throws: PythonException.attributeError("'Counter' object has no attribute 'hidden'")) {
            _ = try await counter.invokeManagedMethod("hidden", ManagedArguments(callee: "hidden"))
        }
        await #expect(throws: PythonException.attributeError("property 'doubled' of 'Counter' object has no setter")) {
            try await counter.invokeManagedMethod(
                "__setattr__",
                ManagedArguments(callee: "__setattr__", positional: [.string("doubled"), .int(1)])
            )
        }
    }

    @Test("a Swift client drives a hosted Counter through Counter.Proxy")
    func proxyThroughServer() async throws {
        try await withCounterManager { client, _ in
            let counter = try await client.create(Counter.Proxy.self, 5)
            #expect(try await counter.increment(n: 2) == 7)
            #expect(try await counter.increment() == 8)
            #expect(try await counter.add(3, times: 2) == 14)
            #expect(try await counter.value() == 14)
            #expect(try await counter.slowValue() == 14)
            try await counter.reset()
            #expect(try await counter.value() == 0)
            #expect(try await counter.check(atMost: 3) == 0)
        }
    }

    @Test("an error thrown by a method reaches the proxy as a typed ManagerError")
    func errors() async throws {
        try await withCounterManager { client, _ in
            let counter = try await client.create(Counter.Proxy.self, 9)
            let error = await #expect(throws: ManagerError.self) { try await counter.check(atMost: 3) }
            #expect(error?.code == .valueError)
            #expect(error?.message == "ValueError: count 9 exceeds 3")
        }
    }

    @Test("concurrent calls on one object run one at a time")
    func serialised() async throws {
        try await withCounterManager { client, _ in
            let counter = try await client.create(Counter.Proxy.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask { _ = try await counter.increment() }
                }
                try await group.waitForAll()
            }
            #expect(try await counter.value() == 50)
        }
    }
    @Test("a stock CPython client creates and calls a Counter through AutoProxy")
    func pythonClient() async throws {
        try await withCounterManager { client, key in
            guard case .unix(let path) = client.address else {
                Issue.record("expected a Unix socket address, got \(client.address)")
                return
            }
            let result = try await runPython(
                """
                import sys
                from multiprocessing.managers import BaseManager
                class M(BaseManager): pass
                M.register('Counter')
                m = M(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2]))
                m.connect()
                c = m.Counter(5)
                print(c.increment(2))
                print(c.increment(n=3))
                print(c.add(4, times=2))
                print(c.value())
                print(c.reset())
                try:
                    c.check(-1)
                except ValueError as error:
                    print('ValueError', error)
                try:
                    c.increment(1, 2)
                except TypeError as error:
                    print('TypeError', error)
                """,
                arguments: [path, key.hexString]
            )
            #expect(result.status == 0, "python3 failed: \(result.errors)")
            #expect(
                result.output.split(separator: "\n").map(String.init) == [
                    "7", "10", "18", "18", "None", "ValueError count 0 exceeds -1",
                    "TypeError increment() takes 1 positional argument but 2 were given",
                ]
            )
        }
    }
    @Test("Counter.Proxy drives a Python Counter class on CPython's server, properties included")
    func proxyAgainstCPython() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "managed-py-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.sock").path
        let key = AuthKey.random()
        let server = try await startPythonCounterServer(socketPath: path, authKey: key)
        do {
            let client = try await ManagerClient.connect(to: .unix(path: path), authKey: key)
            let counter = try await client.create(Counter.Proxy.self, 5)
            #expect(try await counter.increment(n: 2) == 7)
            #expect(try await counter.add(3, times: 2) == 13)
            #expect(try await counter.label == "c")
            try await counter.setLabel("py")
            #expect(try await counter.label == "py")
            let error = await #expect(throws: ManagerError.self) { try await counter.check(atMost: 3) }
            #expect(error?.code == .valueError)
            await client.close()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

/// Runs `body` with a client of an in-process server hosting SyncManager's types and `Counter`.
private func withCounterManager(_ body: (ManagerClient, AuthKey) async throws -> Void) async throws {
    try await withManager(hosting: [Counter.self]) { manager in
        try await body(manager.client, try #require(manager.authKey))
    }
}

/// Starts CPython's manager server hosting a Python `Counter` class with the Swift one's methods, exposing
/// attribute access; it exits when its standard input closes or it is stopped.
private func startPythonCounterServer(socketPath: String, authKey: AuthKey) async throws -> PythonServerProcess {
    try await PythonServerProcess.start(
        """
        import sys
        from multiprocessing.managers import BaseManager
        class Counter:
            def __init__(self, start=0):
                self.count = start
                self.label = 'c'
            def increment(self, n=1):
                self.count += n
                return self.count
            def add(self, x, times=1):
                self.count += x * times
                return self.count
            def check(self, limit):
                if self.count > limit:
                    raise ValueError(f'count {self.count} exceeds {limit}')
                return self.count
        class M(BaseManager): pass
        M.register('Counter', Counter, exposed=('increment', 'add', 'check', '__getattribute__', '__setattr__'))
        server = M(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2])).get_server()
        print('ready', flush=True)
        server.serve_forever()
        """,
        socketPath: socketPath,
        authKey: authKey
    )
}
