#!/usr/bin/env python3
"""Randomized sessions against tests/fixtures/torture: lurk must never harm a target.

Each session picks, from its own seeded random generator:

  * a mode: "launched" (lurk -- torture --rounds R ...: lurk starts the
    program) or "attached" (lurk -p PID to a torture --loop started here);
  * a command list drawn from a menu: breakpoints and tbreaks on the fixture's
    functions and lines, with random conditions (true, false, sometimes true,
    not evaluable) and "commands ... continue end" bodies, ignore, condition,
    enable/disable/delete; conditions the program judges (the agent's
    guards, also never-true ones on the hot function), or, in some
    sessions, all judged by lurk (set breakpoint condition-evaluation host); watchpoints (watch/rwatch/awatch, with conditions
    and commands) on the global counter and the progress array, in debug
    registers or, in 4 sessions of 10 (set can-use-hw-watchpoints 0) and
    past the fourth, in software (protected pages; a local: single-steps);
    memwatch rss/heap/vm, sampling or precise; trace (calls recorded by
    the program where it can) and trace --mode ptrace; trace --count (the agent
    counting in the program), trace with patterns, --max,
    --depth, --threads, -o, on the program and on libc; step, next, stepi,
    nexti, finish, until, thread switches; continue, continue N,
    "continue &" then interrupt after a random delay; detach and attach again;
    run/start/kill again (launched); bt, info, print, x, disassemble,
    profile, deadlock ... which only read;
  * an ending: detach, quit, EOF on standard input (lurk without --batch fed
    the commands on a pipe that is then closed), the end of the --batch command
    file (batch-end), SIGTERM, SIGINT (sent repeatedly until lurk is gone:
    it interrupts a running program, and ends a batch session between
    commands), SIGHUP, or SIGKILL of lurk. Signals go at a random moment: a
    random delay after a random "Continuing." line, or after lurk started.
    When lurk leaves before the signal is sent the ending is counted as what
    really happened (batch-end, or the quit/detach the file had).

What is checked after each session
----------------------------------
lurk: it must not die by a signal other than the one sent (nor exit with
128+N for a signal N it was not sent), and its standard error must hold no
sanitizer report (build lurk with -Db_sanitize=address,undefined and pass
--lurk for that).

Hangs: a session still running after --stuck seconds (default 6; sessions
normally take well under 3 s) gets SIGINT, as a user would press Ctrl-C, and
again every 3 s; if lurk then neither leaves nor prints anything for 3 s, or
does not leave within 5 s of the SIGTERM or SIGHUP of its ending, or is still
there after --timeout seconds, it is hung: it gets SIGKILL, the session
fails, and what SIGKILL left in the target is reported as for kill -9. A
session that Ctrl-C set going again and that then finished is only counted
("stuck until Ctrl-C"): a breakpoint whose commands continue can make any
command that resumes the program run until something stops it, as in gdb. A
hang where lurk sleeps in wait() for the one thread of the target that is
not in a tracing stop (it is asleep in a system call, the others are held
by lurk) is counted apart: that is a step, next, stepi or until of a thread
blocked in a system call that only another thread can end (the main thread
in pthread_join), which cannot finish while lurk holds the others.
--avoid step-blocked makes the command lists step only right after a
breakpoint stop in the workers' loop, to look for other trouble.

Launched targets (their output is lurk's standard output): every process
that printed "ready PID" must either end with "checksum N" equal to the
checksum of an undisturbed run and exit status 0, or be killed with SIGKILL
(by lurk when it leaves, by kill/run, or by the kernel through
PTRACE_O_EXITKILL when lurk itself is killed). After "detach" the program
must run on to its checksum on its own. This script is the child subreaper
(PR_SET_CHILD_SUBREAPER), so a launched program that outlives lurk becomes
its child and its exit status is known.

Attached targets, once lurk is gone: the process is alive, not traced
(TracerPid 0), not stopped (state T or t), the bytes of the executable
mappings of the fixture's binary read from /proc/PID/mem equal the file's,
its executable mappings are the ones it had before lurk came (lurk's
out-of-line page is gone), its heartbeat file advances, it completes a new
round after lurk left, and every "round R checksum N" it printed (rounds
run during the session included) equals the undisturbed value for R.

For every target: "GOT SIGTRAP" must never appear (the fixture's SIGTRAP
handler prints it: lurk's traps are lurk's business), nor the fixture's own
consistency errors, nor lurk reporting that the program received SIGSEGV,
SIGILL, SIGBUS, SIGFPE, SIGABRT or SIGTRAP (the fixture raises none of
them: such a signal means lurk broke the program; SIGTRAP means lurk
mistook one of its own traps for the program's).

kill -9 of lurk, and what is honest about it
--------------------------------------------
SIGKILL gives lurk no chance to clean up. For a launched program the kernel
kills it (PTRACE_O_EXITKILL): it must be gone, that is all. For an attached
one the kernel detaches every thread and lets it run with whatever lurk left
behind at that instant: int3 bytes in the code (the text differs from the
file; a thread that reaches one gets SIGTRAP, the fixture prints "GOT
SIGTRAP ... kind=int3" and exits 86 since the instruction under it is lost),
armed debug registers (SIGTRAP kind=hwbkpt on the next write), a
single-step flag (kind=other), lurk's out-of-line page (an extra executable
mapping). None of that is lurk's fault, so these sessions are reported on
their own line and do not fail, EXCEPT when the target is harmed (it died,
stayed stopped or traced, made no progress, or printed a wrong checksum)
while there is no trace of anything left behind: code identical to the file,
no extra executable mapping, no SIGTRAP printed. That is counted as
"unexplained" and fails the run. (A thread that lurk holds in its stop for a
breakpoint trap gets that SIGTRAP when lurk dies, and prints "kind=int3 (the
0xcc byte is gone)" if lurk had removed the byte already: that is a
leftover too. One window remains where this rule could blame lurk for the
kernel: a thread whose trap lurk has taken but whose pc it has not moved
back yet, the byte already removed, and lurk dies right then. Such a failure
shows its session's details; judge it by them.) SIGTRAP seen after kill -9
is counted in the kill -9 line, not in "SIGTRAP seen".

Reproducing: each session's commands depend only on --seed, its number and
the work sizes, so

    torture.py --lurk LURK --fixture FIXTURE --seed S --only I [--keep DIR]

runs session I of seed S again (timing differs: signals and interrupts land
at other moments, so a timing bug may need a few tries, --repeat N).
Failing sessions are kept in a directory that is printed, with the command
file, lurk's output and the target's.

usage: torture.py --lurk PATH --fixture PATH [--seed S] [--sessions N]
                  [--jobs J] [--stuck SEC] [--timeout SEC] [--only I,...]
                  [--repeat N] [--modes launched,attached] [--endings LIST]
                  [--avoid step-blocked] [--keep DIR] [--work W] [--rounds R]
                  [--verbose]
The fixture's --work (default 60) and --rounds (default 4) keep a session
short: 200 sessions take 1-2 minutes on two cores with --jobs 2 when nothing
hangs. LURK_TEST_WRAPPER (for example "env LURK_DEBUG=ptrace,cmd", or
valgrind) is put in front of lurk's command line, as in tests/run-session.py.
Exit status: 0 nothing bad happened, 1 something did, 77 ptrace cannot work here
(under CI=true that is a failure instead).
"""
import argparse
import concurrent.futures
import ctypes
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
ENDINGS = ['detach', 'quit', 'eof', 'batch-end', 'sigterm', 'sigint', 'sighup', 'kill9']
SIGNAL_OF = {'sigterm': signal.SIGTERM, 'sigint': signal.SIGINT, 'sighup': signal.SIGHUP,
             'kill9': signal.SIGKILL}
FAULT_SIGNALS = 'SIGSEGV|SIGILL|SIGBUS|SIGFPE|SIGABRT|SIGTRAP|SIGSYS'
FAULT_RE = re.compile(r'received signal (%s)\b|killed by signal (%s)\b'
                      % (FAULT_SIGNALS, FAULT_SIGNALS))
