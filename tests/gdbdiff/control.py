#!/usr/bin/env python3
"""Compare lurk's execution control with gdb's: the same scripts, stop by stop.

Each scenario of SCENARIOS is a short command script (break, tbreak, run,
continue, step, next, until, advance, finish, up, down, frame N, bt) that runs
once under gdb --batch and once under lurk --batch --json, on control.c built
at -O0 (program 'control') and at -O2 with inlining (program 'control-o2').
Behind every command of the script the runner adds 'frame' and 'bt', each
behind an echoed separator, then compares, command by command:

  stop   what the command reported about the stop: 'breakpoint N', 'exited N',
         'stopped' (anything else), or 'error' (lurk's JSON error; gdb's
         refusals in GDB_NO_PROCESS and GDB_ERROR). Only for commands that
         resume the program.
  frame  the selected frame afterwards: level, function, file base name, line.
  bt     the frames from #0 up to main: function, file base name, line.
  set    where break/tbreak put the breakpoint: its line, or its number of
         locations when there are several. Only once the program runs: before
         'run' lurk leaves every breakpoint pending by design (it reads the
         program when it starts), so there only the stops are compared.

lurk is read from its JSON output, which does not change with the layout of
its text; gdb from its text (frame lines '#N  [ADDR in ]FUNC (ARGS) at
FILE:LINE'). Arguments, addresses and source text are not compared.

Scripts name lines by the markers in control.c's comments ('/* L:fact_base */'
is %fact_base%), so the corpus can change without renumbering the scripts.

A case id reads 'PROGRAM SCENARIO #N COMMAND: ASPECT' (N counts the script's
commands from 1). KNOWN maps every case that disagrees today to its cause, one
of the named reasons above it; a difference in where the program stops carries
over to the later commands of the same scenario, whose entries name the same
first cause. The test fails when a
case outside KNOWN disagrees (a regression, or a new case: fix lurk or add an
entry), when a KNOWN case now agrees (delete its entry: the list only shrinks;
the runner prints the lines to delete) and when KNOWN names a case that does
not exist. Run with --verbose to see both sides of every comparison, and with
--print-known to get the KNOWN table that matches today's differences (review
each reason before pasting it).

usage: control.py --build DIR --src DIR [--verbose] [--print-known]
Exit status: 0 pass, 1 fail, 77 skipped (gdb is not installed, or ptrace is not
permitted here; under CI=true the latter is a failure, as in run-session.py).
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdbdiff  # noqa: E402  (its runner, environment and ptrace check)

SKIP = 77
SEP = '@@control@@'
PROGRAMS = ('control', 'control-o2')
RESUMES = ('run', 'continue', 'step', 'next', 'until', 'advance', 'finish')
MOVES = ('up', 'down', 'frame')
SETS = ('break', 'tbreak')

# scenario -> its script. Each scenario runs on every program of PROGRAMS.
SCENARIOS = {
    # break LINE before run means a line of the file that holds main
    'break-line': ['break %fact_base%', 'run', 'bt', 'continue'],
    # up, down and frame N in a recursion; finish out of it
    'recursion': [
        'break control.c:%fact_base%', 'run', 'bt', 'up', 'up', 'frame 3', 'down', 'frame 0',
        'finish', 'finish', 'finish', 'continue'],
    # step onto a line that has a breakpoint: the stop must say so
    'step-onto-break': [
        'break control.c:%square_body%', 'run', 'break %square_sink%', 'step', 'step', 'step',
        'step'],
    # next onto a line that has a breakpoint, in main
    'next-onto-break': [
        'break control.c:%main_fact%', 'run', 'break %main_loop%', 'next', 'next', 'next'],
    # next over a loop body whose call hits a breakpoint inside the callee
    'next-loop-break': [
        'break loop_sum', 'run', 'break square', 'next', 'next', 'next', 'next', 'bt',
        'finish', 'next', 'next', 'next', 'continue'],
    # until and advance LINE from inside a recursive call stop in the current frame
    'until-recursion': [
        'break control.c:%fact_test%', 'run', 'continue', 'continue', 'delete 1',
        'until %fact_mul%', 'bt', 'until %fact_mul%', 'next', 'next'],
    'advance-recursion': [
        'break control.c:%fact_test%', 'run', 'continue', 'delete 1', 'advance %fact_mul%', 'bt',
        'advance %fact_mul%', 'advance %main_loop%'],
    # advance and until LINE from main into callees, and back out
    'advance-calls': [
        'break main', 'run', 'advance factorial', 'bt', 'advance %fact_mul%', 'bt',
        'until %main_apply_sq%', 'bt'],
    'until-after-loop': [
        'break control.c:%loop_call%', 'run', 'delete 1', 'until %loop_ret%', 'bt', 'next',
        'next'],
    # until with no argument does not go back to the loop's head
    'until-loop': [
        'break control.c:%loop_head%', 'run', 'delete 1', 'next', 'next', 'next', 'until', 'until',
        'until', 'next'],
    # finish out of every level of a recursion, to main
    'finish-recursion': [
        'break control.c:%fact_base%', 'run', 'finish', 'finish', 'finish', 'finish', 'finish',
        'bt'],
    # step into, and next over, an always_inline function called twice
    'step-inline': [
        'break inlined_twice', 'run', 'step', 'step', 'step', 'step', 'step', 'step'],
    'next-inline': [
        'break inlined_twice', 'run', 'next', 'next', 'next', 'next'],
    # a breakpoint on an inlined function, finish out of the inlined frame
    'finish-inline': [
        'break inl_leaf', 'run', 'bt', 'finish', 'continue', 'finish', 'continue', 'bt'],
    # a line of an inlined body: one location per inlined call, three here
    'line-in-inline': [
        'break control.c:%leaf_body%', 'run', 'continue', 'continue', 'continue'],
    # inlining two deep: frames, moving between them, stepping out of them
    'nested-inline': [
        'break nested_inline', 'run', 'break control.c:%leaf_ret%', 'continue', 'bt', 'up',
        'up', 'down', 'finish', 'next', 'next', 'step'],
    'step-nested-inline': [
        'break nested_inline', 'run', 'step', 'step', 'step', 'step', 'step'],
    # calls through a function pointer
    'pointer-calls': [
        'break square', 'break twice', 'run', 'continue', 'continue', 'continue', 'bt',
        'up', 'frame 2', 'frame 1', 'finish', 'finish'],
    'step-pointer-call': [
        'break apply', 'run', 'step', 'step', 'step', 'step', 'step', 'step'],
    # tbreak: stops once, then is gone
    'tbreak': [
        'tbreak factorial', 'run', 'tbreak %loop_use%', 'continue', 'break twice',
        'tbreak %loop_use%', 'continue', 'continue', 'continue'],
    # a tail call (a jmp at -O2): gdb rebuilds the caller's frame from DWARF call sites
    'tail-call': [
        'break tail_target', 'run', 'bt', 'up', 'finish', 'next'],
    'step-tail-call': [
        'break tail_caller', 'run', 'step', 'step', 'step', 'step'],
    # next off the end of a function, and to the end of the program
    'return-to-caller': [
        'break twice', 'run', 'next', 'next', 'next', 'next', 'next', 'next'],
    'to-exit': [
        'break control.c:%main_tail%', 'run', 'next', 'next', 'next', 'next', 'frame', 'bt'],
}

# Why lurk's output differs from gdb's today. Each KNOWN entry names the first
# cause it follows from: once the program stops elsewhere than under gdb, the
# later commands of the scenario differ too and carry the same cause. 'issue:'
# is what lurk does not do as gdb does yet.
INLINE_FRAMES = ('issue: at -O2, where inlined calls interleave, step, next and finish out of '
                 'an inlined call stop at other lines than gdb, which steps by the ranges of '
                 "the inlined call's block")
INLINE_CALL_LINE = ("issue: break LINE on a line whose code starts with an inlined call is "
                    "listed at the callee's line; gdb lists the line asked for")
FINISH_OUTERMOST = ('issue: finish with main selected runs on; gdb refuses ("not meaningful '
                    'in the outermost frame")')
UP_PAST_MAIN = ('issue: up and frame N go on past main into libc; gdb stops at main '
                '(backtrace past-main is off)')
O2_ADDR_LINE = ('issue: at -O2 in main, next over a call stops at a later line than gdb: '
                'gdb ends a line at its next statement row, past the rows between')
O2_STEP_LINES = ('issue: at -O2 in main, where statement and other rows of two lines '
                 'interleave, next and until stop a line later than gdb')
TAIL_CALL = ('issue: no frame for a function that made a tail call (gdb rebuilds it from the '
             'call sites in DWARF)')

# case id -> its cause, or a tuple of causes. The list only shrinks: the test
# says which entries to delete when their cases agree.
KNOWN = {
    'control pointer-calls #12 finish: stop': FINISH_OUTERMOST,
    'control pointer-calls #12 finish: frame': FINISH_OUTERMOST,
    'control pointer-calls #12 finish: bt': FINISH_OUTERMOST,
    'control-o2 recursion #5 up: frame': UP_PAST_MAIN,
    'control-o2 recursion #6 frame 3: frame': UP_PAST_MAIN,
    'control-o2 recursion #7 down: frame': UP_PAST_MAIN,
    'control-o2 next-onto-break #5 next: frame': O2_ADDR_LINE,
    'control-o2 next-onto-break #5 next: bt': O2_ADDR_LINE,
    'control-o2 next-onto-break #6 next: frame': O2_ADDR_LINE,
    'control-o2 next-onto-break #6 next: bt': O2_ADDR_LINE,
    'control-o2 until-after-loop #6 next: frame': O2_STEP_LINES,
    'control-o2 until-after-loop #6 next: bt': O2_STEP_LINES,
    'control-o2 until-after-loop #7 next: frame': O2_STEP_LINES,
    'control-o2 until-after-loop #7 next: bt': O2_STEP_LINES,
    'control-o2 until-loop #8 until: frame': O2_STEP_LINES,
    'control-o2 until-loop #8 until: bt': O2_STEP_LINES,
    'control-o2 until-loop #9 until: frame': O2_STEP_LINES,
    'control-o2 until-loop #9 until: bt': O2_STEP_LINES,
    'control-o2 until-loop #10 next: frame': O2_STEP_LINES,
    'control-o2 until-loop #10 next: bt': O2_STEP_LINES,
    'control-o2 nested-inline #9 finish: frame': INLINE_FRAMES,
    'control-o2 nested-inline #9 finish: bt': INLINE_FRAMES,
    'control-o2 nested-inline #10 next: frame': INLINE_FRAMES,
    'control-o2 nested-inline #10 next: bt': INLINE_FRAMES,
    'control-o2 nested-inline #11 next: frame': INLINE_FRAMES,
    'control-o2 nested-inline #11 next: bt': INLINE_FRAMES,
    'control-o2 nested-inline #12 step: frame': INLINE_FRAMES,
    'control-o2 nested-inline #12 step: bt': INLINE_FRAMES,
    'control-o2 step-nested-inline #7 step: frame': INLINE_FRAMES,
    'control-o2 step-nested-inline #7 step: bt': INLINE_FRAMES,
    'control-o2 pointer-calls #12 finish: stop': FINISH_OUTERMOST,
    'control-o2 pointer-calls #12 finish: frame': FINISH_OUTERMOST,
    'control-o2 pointer-calls #12 finish: bt': FINISH_OUTERMOST,
    'control-o2 tbreak #3 tbreak %loop_use%: set': INLINE_CALL_LINE,
    'control-o2 tbreak #6 tbreak %loop_use%: set': INLINE_CALL_LINE,
    'control-o2 tail-call #2 run: bt': (O2_ADDR_LINE, TAIL_CALL),
    'control-o2 tail-call #3 bt: bt': (O2_ADDR_LINE, TAIL_CALL),
    'control-o2 tail-call #4 up: frame': TAIL_CALL,
    'control-o2 tail-call #5 finish: frame': TAIL_CALL,
    'control-o2 tail-call #5 finish: bt': TAIL_CALL,
    'control-o2 tail-call #6 next: stop': TAIL_CALL,
    'control-o2 tail-call #6 next: frame': TAIL_CALL,
    'control-o2 tail-call #6 next: bt': TAIL_CALL,
    'control-o2 step-tail-call #4 step: bt': (O2_STEP_LINES, TAIL_CALL),
    'control-o2 step-tail-call #5 step: bt': (O2_STEP_LINES, TAIL_CALL),
}


class Failure(Exception):
    pass


def markers(src):
    """The line of each /* L:NAME */ marker in control.c."""
    lines = {}
    with open(os.path.join(src, 'tests', 'gdbdiff', 'control.c')) as f:
        for number, text in enumerate(f, 1):
            m = re.search(r'/\* L:(\w+) \*/', text)
            if m:
                lines[m.group(1)] = number
    return lines


def expand(command, lines):
    return re.sub(r'%(\w+)%', lambda m: str(lines[m.group(1)]), command)


def verb(command):
    return command.split()[0]


def aspects(script):
    """What is compared after each command of a script, in order, as
    (index, command, aspect); whether 'set' applies depends on 'run'."""
    out = []
    running = False
    for index, command in enumerate(script):
        v = verb(command)
        if v in RESUMES:
            out += [(index, command, a) for a in ('stop', 'frame', 'bt')]
            running = True
        elif v in MOVES:
            out.append((index, command, 'frame'))
        elif v == 'bt':
            out.append((index, command, 'bt'))
        elif v in SETS and running:
            out.append((index, command, 'set'))
    return out


def case_id(program, scenario, index, command, aspect):
    return '%s %s #%d %s: %s' % (program, scenario, index + 1, command, aspect)


def cases():
    return [case_id(p, s, i, c, a) for p in PROGRAMS for s, script in SCENARIOS.items()
            for i, c, a in aspects(script)]


def script_lines(script, lines):
    """The script with 'frame' and 'bt' behind each command, every output
    behind a separator: SEP c N, SEP f N, SEP b N."""
    out = []
    for index, command in enumerate(script):
        out += ['echo %s c %d\\n' % (SEP, index), expand(command, lines),
                'echo %s f %d\\n' % (SEP, index), 'frame',
                'echo %s b %d\\n' % (SEP, index), 'bt']
    out.append('echo %s end\\n' % SEP)
    return out


def split(text, separator_of):
    """{(kind, index): output} from a text cut at the separators."""
    parts = {}
    key = None
    for line in text.splitlines():
        m = separator_of(line)
        if m:
            key = (m.group(1), int(m.group(2))) if m.group(1) != 'end' else None
            if key:
                parts[key] = []
        elif key:
            parts[key].append(line)
    return parts


# --- gdb's text --------------------------------------------------------------

GDB_FRAME = re.compile(r'^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(')
GDB_NO_PROCESS = ('No stack.', 'The program is not being run.')
# a resuming command that gdb refuses (the ones the scripts meet)
GDB_ERROR = re.compile(r'^("finish" not meaningful in the outermost frame\.|'
                       r'Cannot find bounds of current function)$')
# up, down and frame N that cannot move: the selected frame stays
GDB_NO_FRAME = ('Initial frame selected; you cannot go up.',
                'Bottom (innermost) frame selected; you cannot go down.')
# gdb names a function by its DWARF name, lurk by its ELF symbol; where glibc
# gives one function two names, the symbol is compared.
GDB_ALIASES = {'__libc_start_main_impl': '__libc_start_main'}


def gdb_frame_line(line):
    m = GDB_FRAME.match(line)
    if not m:
        return None
    at = re.search(r' at (\S+):(\d+)$', line)
    where = '%s:%s' % (os.path.basename(at.group(1)), at.group(2)) if at else '??'
    return int(m.group(1)), '%s %s' % (GDB_ALIASES.get(m.group(2), m.group(2)), where)


def gdb_frames(out):
    if any(line.strip() in GDB_NO_PROCESS for line in out):
        return '<no process>'
    frames = []
    for line in out:
        f = gdb_frame_line(line)
        if f:
            frames.append(f[1])
    return ' | '.join(frames) if frames else '<none>: ' + ' '.join(out)


def gdb_frame(out):
    for line in out:
        if line.strip() in GDB_NO_PROCESS:
            return '<no process>'
        if line.strip() in GDB_NO_FRAME or re.match(r'^No frame at level \S+\.$', line):
            return '<error>'
        f = gdb_frame_line(line)
        if f:
            return '#%d %s' % f
    return '<none>: ' + ' '.join(out)


def gdb_stop(out):
    for line in out:
        m = re.match(r'^(?:Temporary b|B)reakpoint (\d+)(?:\.\d+)?, ', line)
        if m:
            return 'breakpoint ' + m.group(1)
        m = re.match(r'^\[Inferior \d+ \(process \d+\) exited (normally|with code (\d+))\]', line)
        if m:
            return 'exited %d' % (int(m.group(2), 8) if m.group(2) else 0)
    if any(line.strip() in GDB_NO_PROCESS or GDB_ERROR.match(line) for line in out):
        return 'error'
    return 'stopped'


def gdb_set(out):
    for line in out:
        m = re.match(r'^(?:Temporary b|B)reakpoint (\d+) at 0x[0-9a-f]+: '
                     r'(?:file (\S+), line (\d+)\.|.*\((\d+) locations\))', line)
        if m:
            if m.group(4):
                return 'breakpoint %s: %s locations' % (m.group(1), m.group(4))
            return 'breakpoint %s: %s:%s' % (m.group(1), os.path.basename(m.group(2)),
                                             m.group(3))
    return '<none>: ' + ' '.join(out)


# --- lurk's JSON -------------------------------------------------------------

def records(out):
    """The JSON objects of an output; the program's own output is skipped."""
    objs = []
    for line in out:
        if line.startswith('{'):
            try:
                objs.append(json.loads(line))
            except ValueError:
                pass
    return objs


