/* pybreak.c - py break: Python breakpoints, judged in the program by a callback lurk puts there */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

/*
 * A py exec request (private namespace) puts module _lurk_break in the
 * program: from 3.12 on a sys.monitoring tool with PY_START and LINE
 * callbacks, on 3.11 a trace function in every thread (sys.settrace's,
 * given to the other thread states through _PyEval_SetTrace, and to new
 * threads through threading.settrace). The callbacks match each function
 * start or line against the breakpoints, judge the condition in the
 * frame, and then call libc's getppid (harmless, whatever its
 * arguments) with the breakpoint's token as the first argument: lurk
 * keeps a trap there, so the thread stops with the GIL held and its
 * Python frame current; other calls of getppid pass the trap without a
 * word. The token is the address of lurk's page plus the breakpoint's
 * slot: no other caller passes it. The page holds what the callbacks read:
 *   0    "LURKBRK", lurk's mark
 *   8    alive: 1 while lurk is attached; lurk sets it to 0 as it leaves,
 *        and the callbacks then remove themselves
 *   9    paused: 1 while a py exec request of lurk's runs (no stops then)
 *   16   one guard byte per slot: 1 while that breakpoint is enabled
 *   512  a condition's error message, for the stop report
 * Code and frames of the callbacks are in file "<lurk py break>": the py
 * commands never show them. The page stays mapped after lurk leaves
 * (callbacks that have not removed themselves yet read it); no code of
 * lurk's stays.
 */

#define MARK	     "LURKBRK"
#define ALIVE_OFF    8
#define PAUSED_OFF   9
#define GUARDS_OFF   16
#define MESSAGE_OFF  512
#define MAX_MESSAGE  3000
#define INSTALL_WAIT 10000
#define PAGE_BYTES   4096

