"""Send malformed and hostile input to a manager and check each gets a clear answer or a close, while a
well-behaved client on another connection keeps working throughout.

Usage: hostile_input.py ADDRESS AUTHKEY_HEX
The server must run with --max-message-size 1048576 --handshake-timeout 1.
Prints `NAME: ok` or `NAME: FAILED reason` per case; exits 1 if any failed.
"""
import pickle
import socket
import struct
import sys
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from multiprocessing.managers import SyncManager

DEADLINE = 10.0


def frame(payload):
    return struct.pack('!i', len(payload)) + payload


def raw_socket(address):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    s.connect(address)
    return s


def read_frame(s):
    header = b''
    while len(header) < 4:
        chunk = s.recv(4 - len(header))
        if not chunk:
            return None
        header += chunk
    (length,) = struct.unpack('!i', header)
    body = b''
    while len(body) < length:
        chunk = s.recv(length - len(body))
        if not chunk:
            return None
        body += chunk
    return body


def closed_by_server(s):
    """True when the server closes the socket (EOF) within the deadline."""
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def authenticated_raw(address, key):
    conn = Client(address, authkey=key)
    return conn


def case(name, body):
    try:
        body()
        print(f"{name}: ok", flush=True)
        return True
    except Exception as exc:  # noqa: BLE001
        print(f"{name}: FAILED {type(exc).__name__}: {exc}", flush=True)
        return False


def main():
    address, key = sys.argv[1], bytes.fromhex(sys.argv[2])
    m = SyncManager(address=address, authkey=key)
    m.connect()
    witness = m.dict()
    counter = [0]

    def witness_still_served():
        counter[0] += 1
        witness['n'] = counter[0]
        assert witness['n'] == counter[0]

    results = []

    def run(name, body):
        results.append(case(name, lambda: (body(), witness_still_served())))

    def wrong_key():
        try:
            Client(address, authkey=b'wrong key')
        except AuthenticationError:
            return
        raise AssertionError("a wrong key was accepted")
    run("wrong key is refused", wrong_key)

    def junk_response():
        s = raw_socket(address)
        assert read_frame(s).startswith(b'#CHALLENGE#')
        s.sendall(frame(b'not a digest at all'))
        assert read_frame(s) == b'#FAILURE#'
        assert closed_by_server(s)
    run("junk handshake response gets #FAILURE# and a close", junk_response)

    def oversized_handshake_frame():
        s = raw_socket(address)
        read_frame(s)
        s.sendall(struct.pack('!i', 100000))
        assert closed_by_server(s)
    run("a handshake frame over 256 bytes is refused", oversized_handshake_frame)

    def stalled_handshake():
        s = raw_socket(address)
        read_frame(s)
        start = time.monotonic()
        assert closed_by_server(s), "a stalled handshake was never dropped"
        assert time.monotonic() - start < 5
    run("a stalled handshake is dropped after the timeout", stalled_handshake)

    def negative_length():
        conn = authenticated_raw(address, key)
        conn._send(struct.pack('!i', -5))
        sock = socket.socket(fileno=conn.fileno())
        sock.settimeout(DEADLINE)
        assert closed_by_server(sock)
        sock.detach()
    run("a negative frame length closes the connection", negative_length)

    def oversized_message():
        conn = authenticated_raw(address, key)
        conn._send(struct.pack('!i', 2_000_000_000))  # 2 GB announced, never sent
        sock = socket.socket(fileno=conn.fileno())
        sock.settimeout(DEADLINE)
        assert closed_by_server(sock)
        sock.detach()
    run("a message over the size limit closes the connection before its body is read", oversized_message)

    def garbage_pickle():
        conn = authenticated_raw(address, key)
        conn.send_bytes(b'\x80\x04\x95garbage that is not a pickle')
        kind, text = conn.recv()
        assert kind == '#TRACEBACK', kind
        # As in CPython, a one-shot connection is closed after its one reply.
        sock = socket.socket(fileno=conn.fileno())
        sock.settimeout(DEADLINE)
        assert closed_by_server(sock)
        sock.detach()
    run("a garbage pickle on a fresh connection gets a traceback and a close", garbage_pickle)

    def method_channel():
        conn = authenticated_raw(address, key)
        conn.send((None, 'accept_connection', ('hostile',), {}))
        assert conn.recv() == ('#RETURN', None)
        return conn

    def bad_requests():
        conn = method_channel()
        ident = witness._token.id
        checks = [
            (('a', 'b', 'c'), '#TRACEBACK'),                       # not a 4-tuple
            ('just a string', '#TRACEBACK'),
            (('nope', '__len__', (), {}), '#TRACEBACK'),          # unknown ident
            ((ident, 'frobnicate', (), {}), '#TRACEBACK'),        # unexposed method
            ((ident, '__getitem__', (), {}), '#ERROR'),           # wrong argument count
            ((ident, '__getitem__', ('missing',), {}), '#ERROR'),  # KeyError
            ((ident, '__len__', (), {}), '#RETURN'),              # and the channel still works
        ]
        for request, expected in checks:
            conn.send(request)
            kind, payload = conn.recv()
            assert kind == expected, f"{request!r} -> {kind} {payload!r}"
        conn.send_bytes(b'\x80\x04garbage')
        kind, _ = conn.recv()
        assert kind == '#TRACEBACK'
        conn.send((ident, '__len__', (), {}))
        assert conn.recv()[0] == '#RETURN'
        conn.close()
    run("malformed requests get CPython's replies and the channel stays usable", bad_requests)

    def code_execution_refused():
        conn = method_channel()
        evil = b"cos\nsystem\n(S'touch /tmp/pwned-by-pickle'\ntR."
        conn.send_bytes(pickle.dumps((witness._token.id, '__setitem__', ('k', 0), {}), protocol=2)[:-1] + b'.')
        conn.recv()
        payload = pickle.dumps((witness._token.id, '__setitem__', ('evil', 'placeholder'), {}), protocol=0)
        payload = payload.replace(pickle.dumps('placeholder', protocol=0)[:-1], evil[:-1])
        conn.send_bytes(payload)
        conn.recv()
        import os
        assert not os.path.exists('/tmp/pwned-by-pickle'), "the server ran code from a pickle"
        conn.close()
    run("a pickle that calls os.system is stored as data, never run", code_execution_refused)

    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
