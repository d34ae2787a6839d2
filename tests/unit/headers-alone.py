#!/usr/bin/env python3
"""headers-alone.py - every header compiles on its own.

A header that needs another one first works only where someone happened to
include that one above it, and breaks the day the includes are reordered.
For each src/*.h and include/lurk/*.h this compiles a translation unit that
holds nothing but #include "X.h" (-fsyntax-only, warnings are errors) with
the include path the build gives it (a plugin's only has include/), and
names each header that fails, with the compiler's first complaint.

usage: headers-alone.py SOURCE_DIR -- COMPILER [ARGS...]
"""
import glob
import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 4 or sys.argv[2] != '--':
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    src, compiler = sys.argv[1], sys.argv[3:]
    include = os.path.join(src, 'include')
    units = [('src/' + os.path.basename(h), [os.path.join(src, 'src'), include])
             for h in sorted(glob.glob(os.path.join(src, 'src', '*.h')))]
    units += [('include/lurk/' + os.path.basename(h), [include])
              for h in sorted(glob.glob(os.path.join(include, 'lurk', '*.h')))]
    flags = ['-std=gnu11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror', '-fsyntax-only']
    failed = []
    with tempfile.TemporaryDirectory(prefix='lurk-headers-') as tmp:
        for name, path in units:
            tu = os.path.join(tmp, 'alone.c')
            with open(tu, 'w') as f:
                f.write('#include "%s"\n' % name.split('/', 1)[1])
            r = subprocess.run(compiler + flags + ['-I' + d for d in path] + [tu],
                               capture_output=True, text=True)
            if r.returncode != 0:
                first = next((l for l in r.stderr.splitlines() if 'error' in l), r.stderr)
                print('%s does not compile alone: %s' % (name, first.strip()))
                failed.append(name)
    print('%d headers, %d do not compile alone' % (len(units), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
