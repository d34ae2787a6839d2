#!/usr/bin/env python3
"""Run one lurk session test: a command file with its expectations in comments.

A session file is a lurk command file (lurk skips '#' lines); the runner reads
its directives and expectations from special comments, starts the fixture,
runs lurk, and checks the facts lurk printed. See tests/sessions/README.md for
the format.

usage: run-session.py --build DIR --src DIR [--watch-mode hw|soft] [--python X.Y] SESSION.lurk
Exit status: 0 pass, 1 fail, 77 skipped (ptrace not permitted here; under
CI=true that is a failure instead, so CI never passes by skipping).

'#@ needs: CAPABILITY...' names what the test needs from the machine beyond
ptrace; when one is missing the test skips with 77 and says which, even under
CI=true: such machines exist, and the rest of the suite still runs there.
  debug-registers   debug registers that fire (lurk's own probe); implied by
                    --watch-mode hw, under which a watch test is about them
  root              the runner is root (as-user, setuid-copy, mount namespaces)
  pythonX.Y         Debian's interpreter /usr/bin/pythonX.Y (a NAME.py fixture
                    runs on /usr/bin/python3.11, so it needs python3.11).
                    Under --python X.Y (another version) a NAME.py fixture
                    runs chrooted into the root file system pythonX.Y-root
                    (scripts/python-root makes one), and 'needs: python3.11'
                    means that root; %PYVER% is X.Y
  NAME-root         a root file system holding /usr/bin/NAME, such as a
                    debootstrap of a release that ships python3.13, at
                    $LURK_TEST_ROOTS/NAME (default /var/cache/lurk/test-roots/NAME);
                    %ROOT(NAME)% is its path
  /PATH             the file exists
  kernel-core       kernel.core_pattern writes cores to files ('#@ core: kernel')
  NAME              the program NAME is on PATH (gdb, unshare)
Directives that need a capability (a .py fixture, as-user, setuid-copy)
must declare it, so that a reader sees every prerequisite in the header.
"""
import argparse
import codecs
import glob
import json
import os
import pty
import re
import resource
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
STATUS_NAMES = {'TERM': signal.SIGTERM, 'INT': signal.SIGINT, 'HUP': signal.SIGHUP,
                'KILL': signal.SIGKILL, 'STOP': signal.SIGSTOP, 'CONT': signal.SIGCONT}


class Failure(Exception):
    pass


class Skip(Exception):
    pass


class MachineSkip(Exception):
    """The machine lacks a capability the test needs: a skip even under CI."""


def ptrace_problem():
    """Why ptrace cannot work here, or None."""
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
    has_cap = bool(cap_eff & (1 << 19))  # CAP_SYS_PTRACE
    if scope >= 2 and not has_cap:
        return 'kernel.yama.ptrace_scope is %d and CAP_SYS_PTRACE is missing' % scope
    return None


DEFAULT_PYTHON = '3.11'
PYTHON = '/usr/bin/python' + DEFAULT_PYTHON
PYTHON_NEED = os.path.basename(PYTHON)
ROOTS = 'LURK_TEST_ROOTS'
DEFAULT_ROOTS = '/var/cache/lurk/test-roots'
SELF = 'lurk-own-pid'  # what %SELF% stands for until the shell that becomes lurk knows it