def lurk_where(frame):
    if frame.get('file') and frame.get('line'):
        return '%s %s:%d' % (frame.get('func', '??'), os.path.basename(frame['file']),
                             frame['line'])
    return '%s ??' % frame.get('func', '??')


def lurk_frames(out):
    for obj in records(out):
        if 'error' in obj:
            return '<no process>' if 'not being run' in obj['error'] else '<error>'
        if 'frames' in obj:
            frames = []
            for frame in obj['frames']:
                frames.append(lurk_where(frame))
                if frame.get('func') == 'main':
                    break
            return ' | '.join(frames)
    return '<none>'


def lurk_frame(out):
    for obj in records(out):
        if 'error' in obj:
            return '<no process>' if 'not being run' in obj['error'] else '<error>'
        if 'frame' in obj:
            return '#%d %s' % (obj['frame'].get('level', 0), lurk_where(obj['frame']))
    return '<none>'


def lurk_stop(out):
    for obj in records(out):
        if 'error' in obj:
            return 'error'
        reason = obj.get('reason')
        if reason == 'breakpoint' and 'breakpoint' in obj:
            return 'breakpoint %d' % obj['breakpoint']
        if reason == 'exited':
            return 'exited %d' % obj.get('code', 0)
        if reason:
            return 'stopped'
    return '<none>'


