"""Send values that are cheap to send and expensive to handle, and check each gets CPython's answer quickly
while the manager keeps serving other clients.

Usage: hostile_values.py ADDRESS AUTHKEY_HEX [CASE ...]
Runs against `swift-multiprocessing serve` or CPython's own manager server (the answers are CPython's).
Prints `NAME: ok` or `NAME: FAILED reason` per case; exits 1 if any failed.
"""
import sys
import time
from multiprocessing.connection import Client
from multiprocessing.managers import SyncManager

DEADLINE = 10.0
TOO_LONG = ('Exceeds the limit (4300 digits) for integer string conversion; '
            'use sys.set_int_max_str_digits() to increase the limit')


def second_client_served(address, key):
    other = SyncManager(address=address, authkey=key)
    other.connect()
    probe = other.list([1, 2])
    assert probe[1] == 2


def nan_keys(address, key, m):
    keys = [float('nan') for _ in range(40000)]
    d = m.dict({k: i for i, k in enumerate(keys)})
    d.update({k: -i for i, k in enumerate(keys[:1000])})
    assert len(d) == 41000, len(d)
    assert d.values()[:3] == [0, 1, 2]


def index_of_huge_int(address, key, m):
    sys.set_int_max_str_digits(0)
    huge = int('1' * 40000)
    l = m.list([1, 2])
    try:
        l.index(huge)
    except ValueError as error:
        assert str(error) == TOO_LONG, str(error)[:200]
    else:
        raise AssertionError('no ValueError')


def long_int_opcode(address, key, m):
    conn = Client(address, authkey=key)
    conn.send_bytes(b'I' + b'1' * 400000 + b'\n.')
    try:
        kind, _ = conn.recv()
        assert kind == '#TRACEBACK', kind
    except EOFError:
        pass  # closing the connection is an answer too
    conn.close()


CASES = {
    'a dict of 40,000 NaN keys is stored in one request': nan_keys,
    'list.index of an int of 40,000 digits raises the int-to-text ValueError': index_of_huge_int,
    'an INT opcode of 400,000 digits is refused': long_int_opcode,
}


def main():
    address, key = sys.argv[1], bytes.fromhex(sys.argv[2])
    selected = sys.argv[3:] or list(CASES)
    m = SyncManager(address=address, authkey=key)
    m.connect()
    failed = False
    for name in selected:
        started = time.monotonic()
        try:
            CASES[name](address, key, m)
            elapsed = time.monotonic() - started
            assert elapsed < DEADLINE, 'took %.1f s' % elapsed
            second_client_served(address, key)
            print(f"{name}: ok", flush=True)
        except Exception as exc:  # noqa: BLE001
            failed = True
            print(f"{name}: FAILED {type(exc).__name__}: {exc}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