class Session:
    def __init__(self, args):
        self.path = args.session
        self.build = os.path.abspath(args.build)
        self.src = os.path.abspath(args.src)
        self.lurk = os.path.join(self.build, 'src', 'lurk')
        self.fixtures = os.path.join(self.build, 'tests', 'fixtures')
        self.tmp = tempfile.mkdtemp(prefix='lurk-session-')
        self.heartbeat = os.path.join(self.tmp, 'heartbeat')
        self.text = open(self.path).read()
        self.directives = {}
        self.expect = []          # (kind, payload, line number)
        self.dialogue = []        # pty mode: ('send', text) / ('wait', regex)
        self.target = None
        self.target_out = None
        self.tracer = None
        self.watch_mode = args.watch_mode
        self.python = args.python
        self.fixture_dir = None   # the copy of a .py fixture inside another version's root
        soft = self.watch_mode == 'soft'
        self.subst = {
            'CORE': os.path.join(self.tmp, 'core'),
            'BUILD': self.build, 'SRC': self.src, 'TMP': self.tmp,
            'FIXTURES': self.fixtures, 'HEARTBEAT': self.heartbeat,
            'LURK': self.lurk, 'DEADPID': dead_pid(), 'SELF': SELF, 'PYVER': self.python,
            # The root a .py fixture sees: a core the kernel wrote in a chroot names
            # its files by paths inside it (lurk --sysroot %PYROOT%).
            'PYROOT': self.python_root() if self.python != DEFAULT_PYTHON else '/',
            # How lurk names a watchpoint of the mode under test (gdb's names).
            'WATCH': 'Watchpoint' if soft else 'Hardware watchpoint',
            'RWATCH': 'Read watchpoint' if soft else 'Hardware read watchpoint',
            'AWATCH': ('Access (read/write) watchpoint' if soft else
                       'Hardware access (read/write) watchpoint'),
            'WTYPE': 'watchpoint' if soft else 'hw watchpoint',
        }
        self.parse()

    # ---- parsing --------------------------------------------------------
    def parse(self):
        for number, line in enumerate(self.text.splitlines(), 1):
            m = re.match(r'#@\s*([\w-]+)\s*:\s*(.*)$', line)
            if m:
                key, value = m.group(1), m.group(2).strip()
                if key in ('env', 'lurkrc', 'expect-signal-output', 'cwd-file'):
                    self.directives.setdefault(key, []).append(value)
                else:
                    self.directives[key] = value
                continue
            for prefix, kind in (('#> ', 'out'), ('#2> ', 'err'), ('#! ', 'not'),
                                 ('#j ', 'json'), ('#count ', 'count'), ('#2count ', 'count2')):
                if line.startswith(prefix):
                    self.expect.append((kind, line[len(prefix):], number))
                    break
            else:
                if line.startswith('#< '):
                    self.dialogue.append(('send', line[3:]))
                elif line.startswith('#wait '):
                    self.dialogue.append(('wait', line[6:]))
                elif line.startswith('#sleep '):
                    self.dialogue.append(('sleep', float(line[7:])))

    def line_of(self, spec):
        """%LINE(name)% / %LINE(file.c:name)%: the line holding '@line:name'."""
        if ':' in spec:
            filename, name = spec.split(':', 1)
        else:
            filename, name = self.fixture_source(), spec
        path = filename if os.path.isabs(filename) else self.find_source(filename)
        for number, text in enumerate(open(path), 1):
            if re.search(r'@line:%s\b' % re.escape(name), text):
                return str(number)
        raise Failure('no "@line:%s" marker in %s' % (name, path))

    def find_source(self, filename):
        for d in ('tests/fixtures', 'tests/fixtures/py', 'examples'):
            p = os.path.join(self.src, d, filename)
            if os.path.exists(p):
                return p
        raise Failure('no source file %s' % filename)

    def root_of(self, name):
        """%ROOT(NAME)%: the root file system that '#@ needs: NAME-root' asked for."""
        if name + '-root' not in self.needs():
            raise Failure("%%ROOT(%s)%% without '#@ needs: %s-root'" % (name, name))
        return os.path.join(roots_dir(), name)

    def fixture_source(self):
        words = self.directives.get('fixture', '').split()
        if not words:
            raise Failure('%LINE(name)% without a fixture: write %LINE(file.c:name)%')
        name = words[0]
        name = name.replace('-stripped', '')
        return name if name.endswith('.py') else name + '.c'

    def substitute(self, text, for_regex=False):
        def one(m):
            key, arg = m.group(1), m.group(2)
            if key == 'LINE':
                value = self.line_of(arg)
            elif key == 'ROOT':
                value = self.root_of(arg)
            elif key in self.subst:
                value = str(self.subst[key])
            else:
                raise Failure('unknown substitution %%%s%%' % key)
            return re.escape(value) if for_regex else value
        return re.sub(r'%([A-Z]+)(?:\(([^)]*)\))?%', one, text)

    # ---- the target -----------------------------------------------------
    def target_output(self):
        """What the fixture printed so far, read through a descriptor of our own: seeking
        the one the fixture writes through would move where its next write lands, and a
        line written in two pieces around such a seek loses its start."""
        with open(self.target_out.name) as f:
            return f.read()

    def describe_stuck(self, pid):
        """What a fixture that never got ready was doing: its output and each thread's state."""
        return 'its output: %r; %s' % (self.target_output()[-300:], self.threads_state(pid))

    @staticmethod
    def threads_state(pid):
        """Each thread's state, wait channel and system call (/proc)."""
        parts = []
        try:
            for tid in sorted(os.listdir('/proc/%d/task' % pid), key=int):
                base = '/proc/%d/task/%s/' % (pid, tid)
                with open(base + 'stat') as f:
                    state = f.read().rsplit(')', 1)[1].split()[0]
                with open(base + 'wchan') as f:
                    wchan = f.read().strip() or '-'
                with open(base + 'syscall') as f:
                    call = f.read().split()[0]
                parts.append('thread %s %s in %s (syscall %s)' % (tid, state, wchan, call))
        except OSError as e:
            parts.append('its threads: %s' % e)
        return '; '.join(parts)

    def start_fixture(self):
        spec = self.directives.get('fixture')
        if not spec:
            return
        words = shlex.split(self.substitute(spec))
        exe = os.path.join(self.fixtures, words[0])
        argv = [exe] + words[1:]
        if words[0].endswith('.py'):
            # Python fixtures run on Debian's stripped interpreter, as users' do.
            argv = [PYTHON, os.path.join(self.src, 'tests', 'fixtures', 'py', words[0])] + words[1:]
            if self.python != DEFAULT_PYTHON:
                argv = self.python_in_root(words, self.directives.get('core') == 'kernel')
        launch = self.directives.get('fixture-launch')
        if launch == 'deleted':
            # A copy that is deleted once it runs: only /proc/PID/map_files has it.
            copy = os.path.join(self.tmp, 'deleted', words[0])
            os.makedirs(os.path.dirname(copy))
            shutil.copy2(exe, copy)
            argv[0] = copy
        elif launch == 'mount-ns':
            # In a mount namespace of its own, from a tmpfs the host cannot see
            # at that path: only /proc/PID/root leads to the binary.
            hidden = os.path.join(self.tmp, 'ns')
            os.makedirs(hidden)
            script = ('mount -t tmpfs lurk-test "$1" && cp "$2" "$1/" && d="$1" && '
                      'shift 2 && exec "$d/%s" "$@"' % words[0])
            argv = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script,
                    'sh', hidden, exe] + words[1:]
        elif launch:
            raise Failure('bad #@ fixture-launch: %s' % launch)
        # Appending: the fixture's writes never land where the runner last read.
        self.target_out = open(os.path.join(self.tmp, 'target.out'), 'a')
        if self.directives.get('core') == 'kernel':
            self.crash_fixture(argv)
            return
        self.target = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                       stdout=self.target_out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.subst['PID'] = self.target.pid
        self.remove_stale_requests(self.target.pid)
        deadline = time.time() + 20
        while time.time() < deadline:
            if 'ready' in self.target_output():
                break
            if self.target.poll() is not None:
                raise Failure('fixture %s exited with %s before it was ready'
                              % (words[0], self.target.returncode))
            time.sleep(0.01)
        else:
            raise Failure('fixture %s never printed "ready"; %s'
                          % (words[0], self.describe_stuck(self.target.pid)))
        if launch == 'deleted':
            os.unlink(argv[0])
        want = self.directives.get('wait-state')
        if want:
            # '#@ wait-state: Z': the fixture has reached that state (a zombie).
            deadline = time.time() + 10
            while not (self.proc_status('State') or '').startswith(want):
                if time.time() > deadline:
                    raise Failure('the fixture never reached state %s' % want)
                time.sleep(0.01)
        if 'heartbeat' in spec:
            self.wait_heartbeat_file()
        if self.directives.get('before') == 'stop':
            self.stop_fixture()

    def remove_stale_requests(self, pid):
        """py exec request directories of an earlier process with this PID (a lurk
        killed mid-request leaves one): the sessions count those of their own."""
        for d in glob.glob(os.path.join(self.subst['PYROOT'], 'tmp',
                                        'lurk-py-exec-%d-*' % pid)):
            shutil.rmtree(d, ignore_errors=True)

    def crash_fixture(self, argv):
        """'#@ core: kernel': the fixture runs to its death by a signal in a directory of
        its own with core dumps allowed; the core the kernel writes becomes %CORE%."""
        where = os.path.join(self.tmp, 'crash')
        if self.fixture_dir:
            # Chrooted, it runs (and the kernel writes its core) in its own directory
            # inside the root: one outside is out of its reach.
            where = self.fixture_dir
        else:
            os.makedirs(where)
        unlimited = (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.target_out,
                                stderr=subprocess.STDOUT, cwd=where,
                                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE,
                                                                      unlimited))
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise Failure('the fixture did not die within 30 s')
        if proc.returncode >= 0:
            raise Failure('the fixture exited with %d instead of dying by a signal'
                          % proc.returncode)
        self.subst['PID'] = proc.pid
        pattern = kernel_core_pattern()
        spec = re.sub(r'%(.)', lambda m: {'%': '%', 'p': str(proc.pid), 'P': str(proc.pid)}
                      .get(m.group(1), '*'), pattern)
        if open('/proc/sys/kernel/core_uses_pid').read().strip() == '1' and '%p' not in pattern:
            spec += '.' + str(proc.pid)
        if self.fixture_dir and spec.startswith('/'):
            spec = os.path.join(self.python_root(), spec.lstrip('/'))
        found = sorted(glob.glob(os.path.join(where, spec)), key=os.path.getmtime)
        if not found:
            raise Failure('no core file matching %s after the fixture died of signal %d'
                          % (os.path.join(where, spec), -proc.returncode))
        # The root may be on another file system than the session's directory.
        shutil.move(found[-1], self.subst['CORE'])

    def make_core(self):
        """'#@ core: gdb' / 'core: lurk': a core file of the running fixture at %CORE%,
        written by gdb's gcore or lurk's generate-core-file; the fixture runs on."""
        how = self.directives.get('core')
        if how not in ('gdb', 'lurk'):
            return
        if not self.target:
            raise Failure("'#@ core: %s' needs a fixture" % how)
        pid, path = str(self.target.pid), self.subst['CORE']
        if how == 'gdb':
            cmd = ['gdb', '-q', '-nx', '--batch', '-p', pid, '-ex', 'gcore ' + path]
        else:
            cmd = [self.lurk, '-q', '-n', '--batch', '-p', pid, '-ex',
                   'generate-core-file ' + path]
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120)
        if not os.path.exists(path):
            raise Failure('%s wrote no core: %s' % (how, (done.stdout + done.stderr)[-500:]))
        if how == 'gdb':
            holes = gcore_holes(done.stdout + done.stderr)
            if holes:
                raise MachineSkip("gdb's gcore could not read all of the fixture's memory and "
                                  'wrote zeros for the rest of each such mapping: ' + holes)

    def stop_fixture(self):
        """'#@ before: stop': the fixture is in group-stop (SIGSTOP) before lurk runs."""
        os.kill(self.target.pid, signal.SIGSTOP)
        deadline = time.time() + 10
        while not (self.proc_status('State') or '').startswith('T'):
            if time.time() > deadline:
                raise Failure('the fixture did not stop on SIGSTOP')
            time.sleep(0.01)

    def wait_heartbeat_file(self):
        deadline = time.time() + 10
        while not os.path.exists(self.heartbeat):
            if time.time() > deadline:
                raise Failure('fixture never wrote its heartbeat file')
            time.sleep(0.01)

    def read_heartbeat(self):
        try:
            return int(open(self.heartbeat).read().strip() or 0)
        except (OSError, ValueError):
            return 0

    def proc_status(self, field):
        try:
            for line in open('/proc/%d/status' % self.target.pid):
                if line.startswith(field + ':'):
                    return line.split(':', 1)[1].strip()
        except OSError:
            return None
        return None

    def text_segments(self):
        """The bytes of every executable mapping of the fixture's own binary."""
        pid = self.target.pid
        exe = os.readlink('/proc/%d/exe' % pid)
        if exe.endswith(' (deleted)'):
            exe = exe[:-len(' (deleted)')]
        segments = {}
        with open('/proc/%d/maps' % pid) as maps, open('/proc/%d/mem' % pid, 'rb') as mem:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6 and 'x' in parts[1] and parts[5] == exe:
                    lo, hi = (int(x, 16) for x in parts[0].split('-'))
                    mem.seek(lo)
                    segments[lo] = mem.read(hi - lo)
        return segments

    def exec_mappings(self):
        """Every executable mapping of the fixture: lurk must leave none of its own."""
        with open('/proc/%d/maps' % self.target.pid) as maps:
            return sorted(line.split(None, 5)[0] + ' ' + (line.split(None, 5)[5:] or [''])[0].strip()
                          for line in maps if line.split()[1][2] == 'x')

    def protections(self):
        """Every mapping of the fixture as (start, end, permissions, path), in address order."""
        out = []
        with open('/proc/%d/maps' % self.target.pid) as maps:
            for line in maps:
                parts = line.split(None, 5)
                lo, hi = (int(x, 16) for x in parts[0].split('-'))
                out.append((lo, hi, parts[1], parts[5].strip() if len(parts) > 5 else ''))
        return out

    def start_tracer(self):
        """'#@ tracer: lurk': another lurk holds the fixture while the test runs."""
        if self.directives.get('tracer') != 'lurk':
            return
        self.tracer = subprocess.Popen([self.lurk, '-q', '-n', '-p', str(self.target.pid)],
                                       stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while self.proc_status('TracerPid') in (None, '0'):
            if time.time() > deadline or self.tracer.poll() is not None:
                raise Failure('the first lurk never attached')
            time.sleep(0.01)
        self.subst['TRACER'] = self.tracer.pid

    def stop_tracer(self):
        if self.tracer:
            self.tracer.stdin.close()
            try:
                self.tracer.wait(10)
            except subprocess.TimeoutExpired:
                self.tracer.kill()
                raise Failure('the first lurk did not quit at end of input')

    # ---- running lurk ---------------------------------------------------
    def environment(self):
        home = os.path.join(self.tmp, 'home')
        os.makedirs(home, exist_ok=True)
        env = dict(os.environ)
        env.update({'HOME': home, 'LURK_CACHE_DIR': os.path.join(self.tmp, 'cache'),
                    'XDG_CACHE_HOME': os.path.join(self.tmp, 'xdg-cache'),
                    'NO_COLOR': '1', 'TERM': 'dumb'})
        env.pop('LURK_DEBUG', None)
        env.pop('LURK_PLUGIN_PATH', None)
        for item in self.directives.get('env', []):
            key, _, value = self.substitute(item).partition('=')
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        lurkrc = self.directives.get('lurkrc')
        if lurkrc:
            with open(os.path.join(home, '.lurkrc'), 'w') as f:
                f.write('\n'.join(self.substitute(l) for l in lurkrc) + '\n')
        return env

    def lurk_command(self):
        script = os.path.join(self.tmp, 'session.lurk')
        self.subst['SESSION'] = script
        with open(script, 'w') as f:
            f.write(self.substitute(self.text))
        os.chmod(script, 0o644)
        if self.directives.get('core'):
            default = '--core %CORE% --batch -x %SESSION%'
        elif not self.target:
            default = '--batch -x %SESSION%'
        else:
            default = '-p %PID% --batch -x %SESSION%'
        args = shlex.split(self.substitute(self.directives.get('lurk', default)))
        if self.directives.get('nx', 'yes') == 'yes':
            args = ['-n'] + args
        if self.watch_mode == 'soft':
            args = ['-ex', 'set can-use-hw-watchpoints 0'] + args
        # LURK_TEST_WRAPPER: run lurk under valgrind (or any wrapper that execs it).
        cmd = shlex.split(os.environ.get('LURK_TEST_WRAPPER', '')) + [self.lurk, '-q'] + args
        if any(SELF in a for a in cmd):
            # %SELF%: lurk's own pid, known only once it runs: a shell execs it as $$.
            line = ' '.join(shlex.quote(a) for a in cmd)
            return ['sh', '-c', 'exec ' + line.replace(SELF, '$$')]
        return cmd

    def lurk_cwd(self):
        """'#@ cwd-file: NAME: LINE': lurk runs in a fresh directory holding
        file NAME with these lines; without the directive, in the runner's."""
        files = self.directives.get('cwd-file')
        if not files:
            return None
        cwd = os.path.join(self.tmp, 'cwd')
        os.makedirs(cwd, exist_ok=True)
        contents = {}
        for item in files:
            name, _, line = self.substitute(item).partition(':')
            contents.setdefault(name.strip(), []).append(line.strip())
        for name, lines in contents.items():
            os.makedirs(os.path.dirname(os.path.join(cwd, name)), exist_ok=True)
            with open(os.path.join(cwd, name), 'w') as f:
                f.write('\n'.join(lines) + '\n')
        return cwd

    def preexec(self):
        user = self.directives.get('as-user')
        if user:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)

    def run_lurk(self):
        cmd = self.lurk_command()
        timeout = float(self.directives.get('timeout', 60))
        if 'pty' in self.directives:
            return self.run_in_pty(cmd, timeout)
        stdin_text = self.directives.get('stdin')
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin_text is not None
                                else subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.environment(),
                                preexec_fn=self.preexec, cwd=self.lurk_cwd())
        if stdin_text is not None:
            proc.stdin.write(self.substitute(stdin_text).encode().decode(
                'unicode_escape').encode())
            proc.stdin.close()
        out, err = self.collect(proc, timeout)
        return proc.returncode, out, err

    def collect(self, proc, timeout):
        """Reads lurk's output; sends '#@ signal: SIG after REGEX' to lurk or
        '#@ target-signal: SIG after REGEX' to the target when REGEX shows up."""
        triggers = []
        for key, victim in (('signal', 'lurk'), ('target-signal', 'target')):
            spec = self.directives.get(key)
            if spec:
                m = re.match(r'(\w+)\s+after\s+(.*)$', spec)
                if not m:
                    raise Failure('bad #@ %s: %s' % (key, spec))
                triggers.append([victim, STATUS_NAMES[m.group(1)],
                                 re.compile(self.substitute(m.group(2), True), re.M)])
        spec = self.directives.get('close-stdout')
        if spec:
            # '#@ close-stdout: after REGEX': the reader of lurk's stdout goes
            # away, as "lurk ... | head -3" does once it has its lines.
            m = re.match(r'after\s+(.*)$', spec)
            if not m:
                raise Failure('bad #@ close-stdout: %s' % spec)
            triggers.append(['stdout', None,
                             re.compile(self.substitute(m.group(1), True), re.M)])
        out, err = b'', b''
        streams = {proc.stdout.fileno(): 'out', proc.stderr.fileno(): 'err'}
        deadline = time.time() + timeout
        while streams:
            left = deadline - time.time()
            if left <= 0:
                proc.kill()
                proc.wait()
                raise Failure('lurk did not finish within %gs\nstdout:\n%s\nstderr:\n%s'
                              % (timeout, out.decode(errors='replace'),
                                 err.decode(errors='replace')))
            ready, _, _ = select.select(list(streams), [], [], min(left, 0.1))
            for fd in ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    del streams[fd]
                elif streams[fd] == 'out':
                    out += chunk
                else:
                    err += chunk
            text = (out + err).decode(errors='replace')
            for t in list(triggers):
                if t[2].search(text):
                    if t[0] == 'stdout':
                        if proc.stdout.fileno() in streams:
                            del streams[proc.stdout.fileno()]
                        proc.stdout.close()
                        triggers.remove(t)
                        continue
                    time.sleep(0.05)
                    if t[0] == 'lurk':
                        proc.send_signal(t[1])
                    else:
                        os.kill(self.target.pid, t[1])
                    triggers.remove(t)
        proc.wait()
        if triggers:
            raise Failure('output never matched %r, so no signal was sent' % triggers[0][2].pattern)
        return out.decode(errors='replace'), err.decode(errors='replace')

    def run_in_pty(self, cmd, timeout):
        """'#@ pty: yes': lurk gets a terminal; '#< TEXT' lines are typed (with
        \\t, \\x03 escapes), '#wait REGEX' waits for REGEX in the new output."""
        cmd = [c for c in cmd if c not in ('--batch',)]
        if '-x' in cmd:
            i = cmd.index('-x')
            del cmd[i:i + 2]
        env, cwd = self.environment(), self.lurk_cwd()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                if cwd:
                    os.chdir(cwd)
                os.execve(cmd[0], cmd, env)
            finally:
                os._exit(127)
        # The text so far, decoded as it comes: decoding it all again for each
        # chunk made a long output (100,000 lines) take minutes to read.
        transcript, seen = '', 0
        decoder = codecs.getincrementaldecoder('utf-8')(errors='replace')
        deadline = time.time() + timeout

        def pump(until=None, wait_s=0.0):
            nonlocal transcript, seen
            end = time.time() + wait_s
            while True:
                now = time.time()
                if now > deadline:
                    raise Failure('pty session timed out %s; transcript:\n%s'
                                  % ('waiting for %r' % until.pattern if until else 'in a pause',
                                     transcript))
                if until is not None:
                    m = until.search(transcript, seen)
                    if m:
                        seen = m.end()
                        return
                elif now >= end:
                    return
                r, _, _ = select.select([fd], [], [], 0.05)
                if r:
                    try:
                        chunk = os.read(fd, 65536)
                    except OSError:
                        chunk = b''
                    if not chunk:
                        if until is not None:
                            raise Failure('lurk exited while waiting for %r; transcript:\n%s'
                                          % (until.pattern, transcript))
                        return
                    transcript += decoder.decode(chunk)

        try:
            for kind, payload in self.dialogue:
                if kind == 'send':
                    data = self.substitute(payload).encode().decode('unicode_escape').encode()
                    os.write(fd, data)
                elif kind == 'wait':
                    pump(re.compile(self.substitute(payload, True), re.M))
                else:
                    pump(None, payload)
        except Failure as e:
            # Where lurk waits tells a lost keystroke from a hang.
            e.args = (e.args[0] + '\n--- lurk then: ' + self.threads_state(pid),)
            # lurk may still hold the fixture: end it so cleanup does not wait for ever.
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        # Whatever the dialogue left, lurk must finish by itself.
        while True:
            _, status = os.waitpid(pid, os.WNOHANG)
            if _ == pid:
                break
            if time.time() > deadline:
                os.kill(pid, signal.SIGKILL)
                raise Failure('lurk did not exit after the dialogue; transcript:\n' +
                              transcript)
            pump(None, 0.05)
        try:
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                transcript += decoder.decode(chunk)
        except OSError:
            pass
        transcript += decoder.decode(b'', final=True)
        code = os.waitstatus_to_exitcode(status)
        if code < 0:
            code = 128 - code
        return code, transcript.replace('\r\n', '\n'), ''

    # ---- checks ---------------------------------------------------------
    def check_output(self, code, out, err):
        want = int(self.directives.get('exit', 0))
        if code != want:
            raise Failure('lurk exited with %d, expected %d' % (code, want))
        cursors = {'out': 0, 'err': 0}
        lines = {'out': out.splitlines(), 'err': err.splitlines()}
        for kind, payload, number in self.expect:
            where = 'line %d' % number
            if kind in ('out', 'err'):
                rx = re.compile(self.substitute(payload, True))
                found = False
                for i in range(cursors[kind], len(lines[kind])):
                    if rx.search(lines[kind][i]):
                        cursors[kind] = i + 1
                        found = True
                        break
                if not found:
                    raise Failure('%s: no %s line matching %r after line %d of it'
                                  % (where, 'stdout' if kind == 'out' else 'stderr',
                                     rx.pattern, cursors[kind]))
            elif kind == 'not':
                rx = re.compile(self.substitute(payload, True))
                for line in lines['out'] + lines['err']:
                    if rx.search(line):
                        raise Failure('%s: output must not match %r, but has: %s'
                                      % (where, rx.pattern, line))
            elif kind in ('count', 'count2'):
                n, _, pattern = payload.partition(' ')
                rx = re.compile(self.substitute(pattern, True))
                stream = 'out' if kind == 'count' else 'err'
                got = sum(1 for line in lines[stream] if rx.search(line))
                if got != int(n):
                    raise Failure('%s: %d %s lines match %r, expected %s'
                                  % (where, got, 'stdout' if kind == 'count' else 'stderr',
                                     rx.pattern, n))
            elif kind == 'json':
                wanted = json.loads(self.substitute(payload))
                objects = []
                for line in lines['out']:
                    try:
                        objects.append(json.loads(line))
                    except ValueError:
                        if line.strip():
                            raise Failure('%s: stdout line is not JSON: %s' % (where, line))
                if not any(json_subset(wanted, o) for o in objects):
                    raise Failure('%s: no JSON object on stdout contains %s'
                                  % (where, json.dumps(wanted)))

    def check_after(self):
        after = self.directives.get('after')
        if not after or not self.target:
            return
        if after == 'target-gone':
            try:
                self.target.wait(5)
            except subprocess.TimeoutExpired:
                raise Failure('the target still runs after lurk left')
            return
        want_state = {'target-alive': 'running', 'target-stopped': 'stopped'}.get(after)
        if not want_state:
            raise Failure('bad #@ after: %s' % after)
        if self.target.poll() is not None:
            raise Failure('the target died (status %s) while or after lurk ran'
                          % self.target.returncode)
        if self.proc_status('TracerPid') != '0':
            raise Failure('the target is still traced by %s' % self.proc_status('TracerPid'))
        state = self.proc_status('State') or ''
        if want_state == 'stopped':
            # A thread detached with SIGSTOP runs for a moment to take it and go back into
            # the group stop: give it two seconds to get there.
            deadline = time.monotonic() + 2
            while not state.startswith('T') and time.monotonic() < deadline:
                time.sleep(0.05)
                state = self.proc_status('State') or ''
            if not state.startswith('T'):
                raise Failure('the target should still be stopped, its state is %s' % state)
            os.kill(self.target.pid, signal.SIGCONT)
        elif state[:1] in ('T', 't'):
            raise Failure('lurk left the target stopped (state %s)' % state)
        # '#@ after-code: patched': lurk was killed (SIGKILL) with trace --count's jumps in
        # the code; they stay, and go on counting, by design: the program's own checks
        # (after-output) say whether it runs right.
        # '#@ after-code: pages': lurk was killed at its prompt, where the guards of
        # breakpoint conditions are out of the code: the code is the program's own, but
        # lurk's agent pages stay mapped (nothing jumps to them).
        patched = self.directives.get('after-code') == 'patched'
        if patched:
            self.text_before = self.maps_before = None
        if self.directives.get('after-code') == 'pages':
            self.maps_before = None
        if self.text_before is not None and self.text_segments() != self.text_before:
            raise Failure("the target's code differs from before lurk ran")
        if self.maps_before is not None:
            now = self.exec_mappings()
            # Every executable mapping is still there, and lurk left none of
            # its own (anonymous code: a trampoline, a slot page). Libraries
            # the program loaded meanwhile are its own doing: code a test
            # ran in it (py exec) may import an extension module.
            gone = [m for m in self.maps_before if m not in now]
            anonymous = [m for m in now if m not in self.maps_before and ' ' not in m.strip()]
            if gone or anonymous:
                raise Failure('the executable mappings differ from before lurk ran: %s -> %s'
                              % (self.maps_before, now))
        if self.prot_before is not None:
            changed = protection_changes(self.prot_before, self.protections())
            if changed:
                raise Failure('memory protection differs from before lurk ran (software '
                              'watchpoints must give the pages back): ' + '; '.join(changed))
        # '#@ after-output: REGEX within SECONDS': the target prints a line matching
        # REGEX within SECONDS of lurk's leaving (what it does on its own afterwards).
        if self.directives.get('after-output'):
            pattern, _, seconds = self.directives['after-output'].rpartition(' within ')
            deadline = time.time() + float(seconds)
            while not re.search(pattern, self.target_output(), re.M):
                if self.target.poll() is not None or time.time() > deadline:
                    raise Failure('the target printed no line matching %r within %s s of '
                                  'lurk leaving; its output ends: %r'
                                  % (pattern, seconds, self.target_output()[-300:]))
                time.sleep(0.1)
        if 'heartbeat' in (self.directives.get('fixture') or ''):
            beat = self.read_heartbeat()
            deadline = time.time() + 10
            while self.read_heartbeat() <= beat:
                if self.target.poll() is not None:
                    raise Failure('the target died (status %s) after lurk left'
                                  % self.target.returncode)
                if time.time() > deadline:
                    raise Failure('the heartbeat stopped at %d after lurk left' % beat)
                time.sleep(0.02)

    def make_setid_copy(self):
        """'#@ setuid-copy: NAME OWNER': %TMP%/setuid/NAME, a copy of the built
        fixture owned by OWNER (root or nobody) with the set-user-ID bit; the
        scratch directory becomes readable so that another user can run it."""
        spec = self.directives.get('setuid-copy')
        if not spec:
            return
        name, owner = spec.split()
        d = os.path.join(self.tmp, 'setuid')
        os.makedirs(d)
        copy = os.path.join(d, name)
        shutil.copy2(os.path.join(self.fixtures, name), copy)
        uid = {'root': 0, 'nobody': 65534}[owner]
        os.chown(copy, uid, uid)
        os.chmod(copy, 0o4755)
        os.chmod(self.tmp, 0o755)
        os.chmod(d, 0o755)

    def run(self):
        problem = ptrace_problem()
        if problem:
            raise Skip(problem)
        self.check_needs()
        try:
            self.make_setid_copy()
            self.start_fixture()
            self.make_core()
            # Only a target lurk should leave alive has code to compare afterwards.
            alive = self.target and self.directives.get('after') != 'target-gone'
            self.text_before = self.text_segments() if alive else None
            self.maps_before = self.exec_mappings() if alive else None
            self.prot_before = self.protections() if alive else None
            self.start_tracer()
            code, out, err = self.run_lurk()
            self.last = (code, out, err)
            self.stop_tracer()
            self.check_output(code, out, err)
            self.check_after()
        finally:
            self.cleanup()

    def python_root(self):
        return os.path.join(roots_dir(), 'python' + self.python)

    def python_in_root(self, words, in_its_dir=False):
        """The argv of a .py fixture run by another Python version, chrooted into its root:
        lurk then finds the interpreter and its libraries through /proc/PID/root. With
        in_its_dir it runs in the directory its copy is in (chroot's is /)."""
        root = self.python_root()
        self.fixture_dir = tempfile.mkdtemp(prefix='lurk-fixture-', dir=os.path.join(root, 'tmp'))
        shutil.copy(os.path.join(self.src, 'tests', 'fixtures', 'py', words[0]), self.fixture_dir)
        inside = '/' + os.path.relpath(self.fixture_dir, root)
        cd = ['/usr/bin/env', '--chdir=' + inside] if in_its_dir else []
        return (['chroot', root] + cd + ['/usr/bin/python' + self.python,
                                         inside + '/' + words[0]] + words[1:])

    def needs(self):
        """The capabilities '#@ needs:' names, and those the run implies."""
        needs = self.directives.get('needs', '').split()
        if self.python != DEFAULT_PYTHON:
            # The test's Python is another version's, in its root.
            needs = ['python%s-root' % self.python if n == PYTHON_NEED else n for n in needs]
        if self.watch_mode == 'hw':
            needs.append('debug-registers')
        return needs

    def check_needs(self):
        """Skip, even under CI, when the machine lacks a capability the test
        needs; fail when the header leaves out one its directives imply."""
        needs = self.needs()
        implied = []
        fixture = self.directives.get('fixture', '').split()
        if fixture and fixture[0].endswith('.py'):
            implied.append((PYTHON_NEED, 'a .py fixture runs on ' + PYTHON))
        for key in ('as-user', 'setuid-copy'):
            if key in self.directives:
                implied.append(('root', "'#@ %s' changes users" % key))
        core = {'gdb': 'gdb', 'kernel': 'kernel-core'}.get(self.directives.get('core'))
        if core:
            implied.append((core, "'#@ core: %s'" % self.directives['core']))
        declared = self.directives.get('needs', '').split()
        for need, why in implied:
            if need not in declared:
                raise Failure("%s: add '#@ needs: %s'" % (why, need))
        for need in needs:
            why = self.capability_problem(need)
            if why:
                raise MachineSkip('needs %s: %s' % (need, why))

    def capability_problem(self, need):
        """Why this machine lacks capability need (see the docstring), or None."""
        if need == 'debug-registers':
            return self.hw_watchpoints_problem()
        if need == 'root':
            return None if os.geteuid() == 0 else 'the tests do not run as root'
        if re.fullmatch(r'python\d+\.\d+', need):
            path = os.path.join('/usr/bin', need)
            return None if os.path.exists(path) else 'there is no ' + path
        if need.endswith('-root'):
            name = need[:-len('-root')]
            path = os.path.join(roots_dir(), name, 'usr', 'bin', name)
            if os.path.exists(path):
                return None
            return 'there is no %s (scripts/python-root makes the Python roots)' % path
        if need == 'kernel-core':
            pattern = kernel_core_pattern()
            if pattern.startswith('|'):
                return ('kernel.core_pattern hands cores to a program (%s), not to a file'
                        % pattern)
            return None
        if need.startswith('/'):
            return None if os.path.exists(need) else 'there is no ' + need
        return None if shutil.which(need) else 'there is no %s on PATH' % need

    def hw_watchpoints_problem(self):
        """Why hardware watchpoints cannot be tested here (lurk's own probe), or None."""
        out = subprocess.run([self.lurk, '-q', '-n', '--batch', '-ex',
                              'show can-use-hw-watchpoints'],
                             capture_output=True, text=True, timeout=30).stdout
        if '1 (hardware watchpoints' in out:
            return None
        return 'hardware watchpoints do not work on this machine: ' + out.strip()

    def cleanup(self):
        if self.tracer and self.tracer.poll() is None:
            self.tracer.kill()
            self.tracer.wait()
        if self.target and self.target.poll() is None:
            try:
                os.killpg(self.target.pid, signal.SIGKILL)
            except OSError:
                pass
            self.target.wait()
        if self.target_out:
            self.target_out.close()
        # Each session's debug-info cache is about 10 MB: thousands of runs fill a disk.
        if not os.environ.get('LURK_KEEP_SESSION_DIR'):
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.fixture_dir:
            shutil.rmtree(self.fixture_dir, ignore_errors=True)


