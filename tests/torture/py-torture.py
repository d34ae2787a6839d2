#!/usr/bin/env python3
"""Randomized sessions of lurk's Python commands that run code in a live CPython.

torture.py's Python sibling: each session attaches lurk to a fresh Python
program (tests/fixtures/py/breaker.py or pyexec.py, on /usr/bin/python3.11,
and in some sessions on 3.13 or 3.14 chrooted into the roots run-session.py
uses, when they are there) and runs a command list drawn, from a seeded
random generator, from:

  * py exec: small expressions, globals of the program (calls, ticks,
    config), code that prints, code that raises (ZeroDivisionError,
    SystemExit), names bound and read back, and code that does not finish
    in its --timeout (time.sleep(2) with --timeout 1: it runs on);
  * py profile 0.3 [--native] [--idle] (sampling: nothing runs in the
    program) and py profile --exact 0.5 (cProfile run inside it);
  * py break on the fixture's functions (a functools.wraps wrapper and what
    it wraps, a plain function, a function of another thread) and lines,
    with conditions that are true, false, sometimes true or that raise;
    disable, enable (once, delete), delete, condition, ignore and
    commands (which may continue) on them, save breakpoints;
  * continue (only when a breakpoint that will be hit is enabled: an
    attached program that never ends runs for ever otherwise), continue N,
    and continue & followed by interrupt after a random delay;
  * readers: py bt, py bt all, py locals, py print, py up, bt, info
    breakpoints, info threads, py threads;
  * detach and attach again in the same lurk;

and ends it at random: detach, quit, the end of the --batch command file
(batch-end), EOF on standard input (lurk without --batch fed the commands
on a pipe that is then closed), SIGTERM, SIGINT (sent again until lurk is
gone: it interrupts a running program, and ends a batch session between
commands) or SIGKILL of lurk, each signal at a random moment: a random
delay after a random "Continuing." line, or after lurk started. When lurk
leaves before the signal is sent the session counts as what really
happened. One session in four attaches to the same program again after
the first lurk has left and its checks passed (a program lurk was in
before).

What is checked after each lurk
-------------------------------
lurk: it must not die by a signal other than the one sent (nor exit with
128+N for a signal N it was not sent), and its standard error must hold no
sanitizer report (build lurk with -Db_sanitize=address,undefined and pass
--lurk for that). A session still running after --stuck seconds gets
SIGINT, as a user would press Ctrl-C, and again every 3 s; if lurk then
neither leaves nor prints anything for 3 s, or is still there after
--timeout seconds, it is hung: it gets SIGKILL and the session fails. A
session that Ctrl-C set going again is only counted ("stuck until
Ctrl-C"): the generator's idea of which breakpoint will stop the program
is approximate (ignore counts, "enable once"), and a breakpoint whose
commands end with continue resumes the program from any stop (one during
a py exec included), so a command may run until something stops it, as
in gdb.

The program, once lurk is gone: it is alive (not ended by any signal), not
traced (TracerPid 0), not stopped (state T or t), it never printed a
Python traceback ("Traceback (most recent call last)", "Exception ignored
in"), a "Fatal Python error" or "GOT SIGTRAP", and, after it ran a little
(the callbacks of py break remove themselves at their next call once lurk
has left), nothing of lurk stays in it: a fresh lurk attaches and py exec
checks that neither _lurk_break nor _lurk_exact_profile is in sys.modules,
that the main thread has no trace or profile function and threading no
hook for new threads, and from 3.12 on that no sys.monitoring tool is
registered (lurk's breakpoint tool, or cProfile's of py profile --exact).
The same py exec sets breaker.py's go (which starts its worker when the
session never did), and then the program's counter ("calls N", "tick N")
must advance past what it printed before: it runs its own code again. The
page lurk maps for its breakpoints and the pages of withdrawn py exec
requests stay mapped by design (lurk.1) and are not looked for.

kill -9 of lurk, and what is honest about it
--------------------------------------------
SIGKILL gives lurk no chance to clean up, and the kernel detaches every
thread and lets the program run with what lurk left at that instant:
  * Python breakpoints stay armed: their callbacks stay in the program
    (the byte that tells them lurk has left is never cleared), and libc's
    getppid, which they call when a breakpoint matches, keeps lurk's int3.
    The next match ends the program by SIGTRAP (the fixtures call getppid
    only through those callbacks), and a thread lurk held in that trap gets
    its SIGTRAP as lurk dies. So when the session made a Python breakpoint,
    the program's death by SIGTRAP is lurk's leftover, counted on its own
    line, not a failure; any other death, or one in a session without
    py break, is.
  * a py profile --exact in progress removes itself 60 s after its end
    (its timer thread): not waited for here;
  * a py exec request in progress runs on, or stays queued as a pending
    call whose page holds what lurk wrote (harmless either way).
So after SIGKILL only this is checked: the program is alive (or died by
SIGTRAP as said above), not traced and not stopped.

Known lurk trouble, counted apart
---------------------------------
--known exact-signal (the default): SIGTERM, or a SIGINT that lands while
py profile --exact asks the program to end the profile, withdraws that
request, and the profile stays in the program (_lurk_exact_profile, its
profile function or sys.monitoring tool) until its timer thread ends it 60
s after its planned end. Such a leftover, after a run that ran py profile
--exact and got that signal, with nothing else left, is counted on its own
line instead of failing the session.

--known withdrawn-spin (the default too): on 3.11 with Python breakpoints
set, after SIGINT or SIGTERM withdrew a py exec request (its pending call
stays queued, its page saying "pass"), the main thread may end up running
a pending call of lurk's nested inside another, which with a trace
function set spins for ever on its first instruction: the program no
longer runs its own code, and the leftover check gets no answer. That,
after such a run on 3.11, is counted on its own line too. --known '' makes
both fail.

Reproducing: each session's commands depend only on --seed and its number,
so

    py-torture.py --lurk LURK --seed S --only I [--keep DIR]

runs session I of seed S again (timing differs: signals and interrupts land
at other moments, so a timing bug may need a few tries, --repeat N). A
session drawn to run on 3.13 or 3.14 runs on 3.11 when that root is
missing; --pythons limits the versions. Failing sessions are kept in a
directory that is printed, with the command file, lurk's output and the
program's.

usage: py-torture.py --lurk PATH [--seed S] [--sessions N] [--jobs J]
                     [--stuck SEC] [--timeout SEC] [--only I,...] [--repeat N]
                     [--pythons 3.11,3.13,3.14] [--endings LIST] [--known LIST]
                     [--keep DIR] [--verbose]
LURK_TEST_WRAPPER (for example "env LURK_DEBUG=ptrace,cmd", or valgrind) is
put in front of lurk's command line, as in tests/run-session.py; the roots
are looked for under $LURK_TEST_ROOTS (default /var/cache/lurk/test-roots).
Exit status: 0 nothing bad happened, 1 something did, 77 ptrace cannot work
here or there is no /usr/bin/python3.11 (under CI=true ptrace's absence is a
failure instead).
"""
import argparse
import concurrent.futures
import glob
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
PYTHON = '/usr/bin/python3.11'
ROOTS = os.environ.get('LURK_TEST_ROOTS') or '/var/cache/lurk/test-roots'
ENDINGS = ['detach', 'quit', 'eof', 'batch-end', 'sigterm', 'sigint', 'kill9']
SIGNAL_OF = {'sigterm': signal.SIGTERM, 'sigint': signal.SIGINT, 'kill9': signal.SIGKILL}
SANITIZER_RE = re.compile(r'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|'
                          r'ThreadSanitizer|runtime error:|lurk: out of memory')
