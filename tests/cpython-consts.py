#!/usr/bin/env python3
"""Check lurk's CPython 3.13/3.14 declarations against that version's headers.

usage: cpython-consts.py --src DIR --python X.Y

Compiles tests/cpython-consts.c with the host compiler against the -dev
headers in the root file system run-session.py runs pythonX.Y fixtures in,
and runs it: it compares lurk's _Py_DebugOffsets declaration and hand-written
constants (plugins/cpython/debug-offsets.h) with offsetof() on CPython's own
definitions. Exit status: 0 pass, 1 fail, 77 skipped (no such root, no
compiler).
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', required=True)
    ap.add_argument('--python', required=True)
    a = ap.parse_args()
    # the roots are where the session runner finds them
    spec = importlib.util.spec_from_file_location(
        'run_session', os.path.join(a.src, 'tests/run-session.py'))
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    root = os.path.join(runner.roots_dir(), 'python' + a.python)
    inc = os.path.join(root, 'usr/include/python' + a.python)
    if not os.path.isdir(os.path.join(inc, 'internal')):
        print('SKIP: no python%s-dev headers in the root %s' % (a.python, root))
        return SKIP
    cc = os.environ.get('CC', 'cc')
    if not shutil.which(cc):
        print('SKIP: no C compiler (%s)' % cc)
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, 'consts')
        # -idirafter: the root's multiarch pyconfig.h, the host's libc headers
        cmd = [cc, '-std=gnu11', '-DPy_BUILD_CORE', '-I', inc, '-I', os.path.join(inc, 'internal'),
               '-I', os.path.join(a.src, 'plugins/cpython'),
               '-idirafter', os.path.join(root, 'usr/include'),
               os.path.join(a.src, 'tests/cpython-consts.c'), '-o', exe]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            print('FAIL: %s\n%s' % (' '.join(cmd), r.stderr))
            return 1
        r = subprocess.run([exe], capture_output=True, text=True)
        print(r.stdout, end='')
        return 1 if r.returncode else 0


if __name__ == '__main__':
    sys.exit(main())
