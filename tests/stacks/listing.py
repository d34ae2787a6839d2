"""What the tests in tests/stacks share: lurk's environment, 'bt all' on a
process, and the listing made comparable between two runs."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from lurkenv import environment  # noqa: E402,F401 (tests/, after the path; for the tests here)


class Failure(Exception):
    pass


def comparable(text, name):
    """The listing without the thread called name (its table row and its
    backtrace), and the table's rows without their State column: a sleeping
    thread is in clock_nanosleep() or, once interrupted, restart_syscall()."""
    out, skipping = [], False
    for line in text.splitlines():
        if line.startswith('Thread '):
            skipping = name is not None and '"%s"' % name in line
        row = re.match(r'^(\*?\s+\d+\s+\d+\s+)(\S+)\s.*?\s(0x[0-9a-f]+ in .*)$', line)
        if row:
            if row.group(2) == name:
                continue
            line = '%s%s %s' % row.groups()
        if not skipping:
            out.append(line)
    return '\n'.join(out)


def bt_all(lurk, pid, env):
    """lurk's 'bt all' of pid and its LURK_DEBUG=sym log. PermissionError
    when ptrace is not permitted here."""
    p = subprocess.run([lurk, '-p', str(pid), '--batch', '-q', '-n', '-ex', 'bt all'],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=dict(env, LURK_DEBUG='sym'), timeout=120)
    out, err = p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')
    if p.returncode != 0:
        if 'ptrace' in err and 'not permitted' in err:
            raise PermissionError(err)
        raise Failure('bt all failed (%d): %s' % (p.returncode, err[-2000:]))
    return out, err


def run(prefix, body):
    """A test's main: --build and --src from the command line, a scratch
    directory, and the exit status: 0 pass, 1 fail, 77 skipped (ptrace
    not permitted; under CI=true that is a failure, as in run-session.py).
    body(lurk, hang8, tmp) raises Failure."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--src', required=True)
    args = ap.parse_args()
    lurk = os.path.join(args.build, 'src', 'lurk')
    hang8 = os.path.join(args.build, 'tests', 'fixtures', 'hang8')
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        body(lurk, hang8, tmp)
    except PermissionError as e:
        print('SKIP: ptrace not permitted: %s' % e)
        return 1 if os.environ.get('CI') == 'true' else 77
    except Failure as e:
        print('FAIL %s' % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