def lurk_set(out):
    for obj in records(out):
        if 'error' in obj:
            return '<error>'
        if 'number' in obj:
            locations = obj.get('locations') or []
            if not locations:
                return 'breakpoint %d: pending' % obj['number']
            if len(locations) > 1:
                return 'breakpoint %d: %d locations' % (obj['number'], len(locations))
            return 'breakpoint %d: %s:%d' % (obj['number'],
                                             os.path.basename(locations[0]['file']),
                                             locations[0]['line'])
    return '<none>'


GDB = {'stop': gdb_stop, 'frame': gdb_frame, 'bt': gdb_frames, 'set': gdb_set}
LURK = {'stop': lurk_stop, 'frame': lurk_frame, 'bt': lurk_frames, 'set': lurk_set}


def observe(parts, readers, index, command, aspect):
    """One aspect of one command's outcome, from the outputs of that command
    and of the frame and bt behind it."""
    v = verb(command)
    if aspect in ('stop', 'set') or (aspect == 'frame' and v in MOVES) or \
            (aspect == 'bt' and v == 'bt'):
        out = parts.get(('c', index))
    else:
        out = parts.get(('f' if aspect == 'frame' else 'b', index))
    if out is None:
        raise Failure('no output for #%d %s (%s)' % (index + 1, command, aspect))
    return readers[aspect](out)


