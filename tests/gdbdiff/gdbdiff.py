#!/usr/bin/env python3
"""Compare lurk's values and types with gdb's: the same commands at the same stops.

Each program of the corpus (tests/gdbdiff/*.c, built by meson) runs once under
gdb --batch and once under lurk --batch. Both stop at the same breakpoints, in
the order the program reaches them, and run the same print, ptype, whatis, x,
info args/locals, finish, set var, set and call commands there, each behind an echoed
separator. The runner cuts both outputs at the separators, normalises what
differs only in layout, and compares command by command.

Normalised (both sides): the value-history prefix '$N = ', runs of white space,
empty lines, stack addresses (0x7ff...: the two debuggers give the program
environments of different sizes), the file gdb's info symbol names, and gdb's
and lurk's wordings of "no symbol".
finish is compared by its returned value alone (gdb: 'Value returned is $N = V',
lurk: 'Value returned: V (TYPE)'). Commands in MOVES (up) select a frame; their
output is not compared.

KNOWN lists every comparison that disagrees today, with the reason. The test
fails when a comparison outside KNOWN disagrees (a regression, or a new case
that needs a fix or an entry), when one in KNOWN now agrees (remove the entry:
the list only shrinks) and when KNOWN names a case that does not exist.

usage: gdbdiff.py --build DIR --src DIR [--verbose]
Exit status: 0 pass, 1 fail, 77 skipped (gdb is not installed; or ptrace is not
permitted here, or address space randomization cannot be turned off: under
CI=true those two are failures, as in run-session.py).
"""
import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from lurkenv import environment  # noqa: E402 (tests/, after the path)

SKIP = 77
SEP = '@@gdbdiff@@'
MOVES = ('up',)

