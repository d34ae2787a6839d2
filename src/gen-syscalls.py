#!/usr/bin/env python3
"""Generate a syscall number -> name table from the host's <sys/syscall.h>.

Usage: gen-syscalls.py OUTPUT DEPFILE CC [CC-ARGS...]

The C compiler's preprocessor finds the header, so whatever multiarch
layout the system uses (asm/unistd_64.h under x86_64-linux-gnu, or another
architecture's), the numbers are the ones lurk's own code is built with.
"""
import re
import subprocess
import sys

dst, depfile, cc = sys.argv[1], sys.argv[2], sys.argv[3:]
defines = subprocess.run(cc + ['-E', '-dM', '-MD', '-MF', depfile, '-MT', dst, '-x', 'c', '-'],
                         input='#include <sys/syscall.h>\n', capture_output=True, text=True,
                         check=True).stdout
names = {}
for line in defines.splitlines():
    m = re.match(r'#define __NR_(\w+)\s+(\d+)$', line)
    if m:
        names[int(m.group(2))] = m.group(1)
if not names:
    sys.exit('gen-syscalls.py: no __NR_ numbers in <sys/syscall.h>')
with open(dst, 'w') as f:
    f.write('/* generated from <sys/syscall.h>; do not edit */\n')
    f.write('static const char *const syscall_names[] = {\n')
    for nr in sorted(names):
        f.write('\t[%d] = "%s",\n' % (nr, names[nr]))
    f.write('};\n')
