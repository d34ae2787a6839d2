#!/usr/bin/env python3
"""Which of a process's mappings a core file holds, and whether it holds them right.

MAPPINGS has "NAME 0xADDR" lines (tests/fixtures/mapkinds writes them). For
each, prints "NAME left out" when the PT_LOAD that starts at ADDR has no
bytes in CORE, else "NAME dumped" followed by ", holds its name" when the
bytes start with NAME (what the fixture put there). A mapping with no
PT_LOAD of its own prints "NAME has no PT_LOAD".

usage: which-dumped.py CORE MAPPINGS
"""
import sys

from coreload import loads


def main():
    core, mappings = sys.argv[1:3]
    segs = {vaddr: (offset, size) for vaddr, offset, size in loads(core)}
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
