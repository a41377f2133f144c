import Multiprocessing
import Pickle
import Testing

@Suite("Python clients using proxies a Swift client stored", .timeLimit(.minutes(2)))
struct PythonClientTests {
    private static let script = """
        import multiprocessing, sys
        from multiprocessing.managers import ListProxy, Token
        address, key, list_id = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3]
        multiprocessing.current_process().authkey = key
        shared = ListProxy(Token('list', address, list_id), 'pickle', authkey=key)
        d, q, lock = shared[0], shared[1], shared[2]
        print(type(d).__name__, type(q).__name__, type(lock).__name__)
        print(d['from_swift'])
        d['from_python'] = 'hi'
        print(q.get(timeout=10))
        q.put('pong')
        with lock:
            print('locked')
        """

    @Test("a Python client rebuilds stored dict, queue and lock proxies and uses them", arguments: ServerFlavor.allCases)
    func pythonUsesSwiftProxies(flavor: ServerFlavor) async throws {
        try await withServer(flavor) { server in
            let client = try await server.connect()
            let dict: DictProxy<String, String> = try await client.dict([(key: "from_swift", value: "hello")])
            let queue: QueueProxy<String> = try await client.queue()
            let lock = try await client.lock()
            let shared: ListProxy<PythonValue> = try await client.list()
            try await shared.extend([client.encode(dict), client.encode(queue), client.encode(lock)])
            try await queue.put("ping")
            guard case .unix(let path) = server.address else {
                Issue.record("test servers listen on Unix sockets")
                return
            }
            let result = try await runPython(Self.script, arguments: [path, server.authKey.hexString, shared.objectID])
            #expect(result.status == 0, "python3 failed: \(result.errors)")
            #expect(result.output == "DictProxy AutoProxy[Queue] AcquirerProxy\nhello\nping\nlocked\n")
            #expect(try await dict.value(forKey: "from_python") == "hi")
            #expect(try await queue.get(timeout: .seconds(10)) == "pong")
            await client.close()
        }
    }
}
