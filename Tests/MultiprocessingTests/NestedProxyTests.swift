import Multiprocessing
import Testing

@Suite("Proxies inside managed values", .timeLimit(.minutes(2)))
struct NestedProxyTests {
    @Test("a list holding a dict holding a list reads back as working typed proxies", arguments: ServerFlavor.allCases)
    func threeLevels(flavor: ServerFlavor) async throws {
        try await withServer(flavor) { server in
            let client = try await server.connect()
            let inner: ListProxy<Int> = try await client.list([1])
            let middle: DictProxy<String, ListProxy<Int>> = try await client.dict()
            try await middle.set(inner, forKey: "inner")
            let outer: ListProxy<DictProxy<String, ListProxy<Int>>> = try await client.list()
            try await outer.append(middle)

            let readMiddle = try await outer[0]
            #expect(readMiddle.objectID == middle.objectID)
            let readInner = try await readMiddle.value(forKey: "inner")
            #expect(readInner.objectID == inner.objectID)
            try await readInner.append(2)
            #expect(try await inner.snapshot() == [1, 2])

            // Another client (as another process would) reads the same structure through its own references.
            let other = try await server.connect()
            let outerThere: ListProxy<DictProxy<String, ListProxy<Int>>> = try await other.decode(
                ListProxy<DictProxy<String, ListProxy<Int>>>.self,
                from: outer.reference.pythonValue(proxyType: ListProxy<Int>.pythonProxyType)
            )
            let copies = try await outerThere.snapshot()
            #expect(copies.count == 1)
            let innerThere = try await copies[0].value(forKey: "inner")
            try await innerThere.append(3)
            #expect(try await inner.snapshot() == [1, 2, 3])
            await other.close()
            await client.close()
        }
    }
}

@Suite("Reference counts", .timeLimit(.minutes(2)))
struct ReferenceCountTests {
    @Test("the server's object count returns to its baseline once proxies are dropped",
          arguments: ServerFlavor.allCases)
    func backToBaseline(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let baseline = try await client.numberOfObjects()
            try await Self.useProxies(client, baseline: baseline)
            #expect(try await eventually { try await client.numberOfObjects() == baseline })
        }
    }

    @Test("nested proxies are given back too", arguments: ServerFlavor.allCases)
    func nestedBackToBaseline(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let baseline = try await client.numberOfObjects()
            try await Self.nest(client)
            #expect(try await eventually { try await client.numberOfObjects() == baseline })
        }
    }

    private static func useProxies(_ client: ManagerClient, baseline: Int) async throws {
        let dict: DictProxy<String, Int> = try await client.dict()
        let list: ListProxy<Int> = try await client.list([1, 2])
        let queue: QueueProxy<Int> = try await client.queue()
        let lock = try await client.lock()
        let copy = list
        #expect(try await client.numberOfObjects() == baseline + 4)
        try await dict.set(1, forKey: "a")
        try await copy.append(3)
        try await queue.put(1)
        _ = try await lock.tryAcquire()
    }

    private static func nest(_ client: ManagerClient) async throws {
        let inner: ListProxy<Int> = try await client.list([1])
        let outer: ListProxy<ListProxy<Int>> = try await client.list()
        try await outer.append(inner)
        let read = try await outer[0]
        try await read.append(2)
        #expect(try await inner.count() == 2)
    }
}
