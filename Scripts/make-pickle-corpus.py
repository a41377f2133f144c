#!/usr/bin/env python3
"""Writes the deterministic pickle corpus used by PickleTests (differential tests against CPython).

Usage: make-pickle-corpus.py [--out DIR] [--python2 PATH] [--no-python2]

Writes DIR/NAME-pP.pkl for protocols 0-5 from seeded random nested values and a fixed list of interesting
values (shared and recursive structure, huge ints, nan/inf/-0.0, lone surrogates, bytes/bytearray, sets,
complex, instances of plain/slotted/reduce/namedtuple/dataclass/enum classes, exceptions, datetimes,
OrderedDict, array, slice/range, manager proxy pickles), DIR/py2-NAME-pP.pkl from Python 2.7 (protocols 0-2),
and a few hand-made pickles for opcodes CPython never writes (DUP, BINUNICODE8, BINBYTES8). Then checks with
pickletools that every opcode of protocols 0-5 appears, except EXT1/2/4, NEXT_BUFFER, READONLY_BUFFER,
PERSID and BINPERSID (which have their own tests).
"""
import argparse
import array
import collections
import datetime
import decimal
import os
import pickle
import pickletools
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'Tests', 'PickleTests', 'Fixtures')
sys.path.insert(0, FIXTURES)
import corpus_classes as cc  # noqa: E402
import multiprocessing.managers as managers  # noqa: E402

EXCLUDED = {'EXT1', 'EXT2', 'EXT4', 'NEXT_BUFFER', 'READONLY_BUFFER', 'PERSID', 'BINPERSID'}


def random_leaf(rng):
    choice = rng.randrange(14)
    if choice == 0:
        return rng.randrange(-300, 300)
    if choice == 1:
        return rng.randrange(-2**40, 2**40)
    if choice == 2:
        return rng.randrange(-2**200, 2**200)
    if choice == 3:
        return rng.choice([0.0, -0.0, 1.5, -2.25e300, 1e-310, float('inf'), float('-inf'), rng.random()])
    if choice == 4:
        return ''.join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(128, 0x800),
                                       rng.randrange(0x800, 0xD800), rng.randrange(0x10000, 0x110000)]))
                       for _ in range(rng.randrange(0, 12)))
    if choice == 5:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 20)))
    if choice == 6:
        return rng.choice([None, True, False])
    if choice == 7:
        return complex(rng.random(), -rng.random())
    if choice == 8:
        return bytearray(rng.randrange(256) for _ in range(rng.randrange(0, 8)))
    if choice == 9:
        return 'x' * rng.randrange(250, 300)
    if choice == 10:
        return cc.Plain(rng.randrange(10), 'p')
    if choice == 11:
        return cc.Slotted(rng.randrange(10), None)
    if choice == 12:
        return rng.randrange(2**31, 2**63)
    return ''


def random_value(rng, depth=0):
    if depth > 4 or rng.random() < 0.3:
        return random_leaf(rng)
    kind = rng.randrange(6)
    items = [random_value(rng, depth + 1) for _ in range(rng.randrange(0, 6))]
    if kind == 0:
        return items
    if kind == 1:
        return tuple(items)
    if kind == 2:
        return {random_key(rng): value for value in items}
    if kind == 3:
        return {random_key(rng) for _ in items}
    if kind == 4:
        return frozenset(random_key(rng) for _ in items)
    return cc.Plain(items, {random_key(rng): items[:1]})


def random_key(rng):
    choice = rng.randrange(5)
    if choice == 0:
        return rng.randrange(-1000, 1000)
    if choice == 1:
        return 's%d' % rng.randrange(1000)
    if choice == 2:
        return (rng.randrange(10), 'k')
    if choice == 3:
        return bytes([rng.randrange(256)])
    return rng.random()