static const char module_source[] =
	"# The callbacks of lurk's Python breakpoints, in module _lurk_break of the\n"
	"# program: they judge each function start or line and call hit (getppid,\n"
	"# which lurk keeps a trap on) with the breakpoint's token while its guard\n"
	"# byte is 1.\n"
	"import sys, ctypes, threading\n"
	"bps = {}\n"
	"tool = None\n"
	"def setup(data, code):\n"
	"    global alive, paused, guards, message, hit\n"
	"    alive = ctypes.c_ubyte.from_address(data + 8)\n"
	"    paused = ctypes.c_ubyte.from_address(data + 9)\n"
	"    guards = (ctypes.c_ubyte * 256).from_address(data + 16)\n"
	"    message = data + 512\n"
	"    hit = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64)(code)\n"
	"    install()\n"
	"class Bp:\n"
	"    def __init__(self, slot, name, file, line, cond):\n"
	"        self.slot, self.name, self.file, self.line = slot, name, file, line\n"
	"        self.cond = compile(cond, '<py break condition>', 'eval') if cond else None\n"
	"        self.codes = set()\n"
	"        if name:\n"
	"            self.codes = resolve(name)\n"
	"def resolve(name):\n"
	"    # The code of what the name is bound to in a loaded module, and of\n"
	"    # what a decorator's wrapper wraps (functools.wraps' __wrapped__).\n"
	"    codes = set()\n"
	"    parts = name.split('.')\n"
	"    for mod in list(sys.modules.values()):\n"
	"        obj = mod\n"
	"        try:\n"
	"            for p in parts:\n"
	"                obj = getattr(obj, p, None) if obj is not None else None\n"
	"        except Exception:\n"
	"            obj = None\n"
	"        seen = 0\n"
	"        while obj is not None and seen < 100:\n"
	"            seen += 1\n"
	"            fn = getattr(obj, '__func__', obj)\n"
	"            code = getattr(fn, '__code__', None)\n"
	"            if code is not None:\n"
	"                codes.add(code)\n"
	"            obj = getattr(fn, '__wrapped__', None)\n"
	"    return codes\n"
	"def matches(bp, code):\n"
	"    return (code in bp.codes or code.co_name == bp.name or\n"
	"            getattr(code, 'co_qualname', None) == bp.name)\n"
	"def in_file(bp, filename):\n"
	"    return filename == bp.file or filename.endswith('/' + bp.file)\n"
	"def check(bp, frame):\n"
	"    if not guards[bp.slot] or paused.value:\n"
	"        return\n"
	"    status = 0\n"
	"    if bp.cond is not None:\n"
	"        try:\n"
	"            if not eval(bp.cond, frame.f_globals, frame.f_locals):\n"
	"                return\n"
	"        except BaseException as e:\n"
	"            text = ('%s: %s' % (type(e).__name__, e)).encode('utf-8', 'replace')[:3000]\n"
	"            ctypes.memmove(message, text + b'\\0', len(text) + 1)\n"
	"            status = 1\n"
	"    hit(DATA + bp.slot, status)\n"
	"def describe(bp):\n"
	"    # Where it stops, when what it names is loaded already: '' when not.\n"
	"    if bp.name:\n"
	"        main = getattr(sys.modules.get('__main__'), '__file__', None)\n"
	"        found = sorted((c.co_filename != main, c.co_filename, c.co_firstlineno, "
	"c.co_name)\n"
	"                       for c in bp.codes if c.co_name != 'wrapper' or len(bp.codes) == "
	"1)\n"
	"        if not found:\n"
	"            return ''\n"
	"        more = ' and %d more' % (len(found) - 1) if len(found) > 1 else ''\n"
	"        return '%s (%s:%d)%s' % (found[0][3], found[0][1], found[0][2], more)\n"
	"    for mod in list(sys.modules.values()):\n"
	"        path = getattr(mod, '__file__', None)\n"
	"        if isinstance(path, str) and in_file(bp, path):\n"
	"            return '%s:%d' % (path, bp.line)\n"
	"    return ''\n"
	"def add(slot, name, file, line, cond):\n"
	"    bps[slot] = Bp(slot, name, file, line, cond)\n"
	"    update()\n"
	"    return describe(bps[slot])\n"
	"def set_condition(slot, cond):\n"
	"    bp = bps[slot]\n"
	"    bp.cond = compile(cond, '<py break condition>', 'eval') if cond else None\n"
	"if sys.version_info >= (3, 12):\n"
	"    mon = sys.monitoring\n"
	"    def install():\n"
	"        global tool\n"
	"        for i in (mon.DEBUGGER_ID, 3, 4):\n"
	"            if mon.get_tool(i) is None:\n"
	"                tool = i\n"
	"                break\n"
	"        else:\n"
	"            raise RuntimeError('no sys.monitoring tool id is free (0, 3 and 4 are "
	"taken)')\n"
	"        mon.use_tool_id(tool, 'lurk')\n"
	"        mon.register_callback(tool, mon.events.PY_START, on_start)\n"
	"        mon.register_callback(tool, mon.events.LINE, on_line)\n"
	"    def update():\n"
	"        events = 0\n"
	"        if any(bp.name for bp in bps.values()):\n"
	"            events |= mon.events.PY_START\n"
	"        if any(bp.file for bp in bps.values()):\n"
	"            events |= mon.events.LINE\n"
	"        mon.set_events(tool, events)\n"
	"        mon.restart_events()\n"
	"    def on_start(code, offset):\n"
	"        if not alive.value:\n"
	"            return uninstall()\n"
	"        found = False\n"
	"        for bp in list(bps.values()):\n"
	"            if bp.name and matches(bp, code):\n"
	"                found = True\n"
	"                check(bp, sys._getframe(1))\n"
	"        return None if found else mon.DISABLE\n"
	"    def on_line(code, line):\n"
	"        if not alive.value:\n"
	"            return uninstall()\n"
	"        found = False\n"
	"        for bp in list(bps.values()):\n"
	"            if bp.file and bp.line == line and in_file(bp, code.co_filename):\n"
	"                found = True\n"
	"                check(bp, sys._getframe(1))\n"
	"        return None if found else mon.DISABLE\n"
	"    def uninstall():\n"
	"        global tool\n"
	"        if tool is not None:\n"
	"            mon.set_events(tool, 0)\n"
	"            mon.register_callback(tool, mon.events.PY_START, None)\n"
	"            mon.register_callback(tool, mon.events.LINE, None)\n"
	"            mon.free_tool_id(tool)\n"
	"            tool = None\n"
	"        if sys.modules.get('_lurk_break') is not None and sys.modules['_lurk_break'].bps "
	"is bps:\n"
	"            del sys.modules['_lurk_break']\n"
	"else:\n" PY_CTYPES_THREAD_STATES "    def theirs(ts):\n"
	"        # A trace function that is not one of lurk's (c_traceobj follows c_tracefunc by "
	"two words).\n"
	"        if not ctypes.c_void_p.from_address(ts + TRACEFUNC).value:\n"
	"            return False\n"
	"        obj = ctypes.c_void_p.from_address(ts + TRACEFUNC + 16).value\n"
	"        fn = ctypes.cast(obj, ctypes.py_object).value if obj else None\n"
	"        return getattr(fn, '__globals__', {}).get('__name__') != '_lurk_break'\n"
	"    def install():\n"
	"        for ts in states():\n"
	"            if theirs(ts):\n"
	"                raise RuntimeError('a thread has a trace function already (sys.settrace: "
	"'\n"
	"                                   'a debugger or coverage runs)')\n"
	"        me = api.PyThreadState_Get()\n"
	"        sys.settrace(tracer)\n"
	"        func = ctypes.c_void_p.from_address(me + TRACEFUNC).value\n"
	"        for ts in states():\n"
	"            if ts != me:\n"
	"                api._PyEval_SetTrace(ts, func, tracer)\n"
	"        threading.settrace(tracer)\n"
	"    def update():\n"
	"        # Frames running already trace their lines only when told to.\n"
	"        files = [bp for bp in bps.values() if bp.file]\n"
	"        for frame in sys._current_frames().values():\n"
	"            while frame is not None:\n"
	"                if any(in_file(bp, frame.f_code.co_filename) for bp in files):\n"
	"                    frame.f_trace = local\n"
	"                frame = frame.f_back\n"
	"    def tracer(frame, event, arg):\n"
	"        if not alive.value:\n"
	"            uninstall()\n"
	"            return None\n"
	"        if event != 'call':\n"
	"            return None\n"
	"        code = frame.f_code\n"
	"        lines = False\n"
	"        for bp in list(bps.values()):\n"
	"            if bp.name and matches(bp, code):\n"
	"                check(bp, frame)\n"
	"            if bp.file and in_file(bp, code.co_filename):\n"
	"                lines = True\n"
	"        return local if lines else None\n"
	"    def local(frame, event, arg):\n"
	"        if not alive.value:\n"
	"            return None\n"
	"        if event == 'line':\n"
	"            for bp in list(bps.values()):\n"
	"                if bp.file and bp.line == frame.f_lineno and in_file(bp, "
	"frame.f_code.co_filename):\n"
	"                    check(bp, frame)\n"
	"        return local\n"
	"    def uninstall():\n"
	"        # This thread's trace function; each other thread drops its own at its next "
	"call.\n"
	"        sys.settrace(None)\n"
	"        threading.settrace(None)\n"
	"        if sys.modules.get('_lurk_break') is not None and sys.modules['_lurk_break'].bps "
	"is bps:\n"
	"            del sys.modules['_lurk_break']\n";

