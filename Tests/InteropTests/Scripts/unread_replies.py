"""Clients that write requests without reading replies, or queue large requests behind a parked call.

Usage: unread_replies.py ADDRESS AUTHKEY_HEX SERVER_PID
Prints one line per case, `NAME: ok (...)` or `NAME: FAILED reason`, and exits 1 if any failed. The server's
peak resident memory during each case (VmHWM in /proc/PID/status, reset through /proc/PID/clear_refs before it)
must stay within GROWTH_LIMIT of its resident memory before the case. Every case then checks that the server
still serves a new client, and that the connection that misbehaved still works once it reads its replies.
"""
import sys
import threading
import time
from multiprocessing.connection import Client
from multiprocessing.managers import SyncManager

DEADLINE = 60.0
MIB = 1 << 20
# Unbounded buffering would take about 64 MiB (case a: 1000 replies of 64 KiB) or 300 MiB (case b). The server
# pauses reading at 1 MiB of unsent replies and at 4 MiB or 1024 queued requests, so it should stay far below.
GROWTH_LIMIT = 32 * MIB


def status_kib(pid, field):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    raise AssertionError(f'no {field} in /proc/{pid}/status')


def reset_peak(pid):
    with open(f'/proc/{pid}/clear_refs', 'w') as f:
        f.write('5')


def method_channel(address, key):
    conn = Client(address, authkey=key)
    conn.send((None, 'accept_connection', ('unread-replies',), {}))
    assert conn.recv() == ('#RETURN', None)
    return conn


def send_in_background(conn, requests):
    """Writes `requests` from a thread (the server may stop reading, which blocks the writes) and returns it."""
    failures = []
    sent = [0]

    def run():
        try:
            for request in requests:
                conn.send(request)
                sent[0] += 1
        except Exception as error:  # reported by the caller
            failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.failures = failures
    thread.sent = sent
    thread.start()
    return thread


def wait_until_stalled(sender):
    """Waits (bounded) until `sender` has finished or has sent nothing for 0.5 s: the server stopped reading."""
    deadline = time.monotonic() + DEADLINE
    while sender.is_alive() and time.monotonic() < deadline:
        count = sender.sent[0]
        sender.join(0.5)
        if sender.sent[0] == count:
            return


def receive(conn, what):
    """The next message on `conn`, waiting at most DEADLINE for it."""
    if not conn.poll(DEADLINE):
        raise AssertionError(f'{what} did not arrive')
    return conn.recv()


def still_works(conn, request, reply, address, key):
    """The misbehaving connection answers one more request, then closes; a new client is served."""
    conn.send(request)
    assert receive(conn, 'the reply to a request after the others') == reply
    conn.close()
    served_afterwards(address, key)


def served_afterwards(address, key):
    manager = SyncManager(address=address, authkey=key)
    manager.connect()
    fresh = manager.list([1, 2, 3])
    fresh.append(4)
    assert fresh[:] == [1, 2, 3, 4], fresh[:]


def unread_getvalue(address, key, pid):
    """1000 `#GETVALUE` requests on a 64 KiB list, written before any reply is read."""
    manager = SyncManager(address=address, authkey=key)
    manager.connect()
    chunks = [bytes([k]) * 6554 for k in range(10)]
    shared = manager.list(chunks)
    ident = shared._token.id
    requests = []
    expected = []
    for index in range(1000):
        requests.append((ident, '#GETVALUE', (), {}))
        expected.append(('#RETURN', chunks))
        if index % 100 == 99:
            marker = index // 100
            requests.append((ident, '__getitem__', (marker,), {}))
            expected.append(('#RETURN', chunks[marker]))
    conn = method_channel(address, key)
    before = status_kib(pid, 'VmRSS')
    reset_peak(pid)
    sender = send_in_background(conn, requests)
    # The server stops reading once its replies back up (as CPython's does, whose thread blocks in `send`), so
    # the writes may stall too; another client is served meanwhile.
    wait_until_stalled(sender)
    stalled_at = sender.sent[0]
    served_afterwards(address, key)
    peak = status_kib(pid, 'VmHWM')
    for position, want in enumerate(expected):
        got = receive(conn, f'reply {position}')
        assert got == want, f'reply {position}: {got!r:.120}'
    sender.join(DEADLINE)
    assert not sender.is_alive() and not sender.failures, sender.failures
    still_works(conn, (ident, '__len__', (), {}), ('#RETURN', 10), address, key)
    growth = peak - before
    assert growth < GROWTH_LIMIT, f'the server grew by {growth / MIB:.1f} MiB'
    return (f'{before / MIB:.1f} MiB before, writes stalled after {stalled_at} of {len(requests)} requests, '
            f'peak {peak / MIB:.1f} MiB, growth {growth / MIB:.1f} MiB')


def big_requests_behind_parked_get(address, key, pid):
    """A `Queue.get` parks on one connection; 300 requests of 1 MiB are written behind it."""
    manager = SyncManager(address=address, authkey=key)
    manager.connect()
    queue = manager.Queue()
    ident = queue._token.id
    conn = method_channel(address, key)
    before = status_kib(pid, 'VmRSS')
    reset_peak(pid)
    conn.send((ident, 'get', (), {}))
    payload = b'x' * MIB
    # `qsize` takes no argument: each request is answered with a TypeError and stores nothing.
    sender = send_in_background(conn, [(ident, 'qsize', (payload,), {}) for _ in range(300)])
    # The writes stall once the server stops reading; it must keep serving others meanwhile.
    wait_until_stalled(sender)
    served_afterwards(address, key)
    stalled_peak = status_kib(pid, 'VmHWM')
    assert sender.is_alive(), 'all 300 MiB were taken in while a call was parked'
    stalled_at = sender.sent[0]
    queue.put('wake')
    assert receive(conn, 'the reply to the parked get') == ('#RETURN', 'wake')
    for position in range(300):
        kind, error = receive(conn, f'reply {position} to the queued requests')
        assert kind == '#ERROR' and isinstance(error, TypeError), (kind, error)
    sender.join(DEADLINE)
    assert not sender.is_alive() and not sender.failures, sender.failures
    still_works(conn, (ident, 'qsize', (), {}), ('#RETURN', 0), address, key)
    growth = stalled_peak - before
    assert growth < GROWTH_LIMIT, f'the server grew by {growth / MIB:.1f} MiB while the call was parked'
    total = status_kib(pid, 'VmHWM') - before
    return (f'{before / MIB:.1f} MiB before, writes stalled after {stalled_at} requests, peak while parked '
            f'{stalled_peak / MIB:.1f} MiB (growth {growth / MIB:.1f} MiB), overall peak growth {total / MIB:.1f} MiB')


def main():
    address, key, pid = sys.argv[1], bytes.fromhex(sys.argv[2]), int(sys.argv[3])
    failed = False
    for case in (unread_getvalue, big_requests_behind_parked_get):
        try:
            figures = case(address, key, pid)
            print(f'{case.__name__}: ok ({figures})', flush=True)
        except Exception as error:
            failed = True
            print(f'{case.__name__}: FAILED {type(error).__name__}: {error}', flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
