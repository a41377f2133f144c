#!/usr/bin/env bash
# Counts the instructions the release server spends per request, with callgrind, and its RSS per idle connection.
#
# Wall-clock numbers are noisy on a shared machine; instruction counts are not. This script:
#   1. starts `.build/release/swift-multiprocessing serve` under `valgrind --tool=callgrind`;
#   2. runs a stock CPython `SyncManager` client: connect, create a dict, WARMUP warm-up calls;
#   3. zeroes the counters (`callgrind_control -z`), runs CALLS calls (half `d['k'] = 1`, half `d['k']`),
#      dumps the counters (`callgrind_control -d`);
#   4. stops the server and prints the instructions per request, total and split into the pickle codec
#      (functions of the Pickle module) and everything else, then `callgrind_annotate`'s top entries.
#
# Usage:
#   Benchmarks/profile-server.sh [calls]       # default 20000; needs a release build
#                                              # (swift build -c release --product swift-multiprocessing)
#   Benchmarks/profile-server.sh cpu [calls]   # without valgrind: server on-CPU ns per request (schedstat),
#                                              # best of ROUNDS (default 5) rounds of calls (default 50000)
#   Benchmarks/profile-server.sh rss [count]   # server RSS per idle authenticated connection (default 1000),
#                                              # no valgrind; runs Benchmarks/python/bench_client.py idle_rss
#
# Environment: SERVER (the server executable, taking `serve --unix PATH` and the key in MP_AUTHKEY; default the
# release build), PYTHON (default python3), OUT (directory for callgrind files; default .build/profile),
# WARMUP (default 2000 calls), TOP (how many callgrind_annotate lines to print; default 40).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SERVER="${SERVER:-$ROOT/.build/release/swift-multiprocessing}"
PYTHON="${PYTHON:-python3}"
OUT="${OUT:-$ROOT/.build/profile}"
TOP="${TOP:-40}"
WARMUP="${WARMUP:-2000}"
MODE="callgrind"
if [[ "${1:-}" == "rss" || "${1:-}" == "cpu" ]]; then
    MODE="$1"
    shift
fi

if [[ ! -x "$SERVER" ]]; then
    echo "no release server at $SERVER; run: swift build -c release --product swift-multiprocessing" >&2
    exit 2
fi
mkdir -p "$OUT"
WORK="$(mktemp -d)"
SOCKET="$WORK/server.sock"
KEY="$("$PYTHON" -c 'import os; print(os.urandom(32).hex())')"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_for_socket() {
    for _ in $(seq 1 600); do
        [[ -S "$SOCKET" ]] && return 0
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "the server exited:" >&2
            cat "$WORK/server.err" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "the server did not listen within 60 s" >&2
    exit 1
}

if [[ "$MODE" == "rss" ]]; then
    COUNT="${1:-1000}"
    MP_AUTHKEY="$KEY" "$SERVER" serve --unix "$SOCKET" >"$WORK/server.out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    wait_for_socket
    "$PYTHON" "$ROOT/Benchmarks/python/bench_client.py" idle_rss --address "$SOCKET" --authkey-hex "$KEY" \
        --server-pid "$SERVER_PID" --operations "$COUNT"
    exit 0
fi

if [[ "$MODE" == "cpu" ]]; then
    # Where valgrind cannot run the server (valgrind 3.19 crashes at the server's first thread) and perf has no
    # hardware counters (VMs): on-CPU nanoseconds per request from /proc/PID/task/*/schedstat, summed over the
    # server's threads, best of ROUNDS rounds of CALLS calls.
    CALLS="${1:-50000}"
    MP_AUTHKEY="$KEY" "$SERVER" serve --unix "$SOCKET" >"$WORK/server.out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    wait_for_socket
    "$PYTHON" - "$SOCKET" "$KEY" "$CALLS" "$SERVER_PID" "${ROUNDS:-5}" <<'PY'
import glob
import sys
from multiprocessing.managers import SyncManager

