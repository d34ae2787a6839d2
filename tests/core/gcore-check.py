#!/usr/bin/env python3
"""Check lurk's generate-core-file against the readers of core files.

On the 8-thread fixture (tests/fixtures/hang8, with its heartbeat) and on the
deadlock fixture (abba), lurk attaches, writes a core and prints 'bt all';
then:

  - the fixture still runs: not traced, not stopped, its heartbeat advancing;
  - readelf -n: one NT_PRSTATUS per thread, NT_PRPSINFO, NT_AUXV, NT_FILE;
  - lurk --core, eu-stack --core and gdb -c see the same threads (by tid,
    the main thread first) and, per thread, the same functions of the
    program and the same libc wait functions as lurk's live 'bt all';
  - with /proc/PID/coredump_filter 0 no PT_LOAD but the vDSO's holds bytes
    (the kernel always dumps the vDSO), and the notes are all there;
  - bad paths: a missing directory, a parent that is a regular file, a
    device (/dev/full: refused, not removed), and a full disk (a 64 KiB
    tmpfs in a mount namespace of lurk's own, else RLIMIT_FSIZE of 64 KiB):
    lurk says why, leaves no partial file, and the fixture runs on;
  - Ctrl-C while a 512 MiB core is written (tests/fixtures/mapbig) abandons
    it and removes the file.

eu-stack comes from Debian's elfutils; without it (or gdb) that reader is
skipped with a message.

usage: gcore-check.py --build DIR --src DIR
Exit status: 0 pass, 1 fail, 77 skipped (ptrace not permitted; under
CI=true that is a failure, as in run-session.py).
"""
import argparse
import importlib.util
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from lurkenv import environment  # noqa: E402 (tests/, after the path)

SKIP = 77

# libc functions a blocked thread of the fixtures waits in, after canonical():
# each tool must show the same ones per thread (inlined frames, which only
# lurk and gdb show, are left out of the list).
WAITS = {'read', 'clock_nanosleep', 'lll_lock_wait', 'pthread_mutex_lock', 'pthread_cond_wait',
         'pthread_clockjoin_ex', 'nanosleep'}


class Failure(Exception):
    pass


def canonical(name):
    """A libc function under any of its names: __GI___libc_read, __libc_read
    and read are 'read'; version suffixes go."""
    name = name.split('@')[0]
    prev = None
    while prev != name:
        prev = name
        name = name.lstrip('_')
        for prefix in ('GI_', 'libc_'):
            if name.startswith(prefix):
                name = name[len(prefix):]
    return name


def run(argv, env, timeout=120, **kw):
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=timeout, **kw)
    err = p.stderr.decode('utf-8', 'replace')
    # Under the sanitizers a failure that is expected must still be a clean one.
    m = re.search(r'.*(AddressSanitizer|LeakSanitizer|runtime error:).*', err)
    if m:
        raise Failure('%s: %s' % (' '.join(argv), m.group(0)))
    return p.returncode, p.stdout.decode('utf-8', 'replace'), err


def program_functions(exe, env):
    """The functions the program itself defines (nm: T and t symbols), but
    the C runtime's _start, below main, where gdb's backtraces end."""
    rc, out, err = run(['nm', '--defined-only', exe], env)
    if rc != 0:
        raise Failure('nm %s: %s' % (exe, err))
    return {f[2] for f in (line.split() for line in out.splitlines())
            if len(f) == 3 and f[1] in 'Tt' and not f[2].startswith('_')}


def frames_by_thread(text, header, frame):
    """{tid: [function names]} from a backtrace listing: header matches a
    thread's first line with the tid as group 1, frame a frame line with the
    function as group 1. Returns also the tids in order."""
    threads, order, cur = {}, [], None
    for line in text.splitlines():
        m = re.match(header, line)
        if m:
            cur = int(m.group(1))
            threads[cur] = []
            order.append(cur)
            continue
        m = re.match(frame, line)
        if m and cur is not None:
            threads[cur].append(m.group(1))
    return threads, order


def lurk_stacks(text):
    # Loose on purpose: frame lines may gain or lose punctuation.
    return frames_by_thread(text, r'^Thread \d+ \(tid (\d+)\)',
                            r'^#\d+\s+(?:0x[0-9a-f]+\s+in\s+)?([A-Za-z_][\w.@]*)')


