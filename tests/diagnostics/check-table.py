#!/usr/bin/env python3
"""check-table.py - every row of lurk.1's DIAGNOSTICS table is tested.

Each row of the table (.TP, the message in .B "...", then its cause and
exit status) names the session tests that make lurk print it, in a roff
comment:  .\\" test: attach-errors.lurk
This script checks that every row states an exit status and names at
least one test; that each named test is in tests/sessions/meson.build;
and that its expectations (#>, #2>, #j lines) contain every literal part
of the documented message (the text between placeholders such as PID,
FILE or "..."), so the table and the tests cannot drift apart.

usage: check-table.py SOURCE_DIR            check, exit 1 on a problem
       check-table.py SOURCE_DIR --suggest  list, per row, tests that would do
"""
import os
import re
import sys

# What varies in a message: upper-case names, "quoted" and 'quoted' examples, numbers, "...".
PLACEHOLDERS = (r'\b(?:PID|TID|N|M|K|FILE|ADDR|PROG|LOC|COND|CMD|ARG|NAME|SIG|STATUS|PATH|LIB|'
                r'VERSION|FMT|EXPR|REG|VAR|PATTERN|TYPE|X)\b|\.\.\.|"[^"]*"|\'[^\']*\'|\b0x[0-9A-Za-z]+|\b\d+\b|'
                r'--?[a-z]\w*')


def unroff(text):
    for a, b in (('\\(dq', '"'), ('\\(aq', "'"), ('\\-', '-'), ('\\e', '\\'), ('\\&', '')):
        text = text.replace(a, b)
    return text


def rows(man_path):
    lines = open(man_path).read().split('\n')
    start = lines.index('.SH DIAGNOSTICS')
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith('.SH '))
    out, cur = [], None
    for n in range(start, end):
        line = lines[n]
        if line == '.TP':
            cur = {'line': n + 1, 'message': None, 'body': [], 'tests': []}
            out.append(cur)
        elif cur is not None and cur['message'] is None and line.startswith('.B '):
            m = re.match(r'\.B "(.*)"$', line)
            cur['message'] = unroff(m.group(1) if m else line[3:])
        elif cur is not None:
            m = re.match(r'\.\\" test: (.*)$', line)
            if m:
                cur['tests'] += [t.strip() for t in m.group(1).split(',') if t.strip()]
            else:
                cur['body'].append(unroff(line))
    return out


def fragments(message):
    """The literal parts of a documented message worth checking (5+ characters)."""
    parts = re.split(PLACEHOLDERS, message)
    return [p.strip(' ;:,()') for p in parts if len(p.strip(' ;:,()')) >= 5]


def expectations(path):
    """A test's expectation lines, regex escapes undone, joined."""
    text = []
    for line in open(path):
        if line.startswith(('#> ', '#2> ', '#j ', '#count ')):
            text.append(re.sub(r'\\(.)', r'\1', line.split(' ', 1)[1]))
    return '\n'.join(text)


def covers(path, message):
    exp = expectations(path)
    return all(f in exp for f in fragments(message))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    src = sys.argv[1]
    sessions = os.path.join(src, 'tests', 'sessions')
    listed = open(os.path.join(sessions, 'meson.build')).read()
    table = rows(os.path.join(src, 'man', 'lurk.1'))
    if '--suggest' in sys.argv:
        names = sorted(f for f in os.listdir(sessions) if f.endswith('.lurk'))
        for r in table:
            good = [n for n in names if covers(os.path.join(sessions, n), r['message'])]
            print('%s\n    %s' % (r['message'], ', '.join(good[:4]) or 'NONE'))
        return 0
    problems = []
    for r in table:
        where = 'man/lurk.1:%d %r' % (r['line'], r['message'])
        if not re.search(r'exit status', ' '.join(r['body'])):
            problems.append('%s: no exit status stated' % where)
        if not r['tests']:
            problems.append('%s: no .\\" test: line names a session test' % where)
        for t in r['tests']:
            path = os.path.join(sessions, t)
            if not os.path.exists(path):
                problems.append('%s: %s does not exist' % (where, t))
            elif "'%s'" % t not in listed:
                problems.append('%s: %s is not in tests/sessions/meson.build' % (where, t))
            elif not covers(path, r['message']):
                missing = [f for f in fragments(r['message']) if f not in expectations(path)]
                problems.append('%s: %s does not expect %r' % (where, t, missing))
    for p in problems:
        print(p)
    print('%d rows, %d problems' % (len(table), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