def fixed_values():
    shared = [1, 2]
    recursive_list = [1]
    recursive_list.append(recursive_list)
    recursive_dict = {'a': 1}
    recursive_dict['self'] = recursive_dict
    inner = []
    through_tuple = (inner, 'x')
    inner.append(through_tuple)
    long_tuple_inner = []
    through_long_tuple = (long_tuple_inner, 1, 2, 3, 4)
    long_tuple_inner.append(through_long_tuple)
    plain = cc.Plain(None, None)
    plain.a = plain
    many = ['str%d' % i for i in range(300)]
    exc_with_note = ValueError('with state')
    exc_with_note.detail = 'extra'
    list_with_state = cc.ListSubclass([1, 'two', [3]])
    list_with_state.tag = 'listed'
    dict_with_state = cc.DictSubclass(a=1, b=[2])
    dict_with_state.tag = 'mapped'
    values = {
        'request': ('7f3ba27c4a80', 'append', (3,), {}),
        'reply': ('#RETURN', None),
        'kwargs-request': ('7f3ba27c4a80', 'get', ('k', 0), {'timeout': 1.5}),
        'scalars': [None, True, False, 0, 1, -1, 255, 256, 65535, 65536, -129, 2**31 - 1, -2**31, 2**31, 2**63,
                    -2**63 - 1, 2**64, 3.25, -0.0, float('inf'), float('-inf'), float('nan')],
        'huge-ints': [2**3000, -2**3000, 2**2040 - 1, -(2**2040)],
        'strings': ['', 'a', 'héllo wörld', '日本語', '\U0001F600', 'a\nb\\c', 'x' * 300,
                    'line\rbreak\x00nul', "quote'\"s"],
        'surrogates': ['\ud800', 'a\udfffb', '\udc80\ud800x'],
        'bytes': [b'', b'\x00\xff', b'x' * 300, bytearray(b''), bytearray(b'ab\x00'), bytearray(b'y' * 300)],
        'sets': [set(), {1, 2, 3}, frozenset(), frozenset({'a', (1, 2)}), {frozenset({1})}],
        'complex': [1 + 2j, -0.5j, complex(float('inf'), 0)],
        'shared': [shared, shared, {'k': shared}],
        'recursive-list': recursive_list,
        'recursive-dict': recursive_dict,
        'recursive-through-tuple': through_tuple,
        'recursive-through-long-tuple': through_long_tuple,
        'recursive-object': plain,
        'many-memo-entries': many + many,
        'large-list': list(range(2500)),
        'large-dict': {i: str(i) for i in range(1200)},
        'large-set': set(range(1100)),
        'instances': [cc.Plain(1, 'two'), cc.Slotted(1, [2]), cc.SlottedWithDict(3, 'e'), cc.CustomReduce([1]),
                      cc.WithState('v'), cc.ListSubclass([1, 2]), cc.DictSubclass(a=1),
                      cc.Pair(1, 'r'), cc.Record('n', ['t'], 2.5), cc.Color.RED, cc.Color.GREEN,
                      cc.KeywordOnly(1, 2, key='word'), cc.Outer.Inner(5)],
        # Protocols 0 and 1 write these as copyreg._reconstructor(cls, base, items) plus BUILD of the attributes.
        'builtin-subclasses': [cc.ListSubclass([1, 2]), cc.ListSubclass(), list_with_state,
                               cc.DictSubclass(a=1), cc.DictSubclass(), dict_with_state,
                               [list_with_state, list_with_state]],
        'classes': [cc.Plain, int, len, pickle.loads],
        'exceptions': [KeyError('missing'), IndexError('list index out of range'), ValueError(),
                       StopIteration(), exc_with_note, OSError(2, 'No such file')],
        'datetimes': [datetime.datetime(2024, 1, 2, 3, 4, 5, 6), datetime.date(1999, 12, 31),
                      datetime.timedelta(days=1, seconds=2), datetime.time(1, 2, 3),
                      datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)],
        'stdlib': [collections.OrderedDict([('b', 1), ('a', 2)]), array.array('i', [1, 2, 3]),
                   array.array('d', [0.5]), slice(1, 3, None), range(0, 10, 2), decimal.Decimal('1.10'),
                   collections.deque([1, 2])],
        'proxies': [cc.FakeProxy(managers.DictProxy, 'dict', '/tmp/x', 'abc'),
                    cc.FakeProxy(managers.ListProxy, 'list', ('127.0.0.1', 5000), '7f00'),
                    cc.FakeProxy(managers.AutoProxy, 'Queue', '/tmp/q.sock', '7f01',
                                 {'exposed': ('get', 'put', 'qsize')})],
    }
    return values