def gcore_holes(output):
    """The mappings gdb's gcore says it failed to copy, as text ('' when none). gdb stops
    copying a mapping at its first unreadable page and leaves the rest zeros: glibc 2.43
    (on Linux 6.13 and later) guards thread stacks with MADV_GUARD_INSTALL pages in their
    mapping, so with gdb 13 every thread stack but the main one reads as zeros. The
    vsyscall page is never readable and never matters."""
    holes = re.findall(r'Memory read failed for corefile section, (\d+) bytes at (0x[0-9a-f]+)',
                       output)
    return ', '.join('%s bytes at %s' % (n, addr) for n, addr in holes
                     if int(addr, 16) != 0xffffffffff600000)


def kernel_core_pattern():
    with open('/proc/sys/kernel/core_pattern') as f:
        return f.read().strip()


def roots_dir():
    """Where the root file systems of '#@ needs: NAME-root' are: $LURK_TEST_ROOTS, or
    scripts/python-root's default."""
    return os.environ.get(ROOTS) or DEFAULT_ROOTS


def dead_pid():
    """The pid of a process that has exited and been reaped."""
    p = subprocess.Popen(['true'])
    p.wait()
    return p.pid


def protection_changes(before, after):
    """The address ranges mapped both before and after whose permissions differ, as
    text. Mappings are compared where they overlap, page range by page range, so a
    mapping that mprotect split or merged, or one that came or went (a thread's
    stack, a heap), counts only for the addresses it shares; anonymous reserved
    memory made readable and writable is the program's allocator growing."""
    changes = []
    i = j = 0
    while i < len(before) and j < len(after):
        b, a = before[i], after[j]
        lo, hi = max(b[0], a[0]), min(b[1], a[1])
        # Reserved memory the program's allocator opened (a malloc arena
        # growing, as code a test ran in the program allocates) is the
        # program's doing: lurk only ever takes permissions away.
        opened = b[2] == '---p' and a[2] == 'rw-p' and not (a[3] or b[3])
        if lo < hi and b[2] != a[2] and not opened:
            where = a[3] or b[3] or 'anonymous'
            if changes and changes[-1][1] == lo and changes[-1][2:] == (b[2], a[2], where):
                changes[-1] = (changes[-1][0], hi) + changes[-1][2:]
            else:
                changes.append((lo, hi, b[2], a[2], where))
        if b[1] <= a[1]:
            i += 1
        else:
            j += 1
    return ['%x-%x %s -> %s (%s)' % c for c in changes]


