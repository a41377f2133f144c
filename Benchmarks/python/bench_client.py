#!/usr/bin/env python3
"""Python-client workloads for the swift-multiprocessing benchmark (standard library only).

    python3 bench_client.py WORKLOAD --address ADDRESS [--authkey-hex HEX] [options]

ADDRESS is a Unix socket path or HOST:PORT. Every workload talks to the server exactly the way CPython's own
client does: `SyncManager(address, authkey).connect()` and the stock proxies (the floor workload uses
`multiprocessing.connection.Client`). Every workload checks its result; a wrong answer raises, and the script then
prints {"error": ...} and exits 1. On success it prints one JSON object {"rows": [...]} on stdout, each row
{"workload", "title", "value", "unit", "better", "extra"}.

Workloads: latency, throughput, lock_counter, queue, payload, proxy_create, new_connection, idle_rss, floor_echo.
"""

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
import traceback
from multiprocessing.connection import Client
from multiprocessing.managers import SyncManager

FORK = multiprocessing.get_context("fork")
TIMEOUT_MARGIN = 120.0


class CheckFailed(Exception):
    """A workload got a wrong answer from the server."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def parse_address(text):
    if text.startswith("/") or text.startswith("\0") or ":" not in text:
        return text
    host, _, port = text.rpartition(":")
    return (host.strip("[]"), int(port))


def row(workload, title, value, unit, better, **extra):
    return {"workload": workload, "title": title, "value": value, "unit": unit, "better": better, "extra": extra}


def connect_manager(arguments):
    manager = SyncManager(address=arguments.address, authkey=arguments.authkey)
    manager.connect()
    return manager


def server_cpu_seconds(pid):
    """User plus system CPU time of every thread the process ever ran, from /proc/PID/stat."""
    if pid is None:
        return None
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_allocations(path):
    """The server's heap allocations so far, as Benchmarks/malloc-count's library counts them, or None."""
    if path is None:
        return None
    with open(path, "rb") as counter:
        return int.from_bytes(counter.read(8), "little")


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise CheckFailed("no VmRSS line in /proc/%d/status" % pid)


# ---------------------------------------------------------------------------------------------------------------
# Single-call latency


def timed_batches(operation, duration, batch):
    """Runs `operation(i)` in batches until `duration` seconds pass; returns (per-batch seconds per op, op count)."""
    per_op = []
    count = 0
    deadline = time.perf_counter() + duration
    while True:
        start = time.perf_counter()
        for i in range(count, count + batch):
            operation(i)
        end = time.perf_counter()
        per_op.append((end - start) / batch)
        count += batch
        if end >= deadline and len(per_op) >= 3:
            return per_op, count


def latency(arguments):
    manager = connect_manager(arguments)
    shared = manager.dict()
    items = manager.list()
    value = manager.Value("i", 7)
    lock = manager.Lock()
    queue = manager.Queue()
    shared["fixed"] = 12345

    def dict_set(i):
        shared["key"] = i

    def dict_get(i):
        if shared["fixed"] != 12345:
            raise CheckFailed("dict get returned a wrong value")

    def list_append(i):
        items.append(i)

    def value_get(i):
        if value.value != 7:
            raise CheckFailed("Value get returned a wrong value")

    def lock_cycle(i):
        if lock.acquire() is not True:
            raise CheckFailed("Lock.acquire() did not return True")
        lock.release()

    def queue_cycle(i):
        queue.put(i)
        if queue.get() != i:
            raise CheckFailed("Queue get returned a different item than was put")

    operations = [
        ("dict_set", "dict set (d[k] = v)", dict_set),
        ("dict_get", "dict get (d[k])", dict_get),
        ("list_append", "list append", list_append),
        ("value_get", "Value get (v.value)", value_get),
        ("lock", "Lock acquire+release", lock_cycle),
        ("queue", "Queue put+get", queue_cycle),
    ]
    rows = []
    for name, title, operation in operations:
        if arguments.only and name not in arguments.only.split(","):
            continue
        for i in range(200):
            operation(i)
        cpu_before = server_cpu_seconds(arguments.server_pid)
        allocations_before = server_allocations(arguments.malloc_count_file)
        per_op, count = timed_batches(operation, arguments.duration, 250)
        allocations_after = server_allocations(arguments.malloc_count_file)
        cpu_after = server_cpu_seconds(arguments.server_pid)
        if name == "dict_set":
            check(shared["key"] == count - 1, "dict holds %r after %d sets" % (shared["key"], count))
        if name == "list_append":
            check(len(items) == 200 + count, "list has %d items after %d appends" % (len(items), 200 + count))
            check(items[-1] == count - 1, "last list item is %r, expected %d" % (items[-1], count - 1))
        if name == "lock":
            check(lock.acquire(False) is True, "Lock is still held after the loop")
            lock.release()
        if name == "queue":
            check(queue.qsize() == 0, "Queue is not empty after the put+get loop")
        extra = {"operations": count, "p50_batch_us": statistics.median(per_op) * 1e6,
                 "min_batch_us": min(per_op) * 1e6, "mean_us": statistics.fmean(per_op) * 1e6}
        rows.append(row("py.latency." + name, title, statistics.median(per_op) * 1e6, "us", "lower", **extra))
        if cpu_before is not None:
            cpu_us = (cpu_after - cpu_before) * 1e6 / count
            rows.append(row("py.server_cpu." + name, "server CPU per " + title, cpu_us, "us", "lower",
                            operations=count))
        if allocations_before is not None:
            per_call = (allocations_after - allocations_before) / count
            rows.append(row("py.server_allocs." + name, "server heap allocations per " + title, per_call, "allocs",
                            "lower", operations=count))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Multi-process workloads (fork; the children inherit the proxies as CPython's own clients do)


def collect(processes, results, count, timeout):
    """Gathers one result per worker, failing on a worker error or a hang, then joins the workers."""
    collected = []
    deadline = time.monotonic() + timeout
    try:
        for _ in range(count):
            remaining = deadline - time.monotonic()
            try:
                item = results.get(timeout=max(remaining, 0.1))
            except Exception:
                raise CheckFailed("a worker did not report within %.0f s" % timeout)
            if item[0] == "error":
                raise CheckFailed("worker failed:\n" + item[1])
            collected.append(item)
    finally:
        for process in processes:
            process.join(timeout=max(deadline - time.monotonic(), 1.0))
            if process.is_alive():
                process.terminate()
                process.join()
    return collected


def guarded(function):
    def run(results, *args):
        try:
            function(results, *args)
        except BaseException:
            results.put(("error", traceback.format_exc()))
    return run


@guarded
def throughput_worker(results, shared, index, barrier, duration):
    key = "w%d" % index
    shared[key] = -1
    barrier.wait()
    start = time.perf_counter()
    deadline = start + duration
    count = 0
    while True:
        shared[key] = count
        count += 1
        if time.perf_counter() >= deadline:
            break
    results.put(("ok", index, count, time.perf_counter() - start))


def throughput(arguments):
    manager = connect_manager(arguments)
    shared = manager.dict()
    clients = arguments.clients
    barrier = FORK.Barrier(clients + 1)
    results = FORK.Queue()
    processes = [FORK.Process(target=throughput_worker, args=(results, shared, i, barrier, arguments.duration))
                 for i in range(clients)]
    for process in processes:
        process.start()
    barrier.wait(timeout=TIMEOUT_MARGIN)
    collected = collect(processes, results, clients, arguments.duration + TIMEOUT_MARGIN)
    final = shared.copy()
    total = 0
    rate = 0.0
    for _, index, count, elapsed in collected:
        check(final.get("w%d" % index) == count - 1,
              "client %d wrote %d values but the dict holds %r" % (index, count, final.get("w%d" % index)))
        total += count
        rate += count / elapsed
    check(len(final) == clients, "dict has %d keys, expected %d" % (len(final), clients))
    return [row("py.throughput.dict_set.%d" % clients, "dict set throughput, %d clients" % clients, rate,
                "calls/s", "higher", clients=clients, operations=total, duration=arguments.duration)]


@guarded
def counter_worker(results, lock, value, index, barrier, increments):
    lock.acquire()
    lock.release()
    barrier.wait()
    for _ in range(increments):
        lock.acquire()
        value.value = value.value + 1
        lock.release()
    results.put(("ok", index))


def lock_counter(arguments):
    manager = connect_manager(arguments)
    lock = manager.Lock()
    value = manager.Value("i", 0)
    clients = arguments.clients
    increments = arguments.operations
    barrier = FORK.Barrier(clients + 1)
    results = FORK.Queue()
    processes = [FORK.Process(target=counter_worker, args=(results, lock, value, i, barrier, increments))
                 for i in range(clients)]
    for process in processes:
        process.start()
    barrier.wait(timeout=TIMEOUT_MARGIN)
    start = time.perf_counter()
    collect(processes, results, clients, TIMEOUT_MARGIN * 2)
    elapsed = time.perf_counter() - start
    expected = clients * increments
    check(value.value == expected, "lock-protected counter ended at %d, expected exactly %d" % (value.value,
                                                                                                expected))
    return [row("py.lock_counter.%d" % clients, "lock-protected counter, %d clients" % clients,
                expected / elapsed, "incr/s", "higher", clients=clients, increments=expected,
                calls_per_increment=4, elapsed=elapsed)]


@guarded
def producer_worker(results, queue, index, barrier, items):
    queue.qsize()
    barrier.wait()
    base = index * items
    for i in range(items):
        queue.put(base + i)
    results.put(("ok", "producer", index, None))


@guarded
def consumer_worker(results, queue, index, barrier, items):
    queue.qsize()
    barrier.wait()
    received = [queue.get() for _ in range(items)]
    results.put(("ok", "consumer", index, received))


def queue_workload(arguments):
    manager = connect_manager(arguments)
    queue = manager.Queue()
    pairs = arguments.clients
    items = arguments.operations
    barrier = FORK.Barrier(2 * pairs + 1)
    results = FORK.Queue()
    processes = [FORK.Process(target=producer_worker, args=(results, queue, i, barrier, items))
                 for i in range(pairs)]
    processes += [FORK.Process(target=consumer_worker, args=(results, queue, i, barrier, items))
                  for i in range(pairs)]
    for process in processes:
        process.start()
    barrier.wait(timeout=TIMEOUT_MARGIN)
    start = time.perf_counter()
    collected = collect(processes, results, 2 * pairs, TIMEOUT_MARGIN * 2)
    elapsed = time.perf_counter() - start
    received = sorted(item for entry in collected if entry[1] == "consumer" for item in entry[3])
    check(received == list(range(pairs * items)), "consumers did not receive every produced item exactly once")
    check(queue.qsize() == 0, "Queue is not empty after every item was consumed")
    return [row("py.queue.%dx%d" % (pairs, pairs), "Queue %d producers -> %d consumers" % (pairs, pairs),
                pairs * items / elapsed, "items/s", "higher", items=pairs * items, elapsed=elapsed)]


# ---------------------------------------------------------------------------------------------------------------
# Payloads, proxy lifecycle, connections, memory


def size_label(size):
    return "%d MiB" % (size >> 20) if size >= 1 << 20 else "%d KiB" % (size >> 10)


def payload(arguments):
    manager = connect_manager(arguments)
    shared = manager.dict()
    rows = []
    for size in (int(s) for s in arguments.sizes.split(",")):
        data = os.urandom(size)
        shared["blob"] = data
        check(shared["blob"] == data, "a %d-byte payload came back different" % size)
        count = 0
        start = time.perf_counter()
        deadline = start + arguments.duration
        while True:
            data = data[1:] + data[:1]
            shared["blob"] = data
            check(shared["blob"] == data, "a %d-byte payload came back different" % size)
            count += 1
            if time.perf_counter() >= deadline and count >= 3:
                break
        elapsed = time.perf_counter() - start
        rows.append(row("py.payload.%s" % size_label(size).replace(" ", ""),
                        "payload %s set+get" % size_label(size), 2 * size * count / elapsed / (1 << 20),
                        "MiB/s", "higher", bytes=size, round_trips=count,
                        us_per_set_get=elapsed * 1e6 / count))
    return rows


def proxy_create(arguments):
    manager = connect_manager(arguments)
    baseline = manager._number_of_objects()
    count = 0
    start = time.perf_counter()
    deadline = start + arguments.duration
    while True:
        proxy = manager.dict()
        del proxy
        count += 1
        if time.perf_counter() >= deadline and count >= 3:
            break
    elapsed = time.perf_counter() - start
    remaining = manager._number_of_objects()
    check(remaining == baseline, "%d objects remain after create+release, expected %d" % (remaining, baseline))
    return [row("py.proxy_create.%s" % arguments.label, "proxy create+release over %s" % arguments.label,
                elapsed * 1e6 / count, "us", "lower", proxies=count, connections_per_proxy=4)]


def new_connection(arguments):
    manager = SyncManager(address=arguments.address, authkey=arguments.authkey)
    for _ in range(5):
        manager.connect()
    count = 0
    start = time.perf_counter()
    deadline = start + arguments.duration
    while True:
        manager.connect()
        count += 1
        if time.perf_counter() >= deadline and count >= 3:
            break
    elapsed = time.perf_counter() - start
    return [row("py.new_connection.%s" % arguments.label,
                "new %s connection (connect+auth+call)" % arguments.label, elapsed * 1e6 / count, "us", "lower",
                connections=count)]


def raise_file_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        check(target >= needed, "RLIMIT_NOFILE hard limit %d is below the %d descriptors needed" % (hard, needed))


def idle_rss(arguments):
    check(arguments.server_pid is not None, "idle_rss needs --server-pid")
    count = arguments.operations
    raise_file_limit(count + 256)
    manager = connect_manager(arguments)
    shared = manager.dict({"x": 1})
    ident = shared._token.id
    check(len(shared) == 1, "dict proxy does not work before opening idle connections")
    time.sleep(0.2)
    before = rss_kib(arguments.server_pid)
    connections = []
    try:
        for i in range(count):
            connection = Client(arguments.address, authkey=arguments.authkey)
            connection.send((None, "accept_connection", ("idle-%d" % i,), {}))
            reply = connection.recv()
            check(reply == ("#RETURN", None), "accept_connection replied %r" % (reply,))
            connections.append(connection)
        time.sleep(0.5)
        after = rss_kib(arguments.server_pid)
        for connection in connections:
            connection.send((ident, "__len__", (), {}))
            reply = connection.recv()
            check(reply == ("#RETURN", 1), "an idle connection answered %r to __len__" % (reply,))
    finally:
        for connection in connections:
            connection.close()
    return [row("py.idle_rss", "server RSS per idle connection (%d open)" % count, (after - before) / count,
                "KiB", "lower", connections=count, rss_before_kib=before, rss_after_kib=after)]


# ---------------------------------------------------------------------------------------------------------------
# Floor: a Python client against the C echo server (no authentication, same framing and pickling)


@guarded
def echo_worker(results, address, index, barrier, duration):
    connection = Client(address)
    request = ("7f3ba27c4a80", "__setitem__", ("w%d" % index, 123456), {})
    connection.send(request)
    check(connection.recv() == request, "echo server returned a different message")
    barrier.wait()
    start = time.perf_counter()
    deadline = start + duration
    count = 0
    while True:
        connection.send(request)
        if connection.recv() != request:
            raise CheckFailed("echo server returned a different message")
        count += 1
        if time.perf_counter() >= deadline:
            break
    results.put(("ok", index, count, time.perf_counter() - start))


def floor_echo(arguments):
    clients = arguments.clients
    barrier = FORK.Barrier(clients + 1)
    results = FORK.Queue()
    processes = [FORK.Process(target=echo_worker, args=(results, arguments.address, i, barrier, arguments.duration))
                 for i in range(clients)]
    for process in processes:
        process.start()
    barrier.wait(timeout=TIMEOUT_MARGIN)
    cpu_before = server_cpu_seconds(arguments.server_pid)
    collected = collect(processes, results, clients, arguments.duration + TIMEOUT_MARGIN)
    cpu_after = server_cpu_seconds(arguments.server_pid)
    rate = sum(count / elapsed for _, _, count, elapsed in collected)
    rows = [row("floor.py_echo.%d" % clients, "Python client -> C echo server, %d clients" % clients, rate,
                "calls/s", "higher", clients=clients)]
    if cpu_before is not None:
        # The workers' warm-up round trips fall outside the window; the few sends after it inside are noise.
        calls = sum(count for _, _, count, _ in collected)
        rows.append(row("floor.echo_cpu.%d" % clients, "C echo server CPU per call, %d clients" % clients,
                        (cpu_after - cpu_before) * 1e6 / calls, "us", "lower", clients=clients))
    return rows


WORKLOADS = {
    "latency": latency,
    "throughput": throughput,
    "lock_counter": lock_counter,
    "queue": queue_workload,
    "payload": payload,
    "proxy_create": proxy_create,
    "new_connection": new_connection,
    "idle_rss": idle_rss,
    "floor_echo": floor_echo,
}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--address", required=True, help="Unix socket path or HOST:PORT")
    parser.add_argument("--authkey-hex", default="", help="authentication key, hex encoded")
    parser.add_argument("--server-pid", type=int, help="server process id, for CPU and RSS readings")
    parser.add_argument("--malloc-count-file", help="the server's allocation counter (Benchmarks/malloc-count)")
    parser.add_argument("--duration", type=float, default=1.0, help="seconds per timed measurement")
    parser.add_argument("--clients", type=int, default=1, help="client processes (queue: producer/consumer pairs)")
    parser.add_argument("--operations", type=int, default=1000, help="fixed operation count where one is used")
    parser.add_argument("--sizes", default="1024,1048576", help="payload sizes in bytes, comma separated")
    parser.add_argument("--label", default="unix", help="transport label for the row name")
    parser.add_argument("--only", help="latency: comma-separated subset of operations")
    arguments = parser.parse_args(argv)
    arguments.address = parse_address(arguments.address)
    arguments.authkey = bytes.fromhex(arguments.authkey_hex)
    return arguments


def main(argv):
    arguments = parse_arguments(argv)
    try:
        rows = WORKLOADS[arguments.workload](arguments)
    except BaseException as error:
        kind = "check failed" if isinstance(error, CheckFailed) else "error"
        print(json.dumps({"error": "%s: %s" % (kind, error), "traceback": traceback.format_exc()}), flush=True)
        return 1
    print(json.dumps({"rows": rows}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