def gdb_stacks(text):
    return frames_by_thread(text, r'^Thread \d+ \(.*\(LWP (\d+)\)\)',
                            r'^#\d+\s+(?:0x[0-9a-f]+\s+in\s+)?([A-Za-z_][\w.@]*)')


def eu_stacks(text):
    return frames_by_thread(text, r'^TID (\d+):', r'^#\d+\s+0x[0-9a-f]+\s+([A-Za-z_][\w.@]*)')


def summary(names, own):
    return (sorted({n for n in names if n in own}),
            sorted({canonical(n) for n in names} & WAITS))


class Fixture:
    def __init__(self, argv, heartbeat=None):
        self.heartbeat = heartbeat
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if 'ready' not in line:
            self.proc.kill()
            raise Failure('%s did not get ready' % argv[0])
        self.pid = self.proc.pid
        self.exe = argv[0]

    def beat(self):
        try:
            with open(self.heartbeat) as f:
                return int(f.read().strip() or 0)
        except (OSError, ValueError):
            return 0

    def check_runs(self, what):
        """Not traced, not stopped and, with a heartbeat, still beating."""
        deadline = time.time() + 5
        while True:
            status = open('/proc/%d/status' % self.pid).read()
            state = re.search(r'^State:\s+(\S)', status, re.M).group(1)
            tracer = re.search(r'^TracerPid:\s+(\d+)', status, re.M).group(1)
            if state not in 'tT' and tracer == '0':
                break
            if time.time() > deadline:
                raise Failure('%s: the fixture is left in state %s, tracer %s'
                              % (what, state, tracer))
            time.sleep(0.05)
        if self.heartbeat:
            first = self.beat()
            deadline = time.time() + 5
            while self.beat() <= first:
                if time.time() > deadline:
                    raise Failure('%s: the fixture\'s heartbeat stopped at %d' % (what, first))
                time.sleep(0.05)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def lurk_argv(lurk, pid, *commands):
    argv = [lurk, '-q', '-n', '-p', str(pid), '--batch']
    for c in commands:
        argv += ['-ex', c]
    return argv


def check_notes(core, nthreads, env, what):
    rc, out, err = run(['readelf', '-nW', core], env)
    if rc != 0:
        raise Failure('%s: readelf -n: %s' % (what, err))
    prstatus = out.count('NT_PRSTATUS')
    if prstatus != nthreads:
        raise Failure('%s: %d NT_PRSTATUS notes for %d threads' % (what, prstatus, nthreads))
    for note in ('NT_PRPSINFO', 'NT_AUXV', 'NT_FILE'):
        if out.count(note) != 1:
            raise Failure('%s: %d %s notes, not 1' % (what, out.count(note), note))


def loads(core, env):
    """(vaddr, filesz) of each PT_LOAD."""
    rc, out, err = run(['readelf', '-lW', core], env)
    if rc != 0:
        raise Failure('readelf -l %s: %s' % (core, err))
    return [(int(f[2], 16), int(f[4], 16)) for f in (line.split() for line in out.splitlines())
            if f and f[0] == 'LOAD']


def compare_readers(fx, lurk, tmp, env, own):
    what = os.path.basename(fx.exe)
    core = os.path.join(tmp, what + '.core')
    rc, out, err = run(lurk_argv(lurk, fx.pid, 'generate-core-file ' + core, 'bt all'), env)
    if rc != 0 or 'Saved corefile %s' % core not in out:
        raise Failure('%s: lurk exited with %d:\n%s%s' % (what, rc, out, err))
    fx.check_runs(what + ' after generate-core-file')
    live, live_order = lurk_stacks(out)
    if not live or live_order[0] != fx.pid:
        raise Failure('%s: lurk\'s bt all lists no threads, or not the main one first:\n%s'
                      % (what, out))
    check_notes(core, len(live), env, what)
    want = {tid: summary(names, own) for tid, names in live.items()}
    readers = [('lurk --core', [lurk, '-q', '-n', '--core', core, '--batch', '-ex', 'bt all'],
                lurk_stacks)]
    if shutil.which('eu-stack'):
        readers.append(('eu-stack', ['eu-stack', '--core', core, '-e', fx.exe], eu_stacks))
    else:
        print('SKIP (part): eu-stack is not installed (Debian package elfutils)')
    if shutil.which('gdb'):
        readers.append(('gdb', ['gdb', '-nx', '-q', '--batch', '-iex',
                                'set debuginfod enabled off', '-iex', 'set width 0', '-c', core,
                                fx.exe, '-ex', 'thread apply all bt'], gdb_stacks))
    else:
        print('SKIP (part): gdb is not installed')
    for name, argv, parse in readers:
        rc, text, err = run(argv, env)
        got, order = parse(text)
        if rc != 0 or not got:
            raise Failure('%s: %s exited with %d:\n%s%s' % (what, name, rc, text, err))
        if set(got) != set(live):
            raise Failure('%s: %s sees threads %s, lurk %s'
                          % (what, name, sorted(got), sorted(live)))
        # gdb lists the threads last to first; the first of the core is its thread 1.
        first = order[-1] if name == 'gdb' else order[0]
        if first != fx.pid:
            raise Failure('%s: %s takes thread %d for the process, not the main thread %d'
                          % (what, name, first, fx.pid))
        for tid, names in got.items():
            if summary(names, own) != want[tid]:
                raise Failure('%s: thread %d: %s sees %s, lurk live %s\n%s:\n%s\nlurk:\n%s'
                              % (what, tid, name, summary(names, own), want[tid], name, text,
                                 out))
        print('ok: %s: %s reads the core as lurk saw the process: %d threads'
              % (what, name, len(got)))
    return len(live)


