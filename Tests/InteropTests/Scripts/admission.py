"""Admission before authentication against a manager: silent sockets, a flood beyond the pending cap,
descriptor exhaustion and a handshake frame with a forged log line. Each case then checks that a client holding
the key is still served.

Usage: admission.py CASE ADDRESS AUTHKEY_HEX [ARGUMENT]
  serves               a client is served
  silent N             N silent sockets stay open while a client is served
  flood N              N silent sockets (beyond the pending cap) while a client is served
  descriptors PID      the server (PID, started with a low descriptor limit) stays idle while silent sockets
                       exhaust its descriptors, then serves a client once they close
  forged               a handshake answer carrying a newline and a fake log line is refused
Prints `CASE: ok` or `CASE: FAILED reason`; exits 1 on failure.
"""
import os
import socket
import struct
import sys
import time
from multiprocessing.connection import Client

DEADLINE = 20.0


def frame(payload):
    return struct.pack('!i', len(payload)) + payload


def silent_socket(address):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.connect(address)
    except OSError:
        s.close()
        return None
    return s


def served(address, key):
    """A client holding the key gets a reply to `dummy` (retrying while the server recovers, within DEADLINE)."""
    deadline = time.monotonic() + DEADLINE
    last = None
    while time.monotonic() < deadline:
        try:
            conn = Client(address, authkey=key)
            try:
                conn.send((None, 'dummy', (), {}))
                if conn.poll(DEADLINE):
                    return conn.recv() == ('#RETURN', None)
            finally:
                conn.close()
        except (OSError, EOFError) as error:
            last = error
            time.sleep(0.1)
    raise AssertionError(f'no client was served within {DEADLINE} s: {last!r}')


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    # utime and stime are fields 14 and 15; the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def case_serves(address, key, _):
    assert served(address, key)


def case_silent(address, key, count, every_one_connects=True):
    sockets = [silent_socket(address) for _ in range(int(count))]
    assert all(sockets) or not every_one_connects, 'a silent socket could not connect'
    try:
        assert served(address, key)
    finally:
        for s in sockets:
            if s:
                s.close()
    assert served(address, key)


def case_flood(address, key, count):
    # Beyond the pending cap the server closes the oldest sockets; a connect may time out meanwhile.
    case_silent(address, key, count, every_one_connects=False)


def case_descriptors(address, key, pid):
    sockets = [s for s in (silent_socket(address) for _ in range(150)) if s]
    try:
        time.sleep(0.5)  # not synchronisation: lets the server reach its descriptor limit before measuring
        before = cpu_seconds(pid)
        start = time.monotonic()
        time.sleep(2.0)
        used = cpu_seconds(pid) - before
        elapsed = time.monotonic() - start
        assert used < 0.25 * elapsed, f'the server used {used:.2f} s of CPU in {elapsed:.2f} s while out of descriptors'
    finally:
        for s in sockets:
            s.close()
    assert served(address, key)


def case_forged(address, key, _):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    s.connect(address)
    s.recv(4096)  # the server's challenge
    s.sendall(frame(b'bad\nnotice swift-multiprocessing.serve : forged'))
    answer = b''
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        answer += chunk
    s.close()
    assert b'#FAILURE#' in answer, f'expected #FAILURE#, got {answer!r}'
    assert served(address, key)


def main():
    name, address, key_hex = sys.argv[1:4]
    argument = sys.argv[4] if len(sys.argv) > 4 else None
    try:
        globals()['case_' + name](address, bytes.fromhex(key_hex), argument)
    except Exception as error:  # the report names the failing case
        print(f'{name}: FAILED {error!r}', flush=True)
        sys.exit(1)
    print(f'{name}: ok', flush=True)


if __name__ == '__main__':
    main()
