import Multiprocessing
import Testing

@Suite("Lock, RLock, Semaphore and BoundedSemaphore proxies", .timeLimit(.minutes(2)))
struct LockProxyTests {
    @Test("a contended lock makes a second task wait until it is released", arguments: ServerFlavor.allCases)
    func contended(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let lock = try await client.lock()
            #expect(try await lock.acquire())
            let timedOut = try await Task { try await lock.acquire(timeout: .milliseconds(100)) }.value
            #expect(timedOut == false)
            #expect(try await lock.tryAcquire() == false)
            async let waiter = Task { try await lock.acquire(timeout: .seconds(20)) }.value
            try await lock.release()
            #expect(try await waiter == true)
            try await lock.release()
            #expect(try await lock.tryAcquire())
            try await lock.release()
        }
    }

    @Test("withLock releases the lock when its body throws", arguments: ServerFlavor.allCases)
    func withLockReleases(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let lock = try await client.lock()
            let value = try await lock.withLock { try await lock.tryAcquire() }
            #expect(value == false)
            await #expect(throws: TestFailure.self) {
                try await lock.withLock { throw TestFailure("body failed") }
            }
            #expect(try await lock.tryAcquire())
            try await lock.release()
            let unlocked = await #expect(throws: ManagerError.self) { try await lock.release() }
            #expect(unlocked?.code == .runtimeError)
        }
    }

    @Test("an RLock reenters on its channel and excludes other clients", arguments: ServerFlavor.allCases)
    func reentrant(flavor: ServerFlavor) async throws {
        try await withServer(flavor) { server in
            let client = try await server.connect()
            let other = try await server.connect()
            let lock = try await client.rLock()
            let otherLock: RLockProxy = try await other.decode(
                RLockProxy.self, from: lock.reference.pythonValue(proxyType: RLockProxy.pythonProxyType)
            )
            let depth = try await lock.withLock {
                try await lock.withLock { () async throws -> Int in
                    #expect(try await otherLock.tryAcquire() == false)
                    return 2
                }
            }
            #expect(depth == 2)
            #expect(try await otherLock.tryAcquire())
            // Released from another channel than the owner's: refused, as in Python.
            let foreign = await #expect(throws: ManagerError.self) { try await lock.release() }
            #expect(foreign?.code == .runtimeError)
            // The other client's main channel owns it now; once released there, a dedicated channel can take it.
            try await otherLock.release()
            try await other.withDedicatedChannel {
                #expect(try await otherLock.acquire())
                try await otherLock.release()
            }
            await other.close()
            await client.close()
        }
    }

    @Test("a semaphore counts permits", arguments: ServerFlavor.allCases)
    func semaphore(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let semaphore = try await client.semaphore(2)
            #expect(try await semaphore.acquire())
            #expect(try await semaphore.acquire(timeout: .seconds(1)))
            #expect(try await semaphore.tryAcquire() == false)
            #expect(try await semaphore.acquire(timeout: .milliseconds(100)) == false)
            try await semaphore.release(count: 2)
            let inside = try await semaphore.withPermit { try await semaphore.tryAcquire() }
            #expect(inside)
            try await semaphore.release()
            #expect(try await semaphore.tryAcquire())
            #expect(try await semaphore.tryAcquire())
            #expect(try await semaphore.tryAcquire() == false)
        }
    }

    @Test("a bounded semaphore refuses to be released beyond its initial value", arguments: ServerFlavor.allCases)
    func boundedSemaphore(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let semaphore = try await client.boundedSemaphore()
            let over = await #expect(throws: ManagerError.self) { try await semaphore.release() }
            #expect(over?.code == .valueError)
            try await semaphore.withPermit { () async throws in
                #expect(try await semaphore.tryAcquire() == false)
            }
            #expect(try await semaphore.tryAcquire())
            try await semaphore.release()
        }
    }
}