# What the program must never print: lurk's code raising where the program
# sees it, the interpreter dying, or a trap of lurk's reaching it.
TARGET_BAD_RE = re.compile(r'Traceback \(most recent call last\)|Exception ignored in|'
                           r'Fatal Python error|GOT SIGTRAP')
SRC_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_DIR = os.path.join(SRC_DIR, 'fixtures', 'py')

# The check a fresh lurk runs in the program once the session's lurk has
# left: the names of whatever of lurk's is still there ([] when nothing),
# after setting breaker.py's go so that its worker runs. It runs as a
# py exec, so lurk's own driver is in the program meanwhile (its frames,
# not a module or a hook).
LEFTOVER_CHECK = (
    "import sys, threading; "
    "g = globals().get('go'); g.set() if g is not None else None; "
    "left = [m for m in ('_lurk_break', '_lurk_exact_profile') if m in sys.modules]; "
    "left += ['settrace'] if sys.gettrace() is not None else []; "
    "left += ['setprofile'] if sys.getprofile() is not None else []; "
    "left += ['threading.settrace'] if getattr(threading, '_trace_hook', None) else []; "
    "left += ['threading.setprofile'] if getattr(threading, '_profile_hook', None) else []; "
    "mon = getattr(sys, 'monitoring', None); "
    "left += ['monitoring tool %d %s' % (i, mon.get_tool(i)) for i in range(6) "
    "if mon is not None and mon.get_tool(i) is not None]; "
    "print('LURK-LEFTOVERS', left)")


def ptrace_problem():
    """Why ptrace cannot work here, or None (as tests/run-session.py judges it)."""
    try:
        scope = int(open('/proc/sys/kernel/yama/ptrace_scope').read())
    except OSError:
        scope = 0
    if scope == 3:
        return 'kernel.yama.ptrace_scope is 3 (ptrace disabled)'
    cap_eff = 0
    for line in open('/proc/self/status'):
        if line.startswith('CapEff:'):
            cap_eff = int(line.split()[1], 16)
    if scope >= 2 and not cap_eff & (1 << 19):  # CAP_SYS_PTRACE
        return 'kernel.yama.ptrace_scope is %d and CAP_SYS_PTRACE is missing' % scope
    return None


def line_markers(path):
    """{name: line} for the '@line:name' markers of a fixture's source."""
    marks = {}
    for n, line in enumerate(open(path), 1):
        m = re.search(r'@line:([\w-]+)', line)
        if m:
            marks[m.group(1)] = n
    return marks


