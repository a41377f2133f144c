#!/usr/bin/env python3
"""Soak test for `swift-multiprocessing serve` (run on demand, never in CI).

Starts the server on a Unix socket, creates one object of every SyncManager type from a controller, and runs
CLIENTS client processes (CPython's multiprocessing.managers) that do random operations on them while a chaos
loop SIGKILLs random clients and starts them again. At the end it checks:

- counters: a dict holds KEYS counters, each incremented under a manager Lock. The final value of every counter
  equals exactly the increments the clients made, including the ones a killed client had in flight (see
  "Accounting" below);
- queue: every item a producer put is delivered exactly once (to a consumer, or found in the queue when it is
  drained at the end); no item is delivered twice, none appears from nowhere, and an item is missing only if a
  consumer was killed after asking for it (at most one per such consumer; such items are counted and reported);
- the Lock, RLock and Condition are free at the end (a killed holder's locks were released);
- the server process is the same one (same PID, never exited), and its RSS at the start and end is reported.

Accounting. Every client has a slot (0..CLIENTS-1) and an append-only journal file that survives SIGKILL (each
record is one write(2)). A counter increment is:

    journal "I seq key"   ->  lock.acquire()  ->  (count, marks) = d[key]
    ->  d[key] = (count + 1, marks | {slot: seq})  ->  lock.release()  ->  journal "C seq key"

The count and the per-slot marks change in one __setitem__, so they always agree. A client killed between "I" and
"C" leaves one increment whose fate is unknown; the next process in the same slot (or the controller at the end)
resolves it under the lock before the slot touches that key again: it was applied iff marks[slot] == seq. The
final check is then exact: count(key) == committed + resolved-applied increments of every slot.

Usage: Scripts/soak.py [--duration 600] [--clients 64] [--binary .build/release/swift-multiprocessing]
Build the server first: swift build -c release --product swift-multiprocessing
"""

import argparse
import multiprocessing
import os
import pickle
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.managers import SyncManager

KEYS = 8
LOCK_TIMEOUT = 30.0


# --------------------------------------------------------------------------------------------------------------
# Journals


