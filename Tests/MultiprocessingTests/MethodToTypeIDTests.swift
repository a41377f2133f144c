import Foundation
import ManagerWire
import Multiprocessing
import MultiprocessingTestSupport
import Testing

/// A factory whose methods hand out new hosted objects (CPython's `method_to_typeid`): new `Counter`s, the one
/// `Counter` it owns, and its history as a managed list and a managed dict.
@Managed(
    methodToTypeID: [
        "makeCounter": "Counter", "sharedCounter": "Counter", "history": "list", "totals": "dict",
        "broken": "NoSuchType",
    ]
)
actor CounterFactory {
    private let shared = Counter(start: 100)
    private var starts: [Int] = []

    public func makeCounter(start: Int = 0) -> Counter {
        self.starts.append(start)
        return Counter(start: start)
    }

    public func sharedCounter() -> Counter {
        self.shared
    }

    public func history() -> [Int] {
        self.starts
    }

    public func totals() -> [String: Int] {
        ["made": self.starts.count, "sum": self.starts.reduce(0, +)]
    }

    public func broken() -> Counter {
        Counter()
    }
}

@Suite("Methods that hand out new hosted objects (method_to_typeid)", .timeLimit(.minutes(2)))
struct MethodToTypeIDTests {
    @Test("the macro lists the mapped methods, and a Swift client gets typed proxies back")
    func swiftClient() async throws {
        #expect(
            CounterFactory.methodToTypeID == [
                "makeCounter": "Counter", "sharedCounter": "Counter", "history": "list", "totals": "dict",
                "broken": "NoSuchType",
            ]
        )
        try await withManager(hosting: [Counter.self, CounterFactory.self]) { manager in
            let factory = try await manager.client.create(CounterFactory.Proxy.self)
            let first: Counter.Proxy = try await factory.makeCounter(start: 3)
            let second = try await factory.makeCounter()
            #expect(first.objectID != second.objectID)
            #expect(first.reference.token.typeID == "Counter")
            #expect(try await first.increment(n: 2) == 5)
            #expect(try await second.increment() == 1)
            #expect(try await first.value() == 5)

            // The factory's own counter, handed out twice: two proxies, one actor.
            let shared = try await factory.sharedCounter()
            #expect(try await shared.increment() == 101)
            #expect(try await factory.sharedCounter().value() == 101)

            // A value mapped to a SyncManager type id is built by that type's constructor: a managed list.
            let history: ListProxy<Int> = try await factory.history()
            #expect(history.reference.token.typeID == "list")
            #expect(try await history.snapshot() == [3, 0])
            try await history.append(7)
            #expect(try await history.snapshot() == [3, 0, 7])
            #expect(try await factory.history().snapshot() == [3, 0], "the factory's own array is unchanged")
            let totals: DictProxy<String, Int> = try await factory.totals()
            #expect(try await totals.snapshot() == ["made": 2, "sum": 3])
        }
    }

    @Test("a result mapped to an unknown type id is a KeyError, and nothing is registered for it")
    func unknownTypeID() async throws {
        try await withManager(hosting: [Counter.self, CounterFactory.self]) { manager in
            let factory = try await manager.client.create(CounterFactory.Proxy.self)
            let before = try await manager.client.numberOfObjects()
            let error = await #expect(throws: ManagerError.self) { _ = try await factory.broken() }
            #expect(error?.message == "KeyError: 'NoSuchType'")
            #expect(try await manager.client.numberOfObjects() == before)
            #expect(try await factory.makeCounter(start: 1).value() == 1, "the factory still works")
        }
    }

    @Test("a dynamic proxy takes a new object with callReturningProxy; a plain call says how and leaks nothing")
    func dynamicProxy() async throws {
        try await withManager(hosting: [Counter.self, CounterFactory.self]) { manager in
            let factory = try await manager.client.object("CounterFactory")
            let counter = try await factory.callReturningProxy("makeCounter", .int(4))
            #expect(counter.methods.contains("increment"))
            #expect(try await counter.call("increment", as: Int.self) == 5)
            let typed = try await factory.callReturningProxy("makeCounter", keywords: PythonDict(stringKeys: ["start": .int(8)]), as: Counter.Proxy.self)
            #expect(try await typed.value() == 8)

            let before = try await manager.client.numberOfObjects()
            let error = await #expect(throws: ManagerError.self) { _ = try await factory.call("makeCounter") }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains("callReturningObject") == true, "\(String(describing: error))")
            // The reference the reply carried is given back, so the object it created goes away.
            #expect(try await eventually { try await manager.client.numberOfObjects() == before })
        }
    }

    @Test("a stock CPython client gets AutoProxy, ListProxy and DictProxy objects from the Swift factory")
    func pythonClient() async throws {
        try await withManager(hosting: [Counter.self, CounterFactory.self]) { manager in
            guard case .unix(let path) = manager.client.address else {
                Issue.record("expected a Unix socket address, got \(manager.client.address)")
                return
            }
            let key = try #require(manager.authKey)
            let result = try await runPython(
                """
                import sys
                from multiprocessing.managers import BaseManager, ListProxy, DictProxy
                class M(BaseManager): pass
                M.register('CounterFactory')
                M.register('Counter')
                M.register('list', list, ListProxy)
                M.register('dict', dict, DictProxy)
                m = M(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2]))
                m.connect()
                f = m.CounterFactory()
                c = f.makeCounter(3)
                print(type(c).__name__, c.increment(2), c.increment(n=4))
                d = f.makeCounter(start=10)
                print(d.value(), c.value())
                s = f.sharedCounter()
                s.increment()
                print(f.sharedCounter().value())
                h = f.history()
                print(type(h).__name__, h[:])
                h.append(1)
                print(h[:], f.history()[:])
                t = f.totals()
                print(type(t).__name__, sorted(t.items()))
                try:
                    f.broken()
                except KeyError as error:
                    print('KeyError', error)
                """,
                arguments: [path, key.hexString]
            )
            #expect(result.status == 0, "python3 failed: \(result.errors)")
            #expect(
                result.output.split(separator: "\n").map(String.init) == [
                    "AutoProxy[Counter] 5 9", "10 9", "101", "ListProxy [3, 10]", "[3, 10, 1] [3, 10]",
                    "DictProxy [('made', 2), ('sum', 13)]", "KeyError 'NoSuchType'",
                ]
            )
        }
    }

    @Test("CounterFactory.Proxy drives a Python factory with method_to_typeid on CPython's server")
    func pythonHostedFactory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "factory-py-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.sock").path
        let key = AuthKey.random()
        let server = try await PythonServerProcess.start(
            """
            import sys
            from multiprocessing.managers import SyncManager
            class Counter:
                def __init__(self, start=0):
                    self.count = start
                def increment(self, n=1):
                    self.count += n
                    return self.count
                def value(self):
                    return self.count
            class CounterFactory:
                def __init__(self):
                    self.starts = []
                def makeCounter(self, start=0):
                    self.starts.append(start)
                    return Counter(start)
                def history(self):
                    return self.starts
            class M(SyncManager): pass
            # A type id without a callable hosts the result itself, as Iterator does for dict.__iter__.
            M.register('Counter', None, exposed=('increment', 'value'), create_method=False)
            M.register('CounterFactory', CounterFactory, method_to_typeid={'makeCounter': 'Counter', 'history': 'list'})
            server = M(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2])).get_server()
            print('ready', flush=True)
            server.serve_forever()
            """,
            socketPath: path,
            authKey: key
        )
        do {
            let client = try await ManagerClient.connect(to: .unix(path: path), authKey: key)
            let factory = try await client.create(CounterFactory.Proxy.self)
            let counter = try await factory.makeCounter(start: 6)
            #expect(counter.reference.token.typeID == "Counter")
            #expect(try await counter.increment(n: 2) == 8)
            #expect(try await counter.value() == 8)
            let history = try await factory.history()
            #expect(try await history.snapshot() == [6])
            let dynamic = try await client.object("CounterFactory")
            let other = try await dynamic.callReturningProxy("makeCounter", .int(1))
            #expect(try await other.call("increment", as: Int.self) == 2)
            await client.close()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