# The values program stops once, in stop_here(), after main set every global.
VALUES_STOP = 'stop_here'
VALUES = [
    # every base type
    'print v_char', 'print v_schar', 'print v_uchar', 'print v_short', 'print v_ushort',
    'print v_int', 'print v_uint', 'print v_long', 'print v_ulong', 'print v_llong',
    'print v_ullong', 'print v_bool', 'print v_float', 'print v_double', 'print v_ldouble',
    'print v_float_frac', 'print v_double_frac', 'print v_double_neg', 'print v_double_big',
    'print v_ldouble_frac', 'print v_zero', 'print v_i128', 'print v_u128', 'print v_cdouble',
    'print v_cfloat', 'print v_tab', 'print v_high', 'whatis v_i128', 'whatis v_cdouble',
    # enums
    'print v_color', 'print v_sign', 'print v_color_odd', 'print v_small', 'print BLUE',
    'print (enum color)5', 'print (enum color)1', 'print v_color == BLUE', 'print NEG + 1',
    'print v_perm', 'print v_perm_odd', 'print (enum perm)2', 'print v_colors',
    # structs, unions, anonymous members
    'print v_point', 'print v_rect', 'print v_rect.hi.x', 'print v_word', 'print v_word.f',
    'print v_word.bytes', 'print v_anon', 'print v_anon.as_int', 'print v_anon.as_float',
    'print v_anon.a', 'print v_anon.w.i',
    # bitfields of every signedness and enum type
    'print v_bits', 'print v_bits.u3', 'print v_bits.s4', 'print v_bits.plain5',
    'print v_bits.ecol', 'print v_bits.esign', 'print v_bits.flag', 'print v_bits.wide',
    'print v_bits.sc2', 'print v_bits.us9', 'print/x v_bits', 'print v_bits.s4 + 1',
    # arrays: 1-D, 2-D, 3-D, of chars, of structs, of pointers; a flexible member
    'print v_arr1', 'print v_arr2', 'print v_arr3', 'print v_arr2[1]', 'print v_arr3[1]',
    'print v_arr3[1][0]', 'print v_arr2[1][2]', 'print v_arr3[1][0][2]', 'print v_str',
    'print v_str_full', 'print v_ubytes', 'print v_darr', 'print v_darr[1]', 'print v_parr',
    'print v_parr[1]', 'print v_strs', 'print v_strs[1]', 'print *v_flex',
    'print v_flex->len', 'print v_flex->items[1]', 'print *v_flex->items@3',
    'print v_arr1[1]@3', 'print v_bytes4', 'print v_esc', 'print v_rep', 'print v_reps',
    'print v_long_arr', 'print v_long_arr[250]@3',
    # pointers
    'print v_pint', 'print *v_pint', 'print **v_ppint', 'print v_ppoint', 'print *v_ppoint',
    'print v_ppoint->y', 'print v_void', 'print v_cstr', 'print v_null_str', 'print *v_parr1',
    'print (*v_parr1)[2]', 'print v_cstr[1]', 'print *v_strs[0]', 'print v_cv',
    'print v_constp', 'print &v_point.y', 'print v_pint + 1', 'print &v_arr1[3] - &v_arr1[0]',
    'print &v_arr2[1]', 'print *v_arr2',
    # function pointers and functions
    'print v_with_fp', 'print v_with_fp.op', 'print v_binop', 'print add', 'print &add',
    'print *add', 'print v_with_fp.scale',
    # typedef chains
    'print v_myint3', 'print v_point2', 'print v_point2.y',
    # formats
    'print/x v_short', 'print/x v_int', 'print/o v_uchar', 'print/t v_uchar', 'print/d v_uchar',
    'print/c v_int', 'print/u v_schar', 'print/x v_arr1', 'print/x v_point', 'print/d v_color',
    'print/x v_ullong', 'print/a v_binop', 'print/x v_double', 'print/c 65', 'print/x -1',
    # expressions
    'print v_double * 2', 'print v_float + 1', 'print v_int / 5', 'print v_int % 5',
    'print -v_uint', 'print v_uint + v_int', 'print v_char + 1', 'print v_short * v_short',
    'print 10 / 3.0', 'print 1 == 1', 'print v_ldouble * 2', 'print v_int * 1.5',
    'print v_double > 3', 'print !v_zero', 'print ~v_uchar', 'print v_long >> 4',
    'print (char)v_int', 'print (unsigned char)v_int', 'print (float)v_int',
    'print (long)v_double', 'print (short)v_uint', 'print sizeof(struct bits)',
    'print sizeof v_arr2', 'print sizeof(long double)', 'print v_nosuch',
    # ptype and whatis
    'ptype struct point', 'ptype struct rect', 'ptype union word', 'ptype struct anon',
    'ptype struct bits', 'ptype struct flex', 'ptype struct with_fp', 'ptype enum color',
    'ptype enum sign', 'ptype enum small', 'ptype myint3', 'ptype point2_t', 'ptype binop_t',
    'ptype bytes4_t', 'ptype v_arr2', 'ptype v_arr3', 'ptype v_parr1', 'ptype v_cv',
    'ptype v_constp', 'ptype v_ppint', 'ptype v_strs', 'ptype v_flex', 'ptype v_ldouble',
    'ptype add', 'ptype v_anon.w', 'ptype v_point', 'ptype v_rect', 'ptype v_word',
    'ptype v_anon', 'ptype v_bits', 'ptype *v_flex', 'ptype v_with_fp', 'ptype v_color',
    'ptype v_sign', 'ptype v_small', 'ptype v_myint3', 'ptype v_point2', 'ptype v_binop',
    'ptype v_bytes4', 'ptype v_strs[0]', 'whatis struct point', 'whatis myint3',
    'whatis myint2', 'whatis point2_t', 'whatis v_arr2', 'whatis v_arr2[1]', 'whatis v_arr3[1]',
    'whatis v_myint3', 'whatis v_point2', 'whatis v_binop', 'whatis v_bytes4',
    'whatis v_flex->items', 'whatis &v_arr1', 'whatis *v_parr1', 'whatis v_with_fp.op',
    'whatis v_int + v_long', 'whatis v_char + 1', 'whatis v_float * 2', 'whatis v_uint + v_int',
    'whatis 1.5', "whatis 'a'", 'whatis v_bits.ecol', 'whatis v_small', 'whatis add',
    'whatis v_ldouble', 'whatis (myint2)1', 'whatis v_short', 'whatis v_ushort',
    'whatis v_schar', 'whatis v_ulong', 'whatis v_llong', 'whatis v_ullong', 'whatis v_bool',
    # type names: tags, typedefs (whatis one level), base types as C spells them, qualifiers
    'ptype struct point *', 'whatis struct rect *', 'ptype union word *', 'whatis enum color',
    'ptype unsigned long', 'whatis unsigned int', 'whatis short unsigned', 'ptype long unsigned int',
    'whatis unsigned', 'ptype signed char', 'whatis long long int', 'ptype char_addr',
    'whatis char_addr', 'whatis cint', 'ptype cint', 'whatis bytes4_t', 'ptype point2_t *',
    'whatis myint3 *', 'ptype v_cca', 'whatis v_cca', 'ptype v_pcint', 'whatis v_pcint',
    'ptype v_pvp', 'whatis v_ccp', 'ptype struct nest', 'ptype v_nest.s', 'whatis v_nest.s',
    'ptype enum order', 'print v_order', 'whatis &v_bytes4', 'ptype &v_bytes4', 'whatis &v_binop',
    'ptype &v_binop', 'whatis &v_nest.s', 'ptype &v_nest.s', 'whatis &v_pvp', 'whatis &v_cca',
    'ptype v_opaque', 'ptype *v_opaque', 'whatis v_opaque', 'ptype v_empty', 'ptype struct empty',
    'print v_empty', 'print sizeof(v_empty)',
    # casts to base types, whether or not the program's DWARF names them
    'print/x *(short *)&v_int', 'print *(unsigned short *)&v_int', 'print (_Bool)1',
    'print (_Bool)0', 'print (signed char)200', 'print (long long)v_int',
    'print (unsigned long long)-1', 'print/x (unsigned short)-1', 'print (unsigned char)300',
    'whatis (unsigned short)1', 'whatis (short *)&v_int', 'whatis (long *)0', 'whatis (_Bool)1',
    'whatis (signed char)1', 'whatis (unsigned char)1', 'whatis (const char *)v_cstr',
    'whatis *(const char *)v_cstr', 'whatis (const volatile short *)0',
    'whatis (char * const)v_cstr', 'whatis (char * const *)&v_cstr',
    'whatis *(char * const *)&v_cstr', 'whatis (const char * volatile)v_cstr',
    'whatis (volatile struct point *)0', 'print *(const struct point *)&v_point',
    'print sizeof(unsigned short)', 'print sizeof(long long)', 'print (short)-1 + 0',
    # x
    'x/4xw &v_int', 'x/2dw v_arr1', 'x/8xb &v_uint', 'x/2xg &v_long', 'x/s v_cstr',
    'x/3c v_str', 'x/6dh v_arr3', 'x/4ub v_ubytes', 'x/tw &v_int', 'x/2a v_strs',
    'x/a &v_pint', 'x/2ow &v_point', 'x/2fg v_darr', 'x/fw &v_float',
    # set var, each followed by what it changed
    'set var v_int = 77', 'print v_int', "set var v_char = 'z'", 'print v_char',
    'set var v_bits.s4 = -7', 'print v_bits', 'set var v_bits.esign = POS',
    'print v_bits.esign', 'set var v_color = GREEN', 'print v_color',
    'set var v_arr2[1][1] = 50', 'print v_arr2', 'set var *v_pint = -1', 'print v_int',
    'set var v_point.y = 12', 'print v_point', 'set var v_uchar = 300', 'print v_uchar',
    'set var v_double = 1.5', 'print v_double', 'set var v_float = v_float * 2',
    'print v_float', 'set var v_ldouble = 4.5', 'print v_ldouble',
    'set var v_bits.wide = 0xffffffffff', 'print v_bits.wide', 'set var v_int = 77',
    # the value history, convenience variables, assignments in expressions
    'set v_int = 78', 'print v_int', 'print $', 'print v_point', 'print $.y', 'print $$',
    'print $$3', 'print $unset', 'set $cv = v_int * 2', 'print $cv', 'print $cv += 1',
    'print v_int = 79', 'print v_int += 1', 'print v_int', 'call v_int', 'print /x v_int',
    'whatis $cv', 'set $pp = &v_point', 'print *$pp', 'print $pp->x + $cv',
    # x with no argument goes on with the last format and count; $__ is what it read last
    'x/2xw &v_int', 'x', 'print $__',
]