/* The request of py break: the module first (once a process), then the breakpoint. */
static const char add_code[] =
	"import sys\n"
	"st = sys.modules.get('_lurk_break')\n"
	"if st is not None and st.DATA != %" PRIu64 ":\n"
	"    st.uninstall()\n"
	"    st = None\n"
	"if st is None:\n"
	"    import types\n"
	"    st = types.ModuleType('_lurk_break')\n"
	"    st.DATA, st.TRACEFUNC = %" PRIu64 ", %" PRIu64 "\n"
	"    exec(compile(bytes.fromhex('%s').decode(), '<lurk py break>', 'exec'), "
	"st.__dict__)\n"
	"    st.setup(%" PRIu64 ", %" PRIu64 ")\n"
	"    sys.modules['_lurk_break'] = st\n"
	"try:\n"
	"    answer = 'at:' + st.add(%d, bytes.fromhex('%s').decode() or None,\n"
	"                            bytes.fromhex('%s').decode() or None, %d,\n"
	"                            bytes.fromhex('%s').decode() or None)\n"
	"except SyntaxError as e:\n"
	"    answer = 'error:the condition is not a Python expression: %%s' %% e.msg\n"
	"answer.encode().hex()\n";

static const char condition_code[] =
	"import sys\n"
	"try:\n"
	"    sys.modules['_lurk_break'].set_condition(%d, bytes.fromhex('%s').decode() or None)\n"
	"    answer = 'at:'\n"
	"except SyntaxError as e:\n"
	"    answer = 'error:the condition is not a Python expression: %%s' %% e.msg\n"
	"answer.encode().hex()\n";