class Journal:
    """An append-only record file; each record is a single write(2), so a SIGKILL never leaves half a record."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, *fields):
        os.write(self.fd, (" ".join(str(f) for f in fields) + "\n").encode())


def read_journal(path):
    """The records of a journal, as lists of strings."""
    try:
        with open(path) as f:
            return [line.split() for line in f.read().splitlines() if line]
    except FileNotFoundError:
        return []


def pending_increment(records):
    """The last counter increment (seq, key) that has neither a commit nor a resolution, and the highest seq used."""
    settled = set()
    intents = []
    highest = 0
    for record in records:
        if record[0] in ("I", "C", "R", "P", "p", "G", "g", "e"):
            highest = max(highest, int(record[1]))
        if record[0] == "I":
            intents.append((int(record[1]), record[2]))
        elif record[0] in ("C", "R"):
            settled.add(int(record[1]))
    pending = [intent for intent in intents if intent[0] not in settled]
    return (pending[-1] if pending else None), highest


def resolve(slot, seq, key, objects, journal):
    """Decides under the lock whether the increment `seq` of `slot` on `key` was applied; journals the answer."""
    lock, counters = objects["lock"], objects["counters"]
    if not lock.acquire(timeout=LOCK_TIMEOUT):
        raise RuntimeError("the counter lock was not free for %ss while resolving" % LOCK_TIMEOUT)
    try:
        _, marks = counters[key]
        applied = 1 if marks.get(slot) == seq else 0
    finally:
        lock.release()
    journal.write("R", seq, key, applied)
    return applied


# --------------------------------------------------------------------------------------------------------------
# Client process


def connect(address, authkey):
    manager = SyncManager(address=address, authkey=authkey)
    manager.connect()
    return manager


def load_objects(state_dir, authkey):
    multiprocessing.current_process().authkey = authkey
    with open(os.path.join(state_dir, "objects.pickle"), "rb") as f:
        return pickle.load(f)


def client_main(args):
    authkey = bytes.fromhex(args.authkey_hex)
    slot = args.slot
    rng = random.Random()
    objects = load_objects(args.state_dir, authkey)
    path = os.path.join(args.state_dir, "journal-%d.log" % slot)
    journal = Journal(path)
    pending, seq = pending_increment(read_journal(path))
    if pending is not None:
        resolve(slot, pending[0], pending[1], objects, journal)
    journal.write("S", os.getpid())
    stop_file = os.path.join(args.state_dir, "stop")
    operations = [
        (35, counter_increment),
        (20, queue_put),
        (20, queue_get),
        (25, misc_operation),
    ]
    total = sum(weight for weight, _ in operations)
    while not os.path.exists(stop_file):
        seq += 1
        pick = rng.uniform(0, total)
        for weight, operation in operations:
            pick -= weight
            if pick <= 0:
                break
        try:
            operation(slot, seq, rng, objects, journal)
        except Exception as error:  # anything unexpected is recorded and counted by the controller
            journal.write("E", type(error).__name__, repr(str(error))[:200].replace(" ", "_"))
            if operation is counter_increment:
                return 3  # the next process in this slot resolves the unsettled increment
            time.sleep(0.05)
    journal.write("X")
    return 0


def counter_increment(slot, seq, rng, objects, journal):
    lock, counters = objects["lock"], objects["counters"]
    key = "k%d" % rng.randrange(KEYS)
    journal.write("I", seq, key)
    if not lock.acquire(timeout=LOCK_TIMEOUT):
        journal.write("R", seq, key, 0)
        raise RuntimeError("the counter lock was not free for %ss" % LOCK_TIMEOUT)
    try:
        count, marks = counters[key]
        marks[slot] = seq
        counters[key] = (count + 1, marks)
    finally:
        lock.release()
    journal.write("C", seq, key)


def queue_put(slot, seq, rng, objects, journal):
    item = "%d-%d" % (slot, seq)
    journal.write("p", seq, item)
    objects["queue"].put(item)
    journal.write("P", seq, item)


def queue_get(slot, seq, rng, objects, journal):
    journal.write("g", seq)
    try:
        item = objects["queue"].get(timeout=rng.choice((0.01, 0.2, 1.0)))
    except queue.Empty:
        journal.write("e", seq)
        return
    journal.write("G", seq, item)


def misc_operation(slot, seq, rng, objects, journal):
    name = rng.choice(MISC_NAMES)
    MISC[name](rng, objects[name])
    journal.write("M", name)


def misc_list(rng, lst):
    lst.append(rng.randrange(1000))
    if len(lst) > 200:
        try:
            lst.pop(0)
        except IndexError:
            pass
    lst[0:0] = []
    _ = lst[-1] if len(lst) else None


def misc_value(rng, value):
    value.value = rng.randrange(1 << 30)
    _ = value.value


def misc_array(rng, array):
    index = rng.randrange(len(array))
    array[index] = rng.randrange(1 << 30)
    _ = array[index]
    _ = array[:]


def misc_namespace(rng, namespace):
    name = "a%d" % rng.randrange(16)
    setattr(namespace, name, rng.randrange(1000))
    try:
        _ = getattr(namespace, "a%d" % rng.randrange(16))
    except AttributeError:
        pass


def misc_event(rng, event):
    choice = rng.randrange(4)
    if choice == 0:
        event.set()
    elif choice == 1:
        event.clear()
    elif choice == 2:
        event.wait(0.01)
    else:
        _ = event.is_set()


def misc_semaphore(rng, semaphore):
    if semaphore.acquire(timeout=0.05):
        try:
            semaphore.release()
        except ValueError:  # a bounded semaphore whose permit a killed holder's release already returned
            pass


def misc_rlock(rng, rlock):
    if not rlock.acquire(timeout=LOCK_TIMEOUT):
        raise RuntimeError("the RLock was not free for %ss" % LOCK_TIMEOUT)
    try:
        if rlock.acquire(timeout=1):
            rlock.release()
        else:
            raise RuntimeError("the RLock's owner could not acquire it again")
    finally:
        rlock.release()


def misc_condition(rng, condition):
    if not condition.acquire(timeout=LOCK_TIMEOUT):
        raise RuntimeError("the Condition was not free for %ss" % LOCK_TIMEOUT)
    try:
        if rng.randrange(2):
            condition.notify_all()
        else:
            condition.wait(0.01)
    finally:
        condition.release()


def misc_barrier(rng, barrier):
    try:
        barrier.wait(timeout=0.05)
    except threading.BrokenBarrierError:
        try:
            barrier.reset()
        except threading.BrokenBarrierError:
            pass


def misc_joinable_queue(rng, joinable):
    joinable.put(rng.randrange(1000))
    try:
        joinable.get_nowait()
    except queue.Empty:
        return
    joinable.task_done()


MISC = {
    "list": misc_list,
    "value": misc_value,
    "array": misc_array,
    "namespace": misc_namespace,
    "event": misc_event,
    "semaphore": misc_semaphore,
    "bounded_semaphore": misc_semaphore,
    "rlock": misc_rlock,
    "condition": misc_condition,
    "barrier": misc_barrier,
    "joinable_queue": misc_joinable_queue,
}
MISC_NAMES = sorted(MISC)


# --------------------------------------------------------------------------------------------------------------
# Controller


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def start_server(binary, socket_path, authkey, stderr_path):
    server = subprocess.Popen(
        [binary, "serve", "--unix", socket_path, "--authkey-hex", authkey.hex()],
        stdout=subprocess.PIPE,
        stderr=open(stderr_path, "ab"),
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 30
    result = {}

    def read_first_line():
        result["line"] = server.stdout.readline()

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(max(0.0, deadline - time.monotonic()))
    line = result.get("line", "")
    lines.append(line)
    if "listening on" not in line:
        server.kill()
        raise SystemExit("the server did not report 'listening on' within 30 s (got %r)" % line)
    # Keep draining stdout so the server never blocks on a full pipe.
    threading.Thread(target=lambda: [lines.append(l) for l in server.stdout], daemon=True).start()
    return server, lines


def start_client(args, slot, state_dir, authkey):
    return subprocess.Popen(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--client",
            "--slot", str(slot),
            "--state-dir", state_dir,
            "--socket", args.socket_path,
            "--authkey-hex", authkey.hex(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(state_dir, "stderr-%d.log" % slot), "ab"),
    )


def controller_main(args):
    if not os.path.exists(args.binary):
        raise SystemExit(
            "no server binary at %s; build it with `swift build -c release --product swift-multiprocessing` "
            "or pass --binary" % args.binary
        )
    state_dir = tempfile.mkdtemp(prefix="soak-")
    args.socket_path = os.path.join(state_dir, "manager.sock")
    authkey = os.urandom(32)
    multiprocessing.current_process().authkey = authkey
    server_log = os.path.join(state_dir, "server-stderr.log")
    server, server_lines = start_server(args.binary, args.socket_path, authkey, server_log)
    server_pid = server.pid
    manager = connect(args.socket_path, authkey)
    objects = {
        "counters": manager.dict({"k%d" % i: (0, {}) for i in range(KEYS)}),
        "lock": manager.Lock(),
        "queue": manager.Queue(),
        "joinable_queue": manager.JoinableQueue(),
        "list": manager.list(),
        "value": manager.Value("i", 0),
        "array": manager.Array("i", [0] * 8),
        "namespace": manager.Namespace(),
        "event": manager.Event(),
        "semaphore": manager.Semaphore(4),
        "bounded_semaphore": manager.BoundedSemaphore(4),
        "rlock": manager.RLock(),
        "condition": manager.Condition(),
        "barrier": manager.Barrier(2),
    }
    with open(os.path.join(state_dir, "objects.pickle"), "wb") as f:
        pickle.dump(objects, f)
    rss_start = rss_kib(server_pid)
    rss_samples = [rss_start]
    print("soak: server pid %d, RSS %d KiB, %d clients, %d s, state in %s"
          % (server_pid, rss_start, args.clients, args.duration, state_dir), flush=True)

    clients = {slot: start_client(args, slot, state_dir, authkey) for slot in range(args.clients)}
    kills = 0
    rng = random.Random(args.seed)
    started = time.monotonic()
    next_sample = started + 10
    next_report = started + 60
    while time.monotonic() - started < args.duration:
        time.sleep(min(rng.uniform(0, 2 * args.kill_interval), max(0.0, started + args.duration - time.monotonic())))
        if time.monotonic() - started >= args.duration:
            break
        slot = rng.randrange(args.clients)
        process = clients[slot]
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        clients[slot] = start_client(args, slot, state_dir, authkey)
        for other_slot, other in clients.items():  # a client that exited on its own (it should not) restarts too
            if other.poll() is not None:
                clients[other_slot] = start_client(args, other_slot, state_dir, authkey)
        if server.poll() is not None:
            break
        now = time.monotonic()
        if now >= next_sample:
            rss_samples.append(rss_kib(server_pid))
            next_sample = now + 10
        if now >= next_report:
            print("soak: %.0f s, %d kills, server RSS %d KiB" % (now - started, kills, rss_samples[-1]), flush=True)
            next_report = now + 60

    elapsed = time.monotonic() - started
    server_alive = server.poll() is None
    open(os.path.join(state_dir, "stop"), "w").close()
    stragglers = 0
    for process in clients.values():
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            stragglers += 1

    failures = []
    if not server_alive:
        failures.append("the server exited (status %s); its standard error is in %s" % (server.returncode, server_log))
        print_summary(args, elapsed, kills, {}, failures, rss_start, rss_samples, -1, server_pid, False)
        return 1

    # Final resolution of increments still in flight when their client was last killed.
    for slot in range(args.clients):
        path = os.path.join(state_dir, "journal-%d.log" % slot)
        pending, _ = pending_increment(read_journal(path))
        if pending is not None:
            resolve(slot, pending[0], pending[1], objects, Journal(path))

    stats = check(args, state_dir, objects, failures)
    stats["stragglers"] = stragglers
    for name in ("lock", "rlock", "condition"):
        if objects[name].acquire(timeout=5):
            objects[name].release()
        else:
            failures.append("the %s is still held at the end" % name)
    inspect_server(args.socket_path, authkey, len(objects), stats, failures)
    rss_end = rss_kib(server_pid)
    rss_samples.append(rss_end)
    if server.poll() is not None:
        failures.append("the server exited during the final checks")
    if sum(1 for line in server_lines if "listening on" in line) != 1:
        failures.append("the server printed 'listening on' more than once")
    same = server.poll() is None and server.pid == server_pid
    print_summary(args, elapsed, kills, stats, failures, rss_start, rss_samples, rss_end, server_pid, same)
    server.send_signal(signal.SIGTERM)
    try:
        status = server.wait(timeout=30)
        if status != 0:
            failures.append("the server exited with status %d on SIGTERM" % status)
            print("soak: FAIL: the server exited with status %d on SIGTERM" % status)
    except subprocess.TimeoutExpired:
        server.kill()
        failures.append("the server did not exit on SIGTERM")
        print("soak: FAIL: the server did not exit within 30 s of SIGTERM")
    if not failures and not args.keep_state:
        shutil.rmtree(state_dir, ignore_errors=True)
    return 1 if failures else 0


def check(args, state_dir, objects, failures):
    """Reads every journal and the server's final state; appends what is wrong to `failures`."""
    stats = {
        "increments committed": 0, "in-flight increments applied": 0, "in-flight increments not applied": 0,
        "puts committed": 0, "puts in flight at a kill": 0, "gets that returned an item": 0, "empty gets": 0,
        "gets in flight at a kill": 0, "misc operations": 0, "client processes": 0, "unexpected errors": 0,
    }
    put_committed, put_uncertain, delivered = set(), set(), []
    error_examples = []
    for slot in range(args.clients):
        records = read_journal(os.path.join(state_dir, "journal-%d.log" % slot))
        open_get = None
        for record in records:
            kind = record[0]
            if kind == "S":
                stats["client processes"] += 1
                if open_get is not None:
                    stats["gets in flight at a kill"] += 1
                open_get = None
            elif kind == "p":
                put_uncertain.add(record[2])
            elif kind == "P":
                put_uncertain.discard(record[2])
                put_committed.add(record[2])
            elif kind == "g":
                open_get = int(record[1])
            elif kind == "G":
                delivered.append(record[2])
                open_get = None
            elif kind == "e":
                stats["empty gets"] += 1
                open_get = None
            elif kind == "M":
                stats["misc operations"] += 1
            elif kind == "E":
                stats["unexpected errors"] += 1
                if len(error_examples) < 5:
                    error_examples.append("slot %d: %s" % (slot, " ".join(record[1:])))
            elif kind == "X":
                open_get = None
        if open_get is not None:
            stats["gets in flight at a kill"] += 1
    # Resolved increments may be recorded twice (by a client and by the controller, or by two generations when a
    # resolver was killed after writing): count each (slot, seq) once.
    expected, stats = recount_increments(args, state_dir, stats)
    stats["puts committed"] = len(put_committed)
    stats["puts in flight at a kill"] = len(put_uncertain)
    stats["gets that returned an item"] = len(delivered)

    counters = objects["counters"]
    final = {key: counters[key] for key in expected}
    for key, want in sorted(expected.items()):
        count, marks = final[key]
        if count != want:
            failures.append("counter %s is %d, the journals account for exactly %d" % (key, count, want))
    stats["final counters"] = " ".join("%s=%d" % (key, final[key][0]) for key in sorted(final))
    stats["expected counters"] = " ".join("%s=%d" % (key, expected[key]) for key in sorted(expected))

    drained = []
    q = objects["queue"]
    while True:
        try:
            drained.append(q.get_nowait())
        except queue.Empty:
            break
    stats["items left in the queue"] = len(drained)
    seen = {}
    for item in delivered + drained:
        seen[item] = seen.get(item, 0) + 1
    duplicates = [item for item, times in seen.items() if times > 1]
    phantoms = [item for item in seen if item not in put_committed and item not in put_uncertain]
    missing = [item for item in put_committed if item not in seen]
    stats["items delivered twice"] = len(duplicates)
    stats["items never put"] = len(phantoms)
    stats["items lost with a killed consumer's in-flight get"] = len(missing)
    if duplicates:
        failures.append("%d queue items were delivered more than once, e.g. %s" % (len(duplicates), duplicates[:5]))
    if phantoms:
        failures.append("%d queue items were never put, e.g. %s" % (len(phantoms), phantoms[:5]))
    if len(missing) > stats["gets in flight at a kill"]:
        failures.append(
            "%d committed queue items are missing, more than the %d gets in flight when their consumer was killed"
            % (len(missing), stats["gets in flight at a kill"])
        )
    if stats["unexpected errors"]:
        failures.append("%d unexpected client errors, e.g. %s" % (stats["unexpected errors"], error_examples))
    return stats