def run_scenario(build, env, tmp, program, scenario, script, lines):
    path = os.path.join(build, 'tests', 'gdbdiff', program)
    commands = script_lines(script, lines)
    gdb_argv = ['gdb', '-nx', '-q', '--batch', '-iex', 'set debuginfod enabled off',
                '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set confirm off']
    for line in commands:
        gdb_argv += ['-ex', line]
    cmdfile = os.path.join(tmp, '%s-%s.lurk' % (program, scenario))
    with open(cmdfile, 'w') as f:
        f.write('\n'.join(commands) + '\n')
    lurk_argv = [os.path.join(build, 'src', 'lurk'), '-q', '-n', '--batch', '--json',
                 '-x', cmdfile, '--', path]
    try:
        gdb_text = gdbdiff.run(gdb_argv + ['--args', path], env)
        lurk_text = gdbdiff.run(lurk_argv, env)
    except gdbdiff.Failure as e:
        raise Failure(str(e))
    if 'Error disabling address space randomization' in gdb_text:
        raise gdbdiff.Skip('gdb cannot turn address space randomization off here')
    sep = re.escape(SEP)
    gdb_parts = split(gdb_text, lambda l: re.match(r'^%s (c|f|b|end) ?(\d*)$' % sep, l))

    def lurk_separator(line):
        objs = records([line])
        if not objs or objs[0].get('cmd') != 'echo':
            return None
        return re.match(r'^%s (c|f|b|end) ?(\d*)\n$' % sep, objs[0].get('text', ''))
    lurk_parts = split(lurk_text, lurk_separator)
    results = {}
    for index, command, aspect in aspects(script):
        key = case_id(program, scenario, index, command, aspect)
        results[key] = (observe(gdb_parts, GDB, index, command, aspect),
                        observe(lurk_parts, LURK, index, command, aspect))
    return results