static struct py_break_pages *pages_of(struct lurk_plugin *self)
{
	return &((struct py_plugin *)api->plugin_data(self))->breaks;
}

static char *hex(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *out = malloc(2 * n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)s[i]);
	out[2 * n] = '\0';
	return out;
}

/* The page of this process, mapped now if it is not there (another process, an exec). */
static int break_pages(const struct py *py, struct py_break_pages *p)
{
	char mark[8] = "";
	int pid = py_exec_pid(py);
	unsigned char one = 1, alive = 0;

	/*
	 * The page stays mapped when lurk leaves the process, its alive byte
	 * cleared: the callbacks that read it remove themselves. Attached
	 * again (detach, then attach in the same lurk), lurk takes a new page
	 * whose byte it clears when it leaves in turn; reused, the new
	 * callbacks would read the old byte, think lurk gone and stop nothing.
	 */
	if (p->pid == pid && p->data && api->read_memory(py->self, p->data, mark, 8) == 0 &&
	    !memcmp(mark, MARK, 8) &&
	    api->read_memory(py->self, p->data + ALIVE_OFF, &alive, 1) == 0 && alive == 1)
		return 0;
	*p = (struct py_break_pages){ .pid = pid };
	if (api->symbol_lookup(py->self, "getppid", NULL, &p->hit, NULL) < 0) {
		api->error(py->self, "the program has no getppid (libc) for lurk's trap");
		return -1;
	}
	if (api->map_memory(py->self, PAGE_BYTES, &p->data) < 0) {
		api->error(py->self, "cannot map lurk's page in the program: %s",
			   api->last_error(py->self));
		return -1;
	}
	if (api->write_memory(py->self, p->data, MARK, 8) < 0 ||
	    api->write_memory(py->self, p->data + ALIVE_OFF, &one, 1) < 0 ||
	    api->clear_on_leave(py->self, p->data + ALIVE_OFF) < 0) {
		api->error(py->self, "cannot set up lurk's page in the program: %s",
			   api->last_error(py->self));
		api->unmap_memory(py->self, p->data, PAGE_BYTES);
		p->data = 0;
		return -1;
	}
	return 0;
}

/* What py break was given. */
struct break_spec {
	char name[256];	 /* a function: NAME, CLASS.METHOD, MODULE.NAME; or "" */
	char file[1024]; /* or a FILE:LINE's file */
	int line;
	char cond[4096]; /* "" when none */
};

static bool is_name(const char *s)
{
	bool start = true;

	for (; *s; s++) {
		if (*s == '.' && !start) {
			start = true;
			continue;
		}
		if (!(isalpha((unsigned char)*s) || *s == '_' ||
		      (!start && isdigit((unsigned char)*s)) || (unsigned char)*s >= 0x80))
			return false;
		start = false;
	}
	return !start;
}

#define BREAK_USAGE "usage: py break FUNCTION [if CONDITION] | py break FILE:LINE [if CONDITION]"