def inspect_server(address, authkey, created, stats, failures):
    """Asks the server (its `inspect` function) what objects it still holds and what calls are parked on them."""
    from multiprocessing.connection import Client

    connection = Client(address, authkey=authkey)
    try:
        connection.send((None, "inspect", (), {}))
        kind, objects = connection.recv()
    finally:
        connection.close()
    if kind != "#RETURN":
        failures.append("the server's inspect function failed: %s" % (objects,))
        return
    parked = sum(entry.get("parked_calls", 0) for entry in objects)
    stats["objects alive at the end"] = "%d (the controller created %d)" % (len(objects), created)
    stats["calls parked at the end"] = parked
    if len(objects) != created:
        failures.append("the server holds %d objects at the end; only the controller's %d should be alive"
                        % (len(objects), created))
    if parked:
        failures.append("%d calls are still parked at the end, though every client has exited" % parked)


def recount_increments(args, state_dir, stats):
    """Counts each applied increment of each slot once, whoever recorded it."""
    expected = {"k%d" % i: 0 for i in range(KEYS)}
    committed = applied_in_flight = not_applied = 0
    for slot in range(args.clients):
        settled = {}
        for record in read_journal(os.path.join(state_dir, "journal-%d.log" % slot)):
            if record[0] == "C":
                settled[int(record[1])] = (record[2], 1, "C")
            elif record[0] == "R" and int(record[1]) not in settled:
                settled[int(record[1])] = (record[2], int(record[3]), "R")
        for key, applied, kind in settled.values():
            expected[key] += applied
            if kind == "C":
                committed += 1
            elif applied:
                applied_in_flight += 1
            else:
                not_applied += 1
    stats["increments committed"] = committed
    stats["in-flight increments applied"] = applied_in_flight
    stats["in-flight increments not applied"] = not_applied
    return expected, stats


def print_summary(args, elapsed, kills, stats, failures, rss_start, rss_samples, rss_end, server_pid, same):
    print("soak summary")
    print("  duration            %.1f s, %d clients, %d SIGKILLs (each followed by a restart)"
          % (elapsed, args.clients, kills))
    print("  server              pid %d, same process throughout: %s" % (server_pid, "yes" if same else "NO"))
    print("  server RSS          start %d KiB, end %d KiB, max sampled %d KiB"
          % (rss_start, rss_end, max(rss_samples)))
    for name, value in stats.items():
        print("  %-52s %s" % (name, value))
    if failures:
        for failure in failures:
            print("soak: FAIL: %s" % failure)
    else:
        print("soak: PASS")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--kill-interval", type=float, default=0.5, help="mean seconds between SIGKILLs")
    parser.add_argument("--binary", default=".build/release/swift-multiprocessing")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep-state", action="store_true", help="keep the journals even when the soak passes")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--slot", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--state-dir", help=argparse.SUPPRESS)
    parser.add_argument("--socket", dest="socket_path", help=argparse.SUPPRESS)
    parser.add_argument("--authkey-hex", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        sys.exit(client_main(args))
    sys.exit(controller_main(args))


if __name__ == "__main__":
    main()
