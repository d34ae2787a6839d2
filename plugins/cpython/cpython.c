/* cpython.c - the CPython plugin: py commands, and Python frames in place of the interpreter's */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

const struct lurk_api *api;

/* ---- py bt ------------------------------------------------------------------------ */

/* The interpreter is named only when there is more than one. */
static void thread_header(const struct py_thread *t, bool gil_wait, char *buf, size_t len)
{
	char num[16], interp[40] = "";

	snprintf(num, sizeof num, "%d", t->thread);
	if (t->interps > 1)
		snprintf(interp, sizeof interp, ", interpreter %" PRId64, t->interp_id);
	snprintf(buf, len, "Thread %s (tid %" PRId64 "%s)%s%s%s%s", t->thread ? num : "?", t->tid,
		 interp, t->name[0] ? " \"" : "", t->name, t->name[0] ? "\"" : "",
		 t->gil	    ? " holds the GIL"
		 : gil_wait ? " waits for the GIL"
			    : "");
}

struct bt {
	const struct py *py;
	const struct py_thread *t;
	int level;
	bool columns; /* py bt --columns */
};

static int print_frame(void *arg, const struct py_frame *f)
{
	struct bt *b = arg;

	py_frame_print(b->py, b->t->thread, b->level++, f, b->columns);
	return 0;
}

static void print_stack(const struct py *py, const struct py_thread *t, bool columns)
{
	struct bt b = { py, t, 0, columns };
	struct lurk_record *r = api->record_new(py->self);
	char header[200];
	bool broken = false, gil_wait = !t->gil && py_waits_for_gil(py, t);

	thread_header(t, gil_wait, header, sizeof header);
	api->record_str(r, "kind", "thread");
	api->record_int(r, "thread", t->thread);
	api->record_int(r, "tid", t->tid);
	api->record_str(r, "name", t->name);
	api->record_int(r, "gil", t->gil);
	api->record_int(r, "gil_wait", gil_wait);
	if (t->interps > 1)
		api->record_int(r, "interp", t->interp_id);
	api->record_emit(py->self, r, "%s:", header);
	py_frames_each(py, t, print_frame, &b, &broken);
	if (broken)
		api->print(py->self,
			   "#%-2d ?? (the next frame cannot be read: the stack ends here)",
			   b.level);
	else if (!b.level)
		api->print(py->self, "    (no Python frames)");
}

struct bt_all {
	const struct py *py;
	int only; /* a lurk thread number, or 0 for all */
	int shown;
	bool columns;
};

static int stack_of(void *arg, const struct py_thread *t)
{
	struct bt_all *a = arg;

	if (a->only && t->thread != a->only)
		return 0;
	if (a->shown++ && !api->output_is_json(a->py->self))
		api->print(a->py->self, "%s", "");
	print_stack(a->py, t, a->columns);
	return 0;
}

static int py_bt(const struct py *py, const char *args)
{
	struct bt_all a = { py, 0, 0, false };
	bool all = false;

	/* Words in any order: all, --columns. */
	while (*args) {
		size_t n = strcspn(args, " \t");

		if (n == 3 && !strncmp(args, "all", n))
			all = true;
		else if (n == 9 && !strncmp(args, "--columns", n))
			a.columns = true;
		else {
			api->error(py->self,
				   "unknown argument \"%.*s\"; usage: py bt [all] [--columns]",
				   (int)n, args);
			return -1;
		}
		args += n + strspn(args + n, " \t");
	}
	if (!all)
		a.only = api->selected_thread(py->self);
	if (py_threads_each(py, stack_of, &a) < 0)
		return -1;
	if (a.only && !a.shown) {
		api->error(py->self,
			   "thread %d is not a Python thread (py bt all shows the ones there are)",
			   a.only);
		return -1;
	}
	return 0;
}

/* ---- py threads ------------------------------------------------------------------- */

static int thread_line(void *arg, const struct py_thread *t)
{
	const struct py *py = arg;
	struct lurk_record *r = api->record_new(py->self);
	char state[200], ident[32];

	py_thread_state(py, t, state, sizeof state);
	snprintf(ident, sizeof ident, "0x%" PRIx64, t->ident);
	api->record_int(r, "thread", t->thread);
	api->record_int(r, "tid", t->tid);
	api->record_str(r, "ident", ident);
	api->record_str(r, "name", t->name);
	api->record_int(r, "gil", t->gil);
	api->record_int(r, "interp", t->interp_id);
	api->record_str(r, "state", state);
	api->record_emit(py->self, r, "%s %-4d %-8" PRId64 " %-16s %-16s %-6s %-6" PRId64 " %s",
			 t->thread && t->thread == api->selected_thread(py->self) ? "*" : " ",
			 t->thread, t->tid, ident, t->name[0] ? t->name : "-",
			 t->gil ? "holds" : "-", t->interp_id, state);
	return 0;
}

