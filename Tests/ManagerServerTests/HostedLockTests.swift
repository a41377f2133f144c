import ManagerServer
import Pickle
import Testing

@Suite("Hosted locks and semaphores")
struct HostedLockTests {
    @Test("Lock: acquire forms, non-blocking failure, any connection releases, FIFO handoff")
    func lock() throws {
        let context = TestStoreContext()
        let lock = HostedLock()
        #expect(try context.value(lock, "acquire", true, as: 1) == true)
        #expect(lock.pythonRepr.hasPrefix("<locked _thread.lock object at 0x"))
        #expect(try context.value(lock, "acquire", false, as: 2) == false)
        #expect(try context.value(lock, "acquire", keywords: .kw(["blocking": false]), as: 2) == false)
        #expect(try context.value(lock, "locked") == true)
        let first = try context.parks(lock, "acquire", as: 2)
        let second = try context.parks(lock, "acquire", true, 0.5, as: 3)
        try context.call(lock, "release", as: 4)
        #expect(context.resultValue(first) == true)
        #expect(context.isParked(second))
        context.advance(bySeconds: 0.5)
        #expect(context.resultValue(second) == false)
        try context.call(lock, "release", as: 2)
        #expect(context.error(lock, "release") == .runtimeError("release unlocked lock"))
        #expect(lock.pythonRepr.hasPrefix("<unlocked _thread.lock object at 0x"))
    }

