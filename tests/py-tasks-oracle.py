#!/usr/bin/env python3
"""Compare lurk's py tasks with CPython's own `python3.14 -m asyncio ps PID`.

usage: py-tasks-oracle.py --build DIR --src DIR [--python X.Y] [--mode MODE]

Starts tests/fixtures/py/stacks.py MODE (default: tasks) on Python X.Y
(default 3.14, the first version with `asyncio ps`), chrooted into the root
scripts/python-root makes for it, and asks both tools about that process:

  lurk -p PID --json --batch -ex 'py tasks'
  python3.14 -m asyncio ps PID   (in the root, with /proc mounted there for it)

Both must list the same tasks (by id, the task's address), each with the same
name, the same awaiting task and the same coroutine chain (function names,
outermost first). The task that runs now is compared by name and chain only:
CPython's tool shows it like the others, lurk says it runs. Exit status: 0
agree, 1 differ, 77 skipped (no such root, not run as root).
"""
import argparse
import fcntl
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77


def load_runner(src):
    spec = importlib.util.spec_from_file_location(
        'run_session', os.path.join(src, 'tests/run-session.py'))
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    return runner


def start_fixture(root, src, python, mode):
    """The fixture's process and its directory inside the root, once it says ready."""
    tmp = tempfile.mkdtemp(prefix='lurk-oracle-', dir=os.path.join(root, 'tmp'))
    shutil.copy(os.path.join(src, 'tests/fixtures/py/stacks.py'), tmp)
    out = open(os.path.join(tmp, 'out'), 'w+')
    proc = subprocess.Popen(['chroot', root, '/usr/bin/python' + python,
                             '/' + os.path.relpath(tmp, root) + '/stacks.py', mode],
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        with open(out.name) as f:
            m = re.search(r'^ready (\d+)$', f.read(), re.M)
        if m:
            return proc, tmp
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    with open(out.name) as f:
        raise SystemExit('FAIL: the fixture never got ready:\n' + f.read())


def cpython_tasks(root, python, pid):
    """{id: (name, chain, awaiter id)} from `pythonX.Y -m asyncio ps PID`."""
    # The tool reads /proc/PID/exe, which names the target's file from the
    # reader's root only when both share a mount namespace: /proc is mounted
    # in the root for this run (and left alone when something else did).
    # Runs of this test at once take turns, so that none unmounts it under another.
    proc_dir = os.path.join(root, 'proc')
    with open(os.path.join(root, 'tmp', '.lurk-proc-lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        mounted = not os.path.ismount(proc_dir)
        if mounted:
            subprocess.run(['mount', '--bind', '/proc', proc_dir], check=True)
        try:
            r = subprocess.run(['chroot', root, '/usr/bin/python' + python, '-m', 'asyncio',
                                'ps', str(pid)], capture_output=True, text=True, timeout=60)
        finally:
            if mounted:
                subprocess.run(['umount', proc_dir])
    if r.returncode:
        raise SystemExit('FAIL: asyncio ps exited with %d:\n%s%s'
                         % (r.returncode, r.stdout, r.stderr))
    tasks = {}
    for line in r.stdout.splitlines():
        # tid, task id, name, coroutine stack (innermost first), awaiter chain,
        # awaiter name, awaiter id: columns of fixed widths, names may hold spaces
        m = re.match(r'^(\d+)\s+(0x[0-9a-f]+)\s+(.*?)\s{2,}(.*?)\s{2,}.*\s(0x[0-9a-f]+)\s*$',
                     line)
        if not m:
            continue
        chain = [f.strip() for f in m.group(4).split('->')] if m.group(4).strip() else []
        tasks[m.group(2)] = (m.group(3), list(reversed(chain)), m.group(5))
    return tasks, r.stdout


def lurk_tasks(build, pid):
    """{id: (name, chain, awaiter name, running)} from lurk's JSON records."""
    r = subprocess.run([os.path.join(build, 'src', 'lurk'), '-q', '-p', str(pid), '--json',
                        '--batch', '-ex', 'py tasks'], capture_output=True, text=True, timeout=60)
    if r.returncode:
        raise SystemExit('FAIL: lurk exited with %d:\n%s%s' % (r.returncode, r.stdout, r.stderr))
    tasks = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        if o.get('kind') != 'task':
            continue
        # "f at file:line -> g at file:line -> awaits _asyncio.Future": the functions
        chain = [re.sub(r' at .*', '', part) for part in o['chain'].split(' -> ')
                 if part and not part.startswith('awaits ')]
        by = re.findall(r'"([^"]*)"', o['awaited_by'])
        tasks[o['id']] = (o['name'], chain, by, o['state'] == 'running')
    return tasks, r.stdout


def compare(ours, theirs):
    """The differences, as lines; none when the two agree."""
    diffs = []
    for tid in sorted(set(ours) | set(theirs)):
        if tid not in ours or tid not in theirs:
            diffs.append('task %s: listed only by %s' % (tid, 'lurk' if tid in ours else 'CPython'))
            continue
        name, chain, by, running = ours[tid]
        cname, cchain, cby = theirs[tid]
        cby_name = theirs[cby][0] if cby in theirs else None
        if name != cname:
            diffs.append('task %s: named %r by lurk, %r by CPython' % (tid, name, cname))
        if chain != cchain:
            diffs.append('task %s (%s): chain %s by lurk, %s by CPython'
                         % (tid, name, chain, cchain))
        if (by[0] if by else None) != cby_name:
            diffs.append('task %s (%s): awaited by %s by lurk, %s by CPython'
                         % (tid, name, by, cby_name))
    return diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--src', required=True)
    ap.add_argument('--python', default='3.14')
    ap.add_argument('--mode', default='tasks')
    a = ap.parse_args()
    root = os.path.join(load_runner(a.src).roots_dir(), 'python' + a.python)
    if not os.path.exists(os.path.join(root, 'usr/bin/python' + a.python)):
        print('SKIP: no python%s root in %s (scripts/python-root %s makes one)'
              % (a.python, root, a.python))
        return SKIP
    if os.geteuid() != 0:
        print('SKIP: chroot and mounting /proc in the root need root')
        return SKIP
    proc, tmp = start_fixture(root, a.src, a.python, a.mode)
    try:
        theirs, their_text = cpython_tasks(root, a.python, proc.pid)
        ours, our_text = lurk_tasks(a.build, proc.pid)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    diffs = compare(ours, theirs)
    if not theirs:
        diffs.append('CPython listed no tasks')
    for d in diffs:
        print('DIFF: ' + d)
    if diffs:
        print('--- lurk:\n' + our_text + '--- python%s -m asyncio ps:\n' % a.python + their_text)
        return 1
    print('%d tasks: names, awaiters and chains agree with python%s -m asyncio ps'
          % (len(ours), a.python))
    return 0


if __name__ == '__main__':
    sys.exit(main())