static int parse_break(const struct py *py, const char *args, struct break_spec *b)
{
	size_t n = strcspn(args, " \t");
	const char *rest = args + n + strspn(args + n, " \t");
	const char *colon;
	char spec[1300];

	memset(b, 0, sizeof(*b));
	if (!n) {
		api->error(py->self, BREAK_USAGE);
		return -1;
	}
	if (n >= sizeof spec) {
		api->error(py->self, "\"%.20s...\" is too long", args);
		return -1;
	}
	snprintf(spec, sizeof spec, "%.*s", (int)n, args);
	if (*rest) {
		if (strncmp(rest, "if", 2) || !(rest[2] == ' ' || rest[2] == '\t' || !rest[2])) {
			api->error(py->self,
				   "\"%s\": only \"if CONDITION\" may follow the "
				   "location; " BREAK_USAGE,
				   rest);
			return -1;
		}
		rest += 2 + strspn(rest + 2, " \t");
		if (!*rest) {
			api->error(py->self, "\"if\" needs a condition (a Python expression)");
			return -1;
		}
		if (strlen(rest) >= sizeof b->cond) {
			api->error(py->self, "the condition is too long");
			return -1;
		}
		snprintf(b->cond, sizeof b->cond, "%s", rest);
	}
	colon = strrchr(spec, ':');
	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		long line = strtol(colon + 1, NULL, 10);

		if (colon == spec || line < 1 || line > 10000000) {
			api->error(py->self, "\"%s\": FILE:LINE needs a file and a line from 1",
				   spec);
			return -1;
		}
		snprintf(b->file, sizeof b->file, "%.*s", (int)(colon - spec), spec);
		b->line = (int)line;
		return 0;
	}
	if (!is_name(spec) || strlen(spec) >= sizeof b->name) {
		api->error(py->self,
			   "\"%s\" is not a function name (NAME, CLASS.METHOD, MODULE.NAME) or "
			   "FILE:LINE",
			   spec);
		return -1;
	}
	snprintf(b->name, sizeof b->name, "%s", spec);
	return 0;
}

/* The hex the request gave back (the repr of a str of hex digits) as text. */
static void unhex_value(const char *value, char *out, size_t len)
{
	size_t k = 0;

	out[0] = '\0';
	if (!value || (value[0] != '\'' && value[0] != '"'))
		return;
	for (const char *p = value + 1;
	     isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]) && k + 1 < len;
	     p += 2) {
		char byte[3] = { p[0], p[1], '\0' };

		out[k++] = (char)strtol(byte, NULL, 16);
	}
	out[k] = '\0';
}

static int where_stopped(struct lurk_plugin *self, void *userdata, int thread, uint64_t token,
			 uint64_t value, struct lurk_logical_frame *where);
static int change_condition(struct lurk_plugin *self, void *userdata, uint64_t token,
			    const char *cond);

static const struct lurk_breakpoint_kind py_break_kind = {
	.size = sizeof(struct lurk_breakpoint_kind),
	.title = "Python breakpoint",
	.type = "py breakpoint",
	.create = "py break",
	.where = where_stopped,
	.set_condition = change_condition,
};

/* Run the request that adds breakpoint b in slot, the module first if the program lacks it. */
static int install(const struct py *py, const struct break_spec *b, int slot, char **value)
{
	const struct py_break_pages *p = pages_of(py->self);
	/* 3.11: c_tracefunc follows c_profilefunc in PyThreadState. */
	uint64_t tracefunc = py->l->dbg ? 0 : py->l->ts_c_profilefunc + 8;
	char *src = hex(module_source), *name = hex(b->name), *file = hex(b->file),
	     *cond = hex(b->cond), *code = NULL;
	int ret = -1;

	if (src && name && file && cond &&
	    asprintf(&code, add_code, p->data, p->data, tracefunc, src, p->data, p->hit, slot, name,
		     file, b->line, cond) >= 0)
		ret = py_exec_code(py, code, strlen(code), INSTALL_WAIT, true, value, NULL);
	else
		api->error(py->self, "out of memory");
	free(src);
	free(name);
	free(file);
	free(cond);
	free(code);
	return ret;
}

