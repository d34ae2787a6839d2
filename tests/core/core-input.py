#!/usr/bin/env python3
"""Bad and awkward core files: lurk --core says what is wrong, never crashes or hangs.

Each case makes its core (gdb's gcore or lurk's generate-core-file of a
fixture, then altered) and checks
what lurk prints and its exit status: a file that is not a core, an
executable, a core of another architecture, a truncated core, a core whose
program is missing (found again with PROG) or replaced by another build
(build-id), a core from "another machine" (--sysroot, set sysroot), a core
with no memory (coredump_filter 0), and a large core that lurk reads without
loading it (its peak RSS stays small).

usage: core-input.py --build DIR
"""
import argparse
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
EXIT_TARGET = 3


class Failure(Exception):
    pass


def run(cmd, **kw):
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=kw.pop('timeout', 120), **kw)


class Cases:
    def __init__(self, build, tmp):
        self.lurk = os.path.join(build, 'src', 'lurk')
        self.fixtures = os.path.join(build, 'tests', 'fixtures')
        self.tmp = tmp
        self.procs = []

    def start(self, argv, ready='ready'):
        out = open(os.path.join(self.tmp, 'target-%d.out' % len(self.procs)), 'w+')
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        self.procs.append(proc)
        deadline = time.time() + 30
        while time.time() < deadline:
            out.seek(0)
            if ready in out.read():
                return proc
            if proc.poll() is not None:
                raise Failure('%s exited before it was ready' % argv[0])
            time.sleep(0.02)
        raise Failure('%s never got ready' % argv[0])

    def gcore(self, pid, path):
        done = run(['gdb', '-q', '-nx', '--batch', '-p', str(pid), '-ex', 'gcore ' + path])
        if not os.path.exists(path):
            raise Failure('gdb wrote no core: ' + done.stdout + done.stderr)
        return path

    def lurk_gcore(self, pid, path):
        """A core written as the kernel writes one (notes first), by lurk itself."""
        done = run([self.lurk, '-q', '-n', '--batch', '-p', str(pid), '-ex',
                    'generate-core-file ' + path])
        if not os.path.exists(path):
            raise Failure('lurk wrote no core: ' + done.stdout + done.stderr)
        return path

    def lurk_core(self, *args, cmds=('bt',), expect_exit=0):
        # Options first: after PROG, words are PROG's (or, one of them, its core).
        cmd = [self.lurk, '-q', '-n', '--batch']
        for c in cmds:
            cmd += ['-ex', c]
        cmd += list(args)
        done = run(cmd, timeout=60)
        if expect_exit is not None and done.returncode != expect_exit:
            raise Failure('%s: exit %d, expected %d\n%s%s' % (' '.join(cmd), done.returncode,
                          expect_exit, done.stdout, done.stderr))
        return done.stdout, done.stderr

    @staticmethod
    def want(text, needle, what):
        if needle not in text:
            raise Failure('%s: %r not in:\n%s' % (what, needle, text))

    def hang8_core(self, name, exe=None):
        proc = self.start([exe or os.path.join(self.fixtures, 'hang8')])
        core = self.gcore(proc.pid, os.path.join(self.tmp, name))
        with open('/proc/%d/maps' % proc.pid) as f:
            self.mapped = sorted({line.split()[5] for line in f
                                  if len(line.split()) > 5 and line.split()[5].startswith('/')})
        proc.kill()
        proc.wait()
        return core

    # ---- the cases -----------------------------------------------------
    def not_a_core(self):
        text = os.path.join(self.tmp, 'notes.txt')
        with open(text, 'w') as f:
            f.write('not an ELF file at all\n')
        _, err = self.lurk_core('--core', text, expect_exit=EXIT_TARGET)
        self.want(err, 'not a core file', 'a text file')
        _, err = self.lurk_core('--core', os.path.join(self.fixtures, 'hang8'),
                                expect_exit=EXIT_TARGET)
        self.want(err, 'position-independent executable', 'an executable')
        self.want(err, 'not a core file', 'an executable')
        empty = os.path.join(self.tmp, 'empty')
        open(empty, 'w').close()
        _, err = self.lurk_core('--core', empty, expect_exit=EXIT_TARGET)
        self.want(err, 'not a core file', 'an empty file')
        _, err = self.lurk_core('--core', os.path.join(self.tmp, 'nosuch'),
                                expect_exit=EXIT_TARGET)
        self.want(err, 'No such file or directory', 'a missing file')
        _, err = self.lurk_core('--core', self.tmp, expect_exit=EXIT_TARGET)
        self.want(err, 'not a regular file', 'a directory')

    def other_architecture(self, core):
        other = os.path.join(self.tmp, 'core.aarch64')
        shutil.copy(core, other)
        with open(other, 'r+b') as f:
            f.seek(18)  # e_machine
            f.write(struct.pack('<H', 183))  # EM_AARCH64
        _, err = self.lurk_core('--core', other, expect_exit=EXIT_TARGET)
        self.want(err, 'a core of AArch64; lurk reads x86_64 cores', 'another architecture')

    def truncated(self, core):
        cut = os.path.join(self.tmp, 'core.cut')
        shutil.copy(core, cut)
        size = os.path.getsize(cut)
        with open(cut, 'r+b') as f:
            f.truncate(size // 2)
        # Where the notes come first (the kernel, lurk), the threads are still there
        # and the memory cut off is reported; where they come last (gdb), the core
        # cannot be read at all, and lurk says why.
        out, err = self.lurk_core('--core', cut, cmds=('bt all', 'print fixture_magic'),
                                  expect_exit=None)
        self.want(err, 'the core file is truncated', 'a truncated core')
        # Notes first (the kernel's layout, and lurk's): the threads are all there,
        # and what is cut off is said once and not read.
        proc = self.start([os.path.join(self.fixtures, 'hang8')])
        whole = self.lurk_gcore(proc.pid, os.path.join(self.tmp, 'core.lurk'))
        proc.kill()
        proc.wait()
        with open(whole, 'r+b') as f:
            f.truncate(os.path.getsize(whole) // 2)
        out, err = self.lurk_core('--core', whole, cmds=('info threads',), expect_exit=0)
        self.want(err, 'the core file is truncated: ', 'a truncated core, notes first')
        self.want(err, 'bytes of memory are missing', 'a truncated core, notes first')
        if out.count('futex()') + out.count('read()') + out.count('nanosleep()') < 6:
            raise Failure('threads missing from a truncated core:\n' + out)
        # Headers cut off: not even the program headers are there.
        with open(cut, 'r+b') as f:
            f.truncate(100)
        _, err = self.lurk_core('--core', cut, expect_exit=EXIT_TARGET)
        self.want(err, 'core.cut', 'a core cut inside its headers')

    def missing_program(self):
        where = os.path.join(self.tmp, 'gone')
        os.makedirs(where)
        exe = os.path.join(where, 'hang8')
        shutil.copy(os.path.join(self.fixtures, 'hang8'), exe)
        core = self.hang8_core('core.gone', exe)
        kept = os.path.join(self.tmp, 'hang8.kept')
        os.rename(exe, kept)
        out, err = self.lurk_core('--core', core, cmds=('bt all',))
        self.want(err, exe + ' is missing', 'a missing program')
        self.want(err, 'core-file FILE PROG', 'a missing program')
        if 'lock_held_mutex' in out:
            raise Failure('symbols of a missing program were shown:\n' + out)
        # Named on the command line (gdb's "lurk PROG CORE"): all is back.
        out, err = self.lurk_core(kept, core, cmds=('bt all', 'thread 2', 'frame 4', 'x/i $pc'))
        self.want(out, 'in lock_held_mutex', 'the program named again')
        # Its code too, which gdb's gcore leaves out: read from PROG.
        self.want(out, '<lock_held_mutex+', 'the code of the program named again')
        out, err = self.lurk_core('--core', core, kept, cmds=('bt all',))
        self.want(out, 'in lock_held_mutex', 'the program named after --core')
        # Another machine: its files under a directory of their own.
        root = os.path.join(self.tmp, 'sysroot')
        for path in self.mapped:
            os.makedirs(os.path.dirname(root + path), exist_ok=True)
            if path != exe:
                os.symlink(path, root + path)
        shutil.copy(kept, root + exe)
        out, err = self.lurk_core('--core', core, '--sysroot', root,
                                  cmds=('bt all', 'info sharedlibrary'))
        self.want(out, 'in lock_held_mutex', '--sysroot')
        # The libraries as read: from the sysroot.
        self.want(out, root + '/', 'info sharedlibrary under --sysroot')
        out, err = self.lurk_core(cmds=('set sysroot ' + root, 'core-file ' + core, 'bt all'))
        self.want(out, 'in lock_held_mutex', 'set sysroot')
        return core, exe, kept

    def other_build(self, core, exe):
        # Another program at the program's path: another build-id, not read.
        shutil.copy(os.path.join(self.fixtures, 'deadlock'), exe)
        out, err = self.lurk_core('--core', core, cmds=('bt all',))
        self.want(err, exe + ' does not match the core (another build-id)', 'another build')
        if 'in lock_held_mutex' in out:
            raise Failure('symbols of another build were shown:\n' + out)

    def no_memory(self):
        proc = self.start([os.path.join(self.fixtures, 'hang8')])
        with open('/proc/%d/coredump_filter' % proc.pid, 'w') as f:
            f.write('0')
        core = self.lurk_gcore(proc.pid, os.path.join(self.tmp, 'core.empty'))
        proc.kill()
        proc.wait()
        out, err = self.lurk_core('--core', core, cmds=('bt all', 'print fixture_magic',
                                                        'x/4xg $sp', 'x/2i $pc'),
                                  expect_exit=1)
        self.want(out, 'Core of process', 'an empty core')
        self.want(err, "the core file holds none of the process's data", 'an empty core')
        # The registers and the files' code are all there is: a written global's
        # bytes are not taken from the file, which holds its first value.
        self.want(out, '#0 ', 'an empty core')
        self.want(err, 'print: cannot access memory at 0x', 'an empty core')
        self.want(err, 'x: cannot access memory at 0x', 'an empty core')
        self.want(out, '=> 0x', 'an empty core')

    def large(self):
        size = 512 << 20
        code = ('import os, time\n'
                'b = bytearray(os.urandom(1 << 20)) * %d\n'
                'print("ready", flush=True)\n'
                'time.sleep(600)\n' % (size >> 20))
        proc = self.start([sys.executable, '-c', code])
        core = self.gcore(proc.pid, os.path.join(self.tmp, 'core.large'))
        proc.kill()
        proc.wait()
        if os.path.getsize(core) < size:
            raise Failure('the large core has only %d bytes' % os.path.getsize(core))
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.lurk_core('--core', core, cmds=('bt all', 'info proc mappings'))
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if peak_kb > 128 * 1024 and peak_kb > before:
            raise Failure('lurk grew to %d MiB reading a %d MiB core'
                          % (peak_kb >> 10, os.path.getsize(core) >> 20))
        os.unlink(core)

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    args = ap.parse_args()
    if not shutil.which('gdb'):
        print('SKIP: gdb (which writes the cores) is not installed')
        return SKIP
    tmp = tempfile.mkdtemp(prefix='lurk-core-input-')
    cases = Cases(os.path.abspath(args.build), tmp)
    failed = 0
    try:
        steps = [('not a core', cases.not_a_core)]
        base = cases.hang8_core('core.base')
        steps += [('another architecture', lambda: cases.other_architecture(base)),
                  ('truncated', lambda: cases.truncated(base))]
        state = {}
        steps += [('missing program, PROG, sysroot',
                   lambda: state.update(zip(('core', 'exe', 'kept'), cases.missing_program()))),
                  ('another build', lambda: cases.other_build(state['core'], state['exe'])),
                  ('no memory', cases.no_memory),
                  ('large', cases.large)]
        for name, step in steps:
            try:
                step()
                print('ok', name)
            except (Failure, subprocess.TimeoutExpired) as e:
                failed += 1
                print('FAIL %s: %s' % (name, e))
    finally:
        cases.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