static int py_threads(const struct py *py, const char *args)
{
	if (*args) {
		api->error(py->self, "py threads takes no arguments");
		return -1;
	}
	if (py->l->free_threaded) {
		struct lurk_record *r = api->record_new(py->self);

		api->record_str(r, "kind", "interpreter");
		api->record_str(r, "build", "free-threaded");
		api->record_emit(py->self, r,
				 "(a free-threaded build: there is no GIL to report; py bt and py "
				 "threads work, py locals and py locks do not)");
	}
	if (!api->output_is_json(py->self))
		api->print(py->self, "  %-4s %-8s %-16s %-16s %-6s %-6s %s", "Id", "TID", "Ident",
			   "Name", "GIL", "Interp", "State");
	return py_threads_each(py, thread_line, (void *)py);
}

/* ---- the py command ----------------------------------------------------------------- */

static int py_locks(const struct py *py, const char *args)
{
	if (*args) {
		api->error(py->self, "py locks takes no arguments");
		return -1;
	}
	return py_locks_report(py);
}

/*
 * py profile: lurk's sampling profile with py-spy's defaults, Python frames
 * only and threads that sleep in a system call left out; --native keeps
 * the native frames between them, --idle the sleeping threads. The other
 * options are profile's.
 */
static int py_profile(const struct py *py, const char *args)
{
	const char *all = args;
	char line[1024] = "profile", word[512];
	bool native = false, idle = false;
	size_t used = strlen(line);

	while (*args) {
		size_t n = strcspn(args, " \t");

		if (n >= sizeof word) {
			api->error(py->self, "\"%.20s...\" is too long", args);
			return -1;
		}
		memcpy(word, args, n);
		word[n] = '\0';
		args += n + strspn(args + n, " \t");
		if (!strcmp(word, "--native")) {
			native = true;
		} else if (!strcmp(word, "--idle")) {
			idle = true;
		} else if (!strcmp(word, "--exact")) {
			return py_profile_exact(py, all);
		} else if (used + 1 + n < sizeof line) {
			line[used++] = ' ';
			memcpy(line + used, word, n + 1);
			used += n;
		} else {
			api->error(py->self, "too many arguments for py profile");
			return -1;
		}
	}
	snprintf(line + used, sizeof line - used, "%s%s", native ? "" : " --logical",
		 idle ? "" : " --active");
	return api->run_command(py->self, line);
}

/* Each py subcommand: its name and what runs it on the interpreter found. */
static const struct py_subcommand {
	const char *name;
	int (*run)(const struct py *py, const char *args);
} py_subcommands[] = {
	{ "bt", py_bt },
	{ "threads", py_threads },
	{ "locals", py_locals_report },
	{ "globals", py_globals_report },
	{ "locks", py_locks },
	{ "tasks", py_tasks_report },
	{ "up", py_up },
	{ "down", py_down },
	{ "frame", py_frame },
	{ "print", py_print_run },
	{ "sizeof", py_sizeof_run },
	{ "count", py_count },
	{ "heap", py_heap },
	{ "profile", py_profile },
	{ "exec", py_exec_run },
	{ "break", py_break_run },
};

static const char *const subcommands[] = { "bt",    "threads", "locals", "globals",
					   "locks", "tasks",   "up",	 "down",
					   "frame", "print",   "sizeof", "count",
					   "heap",  "profile", "break",	 NULL };

#define PY_USAGE                                                                                 \
	"py bt [all] [--columns] | py threads | py locals [N] | py globals [MODULE] | py locks " \
	"| py tasks [--all] | py up [N] | py down [N] | py frame [N] | py print EXPR | py "      \
	"sizeof EXPR | py count TYPE | py heap [--top N] | py profile [SECONDS] [--hz N] [-o "   \
	"FILE] [--top N] [--native] [--idle] | py profile --exact [SECONDS] [--sort KEY] [-o "   \
	"FILE] [--top N] | py exec [--timeout SECONDS] CODE | py exec -f FILE | py break "       \
	"FUNCTION|FILE:LINE [if CONDITION]"