address, key, calls, pid, rounds = sys.argv[1], bytes.fromhex(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
manager = SyncManager(address=address, authkey=key)
manager.connect()
d = manager.dict()


def on_cpu_ns():
    total = 0
    for path in glob.glob("/proc/%s/task/*/schedstat" % pid):
        with open(path) as stat:
            total += int(stat.read().split()[0])
    return total


def run(count):
    for _ in range(count // 2):
        d['k'] = 1
        if d['k'] != 1:
            raise SystemExit("wrong reply")


run(2000)
results = []
for _ in range(rounds):
    start = on_cpu_ns()
    run(calls)
    results.append((on_cpu_ns() - start) / calls)
print("server on-CPU ns per request: best %.0f, median %.0f (rounds: %s)"
      % (min(results), sorted(results)[len(results) // 2], ", ".join("%.0f" % r for r in results)))
PY
    exit 0
fi

CALLS="${1:-20000}"
PREFIX="$OUT/callgrind.out"
rm -f "$PREFIX".*
# Valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes: profile a copy without debug info (the symbol
# table stays, so functions keep their names).
strip --strip-debug -o "$WORK/server" "$SERVER"
MP_AUTHKEY="$KEY" valgrind --tool=callgrind --callgrind-out-file="$PREFIX" --dump-instr=no \
    "$WORK/server" serve --unix "$SOCKET" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
wait_for_socket

# After the warm-up the client creates WORK/warm, then blocks on the fifo WORK/go until the counters are zeroed.
mkfifo "$WORK/go"
"$PYTHON" - "$SOCKET" "$KEY" "$WARMUP" "$CALLS" "$WORK" <<'PY' &
import sys
from multiprocessing.managers import SyncManager

address, key, work = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[5]
warmup, calls = int(sys.argv[3]), int(sys.argv[4])
manager = SyncManager(address=address, authkey=key)
manager.connect()
d = manager.dict()


def run(count):
    for _ in range(count // 2):
        d['k'] = 1
        if d['k'] != 1:
            raise SystemExit("wrong reply")


run(warmup)
open(work + "/warm", "w").close()
with open(work + "/go") as fifo:
    fifo.readline()
run(calls)
PY
CLIENT_PID=$!
echo "# warming up ($WARMUP calls)" >&2
until [[ -e "$WORK/warm" ]]; do
    if ! kill -0 "$CLIENT_PID" 2>/dev/null; then
        echo "the client exited during the warm-up" >&2
        exit 1
    fi
    sleep 0.2
done
callgrind_control -z "$SERVER_PID" >/dev/null
echo "# measuring ($CALLS calls)" >&2
echo go >"$WORK/go"
wait "$CLIENT_PID"
callgrind_control -d "$SERVER_PID" >/dev/null
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=""

# The measured counts are in the dump `-d` wrote: PREFIX.1 (PREFIX itself holds what ran after it).
DUMP="$PREFIX.1"
[[ -f "$DUMP" ]] || { echo "no callgrind dump at $DUMP" >&2; ls "$OUT" >&2; exit 1; }
DEMANGLE="cat"
if command -v swift-demangle >/dev/null 2>&1; then DEMANGLE="swift-demangle --simplified"; fi
callgrind_annotate --inclusive=no --threshold=100 "$DUMP" 2>/dev/null | $DEMANGLE >"$OUT/annotate.txt"
"$PYTHON" - "$OUT/annotate.txt" "$CALLS" <<'PY'
import re
import sys

path, calls = sys.argv[1], int(sys.argv[2])
total = pickle = 0
for line in open(path):
    match = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(\S.*)$", line) or re.match(r"\s*([\d,]+)\s+(\S.*)$", line)
    if not match:
        continue
    count, name = int(match.group(1).replace(",", "")), match.group(2)
    if "PROGRAM TOTALS" in name:
        print("program total: %.0f instructions per request" % (count / calls))
        continue
    if ":" not in name:
        continue
    total += count
    # Functions of the Pickle module: demangled as `Pickle.`, or sources under Sources/Pickle/.
    if "Sources/Pickle/" in name or re.search(r"(^|[^A-Za-z])Pickle\.", name):
        pickle += count
print("instructions per request (server, all threads): %.0f total, %.0f pickle codec, %.0f outside pickle"
      % (total / calls, pickle / calls, (total - pickle) / calls))
PY
echo "# top entries (self cost); full listing in $OUT/annotate.txt" >&2
grep -A "$TOP" "file:function" "$OUT/annotate.txt" | cut -c1-220
