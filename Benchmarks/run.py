#!/usr/bin/env python3
"""The swift-multiprocessing benchmark: one command, both servers, the floors, one table, one JSON file.

    python3 Benchmarks/run.py [--quick] [--json PATH] [--no-build] [--ours-cmd TEMPLATE] [--only SUBSTRING]

Builds the release server (`swift build -c release --product swift-multiprocessing`), starts CPython's own
SyncManager server and ours on fresh Unix sockets and on TCP 127.0.0.1 with random keys, runs every Python-client
workload against both in the same run (CPython first, then ours, workload by workload), the Swift-client workloads
if `.build/release/swift-multiprocessing-benchmark` exists, the floors (a C socket ping-pong and a Python client
against a C echo server) and the idle-connection memory measurement, then prints one table and writes JSON.
Every workload checks its result: a wrong answer is a failure, not a number. See Benchmarks/README.md.

Exit status: 0 when every workload produced a checked result (missed targets are reported, not fatal, unless
--strict), 1 when a workload failed or a server misbehaved, 2 when the "ours" server was unavailable.
"""

import argparse
import binascii
import json
import os
import platform
import re
import selectors
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks")
CLIENT = os.path.join(BENCH, "python", "bench_client.py")
CPYTHON_SERVER = os.path.join(BENCH, "python", "cpython_server.py")
RELEASE = os.path.join(ROOT, ".build", "release")
SWIFT_BENCHMARK = os.path.join(RELEASE, "swift-multiprocessing-benchmark")
DEFAULT_OURS = "{root}/.build/release/swift-multiprocessing serve {listen} --authkey-hex {authkey_hex}"
CPYTHON_CMD = "{python} {root}/Benchmarks/python/cpython_server.py serve {listen} --authkey-hex {authkey_hex}"
SERVERS = ("cpython", "ours")
KIB, MIB = 1 << 10, 1 << 20

# Parameters of the full and the quick run. The quick run keeps every workload and every client count. Workloads
# marked repeated in the plan run `repeats` times, alternating which server goes first; the median is reported.
PROFILES = {
    "full": {"repeats": 3, "latency": 1.0, "throughput": 1.5, "counter_clients": 8, "counter_increments": 1000,
             "queue_pairs": 2, "queue_items": 5000,
             "sizes": [KIB, 16 * KIB, 256 * KIB, MIB, 4 * MIB, 16 * MIB], "payload": 0.6,
             "proxy": 1.5, "connection": 1.0, "idle": 1000, "floor": 1.5, "pingpong": 200000,
             "swift_timeout": 600},
    "quick": {"repeats": 1, "latency": 0.2, "throughput": 0.3, "counter_clients": 8, "counter_increments": 60,
              "queue_pairs": 2, "queue_items": 400, "sizes": [KIB, MIB, 16 * MIB], "payload": 0.1,
              "proxy": 0.2, "connection": 0.2, "idle": 1000, "floor": 0.3, "pingpong": 30000,
              "swift_timeout": 120},
}
THROUGHPUT_CLIENTS = (1, 2, 4, 8, 16, 32, 64)
FLOOR_CLIENTS = (1, 8, 16, 32, 64)


def target_for(workload):
    """The issue's target for a workload as (kind, number), or None. Kinds are explained in the README."""
    single = r"py\.latency\.(dict_set|dict_get|list_append|value_get)"
    if re.fullmatch(single, workload):
        return ("floor_max", 1.1)
    if workload in ("py.latency.lock", "py.latency.queue"):
        return ("floor_max", 2.2)
    if workload.startswith("py.server_cpu."):
        return ("ratio_max", 0.4)
    if workload.startswith("py.server_allocs."):
        return ("abs_max", 3.0)
    match = re.fullmatch(r"py\.throughput\.dict_set\.(\d+)", workload)
    if match and int(match.group(1)) >= 8:
        return ("floor_min", 0.9)
    if workload.startswith(("py.lock_counter.", "py.queue.")):
        return ("ratio_min", 2.5)
    if workload.startswith("py.payload."):
        return ("ratio_min", 1.2)
    if workload == "py.new_connection.tcp":
        return ("abs_max", 1500.0)
    if workload == "py.idle_rss":
        return ("abs_max", 64.0)
    if workload.endswith(".switches"):
        return None
    if workload.startswith(("swift.latency.", "swift.loop.latency.", "swift.nio.latency.")):
        return ("floor_max", 1.3)
    if workload.startswith(("swift.pipelined", "swift.loop.pipelined", "swift.nio.pipelined")):
        return ("abs_min", 500000.0)
    return None


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Building


