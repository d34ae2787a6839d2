#!/usr/bin/env python3
"""Write the seeds of fuzz-core: small x86_64 core files built from scratch.

A real core is megabytes; these hold what lurk reads from one in a few
hundred bytes: two threads (NT_PRSTATUS, NT_PRFPREG), NT_PRPSINFO,
NT_SIGINFO, NT_AUXV (AT_PHDR in the program's mapping), NT_FILE (the
program, mapped twice) and segments with and without bytes in the file.

usage: make-core-seed.py DIR
"""
import os
import struct
import sys

PAGE = 4096
NT_PRSTATUS, NT_PRFPREG, NT_PRPSINFO, NT_AUXV, NT_SIGINFO, NT_FILE = 1, 2, 3, 6, 0x53494749, 0x46494c45


def note(name, ntype, desc):
    name = name.encode() + b'\0'
    pad = lambda b: b + b'\0' * (-len(b) % 4)
    return struct.pack('<III', len(name), len(desc), ntype) + pad(name) + pad(desc)


def prstatus(tid, sig, rip, rsp):
    regs = [0] * 27
    regs[16], regs[19] = rip, rsp  # rip, rsp in user_regs_struct
    head = struct.pack('<iii', sig, 0, 0) + struct.pack('<h', sig) + b'\0' * 2
    head += struct.pack('<QQ', 0, 0) + struct.pack('<iiii', tid, 1, tid, tid) + b'\0' * 64
    return head + struct.pack('<27Q', *regs) + struct.pack('<i', 1) + b'\0' * 4


def prpsinfo(pid, fname, args):
    return (struct.pack('<bbbbxxxxQIIiiii', 0, ord('R'), 0, 0, 0, 0, 0, pid, 1, pid, pid)
            + fname.encode().ljust(16, b'\0') + args.encode().ljust(80, b'\0'))


def core(exe_base, with_fp=True, truncated=False):
    exe = '/usr/bin/seed-program'
    nt_file = struct.pack('<QQ', 2, PAGE)
    nt_file += struct.pack('<QQQ', exe_base, exe_base + PAGE, 0)
    nt_file += struct.pack('<QQQ', exe_base + PAGE, exe_base + 3 * PAGE, 1)
    nt_file += (exe + '\0' + exe + '\0').encode()
    stack = 0x7ffe00000000
    notes = note('CORE', NT_PRSTATUS, prstatus(100, 11, exe_base + PAGE + 16, stack + 64))
    if with_fp:
        notes += note('CORE', NT_PRFPREG, b'\x7f' * 512)
    notes += note('CORE', NT_PRSTATUS, prstatus(101, 0, exe_base + PAGE + 32, stack + 512))
    notes += note('CORE', NT_PRPSINFO, prpsinfo(100, 'seed-program', 'seed-program --crash'))
    notes += note('CORE', NT_SIGINFO, struct.pack('<iii', 11, 1, 0).ljust(128, b'\0'))
    notes += note('CORE', NT_AUXV, struct.pack('<QQQQQQ', 3, exe_base + 64, 33, 0, 0, 0))
    notes += note('CORE', NT_FILE, nt_file)
    # (vaddr, memsz, bytes in the file, flags): ELF header page, code left out, a stack.
    segs = [(exe_base, PAGE, b'\x7fELF' + b'\0' * (PAGE - 4), 4),
            (exe_base + PAGE, 2 * PAGE, b'', 5),
            (stack, PAGE, bytes(range(256)) * 16, 6)]
    phnum = 1 + len(segs)
    off = 64 + 56 * phnum
    phdrs = struct.pack('<IIQQQQQQ', 4, 4, off, 0, 0, len(notes), 0, 1)
    data_off = (off + len(notes) + PAGE - 1) // PAGE * PAGE
    body = b''
    for vaddr, memsz, data, flags in segs:
        phdrs += struct.pack('<IIQQQQQQ', 1, flags, data_off + len(body), vaddr, 0, len(data),
                             memsz, PAGE)
        body += data
    ehdr = (b'\x7fELF\x02\x01\x01' + b'\0' * 9 +
            struct.pack('<HHIQQQIHHHHHH', 4, 62, 1, 0, 64, 0, 0, 64, 56, phnum, 0, 0, 0))
    image = ehdr + phdrs + notes
    image += b'\0' * (data_off - len(image)) + body
    return image[:len(image) - PAGE // 2] if truncated else image


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, image in (('two-threads', core(0x555555554000)),
                        ('no-fp', core(0x400000, with_fp=False)),
                        ('truncated', core(0x555555554000, truncated=True))):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(image)


if __name__ == '__main__':
    main()
