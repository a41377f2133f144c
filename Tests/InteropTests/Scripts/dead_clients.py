"""Kill clients with SIGKILL in the middle of things and check that the server cleans up after them.

Usage: dead_clients.py ADDRESS AUTHKEY_HEX
Prints one line per scenario, `NAME: ok` or `NAME: FAILED reason`, and exits 1 if any failed. Only for
swift-multiprocessing's server: CPython's server leaves everything a killed client held as it was.
Waiting for a child to be parked on the server polls the server's `inspect` request, always with a deadline.
"""
import multiprocessing
import os
import signal
import sys
import time
from multiprocessing.connection import Client
from multiprocessing.managers import SyncManager

DEADLINE = 10.0


def parked_calls(address, key, object_id):
    """How many calls are parked on an object, from the server's own `inspect` request."""
    conn = Client(address, authkey=key)
    try:
        conn.send((None, 'inspect', (), {}))
        kind, objects = conn.recv()
    finally:
        conn.close()
    assert kind == '#RETURN', objects
    for obj in objects:
        if obj['id'] == object_id:
            return obj['parked_calls']
    return 0


def wait_until(predicate, what):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting until {what}")


def run_child(target, *args):
    ctx = multiprocessing.get_context('fork')
    ready = ctx.Event()
    child = ctx.Process(target=target, args=(ready,) + args)
    child.start()
    if not ready.wait(DEADLINE):
        child.kill()
        raise AssertionError("the child did not get ready")
    return child


def hold_and_die(ready, obj, times):
    for _ in range(times):
        obj.acquire()
    ready.set()
    os.kill(os.getpid(), signal.SIGKILL)


def park_and_wait_to_be_killed(ready, call):
    ready.set()
    call()


def scenario(name, body):
    try:
        body()
        print(f"{name}: ok", flush=True)
        return True
    except Exception as exc:  # noqa: BLE001 - report every failure
        print(f"{name}: FAILED {type(exc).__name__}: {exc}", flush=True)
        return False


def main():
    address, key = sys.argv[1], bytes.fromhex(sys.argv[2])
    multiprocessing.current_process().authkey = key
    m = SyncManager(address=address, authkey=key)
    m.connect()
    results = []

    def killed_holder(factory, times=1, check_release=None):
        def body():
            obj = factory()
            child = run_child(hold_and_die, obj, times)
            child.join(DEADLINE)
            assert child.exitcode == -signal.SIGKILL, child.exitcode
            start = time.monotonic()
            assert obj.acquire(timeout=DEADLINE), "still held after its holder was killed"
            assert time.monotonic() - start < 2, "the others did not proceed at once"
            obj.release()
            if check_release:
                check_release(obj)
        return body

    def bounded_release_does_not_overflow(sem):
        try:
            sem.release()
        except ValueError:
            return  # Semaphore released too many times: the count was restored exactly
        raise AssertionError("a BoundedSemaphore went above its initial value")

    results.append(scenario("Lock held by a killed client", killed_holder(m.Lock)))
    results.append(scenario("RLock held 3 levels by a killed client", killed_holder(m.RLock, times=3)))
    results.append(scenario("Semaphore held by a killed client", killed_holder(lambda: m.Semaphore(1))))
    results.append(scenario("BoundedSemaphore held by a killed client",
                            killed_holder(lambda: m.BoundedSemaphore(1), check_release=bounded_release_does_not_overflow)))

    def queue_get():
        q = m.Queue()
        child = run_child(park_and_wait_to_be_killed, lambda: q.get())
        wait_until(lambda: parked_calls(address, key, q._token.id) == 1, "the child is parked in get")
        child.kill()
        child.join(DEADLINE)
        q.put('item')
        assert q.get(timeout=DEADLINE) == 'item', "the item went to the dead client"
        assert q.qsize() == 0
    results.append(scenario("Queue.get parked by a killed client never consumes an item", queue_get))

    def queue_put():
        q = m.Queue(1)
        q.put('first')
        child = run_child(park_and_wait_to_be_killed, lambda: q.put('from the dead'))
        wait_until(lambda: parked_calls(address, key, q._token.id) == 1, "the child is parked in put")
        child.kill()
        child.join(DEADLINE)
        assert q.get(timeout=DEADLINE) == 'first'
        assert q.empty(), "the dead client's put was delivered"
    results.append(scenario("Queue.put parked by a killed client delivers nothing", queue_put))

    def condition_wait():
        cond = m.Condition()

        def waiter():
            cond.acquire()
            cond.wait()
        child = run_child(park_and_wait_to_be_killed, waiter)
        wait_until(lambda: parked_calls(address, key, cond._token.id) == 1, "the child waits on the condition")
        child.kill()
        child.join(DEADLINE)
        assert cond.acquire(timeout=DEADLINE), "the condition's lock is held"
        cond.notify()
        assert not cond.wait(0.05), "a notify went to the dead waiter"
        cond.release()
    results.append(scenario("Condition.wait by a killed client", condition_wait))

    def barrier_wait():
        barrier = m.Barrier(2)
        child = run_child(park_and_wait_to_be_killed, lambda: barrier.wait())
        wait_until(lambda: parked_calls(address, key, barrier._token.id) == 1, "the child waits at the barrier")
        child.kill()
        child.join(DEADLINE)
        assert barrier.n_waiting == 0, "the dead waiter still counts"
    results.append(scenario("Barrier.wait by a killed client", barrier_wait))

    def half_frame():
        d = m.dict()

        def write_half_a_frame(ready):
            conn = Client(address, authkey=key)
            conn._send(b'\x00\x00\x10\x00' + b'\x80\x04partial')  # announces 4096 bytes, sends 10
            ready.set()
            os.kill(os.getpid(), signal.SIGKILL)
        child = run_child(write_half_a_frame)
        child.join(DEADLINE)
        d['still'] = 'served'
        assert d['still'] == 'served'
    results.append(scenario("a client killed in the middle of a frame", half_frame))

    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