def proc_field(pid, field):
    try:
        for line in open('/proc/%d/status' % pid):
            if line.startswith(field + ':'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return None


def thread_states(pid):
    """'tid:comm:state' of each thread: what a hang or a stopped program looks like."""
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


def read(path):
    try:
        return open(path, errors='replace').read()
    except OSError:
        return ''


def root_of(version):
    """The root file system a version other than 3.11 runs in, or None when it is missing."""
    root = os.path.join(ROOTS, 'python' + version)
    return root if os.path.exists(os.path.join(root, 'usr', 'bin', 'python' + version)) else None


# ---------------------------------------------------------------------------
# The fixtures: what can be broken on, and what a condition does there
# ---------------------------------------------------------------------------

class Fixture:
    """A fixture program: its functions and lines for py break (each with the
    conditions that make sense there), its code for py exec, its counter."""

    def __init__(self, name):
        self.name = name
        self.file = name + '.py'
        self.marks = line_markers(os.path.join(FIXTURE_DIR, self.file))
        if name == 'breaker':
            # greet is a wrapper: it stops in the wrapper and in _greet_impl.
            self.funcs = ['greet', 'count_up', '_greet_impl']
            self.lines = [self.marks[m] for m in ('greet', 'count', 'wrapper')]
            self.sure = 'count_up'          # the insurance breakpoint: hit every 20 ms
            self.counter = re.compile(r'^calls (\d+)$', re.M)
            # (condition, whether it surely stops the program soon): a
            # condition that raises stops it, and so does a NameError where
            # the frame has no such local.
            self.conds = [('True', True), ('False', False), ('1/0', True),
                          ('i % 3 == 0', True), ('n % 2 == 0', True),
                          ('calls % 4 == 1', True), ('calls < 0', False)]
            self.execs = ['calls', 'calls > 0', 'greet("lurk", 7)', 'count_up(21)',
                          'print("from lurk"); go.is_set()', 'import threading; '
                          'sorted(t.name for t in threading.enumerate())']
            self.reads = ['py print calls', 'py print go', 'py globals']
        else:
            self.funcs = ['tick_body', 'sub', 'inner', 'compute_step']
            self.lines = [self.marks['tick']]
            self.sure = 'sub'
            self.counter = re.compile(r'^tick (\d+)$', re.M)
            self.conds = [('True', True), ('False', False), ('1/0', True),
                          ('ticks % 3 == 0', True), ('i % 2 == 0', True),
                          ('ticks < 0', False)]
            self.execs = ['ticks', 'config["mode"]', 'greet("lurk")', 'compute_step()',
                          'print(config); len(config)', 'sub() >= 0']
            self.reads = ['py print ticks', 'py print config', 'py globals']

    def location(self, rng):
        if rng.random() < 0.3:
            return '%s:%d' % (self.file, rng.choice(self.lines))
        return rng.choice(self.funcs)


FIXTURES = {'breaker': Fixture('breaker'), 'pyexec': Fixture('pyexec')}


# ---------------------------------------------------------------------------
# One session's commands
# ---------------------------------------------------------------------------

class Gen:
    """Builds the command list of one lurk run. It keeps an approximate idea
    of the Python breakpoints (which are enabled and surely hit soon), so
    that a foreground continue has something that stops the program."""

    def __init__(self, rng, fixture, ending, go_set):
        self.rng = rng
        self.fx = fixture
        self.ending = ending
        self.lines = []
        self.num = 0               # the last breakpoint number lurk gave
        self.bps = {}              # number -> {'sure': bool, 'enabled': bool}
        self.go_set = go_set       # breaker.py's worker runs (else greet and count_up never run)
        self.made_break = False
        self.made_exact = False    # py profile --exact

    def add(self, *lines):
        self.lines.extend(lines)

    def sleep(self, lo, hi):
        self.add('shell sleep %.3f' % self.rng.uniform(lo, hi))

    def set_go(self):
        if self.fx.name == 'breaker' and not self.go_set:
            self.add('py exec go.set()')
            self.go_set = True

    # ---- the pieces ----------------------------------------------------
    def exec_(self):
        r = self.rng.random()
        if r < 0.45:
            self.add('py exec %s' % self.rng.choice(self.fx.execs))
        elif r < 0.6:
            self.add('py exec ' + self.rng.choice(['1/0', 'raise SystemExit(3)',
                                                   'raise KeyboardInterrupt',
                                                   'undefined_name_lurk',
                                                   'def f(:', '"%s" % (1, 2)']))
        elif r < 0.75:
            # A name bound in __main__ stays there: read it back.
            self.add('py exec lurk_torture_x = %d' % self.rng.randint(0, 99),
                     'py exec lurk_torture_x * 2')
        elif r < 0.9:
            self.add('py exec --timeout %d import time; time.sleep(0.2); 42'
                     % self.rng.randint(2, 5))
        else:
            # Code that does not finish in time: lurk says so and it runs on.
            self.add('py exec --timeout 1 import time; time.sleep(2)')

    def profile(self):
        if self.rng.random() < 0.6:
            self.add('py profile 0.3%s' % self.rng.choice(['', ' --native', ' --idle',
                                                           ' --top 5']))
        else:
            self.made_exact = True
            self.add('py profile --exact 0.5%s' % self.rng.choice(
                ['', ' --sort cumulative', ' --top 5', ' --sort calls --top 3']))

    def breakpoint(self, sure=None):
        loc = self.fx.location(self.rng)
        cond = None
        if self.rng.random() < 0.6:
            choices = [c for c in self.fx.conds if sure is None or c[1] == sure]
            cond = self.rng.choice(choices)
        text = 'py break %s' % loc
        if cond:
            text += ' if %s' % cond[0]
        self.add(text)
        self.num += 1
        self.made_break = True
        self.bps[self.num] = {'sure': cond is None or cond[1], 'enabled': True}
        if self.rng.random() < 0.25:
            self.commands(self.num)

    def commands(self, num):
        """Commands run at each hit; one that ends with continue does not stop."""
        body = ['silent'] if self.rng.random() < 0.4 else []
        body += self.rng.sample(['py bt', 'py locals', 'bt 3', 'info breakpoints',
                                 self.fx.reads[0], 'echo hit\\n'], self.rng.randint(0, 2))
        if self.rng.random() < 0.6:
            body.append('continue')
            self.bps[num]['sure'] = False
        self.add('commands' if self.rng.random() < 0.5 else 'commands %d' % num, *body, 'end')

    def bad_breakpoint(self):
        line = self.rng.choice(['py break nosuch_function_lurk', 'py break greet if (',
                                'py break 12abc', 'py break %s:0' % self.fx.file,
                                'condition 999 True', 'delete 999'])
        self.add(line)
        if line == 'py break nosuch_function_lurk':
            # Pending: it takes a number and never stops anything.
            self.num += 1
            self.made_break = True
            self.bps[self.num] = {'sure': False, 'enabled': True}

    def manage(self):
        if not self.bps:
            self.breakpoint()
            return
        n = self.rng.choice(list(self.bps))
        bp = self.bps[n]
        r = self.rng.random()
        if r < 0.25:
            self.add('disable %d' % n)
            bp['enabled'] = False
        elif r < 0.45:
            self.add('enable %d' % n)
            bp['enabled'] = True
        elif r < 0.55:
            # Spent by the next hit: no longer counted on to stop the program.
            self.add('enable %s %d' % (self.rng.choice(['once', 'delete', 'count 2']), n))
            bp['enabled'] = True
            bp['sure'] = False
        elif r < 0.7:
            self.add('delete %d' % n)
            del self.bps[n]
        elif r < 0.85:
            cond = self.rng.choice(self.fx.conds)
            self.add('condition %d %s' % (n, cond[0]))
            bp['sure'] = cond[1]
        elif r < 0.92:
            self.add('condition %d' % n)    # none: stops at every hit
        else:
            self.add('ignore %d %d' % (n, self.rng.randint(0, 3)))

    def insurance(self):
        """A foreground continue needs an enabled breakpoint that is surely
        hit soon: the program never ends by itself."""
        self.set_go()
        if not any(bp['enabled'] and bp['sure'] for bp in self.bps.values()):
            self.add('py break %s' % self.fx.sure)
            self.num += 1
            self.made_break = True
            self.bps[self.num] = {'sure': True, 'enabled': True}

    def resume(self):
        r = self.rng.random()
        if r < 0.25:
            self.add('set allow-shell on', 'continue &')
            self.sleep(0, 0.3)
            if self.rng.random() < 0.3:
                self.add(self.rng.choice(['py bt', 'info threads', 'py exec 1']))
            self.add('interrupt')
        else:
            self.insurance()
            self.add('continue' if r < 0.85 else 'continue %d' % self.rng.randint(2, 3))

    def long_tail(self):
        r = self.rng.random()
        if r < 0.3:
            self.add('py profile 2')
        elif r < 0.5:
            self.made_exact = True
            self.add('py profile --exact 2')
        elif r < 0.7:
            self.add('py exec --timeout 3 import time; time.sleep(2); 7')
        else:
            self.insurance()
            self.add('continue 20')

    def reattach(self):
        """Leave and come back in the same lurk: the breakpoints go with the
        detach, and the callbacks remove themselves once they see it."""
        self.add('detach', 'attach %PID%')
        self.bps = {}

    def reader(self):
        self.add(self.rng.choice(['py bt', 'py bt all', 'py locals', 'py locals 1', 'bt',
                                  'bt 8', 'info breakpoints', 'info threads', 'py threads',
                                  'py up', 'py down', 'py bt --columns',
                                  'save breakpoints bps.lurk'] + self.fx.reads))

    def build(self):
        if self.fx.name == 'breaker' and self.rng.random() < 0.85:
            self.set_go()
        for _ in range(self.rng.randint(3, 14)):
            r = self.rng.random()
            if r < 0.22:
                self.exec_()
            elif r < 0.32:
                self.profile()
            elif r < 0.5:
                self.breakpoint()
            elif r < 0.53:
                self.bad_breakpoint()
            elif r < 0.65:
                self.manage()
            elif r < 0.83:
                self.resume()
            elif r < 0.86:
                self.reattach()
            else:
                self.reader()
        if self.ending in SIGNAL_OF and self.rng.random() < 0.6:
            # Something long last, for the signal to land in more often than between commands.
            self.long_tail()
        if self.ending in ('detach', 'quit'):
            self.add(self.ending)
        return self.lines


# ---------------------------------------------------------------------------
# A session: one program, one or two lurk runs on it, the checks
# ---------------------------------------------------------------------------

class Result:
    def __init__(self):
        self.problems = []          # failures: each a line of text
        self.notes = []             # worth showing, not failures
        self.endings = []
        self.python = None
        self.fixture = None
        self.crash = False
        self.hang = False
        self.stuck = False
        self.kill9_sigtrap = 0      # kill -9 left armed Python breakpoints: the program died by SIGTRAP
        self.exact_signal = 0       # known: a signal left py profile --exact's profile running
        self.withdrawn_spin = 0     # known: a withdrawn request, then the program stood still
        self.known = False
        self.leftovers = False
        self.harm = False
        self.checks = 0             # leftover checks run
        self.seconds = 0.0


class Run:
    """One lurk run of a session."""

    def __init__(self, num):
        self.num = num
        self.ending = None
        self.interactive = False
        self.lines = []
        self.gen = None
        self.sent = []
        self.probed = None         # when the last Ctrl-C probe went
        self.returncode = None
        self.out = self.err = ''
        self.cmdline = []
        self.actual = None

    def hung(self, now):
        """Whether a Ctrl-C probe was sent at least 3 s ago."""
        return self.probed is not None and now - self.probed >= 3


class Session:
    def __init__(self, cfg, index, repeat=0):
        self.cfg = cfg
        self.index = index
        self.rng = random.Random('%d:%d' % (cfg.seed, index))
        rng = self.rng
        self.fx = FIXTURES['breaker' if rng.random() < 0.65 else 'pyexec']
        # Drawn whatever the machine has, so that the commands depend on the seed only.
        version = rng.choice(['3.11'] * 6 + ['3.13', '3.14'])
        self.version = version if version in cfg.pythons and (
            version == '3.11' or root_of(version)) else '3.11'
        self.rounds = 2 if rng.random() < 0.25 else 1
        self.dir = tempfile.mkdtemp(prefix='s%04d-%d-' % (index, repeat), dir=cfg.workdir)
        self.res = Result()
        self.res.python = self.version
        self.res.fixture = self.fx.name
        self.target = None
        self.target_out = None
        self.copy_dir = None
        self.runs = []
        self.go_set = False

    def path(self, name):
        return os.path.join(self.dir, name)

    # ---- the program ---------------------------------------------------
    def start_target(self):
        argv = [PYTHON, os.path.join(FIXTURE_DIR, self.fx.file)]
        if self.version != '3.11':
            # As run-session.py does: a copy inside the root, run chrooted.
            root = root_of(self.version)
            self.copy_dir = tempfile.mkdtemp(prefix='lurk-fixture-', dir=os.path.join(root, 'tmp'))
            shutil.copy(os.path.join(FIXTURE_DIR, self.fx.file), self.copy_dir)
            inside = '/' + os.path.relpath(self.copy_dir, root)
            argv = ['chroot', root, '/usr/bin/python' + self.version, inside + '/' + self.fx.file]
        self.target_out = open(self.path('target.out'), 'w')
        self.target = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.target_out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 20
        while not re.search(r'^ready \d+$', self.target_text(), re.M):
            if self.target.poll() is not None:
                raise RuntimeError('the fixture exited with %s before it was ready: %s'
                                   % (self.target.returncode, self.target_text()[-500:]))
            if time.time() > deadline:
                raise RuntimeError('the fixture never printed "ready"')
            time.sleep(0.01)
        time.sleep(self.rng.uniform(0, 0.2))

    def target_text(self):
        return read(self.path('target.out'))

    def counter(self):
        """The program's counter as it printed it last, -1 before its first line."""
        values = [int(v) for v in self.fx.counter.findall(self.target_text())]
        return max(values) if values else -1

    # ---- running lurk --------------------------------------------------
    def plan_run(self, num, last):
        rng = self.rng
        run = Run(num)
        endings = [e for e in self.cfg.endings if last or e != 'kill9'] or ['detach']
        run.ending = rng.choice(endings)
        run.interactive = run.ending == 'eof' or (run.ending in ('detach', 'quit')
                                                  and rng.random() < 0.3)
        # Breakpoints go when lurk leaves: the next lurk numbers from 1 again.
        gen = Gen(rng, self.fx, run.ending, self.go_set)
        run.lines = gen.build()
        run.gen = gen
        self.go_set = gen.go_set
        # The signal plan, drawn now so that it depends on the seed only.
        run.sig_after_continuing = rng.randint(1, 3) if rng.random() < 0.6 else 0
        run.sig_delay = rng.uniform(0, 0.4)
        run.sig_fallback = rng.uniform(0.05, 1.5)
        run.stdin_pauses = [rng.uniform(0, 0.05) for _ in run.lines]
        return run

    def command(self, run, name):
        cfg = self.cfg
        cmd = list(cfg.wrapper) + [cfg.lurk, '-q', '-n', '-p', str(self.target.pid)]
        text = ''.join(l.replace('%PID%', str(self.target.pid)) + '\n' for l in run.lines)
        with open(self.path(name), 'w') as f:
            if run.interactive:
                f.write('# fed on standard input, then closed\n')
            f.write(text)
        if not run.interactive:
            cmd += ['--batch', '-x', self.path(name)]
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

    @staticmethod
    def feed_stdin(proc, run, pid):
        try:
            for line, pause in zip(run.lines, run.stdin_pauses):
                proc.stdin.write((line.replace('%PID%', str(pid)) + '\n').encode())
                proc.stdin.flush()
                if pause > 0.03:
                    time.sleep(pause)
        except OSError:
            pass
        try:
            proc.stdin.close()
        except OSError:
            pass

    def send(self, proc, run, sig):
        try:
            proc.send_signal(sig)
            run.sent.append(sig)
        except OSError:
            pass

    def run_lurk(self, run):
        cfg = self.cfg
        base = 'run%d' % run.num
        run.cmdline = self.command(run, base + '.lurk')
        out_path, err_path = self.path(base + '.out'), self.path(base + '.err')
        out, err = open(out_path, 'w'), open(err_path, 'w')
        start = time.time()
        proc = subprocess.Popen(run.cmdline, stdin=subprocess.PIPE if run.interactive
                                else subprocess.DEVNULL, stdout=out, stderr=err,
                                env=self.environment(), start_new_session=True, cwd=self.dir)
        feeder = None
        if run.interactive:
            feeder = threading.Thread(target=self.feed_stdin, args=(proc, run, self.target.pid),
                                      daemon=True)
            feeder.start()
        sig = SIGNAL_OF.get(run.ending)
        sent_at = seen_at = None
        next_int = 0
        probe_at, probe_size = start + cfg.stuck, -1
        while proc.poll() is None:
            now = time.time()
            size = os.path.getsize(out_path) + os.path.getsize(err_path)
            if now > start + cfg.timeout or (run.hung(now) and size == probe_size):
                self.res.hang = True
                self.res.problems.append(
                    'hang: lurk %s; lurk state %s wchan %s; program threads %s'
                    % ('still running after %g s' % cfg.timeout if now > start + cfg.timeout
                       else 'did nothing for 3 s after SIGINT (Ctrl-C)',
                       (read('/proc/%d/stat' % proc.pid).rsplit(')', 1)[-1].split() or ['?'])[0],
                       read('/proc/%d/wchan' % proc.pid), thread_states(self.target.pid)))
                proc.kill()
                run.sent.append(signal.SIGKILL)
                proc.wait()
                break
            if now > probe_at:
                # Stuck: do what a user would, Ctrl-C; a lurk that neither
                # leaves nor prints anything within 3 s of it is hung.
                if not self.res.stuck:
                    self.res.stuck = True
                    self.res.notes.append('run %d still running after %.1f s: sent SIGINT as '
                                          'Ctrl-C (program threads %s)'
                                          % (run.num, now - start, thread_states(self.target.pid)))
                self.send(proc, run, signal.SIGINT)
                run.probed = now
                probe_size, probe_at = size, now + 3
            if sig and sent_at is None:
                if run.sig_after_continuing:
                    n = read(out_path).count('Continuing.')
                    if n >= run.sig_after_continuing and seen_at is None:
                        seen_at = now
                    if (seen_at is not None and now - seen_at >= run.sig_delay) or \
                            now - start > run.sig_fallback + 2:
                        sent_at = now
                elif now - start > run.sig_fallback:
                    sent_at = now
                if sent_at:
                    self.send(proc, run, sig)
                    next_int = now + self.rng.uniform(0.2, 0.6)
            elif sig == signal.SIGINT and sent_at and now > next_int:
                # SIGINT interrupts a running program; between commands it ends the session.
                self.send(proc, run, sig)
                next_int = now + self.rng.uniform(0.2, 0.6)
            time.sleep(0.005)
        if feeder:
            feeder.join(2)
        out.close()
        err.close()
        run.seconds = time.time() - start
        run.returncode = proc.returncode
        run.out, run.err = read(out_path), read(err_path)
        run.actual = self.actual_ending(run)

    @staticmethod
    def actual_ending(run):
        if signal.SIGKILL in run.sent and run.ending != 'kill9':
            return 'timeout'
        for name, sig in SIGNAL_OF.items():
            if name == run.ending and sig in run.sent:
                return name
        if run.ending in SIGNAL_OF:
            return 'batch-end'
        return run.ending

    # ---- checks --------------------------------------------------------
    def check_lurk(self, run):
        rc = run.returncode
        sent = set(int(s) for s in run.sent)
        if rc < 0 and -rc not in sent:
            self.res.crash = True
            self.res.problems.append('run %d: lurk died by %s' % (run.num, signal.Signals(-rc).name))
        elif rc >= 128 and rc - 128 not in sent:
            self.res.crash = True
            self.res.problems.append('run %d: lurk exited with %d (128+%d) but was not sent that '
                                     'signal' % (run.num, rc, rc - 128))
        if SANITIZER_RE.search(run.err) or SANITIZER_RE.search(run.out):
            self.res.crash = True
            self.res.problems.append('run %d: sanitizer report on lurk\'s output' % run.num)

    def check_target_free(self, run, allow_sigtrap=False):
        """The program is alive, not traced, not stopped: True when so (or,
        after kill -9, dead by the SIGTRAP of an armed breakpoint)."""
        pid = self.target.pid
        deadline = time.time() + 2
        while True:
            rc = self.target.poll()
            if rc is not None:
                break
            state = (read('/proc/%d/stat' % pid).rsplit(')', 1)[-1].split() or ['?'])[0]
            tracer = proc_field(pid, 'TracerPid')
            if tracer == '0' and state not in ('T', 't'):
                return True
            if time.time() > deadline:
                self.res.harm = True
                self.res.problems.append('run %d: after lurk left the program is %s (TracerPid '
                                         '%s; threads %s)'
                                         % (run.num, 'stopped' if state in ('T', 't') else
                                            'state ' + state, tracer, thread_states(pid)))
                return False
            time.sleep(0.02)
        how = ('killed by %s' % signal.Signals(-rc).name) if rc < 0 else 'exit %d' % rc
        if allow_sigtrap and rc == -signal.SIGTRAP:
            self.res.kill9_sigtrap += 1
            self.res.notes.append('run %d: kill -9 left Python breakpoints armed: the program '
                                  'died by SIGTRAP (not counted against lurk)' % run.num)
            return False
        self.res.harm = True
        self.res.problems.append('run %d: the program ended (%s) under or after lurk'
                                 % (run.num, how))
        return False

    def check_target_output(self):
        m = TARGET_BAD_RE.search(self.target_text())
        if m:
            self.res.harm = True
            self.res.problems.append('the program printed "%s"' % m.group(0))

    def check_leftovers(self, run, before):
        """A fresh lurk's py exec: nothing of lurk's in the program, go set;
        then the counter must move past what it was before."""
        # Code that did not finish in time may still run: the check's
        # request then waits for it to end (lurk does not nest requests).
        time.sleep(0.6)
        cmd = list(self.cfg.wrapper) + [self.cfg.lurk, '-q', '-n', '-p', str(self.target.pid),
                                         '--batch', '-ex', 'py exec ' + LEFTOVER_CHECK,
                                         '-ex', 'detach']
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=self.environment(), timeout=40)
            text = p.stdout.decode(errors='replace')
        except subprocess.TimeoutExpired as e:
            text = (e.stdout or b'').decode(errors='replace') + '\n(timed out: killed)'
        with open(self.path('check%d.out' % run.num), 'w') as f:
            f.write(text)
        self.res.checks += 1
        m = re.search(r'^LURK-LEFTOVERS (.*)$', text, re.M)
        if not m and self.withdrawn_spin(run):
            self.res.withdrawn_spin += 1
            self.res.known = True
            self.res.notes.append('run %d: known: a request withdrawn by a signal, then the '
                                  'program no longer ran Python code of its own' % run.num)
            return
        if not m:
            self.res.harm = True
            self.res.problems.append('run %d: the leftover check got no answer from the program: '
                                     '%s' % (run.num, ' | '.join(text.strip().splitlines()[-4:])))
        elif m.group(1) != '[]':
            left = re.findall(r"'([^']*)'", m.group(1))
            if self.exact_left_by_signal(run, left):
                self.res.exact_signal += 1
                self.res.notes.append('run %d: known: the profile of py profile --exact stays '
                                      'after %s: %s' % (run.num, run.actual, m.group(1)))
                self.res.known = True
            else:
                self.res.leftovers = True
                self.res.problems.append('run %d: lurk left in the program: %s'
                                         % (run.num, m.group(1)))
        if not self.check_target_free(run):
            return
        deadline = time.time() + 5
        while self.counter() <= before:
            if time.time() > deadline:
                self.res.harm = True
                self.res.problems.append('run %d: the program made no progress after lurk left '
                                         '(counter %d; threads %s)'
                                         % (run.num, self.counter(), thread_states(self.target.pid)))
                return
            time.sleep(0.05)

    def exact_left_by_signal(self, run, left):
        """Whether what is left is the known leftover of a py profile --exact
        whose end a signal withdrew (see the header)."""
        return ('exact-signal' in self.cfg.known and run.gen.made_exact and
                run.actual in ('sigterm', 'sigint') and '_lurk_exact_profile' in left and
                all(x in ('_lurk_exact_profile', 'setprofile') or
                    re.fullmatch(r'monitoring tool \d+ cProfile', x) for x in left))

    def withdrawn_spin(self, run):
        """Whether the program's standstill is the known one of a request
        withdrawn by a signal on 3.11 with Python breakpoints set (see the
        header)."""
        return ('withdrawn-spin' in self.cfg.known and self.version == '3.11' and
                run.gen.made_break and set(run.sent) & {signal.SIGINT, signal.SIGTERM} and
                'before the interpreter ran the request: withdrawn' in run.err)

    def run(self):
        start = time.time()
        try:
            self.start_target()
            for num in range(1, self.rounds + 1):
                run = self.plan_run(num, num == self.rounds)
                self.runs.append(run)
                self.run_lurk(run)
                self.res.endings.append(run.actual)
                self.check_lurk(run)
                before = self.counter()
                kill9 = signal.SIGKILL in run.sent
                if not self.check_target_free(run, allow_sigtrap=kill9 and run.gen.made_break):
                    break
                if kill9:
                    break          # nothing more is promised after kill -9 (see the header)
                self.check_leftovers(run, before)
                if self.res.problems or self.res.known:
                    break
            self.check_target_output()
        except Exception as e:   # the harness itself: report, do not hide
            self.res.problems.append('harness error: %r' % e)
        finally:
            self.cleanup()
        self.res.seconds = time.time() - start
        return self.res

    def cleanup(self):
        if self.target and self.target.poll() is None:
            try:
                os.killpg(self.target.pid, signal.SIGKILL)
            except OSError:
                pass
            self.target.wait()
        if self.target_out:
            self.target_out.close()
        # A py exec request's directory in the program's /tmp stays when lurk
        # is killed in the middle of it (kill -9): the harness's to remove.
        if self.target:
            tmp = os.path.join(root_of(self.version) or '/', 'tmp') if self.version != '3.11' \
                else '/tmp'
            for name in glob.glob(os.path.join(tmp, 'lurk-py-exec-%d-*' % self.target.pid)):
                shutil.rmtree(name, ignore_errors=True)
        if self.copy_dir:
            shutil.rmtree(self.copy_dir, ignore_errors=True)

    def describe(self):
        """The failure report: what to run again, the commands, the outputs."""
        cfg = self.cfg
        parts = ['=' * 78,
                 'session %d (seed %d): %s on Python %s, %d run%s, endings %s, %.1f s'
                 % (self.index, cfg.seed, self.fx.file, self.version, len(self.runs),
                    's' if len(self.runs) > 1 else '', ', '.join(self.res.endings), self.res.seconds),
                 'reproduce: %s --lurk %s --seed %d --only %d%s'
                 % (sys.argv[0], cfg.lurk, cfg.seed, self.index,
                    ' --known %s' % ','.join(cfg.known) if cfg.known else " --known ''"),
                 'kept in: %s' % self.dir]
        parts += ['problem: ' + p for p in self.res.problems]
        parts += ['note: ' + n for n in self.res.notes]
        for run in self.runs:
            parts.append('--- run %d: %s -> exit %s%s; planned ending %s%s' % (
                run.num, ' '.join(run.cmdline), run.returncode,
                ', sent %s' % ','.join(signal.Signals(s).name for s in run.sent) if run.sent else '',
                run.ending, ', commands on standard input' if run.interactive else ''))
            parts += ['    ' + l for l in run.lines]
            for name, text in (('stdout', run.out), ('stderr', run.err),
                               ('leftover check', read(self.path('check%d.out' % run.num)))):
                if text.strip():
                    parts.append('--- run %d lurk %s (last 60 lines):' % (run.num, name))
                    parts += ['    ' + l for l in text.splitlines()[-60:]]
        lines = self.target_text().splitlines()
        parts.append('--- the program\'s output (last 30 lines):')
        parts += ['    ' + l for l in lines[-30:]]
        return '\n'.join(parts)