static int py_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	const struct py_subcommand *sc = NULL;
	struct py py;
	char sub[16] = "";
	const char *rest;
	size_t n = strcspn(args, " \t");
	int running;

	(void)userdata;
	if (n >= sizeof sub || !n) {
		api->error(self, "usage: " PY_USAGE);
		return -1;
	}
	memcpy(sub, args, n);
	rest = args + n + strspn(args + n, " \t");
	for (size_t i = 0; i < sizeof py_subcommands / sizeof py_subcommands[0]; i++)
		if (!strcmp(sub, py_subcommands[i].name))
			sc = &py_subcommands[i];
	if (!sc) {
		api->error(self, "unknown subcommand \"%s\"; usage: " PY_USAGE, sub);
		return -1;
	}
	if (py_attach(self, &py) != 0 || (running = py_running(&py)) < 0)
		return -1;
	if (running) {
		struct lurk_record *r = api->record_new(self);

		api->record_str(r, "kind", "interpreter");
		api->record_str(r, "state", "finalizing");
		api->record_emit(self, r,
				 "(the Python interpreter is finalizing: what Python code still "
				 "runs is its clean-up, such as __del__ methods; other threads are "
				 "gone)");
	}
	py.thread_names = true;
	return sc->run(&py, rest);
}

static void py_complete(struct lurk_plugin *self, void *userdata, const char *prefix,
			void (*add)(void *arg, const char *candidate), void *arg)
{
	(void)self;
	(void)userdata;
	/*
	 * lurk passes only the word being typed, not the words before it: an
	 * option is completed from every subcommand's (none share a name), a
	 * word that is none from the subcommands.
	 */
	if (prefix[0] == '-') {
		static const char *const options[] = { "--columns", "--top",  "--all", "--hz",
						       "--native",  "--idle", NULL };

		for (int i = 0; options[i]; i++)
			if (!strncmp(options[i], prefix, strlen(prefix)))
				add(arg, options[i]);
		return;
	}
	for (int i = 0; subcommands[i]; i++)
		if (!strncmp(subcommands[i], prefix, strlen(prefix)))
			add(arg, subcommands[i]);
}

static const struct lurk_command py_command = {
	.size = sizeof(struct lurk_command),
	.name = "py",
	.usage = PY_USAGE,
	.summary = "Python stacks, threads, locals, lock waits and values of a CPython process",
	.run = py_run,
	.complete = py_complete,
	.subcommands = subcommands,
};

/* ---- mixed stacks: evaluation frames show the Python frames they run ---------------- */

/*
 * Which native frames run the evaluation loop, and which Python frames each
 * runs. On 3.11 they are the frames named _PyEval_EvalFrameDefault: the
 * innermost runs the Python frames up to the first entry frame, the next
 * those up to the second, and so on. From 3.13 on a name is not enough: a
 * build may split the function so that its loop runs in a code range
 * without a symbol (Debian's 3.14 does). But each C-level evaluation pushes
 * a shim frame that lives on the C stack of the native frame running it: a
 * native frame is an evaluation exactly when a shim lies between its stack
 * pointer and its caller's, and it runs the Python frames after the
 * previous shim on the C stack. Shims elsewhere (in the interpreter's own
 * frame stack) start no evaluation of their own.
 */
static const char eval_function[] = "_PyEval_EvalFrameDefault";

struct native_stack {
	int level;
	int inner;		/* 3.11: evaluation frames inner to the one at level */
	uint64_t sp, caller_sp; /* the stack pointers of the frame at level and of its caller */
	uint64_t lo, hi;	/* the thread's stack, as far as it is unwound */
};

static int walk_native(void *arg, const struct lurk_frame *frame)
{
	struct native_stack *n = arg;

	if (frame->sp && (!n->lo || frame->sp < n->lo))
		n->lo = frame->sp;
	if (frame->sp > n->hi)
		n->hi = frame->sp;
	if (frame->level == n->level)
		n->sp = frame->sp;
	else if (frame->level == n->level + 1)
		n->caller_sp = frame->sp;
	else if (frame->level < n->level && frame->function &&
		 !strcmp(frame->function, eval_function))
		n->inner++;
	return 0;
}