SANITIZER_RE = re.compile(r'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|'
                          r'ThreadSanitizer|runtime error:|lurk: out of memory')
SRC_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_SRC = os.path.join(SRC_DIR, 'fixtures', 'torture.c')


def ptrace_problem():
    """Why ptrace cannot work here, or None: the session runner's own check."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        'run-session.py')
    spec = importlib.util.spec_from_file_location('run_session', path)
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    return runner.ptrace_problem()


def set_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_CHILD_SUBREAPER = 36
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def line_markers(path):
    """{name: line} for the '@line:name' markers of the fixture's source."""
    marks = {}
    try:
        for n, line in enumerate(open(path), 1):
            m = re.search(r'@line:(\w+)', line)
            if m:
                marks[m.group(1)] = n
    except OSError:
        pass
    return marks


def find_fault(text):
    """lurk saying the program got a signal the fixture never raises: a
    line of its human output, or a JSON stop or event with such a signal
    (not a row of info signals), or None."""
    m = FAULT_RE.search(text)
    if m:
        return m.group(0)
    for line in text.splitlines():
        if line.startswith('{') and '"signal"' in line:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            sig = obj.get('signal') if isinstance(obj, dict) else None
            if isinstance(sig, str) and re.fullmatch(FAULT_SIGNALS, sig) and \
                    (obj.get('reason') in ('signal', 'killed') or obj.get('cmd') == 'event'):
                return line
    return None


def proc_field(pid, field):
    try:
        for line in open('/proc/%d/status' % pid):
            if line.startswith(field + ':'):
                return line.split(':', 1)[1].strip()
    except OSError:
        return None
    return None


def proc_state(pid):
    """The state letter of a process (R S D T t Z ...), None when it is gone."""
    try:
        stat = open('/proc/%d/stat' % pid).read()
    except OSError:
        return None
    return stat[stat.rindex(')') + 2]


def thread_states(pid):
    states = []
    try:
        for tid in sorted(os.listdir('/proc/%d/task' % pid), key=int):
            try:
                stat = open('/proc/%d/task/%s/stat' % (pid, tid)).read()
                comm = stat[stat.index('(') + 1:stat.rindex(')')]
                states.append('%s:%s:%s' % (tid, comm, stat[stat.rindex(')') + 2]))
            except OSError:
                pass
    except OSError:
        pass
    return ' '.join(states)


def exec_mappings(pid):
    try:
        with open('/proc/%d/maps' % pid) as maps:
            return sorted(' '.join([l.split()[0]] + l.split()[5:6])
                          for l in maps if l.split()[1][2] == 'x')
    except OSError:
        return None


def mapping_perms(pid):
    """(start, end, perms) of every mapping of pid, None if unreadable."""
    try:
        with open('/proc/%d/maps' % pid) as maps:
            out = []
            for line in maps:
                parts = line.split()
                lo, hi = (int(x, 16) for x in parts[0].split('-'))
                out.append((lo, hi, parts[1]))
            return out
    except OSError:
        return None


def lost_permissions(before, after):
    """Memory that was readable and writable before lurk ran and is not now:
    what a software watchpoint's protection would leave behind."""
    lost = []
    for lo, hi, perms in before:
        if perms[:2] != 'rw':
            continue
        for alo, ahi, aperms in after:
            if alo < hi and lo < ahi and aperms[:2] != 'rw':
                lost.append('0x%x-0x%x %s (was %s)' % (max(lo, alo), min(hi, ahi), aperms, perms))
    return lost


def text_differences(pid, exe):
    """Where the executable mappings of exe in pid differ from the file:
    a list of (address, byte in memory, byte in the file), None if unreadable."""
    diffs = []
    try:
        data = open(exe, 'rb').read()
        with open('/proc/%d/maps' % pid) as maps, open('/proc/%d/mem' % pid, 'rb') as mem:
            for line in maps:
                parts = line.split()
                if len(parts) < 6 or 'x' not in parts[1] or parts[5] != exe:
                    continue
                lo, hi = (int(x, 16) for x in parts[0].split('-'))
                off = int(parts[2], 16)
                mem.seek(lo)
                got = mem.read(hi - lo)
                want = data[off:off + (hi - lo)]
                want += b'\0' * (len(got) - len(want))
                if got != want:
                    for i in range(len(got)):
                        if got[i] != want[i]:
                            diffs.append((lo + i, got[i], want[i]))
    except OSError:
        return None
    return diffs


def wait_gone(pid, timeout):
    """Waits for pid to end; returns (gone, status) with the wait status
    when this process reaped it (as the subreaper), else None."""
    deadline = time.time() + timeout
    while True:
        try:
            got, status = os.waitpid(pid, os.WNOHANG)
            if got == pid:
                return True, status
        except ChildProcessError:
            if proc_state(pid) in (None, 'X'):
                return True, None
        if time.time() > deadline:
            return False, None
        time.sleep(0.01)


def status_text(status):
    if status is None:
        return 'unknown'
    if os.WIFSIGNALED(status):
        return 'killed by %s' % signal.Signals(os.WTERMSIG(status)).name
    return 'exit %d' % os.WEXITSTATUS(status)


# ---------------------------------------------------------------------------
# The command generator
# ---------------------------------------------------------------------------

# Calls per thread and round (W = --work): how hot each function is decides
# what may be put on it: a breakpoint whose condition is false still costs the
# program a stop per call, and "commands ... continue" a full stop per hit.
FUNCS = {
    'leaf_mix': 'hot',        # W * 1024 calls
    'mix_block': 'medium',    # W
    'rec_depth': 'medium',    # W / 8 * 5, recursive
    'checkpoint': 'rare',     # W / 16
    'grow_heap': 'rare',      # W / 32
    'release_heap': 'rare',   # 1
    'run_worker': 'rare',     # 1
    'worker': 'rare',         # 1
    'write_heartbeat': 'rare',  # every 20 ms, heartbeat thread
}

# Conditions: (text, sure) - sure: true at least once every round.
CONDS = {
    'mix_block': [('i == 5', True), ('i % 20 == 7', True), ('id == 3 && i == 10', True),
                  ('(h & 63) == 5', False), ('i > 100000', False), ('$rdi == 1', True),
                  ('id == 2 || i == 40', True), ('progress[1] >= 0 && i == 3', True)],
    'rec_depth': [('depth == 0', True), ('depth == 3 && (h & 1)', True), ('depth > 10', False),
                  ('depth == 2 && torture_counter > 0', True)],
    'checkpoint': [('id == 2', True), ('i == 16', True), ('i % 32 == 0', True),
                   ('id == 1 && i >= 16', True), ('(h & 1) == 1', True),
                   ('torture_counter % 5 == 3', True), ('$rdi == 2', True), ('progress[2] >= 0', True),
                   ('0', False), ('i < 0', False), ('nosuch_symbol > 1', True),
                   ('id == 4', False), ('*(long *)&torture_counter > 2', True)],
    'grow_heap': [('list == 0', True), ('id == 2', True), ('i == 32', True), ('i > 100000', False)],
    'release_heap': [('list != 0', True), ('*bad == 0', True), ('bad == 0', False)],
    'run_worker': [('a->id == 1', True), ('a->round % 2 == 0', True), ('a->id > 7', False)],
    'worker': [('((struct worker_arg *)p)->id == 3', True)],
    'write_heartbeat': [('value % 3 == 0', True), ('value > 0', True), ('value == 0', False)],
}

# Never true on the hot function: the program judges them (the agent's guard) at
# every call; under "set breakpoint condition-evaluation host" they are not drawn.
HOT_CONDS = ['v >> 40 != 0', 'v == 0xfffffffffff && h != 0', '(v & 0xff00000000) != 0 || h == 0 && v == 1']

WATCH_EXPRS = ['torture_counter', 'progress[0]', 'progress[1]', 'progress[2]', 'progress[3]']
TRACE_PATTERNS = ['rec_depth', 'checkpoint', 'grow_heap release_heap', '*_heap', 'mix_block',
                  'check*', 'run_worker', 'write_heartbeat']
