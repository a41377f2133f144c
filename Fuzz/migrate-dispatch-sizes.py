#!/usr/bin/env python3
"""Rewrites dispatch-fuzz inputs from the one-byte size tables to the tiered ones (Fuzz/DispatchFuzz/SizeTable.swift).

Before, a size operand was one byte indexing a table that mixed cheap and expensive sizes (a 40,000-element
container, a 400,000-digit integer); now a size is drawn from a small tier, or from a large tier after the gate
byte 0xA7 (WorkBudget.largeGate), and one input honours only its first large draw (WorkBudget.swift). Integers now
read their sign byte and their size separately. This script parses each input's structured records with the generator's grammar and
writes the same values in the new form, so the seeds keep their shapes:

    Fuzz/migrate-dispatch-sizes.py IN_DIR OUT_DIR

An input with several large shapes is written once per large shape (`NAME`, `NAME-large2`, ...), that shape
large and the others at their nearest small size, so each large shape keeps a seed of its own. A large draw counts
only in an input whose FNV-1a hash is a multiple of WorkBudget.permitModulus: an input with a large shape gets a
raw record `00 01 NONCE` after its first byte (a one-byte pickle, which decodes to nothing and makes no call), its
nonce chosen to make the hash fit.
"""

import os
import sys

KIND_COUNT = 62
DECIMAL, BINARY, TEXT, LARGE = 37, 38, 39, 51
ONE_BYTE = {35, 36, 40, 46, 47, 48, 49, 50, 58, 59}
CONTAINERS = range(41, 46)
MAX_NESTING = 6

# Old table -> (tier, index) in the new tables; tier "large" is written as GATE, index.
GATE = 0xA7
PERMIT_MODULUS = 128
OLD = {
    LARGE: [0, 1, 2, 255, 256, 1000, 4096, 4097, 40_000],
    DECIMAL: [19, 20, 100, 309, 310, 1000, 4300, 4301, 10_000, 100_000, 400_000],
    BINARY: [8, 9, 16, 64, 1000, 10_000, 100_000],
    TEXT: [256, 4096, 65_536, 1 << 20],
}
NEW = {
    LARGE: ([0, 1, 2, 7, 8, 255, 256], [1000, 4096, 4097, 40_000]),
    DECIMAL: ([19, 20, 100, 309, 310], [1000, 4300, 4301, 10_000, 100_000, 400_000]),
    BINARY: ([8, 9, 16, 64, 128], [1000, 10_000, 100_000]),
    TEXT: ([256, 4096], [65_536, 1 << 20]),
}


class Cursor:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def next(self):
        byte = self.data[self.pos] if self.pos < len(self.data) else 0
        self.pos += 1
        return byte


class Rewriter:
    """Re-emits one payload; `large_seen` counts the large sizes met, the one numbered `keep` stays large."""

    def __init__(self, keep):
        self.keep, self.large_seen, self.out = keep, 0, []

    def size(self, kind, old_index):
        size = OLD[kind][old_index % len(OLD[kind])]
        small, large = NEW[kind]
        if size in large:
            self.large_seen += 1
            if self.large_seen - 1 == self.keep:
                self.out += [GATE, large.index(size)]
                return
            size = max(s for s in small)
        self.out.append(min(range(len(small)), key=lambda i: abs(small[i] - size)))

    def value(self, cursor, nesting=0):
        kind = cursor.next()
        self.out.append(kind)
        kind %= KIND_COUNT
        if kind in ONE_BYTE:
            self.out.append(cursor.next())
        elif kind in (DECIMAL, BINARY):
            byte = cursor.next()
            self.out.append(byte & 0x80)
            self.size(kind, byte & 0x7F)
        elif kind == TEXT:
            self.size(kind, cursor.next())
            self.out.append(cursor.next())
        elif kind == LARGE:
            self.size(kind, cursor.next())
            self.out.append(cursor.next())
        elif kind in CONTAINERS:
            count = cursor.next()
            self.out.append(count)
            for _ in range(count % 8 if nesting < MAX_NESTING else 0):
                self.value(cursor, nesting + 1)
        elif kind in (52, 54):
            for _ in range(3):
                self.value(cursor, MAX_NESTING)
        elif kind == 53:
            self.value(cursor, MAX_NESTING)
        elif kind in (55, 56):
            self.value(cursor, nesting + 1)
            self.value(cursor, MAX_NESTING)
        elif kind == 57:
            self.out.append(cursor.next())
            self.value(cursor, nesting + 1)
        elif kind == 60:
            self.value(cursor, nesting + 1)

    def payload(self, payload):
        cursor = Cursor(payload)
        self.out += [cursor.next()]  # method, type id or function
        shape = cursor.next()
        self.out.append(shape)
        for _ in range(shape & 7):
            self.value(cursor)
        for _ in range(shape >> 3 & 3):
            self.out.append(cursor.next())
            self.value(cursor)
        # Bytes the grammar never reads stay; trailing zeros go, as reads past a payload's end give zeros anyway.
        self.out += list(payload[cursor.pos:])
        while self.out and self.out[-1] == 0:
            self.out.pop()


def fnv1a(data):
    value = 2166136261
    for byte in data:
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def permitted(data):
    """`data` with a nonce record after its first byte that makes its hash a multiple of PERMIT_MODULUS."""
    for nonce in range(256):
        candidate = data[:1] + bytes([0x00, 0x01, nonce]) + data[1:]
        if fnv1a(candidate) % PERMIT_MODULUS == 0:
            return candidate
    sys.exit(f"no nonce gives a permitted hash: {data.hex()}")


def migrate(data, keep):
    out, offset, large = [data[0]], 1, 0
    while offset + 2 <= len(data):
        opcode, length = data[offset], data[offset + 1]
        record = data[offset:offset + 2 + length]
        offset += 2 + length
        if 0x40 <= opcode <= 0xFD:
            rewriter = Rewriter(keep - large)
            rewriter.payload(record[2:])
            large += rewriter.large_seen
            if len(rewriter.out) > 255:
                sys.exit(f"a migrated record is longer than 255 bytes: {bytes(rewriter.out).hex()}")
            record = bytes([opcode, len(rewriter.out)] + rewriter.out)
        out += list(record)
    out += list(data[offset:])
    return (permitted(bytes(out)) if large > keep else bytes(out)), large


def main():
    source, target = sys.argv[1:3]
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(source)):
        data = open(os.path.join(source, name), "rb").read()
        if not data:
            continue
        first, large = migrate(data, 0)
        open(os.path.join(target, name), "wb").write(first)
        for keep in range(1, large):
            open(os.path.join(target, f"{name}-large{keep + 1}"), "wb").write(migrate(data, keep)[0])


if __name__ == "__main__":
    main()