# The returns program, at -O0 and -O2: each function's arguments at its
# breakpoint and the value it returns; many_args's locals from inner_stop.
RETURNERS = ['ret_int', 'ret_uchar', 'ret_char', 'ret_bool', 'ret_long', 'ret_enum',
             'ret_double', 'ret_float', 'ret_ldouble', 'ret_ptr', 'ret_point', 'ret_ints16',
             'ret_floats8', 'ret_doubles16', 'ret_mixed8', 'ret_mixed16', 'ret_chars3',
             'ret_big', 'ret_ldbl', 'ret_floats12', 'ret_char_double', 'ret_union', 'ret_complex']
# The registers a value came back in, read after the finish.
AFTER_FINISH = {
    'ret_ldouble': ['print $st0', 'info registers st0'],
    'ret_floats12': ['print $xmm0', 'print $xmm1.v4_float[0]', 'print/x $xmm0.v4_int32',
                     'info registers xmm1'],
    'ret_doubles16': ['print $xmm0.v2_double[0]', 'print $xmm1.v2_double[0]',
                      'info registers xmm0'],
}
RETURNS = [(f, ['info symbol $pc', 'info args', 'finish'] + AFTER_FINISH.get(f, []))
           for f in RETURNERS] + [
    ('many_args', ['info symbol $pc', 'info args', 'print c', 'print d', 'print e', 'print f',
                   'print *g', 'print h', 'print i', 'print j', 'print b + j']),
    ('inner_stop', ['up', 'info locals', 'print sum', 'print scaled', 'print label',
                    'whatis scaled', 'print f.x + a']),
]