TRACE_LIMITED = ['leaf_mix', 'libc.so.6:malloc', 'libc.so.6:free', 'libc.so.6:fopen',
                 'libc.so.6:rename', '*mix*', 'libc.so.6:pthread_mutex_lock']
READERS = ['bt', 'bt 3', 'bt all', 'bt full 2', 'info threads', 'info breakpoints',
           'info watchpoints', 'info registers rip rsp', 'info registers', 'print torture_counter',
           'print progress', 'print/x progress[1]', 'x/16xb leaf_mix', 'x/4i $pc', 'x/8xb checkpoint',
           'disassemble /r checkpoint', 'info locals', 'info args', 'frame 1', 'up', 'down',
           'info inferior', 'info sharedlibrary', 'info trace', 'info proc mappings',
           'deadlock', 'info locks', 'thread apply all bt 2', 'info signals SIGTRAP',
           'list', 'info display', 'whatis torture_counter', 'ptype struct block',
           'info symbol $pc', 'print $pc', 'x/2gx &torture_counter', 'info frame',
           'display torture_counter', 'undisplay']


class Gen:
    """Builds one session's commands. Lines are lurk commands; 'shell sleep'
    (with allow-shell on) makes the delays of continue & ... interrupt."""

    def __init__(self, rng, mode, ending, marks, work, pid_token):
        self.rng = rng
        self.mode = mode
        self.ending = ending
        self.marks = marks
        self.work = work
        self.pid_token = pid_token
        self.lines = []
        self.num = 0            # breakpoint numbers lurk will have given (approximately)
        self.hot_bps = []       # numbers of breakpoints on hot code (never conditional)
        self.watch_slots = 0    # debug registers in use (approximately)
        self.running = mode == 'attached'  # has a process
        self.background = False
        self.traces = False
        self.frame_moved = False
        self.json = False
        self.avoid_blocked = False
        self.cond_host = False  # set breakpoint condition-evaluation host

    def add(self, *lines):
        self.lines.extend(lines)

    def sleep(self, lo, hi):
        self.add('shell sleep %.3f' % self.rng.uniform(lo, hi))

    # ---- the pieces ----------------------------------------------------
    def cond_for(self, func, want_sure=None):
        choices = CONDS.get(func, [])
        if want_sure is not None:
            choices = [c for c in choices if c[1] == want_sure]
        return self.rng.choice(choices) if choices else None

    def location(self):
        r = self.rng.random()
        if r < 0.1 and 'checkpoint' in self.marks:
            return 'torture.c:%d' % self.marks['checkpoint'], 'checkpoint'
        if r < 0.13 and 'leaf' in self.marks:
            return 'torture.c:%d' % self.marks['leaf'], 'leaf_mix'
        if r < 0.16 and 'round' in self.marks:
            return 'torture.c:%d' % self.marks['round'], None
        if r < 0.18:
            return '*leaf_mix', 'leaf_mix'   # the entry, before the prologue: push %rbp
        if r < 0.20:
            return '*checkpoint', 'checkpoint'
        func = self.rng.choice(list(FUNCS))
        return func, func

    def breakpoint(self, stopper=False):
        loc, func = self.location()
        heat = FUNCS.get(func, 'rare')
        kind = 'tbreak' if self.rng.random() < 0.25 else 'break'
        cond = None
        if heat != 'hot' and func in CONDS and self.rng.random() < 0.7:
            cond = self.cond_for(func, True if stopper else None)
        elif heat == 'hot' and not stopper and not self.cond_host and self.rng.random() < 0.4:
            cond = (self.rng.choice(HOT_CONDS), False)
        text = '%s %s' % (kind, loc)
        if cond:
            text += ' if %s' % cond[0]
        self.add(text)
        self.num += 1
        if heat == 'hot':
            self.hot_bps.append(self.num)
        # Commands: the hit runs them; with continue it does not stop the program.
        if heat != 'hot' and not stopper and self.rng.random() < 0.5:
            body = []
            if self.rng.random() < 0.6:
                body.append('silent')
            body += self.rng.sample(['bt 1', 'info registers rip', 'print torture_counter',
                                     'print $rdi', 'info args', 'x/2xb $pc', 'echo hit\\n'],
                                    self.rng.randint(0, 2))
            if self.rng.random() < 0.85:
                body.append('continue')
            self.add('commands' if self.rng.random() < 0.5 else 'commands %d' % self.num,
                     *body, 'end')
        if self.rng.random() < 0.1 and heat != 'hot':
            self.add('ignore %d %d' % (self.num, self.rng.randint(1, 5)))

    def bad_breakpoint(self):
        self.add(self.rng.choice(['break nosuch_function', 'break checkpoint if id ==',
                                  'break torture.c:99999', 'break *0', 'tbreak libc.so.6:nosuch',
                                  'break checkpint', 'condition 999 1', 'delete 999']))
        if self.lines[-1] in ('break nosuch_function', 'break checkpint', 'tbreak libc.so.6:nosuch'):
            self.num += 1  # a pending breakpoint takes a number

    def watchpoint(self):
        expr = self.rng.choice(WATCH_EXPRS)
        r = self.rng.random()
        if r < 0.6:
            text = 'watch %s' % expr
        elif r < 0.75:
            text = 'awatch %s' % expr
        elif r < 0.85:
            text = 'rwatch torture_counter'
        else:
            text = 'watch -l %s' % expr
        if text.startswith('watch') and self.rng.random() < 0.3:
            text += ' if %s' % self.rng.choice(['torture_counter % 4 == 1', 'progress[2] > 0',
                                               'torture_counter > 0', '0'])
        self.add(text)
        if self.running and self.watch_slots < 4:
            self.watch_slots += 1
            self.num += 1
            if self.rng.random() < 0.4:
                self.add('commands', 'silent', 'continue', 'end')
        elif self.rng.random() < 0.3 and self.running:
            self.add('watch h')  # a local: only in scope in some frames

    def memwatch(self):
        self.add(self.rng.choice(['memwatch rss + 1M', 'memwatch rss + 4M', 'memwatch heap > 8M',
                                  'memwatch vm + 2M', 'memwatch rss + 1M precise',
                                  'memwatch heap + 512K precise', 'memwatch vm > 1G',
                                  'memwatch rss > 2G precise']))
        self.num += 1

    def trace(self):
        opts = []
        if self.rng.random() < 0.25:
            # Counted in the program by the agent where it can patch the function.
            mode = self.rng.choice(['', '', '--mode ptrace ', '--mode agent '])
            self.add('trace --count %s%s' % (mode, self.rng.choice(TRACE_PATTERNS + TRACE_LIMITED)))
            self.traces = True
            return
        if self.rng.random() < 0.4:
            pat = self.rng.choice(TRACE_LIMITED)
            opts.append('--max %d' % self.rng.randint(1, 300))
        else:
            pat = self.rng.choice(TRACE_PATTERNS)
            if self.rng.random() < 0.3:
                opts.append('--max %d' % self.rng.randint(1, 1000))
        if self.rng.random() < 0.3:
            opts.append('--no-args')
        if self.rng.random() < 0.3:
            # Traps for every call (by default the program records what it can).
            opts.append('--mode ptrace')
        if self.rng.random() < 0.2:
            opts.append('--depth %d' % self.rng.randint(1, 3))
        if self.rng.random() < 0.15:
            opts.append('--threads %d,%d' % (self.rng.randint(1, 4), self.rng.randint(3, 12)))
        if self.rng.random() < 0.5:
            opts.append('-o %TRACEFILE%')
        self.add(' '.join(['trace'] + opts + [pat]))
        self.traces = True

    def untrace(self):
        self.add(self.rng.choice(['untrace', 'untrace leaf_mix', 'untrace *_heap', 'untrace rec_depth',
                                  'info trace', 'info trace reset']))

    def manage(self):
        """Numbered breakpoint commands: only on breakpoints not on hot code,
        conditions from the menu (a false one on a hot function would cost a
        stop per call)."""
        if self.num == 0:
            return self.add('info breakpoints')
        n = self.rng.randint(1, self.num)
        r = self.rng.random()
        if r < 0.2:
            self.add('disable %d' % n)
        elif r < 0.35:
            self.add('enable %d' % n)
        elif r < 0.5:
            self.add('delete %d' % n)
        elif r < 0.6:
            self.add('disable')
        elif r < 0.7:
            self.add('enable')
        elif r < 0.8 and n not in self.hot_bps:
            self.add('condition %d %s' % (n, self.rng.choice(
                ['i == 1', 'id == 0', '', 'torture_counter % 3 == 0', 'depth == 1'])))
        elif r < 0.9 and n not in self.hot_bps:
            self.add('commands %d' % n, 'silent', 'continue', 'end')
        else:
            self.add('ignore %d %d' % (n, self.rng.randint(0, 4)))

    def insurance(self):
        """In an attached program that never ends, a foreground resume needs
        something that surely stops it: a fresh tbreak on a rarely called
        function with a condition that comes true every round."""
        if self.mode != 'attached':
            return
        func = self.rng.choice(['checkpoint', 'grow_heap', 'release_heap', 'run_worker',
                                'write_heartbeat', 'rec_depth', 'mix_block'])
        cond = self.cond_for(func, True) if self.rng.random() < 0.5 else None
        if cond and 'nosuch' in cond[0]:
            cond = None
        self.add('tbreak %s%s' % (func, ' if %s' % cond[0] if cond else ''))
        self.num += 1

    def resume(self):
        r = self.rng.random()
        if self.background:
            self.sleep(0, 0.15)
            self.add('interrupt')
            self.background = False
            return
        if r < 0.3:
            self.add('continue &')
            self.sleep(0, 0.2)
            if self.rng.random() < 0.3:
                self.add(self.rng.choice(['info inferior', 'bt', 'info threads']))
            self.add('interrupt')
        elif r < 0.4:
            self.insurance()
            self.add('continue %d' % self.rng.randint(2, 4))
        else:
            self.insurance()
            self.add('continue')
        self.frame_moved = False

    def stepping(self):
        r = self.rng.random()
        if self.avoid_blocked:
            # Only step a thread that runs its own code: one that just hit a
            # breakpoint in the workers' loop.
            if self.background:
                self.add('interrupt')
                self.background = False
            self.add('tbreak mix_block', 'continue')
            self.num += 1
        # A step may run into a breakpoint whose commands continue: that
        # continue needs something to stop it too.
        self.insurance()
        if r < 0.25:
            self.add('stepi' if self.rng.random() < 0.5 else 'stepi %d' % self.rng.randint(2, 40))
        elif r < 0.35:
            self.add('nexti %d' % self.rng.randint(1, 10))
        elif r < 0.55:
            self.add('step' if self.rng.random() < 0.5 else 'step %d' % self.rng.randint(2, 6))
        elif r < 0.75:
            self.add('next' if self.rng.random() < 0.5 else 'next %d' % self.rng.randint(2, 6))
        elif r < 0.9:
            # finish from an outer frame of main would wait for main to return.
            if self.frame_moved:
                self.add('frame 0')
            self.add('finish')
        else:
            self.add('until')
        self.frame_moved = False

    def threads(self):
        self.add(self.rng.choice(['thread 1', 'thread 2', 'thread %d' % self.rng.randint(3, 12),
                                  'thread', 'info threads']))
        self.frame_moved = False

    def reader(self):
        cmd = self.rng.choice(READERS)
        if cmd in ('frame 1', 'up', 'down'):
            self.frame_moved = True
        if cmd == 'list' and self.rng.random() < 0.5:
            cmd = 'list checkpoint'
        self.add(cmd)

    def reattach(self):
        self.add('detach')
        self.sleep(0, 0.1)
        self.add('attach %s' % self.pid_token)
        self.watch_slots = 0

    def relaunch(self):
        self.add(self.rng.choice(['kill', 'run', 'start', 'kill\nstart', 'kill\nrun']))
        self.watch_slots = 0

    def profile(self):
        self.insurance()
        self.add('profile %.2f --hz %d%s' % (self.rng.uniform(0.05, 0.3), self.rng.choice([49, 99, 300]),
                                             self.rng.choice(['', ' --top 3', ' -o %TMP%/folded'])))

    # ---- the whole session ---------------------------------------------
    def middle(self, n):
        menu = [(self.breakpoint, 14), (self.watchpoint, 6), (self.memwatch, 3), (self.trace, 6),
                (self.untrace, 2), (self.manage, 6), (self.resume, 18), (self.stepping, 10),
                (self.threads, 3), (self.reader, 10), (self.bad_breakpoint, 2), (self.profile, 1)]
        if self.mode == 'attached':
            menu.append((self.reattach, 1))
        else:
            menu.append((self.relaunch, 1))
        funcs, weights = zip(*menu)
        for _ in range(n):
            self.rng.choices(funcs, weights)[0]()

    def build(self):
        rng = self.rng
        self.add('set allow-shell on')
        if rng.random() < 0.4:
            self.add('set can-use-hw-watchpoints 0')
        if rng.random() < 0.1:
            self.add('set output json')
            self.json = True
        if rng.random() < 0.15:
            self.add('set breakpoint condition-evaluation host')
            self.cond_host = True
        if self.mode == 'launched':
            for _ in range(rng.randint(0, 3)):
                rng.choice([self.breakpoint, self.breakpoint, self.trace, self.memwatch])()
            self.add('start' if rng.random() < 0.6 else 'run')
            self.running = True
        self.middle(rng.randint(3, 14))
        if self.background and rng.random() < 0.7:
            self.resume()   # interrupt it, mostly
        # The tail: run a launched program to its end, so its checksum shows.
        run_to_end = self.mode == 'launched' and self.ending != 'detach' and rng.random() < 0.65
        if run_to_end:
            if self.background:
                self.add('interrupt')
                self.background = False
            self.add('delete', 'untrace', 'continue', 'continue')
        end = self.ending
        if end in ('sigterm', 'sigint', 'sighup', 'kill9') and rng.random() < 0.7:
            # Something running when the signal comes: a continue that nothing stops.
            if self.mode == 'attached':
                self.add('delete')
            self.add('continue')
        if end == 'detach':
            if rng.random() < 0.3:
                self.add('continue &')   # detach from a running program
                self.background = True
            self.add('detach')
        elif end == 'quit':
            self.add(rng.choice(['quit', 'quit', 'quit 5', 'q']))
        return self.lines


