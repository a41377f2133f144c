"""Exercise every SyncManager type through stock CPython proxies and print what a client observes.

Usage: exercise_manager.py ADDRESS AUTHKEY_HEX
ADDRESS is a Unix socket path or HOST:PORT. The output is deterministic (no ids, addresses or timings), so the
same script run against CPython's own server and against swift-multiprocessing's must print the same lines.
Works with CPython 3.8 and later (3.13-only features are printed only when available).
"""
import multiprocessing
import queue
import sys
import threading
import traceback
from multiprocessing.managers import SyncManager


def show(label, thunk):
    try:
        result = thunk()
        print(f"{label}: {result!r}")
    except Exception as exc:  # noqa: BLE001 - the exception is the observation
        print(f"{label}: raised {type(exc).__module__}.{type(exc).__name__}{exc.args!r}")


def kind_of_failure(thunk):
    """The class of the exception a call raises: traceback texts differ between servers, classes must not."""
    try:
        thunk()
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return "no error"


def connect(address, key):
    manager = SyncManager(address=address, authkey=key)
    manager.connect()
    return manager


def child_append(address, key, shared_list, shared_dict, q):
    multiprocessing.current_process().authkey = key
    shared_list.append("from child")
    shared_dict["child"] = True
    nested = shared_list[0]
    nested["touched_by_child"] = 1
    q.put("child done")


def child_consume(q, results):
    while True:
        item = q.get(timeout=10)
        if item is None:
            break
        results.append(item * 2)