def check_filter(fx, lurk, tmp, env, nthreads):
    what = os.path.basename(fx.exe) + ' coredump_filter 0'
    core = os.path.join(tmp, 'filter0.core')
    path = '/proc/%d/coredump_filter' % fx.pid
    old = open(path).read().strip()
    with open(path, 'w') as f:
        f.write('0')
    try:
        rc, out, err = run(lurk_argv(lurk, fx.pid, 'generate-core-file ' + core), env)
    finally:
        with open(path, 'w') as f:
            f.write(old)
    if rc != 0:
        raise Failure('%s: lurk exited with %d:\n%s%s' % (what, rc, out, err))
    fx.check_runs(what)
    vdso = [int(line.split('-')[0], 16) for line in open('/proc/%d/maps' % fx.pid)
            if line.rstrip().endswith('[vdso]')]
    dumped = [(a, n) for a, n in loads(core, env) if n]
    if [a for a, _ in dumped] != vdso:
        raise Failure('%s: PT_LOADs with bytes at %s, the vDSO at %s'
                      % (what, [hex(a) for a, _ in dumped], [hex(a) for a in vdso]))
    check_notes(core, nthreads, env, what)
    print('ok: %s: only the vDSO is dumped, the notes are all there' % what)


def expect_refusal(fx, lurk, env, path, message, what, wrap=()):
    rc, out, err = run(list(wrap) + lurk_argv(lurk, fx.pid, 'generate-core-file ' + path), env)
    if rc == 0 or message not in err:
        raise Failure('%s: lurk exited with %d, and stderr lacks "%s":\n%s%s'
                      % (what, rc, message, out, err))
    fx.check_runs(what)
    return out


def check_bad_paths(fx, lurk, tmp, env):
    expect_refusal(fx, lurk, env, os.path.join(tmp, 'no-such-dir', 'core'),
                   'No such file or directory', 'a missing directory')
    plain = os.path.join(tmp, 'plain')
    open(plain, 'w').close()
    expect_refusal(fx, lurk, env, os.path.join(plain, 'core'), 'Not a directory',
                   'a parent that is a regular file')
    expect_refusal(fx, lurk, env, '/dev/full', 'cannot write /dev/full: not a regular file',
                   '/dev/full')
    if not os.path.exists('/dev/full') or not stat.S_ISCHR(os.stat('/dev/full').st_mode):
        raise Failure('/dev/full was removed or replaced')
    print('ok: missing directory, file as directory, /dev/full refused; the fixture runs on')