@Suite("Condition, Event and Barrier proxies", .timeLimit(.minutes(2)))
struct CoordinationProxyTests {
    @Test("a waiting task is woken by a notify from another task", arguments: ServerFlavor.allCases)
    func conditionNotify(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let condition = try await client.condition()
            let waiting = try await client.event()
            async let notified = condition.withLock {
                // Set while holding the lock: the notifier can only get the lock once this wait released it.
                try await waiting.set()
                return try await condition.wait(timeout: .seconds(20))
            }
            #expect(try await waiting.wait(timeout: .seconds(20)))
            try await condition.withLock { try await condition.notify() }
            #expect(try await notified == true)
        }
    }

    @Test("notifyAll wakes every waiter", arguments: ServerFlavor.allCases)
    func conditionNotifyAll(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let condition = try await client.condition()
            let state = try await client.namespace()
            try await state.set("arrived", to: 0)
            try await state.set("go", to: false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await condition.withLock {
                            try await state.set("arrived", to: try await state.get("arrived", as: Int.self) + 1)
                            try await condition.notifyAll()
                            while !(try await state.get("go", as: Bool.self)) {
                                #expect(try await condition.wait(timeout: .seconds(20)))
                            }
                        }
                    }
                }
                try await condition.withLock {
                    while try await state.get("arrived", as: Int.self) < 2 {
                        #expect(try await condition.wait(timeout: .seconds(20)))
                    }
                    try await state.set("go", to: true)
                    try await condition.notifyAll()
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("a condition wait times out, and waiting or notifying without the lock fails",
          arguments: ServerFlavor.allCases)
    func conditionErrors(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let condition = try await client.condition()
            let timedOut = try await condition.withLock { try await condition.wait(timeout: .milliseconds(100)) }
            #expect(timedOut == false)
            let notify = await #expect(throws: ManagerError.self) { try await condition.notify() }
            #expect(notify?.code == .runtimeError)
            let wait = await #expect(throws: ManagerError.self) { _ = try await condition.wait(timeout: .seconds(1)) }
            #expect(wait?.code == .runtimeError)
        }
    }

    @Test("a condition built on a manager lock holds that lock", arguments: ServerFlavor.allCases)
    func conditionOnLock(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let lock = try await client.lock()
            let condition = try await client.condition(lock: lock)
            try await condition.withLock {
                #expect(try await lock.tryAcquire() == false)
                try await condition.notifyAll()
            }
            #expect(try await lock.tryAcquire())
            try await lock.release()
        }
    }

    @Test("a condition built on a manager RLock holds that lock while it is held", arguments: ServerFlavor.allCases)
    func conditionOnRLock(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let lock = try await client.rLock()
            let condition = try await client.condition(lock: lock)
            // (CPython's own server cannot `wait` or `notify` on such a condition: its Condition checks ownership
            // with a non-blocking acquire of the RLock proxy, which succeeds reentrantly: "un-acquired lock".)
            let freeElsewhere = try await condition.withLock {
                // A detached task does not share this task's channel: it asks as another thread would.
                return try await Task.detached { try await lock.tryAcquire() }.value
            }
            #expect(freeElsewhere == false)
            #expect(try await lock.tryAcquire())
            try await lock.release()
        }
    }

    @Test("an event wakes its waiters when set", arguments: ServerFlavor.allCases)
    func event(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let event = try await client.event()
            #expect(try await event.isSet() == false)
            #expect(try await event.wait(timeout: .milliseconds(100)) == false)
            async let woken = event.wait(timeout: .seconds(20))
            try await event.set()
            #expect(try await woken)
            #expect(try await event.isSet())
            #expect(try await event.wait())
            try await event.clear()
            #expect(try await event.isSet() == false)
        }
    }

    @Test("a barrier of two parties releases two tasks with arrival indices 0 and 1",
          arguments: ServerFlavor.allCases)
    func barrier(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let barrier = try await client.barrier(parties: 2)
            #expect(try await barrier.parties() == 2)
            let indices = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await barrier.wait(timeout: .seconds(20)) }
                }
                var indices: Set<Int> = []
                for try await index in group { indices.insert(index) }
                return indices
            }
            #expect(indices == [0, 1])
            #expect(try await barrier.waitingCount() == 0)
            #expect(try await barrier.isBroken() == false)
        }
    }

    @Test("a barrier breaks on a timeout or an abort until it is reset", arguments: ServerFlavor.allCases)
    func brokenBarrier(flavor: ServerFlavor) async throws {
        try await withManager(flavor) { client in
            let barrier = try await client.barrier(parties: 2)
            let timedOut = await #expect(throws: ManagerError.self) {
                _ = try await barrier.wait(timeout: .milliseconds(100))
            }
            #expect(timedOut?.code == .brokenBarrier)
            #expect(try await barrier.isBroken())
            let broken = await #expect(throws: ManagerError.self) { _ = try await barrier.wait(timeout: .seconds(5)) }
            #expect(broken?.code == .brokenBarrier)
            try await barrier.reset()
            #expect(try await barrier.isBroken() == false)
            try await barrier.abort()
            #expect(try await barrier.isBroken())

            let defaultTimeout = try await client.barrier(parties: 2, timeout: .milliseconds(100))
            let expired = await #expect(throws: ManagerError.self) { _ = try await defaultTimeout.wait() }
            #expect(expired?.code == .brokenBarrier)
        }
    }
}