# The inlines program stops in inner_calc, inlined into outer_calc, itself
# inlined into compute: each frame's arguments and variables, up by up.
INLINES = [
    ('inner_calc', ['info args', 'print p', 'print p.b * scale', 'whatis p', 'up', 'info args',
                    'print p', 'print n', 'print p.a + n', 'up', 'info args', 'print twice',
                    'print n']),
]

# program -> its stops in the order the program reaches them: (location, commands)
PROGRAMS = {
    'values': [(VALUES_STOP, VALUES)],
    'returns': RETURNS,
    'returns-o2': RETURNS,
    'inlines': INLINES,
}

# Why lurk's output differs from gdb's today: 'issue:' for what lurk does not do
# as gdb does yet. A difference lurk means to keep would say 'deliberate:' and
# why; there is none so far (error messages are worded in lurk's own style on
# purpose, and normalise() maps the one this corpus meets).

# case id -> its reason, or a tuple of them when several differences meet in one
# output. An entry goes when its case agrees: the test says so.
KNOWN = {
}


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def cases():
    """Every compared command as (case id, program, stop index, command index, command)."""
    out = []
    for program, stops in PROGRAMS.items():
        seen = {}
        for index, (loc, commands) in enumerate(stops):
            for n, command in enumerate(commands):
                if command.split()[0] in MOVES:
                    continue
                key = '%s %s: %s' % (program, loc, command)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    key += ' (%d)' % seen[key]
                out.append((key, program, index, n, command))
    return out


def script(stops):
    """The commands of one run: breakpoints, run, and each stop's commands, each
    behind a separator; a last separator ends the stop before continue goes on."""
    lines = ['break %s' % loc for loc, _ in stops] + ['run']
    for index, (loc, commands) in enumerate(stops):
        if index:
            lines.append('continue')
        lines.append('echo %s stop %s\\n' % (SEP, loc))
        for command in commands:
            lines.append('echo %s\\n' % SEP)
            lines.append(command)
        lines.append('echo %s end\\n' % SEP)
    return lines


def run(argv, env):
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        raise Failure('timed out: %s' % ' '.join(argv))
    text = p.stdout.decode('utf-8', 'replace')
    if p.returncode < 0 or p.returncode > 1:
        raise Failure('%s exited with status %d:\n%s' % (argv[0], p.returncode, text))
    m = re.search(r'.*(AddressSanitizer|LeakSanitizer|runtime error:).*', text)
    if m:
        raise Failure('%s: %s' % (argv[0], m.group(0)))
    return text


def segments(text, stops, who):
    """The output of each command, per stop: [[output, ...], ...]. Checks that
    every stop was reached, in its own function."""
    parts = text.split(SEP)
    out = []
    i = 1
    for loc, commands in stops:
        if i + len(commands) + 1 > len(parts) - 1 or parts[i] != ' stop %s\n' % loc:
            raise Failure('%s: output ends before the stop at %s:\n%s' % (who, loc, text))
        if not re.search(r'\b%s\b' % re.escape(loc), parts[i - 1]):
            raise Failure('%s did not stop at %s:\n%s' % (who, loc, parts[i - 1]))
        out.append(parts[i + 1:i + 1 + len(commands)])
        i += len(commands) + 1
        if not parts[i].startswith(' end\n'):
            raise Failure('%s: the commands at %s are not separated:\n%s' % (who, loc, text))
        i += 1
    return out


