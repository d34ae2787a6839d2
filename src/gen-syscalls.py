#!/usr/bin/env python3
"""Generate a syscall number -> name table from the kernel's asm/unistd_64.h."""
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
names = {}
with open(src) as f:
    for line in f:
        m = re.match(r'#define __NR_(\w+)\s+(\d+)', line)
        if m:
            names[int(m.group(2))] = m.group(1)
with open(dst, 'w') as f:
    f.write('/* generated from %s; do not edit */\n' % src.split('/')[-1])
    f.write('static const char *const syscall_names[] = {\n')
    for nr in sorted(names):
        f.write('\t[%d] = "%s",\n' % (nr, names[nr]))
    f.write('};\n')
