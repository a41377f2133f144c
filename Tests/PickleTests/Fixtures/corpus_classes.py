"""Classes used by the pickle corpus (Scripts/make-pickle-corpus.py) and the round-trip checker.

Importable by Python 2.7 (only the plain classes) and Python 3.6+.
"""
import sys

PY3 = sys.version_info[0] >= 3


class Plain(object):
    def __init__(self, a, b):
        self.a = a
        self.b = b


class OldStyle:
    """An old-style class in Python 2 (INST/OBJ opcodes)."""

    def __init__(self, *args):
        self.args = list(args)

    def __getinitargs__(self):
        return tuple(self.args)


class Slotted(object):
    __slots__ = ('x', 'y')

    def __init__(self, x, y):
        self.x = x
        self.y = y


class SlottedWithDict(object):
    __slots__ = ('x', '__dict__')

    def __init__(self, x, extra):
        self.x = x
        self.extra = extra


class CustomReduce(object):
    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        return (CustomReduce, (self.value,))


class WithState(object):
    def __init__(self, value):
        self.value = value

    def __getstate__(self):
        return {'value': self.value, 'extra': 42}

    def __setstate__(self, state):
        self.value = state['value']
        self.extra = state['extra']


class ListSubclass(list):
    pass


class DictSubclass(dict):
    pass


if PY3:
    import collections
    import enum
    import multiprocessing.managers as managers

    Pair = collections.namedtuple('Pair', ['left', 'right'])

    try:
        import dataclasses

        Record = dataclasses.make_dataclass(
            'Record', [('name', str), ('tags', list), ('score', float, dataclasses.field(default=0.0))])
        Record.__module__ = __name__
    except ImportError:  # Python 3.6: same name, same pickled state
        class Record(object):
            def __init__(self, name, tags, score=0.0):
                self.name = name
                self.tags = tags
                self.score = score

    class Color(enum.Enum):
        RED = 1
        GREEN = 'green'

    class KeywordOnly(object):
        """Pickles with NEWOBJ_EX (protocol 4+) through __getnewargs_ex__."""

        def __new__(cls, *args, **kwargs):
            self = object.__new__(cls)
            self.args = args
            self.kwargs = kwargs
            return self

        def __getnewargs_ex__(self):
            return self.args, self.kwargs

    class FakeProxy(object):
        """Pickles exactly like a manager proxy, without a manager."""

        def __init__(self, proxy_type, typeid, address, ident, kwds=None):
            self.proxy_type = proxy_type
            self.token = managers.Token(typeid, address, ident)
            self.kwds = kwds or {}

        def __reduce__(self):
            return (managers.RebuildProxy, (self.proxy_type, self.token, 'pickle', dict(self.kwds)))

    class Outer(object):
        class Inner(object):
            def __init__(self, v):
                self.v = v