def normalise(text, command):
    if command.split()[0] in ('finish', 'fin'):
        values = []
        for line in text.splitlines():
            m = (re.match(r'Value returned is \$\d+ = (.*)$', line) or
                 re.match(r'Value returned: (.*) \([^()]*\)$', line))
            if m:
                values.append('Value returned: ' + m.group(1))
            elif line.startswith('Value returned'):
                values.append(line)
        text = '\n'.join(values)
    lines = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(' '))
        line = re.sub(r'^\$\d+ = ', '', line.strip())
        line = re.sub(r'\b0x7ff[0-9a-f]{9}\b', '0xSTACK', line)
        line = re.sub(r'^No symbol "(.*)" in current context\.$', r'<no symbol "\1">', line)
        line = re.sub(r'^[a-z]+: no symbol "(.*)" in the current context$',
                      r'<no symbol "\1">', line)
        line = re.sub(r' in section (\S+) of \S+$', r' in section \1', line)
        # Deliberate: lurk's errors name the command they come from (lurk.1 DIAGNOSTICS).
        line = re.sub(r'^(print|output|call|x|ptype|whatis|set): (value has been optimized out)$',
                      r'\2', line)
        line = ' '.join(line.split())
        if line:
            lines.append(' ' * indent + line)
    return '\n'.join(lines)


def compare(build, verbose):
    lurk = os.path.join(build, 'src', 'lurk')
    results = {}
    with tempfile.TemporaryDirectory(prefix='lurk-gdbdiff-') as tmp:
        env = environment(tmp)
        for program, stops in PROGRAMS.items():
            path = os.path.join(build, 'tests', 'gdbdiff', program)
            lines = script(stops)
            gdb_argv = ['gdb', '-nx', '-q', '--batch', '-iex', 'set debuginfod enabled off',
                        '-iex', 'set width 0', '-iex', 'set height 0']
            for line in lines:
                gdb_argv += ['-ex', line]
            cmdfile = os.path.join(tmp, program + '.lurk')
            with open(cmdfile, 'w') as f:
                f.write('\n'.join(lines) + '\n')
            lurk_argv = [lurk, '-q', '-n', '--batch', '-x', cmdfile, '--', path]
            gdb_text = run(gdb_argv + ['--args', path], env)
            if 'Error disabling address space randomization' in gdb_text:
                raise Skip('gdb cannot turn address space randomization off here, so the '
                           'two runs would place the program differently')
            gdb_out = segments(gdb_text, stops, 'gdb')
            lurk_out = segments(run(lurk_argv, env), stops, 'lurk')
            for key, prog, index, n, command in cases():
                if prog != program:
                    continue
                g = normalise(gdb_out[index][n], command)
                l = normalise(lurk_out[index][n], command)
                results[key] = (g, l)
                if verbose:
                    print('%s %s\n  gdb:  %s\n  lurk: %s' % ('==' if g == l else '!=', key,
                          g.replace('\n', '\n        '), l.replace('\n', '\n        ')))
    return results


def load_run_session(src):
    """run-session.py as a module, for its ptrace_problem(); no bytecode is
    written into the source tree for it."""
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location(
        'run_session', os.path.join(src, 'tests', 'run-session.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--src', required=True)
    ap.add_argument('--verbose', action='store_true', help='show every comparison')
    args = ap.parse_args()
    if not shutil.which('gdb'):
        print('SKIP: gdb is not installed (scripts/test installs it)')
        return SKIP
    try:
        problem = load_run_session(args.src).ptrace_problem()
        if problem:
            raise Skip(problem)
        results = compare(os.path.abspath(args.build), args.verbose)
    except Failure as e:
        print('FAIL: %s' % e)
        return 1
    except Skip as e:
        if os.environ.get('CI') == 'true':
            print('FAIL (would skip, but CI must not): %s' % e)
            return 1
        print('SKIP: %s' % e)
        return SKIP
    failed = False
    for key in KNOWN:
        if key not in results:
            print('no such case, remove from known differences: %s' % key)
            failed = True
    agree = known = 0
    for key, (g, l) in results.items():
        if g == l:
            agree += 1
            if key in KNOWN:
                print('now agrees, remove from known differences: %s' % key)
                failed = True
        elif key in KNOWN:
            known += 1
            reason = KNOWN[key]
            print('known: %s -- %s' % (key, '; '.join(reason) if isinstance(reason, tuple)
                                       else reason))
        else:
            print('DIFFERS: %s\n  gdb:  %s\n  lurk: %s' % (
                key, g.replace('\n', '\n        '), l.replace('\n', '\n        ')))
            failed = True
    print('%d comparisons, %d agree, %d known differences' % (len(results), agree, known))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
