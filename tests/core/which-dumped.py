#!/usr/bin/env python3
"""Which of a process's mappings a core file holds, and whether it holds them right.

MAPPINGS has "NAME 0xADDR" lines (tests/fixtures/mapkinds writes them). For
each, prints "NAME left out" when the PT_LOAD that starts at ADDR has no
bytes in CORE, else "NAME dumped" followed by ", holds its name" when the
bytes start with NAME (what the fixture put there). A mapping with no
PT_LOAD of its own prints "NAME has no PT_LOAD".

usage: which-dumped.py CORE MAPPINGS
"""
import struct
import sys


def loads(core):
    """{vaddr: (offset, filesz)} of the PT_LOADs, from the ELF64 header."""
    with open(core, 'rb') as f:
        head = f.read(64)
        phoff, = struct.unpack_from('<Q', head, 32)
        phentsize, phnum = struct.unpack_from('<HH', head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    out = {}
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from('<IIQQQQ', table,
                                                                      i * phentsize)
        if p_type == 1:
            out[p_vaddr] = (p_offset, p_filesz)
    return out


def main():
    core, mappings = sys.argv[1:3]
    segs = loads(core)
    with open(core, 'rb') as c:
        for line in open(mappings):
            name, addr = line.split()
            seg = segs.get(int(addr, 16))
            if seg is None:
                print('%s has no PT_LOAD' % name)
            elif not seg[1]:
                print('%s left out' % name)
            else:
                c.seek(seg[0])
                text = c.read(len(name))
                print('%s dumped%s' % (name, ', holds its name' if text == name.encode() else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