PY2_SOURCE = r'''
import pickle, sys
sys.path.insert(0, sys.argv[1])
import corpus_classes as cc
out = sys.argv[2]
shared = [1, 2]
rec = [1]
rec.append(rec)
inner = []
t = (inner, 'x')
inner.append(t)
list_with_state = cc.ListSubclass([1, 'two', [3]])
list_with_state.tag = 'listed'
dict_with_state = cc.DictSubclass(a=1, b=[2])
dict_with_state.tag = 'mapped'
values = {
    'scalars': [None, True, False, 0, 1, -1, 255, 256, 2**31, -2**63 - 1, 2**70, 1.5, -0.0, 1e300],
    'strings': ['', 'ascii', 'x' * 300, 'tab\tquote\'s', u'unicode \u00e9\u20ac', u'\U0001F600', u'back\\slash\n'],
    'containers': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [], [1, [2]], {}, {'a': 1, 'b': [2]}, set([1, 2]),
                   frozenset([3])],
    'shared': [shared, shared],
    'recursive': rec,
    'recursive-through-tuple': t,
    'instances': [cc.Plain(1, 'two'), cc.OldStyle(1, 'a'), cc.CustomReduce([1]), cc.Slotted(1, 2)],
    'exceptions': [KeyError('k'), ValueError('v')],
    'builtin-subclasses': [cc.ListSubclass([1, 2]), cc.ListSubclass(), list_with_state, cc.DictSubclass(a=1),
                           cc.DictSubclass(), dict_with_state, [list_with_state, list_with_state]],
    'builtins': [xrange(1, 5, 2), long(5), unicode, len],
}
for name, value in sorted(values.items()):
    for proto in (0, 1, 2):
        if name == 'instances' and proto < 2:
            value = value[:3]
        with open('%s/py2-%s-p%d.pkl' % (out, name, proto), 'wb') as handle:
            handle.write(pickle.dumps(value, proto))
'''


HANDMADE = {
    # DUP: a list that contains itself, pushed twice and appended to itself.
    'handmade-dup': b'\x80\x02]2a.',
    # BINUNICODE8 and BINBYTES8 (CPython writes them only beyond 4 GiB).
    'handmade-binunicode8': b'\x80\x04\x8d\x06\x00\x00\x00\x00\x00\x00\x00h\xc3\xa9llo.',
    'handmade-binbytes8': b'\x80\x04\x8e\x03\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02.',
    # POP of a MARK, GET/PUT text forms, LONG with trailing L, INT booleans.
    'handmade-text': b'I01\np5\n0(0I00\nL12345678901234567890L\ng5\n\x87.',
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=os.path.join(FIXTURES, 'corpus'))
    parser.add_argument('--python2', default=None)
    parser.add_argument('--no-python2', action='store_true')
    parser.add_argument('--random-count', type=int, default=30)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.endswith('.pkl'):
            os.remove(os.path.join(args.out, name))

    rng = random.Random(20261122)
    values = fixed_values()
    for index in range(args.random_count):
        values['random-%02d' % index] = random_value(rng)
    for name, value in sorted(values.items()):
        for proto in range(0, pickle.HIGHEST_PROTOCOL + 1):
            try:
                data = pickle.dumps(value, protocol=proto)
            except TypeError:
                continue  # e.g. __slots__ classes need protocol 2
            with open(os.path.join(args.out, '%s-p%d.pkl' % (name, proto)), 'wb') as handle:
                handle.write(data)
    for name, data in HANDMADE.items():
        pickle.loads(data)  # every hand-made pickle must be valid for CPython
        with open(os.path.join(args.out, name + '.pkl'), 'wb') as handle:
            handle.write(data)

    if not args.no_python2:
        python2 = args.python2
        if python2 is None:
            try:
                prefix = subprocess.check_output(['pyenv', 'prefix', '2.7.18']).decode().strip()
                python2 = os.path.join(prefix, 'bin', 'python')
            except (OSError, subprocess.CalledProcessError):
                python2 = None
        if python2 and os.path.exists(python2):
            subprocess.check_call([python2, '-c', PY2_SOURCE, FIXTURES, args.out])
        else:
            sys.stderr.write('Python 2.7 not found; skipping py2 pickles\n')

    seen = set()
    total = 0
    for name in sorted(os.listdir(args.out)):
        if not name.endswith('.pkl'):
            continue
        with open(os.path.join(args.out, name), 'rb') as handle:
            data = handle.read()
        total += len(data)
        for opcode, _, _ in pickletools.genops(data):
            seen.add(opcode.name)
    expected = {opcode.name for opcode in pickletools.opcodes} - EXCLUDED
    missing = expected - seen
    if missing and not args.no_python2:
        sys.exit('opcodes missing from the corpus: %s' % ', '.join(sorted(missing)))
    print('corpus: %d files, %d bytes, %d opcodes' % (len(os.listdir(args.out)), total, len(seen)))


if __name__ == '__main__':
    main()
