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
import glob
import os
import re
import struct
import subprocess
import sys

from listing import Failure, bt_all, comparable, environment, run


def bt_listing(lurk, pid, env):
    """bt all without the spinning thread, and lurk's log."""
    out, log = bt_all(lurk, pid, env)
    return comparable(out, 'spinner'), log


def body(lurk, hang8, tmp):
    cache = os.path.join(tmp, 'cache')
    env = environment(tmp, cache)
    proc = subprocess.Popen([hang8], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        if not proc.stdout.readline().startswith(b'ready'):
            raise Failure('hang8 did not get ready')
        first, log = bt_listing(lurk, proc.pid, env)
        files = glob.glob(os.path.join(cache, 'debug', '*.symidx'))
        if 'hang8: 57 symbols indexed' not in log or not files:
            raise Failure('the first run wrote no symbol index:\n%s' % log[-3000:])
        second, log = bt_listing(lurk, proc.pid, env)
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
            again, log = bt_listing(lurk, proc.pid, env)
            if 'hang8: 57 symbols indexed' not in log or 'symbols from the cache' in log:
                raise Failure('an index %s was used:\n%s' % (damage, log[-3000:]))
            if again != first:
                raise Failure('the listing differs after an index %s:\n%s\n---\n%s'
                              % (damage, first, again))
            print('ok: an index %s is not used, the same listing' % damage)
    finally:
        proc.kill()
        proc.wait()


if __name__ == '__main__':
    sys.exit(run('lurk-symbol-cache-', body))