def build(arguments):
    """Builds the release products the run needs; returns a list of warnings."""
    warnings = []
    if arguments.no_build:
        return warnings
    products = [] if arguments.ours_cmd else ["swift-multiprocessing"]
    with open(os.path.join(ROOT, "Package.swift")) as package:
        if '"swift-multiprocessing-benchmark"' in package.read():
            products.append("swift-multiprocessing-benchmark")
    for product in products:
        log("building %s (release) ..." % product)
        started = time.monotonic()
        result = subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT)
        if result.returncode != 0:
            warnings.append("`swift build -c release --product %s` failed (status %d); its rows are skipped. "
                            "Pass --ours-cmd TEMPLATE to benchmark another server, or --no-build to use what is "
                            "already in .build/release." % (product, result.returncode))
            log("WARNING: " + warnings[-1])
        else:
            log("built %s in %.0f s" % (product, time.monotonic() - started))
    return warnings


def compile_floors(directory):
    binaries = {}
    for name, flags in (("pingpong", []), ("echo_server", ["-pthread"])):
        output = os.path.join(directory, name)
        source = os.path.join(BENCH, "floor", name + ".c")
        subprocess.run(["cc", "-O2", "-o", output, source] + flags, check=True)
        binaries[name] = output
    counter = os.path.join(directory, "malloc_count.so")
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", counter, os.path.join(BENCH, "malloc-count", "malloc_count.c")],
                   check=True)
    binaries["malloc_count"] = counter
    return binaries


