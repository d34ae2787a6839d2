#!/usr/bin/env python3
"""Breakpoint conditions judged in the program stop where lurk's own judging does.

For each condition, condhot (and condhot-o2, its arguments in registers)
runs twice under lurk: with "set breakpoint condition-evaluation host"
(lurk judges every hit) and with the default (the agent's guard judges
calls in the program). The ids of the first stops must be the same, the
conditions the agent can express must say they are judged in the program
(and those it cannot, why not), and the program's result must be its own.
Last, one condition changed 400 times in one process: the guards' bytes are
reused, so the last one is still judged in the program.
"""
import argparse
import os
import re
import subprocess
import sys

# (condition, judged in the program?)
CONDITIONS = [
    ("id == 37", True),
    ("id > 90", True),
    ("flags == 259", True),
    ("flags > 4000000000", True),
    ("r->size == 1500 && id > 20", True),
    ("r->next && r->next->id == 6", True),
    ("r->next->id == 6", True),  # the bad pointer 8: EFAULT, then lurk judges and stops
    ("r->prio < -6", True),
    ("r->kind == 203", True),
    ("r->delta < -14000", True),
    ("mode == 3 && id == 5", True),
    ("level == HIGH && id == 9", True),
    ("!(id - 11)", True),
    ("(id & 0xf) == 3 && id > 40", True),
    ("id * 3 == 123", True),
    ("-id == -50", True),
    ("~id == -61", True),
    ("id << 2 == 88", True),
    ("r->prio == -8u", True),
    ("(flags ^ 7) == 0", True),
    ("id >= 98 || id == 1", True),
    ("$rdi == 0", True),
    ("r == 0", True),
    ("r->next == 0 && id == 6", True),
    ("r->kind > 210", True),
    ("id == 'A'", True),
    ("flags - 10 > 100000u && id < 10", True),
    ("r->prio", True),
    ("total > 5000 && id < 40", True),
    ("*(int *)r == 3", True),
    ("(unsigned char)flags == 7", True),
    ("(short)(flags * 100) < 0", True),
    ("(long)r->next > 8 && r->next->id == 6", True),
    ("((struct req *)r)->size == 300", True),
    ("id / 7 == 3", True),
    ("id % 16 == 15 && id > 40", True),
    ("r->delta / 1000 == -9", True),
    ("r->id == 12 && flags % 2", True),
    ("tags[2] == 11 && id == 3", True),
    ("tags[id & 3] == 9 && id > 80", True),
    ("tags[id] == 0 && id > 90", True),
    ("names[1][1] == 'd' && id == 8", True),
    ("r[0].kind == 205", True),
    ("&tags[1] == &tags[0] + 1", False),
    ("&mode != 0 && id == 44", True),
    ("r->size / 0", False),
    ("id / r->id == 1", False),
    ("r->size * 1.5 > 20", False),
]
CONTINUES = 6


def run(lurk, fixture, cond, mode):
    # exit() stops the program once more, alive, for info breakpoints.
    script = ("set breakpoint condition-evaluation %s\nstart\nbreak handle if %s\ntbreak exit\n"
              % (mode, cond) + "continue\nprint id\ninfo breakpoints\n" * CONTINUES
              + "delete\ncontinue\ncontinue\n")
    with open('/tmp/lurk-cond-diff-%d.lurk' % (hash((fixture, cond, mode)) & 0xffffff), 'w') as f:
        f.write(script)
        path = f.name
    p = subprocess.run([lurk, '--batch', '-x', path, '--', fixture, '100'], input='go\n',
                       capture_output=True, text=True, timeout=120)
    ids = re.findall(r'^\$\d+ = (-?\d+)$', p.stdout, re.M)
    if 'hit Temporary breakpoint 2' not in p.stdout and len(ids) < CONTINUES:
        ids.append('(no stop at exit)')
    judged = re.findall(r'^\tcondition judged (.*)$', p.stdout, re.M)
    # Each true verdict traps into lurk, which judges again: with the same verdict, a stop.
    for calls, trues, hits in re.findall(r'^\tcondition judged in the program, at (\d+) calls?, '
                                         r'true at (\d+)\n(?:\tbreakpoint already hit (\d+))?',
                                         p.stdout, re.M):
        if int(trues) != int(hits or 0):
            judged.append('true at %s calls, but %s stops' % (trues, hits or 0))
    sums = re.findall(r'^sum (-?\d+)$', p.stdout, re.M)
    return ids, judged, sums, p.stdout + p.stderr


def churn(lurk, fixture, changes):
    """A condition changed many times in one process: each change makes a new guard in the
    bytes the last one gave back, so the pages never fill and the last one is judged in the
    program too."""
    script = ('start\nbreak handle if id == 1000\n' + 'condition 1 id == 1000\n' * changes
              + 'condition 1 id == 42\ncontinue\nprint id\ninfo breakpoints\n'
              'delete\ncontinue\n')
    path = '/tmp/lurk-cond-churn-%d.lurk' % os.getpid()
    with open(path, 'w') as f:
        f.write(script)
    p = subprocess.run([lurk, '--batch', '-x', path, '--', fixture, '100'], input='go\n',
                       capture_output=True, text=True, timeout=300)
    os.unlink(path)
    problems = []
    if not re.search(r'^\$1 = 42$', p.stdout, re.M):
        problems.append('no stop at id 42')
    if not re.search(r'^\tcondition judged in the program, at 43 calls, true at 1$', p.stdout,
                     re.M):
        problems.append('the last condition is not judged in the program at 43 calls (ids 0 to 42)')
    if 'judged by lurk' in p.stdout + p.stderr:
        problems.append('a condition went to lurk')
    if problems:
        print('FAIL churn of %d conditions: %s' % (changes, '; '.join(problems)))
        print(p.stdout[-3000:] + p.stderr[-2000:])
        return 1
    print('ok churn of %d conditions' % changes)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lurk', required=True)
    ap.add_argument('fixtures', nargs='+')
    a = ap.parse_args()
    bad = 0
    for fixture in a.fixtures:
        own = subprocess.run([fixture, '100'], input='go\n', capture_output=True,
                             text=True).stdout
        want_sum = re.findall(r'^sum (-?\d+)$', own, re.M)
        for cond, in_program in CONDITIONS:
            host = run(a.lurk, fixture, cond, 'host')
            agent = run(a.lurk, fixture, cond, 'auto')
            problems = []
            if host[0] != agent[0]:
                problems.append('stops at ids %s, lurk judging: %s' % (agent[0], host[0]))
            if in_program and not (agent[1] and agent[1][0].startswith('in the program')):
                problems.append('not judged in the program: %s' % agent[1])
            problems += [j for j in agent[1] if j.startswith('true at')]
            if not in_program and not (agent[1] and agent[1][0].startswith('by lurk')):
                problems.append('not said to be judged by lurk: %s' % agent[1])
            if host[1]:
                problems.append('host mode says where it judges: %s' % host[1])
            if agent[2] != want_sum or host[2] != want_sum:
                problems.append('sum %s / %s, the program alone: %s' % (agent[2], host[2],
                                                                       want_sum))
            if 'SIGTRAP' in agent[3]:
                problems.append('a SIGTRAP')
            name = fixture.rsplit('/', 1)[-1]
            if problems:
                bad += 1
                print('FAIL %s: %s: %s' % (name, cond, '; '.join(problems)))
                print(agent[3])
            else:
                print('ok %s: %s: stops at %s' % (name, cond, ' '.join(agent[0]) or 'none'))
    bad += churn(a.lurk, a.fixtures[0], 400)
    print('%d failed' % bad)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