/* 3.13 on: the shims (counted as py_frame.evals counts them) of the evaluation the frame runs. */
static int eval_range(const struct py *py, const struct py_thread *t, const struct native_stack *n,
		      int *first, int *last)
{
	static uint64_t shims[PY_MAX_FRAMES];
	int count = py_eval_shims(py, t, shims, PY_MAX_FRAMES), prev = -1;

	if (!n->sp || n->caller_sp <= n->sp)
		return -1;
	for (int i = 0; i < count; i++) {
		if (shims[i] >= n->sp && shims[i] < n->caller_sp) {
			*first = prev + 1;
			*last = i;
			return 0;
		}
		if (shims[i] >= n->lo && shims[i] <= n->hi)
			prev = i;
	}
	return -1;
}

struct tid_of {
	int thread;
	int64_t tid;
};

static int find_tid(void *arg, int thread, int tid, const char *name)
{
	struct tid_of *t = arg;

	(void)name;
	if (thread != t->thread)
		return 0;
	t->tid = tid;
	return 1;
}

struct expansion {
	int first, last; /* the py_frame.evals of the frames to show */
	int at;		 /* the evals of the frame after the last one walked */
	int emitted;
	int walked; /* frames of the thread state walked so far: py locals numbers them so */
	void (*emit)(void *arg, const struct lurk_logical_frame *logical);
	void *arg;
};

static int emit_group(void *arg, const struct py_frame *f)
{
	struct expansion *x = arg;

	int index = x->walked++;

	if (f->evals >= x->first && f->evals <= x->last) {
		char note[600] = "", locals[32];
		struct lurk_logical_frame lf = { .size = sizeof(lf),
						 .function = f->name,
						 .file = f->file,
						 .line = f->line,
						 .kind = "python" };

		if (f->wraps[0]) {
			snprintf(note, sizeof note, "[wraps %s]", f->wraps);
			lf.note = note;
		}
		/* An older lurk reads no further than its own ABI's members. */
		snprintf(locals, sizeof locals, "py locals %d", index);
		lf.locals = locals;
		x->emit(x->arg, &lf);
		x->emitted++;
	}
	x->at = f->evals + f->entry;
	return x->at > x->last;
}

static int count_evals(void *arg, const struct py_frame *f)
{
	*(int *)arg = f->evals + f->entry;
	return 0;
}

/*
 * The thread state whose Python frames the evaluation at n runs, and which
 * of its evaluations that is: a thread that called into a subinterpreter has
 * a thread state in each interpreter, their evaluations nested on one C
 * stack. 0, or -1 when the frame runs none.
 */
static int eval_owner(const struct py *py, int64_t tid, const struct native_stack *n,
		      struct py_thread *pt, struct expansion *x)
{
	struct py_thread states[PY_MAX_STATES];
	int count = py_thread_states(py, tid, states, PY_MAX_STATES), inner = n->inner;

	for (int i = 0; i < count; i++) {
		int evals = 0;
		bool broken = false;

		*pt = states[i];
		if (py->l->dbg) {
			if (eval_range(py, pt, n, &x->first, &x->last) == 0)
				return 0;
			continue;
		}
		/* 3.11: the inner states' evaluations come first on the stack. */
		/* Past a frame that cannot be read, the rest of the stack is taken to be its. */
		py_frames_each(py, pt, count_evals, &evals, &broken);
		if (inner < evals || broken) {
			x->first = x->last = inner;
			return 0;
		}
		inner -= evals;
	}
	return -1;
}

static int eval_expand(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame,
		       void (*emit)(void *arg, const struct lurk_logical_frame *logical), void *arg)
{
	struct py py;
	struct native_stack n = { .level = frame->level };
	struct tid_of t = { frame->thread, -1 };
	struct py_thread pt;
	struct expansion x = { .emit = emit, .arg = arg };
	bool broken = false;

	(void)userdata;
	/* Unnamed frames come here too: most are not evaluations, and are turned away first. */
	if (py_attach(self, &py) != 0 || (py.l->dbg ? !frame->sp : !frame->function))
		return LURK_DECLINE;
	if (api->frames(self, frame->thread, walk_native, &n) < 0 ||
	    api->threads(self, find_tid, &t) < 0 || t.tid < 0 ||
	    eval_owner(&py, t.tid, &n, &pt, &x) < 0)
		return LURK_DECLINE;
	py_frames_each(&py, &pt, emit_group, &x, &broken);
	if (broken && x.at >= x.first && x.at <= x.last) {
		struct lurk_logical_frame lf = { .size = sizeof(lf),
						 .function = "??",
						 .kind = "python",
						 .note = "[the next Python frame cannot be read]" };

		emit(arg, &lf);
		x.emitted++;
	}
	return x.emitted ? 0 : LURK_DECLINE;
}