# ---------------------------------------------------------------------------------------------------------------
# Servers


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A server process started from a command template, ready once it printed `listening on ADDRESS`."""

    def __init__(self, name, template, transport, directory, authkey_hex, python, malloc_counter=None):
        """`malloc_counter`, the path of Benchmarks/malloc-count's library, makes the server count its heap
        allocations into `malloc_count_file` (read by the client around each latency workload)."""
        self.name = name
        self.transport = transport
        self.process = None
        self.error = None
        if transport == "unix":
            requested = os.path.join(directory, "%s.sock" % name)
            listen = "--unix %s" % shlex.quote(requested)
        else:
            requested = "127.0.0.1:%d" % free_tcp_port()
            listen = "--tcp %s" % requested
        self.address = requested
        self.command = template.format(root=shlex.quote(ROOT), python=shlex.quote(python), listen=listen,
                                       authkey_hex=authkey_hex)
        self.stderr_path = os.path.join(directory, "%s-%s.stderr" % (name, transport))
        self.environment = None
        self.malloc_count_file = None
        if malloc_counter is not None:
            self.malloc_count_file = os.path.join(directory, "%s-%s.mallocs" % (name, transport))
            self.environment = dict(os.environ, LD_PRELOAD=malloc_counter, MALLOC_COUNT_FILE=self.malloc_count_file)

    def start(self, timeout=30.0):
        try:
            with open(self.stderr_path, "wb") as stderr:
                self.process = subprocess.Popen(shlex.split(self.command), cwd=ROOT, stdout=subprocess.PIPE,
                                                stderr=stderr, stdin=subprocess.DEVNULL, env=self.environment)
        except OSError as error:
            self.error = "cannot start `%s`: %s" % (self.command, error)
            return False
        line = self._read_line(timeout)
        if line is None or not line.startswith("listening on "):
            status = self.process.poll()
            how = ("exited with status %d" % status) if status is not None else ("did not finish within %.0f s"
                                                                                 % timeout)
            self.error = ("`%s` %s without printing `listening on ADDRESS` (first line: %r)%s"
                          % (self.command, how, line, self.stderr_tail()))
            self.stop()
            return False
        printed = line[len("listening on "):].strip()
        if self.transport == "unix" and printed.startswith("/"):
            self.address = printed
        elif self.transport == "tcp":
            match = re.search(r"(\d+\.\d+\.\d+\.\d+)\D+(\d+)\D*$", printed)
            if match:
                self.address = "%s:%s" % (match.group(1), match.group(2))
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        return True

    def _read_line(self, timeout):
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        data = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                return None
            chunk = os.read(self.process.stdout.fileno(), 1)
            if not chunk:
                break
            data += chunk
        selector.close()
        return data.decode(errors="replace").strip() if data else None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stderr_tail(self):
        try:
            with open(self.stderr_path, "rb") as stderr:
                text = stderr.read()[-1500:].decode(errors="replace").strip()
        except OSError:
            return ""
        return ("; stderr: " + text) if text else ""

    def stop(self):
        """Sends SIGTERM and returns the exit status (None if it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


# ---------------------------------------------------------------------------------------------------------------
# Running workloads


class Results:
    def __init__(self):
        self.rows = []          # {"workload", "server", "value", "unit", "better", "title", "extra"}
        self.failures = []      # {"workload", "server", "error"}

    def add_rows(self, server, rows):
        for entry in rows:
            entry = dict(entry)
            entry["server"] = server
            self.rows.append(entry)

    def fail(self, workload, server, error):
        self.failures.append({"workload": workload, "server": server, "error": error})
        log("FAILED %s [%s]: %s" % (workload, server, error.splitlines()[0] if error else ""))


def run_client(python, workload, address, authkey_hex, server_pid, options, timeout, malloc_count_file=None):
    command = [python, CLIENT, workload, "--address", address, "--authkey-hex", authkey_hex]
    if server_pid is not None:
        command += ["--server-pid", str(server_pid)]
    if malloc_count_file is not None:
        command += ["--malloc-count-file", malloc_count_file]
    command += [str(option) for option in options]
    try:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out after %.0f s: %s" % (timeout, " ".join(command))
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        return None, "no JSON from the client (status %d): %s" % (result.returncode, result.stderr[-2000:])
    if "error" in report:
        return None, report["error"] + "\n" + report.get("traceback", "")
    return report["rows"], None


def workload_plan(profile):
    """Every Python-client workload as (name, client workload, transport, options, repeated)."""
    plan = [("py.latency", "latency", "unix", ["--duration", profile["latency"]], True)]
    for clients in THROUGHPUT_CLIENTS:
        plan.append(("py.throughput.dict_set.%d" % clients, "throughput", "unix",
                     ["--clients", clients, "--duration", profile["throughput"]], True))
    plan += [
        ("py.lock_counter", "lock_counter", "unix",
         ["--clients", profile["counter_clients"], "--operations", profile["counter_increments"]], True),
        ("py.queue", "queue", "unix",
         ["--clients", profile["queue_pairs"], "--operations", profile["queue_items"]], True),
        ("py.payload", "payload", "unix",
         ["--sizes", ",".join(str(size) for size in profile["sizes"]), "--duration", profile["payload"]], True),
        ("py.proxy_create.unix", "proxy_create", "unix", ["--label", "unix", "--duration", profile["proxy"]], False),
        ("py.proxy_create.tcp", "proxy_create", "tcp", ["--label", "tcp", "--duration", profile["proxy"]], False),
        ("py.new_connection.unix", "new_connection", "unix",
         ["--label", "unix", "--duration", profile["connection"]], False),
        ("py.new_connection.tcp", "new_connection", "tcp",
         ["--label", "tcp", "--duration", profile["connection"]], False),
        ("py.idle_rss", "idle_rss", "unix", ["--operations", profile["idle"]], False),
    ]
    return plan


def run_floors(arguments, profile, binaries, directory, results):
    for repeat in range(profile["repeats"]):
        log("floor: C ping-pong (%d) ..." % (repeat + 1))
        result = subprocess.run([binaries["pingpong"], str(profile["pingpong"])], capture_output=True, text=True,
                                timeout=300)
        if result.returncode == 0:
            rtt = json.loads(result.stdout)["rtt_us"]
            results.add_rows("floor", [{"workload": "floor.pingpong", "title": "C 64-byte Unix socket round trip",
                                        "value": rtt, "unit": "us", "better": "lower", "extra": {}}])
        else:
            results.fail("floor.pingpong", "floor", result.stderr.strip())
    path = os.path.join(directory, "echo.sock")
    echo = subprocess.Popen([binaries["echo_server"], path], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        line = echo.stdout.readline().decode().strip()
        if not line.startswith("listening on"):
            results.fail("floor.py_echo", "floor", "echo server did not start: %r" % line)
            return
        for repeat, clients in [(repeat, clients) for repeat in range(profile["repeats"]) for clients in FLOOR_CLIENTS]:
            log("floor: Python client -> C echo server, %d clients (%d) ..." % (clients, repeat + 1))
            rows, error = run_client(arguments.python, "floor_echo", path, "", echo.pid,
                                     ["--clients", clients, "--duration", profile["floor"]], 300)
            if error:
                results.fail("floor.py_echo.%d" % clients, "floor", error)
            else:
                results.add_rows("floor", rows)
    finally:
        echo.terminate()
        echo.wait()


def run_swift_clients(arguments, servers, authkey_hex, results):
    if not os.path.exists(SWIFT_BENCHMARK):
        log("Swift-client rows skipped: %s does not exist yet" % SWIFT_BENCHMARK)
        return False
    # Each server twice: with Swift Concurrency's default executor (every workload, then the single calls and
    # pipelining again from tasks on the connection's event loop, rows named swift.loop.*), then with NIO's event
    # loops as the global executor (single calls and pipelining only, rows named swift.nio.*). Each single-call row
    # comes with a .switches row: the client process's context switches per call.
    for name, executor in [(name, executor) for executor in ("default", "nio") for name in SERVERS]:
        unix, tcp = servers.get((name, "unix")), servers.get((name, "tcp"))
        if unix is None or not unix.alive():
            continue
        output = os.path.join(arguments.temporary, "swift-%s-%s.json" % (name, executor))
        command = [SWIFT_BENCHMARK, "--address", unix.address, "--authkey-hex", authkey_hex, "--json", output]
        if tcp is not None and tcp.alive() and executor == "default":
            command += ["--tcp-address", tcp.address]
        if arguments.quick:
            command.append("--quick")
        if executor == "nio":
            command.append("--nio-executor")
        log("swift clients (%s executor) -> %s ..." % (executor, name))
        try:
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                    timeout=PROFILES["quick" if arguments.quick else "full"]["swift_timeout"])
        except subprocess.TimeoutExpired:
            results.fail("swift", name, "swift-multiprocessing-benchmark timed out")
            continue
        try:
            with open(output) as handle:
                document = json.load(handle)
        except (OSError, ValueError) as error:
            results.fail("swift", name, "no JSON from swift-multiprocessing-benchmark (status %d, %s): %s"
                         % (result.returncode, error, result.stderr[-2000:]))
            continue
        rows = document["rows"] if isinstance(document, dict) else document
        for entry in rows:
            if entry.get("ok", True) is False or "error" in entry:
                results.fail(entry.get("workload", "swift"), name, entry.get("error", "check failed"))
            else:
                entry.setdefault("title", entry["workload"])
                entry.setdefault("extra", {})
                results.add_rows(name, [entry])
        if result.returncode != 0:
            results.fail("swift", name, "swift-multiprocessing-benchmark exited %d: %s"
                         % (result.returncode, result.stderr[-2000:]))
    return True


# ---------------------------------------------------------------------------------------------------------------
# Table


def format_value(value, unit):
    if value is None:
        return "-"
    if abs(value) >= 100000:
        text = "%.0fk" % (value / 1000)
    elif abs(value) >= 100:
        text = "%.0f" % value
    elif abs(value) >= 10:
        text = "%.1f" % value
    else:
        text = "%.2f" % value
    return "%s %s" % (text, unit)


def floor_for(workload, floors):
    """The floor a workload is read against, as (value, unit), or None."""
    if workload.startswith("py.latency.") and "floor.py_echo.1" in floors:
        return 1e6 / floors["floor.py_echo.1"]
    match = re.fullmatch(r"py\.throughput\.dict_set\.(\d+)", workload)
    if match and "floor.py_echo.%s" % match.group(1) in floors:
        return floors["floor.py_echo.%s" % match.group(1)]
    if workload.startswith("py.server_cpu.") and "floor.echo_cpu.1" in floors:
        return floors["floor.echo_cpu.1"]
    if workload.endswith(".switches"):
        return None
    if workload.startswith(("swift.latency.", "swift.loop.latency.", "swift.nio.latency.")) and "floor.pingpong" in floors:
        # Lock acquire+release and Queue put+get are two round trips.
        round_trips = 2 if workload.endswith((".lock", ".queue")) else 1
        return round_trips * floors["floor.pingpong"]
    return None


def merge_samples(rows):
    """One row per (workload, server): the median of its samples, every sample kept in extra["samples"]."""
    grouped = {}
    for entry in rows:
        grouped.setdefault((entry["workload"], entry["server"]), []).append(entry)
    merged = []
    for samples in grouped.values():
        ordered = sorted(samples, key=lambda entry: entry["value"])
        middle = dict(ordered[(len(ordered) - 1) // 2] if len(ordered) % 2 else ordered[len(ordered) // 2])
        if len(ordered) > 1:
            middle["value"] = statistics.median(entry["value"] for entry in samples)
            values = [entry["value"] for entry in samples]
            best = min(values) if middle.get("better") == "lower" else max(values)
            middle["extra"] = dict(middle.get("extra", {}), samples=values, best=best)
        merged.append(middle)
    return merged


def build_table(results):
    floors = {entry["workload"]: entry["value"] for entry in results.rows if entry["server"] == "floor"}
    by_key = {}
    order = []
    for entry in results.rows:
        if entry["server"] == "floor":
            continue
        if entry["workload"] not in by_key:
            order.append(entry["workload"])
            by_key[entry["workload"]] = {}
        by_key[entry["workload"]][entry["server"]] = entry
    failed = {(failure["workload"], failure["server"]) for failure in results.failures}
    table = []
    for workload in order:
        cells = by_key[workload]
        first = cells.get("cpython") or cells.get("ours")
        cpython = cells.get("cpython", {}).get("value")
        ours = cells.get("ours", {}).get("value")
        ratio = ours / cpython if ours is not None and cpython else None
        declared = first.get("target")
        target = (declared["kind"], declared["value"]) if isinstance(declared, dict) else target_for(workload)
        floor = floor_for(workload, floors)
        verdict, target_text = "", ""
        if target is not None:
            kind, number = target
            target_text = {"ratio_max": "<= %.2gx", "ratio_min": ">= %.2gx", "abs_max": "<= %g",
                           "abs_min": ">= %g", "floor_max": "<= %.2gx floor",
                           "floor_min": ">= %.2gx floor"}[kind] % number
            if ours is None:
                verdict = "n/a"
            else:
                if kind == "ratio_max":
                    met = ratio is not None and ratio <= number
                elif kind == "ratio_min":
                    met = ratio is not None and ratio >= number
                elif kind == "abs_max":
                    met = ours <= number
                elif kind == "abs_min":
                    met = ours >= number
                elif kind == "floor_min":
                    met = floor is not None and ours >= number * floor
                else:
                    met = floor is not None and ours <= number * floor
                verdict = "PASS" if met else "MISS"
        if any((prefix, server) in failed for server in SERVERS for prefix in (workload, workload.rsplit(".", 1)[0])):
            verdict = "FAIL"
        table.append({"workload": workload, "title": first.get("title", workload), "unit": first["unit"],
                      "better": first["better"], "cpython": cpython, "ours": ours, "ratio": ratio,
                      "target": target_text, "verdict": verdict, "floor": floor,
                      "cpython_vs_floor": cpython / floor if floor and cpython is not None else None,
                      "ours_vs_floor": ours / floor if floor and ours is not None else None})
    for failure in results.failures:
        if failure["workload"] not in by_key and failure["server"] != "floor":
            table.append({"workload": failure["workload"], "title": failure["workload"], "unit": "", "better": "",
                          "cpython": None, "ours": None, "ratio": None, "target": "", "verdict": "FAIL",
                          "floor": None, "cpython_vs_floor": None, "ours_vs_floor": None})
            by_key[failure["workload"]] = {}
    return floors, table


def print_table(floors, table, results):
    out = sys.stdout
    out.write("\nFloors (what this machine can do)\n")
    for entry in results.rows:
        if entry["server"] == "floor":
            out.write("  %-52s %14s\n" % (entry["title"], format_value(entry["value"], entry["unit"])))
    for failure in results.failures:
        if failure["server"] == "floor":
            out.write("  %-52s %14s\n" % (failure["workload"], "FAILED"))
    header = "%-44s %14s %14s %8s %15s %7s %13s" % ("workload", "CPython", "ours", "ours/C", "target", "verdict",
                                                  "xfloor C/ours")
    out.write("\n" + header + "\n" + "-" * len(header) + "\n")
    for line in table:
        ratio = "%.2fx" % line["ratio"] if line["ratio"] is not None else "-"
        multiple = ""
        if line["floor"]:
            multiple = "/".join("%.2f" % v if v is not None else "-"
                                for v in (line["cpython_vs_floor"], line["ours_vs_floor"]))
        out.write("%-44s %14s %14s %8s %15s %7s %13s\n" % (
            line["title"][:44], format_value(line["cpython"], line["unit"]), format_value(line["ours"], line["unit"]),
            ratio, line["target"], line["verdict"], multiple))
    out.write("\nxfloor: latency rows are divided by the floor's time per call (Python rows: the Python echo client "
              "with 1 process;\nSwift rows: the C ping-pong); throughput rows by the echo floor at the same client "
              "count (1, 8, 64).\n")
    if results.failures:
        out.write("\nFailures (wrong answers or errors):\n")
        for failure in results.failures:
            out.write("  %s [%s]: %s\n" % (failure["workload"], failure["server"], failure["error"].strip()[:2000]))
    out.flush()


# ---------------------------------------------------------------------------------------------------------------


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run, under a minute")
    parser.add_argument("--json", default=os.path.join(ROOT, ".build", "benchmarks", "results.json"),
                        help="where to write the JSON results (default: .build/benchmarks/results.json)")
    parser.add_argument("--no-build", action="store_true", help="use what is already in .build/release")
    parser.add_argument("--ours-cmd", help="command template for the 'ours' server; placeholders {listen} "
                        "(--unix PATH or --tcp HOST:PORT), {authkey_hex}, {python}, {root}. Default: " + DEFAULT_OURS)
    parser.add_argument("--python", default=sys.executable, help="interpreter for the clients and CPython's server")
    parser.add_argument("--only", help="run only workloads whose name contains this text (floors always run)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary directory (server logs)")
    return parser.parse_args(argv)


def main(argv):
    arguments = parse_arguments(argv)
    profile = PROFILES["quick" if arguments.quick else "full"]
    started = time.monotonic()
    warnings = build(arguments)
    arguments.temporary = tempfile.mkdtemp(prefix="smp-bench-")
    directory = arguments.temporary
    authkey_hex = binascii.hexlify(os.urandom(32)).decode()
    ours_template = arguments.ours_cmd or DEFAULT_OURS
    if arguments.ours_cmd is None and not os.path.exists(os.path.join(RELEASE, "swift-multiprocessing")):
        warnings.append("%s/swift-multiprocessing does not exist: the 'ours' column is empty. Build it, or pass "
                        "--ours-cmd TEMPLATE." % RELEASE)
        ours_template = None
    results = Results()
    load_start = os.getloadavg()
    if load_start[0] > (os.cpu_count() or 1) * 0.75:
        warnings.append("load average %.1f on %d CPUs at start: other work is running, numbers will be noisy"
                        % (load_start[0], os.cpu_count() or 1))
    servers = {}
    ours_available = False
    exit_statuses = {}
    try:
        binaries = compile_floors(directory)
        for name, template in (("cpython", CPYTHON_CMD), ("ours", ours_template)):
            if template is None:
                continue
            for transport in ("unix", "tcp"):
                # Only our server's allocations are counted: CPython's come mostly from its own allocator.
                counter = binaries["malloc_count"] if name == "ours" else None
                server = Server(name, template, transport, directory, authkey_hex, arguments.python, counter)
                if server.start():
                    servers[(name, transport)] = server
                    log("%s server on %s (pid %d)" % (name, server.address, server.pid))
                else:
                    results.fail("server start (%s)" % transport, name, server.error)
        ours_available = any(name == "ours" for name, _ in servers)
        run_floors(arguments, profile, binaries, directory, results)
        plan = [(repeat, step) for repeat in range(profile["repeats"]) for step in workload_plan(profile)
                if step[4] or repeat == 0]
        for repeat, (workload, client_workload, transport, options, _) in plan:
            if arguments.only and arguments.only not in workload:
                continue
            for name in (SERVERS if repeat % 2 == 0 else tuple(reversed(SERVERS))):
                server = servers.get((name, transport))
                if server is None:
                    continue
                log("%s -> %s (%d) ..." % (workload, name, repeat + 1))
                if not server.alive():
                    results.fail(workload, name, "server is not running (exit status %s)%s"
                                 % (server.process.returncode, server.stderr_tail()))
                    continue
                rows, error = run_client(arguments.python, client_workload, server.address, authkey_hex,
                                         server.pid, options, 600, server.malloc_count_file)
                if error:
                    if not server.alive():
                        error += "\n(the server exited with status %s%s)" % (server.process.returncode,
                                                                            server.stderr_tail())
                    results.fail(workload, name, error)
                else:
                    results.add_rows(name, rows)
        if not arguments.only or "swift" in arguments.only:
            run_swift_clients(arguments, servers, authkey_hex, results)
    finally:
        for (name, transport), server in servers.items():
            status = server.stop()
            exit_statuses["%s/%s" % (name, transport)] = status
            if status != 0:
                results.fail("exit 0 on SIGTERM (%s)" % transport, name,
                             "server exited with status %s after SIGTERM%s" % (status, server.stderr_tail()))
        if not arguments.keep_temp:
            shutil.rmtree(directory, ignore_errors=True)
    results.rows = merge_samples(results.rows)
    floors, table = build_table(results)
    print_table(floors, table, results)
    elapsed = time.monotonic() - started
    for warning in warnings:
        print("WARNING: " + warning)
    print("\n%s run finished in %.0f s; JSON: %s" % ("quick" if arguments.quick else "full", elapsed, arguments.json))
    document = {
        "meta": {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": arguments.quick,
                 "elapsed_s": elapsed, "host": platform.node(), "cpus": os.cpu_count(),
                 "platform": platform.platform(), "python": sys.version.split()[0],
                 "client_python": arguments.python, "ours_cmd": ours_template, "cpython_cmd": CPYTHON_CMD,
                 "loadavg_start": load_start, "loadavg_end": os.getloadavg(), "warnings": warnings,
                 "server_exit_status": exit_statuses},
        "floors": floors,
        "rows": results.rows,
        "table": table,
        "failures": results.failures,
    }
    os.makedirs(os.path.dirname(os.path.abspath(arguments.json)), exist_ok=True)
    with open(arguments.json, "w") as handle:
        json.dump(document, handle, indent=2)
    if results.failures:
        return 1
    if not ours_available:
        return 2
    if arguments.strict and any(line["verdict"] == "MISS" for line in table):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
