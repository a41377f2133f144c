"""Loads pairs of pickles and checks that they are equal, with Python's own unpickler.

Usage: check_roundtrip.py MANIFEST
MANIFEST has lines `original<TAB>candidate`. Prints a JSON summary and one line per mismatch on stderr; exit
status 1 if any pair differs or fails to load.
"""
import array
import json
import math
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_classes  # noqa: E402,F401

try:
    import multiprocessing.managers as managers

    class ProxyStandIn(object):
        def __init__(self, func, token, serializer, kwds):
            self.func = func
            self.token = token
            self.serializer = serializer
            self.kwds = kwds

    def _rebuild_proxy(func, token, serializer, kwds):
        return ProxyStandIn(func, token, serializer, kwds)

    managers.RebuildProxy = _rebuild_proxy  # never connect to a manager while checking
except ImportError:
    pass


def slot_names(cls):
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get('__slots__', ())
        if isinstance(slots, str):
            slots = (slots,)
        names.extend(s for s in slots if s not in ('__dict__', '__weakref__'))
    return names


def same(a, b, seen):
    key = (id(a), id(b))
    if key in seen:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, complex):
        return same(a.real, b.real, seen) and same(a.imag, b.imag, seen)
    if isinstance(a, (str, bytes, bytearray, int, type(None), range, slice, array.array)):
        return a == b
    if isinstance(a, type) or callable(a) and not hasattr(a, '__dict__') and not hasattr(type(a), '__slots__'):
        return a is b or a == b
    seen.add(key)
    if isinstance(a, (list, tuple)):
        if len(a) != len(b) or not all(same(x, y, seen) for x, y in zip(a, b)):
            return False
    elif isinstance(a, dict):
        if len(a) != len(b):
            return False
        for (ka, va), (kb, vb) in zip(a.items(), b.items()):
            if not same(ka, kb, seen) or not same(va, vb, seen):
                return False
    elif isinstance(a, (set, frozenset)):
        if len(a) != len(b):
            return False
        rest = list(b)
        for x in a:
            for index, y in enumerate(rest):
                if same(x, y, set(seen)):
                    del rest[index]
                    break
            else:
                return False
    elif isinstance(a, BaseException):
        if not same(a.args, b.args, seen):
            return False
    elif hasattr(type(a), '__members__') and a is b:
        return True
    elif not hasattr(a, '__dict__') and not slot_names(type(a)):
        return a == b
    if hasattr(a, '__dict__') and not isinstance(a, type):
        if not same(a.__dict__, b.__dict__, seen):
            return False
    for name in slot_names(type(a)):
        if hasattr(a, name) != hasattr(b, name):
            return False
        if hasattr(a, name) and not same(getattr(a, name), getattr(b, name), seen):
            return False
    return True


def load(path):
    with open(path, 'rb') as handle:
        data = handle.read()
    if os.path.basename(path).startswith('py2-'):
        return pickle.loads(data, encoding='latin1')
    return pickle.loads(data)


def main():
    pairs = []
    with open(sys.argv[1]) as manifest:
        for line in manifest:
            line = line.rstrip('\n')
            if line:
                pairs.append(line.split('\t'))
    failures = []
    for original, candidate in pairs:
        try:
            expected = load(original)
            actual = load(candidate)
            if not same(expected, actual, set()):
                failures.append('%s vs %s: %r != %r' % (original, candidate, expected, actual))
        except Exception as error:  # noqa: BLE001
            failures.append('%s vs %s: %s: %s' % (original, candidate, type(error).__name__, error))
    for failure in failures:
        sys.stderr.write(failure[:2000] + '\n')
    print(json.dumps({'python': sys.version.split()[0], 'checked': len(pairs), 'failed': len(failures)}))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
