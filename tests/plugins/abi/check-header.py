#!/usr/bin/env python3
"""Check include/lurk/plugin.h keeps the ABI's rule against the released headers.

abi/1.N/lurk/plugin.h is the header as ABI 1.N was released. For each of
them, every structure it has must begin, member for member, as it did then
(members are only appended), and every member or structure added since 1.0
must say which ABI version added it: "ABI 1.N" in its own comment, in the
comment above a new structure, or in the last "--- ABI 1.N" section comment
before it. A header whose minor has no released copy of each earlier minor
fails too: bumping LURK_ABI_MINOR means freezing the header it replaces.

usage: check-header.py HEADER ABI_DIR
"""
import os
import re
import sys

MARK = re.compile(r'ABI 1\.(\d+)')


def blank_comments(text):
    """The text with comments replaced by spaces, so offsets stay the same."""
    return re.sub(r'/\*.*?\*/', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text, flags=re.S)


def structs(text):
    """{name: (comment before the struct, [(member, the text that marks it)])}."""
    code = blank_comments(text)
    found = {}
    prev_end = 0
    for m in re.finditer(r'^struct (\w+) \{\n', code, re.M):
        depth, i = 1, m.end()
        while depth:
            depth += {'{': 1, '}': -1}.get(code[i], 0)
            i += 1
        body_start, body_end = m.end(), i - 1
        members, start, depth = [], body_start, 0
        for j in range(body_start, body_end):
            depth += {'(': 1, ')': -1}.get(code[j], 0)
            if code[j] == ';' and depth == 0:
                line_end = text.find('\n', j)
                decl = ' '.join(code[start:j].split())
                members.append((decl, text[start:line_end], start))
                start = line_end + 1
        sections = [(s.start(), int(s.group(1)))
                    for s in re.finditer(r'--- ABI 1\.(\d+)', text[body_start:body_end])]
        marked = []
        for decl, own, pos in members:
            mark = MARK.search(own)
            version = int(mark.group(1)) if mark else None
            if version is None:
                before = [v for off, v in sections if body_start + off < pos]
                version = before[-1] if before else None
            marked.append((decl, version))
        found[m.group(1)] = (text[prev_end:m.start()], marked)
        prev_end = body_end
    return found


def minor(text):
    return int(re.search(r'#define LURK_ABI_MINOR (\d+)', text).group(1))


def main():
    header, abi_dir = sys.argv[1], sys.argv[2]
    current = open(header).read()
    now = structs(current)
    cur_minor = minor(current)
    released = {}
    errors = []
    for n in range(cur_minor):
        path = os.path.join(abi_dir, '1.%d' % n, 'lurk', 'plugin.h')
        if not os.path.exists(path):
            errors.append('no released header for ABI 1.%d (%s)' % (n, path))
            continue
        released[n] = structs(open(path).read())
    for n, old in sorted(released.items()):
        for name, (_, members) in old.items():
            if name not in now:
                errors.append('struct %s of ABI 1.%d is gone' % (name, n))
                continue
            have = [d for d, _ in now[name][1]]
            for k, (decl, _) in enumerate(members):
                if k >= len(have) or have[k] != decl:
                    errors.append('struct %s: member %d was "%s" in ABI 1.%d, is "%s"'
                                  % (name, k, decl, n, have[k] if k < len(have) else 'gone'))
                    break
    for name, (before, members) in now.items():
        born = min([n for n, old in released.items() if name in old], default=cur_minor)
        if born > 0:
            mark = MARK.findall(before)
            if not mark or int(mark[-1]) != born:
                errors.append('struct %s is new in ABI 1.%d: its comment must say "ABI 1.%d"'
                              % (name, born, born))
            continue
        for decl, version in members:
            added = min([n for n, old in released.items()
                         if name in old and decl in [d for d, _ in old[name][1]]],
                        default=cur_minor)
            if added > 0 and version != added:
                errors.append('struct %s: "%s" was added in ABI 1.%d; its comment must say so'
                              % (name, decl, added))
    for e in errors:
        print(e)
    if not errors:
        print('ok: %d structures, append-only and marked since ABI 1.0' % len(now))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