int py_break_run(const struct py *py, const char *args)
{
	struct py_break_pages *p = pages_of(py->self);
	struct break_spec b;
	char *value = NULL, where[1200], what[1300];
	int slot, num;
	struct lurk_record *r;

	if (parse_break(py, args, &b) < 0)
		return -1;
	if (!py->l->dbg && !py->l->ts_c_profilefunc) {
		api->error(py->self,
			   "this interpreter's thread states cannot be given a trace function");
		return -1;
	}
	if (break_pages(py, p) < 0)
		return -1;
	py_exec_say_interpreters(py);
	if (p->next_slot >= PY_BREAK_SLOTS) {
		api->error(py->self, "a process takes %d Python breakpoints at most",
			   PY_BREAK_SLOTS);
		return -1;
	}
	slot = p->next_slot++;
	/* The location is the words before "if": what info breakpoints shows. */
	if (b.name[0])
		snprintf(what, sizeof what, "%s", b.name);
	else
		snprintf(what, sizeof what, "%s:%d", b.file, b.line);
	/*
	 * The callbacks learn of it first, its guard still 0: lurk makes it,
	 * which sets the guard to 1, only once the program is stopped again.
	 */
	if (install(py, &b, slot, &value) < 0) {
		free(value);
		return -1;
	}
	unhex_value(value, where, sizeof where);
	free(value);
	if (!strncmp(where, "error:", 6)) {
		api->error(py->self, "%s", where + 6);
		return -1;
	}
	num = api->add_breakpoint(py->self, &py_break_kind, what, b.cond[0] ? b.cond : NULL, p->hit,
				  p->data + (uint64_t)slot, p->data + GUARDS_OFF + (uint64_t)slot);
	if (num < 0) {
		api->error(py->self, "%s", api->last_error(py->self));
		return -1;
	}
	p->nums[slot] = num;
	r = api->record_new(py->self);
	api->record_int(r, "number", num);
	api->record_str(r, "spec", what);
	if (where[3]) {
		api->record_str(r, "location", where + 3);
		api->record_emit(py->self, r, "Python breakpoint %d at %s", num, where + 3);
	} else {
		api->record_int(r, "pending", 1);
		api->record_emit(
			py->self, r,
			"Python breakpoint %d (%s) pending: nothing loaded yet has that %s; "
			"it stops when one runs",
			num, what, b.name[0] ? "name" : "file");
	}
	return 0;
}

/* The first frame of the thread py bt shows: where the breakpoint stopped it. */
static int take_first(void *arg, const struct py_frame *f)
{
	*(struct py_frame *)arg = *f;
	return 1;
}

static int where_stopped(struct lurk_plugin *self, void *userdata, int thread, uint64_t token,
			 uint64_t value, struct lurk_logical_frame *where)
{
	static struct py_frame f;
	static char note[MAX_MESSAGE + 128];
	const struct py_break_pages *p = pages_of(self);
	uint64_t slot = token - p->data;
	char message[MAX_MESSAGE + 1] = "";
	struct py_thread t;
	struct py py;

	(void)userdata;
	memset(&f, 0, sizeof f);
	if (py_attach(self, &py) != 0 || py_thread_find(&py, thread, 0, &t) < 0 ||
	    py_frames_each(&py, &t, take_first, &f, NULL) < 0 || !f.name[0])
		return -1;
	where->function = f.name;
	where->file = f.file[0] ? f.file : NULL;
	where->line = f.line;
	where->kind = "python";
	if (value == 1 && p->data) {
		api->read_string(self, p->data + MESSAGE_OFF, message, sizeof message);
		snprintf(note, sizeof note,
			 "Error in testing the condition of Python breakpoint %d (it stops): %s",
			 slot < PY_BREAK_SLOTS ? p->nums[slot] : 0, message);
		where->note = note;
	}
	return 0;
}

static int change_condition(struct lurk_plugin *self, void *userdata, uint64_t token,
			    const char *cond)
{
	char *code = NULL, *text = hex(cond ? cond : ""), *value = NULL, answer[1200];
	struct py py;
	int ret = -1;

	(void)userdata;
	if (py_attach(self, &py) == 0 && text &&
	    asprintf(&code, condition_code, (int)(token - pages_of(self)->data), text) >= 0)
		ret = py_exec_code(&py, code, strlen(code), INSTALL_WAIT, true, &value, NULL);
	unhex_value(value, answer, sizeof answer);
	if (ret == 0 && !strncmp(answer, "error:", 6)) {
		api->error(self, "%s", answer + 6);
		ret = -1;
	}
	free(value);
	free(code);
	free(text);
	return ret;
}

void py_break_pause(const struct py *py, bool paused)
{
	unsigned char v = paused;
	char mark[8];

	const struct py_break_pages *p = pages_of(py->self);

	if (p->data && p->pid == py_exec_pid(py) &&
	    api->read_memory(py->self, p->data, mark, 8) == 0 && !memcmp(mark, MARK, 8))
		api->write_memory(py->self, p->data + PAUSED_OFF, &v, 1);
}