def check_full_disk(fx, lurk, tmp, env):
    mnt = os.path.join(tmp, 'small')
    os.mkdir(mnt)
    core = os.path.join(mnt, 'core')
    probe = run(['unshare', '-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$1"', 'sh',
                 mnt], env) if shutil.which('unshare') else (1, '', 'no unshare')
    if probe[0] == 0:
        # lurk in a mount namespace of its own, writing to a 64 KiB tmpfs;
        # ls afterwards, in the same namespace, shows what it left there.
        script = ('mount -t tmpfs -o size=64k tmpfs "$1" || exit 99; shift; "$@"; rc=$?; '
                  'echo "left: $(ls -A "$(dirname "$CORE")")"; exit $rc')
        env2 = dict(env, CORE=core)
        out = expect_refusal(fx, lurk, env2, core, 'No space left on device',
                             'a full disk (tmpfs of 64 KiB)',
                             wrap=('unshare', '-m', 'sh', '-c', script, 'sh', mnt))
        if 'left: \n' not in out + '\n' or re.search(r'^left: \S', out, re.M):
            raise Failure('a full disk: lurk left a partial file: %s' % out)
        print('ok: a full disk: "No space left on device", no partial file, the fixture runs on')
        return
    if not shutil.which('prlimit'):
        print('SKIP (part): neither a tmpfs in a mount namespace nor prlimit works here')
        return
    expect_refusal(fx, lurk, env, core, 'File too large', 'RLIMIT_FSIZE of 64 KiB',
                   wrap=('prlimit', '--fsize=65536'))
    if os.path.exists(core):
        raise Failure('RLIMIT_FSIZE: lurk left a partial file of %d bytes'
                      % os.path.getsize(core))
    print('ok: RLIMIT_FSIZE: "File too large", no partial file, the fixture runs on')


def check_interrupt(lurk, tmp, env, fixtures):
    """Ctrl-C while a large core is written (mapbig's 512 MiB, populated)
    abandons it: lurk says so and removes what it wrote."""
    core = os.path.join(tmp, 'mapbig.core')
    argv = [lurk, '-q', '-n', '--batch', '-ex', 'break mapbig.c:%d' % mapbig_after_mmap(),
            '-ex', 'run', '-ex', 'generate-core-file ' + core, '--',
            os.path.join(fixtures, 'mapbig')]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 60
    while not (os.path.exists(core) and os.path.getsize(core) > (16 << 20)):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            out, err = proc.communicate()
            raise Failure('Ctrl-C: lurk ended (%s) before the core was 16 MiB:\n%s%s'
                          % (proc.returncode, out.decode(), err.decode()))
        time.sleep(0.002)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    err = err.decode()
    if 'generate-core-file: interrupted: %s not written' % core not in err:
        raise Failure('Ctrl-C: lurk exited with %d, and stderr lacks the interruption:\n%s%s'
                      % (proc.returncode, out.decode(), err))
    if os.path.exists(core):
        raise Failure('Ctrl-C: lurk left a partial file of %d bytes' % os.path.getsize(core))
    print('ok: Ctrl-C abandons a core being written and removes it')


def mapbig_after_mmap():
    """The line after mapbig.c's mmap (its @line:mmap marker)."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'mapbig.c')
    for n, line in enumerate(open(src), 1):
        if '@line:mmap' in line:
            return n + 1
    raise Failure('mapbig.c has no @line:mmap marker')


def load_run_session(src):
    spec = importlib.util.spec_from_file_location(
        'run_session', os.path.join(src, 'tests', 'run-session.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--src', required=True)
    args = ap.parse_args()
    sys.dont_write_bytecode = True
    problem = load_run_session(args.src).ptrace_problem()
    if problem:
        if os.environ.get('CI') == 'true':
            print('FAIL (would skip, but CI must not): %s' % problem)
            return 1
        print('SKIP: %s' % problem)
        return SKIP
    build = os.path.abspath(args.build)
    lurk = os.path.join(build, 'src', 'lurk')
    fixtures = os.path.join(build, 'tests', 'fixtures')
    started = []
    with tempfile.TemporaryDirectory(prefix='lurk-gcore-') as tmp:
        env = environment(tmp)
        try:
            hang8 = Fixture([os.path.join(fixtures, 'hang8'), '--heartbeat',
                             os.path.join(tmp, 'heartbeat')], os.path.join(tmp, 'heartbeat'))
            started.append(hang8)
            n = compare_readers(hang8, lurk, tmp, env, program_functions(hang8.exe, env))
            check_filter(hang8, lurk, tmp, env, n)
            check_bad_paths(hang8, lurk, tmp, env)
            check_full_disk(hang8, lurk, tmp, env)
            deadlock = Fixture([os.path.join(fixtures, 'deadlock'), 'abba'])
            started.append(deadlock)
            compare_readers(deadlock, lurk, tmp, env, program_functions(deadlock.exe, env))
            check_interrupt(lurk, tmp, env, fixtures)
        except (Failure, subprocess.TimeoutExpired) as e:
            print('FAIL: %s' % e)
            return 1
        finally:
            for fx in started:
                fx.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
