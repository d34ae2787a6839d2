#!/usr/bin/env python3
"""Whether a core file holds the program's own code bytes, no breakpoint traps.

For each PT_LOAD of CORE that holds bytes and lies in an executable file
mapping of MAPS (a copy of /proc/PID/maps taken with the core), compares
them with the mapped file's bytes at the mapping's offset. Prints
"N code segments as in their files" or, per segment that differs, where.

usage: code-bytes.py CORE MAPS
"""
import sys

from coreload import loads


def code_mappings(maps):
    out = {}
    for line in open(maps):
        f = line.split()
        if len(f) >= 6 and f[1][2] == 'x' and f[5].startswith('/'):
            start = int(f[0].split('-')[0], 16)
            out[start] = (int(f[2], 16), f[5])
    return out


def main():
    core, maps = sys.argv[1:3]
    code = code_mappings(maps)
    same, differ = 0, []
    with open(core, 'rb') as c:
        for vaddr, offset, size in loads(core):
            if not size or vaddr not in code:
                continue
            file_offset, path = code[vaddr]
            c.seek(offset)
            got = c.read(size)
            with open(path, 'rb') as f:
                f.seek(file_offset)
                want = f.read(size)
            # Past the file's end a mapping reads as zeros.
            want += bytes(size - len(want))
            if got == want:
                same += 1
                continue
            at = next(i for i in range(size) if got[i] != want[i])
            differ.append('%s+0x%x (0x%x): core %02x, file %02x'
                          % (path, file_offset + at, vaddr + at, got[at], want[at]))
    for d in differ:
        print('differs: ' + d)
    print('%d code segments as in their files' % same)
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