def json_subset(wanted, got):
    """Every key of wanted is in got with a matching value; a wanted list
    matches when its items match items of got's list in the same order."""
    if isinstance(wanted, dict):
        return isinstance(got, dict) and all(
            k in got and json_subset(v, got[k]) for k, v in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(got, list):
            return False
        i = 0
        for item in wanted:
            while i < len(got) and not json_subset(item, got[i]):
                i += 1
            if i == len(got):
                return False
            i += 1
        return True
    if isinstance(wanted, str) and wanted.startswith('~#'):
        # A number, not a string of digits; the rest, if any, a regex on its JSON text.
        return (isinstance(got, (int, float)) and not isinstance(got, bool)
                and re.search(wanted[2:], json.dumps(got)) is not None)
    if isinstance(wanted, str) and isinstance(got, str) and wanted.startswith('~'):
        return re.search(wanted[1:], got) is not None
    return wanted == got


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--src', required=True)
    ap.add_argument('--watch-mode', choices=('hw', 'soft'),
                    help='hw: the test is about debug registers (needs them); soft: lurk '
                    'uses software watchpoints (set can-use-hw-watchpoints 0)')
    ap.add_argument('--python', default=DEFAULT_PYTHON, metavar='X.Y',
                    help='run .py fixtures on Python X.Y, chrooted into $%s/pythonX.Y '
                    'unless it is %s' % (ROOTS, DEFAULT_PYTHON))
    ap.add_argument('session')
    args = ap.parse_args()
    s = Session(args)
    try:
        s.run()
    except MachineSkip as e:
        print('SKIP: %s' % e)
        return SKIP
    except Skip as e:
        if os.environ.get('CI') == 'true':
            print('FAIL (would skip, but CI must not): %s' % e)
            return 1
        print('SKIP: %s' % e)
        return SKIP
    except Failure as e:
        print('FAIL %s: %s' % (os.path.basename(args.session), e))
        if hasattr(s, 'last'):
            code, out, err = s.last
            print('--- lurk exit status %d\n--- stdout:\n%s--- stderr:\n%s' % (code, out, err))
        return 1
    print('ok %s' % os.path.basename(args.session))
    if hasattr(s, 'last'):
        print('--- stdout:\n%s--- stderr:\n%s' % (s.last[1], s.last[2]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
