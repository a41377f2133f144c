import BigInt
import ManagerServer
import MultiprocessingTestSupport
import NIOCore
import Pickle
import Testing

/// Extreme `timeout` arguments of every blocking call, compared with CPython's `threading` and `queue` objects.
extension HostedExtremeValueTests {
    /// The blocking calls, each on a fresh object: the Python statement (using `t`) and the hosted call.
    static let timeoutScenarios: [(name: String, python: String)] = [
        ("Condition.wait", "c = threading.Condition(); c.acquire(); post = lambda: ' owned=%s' % c._is_owned(); r = c.wait(t)"),
        ("Event.wait", "r = threading.Event().wait(t)"),
        ("Semaphore.acquire", "r = threading.Semaphore(0).acquire(True, t)"),
        ("Semaphore.acquire(free)", "r = threading.Semaphore(1).acquire(True, t)"),
        ("Lock.acquire", "r = held_lock.acquire(True, t)"),
        ("Lock.acquire(False)", "r = held_lock.acquire(False, t)"),
        ("RLock.acquire", "r = held_rlock.acquire(True, t)"),
        ("Barrier.wait", "b = threading.Barrier(2); post = lambda: ' broken=%s' % b.broken; r = b.wait(t)"),
        ("Barrier(timeout).wait", "b = threading.Barrier(2, None, t); r = b.wait()"),
        ("Queue.get", "r = queue.Queue().get(True, t)"),
        ("Queue.get(ready)", "q = queue.Queue(); q.put(5); r = q.get(True, t)"),
        ("Queue.put(full)", "q = queue.Queue(1); q.put(1); r = q.put(2, True, t)"),
        ("Queue.put(room)", "r = queue.Queue(1).put(1, True, t)"),
        ("Queue.put(unbounded)", "r = queue.Queue().put(1, True, t)"),
    ]

    /// CPython loops without sleeping on these (`endtime` is NaN), so the oracle cannot run them; they park here.
    static let spinningWithNaN: Set<String> = [
        "Semaphore.acquire", "Barrier.wait", "Barrier(timeout).wait", "Queue.get", "Queue.put(full)",
    ]

    static let extremeTimeouts: [PythonValue] = [
        .float(.nan), .float(.infinity), .float(-.infinity), 1e9, 1e300, -1e300, past64, .integer(-BigInt(1) << 63),
        huge, negativeHuge, .integer(BigInt(10).power(400)), .integer(-BigInt(10).power(400)), .float(-0.0), -1, 0,
        true, "abc", 9_223_372_036.9, 9_223_372_037, -9_223_372_037, .float(-1.000_000_000_1),
    ]

    /// The line CPython's oracle prints for an outcome.
    static func timeoutOutcome(_ body: () throws(PythonException) -> CallOutcome) -> String {
        do {
            switch try body() {
            case .value(let value): return "OK \(value.repr)"
            case .parked: return "WAITS"
            case .newObject: return "NEW"
            }
        } catch {
            return "ERR \(error.type.name): " + error.arguments.map(\.str).joined(separator: "|")
        }
    }

    /// Runs one scenario on a fresh hosted object.
    static func hostedTimeoutOutcome(_ scenario: String, _ t: PythonValue) -> String {
        let context = TestStoreContext()
        switch scenario {
        case "Condition.wait":
            let condition = context.register(HostedCondition())
            _ = try? context.call(condition, "acquire")
            let line = Self.timeoutOutcome { () throws(PythonException) in try context.call(condition, "wait", t) }
            let owned = condition.lock.isOwned(by: context.connection) ? "True" : "False"
            return line == "WAITS" ? line : line + " owned=\(owned)"
        case "Event.wait":
            let event = context.register(HostedEvent())
            return Self.timeoutOutcome { () throws(PythonException) in try context.call(event, "wait", t) }
        case "Semaphore.acquire", "Semaphore.acquire(free)":
            let semaphore = context.register(HostedSemaphore(value: scenario.hasSuffix("(free)") ? 1 : 0, bounded: false))
            return Self.timeoutOutcome { () throws(PythonException) in try context.call(semaphore, "acquire", true, t) }
        case "Lock.acquire", "Lock.acquire(False)", "RLock.acquire":
            let lock: any HostedObject = scenario.hasPrefix("R") ? context.register(HostedRLock()) : context.register(HostedLock())
            _ = try? context.call(lock, "acquire", as: 1)
            let blocking = PythonValue.bool(!scenario.hasSuffix("(False)"))
            return Self.timeoutOutcome { () throws(PythonException) in
                try context.call(lock, "acquire", blocking, t, as: 2)
            }
        case "Barrier.wait":
            let barrier = context.register(HostedBarrier(parties: 2))
            let line = Self.timeoutOutcome { () throws(PythonException) in try context.call(barrier, "wait", t) }
            return line == "WAITS" ? line : line + " broken=\(barrier.isBroken ? "True" : "False")"
        case "Barrier(timeout).wait":
            return Self.timeoutOutcome { () throws(PythonException) in
                let barrier = context.register(try HostedBarrier(CallArguments([2, .none, t])))
                return try context.call(barrier, "wait")
            }
        default:
            return Self.hostedQueueTimeoutOutcome(scenario, t, in: context)
        }
    }