/* The loop's body may have no symbol: unnamed frames are offered to eval_expand as well. */
static int eval_match(struct lurk_plugin *self, void *userdata, const char *module,
		      const char *function)
{
	(void)self;
	(void)userdata;
	(void)module;
	return !function;
}

static const char *const eval_functions[] = { eval_function, NULL };

/* A profile's sample copies the thread states and frame stacks the expansion reads. */
static int eval_sample_memory(struct lurk_plugin *self, void *userdata,
			      void (*add)(void *arg, uint64_t address, uint64_t length), void *arg)
{
	struct py py;

	(void)userdata;
	if (py_attach(self, &py) != 0)
		return 0; /* not Python: nothing to add */
	return py_sample_memory(&py, add, arg);
}

static const struct lurk_inspector eval_inspector = {
	.size = sizeof(struct lurk_inspector),
	.name = "python-frames",
	.functions = eval_functions,
	.match = eval_match,
	.expand = eval_expand,
	.sample_memory = eval_sample_memory,
};

static const struct lurk_lock_source lock_source = {
	.size = sizeof(struct lurk_lock_source),
	.name = "python-locks",
	.waits = py_lock_waits,
};

/* ---- thread names: threading's, for lurk's info threads, bt and lock reports ---------- */

struct namer {
	void (*add)(void *arg, int thread, const char *name);
	void *arg;
};

static int name_thread(void *arg, const struct py_thread *t)
{
	struct namer *n = arg;

	if (t->thread && t->name[0])
		n->add(n->arg, t->thread, t->name);
	return 0;
}

static int python_module(void *arg, const char *path, uint64_t low, uint64_t high)
{
	const char *base = strrchr(path, '/');
	bool *found = arg;

	(void)low;
	(void)high;
	*found = strstr(base ? base + 1 : path, "python") != NULL;
	return *found;
}

static int py_thread_names(struct lurk_plugin *self, void *userdata,
			   void (*add)(void *arg, int thread, const char *name), void *arg)
{
	struct namer n = { add, arg };
	struct py py;
	bool python = false;

	(void)userdata;
	/*
	 * Asked at every stop of every process: finding out that a process is
	 * not Python by its symbols reads every library's symbol names (in
	 * libc's debug file, hundreds of pages), so names come only where a
	 * python executable or libpython is mapped.
	 */
	if (api->modules(self, python_module, &python) < 0 || !python)
		return 0;
	if (py_attach(self, &py) != 0)
		return -1;
	py.thread_names = true;
	return py_threads_each(&py, name_thread, &n);
}

static const struct lurk_thread_namer thread_namer = {
	.size = sizeof(struct lurk_thread_namer),
	.name = "python-threads",
	.names = py_thread_names,
};

/* ---- what lurk loads ----------------------------------------------------------------- */

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	/*
	 * selected_thread, register_lock_source; generation, plugin_data;
	 * thread namers, subcommands; sample_memory, run_command
	 */
	.abi_minor = 4,
	.name = "cpython",
	.version = "1.0",
	.summary = "Python stacks, threads, locals and lock waits of CPython 3.11, 3.13 and 3.14, "
		   "without debug symbols",
	.size = sizeof(struct lurk_plugin_info),
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	struct py_plugin *plugin = calloc(1, sizeof(*plugin));

	api = lurk;
	if (!plugin) {
		api->error(self, "out of memory");
		return -1;
	}
	/* Without it every read goes to the target: slower, the same answers. */
	plugin->pages = calloc(1, sizeof(*plugin->pages));
	api->set_plugin_data(self, plugin);
	if (api->register_command(self, &py_command) < 0 ||
	    api->register_inspector(self, &eval_inspector) < 0 ||
	    api->register_lock_source(self, &lock_source) < 0 ||
	    api->register_thread_namer(self, &thread_namer) < 0) {
		free(plugin->pages);
		free(plugin);
		return -1;
	}
	return 0;
}

void lurk_plugin_fini(struct lurk_plugin *self)
{
	struct py_plugin *plugin = api->plugin_data(self);

	if (plugin)
		free(plugin->pages);
	free(plugin);
}
