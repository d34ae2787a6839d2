#!/usr/bin/env python3
"""The symbol index kept in the cache directory (src/symindex.c): written by
the first run, read back by the next, and never trusted when it is not whole
or not the module's.

On the 8-thread fixture (tests/fixtures/hang8), with a cache directory of
its own, lurk prints 'bt all' (LURK_DEBUG=sym logging what it does):

  1. the first run indexes the symbols and writes BUILDID.symidx files;
  2. the second reads them back ("symbols from the cache") and prints the
     same listing;
  3. each file cut short, filled with garbage, or with its first key
     changed (as another module's index would be) is not used: the symbols
     are indexed again, the listing is the same.

The spinning thread of hang8 is left out of the comparison.

usage: symbol-cache.py --build DIR --src DIR
Exit status: 0 pass, 1 fail, 77 skipped (ptrace not permitted; under
CI=true that is a failure, as in run-session.py).
"""
import argparse
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

SKIP = 77


class Failure(Exception):
    pass


def comparable(text):
    """The listing without the spinner thread and the table's State column."""
    out, skipping = [], False
    for line in text.splitlines():
        if line.startswith('Thread '):
            skipping = '"spinner"' in line
        row = re.match(r'^(\*?\s+\d+\s+\d+\s+)(\S+)\s.*?\s(0x[0-9a-f]+ in .*)$', line)
        if row:
            if row.group(2) == 'spinner':
                continue
            line = '%s%s %s' % row.groups()
        if not skipping:
            out.append(line)
    return '\n'.join(out)


def bt_all(lurk, pid, env):
    p = subprocess.run([lurk, '-p', str(pid), '--batch', '-q', '-n', '-ex', 'bt all'],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=dict(env, LURK_DEBUG='sym'), timeout=120)
    out, err = p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')
    if p.returncode != 0:
        if 'ptrace' in err and 'not permitted' in err:
            raise PermissionError(err)
        raise Failure('bt all failed (%d): %s' % (p.returncode, err[-2000:]))
    return comparable(out), err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--src', required=True)
    args = ap.parse_args()
    lurk = os.path.join(args.build, 'src', 'lurk')
    hang8 = os.path.join(args.build, 'tests', 'fixtures', 'hang8')
    tmp = tempfile.mkdtemp(prefix='lurk-symbol-cache-')
    cache = os.path.join(tmp, 'cache')
    env = dict(os.environ, HOME=tmp, LURK_CACHE_DIR=cache, NO_COLOR='1', TERM='dumb',
               LC_ALL='C')
    for key in ('LURK_DEBUG', 'LURK_PLUGIN_PATH', 'DEBUGINFOD_URLS', 'LURK_UNIT_VIEW'):
        env.pop(key, None)
    proc = subprocess.Popen([hang8], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        if not proc.stdout.readline().startswith(b'ready'):
            raise Failure('hang8 did not get ready')
        first, log = bt_all(lurk, proc.pid, env)
        files = glob.glob(os.path.join(cache, 'debug', '*.symidx'))
        if 'hang8: 57 symbols indexed' not in log or not files:
            raise Failure('the first run wrote no symbol index:\n%s' % log[-3000:])
        second, log = bt_all(lurk, proc.pid, env)
        if 'hang8: 57 symbols from the cache' not in log:
            raise Failure('the second run did not read the index back:\n%s' % log[-3000:])
        if second != first:
            raise Failure('the listing differs with the cached index:\n%s\n---\n%s'
                          % (first, second))
        print('ok: %d index files written, read back, the same %d frames'
              % (len(files), len(re.findall(r'^#\d+', first, re.M))))
        for damage in ('cut short', 'garbage', 'first key changed'):
            for path in files:
                with open(path, 'r+b') as f:
                    data = f.read()
                    if damage == 'cut short':
                        data = data[:len(data) - 4]
                    elif damage == 'garbage':
                        data = bytes((i * 7 + 1) & 0xff for i in range(len(data)))
                    else:
                        # The header is 32 bytes; the first key follows.
                        key, = struct.unpack_from('<Q', data, 32)
                        data = data[:32] + struct.pack('<Q', key ^ (1 << 40)) + data[40:]
                    f.seek(0)
                    f.truncate()
                    f.write(data)
            again, log = bt_all(lurk, proc.pid, env)
            if 'hang8: 57 symbols indexed' not in log or 'symbols from the cache' in log:
                raise Failure('an index %s was used:\n%s' % (damage, log[-3000:]))
            if again != first:
                raise Failure('the listing differs after an index %s:\n%s\n---\n%s'
                              % (damage, first, again))
            print('ok: an index %s is not used, the same listing' % damage)
    except PermissionError as e:
        print('SKIP: ptrace not permitted: %s' % e)
        return 1 if os.environ.get('CI') == 'true' else SKIP
    except Failure as e:
        print('FAIL %s' % e)
        return 1
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