    /// The `Queue` scenarios of ``hostedTimeoutOutcome(_:_:)``.
    static func hostedQueueTimeoutOutcome(_ scenario: String, _ t: PythonValue, in context: TestStoreContext)
        -> String
    {
        let queue = context.register(HostedQueue(maxsize: scenario.hasSuffix("(unbounded)") || scenario == "Queue.get" ? 0 : 1))
        return Self.timeoutOutcome { () throws(PythonException) in
            switch scenario {
            case "Queue.get": return try context.call(queue, "get", true, t)
            case "Queue.get(ready)":
                try context.call(queue, "put", 5)
                return try context.call(queue, "get", true, t)
            case "Queue.put(full)":
                try context.call(queue, "put", 1)
                return try context.call(queue, "put", 2, true, t)
            default: return try context.call(queue, "put", 1, true, t)
            }
        }
    }

    /// CPython's lines for every scenario and timeout: calls still blocked after a moment print `WAITS`.
    static func cpythonTimeoutOutcomes(_ cases: [(scenario: String, timeout: PythonValue)]) async throws -> [String] {
        var script = """
            import threading, queue, sys
            sys.set_int_max_str_digits(0)
            held_lock = threading.Lock(); held_lock.acquire()
            held_rlock = threading.RLock(); held_rlock.acquire()
            def run(code, t):
                out = []
                def body():
                    scope = {'threading': threading, 'queue': queue, 'held_lock': held_lock,
                             'held_rlock': held_rlock, 't': t, 'post': lambda: ''}
                    try:
                        exec(code, scope)
                        line = 'OK %r' % (scope['r'],)
                    except BaseException as e:
                        line = 'ERR %s: %s' % (type(e).__name__, '|'.join(str(a) for a in e.args))
                    out.append(line + scope['post']())
                thread = threading.Thread(target=body, daemon=True)
                thread.start()
                thread.join(0.3)
                print(out[0] if out else 'WAITS', flush=True)

            """
        let codes = Dictionary(uniqueKeysWithValues: Self.timeoutScenarios.map { ($0.name, $0.python) })
        for (scenario, timeout) in cases {
            let code = codes[scenario] ?? "r = None"
            script += "run(\(PythonValue.string(code).repr), \(PythonOracle.source(timeout)))\n"
        }
        let run = try await TestProcess.run(Python.python3, ["-c", script], timeout: .seconds(120))
        if !run.standardError.isEmpty { print(run.standardError) }
        return run.standardOutput.split(separator: "\n").map(String.init)
    }

    @Test("every blocking call answers extreme timeouts as CPython 3.11 does")
    func timeoutsAgainstCPython() async throws {
        var cases: [(scenario: String, timeout: PythonValue)] = []
        for (scenario, _) in Self.timeoutScenarios {
            for timeout in Self.extremeTimeouts {
                if case .float(let value) = timeout, value.isNaN, Self.spinningWithNaN.contains(scenario) { continue }
                cases.append((scenario, timeout))
            }
        }
        let expected = try await Self.cpythonTimeoutOutcomes(cases)
        try #require(expected.count == cases.count)
        for (index, (scenario, timeout)) in cases.enumerated() {
            let hosted = Self.hostedTimeoutOutcome(scenario, timeout)
            #expect(hosted == expected[index], "\(scenario)(\(PythonOracle.source(timeout)))")
        }
    }

    @Test("a NaN timeout that CPython spins on forever parks without a deadline")
    func nanTimeoutsPark() {
        for scenario in Self.spinningWithNaN.sorted() {
            #expect(Self.hostedTimeoutOutcome(scenario, .float(.nan)) == "WAITS", "\(scenario)")
        }
    }

    @Test("timeouts become deadlines without trapping, and huge waits have none")
    func timeoutDeadlines() throws {
        let context = TestStoreContext()
        let event = context.register(HostedEvent())
        let expectations: [(PythonValue, Int64?)] = [
            (true, 1_000_000_000), (0.5, 500_000_000), (1e-10, 1), (9_223_372_036, nil), (1e9, nil),
            (9_223_372_036.0, nil), (.float(.leastNonzeroMagnitude), 1),
        ]
        for (timeout, nanoseconds) in expectations {
            let waiter = try context.parks(event, "wait", timeout)
            let deadline = try #require(waiter.flatMap { context.parked[$0] }).deadline
            #expect(deadline == nanoseconds.map { context.now + .nanoseconds($0) }, "\(timeout.repr)")
        }
    }
}