# ---------------------------------------------------------------------------
# One session
# ---------------------------------------------------------------------------

class Result:
    def __init__(self):
        self.problems = []          # failures: each a line of text
        self.notes = []             # worth showing, not failures
        self.crash = None           # lurk crash description
        self.sanitizer = False
        self.hang = False
        self.stuck = None            # seconds until the Ctrl-C probe
        self.hang_kind = None
        self.harness_error = False
        self.sigtrap = False
        self.corrupt_text = False
        self.corrupt_checksum = False
        self.harm = False           # the target died, stayed stopped, made no progress ...
        self.kill9 = None           # kill -9 (or hang, then SIGKILL) classification
        self.ending = None
        self.mode = None
        self.seconds = 0.0
        self.checked_checksums = 0


class Session:
    def __init__(self, cfg, index, repeat=0):
        self.cfg = cfg
        self.index = index
        self.rng = random.Random('%d:%d' % (cfg.seed, index))
        self.mode = self.rng.choice(cfg.modes)
        self.ending = self.rng.choice(cfg.endings)
        self.interactive = self.ending == 'eof' or (
            self.ending in ('detach', 'quit') and self.rng.random() < 0.3)
        self.use_ex = not self.interactive and self.rng.random() < 0.1
        self.gen = Gen(self.rng, self.mode, self.ending, cfg.marks, cfg.work, '%PID%')
        self.gen.avoid_blocked = 'step-blocked' in cfg.avoid
        self.lines = self.gen.build()
        # The signal plan, drawn now so that it depends on the seed only.
        self.sig_delay = self.rng.uniform(0, 0.3)
        self.sig_after_continuing = self.rng.randint(1, 4) if self.rng.random() < 0.7 else 0
        self.sig_fallback = self.rng.uniform(0.05, 2.5)
        self.attach_delay = self.rng.uniform(0, 0.15)
        self.stdin_pauses = [self.rng.uniform(0, 0.03) for _ in self.lines]
        self.close_delay = self.rng.uniform(0, 0.4) if self.rng.random() < 0.5 else 0
        self.dir = tempfile.mkdtemp(prefix='s%04d-%d-' % (index, repeat), dir=cfg.workdir)
        self.res = Result()
        self.res.mode = self.mode
        self.target = None
        self.target_out = None
        self.sent = []
        self._seen = None

    def path(self, name):
        return os.path.join(self.dir, name)

    def substitute(self, text, pid):
        return (text.replace('%PID%', str(pid)).replace('%TMP%', self.dir)
                .replace('%TRACEFILE%', self.path('trace.out')))

    # ---- attached target -------------------------------------------------
    def start_target(self):
        cfg = self.cfg
        self.heartbeat = self.path('heartbeat')
        self.target_out = open(self.path('target.out'), 'w+')
        self.target = subprocess.Popen(
            [cfg.fixture, '--loop', '--work', str(cfg.work), '--heartbeat', self.heartbeat],
            stdin=subprocess.DEVNULL, stdout=self.target_out, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline:
            if 'ready' in open(self.path('target.out')).read() and os.path.exists(self.heartbeat):
                break
            if self.target.poll() is not None:
                raise RuntimeError('the fixture exited with %s before it was ready'
                                   % self.target.returncode)
            time.sleep(0.005)
        else:
            raise RuntimeError('the fixture never became ready')
        time.sleep(self.attach_delay)
        self.maps_before = exec_mappings(self.target.pid)
        self.perms_before = mapping_perms(self.target.pid)
        self.exe = os.readlink('/proc/%d/exe' % self.target.pid)
        diffs = text_differences(self.target.pid, self.exe)
        if diffs:
            raise RuntimeError('the fixture\'s code differs from its file before lurk ran')

    def read_heartbeat(self):
        try:
            return int(open(self.heartbeat).read().strip() or 0)
        except (OSError, ValueError):
            return 0

    # ---- running lurk --------------------------------------------------
    def command(self, pid):
        cfg = self.cfg
        cmd = list(cfg.wrapper) + [cfg.lurk, '-q', '-n']
        if not self.interactive:
            cmd.append('--batch')
        if self.rng.random() < 0.08:
            cmd.append('--json')
        if self.mode == 'attached':
            cmd += ['-p', str(pid)]
        if not self.interactive:
            lines = self.lines
            if self.use_ex:
                # The first lines as -ex, the rest as a file; commands blocks stay in the file.
                k = 0
                while k < min(3, len(lines)) and lines[k] not in ('commands', 'end') \
                        and not lines[k].startswith('commands'):
                    k += 1
                for line in lines[:k]:
                    cmd += ['-ex', self.substitute(line, pid)]
                lines = lines[k:]
            with open(self.path('session.lurk'), 'w') as f:
                f.write(''.join(self.substitute(l, pid) + '\n' for l in lines))
            cmd += ['-x', self.path('session.lurk')]
        else:
            with open(self.path('session.lurk'), 'w') as f:
                f.write('# fed on standard input, then closed\n')
                f.write(''.join(self.substitute(l, pid) + '\n' for l in self.lines))
        if self.mode == 'launched':
            cmd += ['--', cfg.fixture, '--rounds', str(cfg.rounds), '--work', str(cfg.work),
                    '--heartbeat', self.path('heartbeat')]
        return cmd

    def environment(self):
        env = dict(os.environ)
        home = self.path('home')
        os.makedirs(home, exist_ok=True)
        env.update({'HOME': home, 'NO_COLOR': '1', 'TERM': 'dumb',
                    'LURK_CACHE_DIR': self.cfg.cache})
        for k in ('LURK_DEBUG', 'LURK_PLUGIN_PATH'):
            env.pop(k, None)
        return env

    def feed_stdin(self, proc, pid):
        try:
            for line, pause in zip(self.lines, self.stdin_pauses):
                proc.stdin.write((self.substitute(line, pid) + '\n').encode())
                proc.stdin.flush()
                if pause > 0.02:
                    time.sleep(pause)
            if self.close_delay:
                time.sleep(self.close_delay)
        except (BrokenPipeError, OSError):
            pass
        try:
            proc.stdin.close()
        except OSError:
            pass

    def program_text(self):
        """What a launched program printed: on lurk's stdout, or on its stderr with --json."""
        return (open(self.path('lurk.out'), errors='replace').read() + '\n' +
                open(self.path('lurk.err'), errors='replace').read())

    def run_lurk(self):
        pid = self.target.pid if self.target else 0
        cmd = self.command(pid)
        self.cmdline = cmd
        out = open(self.path('lurk.out'), 'w+')
        err = open(self.path('lurk.err'), 'w+')
        start = time.time()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if self.interactive else subprocess.DEVNULL,
                                stdout=out, stderr=err, env=self.environment(),
                                start_new_session=True, cwd=self.dir)
        self.lurk_pid = proc.pid
        feeder = None
        if self.interactive:
            feeder = threading.Thread(target=self.feed_stdin, args=(proc, pid), daemon=True)
            feeder.start()
        sig = SIGNAL_OF.get(self.ending)
        sent_at = None
        next_int = None
        probe_at = start + self.cfg.stuck
        probe_size = -1
        deadline = start + self.cfg.timeout
        term_deadline = None
        while proc.poll() is None:
            now = time.time()
            hang = None
            if now > deadline:
                hang = 'lurk still running after %gs' % self.cfg.timeout
            elif term_deadline and now > term_deadline:
                hang = 'lurk did not leave within 5 s of %s' % signal.Signals(sig).name
            if hang:
                self.hang_signature()
                self.res.hang = True
                self.res.problems.append('hang: %s; lurk %s; target %s'
                                         % (hang, self.lurk_diag(proc.pid), self.target_diag()))
                proc.kill()
                self.sent.append(signal.SIGKILL)
                proc.wait()
                break
            if now > probe_at:
                # Stuck: do what a user would, Ctrl-C; a lurk that neither
                # leaves nor prints anything within 3 s of it is hung.
                size = os.path.getsize(self.path('lurk.out')) + os.path.getsize(self.path('lurk.err'))
                if self.res.stuck and size == probe_size:
                    self.hang_signature()
                    self.res.hang = True
                    self.res.problems.append(
                        'hang: lurk did nothing for 3 s after SIGINT (Ctrl-C) at %.1f s; lurk %s; '
                        'target %s' % (self.res.stuck, self.lurk_diag(proc.pid), self.target_diag()))
                    proc.kill()
                    self.sent.append(signal.SIGKILL)
                    proc.wait()
                    break
                if not self.res.stuck:
                    self.res.stuck = now - start
                    self.res.notes.append('still running after %.1f s: sent SIGINT as Ctrl-C '
                                          '(lurk %s; target %s)' % (now - start, self.lurk_diag(proc.pid),
                                                                    self.target_diag()))
                try:
                    proc.send_signal(signal.SIGINT)
                    self.sent.append(signal.SIGINT)
                except OSError:
                    pass
                probe_size = size
                probe_at = now + 3
            if sig and sent_at is None:
                if self.sig_after_continuing:
                    out.flush()
                    text = open(self.path('lurk.out')).read()
                    n = text.count('Continuing.') + text.count('"cmd": "continue"')
                    if n >= self.sig_after_continuing and self._seen is None:
                        self._seen = now
                    ready = self._seen is not None and now - self._seen >= self.sig_delay
                    if ready or now - start > self.sig_fallback + 2.0:
                        sent_at = now
                elif now - start > self.sig_fallback:
                    sent_at = now
                if sent_at:
                    try:
                        proc.send_signal(sig)
                        self.sent.append(sig)
                    except OSError:
                        pass
                    next_int = now + self.rng.uniform(0.2, 0.6)
                    if sig in (signal.SIGTERM, signal.SIGHUP):
                        term_deadline = now + 5
            elif sig == signal.SIGINT and sent_at and now > next_int:
                # SIGINT interrupts a running program; between commands it ends the session.
                try:
                    proc.send_signal(sig)
                    self.sent.append(sig)
                except OSError:
                    pass
                next_int = now + self.rng.uniform(0.2, 0.6)
            time.sleep(0.005)
        if feeder:
            feeder.join(2)
        self.res.seconds = time.time() - start
        self.returncode = proc.returncode
        out.close()
        err.close()
        self.out_text = open(self.path('lurk.out'), errors='replace').read()
        self.err_text = open(self.path('lurk.err'), errors='replace').read()

    def hang_signature(self):
        """'step-blocked': exactly one thread of the target is not in a
        tracing stop (it sleeps in a system call) and lurk waits for it: a
        step of a thread that cannot finish while lurk holds the others."""
        pids = [self.target.pid] if self.target else [
            int(p) for p in re.findall(r'^ready (\d+)$', self.program_text(), re.M)]
        for pid in pids:
            states = [x.split(':')[-1] for x in thread_states(pid).split()]
            if len(states) > 1 and sum(1 for st in states if st != 't') == 1 and \
                    proc_state(self.lurk_pid) == 'S' and \
                    self.read('/proc/%d/wchan' % self.lurk_pid) == 'do_wait':
                self.res.hang_kind = 'step-blocked'
                return
        self.res.hang_kind = 'other'

    def lurk_diag(self, pid):
        return 'state %s wchan %s' % (proc_state(pid), self.read('/proc/%d/wchan' % pid))

    def target_diag(self):
        if self.target:
            return 'threads %s' % thread_states(self.target.pid)
        pids = [int(p) for p in re.findall(r'^ready (\d+)$', self.program_text(), re.M)]
        return '; '.join('%d threads %s' % (p, thread_states(p)) for p in pids) or 'none'

    @staticmethod
    def read(path):
        try:
            return open(path).read().strip()
        except OSError:
            return '?'

    # ---- checks --------------------------------------------------------
    def actual_ending(self):
        sent = set(self.sent)
        if self.res.hang:
            return 'timeout'
        for name, sig in SIGNAL_OF.items():
            if name == self.ending and sig in sent:
                return name
        if self.ending in ('sigterm', 'sigint', 'sighup', 'kill9'):
            return 'batch-end'
        return self.ending

    def check_lurk(self):
        rc = self.returncode
        sent = set(int(s) for s in self.sent)
        if rc < 0 and -rc not in sent:
            self.res.crash = 'lurk died by %s' % signal.Signals(-rc).name
        elif rc >= 128 and rc - 128 not in sent and rc != 128 + 0:
            self.res.crash = 'lurk exited with %d (128+%d) but was not sent that signal' % (rc, rc - 128)
        if SANITIZER_RE.search(self.err_text) or SANITIZER_RE.search(self.out_text):
            self.res.sanitizer = True
            self.res.crash = (self.res.crash + '; ' if self.res.crash else '') + 'sanitizer report'
        if self.res.crash:
            self.res.problems.append('lurk crash: %s' % self.res.crash)
        if rc in (2, 3):
            self.res.notes.append('lurk exit status %d (usage or attach/launch failure)' % rc)

    def check_common_output(self, text, who):
        """The fixture's own complaints and signals lurk says the program got."""
        bad = []
        if 'GOT SIGTRAP' in text:
            self.res.sigtrap = True
            bad.append('%s printed %s' % (who, re.search(r'GOT SIGTRAP.*', text).group(0)))
        m = re.search(r'^torture: .*', text, re.M)
        if m:
            self.res.corrupt_checksum = True
            bad.append('%s: %s' % (who, m.group(0)))
        return bad

    def check_launched(self):
        res = self.res
        text = self.out_text
        detached = set(int(a or b) for a, b in re.findall(
            r'Detached from process (\d+)|"action":\s*"detached",\s*"pid":\s*(\d+)', text))
        # A program detached right after start prints "ready" after lurk left.
        pids = sorted(set(int(p) for p in re.findall(r'^ready (\d+)$', self.program_text(), re.M))
                      | detached)
        killed_ok = self.actual_ending() in ('quit', 'eof', 'batch-end', 'sigterm', 'sigint',
                                            'sighup', 'kill9', 'timeout')
        statuses = {}
        for pid in pids:
            gone, status = wait_gone(pid, self.cfg.timeout if self.ending == 'detach' else 10)
            if not gone:
                res.harm = True
                res.problems.append('launched process %d still runs %gs after lurk left (%s)'
                                    % (pid, self.cfg.timeout, thread_states(pid)))
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
                wait_gone(pid, 5)
            statuses[pid] = status
        # A detached program goes on writing to lurk's output until it ends.
        text = self.out_text = open(self.path('lurk.out'), errors='replace').read()
        # Reaped here: only launched programs that outlived lurk.
        for pid, status in statuses.items():
            if status is not None and not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0) \
                    and not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                res.harm = True
                res.problems.append('launched process %d ended with %s' % (pid, status_text(status)))
        sums = re.findall(r'^checksum (\d+)$', self.program_text(), re.M)
        for s in sums:
            res.checked_checksums += 1
            if int(s) != self.cfg.ref_oneshot:
                res.corrupt_checksum = True
                res.problems.append('launched program printed checksum %s, undisturbed runs print %d'
                                    % (s, self.cfg.ref_oneshot))
        for m in re.finditer(r'\[process (\d+) exited with code (\d+)\]', text):
            if m.group(2) != '0':
                res.harm = True
                res.problems.append(m.group(0))
        for m in re.finditer(r'"event":\s*"exited".*?"code":\s*(\d+)|"code":\s*(\d+).*?"reason":\s*"exited"',
                             text):
            code = m.group(1) or m.group(2)
            if code != '0':
                res.harm = True
                res.problems.append('lurk reported exit code %s' % code)
        fault = find_fault(text) or find_fault(self.err_text)
        if fault:
            res.harm = True
            res.problems.append('lurk reports: %s' % fault)
        res.problems += self.check_common_output(text, 'launched program')
        finished = len(sums)
        for pid in detached:
            status = statuses.get(pid)
            if status is not None and not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                res.harm = True
                res.problems.append('launched process %d ended with %s after lurk detached it'
                                    % (pid, status_text(status)))
        if len(detached) > finished:
            res.harm = True
            res.problems.append('%d launched processes were detached but only %d printed a checksum'
                                % (len(detached), finished))
        if not killed_ok and not finished and pids and self.ending != 'detach':
            res.notes.append('launched program did not finish')
        if self.actual_ending() == 'kill9':
            res.kill9 = 'launched: killed with lurk' if not finished else 'launched: finished before'
            if res.harm or res.corrupt_checksum or res.sigtrap:
                res.kill9 = 'unexplained'

    def check_attached(self):
        res = self.res
        pid = self.target.pid
        kill9 = self.actual_ending() in ('kill9', 'timeout')
        harm = []
        leftovers = []
        # Give the kernel's detach (kill -9) a moment.
        time.sleep(0.05)
        if self.target.poll() is not None:
            harm.append('the target died (%s)' % status_text_rc(self.target.returncode))
        else:
            tracer = proc_field(pid, 'TracerPid')
            if tracer not in ('0', None):
                harm.append('the target is still traced by %s' % tracer)
            state = proc_state(pid)
            if state in ('T', 't'):
                # A moment more: a stop that is going away is not a stop.
                time.sleep(0.2)
                state = proc_state(pid)
                if state in ('T', 't'):
                    harm.append('the target is left stopped (state %s; threads %s)'
                                % (state, thread_states(pid)))
            diffs = text_differences(pid, self.exe)
            if diffs:
                res.corrupt_text = True
                where = ', '.join('0x%x: %02x (file %02x)' % d for d in diffs[:6])
                leftovers.append('code differs from the file at %d bytes: %s' % (len(diffs), where))
            perms = mapping_perms(pid)
            # Only a software watchpoint changes protections: without one, the
            # program's own changes (a thread's stack or malloc arena given back
            # as threads come and go) are not lurk's.
            watched = any(l.split()[:1] in (['watch'], ['rwatch'], ['awatch']) for l in self.lines)
            if perms is not None and self.perms_before is not None and watched:
                lost = lost_permissions(self.perms_before, perms)
                if lost:
                    leftovers.append('memory lost its write permission: %s' % ', '.join(lost[:4]))
            maps = exec_mappings(pid)
            if maps is not None and maps != self.maps_before:
                extra = sorted(set(maps) - set(self.maps_before))
                leftovers.append('executable mappings changed: +%s -%s'
                                 % (extra, sorted(set(self.maps_before) - set(maps))))
            if not [h for h in harm if 'stopped' in h or 'traced' in h]:
                beat = self.read_heartbeat()
                deadline = time.time() + 5
                while self.read_heartbeat() <= beat and time.time() < deadline \
                        and self.target.poll() is None:
                    time.sleep(0.01)
                if self.read_heartbeat() <= beat:
                    harm.append('the heartbeat stopped at %d' % beat)
                # A whole new round after lurk left.
                text = open(self.path('target.out'), errors='replace').read()
                rounds = [int(r) for r in re.findall(r'^round (\d+) ', text, re.M)]
                last = rounds[-1] if rounds else -1
                deadline = time.time() + 10
                while time.time() < deadline and self.target.poll() is None:
                    text = open(self.path('target.out'), errors='replace').read()
                    rounds = [int(r) for r in re.findall(r'^round (\d+) ', text, re.M)]
                    if rounds and rounds[-1] >= last + 2:
                        break
                    time.sleep(0.01)
                else:
                    if self.target.poll() is None:
                        harm.append('no new round completed within 10 s after lurk left '
                                    '(last round %d; threads %s)' % (last, thread_states(pid)))
                if self.target.poll() is not None:
                    harm.append('the target died after lurk left (%s)'
                                % status_text_rc(self.target.returncode))
        text = open(self.path('target.out'), errors='replace').read()
        for m in re.finditer(r'^round (\d+) checksum (\d+)$', text, re.M):
            r, c = int(m.group(1)), int(m.group(2))
            res.checked_checksums += 1
            if c != self.cfg.ref_rounds[r % 16]:
                res.corrupt_checksum = True
                harm.append('round %d checksum %d, undisturbed %d' % (r, c, self.cfg.ref_rounds[r % 16]))
                break
        trap = re.search(r'GOT SIGTRAP.*', text)
        if trap:
            leftovers.append('the target printed: %s' % trap.group(0))
        if kill9 and self.target.returncode == -signal.SIGTRAP:
            # SIGTRAP forced while the thread had it blocked (pthread_create and
            # thread start run with every signal blocked): the handler never ran.
            leftovers.append('the target died by SIGTRAP that its handler could not take: '
                             'a trap or single-step flag left behind, met with signals blocked')
        m = re.search(r'^torture: .*', text, re.M)
        if m:
            res.corrupt_checksum = True
            harm.append(m.group(0))
        fault = find_fault(self.out_text) or find_fault(self.err_text)
        if fault and not kill9:
            harm.append('lurk reports: %s' % fault)
        elif fault:
            res.notes.append('lurk reports: %s' % fault)
        if kill9:
            if not harm and not leftovers:
                res.kill9 = 'clean'
            elif not harm:
                res.kill9 = 'leftovers, target unharmed so far'
            elif leftovers:
                res.kill9 = 'leftovers hit the target'
            else:
                res.kill9 = 'unexplained'
            res.notes += ['kill -9: ' + x for x in leftovers + harm]
            if res.kill9 == 'unexplained':
                res.harm = res.harm or bool(harm)
                res.problems += harm
            if trap and not self.res.hang:
                res.sigtrap = False     # counted on the kill -9 line
            if res.kill9 != 'unexplained':
                res.corrupt_text = res.corrupt_checksum = False
        else:
            if trap:
                res.sigtrap = True
            if harm:
                res.harm = True
            res.problems += leftovers + harm
        if fault and not kill9:
            res.harm = True

    def cleanup(self):
        if self.target and self.target.poll() is None:
            try:
                os.killpg(self.target.pid, signal.SIGKILL)
            except OSError:
                pass
            self.target.wait()
        if self.target_out:
            self.target_out.close()

    def run(self):
        try:
            if self.mode == 'attached':
                self.start_target()
            self.run_lurk()
            self.res.ending = self.actual_ending()
            self.check_lurk()
            if self.mode == 'attached':
                self.check_attached()
            else:
                self.check_launched()
        except Exception as e:   # the harness itself: report, do not hide
            self.res.harness_error = True
            self.res.problems.append('harness error: %r' % e)
            self.res.ending = self.res.ending or self.ending
        finally:
            self.cleanup()
        return self.res

    def describe(self):
        """The failure report: what to run again, the commands, the outputs."""
        cfg = self.cfg
        parts = ['=' * 78,
                 'session %d (seed %d): %s, ending %s (planned %s)%s, %.1f s'
                 % (self.index, cfg.seed, self.mode, self.res.ending, self.ending,
                    ', interactive (stdin)' if self.interactive else '', self.res.seconds),
                 'reproduce: %s --lurk %s --fixture %s --seed %d --only %d --work %d --rounds %d'
                 % (sys.argv[0], cfg.lurk, cfg.fixture, cfg.seed, self.index, cfg.work, cfg.rounds),
                 'kept in: %s' % self.dir,
                 'lurk: %s -> exit %s%s' % (' '.join(getattr(self, 'cmdline', [])),
                                           getattr(self, 'returncode', '?'),
                                           ', sent %s' % ','.join(signal.Signals(s).name for s in self.sent)
                                           if self.sent else '')]
        parts += ['problem: ' + p for p in self.res.problems]
        parts += ['note: ' + n for n in self.res.notes]
        parts.append('--- commands:')
        parts += ['    ' + l for l in open(self.path('session.lurk')).read().splitlines()]
        for name, title in (('lurk.out', 'lurk stdout'), ('lurk.err', 'lurk stderr'),
                            ('target.out', 'attached target output')):
            if os.path.exists(self.path(name)):
                lines = open(self.path(name), errors='replace').read().splitlines()
                lines = [l for l in lines if not re.match(r'^\s+[0-9.]+ \[\d+\] ', l)]  # trace lines
                if name == 'target.out':
                    lines = [l for l in lines if not l.startswith('round ')] + \
                            [l for l in lines if l.startswith('round ')][-3:]
                parts.append('--- %s (last 60 lines, trace lines left out):' % title)
                parts += ['    ' + l for l in lines[-60:]]
        return '\n'.join(parts)