def main():
    address_text, key_hex = sys.argv[1], sys.argv[2]
    if ":" in address_text and not address_text.startswith("/"):
        host, port = address_text.rsplit(":", 1)
        address = (host, int(port))
    else:
        address = address_text
    key = bytes.fromhex(key_hex)
    multiprocessing.current_process().authkey = key
    m = connect(address, key)
    baseline = m._number_of_objects()

    # list
    l = m.list([3, 1, 2])
    show("list append", lambda: (l.append(4), l[:])[1])
    show("list index", lambda: (l[0], l[-1], l[1:3], l[::2]))
    show("list index error", lambda: l[100])
    show("list setitem slice", lambda: (l.__setitem__(slice(0, 1), [7, 8]), l[:])[1])
    show("list delitem", lambda: (l.__delitem__(0), l[:])[1])
    show("list len contains", lambda: (len(l), 8 in l, 99 in l))
    show("list add mul", lambda: (l + [9], l * 2, 2 * l))
    show("list imul", lambda: (l.__imul__(2), l[:])[1])
    show("list reversed", lambda: list(reversed(l)))
    show("list extend range", lambda: (l.extend(range(2)), l[:])[1])
    show("list insert", lambda: (l.insert(-1, 'x'), l.insert(100, 'y'), l[:])[2])
    show("list count index", lambda: (l.count(8), l.index('x'), l.index(8, 1)))
    show("list index missing", lambda: l.index(99))
    show("list remove missing", lambda: l.remove(99))
    show("list pop", lambda: (l.pop(), l.pop(0), l[:]))
    show("list pop empty", lambda: m.list().pop())
    show("list sort mixed", lambda: (l.sort(), l[:]))
    numbers = m.list([3, 1.5, True, -2, 10 ** 30])
    show("list sort numbers", lambda: (numbers.sort(), numbers[:])[1])
    show("list sort reverse", lambda: (numbers.sort(reverse=True), numbers[:])[1])
    show("list sort key abs", lambda: (numbers.sort(key=abs), numbers[:])[1])
    words = m.list(["b", "A", "c"])
    show("list sort key str.lower", lambda: (words.sort(key=str.lower), words[:])[1])
    show("list iteration", lambda: [x for x in words])
    show("list str", lambda: str(words))
    show("list getvalue", lambda: words._getvalue())
    show("list reverse", lambda: (words.reverse(), words[:])[1])

    # dict
    d = m.dict({'a': 1})
    show("dict set get", lambda: (d.__setitem__('b', 2), d['a'], d.get('zz'), d.get('zz', 5)))
    show("dict missing", lambda: d['missing'])
    show("dict unhashable", lambda: d[[1]])
    show("dict numeric keys", lambda: (d.__setitem__(1.0, 'one'), d.__setitem__(1, 'uno'), d.__setitem__(True, 'yes'), d.keys())[3])
    show("dict values items", lambda: (d.values(), d.items()))
    show("dict len contains", lambda: (len(d), 'a' in d, 'q' in d))
    show("dict iteration", lambda: list(d))
    show("dict for loop", lambda: [k for k in d])
    show("dict pop", lambda: (d.pop('a'), d.pop('a', 'gone')))
    show("dict pop missing", lambda: d.pop('a'))
    show("dict setdefault", lambda: (d.setdefault('s', []), d.setdefault('s', 5)))
    show("dict update", lambda: (d.update({'u': 1}, v=2), d.copy())[1])
    show("dict popitem", lambda: d.popitem())
    show("dict str", lambda: str(d))
    show("dict clear", lambda: (d.clear(), len(d))[1])
    show("dict popitem empty", lambda: d.popitem())
    show("dict kwargs create", lambda: m.dict(x=1, y=2).copy())

    # Value, Array, Namespace
    v = m.Value('i', 5)
    show("value", lambda: (v.value, v.get(), str(v)))
    show("value set any", lambda: (v.set(3.5), v.value, str(v))[1:])
    show("value getvalue", lambda: (lambda x: (type(x).__name__, x._typecode, x._value))(v._getvalue()))
    a = m.Array('i', [1, 2, 3])
    show("array", lambda: (len(a), a[0], a[-1], a[0:2], str(a)))
    show("array set", lambda: (a.__setitem__(0, 7), list(a)))
    show("array bad float", lambda: a.__setitem__(0, 1.5))
    show("array overflow", lambda: a.__setitem__(0, 2 ** 40))
    show("array index error", lambda: a[10])
    d_array = m.Array('d', [1.5, 2])
    show("array double", lambda: (list(d_array), str(d_array)))
    ns = m.Namespace(x=1)
    show("namespace", lambda: (ns.x, setattr(ns, 'y', 'b'), ns.y, str(ns))[::2])
    show("namespace missing", lambda: ns.missing)
    show("namespace del", lambda: (delattr(ns, 'y'), str(ns))[1])
    show("namespace getvalue", lambda: (lambda x: (type(x).__name__, vars(x)))(ns._getvalue()))

    # Queue
    q = m.Queue()
    show("queue put get", lambda: (q.put(1), q.put('x', timeout=1), q.qsize(), q.get(), q.get(timeout=0.5), q.empty()))
    show("queue get empty", lambda: q.get_nowait())
    show("queue get timeout", lambda: q.get(True, 0.05))
    show("queue negative timeout", lambda: q.get(timeout=-1))
    bq = m.Queue(1)
    show("bounded put", lambda: (bq.put(1), bq.full()))
    show("bounded full", lambda: bq.put_nowait(2))
    show("bounded full timeout", lambda: bq.put(2, timeout=0.05))
    jq = m.JoinableQueue()
    show("joinable", lambda: (jq.put(1), jq.get(), jq.task_done(), jq.join()))
    show("task_done too many", lambda: jq.task_done())
    show("queue str startswith", lambda: str(q).startswith('<queue.Queue object'))

    # Locks
    lock = m.Lock()
    show("lock", lambda: (lock.acquire(), lock.acquire(False), lock.acquire(True, 0.05), lock.release()))
    show("lock release unlocked", lambda: lock.release())
    show("lock nonblocking timeout", lambda: lock.acquire(False, 1))
    show("lock negative timeout", lambda: lock.acquire(True, -5))
    def use_lock_with():
        with lock:
            inside = lock.acquire(False)
        return inside, lock.acquire(False), lock.release()
    show("lock with", use_lock_with)
    rlock = m.RLock()
    show("rlock reentrant", lambda: (rlock.acquire(), rlock.acquire(), rlock.release(), rlock.release()))
    show("rlock release unowned", lambda: rlock.release())
    sem = m.Semaphore(2)
    show("semaphore", lambda: (sem.acquire(), sem.acquire(), sem.acquire(False), sem.release(), sem.release(), sem.release()))
    show("semaphore nonblocking timeout", lambda: sem.acquire(False, 1))
    bsem = m.BoundedSemaphore(1)
    show("bounded semaphore over-release", lambda: bsem.release())
    show("bounded semaphore", lambda: (bsem.acquire(), bsem.release()))

    # Condition across threads (each thread has its own channel)
    cond = m.Condition()
    show("condition wait unowned", lambda: cond.wait(0.01))
    show("condition notify unowned", lambda: cond.notify())
    show("condition timeout", lambda: (cond.acquire(), cond.wait(0.05), cond.release())[1])
    woken = []

    def waiter():
        with cond:
            woken.append(cond.wait(10))

    t = threading.Thread(target=waiter)
    t.start()
    # Notify until the waiter has been woken: a notify before it waits is a no-op, as in threading.
    for _ in range(2000):
        with cond:
            cond.notify()
        t.join(0.005)
        if not t.is_alive():
            break
    t.join(10)
    show("condition notified", lambda: woken)

    # Event
    ev = m.Event()
    show("event", lambda: (ev.is_set(), ev.wait(0.05), ev.set(), ev.is_set(), ev.wait(), ev.clear(), ev.is_set()))

    # Barrier across threads
    barrier = m.Barrier(2)
    indices = []

    def arrive():
        indices.append(barrier.wait(10))

    threads = [threading.Thread(target=arrive) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(20)
    show("barrier indices", lambda: sorted(indices))
    show("barrier properties", lambda: (barrier.parties, barrier.n_waiting, barrier.broken))
    lonely = m.Barrier(2)
    show("barrier timeout", lambda: lonely.wait(0.05))
    show("barrier broken", lambda: (lonely.broken, lonely.reset(), lonely.broken))
    show("barrier abort", lambda: (lonely.abort(), lonely.broken))

    # Nested proxies and child processes
    outer = m.list()
    inner = m.dict({'k': 'v'})
    outer.append(inner)
    show("nested read", lambda: outer[0]['k'])
    results_q = m.Queue()
    ctx = multiprocessing.get_context('fork')
    p = ctx.Process(target=child_append, args=(address, key, outer, inner, results_q))
    p.start()
    show("child queue", lambda: results_q.get(timeout=20))
    p.join(20)
    show("child exitcode", lambda: p.exitcode)
    show("after child", lambda: (len(outer), outer[1], inner.copy()))
    del inner
    show("nested survives decref", lambda: outer[0].copy())
    show("proxies in create args", lambda: m.list([outer[0]])[0]['k'])

    # Producer/consumer with several processes
    work = m.Queue()
    results = m.list()
    consumers = [ctx.Process(target=child_consume, args=(work, results)) for _ in range(3)]
    for c in consumers:
        c.start()
    for i in range(30):
        work.put(i)
    for _ in consumers:
        work.put(None)
    for c in consumers:
        c.join(30)
    show("consumers", lambda: (sorted(results[:]), [c.exitcode for c in consumers]))

    # Server functions and fallbacks
    show("unexposed method", lambda: kind_of_failure(lambda: l._callmethod('frobnicate')))
    show("unknown typeid", lambda: kind_of_failure(lambda: m._create('NoSuchType')))

    del l, numbers, words, d, v, a, d_array, ns, q, bq, jq, lock, rlock, sem, bsem, cond, ev, barrier, lonely
    del outer, results_q, work, results, p, consumers
    import gc
    gc.collect()
    show("objects back to baseline", lambda: m._number_of_objects() - baseline <= 0)


if __name__ == "__main__":
    main()
