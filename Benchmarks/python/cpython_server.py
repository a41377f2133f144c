#!/usr/bin/env python3
"""Run CPython's own SyncManager server with the same command line as `swift-multiprocessing serve`.

    python3 cpython_server.py [serve] (--unix PATH | --tcp HOST:PORT) (--authkey-hex HEX | --authkey TEXT)

Prints exactly one line, `listening on ADDRESS`, on stdout once the listener is bound (ADDRESS is the socket
path, or HOST:PORT for TCP), then serves until SIGTERM or SIGINT and exits 0. Standard library only.
"""

import argparse
import signal
import sys
from multiprocessing.managers import SyncManager


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="serve", choices=["serve"])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--unix", metavar="PATH", help="listen on a Unix socket at PATH")
    where.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP (port 0 picks a free port)")
    key = parser.add_mutually_exclusive_group(required=True)
    key.add_argument("--authkey-hex", metavar="HEX", help="the authentication key, hex encoded")
    key.add_argument("--authkey", metavar="TEXT", help="the authentication key as UTF-8 text")
    return parser.parse_args(argv)


def main(argv):
    arguments = parse_arguments(argv)
    if arguments.unix is not None:
        address = arguments.unix
    else:
        host, _, port = arguments.tcp.rpartition(":")
        address = (host, int(port))
    if arguments.authkey_hex is not None:
        authkey = bytes.fromhex(arguments.authkey_hex)
    else:
        authkey = arguments.authkey.encode()

    manager = SyncManager(address=address, authkey=authkey)
    server = manager.get_server()
    bound = server.address
    printable = bound if isinstance(bound, str) else "%s:%d" % (bound[0], bound[1])

    def stop(signum, frame):
        # Server.serve_forever() turns SystemExit into an orderly exit with status 0.
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("listening on %s" % printable, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