# ---------------------------------------------------------------------------
# The summary
# ---------------------------------------------------------------------------

def summary(cfg, results, elapsed):
    out = []
    n = len(results)
    versions = {}
    for r in results:
        versions[r.python] = versions.get(r.python, 0) + 1
    out.append('py-torture: seed %d, %d sessions (%s), %d jobs, %.1f s'
               % (cfg.seed, n, ', '.join('Python %s %d' % kv for kv in sorted(versions.items())),
                  cfg.jobs, elapsed))
    counts = {}
    for r in results:
        for e in r.endings:
            counts[e] = counts.get(e, 0) + 1
    order = ENDINGS + sorted(set(counts) - set(ENDINGS))
    out.append('endings: ' + '  '.join('%s %d' % (e, counts[e]) for e in order if e in counts))
    out.append('leftover checks: %d, with lurk\'s things left: %d'
               % (sum(r.checks for r in results), sum(1 for r in results if r.leftovers)))
    out.append('programs harmed (died, left stopped or traced, no progress, a traceback): %d'
               % sum(1 for r in results if r.harm))
    out.append('hangs: %d; stuck until Ctrl-C, then finished: %d'
               % (sum(1 for r in results if r.hang),
                  sum(1 for r in results if r.stuck and not r.hang)))
    out.append('lurk crashes (or sanitizer reports): %d' % sum(1 for r in results if r.crash))
    out.append('kill -9 with Python breakpoints armed, the program then died by SIGTRAP: %d'
               % sum(r.kill9_sigtrap for r in results))
    out.append('known: py profile --exact left running by SIGTERM or SIGINT (ends itself 60 s '
               'later): %d' % sum(r.exact_signal for r in results))
    out.append('known: a request withdrawn by a signal on 3.11 with py break, then the program '
               'stood still: %d' % sum(r.withdrawn_spin for r in results))
    bad = [r for r in results if r.problems]
    out.append('result: %s' % ('PASS' if not bad else 'FAIL (%d sessions with problems)' % len(bad)))
    return '\n'.join(out), not bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--lurk', required=True)
    ap.add_argument('--seed', type=int)
    ap.add_argument('--sessions', type=int, default=40)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--timeout', type=float, default=90,
                    help='a lurk still running then is hung (it gets SIGKILL)')
    ap.add_argument('--stuck', type=float, default=12,
                    help='a lurk still running then gets SIGINT (as from Ctrl-C) every 3 s; '
                         'if it then does nothing for 3 s it is hung')
    ap.add_argument('--only', help='session numbers to run, comma-separated')
    ap.add_argument('--repeat', type=int, default=1, help='run each session this many times')
    ap.add_argument('--pythons', default='3.11,3.13,3.14',
                    help='the versions sessions may run on (3.13 and 3.14 need their roots)')
    ap.add_argument('--endings', default=','.join(ENDINGS))
    ap.add_argument('--known', default='exact-signal,withdrawn-spin',
                    help='known lurk trouble counted apart instead of failing: exact-signal '
                         '(py profile --exact left in the program by SIGTERM or SIGINT), '
                         'withdrawn-spin (3.11 stands still after a request a signal withdrew); '
                         '\'\' for none')
    ap.add_argument('--keep', help='keep every session directory under this directory')
    ap.add_argument('--verbose', action='store_true', help='a line per session')
    cfg = ap.parse_args()
    if cfg.seed is None:
        cfg.seed = random.SystemRandom().randrange(1, 10**9)
    cfg.lurk = os.path.abspath(cfg.lurk)
    cfg.pythons = cfg.pythons.split(',')
    cfg.endings = cfg.endings.split(',')
    cfg.known = [k for k in cfg.known.split(',') if k]
    cfg.wrapper = os.environ.get('LURK_TEST_WRAPPER', '').split()
    if not os.access(cfg.lurk, os.X_OK):
        sys.exit('py-torture: %s is not an executable' % cfg.lurk)
    problem = ptrace_problem()
    if problem:
        print('py-torture: skipped: %s' % problem)
        sys.exit(1 if os.environ.get('CI') == 'true' else SKIP)
    if not os.access(PYTHON, os.X_OK):
        print('py-torture: skipped: there is no %s' % PYTHON)
        sys.exit(SKIP)
    base = cfg.keep or tempfile.mkdtemp(prefix='lurk-py-torture-%d-' % cfg.seed)
    os.makedirs(base, exist_ok=True)
    cfg.workdir = base
    cfg.cache = os.path.join(base, 'cache')
    os.makedirs(cfg.cache, exist_ok=True)
    missing = [v for v in cfg.pythons if v != '3.11' and not root_of(v)]
    print('py-torture: seed %d, %d sessions, lurk %s%s' % (
        cfg.seed, cfg.sessions, cfg.lurk,
        '; no root for Python %s under %s: those sessions run on 3.11'
        % (', '.join(missing), ROOTS) if missing else ''), flush=True)
    indexes = [int(x) for x in cfg.only.split(',')] if cfg.only else list(range(cfg.sessions))
    jobs = [(i, k) for i in indexes for k in range(cfg.repeat)]
    started = time.time()
    results = []
    lock = threading.Lock()

    def one(job):
        i, k = job
        s = Session(cfg, i, k)
        r = s.run()
        with lock:
            results.append(r)
            if cfg.verbose:
                print('session %d%s: %s %s %s %.1fs %s' % (
                    i, '.%d' % k if cfg.repeat > 1 else '', r.fixture, r.python,
                    ','.join(r.endings), r.seconds, 'FAIL' if r.problems else 'ok'), flush=True)
            if r.problems:
                print(s.describe(), flush=True)
            elif not cfg.keep:
                shutil.rmtree(s.dir, ignore_errors=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=cfg.jobs) as pool:
        list(pool.map(one, jobs))
    shutil.rmtree(cfg.cache, ignore_errors=True)
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