def status_text_rc(rc):
    if rc is None:
        return 'running'
    return 'killed by %s' % signal.Signals(-rc).name if rc < 0 else 'exit %d' % rc


# ---------------------------------------------------------------------------
# References and the summary
# ---------------------------------------------------------------------------

def reference(cfg):
    """The checksums of undisturbed runs: the one-shot run (twice, to show it
    is deterministic) and rounds 0-15 of --loop."""
    sums = set()
    for _ in range(2):
        p = subprocess.run([cfg.fixture, '--rounds', str(cfg.rounds), '--work', str(cfg.work)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        m = re.search(r'^checksum (\d+)$', p.stdout.decode(), re.M)
        if p.returncode != 0 or not m:
            sys.exit('torture: the fixture\'s undisturbed run failed (%d):\n%s'
                     % (p.returncode, p.stdout.decode()))
        sums.add(int(m.group(1)))
    if len(sums) != 1:
        sys.exit('torture: the fixture is not deterministic: checksums %s' % sums)
    cfg.ref_oneshot = sums.pop()
    out = tempfile.TemporaryFile('w+')
    p = subprocess.Popen([cfg.fixture, '--loop', '--work', str(cfg.work)], stdout=out,
                         stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    rounds = {}
    while time.time() < deadline:
        out.seek(0)
        # Read while the fixture writes: the last line may be cut, and a
        # page being written may read as zeros for a moment.
        rounds = {int(r): int(c) for r, c in re.findall(r'^round (\d+) checksum (\d+)\n', out.read(), re.M)}
        if all(r in rounds for r in range(17)):
            break
        time.sleep(0.05)
    p.kill()
    p.wait()
    if not all(r in rounds for r in range(17)) or rounds[16] != rounds[0]:
        sys.exit('torture: the --loop reference run failed: %s' % rounds)
    cfg.ref_rounds = [rounds[r] for r in range(16)]


def summary(cfg, results, elapsed):
    out = []
    n = len(results)
    modes = {m: sum(1 for r in results if r.mode == m) for m in ('launched', 'attached')}
    out.append('torture: seed %d, %d sessions (launched %d, attached %d), %d jobs, %.1f s'
               % (cfg.seed, n, modes['launched'], modes['attached'], cfg.jobs, elapsed))
    counts = {}
    for r in results:
        counts[r.ending] = counts.get(r.ending, 0) + 1
    order = ENDINGS + sorted(set(counts) - set(ENDINGS))
    out.append('endings: ' + '  '.join('%s %d' % (e, counts[e]) for e in order if e in counts))
    text = sum(1 for r in results if r.corrupt_text and r.kill9 is None)
    chk = sum(1 for r in results if r.corrupt_checksum and r.kill9 is None)
    corrupted = sum(1 for r in results if (r.corrupt_text or r.corrupt_checksum) and r.kill9 is None)
    out.append('corrupted targets: %d (text %d, checksum %d)' % (corrupted, text, chk))
    out.append('SIGTRAP seen: %d' % sum(1 for r in results if r.sigtrap))
    out.append('targets otherwise harmed (died, left stopped or traced, no progress, fault under lurk): %d'
               % sum(1 for r in results if r.harm and not (r.corrupt_text or r.corrupt_checksum)
                     and r.kill9 is None))
    hangs = [r for r in results if r.hang]
    out.append('hangs: %d (step-blocked %d: lurk in wait() for the one thread not held, asleep in '
               'a system call: a step that cannot finish)'
               % (len(hangs), sum(1 for r in hangs if r.hang_kind == 'step-blocked')))
    out.append('stuck until Ctrl-C (SIGINT after --stuck seconds), then finished: %d'
               % sum(1 for r in results if r.stuck and not r.hang))
    crashes = [r for r in results if r.crash]
    out.append('lurk crashes: %d (sanitizer reports %d)'
               % (len(crashes), sum(1 for r in results if r.sanitizer)))
    k9 = [r for r in results if r.kill9 is not None and not r.hang]
    kinds = {}
    for r in k9:
        kinds[r.kill9] = kinds.get(r.kill9, 0) + 1
    out.append('kill -9 sessions: %d%s' % (len(k9), (': ' + ', '.join(
        '%s %d' % kv for kv in sorted(kinds.items()))) if kinds else ''))
    out.append('checksums checked: %d' % sum(r.checked_checksums for r in results))
    errors = sum(1 for r in results if r.harness_error)
    if errors:
        out.append('harness errors (this script, not lurk): %d' % errors)
    bad = [r for r in results if r.problems]
    out.append('result: %s' % ('PASS' if not bad else 'FAIL (%d sessions with problems)' % len(bad)))
    return '\n'.join(out), not bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--lurk', required=True)
    ap.add_argument('--fixture', required=True)
    ap.add_argument('--seed', type=int)
    ap.add_argument('--sessions', type=int, default=200)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--timeout', type=float, default=30,
                    help='a session still running then is a hang (lurk gets SIGKILL)')
    ap.add_argument('--stuck', type=float, default=6,
                    help='a session still running then gets SIGINT (as from Ctrl-C) every 3 s; '
                         'if lurk then does nothing for 3 s it is hung')
    ap.add_argument('--only', help='session numbers to run, comma-separated')
    ap.add_argument('--repeat', type=int, default=1, help='run each session this many times')
    ap.add_argument('--modes', default='launched,attached')
    ap.add_argument('--endings', default=','.join(ENDINGS))
    ap.add_argument('--work', type=int, default=60, help='the fixture\'s --work')
    ap.add_argument('--rounds', type=int, default=4, help='the launched fixture\'s --rounds')
    ap.add_argument('--avoid', default='',
                    help='leave out known trouble: step-blocked (steps only right after a '
                         'breakpoint stop in worker code, never in a thread blocked in a '
                         'system call that other, stopped, threads must end)')
    ap.add_argument('--keep', help='keep every session directory under this directory')
    ap.add_argument('--verbose', action='store_true', help='a line per session')
    cfg = ap.parse_args()
    if cfg.seed is None:
        cfg.seed = random.SystemRandom().randrange(1, 10**9)
    cfg.lurk = os.path.abspath(cfg.lurk)
    cfg.fixture = os.path.abspath(cfg.fixture)
    cfg.modes = cfg.modes.split(',')
    cfg.endings = cfg.endings.split(',')
    cfg.marks = line_markers(FIXTURE_SRC)
    cfg.wrapper = os.environ.get('LURK_TEST_WRAPPER', '').split()
    for path in (cfg.lurk, cfg.fixture):
        if not os.access(path, os.X_OK):
            sys.exit('torture: %s is not an executable' % path)
    problem = ptrace_problem()
    if problem:
        print('torture: skipped: %s' % problem)
        sys.exit(1 if os.environ.get('CI') == 'true' else SKIP)
    if not set_subreaper():
        print('torture: warning: cannot become the child subreaper; exit statuses of '
              'launched programs that outlive lurk are unknown')
    base = cfg.keep or tempfile.mkdtemp(prefix='lurk-torture-%d-' % cfg.seed)
    os.makedirs(base, exist_ok=True)
    cfg.workdir = base
    cfg.cache = os.path.join(base, 'cache')
    os.makedirs(cfg.cache, exist_ok=True)
    print('torture: seed %d, %d sessions, fixture %s (--work %d, --rounds %d), lurk %s'
          % (cfg.seed, cfg.sessions, cfg.fixture, cfg.work, cfg.rounds, cfg.lurk), flush=True)
    reference(cfg)
    indexes = ([int(x) for x in cfg.only.split(',')] if cfg.only else list(range(cfg.sessions)))
    jobs = [(i, k) for i in indexes for k in range(cfg.repeat)]
    started = time.time()
    results = []
    failed_reports = []
    lock = threading.Lock()

    def one(job):
        i, k = job
        s = Session(cfg, i, k)
        r = s.run()
        with lock:
            results.append(r)
            if cfg.verbose:
                print('session %d%s: %s %s %.1fs %s' % (i, '.%d' % k if cfg.repeat > 1 else '',
                                                         r.mode, r.ending, r.seconds,
                                                         'FAIL' if r.problems else 'ok'), flush=True)
            if r.problems:
                report = s.describe()
                failed_reports.append(report)
                print(report, flush=True)
            elif not cfg.keep:
                shutil.rmtree(s.dir, ignore_errors=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=cfg.jobs) as pool:
        list(pool.map(one, jobs))
    shutil.rmtree(cfg.cache, ignore_errors=True)   # lurk's debug-info cache: megabytes
    text, ok = summary(cfg, results, time.time() - started)
    print('=' * 78)
    print(text)
    if not ok:
        print('failing sessions are kept under %s; run one again with --seed %d --only N'
              % (base, cfg.seed))
    elif not cfg.keep:
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