def compare(build, src):
    lines = markers(src)
    results = {}
    with tempfile.TemporaryDirectory(prefix='lurk-gdbdiff-control-') as tmp:
        env = gdbdiff.environment(tmp)
        jobs = [(p, s, script) for p in PROGRAMS for s, script in SCENARIOS.items()]
        # Two at a time: the debuggers wait on their programs most of the time.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(run_scenario, build, env, tmp, p, s, script, lines)
                       for p, s, script in jobs]
            for future in futures:
                results.update(future.result())
    # in the order of the scenarios, whatever order the runs ended in
    return {key: results[key] for key in cases()}


def known_source(key):
    """A case's KNOWN value as the table spells it: the names of its causes,
    or a reason still to write for a case the table does not have."""
    if key not in KNOWN:
        return "'issue: '"
    names = {value: name for name, value in globals().items()
             if name.isupper() and isinstance(value, str) and value.startswith('issue:')}
    causes = KNOWN[key] if isinstance(KNOWN[key], tuple) else (KNOWN[key],)
    spelled = [names.get(cause, repr(cause)) for cause in causes]
    return spelled[0] if len(spelled) == 1 else '(%s)' % ', '.join(spelled)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--src', required=True)
    ap.add_argument('--verbose', action='store_true', help='show every comparison')
    ap.add_argument('--print-known', action='store_true',
                    help="print a KNOWN table of today's differences")
    args = ap.parse_args()
    if not shutil.which('gdb'):
        print('SKIP: gdb is not installed (scripts/test installs it)')
        return SKIP
    try:
        problem = gdbdiff.load_run_session(args.src).ptrace_problem()
        if problem:
            raise gdbdiff.Skip(problem)
        results = compare(os.path.abspath(args.build), os.path.abspath(args.src))
    except Failure as e:
        print('FAIL: %s' % e)
        return 1
    except gdbdiff.Skip as e:
        if os.environ.get('CI') == 'true':
            print('FAIL (would skip, but CI must not): %s' % e)
            return 1
        print('SKIP: %s' % e)
        return SKIP
    if args.print_known:
        for key, (g, l) in results.items():
            if g != l:
                print('    %r: %s,' % (key, known_source(key)))
        return 0
    failed = False
    stale = [key for key in KNOWN if key not in results]
    agreeing = [key for key, (g, l) in results.items() if g == l and key in KNOWN]
    agree = known = 0
    for key, (g, l) in results.items():
        if args.verbose:
            print('%s %s\n  gdb:  %s\n  lurk: %s' % ('==' if g == l else '!=', key, g, l))
        if g == l:
            agree += 1
        elif key in KNOWN:
            known += 1
        else:
            print('DIFFERS: %s\n  gdb:  %s\n  lurk: %s' % (key, g, l))
            failed = True
    if agreeing:
        failed = True
        print('These KNOWN entries of tests/gdbdiff/control.py agree now; delete them:')
        for key in agreeing:
            print('    %r' % key)
    if stale:
        failed = True
        print('These KNOWN entries of tests/gdbdiff/control.py name no case; delete them:')
        for key in stale:
            print('    %r' % key)
    causes = {}
    for key, (g, l) in results.items():
        if g != l and key in KNOWN:
            cause = known_source(key)
            causes[cause] = causes.get(cause, 0) + 1
    for cause, count in sorted(causes.items(), key=lambda c: (-c[1], c[0])):
        print('known: %3d %s' % (count, cause))
    print('%d comparisons, %d agree, %d known differences' % (len(results), agree, known))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
