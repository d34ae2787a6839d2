#!/usr/bin/env python3
"""bt all reads each compilation unit on its own (src/cuview.c): check that
it prints what libdwfl's own lookup gives.

On the 8-thread fixture (tests/fixtures/hang8, with libc's debug symbols
where libc6-dbg is installed), on a stripped copy of it, on copies whose
DWARF is in a separate file named by .gnu_debuglink (beside the program
and in .debug/ there: it must be found, hang8.c's lines shown), and on a hung
python3.11 with 8 threads (with its debug symbols where python3.11-dbg is
installed), lurk attaches and prints 'bt all' twice: as it is, and with
LURK_UNIT_VIEW=0 (every unit through libdwfl). The two listings must be
equal, the spinning thread of hang8 left out; where a debug file is there,
the first must have read units through the view (LURK_DEBUG=sym says
"viewed") and named source lines of libc. No frame of hang8 is in the
dynamic loader: lurk must not open its files (a stack address once made
it, as libdwfl's lookup gives the last module for addresses above all).

usage: same-frames.py --build DIR --src DIR
Exit status: 0 pass, 1 fail, 77 skipped (ptrace not permitted; under
CI=true that is a failure, as in run-session.py).
"""
import os
import re
import shutil
import subprocess
import sys
import time

from listing import Failure, bt_all, comparable, environment, run

PY_HUNG = r'''
import threading, time
lock = threading.Lock()
lock.acquire()
def blocked(n):
    def level2():
        lock.acquire()
    def level1():
        level2()
    level1()
def sleeper():
    while True:
        time.sleep(1)
for i in range(6):
    threading.Thread(target=blocked, args=(i,), daemon=True).start()
threading.Thread(target=sleeper, daemon=True).start()
time.sleep(0.2)
print("ready", flush=True)
threading.Event().wait()
'''


def has_debug_file(path):
    """Whether /usr/lib/debug holds the debug file of the ELF file path (by build-id)."""
    p = subprocess.run(['readelf', '-n', path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    m = re.search(r'Build ID: ([0-9a-f]{2})([0-9a-f]+)', p.stdout.decode())
    return bool(m) and os.path.exists('/usr/lib/debug/.build-id/%s/%s.debug' % m.groups())


def check(name, argv, lurk, env, skip_thread=None, want_view=False, want_source=None,
          not_opened=None):
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        if not proc.stdout.readline().startswith(b'ready'):
            raise Failure('%s: did not get ready' % name)
        # Python's main thread says ready, then still has to return from write().
        time.sleep(0.3)
        viewed, log = bt_all(lurk, proc.pid, env)
        plain, _ = bt_all(lurk, proc.pid, dict(env, LURK_UNIT_VIEW='0'))
    finally:
        proc.kill()
        proc.wait()
    viewed, plain = comparable(viewed, skip_thread), comparable(plain, skip_thread)
    if viewed != plain:
        raise Failure('%s: bt all differs with LURK_UNIT_VIEW=0\n--- view:\n%s\n--- libdwfl:\n%s'
                      % (name, viewed, plain))
    if want_view and 'viewed' not in log:
        raise Failure('%s: no unit was read through the view:\n%s' % (name, log[-3000:]))
    # A stack address (argv) is in no module: libdwfl's lookup answers the
    # last one (ld.so), whose files lurk must not open for it.
    if not_opened and re.search(r'find_elf \S*%s' % re.escape(not_opened), log):
        raise Failure('%s: %s was opened:\n%s' % (name, not_opened, log[-3000:]))
    if want_source and want_source not in viewed:
        raise Failure('%s: no frame at %s:\n%s' % (name, want_source, viewed))
    frames = len(re.findall(r'^#\d+', viewed, re.M))
    print('ok %s: %d frames the same%s' % (name, frames, ', units viewed' if 'viewed' in log else ''))


def body(lurk, hang8, tmp):
    env = environment(tmp)
    libc_dbg = has_debug_file('/lib/x86_64-linux-gnu/libc.so.6')
    check('hang8', [hang8], lurk, env, skip_thread='spinner', want_view=True,
          want_source='futex-internal.c' if libc_dbg else None, not_opened='ld-linux')
    stripped = os.path.join(tmp, 'hang8-stripped')
    subprocess.run(['objcopy', '--strip-all', hang8, stripped], check=True)
    check('hang8 stripped', [stripped], lurk, env, skip_thread='spinner', want_view=libc_dbg)
    # A separate debug file found by .gnu_debuglink, beside the program
    # and in .debug/ there: lurk looks for one before asking libdwfl.
    for sub in ('', '.debug'):
        where = os.path.join(tmp, 'split' + sub)
        os.makedirs(os.path.join(where, sub), exist_ok=True)
        debug = os.path.join(where, sub, 'hang8.debug')
        prog = os.path.join(where, 'hang8')
        subprocess.run(['objcopy', '--only-keep-debug', hang8, debug], check=True)
        subprocess.run(['objcopy', '--strip-debug', '--add-gnu-debuglink=' + debug, hang8, prog],
                       check=True)
        check('hang8, debug file in %s' % (sub or 'its directory'), [prog], lurk, env,
              skip_thread='spinner', want_view=True, want_source='hang8.c:')
    # Debian's interpreter (the one python3.11-dbg is for), else any on PATH.
    py = '/usr/bin/python3.11' if os.path.exists('/usr/bin/python3.11') \
        else shutil.which('python3.11')
    if not py:
        print('SKIP (part): no python3.11')
        return
    py_dbg = has_debug_file(os.path.realpath(py))
    if not py_dbg:
        print('note: python3.11-dbg is not installed: python3.11 without its debug file')
    check('python3.11', [py, '-c', PY_HUNG], lurk, env, want_view=libc_dbg or py_dbg)


if __name__ == '__main__':
    sys.exit(run('lurk-same-frames-', body))