    @Test("Lock/RLock acquire argument errors", arguments: ["Lock", "RLock"])
    func acquireErrors(typeID: String) {
        let context = TestStoreContext()
        let lock: any HostedObject = typeID == "Lock" ? HostedLock() : HostedRLock()
        #expect(context.error(lock, "acquire", false, 1) == .valueError("can't specify a timeout for a non-blocking call"))
        #expect(context.error(lock, "acquire", true, -5) == .valueError("timeout value must be positive"))
        #expect(context.error(lock, "acquire", true, .none)
            == .typeError("'NoneType' object cannot be interpreted as an integer"))
        #expect(context.error(lock, "acquire", 1, 2, 3) == .typeError("acquire() takes at most 2 arguments (3 given)"))
        #expect(context.error(lock, "acquire", keywords: .kw(["foo": 1]))
            == .typeError("'foo' is an invalid keyword argument for acquire()"))
        #expect(context.error(lock, "acquire", true, 1e20) == .overflowError("timestamp out of range for platform time_t"))
        #expect(context.error(lock, "acquire", true, 9_223_372_037)
            == .overflowError("timestamp too large to convert to C _PyTime_t"))
    }

    @Test("RLock: recursion per owner, other connections cannot release, close releases every level")
    func rlock() throws {
        let context = TestStoreContext()
        let lock = context.register(HostedRLock())
        #expect(try context.value(lock, "acquire", as: 1) == true)
        #expect(try context.value(lock, "acquire", as: 1) == true)
        #expect(lock.pythonRepr.contains("locked _thread.RLock object owner=1 count=2"))
        #expect(context.error(lock, "release", as: 2) == .runtimeError("cannot release un-acquired lock"))
        let waiter = try context.parks(lock, "acquire", as: 2)
        try context.call(lock, "release", as: 1)
        #expect(context.isParked(waiter))
        try context.call(lock, "acquire", as: 1)
        #expect(context.close(1) == ["released RLock held 2 levels"])
        #expect(context.resultValue(waiter) == true)
        #expect(lock.state.owner == ConnectionID(rawValue: 2))
        #expect(context.error(HostedRLock(), "release") == .runtimeError("cannot release un-acquired lock"))
    }

    @Test("a closed connection's held Lock is released and handed to the next waiter")
    func lockReleasedOnClose() throws {
        let context = TestStoreContext()
        let lock = context.register(HostedLock())
        try context.call(lock, "acquire", as: 1)
        let waiter = try context.parks(lock, "acquire", as: 2)
        #expect(context.close(1) == ["released Lock"])
        #expect(context.resultValue(waiter) == true)
    }

    @Test("Semaphore: counts, timeouts, release(n), per-connection release on close")
    func semaphore() throws {
        let context = TestStoreContext()
        let semaphore = context.register(try HostedSemaphore(bounded: false, CallArguments([2])))
        #expect(try context.value(semaphore, "acquire", as: 1) == true)
        #expect(try context.value(semaphore, "acquire", as: 1) == true)
        #expect(try context.value(semaphore, "acquire", false, as: 2) == false)
        #expect(try context.value(semaphore, "acquire", true, -5, as: 2) == false)
        #expect(context.error(semaphore, "acquire", false, 1) == .valueError("can't specify timeout for non-blocking acquire"))
        #expect(context.error(semaphore, "release", 0) == .valueError("n must be one or more"))
        let waiter = try context.parks(semaphore, "acquire", true, 1, as: 2)
        let forever = try context.parks(semaphore, "acquire", as: 3)
        context.advance(bySeconds: 1)
        #expect(context.resultValue(waiter) == false)
        #expect(context.close(1) == ["released Semaphore acquired 2 times"])
        #expect(context.resultValue(forever) == true)
        #expect(semaphore.value == 1)
        #expect(semaphore.pythonRepr.hasSuffix(": value=1>"))
        #expect(throws: PythonException.valueError("semaphore initial value must be >= 0")) {
            try HostedSemaphore(bounded: false, CallArguments([-1]))
        }
    }

    @Test("BoundedSemaphore refuses releases beyond its initial value")
    func boundedSemaphore() throws {
        let context = TestStoreContext()
        let semaphore = HostedSemaphore(value: 1, bounded: true)
        #expect(context.error(semaphore, "release") == .valueError("Semaphore released too many times"))
        try context.call(semaphore, "acquire")
        try context.call(semaphore, "release")
        #expect(semaphore.pythonRepr.hasSuffix(": value=1/1>"))
    }

    @Test("Condition: wait releases fully, notify wakes FIFO after the lock is re-acquired")
    func condition() throws {
        let context = TestStoreContext()
        let condition = context.register(HostedCondition())
        #expect(context.error(condition, "wait", as: 1) == .runtimeError("cannot wait on un-acquired lock"))
        #expect(context.error(condition, "notify", 1, as: 1) == .runtimeError("cannot notify on un-acquired lock"))
        try context.call(condition, "acquire", as: 1)
        try context.call(condition, "acquire", as: 1)
        let first = try context.parks(condition, "wait", .none, as: 1)
        try context.call(condition, "acquire", as: 2)
        let second = try context.parks(condition, "wait", 5, as: 2)
        try context.call(condition, "acquire", as: 3)
        try context.call(condition, "notify", 1, as: 3)
        #expect(context.isParked(first))
        try context.call(condition, "release", as: 3)
        #expect(context.resultValue(first) == true)
        let lock = try #require(condition.lock as? HostedRLock)
        #expect(lock.state.owner == ConnectionID(rawValue: 1))
        #expect(lock.state.count == 2)
        try context.call(condition, "release", as: 1)
        try context.call(condition, "release", as: 1)
        context.advance(bySeconds: 5)
        #expect(context.resultValue(second) == false)
        #expect(lock.state.owner == ConnectionID(rawValue: 2))
    }

    @Test("Condition: notify_all, wait(0) and a waiter's closed connection")
    func conditionMore() throws {
        let context = TestStoreContext()
        let condition = context.register(HostedCondition())
        try context.call(condition, "acquire", as: 1)
        #expect(try context.value(condition, "wait", 0, as: 1) == false)
        let a = try context.parks(condition, "wait", as: 1)
        try context.call(condition, "acquire", as: 2)
        let b = try context.parks(condition, "wait", as: 2)
        try context.call(condition, "acquire", as: 3)
        let lines = context.close(1)
        #expect(lines == ["dropped 1 Condition wait"])
        try context.call(condition, "notify_all", as: 3)
        try context.call(condition, "release", as: 3)
        #expect(context.resultValue(a) == nil)
        #expect(context.resultValue(b) == true)
    }

    @Test("Condition built on a Lock proxy of this server shares that lock")
    func conditionOnLockProxy() throws {
        let context = TestStoreContext()
        let lock = context.register(HostedLock(), id: "lk1")
        let proxy = PythonProxyReference(proxyType: .managers("AcquirerProxy"), typeID: "Lock", address: "/s",
                                         objectID: "lk1")
        let condition = try HostedCondition(CallArguments([.proxy(proxy)]), in: context)
        try context.call(condition, "acquire", as: 1)
        #expect(lock.state.isLocked)
        var ids: [String] = []
        condition.forEachReferencedObjectID { ids.append($0) }
        #expect(ids == ["lk1"])
        #expect(throws: PythonException.self) { try HostedCondition(CallArguments([5]), in: context) }
    }

    @Test("Event: set wakes every waiter; wait returns the flag; timeout gives False")
    func event() throws {
        let context = TestStoreContext()
        let event = HostedEvent()
        #expect(try context.value(event, "wait", 0) == false)
        let a = try context.parks(event, "wait", .none, as: 1)
        let b = try context.parks(event, "wait", 1, as: 2)
        let c = try context.parks(event, "wait", 10, as: 3)
        context.advance(bySeconds: 1)
        #expect(context.resultValue(b) == false)
        try context.call(event, "set")
        #expect(context.resultValue(a) == true)
        #expect(context.resultValue(c) == true)
        #expect(try context.value(event, "is_set") == true)
        #expect(try context.value(event, "wait") == true)
        try context.call(event, "clear")
        #expect(event.pythonRepr.hasSuffix(": unset>"))
    }

    @Test("Barrier: indices, timeout breaks, abort, reset, attributes")
    func barrier() throws {
        let context = TestStoreContext()
        let barrier = try HostedBarrier(CallArguments([2]))
        let first = try context.parks(barrier, "wait", .none, as: 1)
        #expect(try context.value(barrier, "__getattribute__", "n_waiting") == 1)
        #expect(try context.value(barrier, "wait", .none, as: 2) == 1)
        #expect(context.resultValue(first) == 0)
        #expect(try context.value(barrier, "__getattribute__", "parties") == 2)
        #expect(context.error(barrier, "__getattribute__", "foo") == .attributeError("'Barrier' object has no attribute 'foo'"))

        let lone = try context.parks(barrier, "wait", 0.1, as: 1)
        context.advance(bySeconds: 0.1)
        #expect(context.resultError(lone) == .brokenBarrier)
        #expect(try context.value(barrier, "__getattribute__", "broken") == true)
        #expect(context.error(barrier, "wait") == .brokenBarrier)
        try context.call(barrier, "reset")
        #expect(try context.value(barrier, "__getattribute__", "broken") == false)
        let waiting = try context.parks(barrier, "wait", as: 1)
        try context.call(barrier, "abort", as: 2)
        #expect(context.resultError(waiting) == .brokenBarrier)
        #expect(context.error(barrier, "wait") == .brokenBarrier)
        #expect(throws: PythonException.self) {
            try HostedBarrier(CallArguments([2, .global(PythonGlobal(module: "__main__", name: "f"))]))
        }
    }
}
