/* pytasks.c - the asyncio tasks of a CPython 3.11/3.13/3.14 process: state, what each awaits, the running one */
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debug-offsets.h"
#include "py.h"

#define MAX_TASKS 100000 /* followed through the lists */
#define MAX_SHOWN 200	 /* printed without --all; a summary line counts the rest */
#define MAX_CHAIN 32	 /* coroutines followed through their awaits */

/*
 * 3.14's _asyncio module describes its task object and where it keeps
 * tasks in a table of its own, in a section of that name (a static
 * variable: stripped builds have no symbol for it). Members in the order
 * of that version's Py_AsyncioModuleDebugOffsets; each group's first
 * word is its structure's size.
 */
struct py_asyncio_dbg_314 {
	struct {
		uint64_t size, task_name, task_awaited_by, task_is_task, task_awaited_by_is_set;
		uint64_t task_coro, task_node;
	} task;
	struct {
		uint64_t size, tasks_head;
	} interp;
	struct {
		uint64_t size, running_loop, running_task, tasks_head;
	} thread;
};

/* A future's state (fut_state in _asyncio): the int just before task_is_task. */
enum { FUT_PENDING, FUT_CANCELLED, FUT_FINISHED };

/* Generator frame states (pycore_frame.h): suspended in an await (3.11: at any yield), running. */
#define FRAME_SUSPENDED_YIELD_FROM (-1)
#define FRAME_EXECUTING		   0

struct tasks {
	const struct py *py;
	struct py_asyncio_dbg_314 a;
	struct py_dbg_314 d;
	/* 3.11, 3.13: no table of _asyncio's; tasks from the module's globals, read with these */
	const struct py_tasks_layout *k;
	/* where a task keeps its name, coroutine and state; a generator its frame and state */
	uint64_t t_name, t_coro, t_state, gi_iframe, gi_frame_state;
	uint64_t tag_mask;
	int total, shown;
	int max_shown;	       /* MAX_SHOWN, or all with --all */
	uint64_t task_type[8]; /* types found to be tasks */
	int ntask_types;
	struct py_thread running[64]; /* threads with a running task */
	uint64_t running_task[64];
	int nrunning;
};

/* ---- the _asyncio module's table, from its file -------------------------------- */

static int section_read(int fd, const char *want, void *buf, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr *sh = NULL, *strs;
	char name[32];
	int rc = -1;

	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum || eh.e_shnum > 4096 ||
	    eh.e_shstrndx >= eh.e_shnum)
		return -1;
	sh = calloc(eh.e_shnum, sizeof(*sh));
	if (!sh || pread(fd, sh, eh.e_shnum * sizeof(*sh), (off_t)eh.e_shoff) !=
			   (ssize_t)(eh.e_shnum * sizeof(*sh)))
		goto out;
	strs = &sh[eh.e_shstrndx];
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		memset(name, 0, sizeof name);
		if (sh[i].sh_name >= strs->sh_size ||
		    pread(fd, name, sizeof name - 1, (off_t)(strs->sh_offset + sh[i].sh_name)) <=
			    0 ||
		    strcmp(name, want) != 0)
			continue;
		if (sh[i].sh_type == SHT_PROGBITS && sh[i].sh_size >= len &&
		    pread(fd, buf, len, (off_t)sh[i].sh_offset) == (ssize_t)len)
			rc = 0;
		break;
	}
out:
	free(sh);
	return rc;
}

struct module_search {
	const char *root; /* "/proc/TID/root" */
	struct py_asyncio_dbg_314 *a;
	bool loaded, found;
};

static int asyncio_module(void *arg, const char *path, uint64_t low, uint64_t high)
{
	struct module_search *m = arg;
	const char *base = strrchr(path, '/');
	char file[4200];
	int fd;

	(void)low;
	(void)high;
	base = base ? base + 1 : path;
	/* The module, or an interpreter that has it built in. */
	if (strncmp(base, "_asyncio.", 9) != 0 && !strstr(base, "python"))
		return 0;
	m->loaded |= !strncmp(base, "_asyncio.", 9);
	snprintf(file, sizeof file, "%s%s", m->root, path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	m->found = section_read(fd, ".AsyncioDebug", m->a, sizeof(*m->a)) == 0;
	close(fd);
	return m->found;
}

static int first_tid(void *arg, int thread, int tid, const char *name)
{
	(void)thread;
	(void)name;
	*(int *)arg = tid;
	return 1;
}

/* Offsets that lie outside their structures: not a table this code can read. */
static bool asyncio_plausible(const struct py_asyncio_dbg_314 *a)
{
	const uint64_t off[][2] = {
		{ a->task.task_name, a->task.size },
		{ a->task.task_awaited_by, a->task.size },
		{ a->task.task_is_task, a->task.size },
		{ a->task.task_coro, a->task.size },
		{ a->task.task_node, a->task.size },
		{ a->interp.tasks_head, a->interp.size },
		{ a->thread.running_task, a->thread.size },
		{ a->thread.tasks_head, a->thread.size },
	};

	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (!off[i][1] || off[i][1] > (1u << 24) || off[i][0] + 8 > off[i][1])
			return false;
	/* fut_state is an int right before is_task, after the awaited_by pointer. */
	return a->task.task_is_task >= 4 && a->task.task_is_task - 4 >= a->task.task_awaited_by + 8;
}

static int tasks_setup(struct tasks *ts)
{
	const struct py *py = ts->py;
	char root[64];
	int tid = 0;
	struct module_search m = { root, &ts->a, false, false };

	if (py->l->hexminor == 0x030b0000 || py->l->hexminor == 0x030d0000) {
		const struct py_tasks_layout *k =
			py->l->hexminor == 0x030b0000 ? py_tasks_layout_311() : &py_tasks_313;

		ts->k = k;
		ts->t_name = k->task_name;
		ts->t_coro = k->task_coro;
		ts->t_state = k->task_state;
		ts->gi_iframe = k->gi_iframe;
		ts->gi_frame_state = k->gi_frame_state;
		ts->tag_mask = ~py->l->fr_tag_bits;
		return 0;
	}
	if (py->l->hexminor != 0x030e0000) {
		api->error(py->self,
			   "py tasks reads the tasks of Python 3.11, 3.13 and 3.14 only (this is "
			   "Python %s)",
			   py->l->name);
		return -1;
	}
	if (api->read_memory(py->self, py->runtime, &ts->d, sizeof(ts->d)) < 0 ||
	    !ts->d.gen_object.size || ts->d.gen_object.gi_iframe >= ts->d.gen_object.size ||
	    ts->d.gen_object.gi_frame_state >= ts->d.gen_object.size ||
	    ts->d.interpreter_frame.stackpointer >= ts->d.interpreter_frame.size) {
		api->error(py->self, "py tasks: the interpreter's debug offsets cannot be read");
		return -1;
	}
	/* A process in a chroot or a container names its files from its own root. */
	api->threads(py->self, first_tid, &tid);
	snprintf(root, sizeof root, "/proc/%d/root", tid);
	api->modules(py->self, asyncio_module, &m);
	if (!m.found) {
		api->error(py->self, m.loaded
					     ? "py tasks: the _asyncio module's debug table cannot "
					       "be read from its file"
					     : "there are no asyncio tasks: the process has not "
					       "imported asyncio (no _asyncio module is loaded)");
		return -1;
	}
	if (!asyncio_plausible(&ts->a)) {
		api->error(py->self,
			   "py tasks: the _asyncio module's debug table is not one this plugin "
			   "reads");
		return -1;
	}
	ts->t_name = ts->a.task.task_name;
	ts->t_coro = ts->a.task.task_coro;
	ts->t_state = ts->a.task.task_is_task - 4;
	ts->gi_iframe = ts->d.gen_object.gi_iframe;
	ts->gi_frame_state = ts->d.gen_object.gi_frame_state;
	ts->tag_mask = ~py->l->fr_tag_bits;
	return 0;
}

/* ---- one task ----------------------------------------------------------------- */

/* An _asyncio.Task, or an instance of a subclass of it (the same layout, more after it). */
static bool is_task(struct tasks *ts, uint64_t obj)
{
	uint64_t type = py_type(ts->py, obj);

	if (!type)
		return false;
	for (int i = 0; i < ts->ntask_types; i++)
		if (ts->task_type[i] == type)
			return true;
	if (!py_type_is(ts->py, type, "_asyncio.Task"))
		return false;
	if (ts->ntask_types < (int)(sizeof ts->task_type / sizeof ts->task_type[0]))
		ts->task_type[ts->ntask_types++] = type;
	return true;
}

static void task_name(const struct tasks *ts, uint64_t task, char *buf, size_t len)
{
	uint64_t name = 0;
	char num[32];

	py_ptr(ts->py, task + ts->t_name, &name);
	if (py_str(ts->py, name, buf, len) == 0)
		return;
	/* Unnamed tasks keep their number until someone asks for the name. */
	if (py_is(ts->py, name, ts->py->t_long)) {
		py_repr(ts->py, name, num, sizeof num);
		snprintf(buf, len, "Task-%s", num);
		return;
	}
	snprintf(buf, len, "?");
}

static const char *state_name(int state)
{
	return state == FUT_PENDING ? "pending" : state == FUT_CANCELLED ? "cancelled" : "done";
}

/* The chain a task's coroutine is suspended in, as text; *running when it runs now. */
struct chain {
	char text[2048];
	size_t used;
	int n;
	uint64_t awaits_task; /* the task at the end of the chain, if it is one */
	uint64_t awaits;      /* the object at its end: a task, a future */
	bool running;
	uint64_t running_frame; /* the executing coroutine's frame */
};

static void chain_add(struct chain *c, const char *fmt, const char *a, const char *b, int line)
{
	int n;

	if (c->used >= sizeof c->text)
		return;
	n = snprintf(c->text + c->used, sizeof c->text - c->used, "%s", c->n++ ? " -> " : "");
	c->used += (size_t)n;
	if (c->used >= sizeof c->text)
		return;
	n = snprintf(c->text + c->used, sizeof c->text - c->used, fmt, a, b, line);
	c->used += (size_t)n;
}

/* Just past the frame's top of stack: 3.11/3.13 keep its index into localsplus, 3.14 a pointer. */
static int stack_top(const struct tasks *ts, uint64_t frame, uint64_t *sp)
{
	int top = 0;

	if (!ts->k)
		return py_ptr(ts->py, frame + ts->d.interpreter_frame.stackpointer, sp);
	if (py_read(ts->py, frame + ts->k->fr_stacktop, &top, sizeof(top)) < 0 || top < 1 ||
	    top > 1 << 20)
		return -1;
	*sp = frame + ts->py->l->fr_localsplus + 8 * (uint64_t)top;
	return 0;
}

/* Whether a frame suspended at a yield waits in an await (or yield from), not a plain yield. */
static bool awaiting(const struct tasks *ts, uint64_t frame)
{
	uint64_t prev = 0;
	uint16_t next = 0; /* a code unit: the opcode in its low byte, the argument in its high */

	if (!ts->k || !ts->k->await_by_resume)
		return true;
	if (py_ptr(ts->py, frame + ts->py->l->fr_prev_instr, &prev) < 0 ||
	    py_read(ts->py, prev + 2, &next, sizeof(next)) < 0)
		return false;
	return ((next & 0xff) == ts->k->op_resume || (next & 0xff) == ts->k->op_resume_quick) &&
	       (next >> 8) >= 2;
}

/*
 * A suspended coroutine's frame keeps what it awaits on top of its value
 * stack; a future or task is awaited through the iterator its __await__
 * returns, whose first member is the future.
 */
static void follow(struct tasks *ts, uint64_t obj, struct chain *c)
{
	const struct py *py = ts->py;
	char type[64];

	for (int depth = 0; obj && depth < MAX_CHAIN; depth++) {
		struct py_frame f;
		signed char state = 0;
		uint64_t frame, sp = 0, top = 0;

		py_type_name(py, obj, type, sizeof type);
		if (!strcmp(type, "_asyncio.FutureIter") && py_ptr(py, obj + 16, &obj) == 0 && obj)
			py_type_name(py, obj, type, sizeof type);
		if (strcmp(type, "coroutine") && strcmp(type, "generator")) {
			c->awaits = obj;
			if (is_task(ts, obj)) {
				char name[128];

				task_name(ts, obj, name, sizeof name);
				chain_add(c, "awaits task \"%s\"%s", name, "", 0);
				c->awaits_task = obj;
			} else {
				chain_add(c, "awaits %s%s", type, "", 0);
			}
			return;
		}
		frame = obj + ts->gi_iframe;
		if (py_read(py, obj + ts->gi_frame_state, &state, 1) < 0 ||
		    py_frame_at(py, frame, &f) < 0) {
			chain_add(c, "%s%s", "??", "", 0);
			return;
		}
		if (state == FRAME_EXECUTING) {
			c->running = true;
			c->running_frame = frame;
			return;
		}
		chain_add(c, "%s at %s:%d", f.qualname, f.file, f.line);
		if (state != FRAME_SUSPENDED_YIELD_FROM || !awaiting(ts, frame) ||
		    stack_top(ts, frame, &sp) < 0 || py_ptr(py, sp - 8, &top) < 0)
			return;
		obj = top & ts->tag_mask;
	}
}

/* The running coroutine's frames are on its thread's stack: outermost first in the chain. */
struct on_stack {
	uint64_t until;
	struct py_frame frames[MAX_CHAIN];
	int n;
	bool found;
};

static int stack_frame(void *arg, const struct py_frame *f)
{
	struct on_stack *s = arg;

	if (s->n < MAX_CHAIN)
		s->frames[s->n++] = *f;
	if (f->addr == s->until) {
		s->found = true;
		return 1;
	}
	return 0;
}

static void running_chain(struct tasks *ts, const struct py_thread *t, struct chain *c)
{
	struct on_stack *s = calloc(1, sizeof(*s));

	if (!s)
		return;
	s->until = c->running_frame;
	py_frames_each(ts->py, t, stack_frame, s, NULL);
	if (s->found)
		for (int i = s->n - 1; i >= 0; i--)
			chain_add(c, "%s at %s:%d", s->frames[i].qualname, s->frames[i].file,
				  s->frames[i].line);
	free(s);
}

/* "parent" or "parent", "other": the tasks that await this one (one object, or a set of them). */
static void awaited_by(struct tasks *ts, uint64_t task, char *buf, size_t len)
{
	const struct py *py = ts->py;
	uint64_t by = 0, table = 0;
	char is_set = 0, name[128];
	int64_t mask = 0;
	bool ok;
	size_t used = 0;

	buf[0] = '\0';
	if (py_ptr(py, task + ts->a.task.task_awaited_by, &by) < 0 || !by ||
	    py_read(py, task + ts->a.task.task_awaited_by_is_set, &is_set, 1) < 0)
		return;
	if (!is_set) {
		if (is_task(ts, by)) {
			task_name(ts, by, name, sizeof name);
			snprintf(buf, len, "\"%s\"", name);
		}
		return;
	}
	mask = py_ssize(py, by + ts->d.set_object.mask, &ok);
	if (!ok || mask < 0 || mask > 1023 || py_ptr(py, by + ts->d.set_object.table, &table) < 0)
		return;
	/* A set's table: (key, hash) pairs; free and deleted slots hold no task. */
	for (int64_t i = 0; i <= mask && used < len; i++) {
		uint64_t key = 0;

		if (py_ptr(py, table + 16 * (uint64_t)i, &key) < 0 || !key || !is_task(ts, key))
			continue;
		task_name(ts, key, name, sizeof name);
		used += (size_t)snprintf(buf + used, len - used, "%s\"%s\"", used ? ", " : "",
					 name);
	}
}

/* 3.11/3.13 keep no running task per thread: the one whose stack holds the running coroutine. */
struct running_search {
	struct tasks *ts;
	uint64_t frame;
	struct py_thread *out;
	bool found;
};

static int frame_is(void *arg, const struct py_frame *f)
{
	struct running_search *r = arg;

	r->found = f->addr == r->frame;
	return r->found;
}

static int thread_runs(void *arg, const struct py_thread *t)
{
	struct running_search *r = arg;

	py_frames_each(r->ts->py, t, frame_is, r, NULL);
	if (r->found)
		*r->out = *t;
	return r->found;
}

/* by: who awaits the task, found by the caller (3.11, 3.13), or NULL to read it from the task. */
static void show_task(struct tasks *ts, uint64_t task, const char *by313)
{
	const struct py *py = ts->py;
	struct lurk_record *r;
	struct chain c = { .used = 0 };
	const struct py_thread *thread = NULL;
	struct py_thread found;
	char name[128], by[512] = "", what[256] = "", tstate[200] = "", id[24];
	uint64_t coro = 0;
	int state = 0;

	for (int i = 0; i < ts->nrunning; i++)
		if (ts->running_task[i] == task)
			thread = &ts->running[i];
	task_name(ts, task, name, sizeof name);
	py_read(py, task + ts->t_state, &state, sizeof(state));
	if (by313)
		snprintf(by, sizeof by, "%s", by313);
	else
		awaited_by(ts, task, by, sizeof by);
	if (py_ptr(py, task + ts->t_coro, &coro) == 0 && coro && state == FUT_PENDING)
		follow(ts, coro, &c);
	if (c.running && !thread && ts->k) {
		struct running_search rs = { ts, c.running_frame, &found, false };

		py_threads_each(py, thread_runs, &rs);
		if (rs.found)
			thread = &found;
	}
	if (c.running && thread)
		running_chain(ts, thread, &c);
	if (thread) {
		py_thread_state(py, thread, tstate, sizeof tstate);
		snprintf(what, sizeof what, "running in thread %d, blocking the event loop (%s)",
			 thread->thread, tstate);
	}
	snprintf(id, sizeof id, "0x%" PRIx64, task);
	r = api->record_new(py->self);
	api->record_str(r, "kind", "task");
	api->record_str(r, "name", name);
	api->record_str(r, "id", id);
	api->record_str(r, "state", thread ? "running" : state_name(state));
	api->record_int(r, "thread", thread ? thread->thread : 0);
	if (thread)
		api->record_str(r, "thread_state", tstate);
	api->record_str(r, "awaited_by", by);
	api->record_str(r, "chain", c.text);
	api->record_emit(py->self, r, "Task \"%s\" %s%s%s", name, thread ? what : state_name(state),
			 by[0] ? ", awaited by " : "", by);
	if (c.n && !api->output_is_json(py->self))
		api->print(py->self, "    %s", c.text);
}

/* ---- 3.11, 3.13: the module's globals ---------------------------------------- */

/*
 * 3.11's and 3.13's _asyncio keep their tasks where asyncio.tasks' globals
 * name them: a WeakSet (its data a set of weak references; _all_tasks in
 * 3.11, _scheduled_tasks in 3.13) and, in 3.13, _eager_tasks, a set. Nothing in a task says who awaits it: that comes
 * from the other tasks' chains, a task or a gather's future (its
 * _children) at their ends. Tasks are shown awaiters first (breadth
 * first, in the order they await), for a set's order is its hashes'.
 */
struct edge {
	int from, to;
};

struct task_list {
	uint64_t task[MAX_TASKS];
	int n;
	struct {
		uint64_t addr;
		int i;
	} sorted[MAX_TASKS];
	struct edge *edge;
	int nedges, capedges;
	int order[MAX_TASKS], first[MAX_TASKS], count[MAX_TASKS], indeg[MAX_TASKS];
	bool seen[MAX_TASKS];
	bool hot[MAX_TASKS]; /* running, or awaiting a running task: listed first */
};

static void set_each(struct tasks *ts, struct task_list *l, uint64_t set, bool weak)
{
	const struct py *py = ts->py;
	const struct py_tasks_layout *k = ts->k;
	uint64_t table = 0;
	int64_t mask;
	bool ok;

	mask = py_ssize(py, set + k->set_mask, &ok);
	if (!set || !ok || mask < 0 || mask >= 1 << 22 ||
	    py_ptr(py, set + k->set_table, &table) < 0)
		return;
	/* Free and deleted slots hold no task: the type check skips them. */
	for (int64_t i = 0; i <= mask && l->n < MAX_TASKS; i++) {
		uint64_t key = 0;

		if (py_ptr(py, table + k->set_entry_size * (uint64_t)i, &key) < 0 || !key ||
		    (weak && py_ptr(py, key + k->wr_object, &key) < 0))
			continue;
		if (key && is_task(ts, key))
			l->task[l->n++] = key;
	}
}

static int by_addr(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int task_index(const struct task_list *l, uint64_t obj)
{
	int lo = 0, hi = l->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (l->sorted[mid].addr == obj)
			return l->sorted[mid].i;
		if (l->sorted[mid].addr < obj)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static void add_edge(struct task_list *l, int from, uint64_t obj)
{
	int to = task_index(l, obj);

	if (to < 0)
		return;
	if (l->nedges == l->capedges) {
		int cap = l->capedges ? 2 * l->capedges : 256;
		struct edge *e = realloc(l->edge, (size_t)cap * sizeof(*e));

		if (!e)
			return;
		l->edge = e;
		l->capedges = cap;
	}
	l->edge[l->nedges++] = (struct edge){ from, to };
}

/* What task i awaits: a task, or the tasks a gather waits for. */
static void task_edges(struct tasks *ts, struct task_list *l, int i)
{
	const struct py *py = ts->py;
	struct chain *c = calloc(1, sizeof(*c));
	uint64_t coro = 0, children, items = 0;
	int state = 0;
	char type[64];
	bool ok;

	if (!c)
		return;
	if (py_read(py, l->task[i] + ts->t_state, &state, sizeof(state)) < 0 ||
	    state != FUT_PENDING || py_ptr(py, l->task[i] + ts->t_coro, &coro) < 0 || !coro)
		goto out;
	follow(ts, coro, c);
	l->hot[i] = c->running;
	if (!c->awaits)
		goto out;
	if (c->awaits_task) {
		add_edge(l, i, c->awaits_task);
		goto out;
	}
	py_type_name(py, c->awaits, type, sizeof type);
	if (strcmp(type, "_GatheringFuture") != 0 ||
	    !(children = py_attr_get(py, c->awaits, "_children")) ||
	    !py_is(py, children, py->t_list) ||
	    py_ptr(py, children + py->l->list_items, &items) < 0)
		goto out;
	for (int64_t j = 0, n = py_ssize(py, children + py->l->ob_size, &ok);
	     ok && j < n && j < 4096; j++) {
		uint64_t child = 0;

		if (py_ptr(py, items + 8 * (uint64_t)j, &child) == 0)
			add_edge(l, i, child);
	}
out:
	free(c);
}

static void awaiters(struct tasks *ts, const struct task_list *l, int to, char *buf, size_t len)
{
	char name[128];
	size_t used = 0;

	buf[0] = '\0';
	for (int e = 0; e < l->nedges && used < len; e++) {
		if (l->edge[e].to != to)
			continue;
		task_name(ts, l->task[l->edge[e].from], name, sizeof name);
		used += (size_t)snprintf(buf + used, len - used, "%s\"%s\"", used ? ", " : "",
					 name);
	}
}

/* The awaiters of running tasks, and theirs, up to the tasks no one awaits. */
static void mark_hot(struct task_list *l)
{
	bool more = true;

	for (int round = 0; more && round < MAX_CHAIN; round++) {
		more = false;
		for (int e = 0; e < l->nedges; e++)
			if (l->hot[l->edge[e].to] && !l->hot[l->edge[e].from])
				l->hot[l->edge[e].from] = more = true;
	}
}

/* The tasks of every interpreter that imported asyncio; false when none did. */
static bool collect_from_globals(struct tasks *ts, struct task_list *l)
{
	const struct py *py = ts->py;
	uint64_t interp = 0;
	bool imported = false;

	py_ptr(py, py->runtime + py->l->rt_interp_head, &interp);
	for (int n = 0; interp && n < 256; n++) {
		uint64_t modules = 0, mod, mdict = 0, weakset;

		if (py_ptr(py, interp + py->l->is_modules, &modules) == 0 &&
		    (mod = py_dict_get(py, modules, "asyncio.tasks")) &&
		    py_ptr(py, mod + py->l->module_dict, &mdict) == 0 && mdict) {
			imported = true;
			if ((weakset = py_dict_get(py, mdict, ts->k->all_tasks)))
				set_each(ts, l, py_attr_get(py, weakset, "data"), true);
			if (ts->k->eager_tasks)
				set_each(ts, l, py_dict_get(py, mdict, ts->k->eager_tasks), false);
		}
		if (py_ptr(py, interp + py->l->is_next, &interp) < 0)
			break;
	}
	return imported;
}

static int list_from_globals(struct tasks *ts)
{
	const struct py *py = ts->py;
	struct task_list *l = calloc(1, sizeof(*l));
	char by[512];
	int head = 0, tail = 0, rc = 0;

	if (!l) {
		api->error(py->self, "out of memory");
		return -1;
	}
	if (!collect_from_globals(ts, l)) {
		api->error(py->self, "there are no asyncio tasks: the process has not imported "
				     "asyncio (no interpreter has asyncio.tasks)");
		rc = -1;
		goto out;
	}

	for (int i = 0; i < l->n; i++)
		l->sorted[i].addr = l->task[i], l->sorted[i].i = i;
	qsort(l->sorted, (size_t)l->n, sizeof(l->sorted[0]), by_addr);
	for (int i = 0; i < l->n; i++) {
		l->first[i] = l->nedges;
		task_edges(ts, l, i);
		l->count[i] = l->nedges - l->first[i];
	}
	for (int e = 0; e < l->nedges; e++)
		l->indeg[l->edge[e].to]++;
	mark_hot(l);
	/*
	 * Breadth first from the tasks no one awaits, those that lead to a
	 * running task first, so that no cap hides it; tasks in a cycle of
	 * awaits last.
	 */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < l->n; i++)
			if (!l->indeg[i] && l->hot[i] == !pass) {
				l->seen[i] = true;
				l->order[tail++] = i;
			}
	for (;;) {
		for (; head < tail; head++)
			for (int e = l->first[l->order[head]];
			     e < l->first[l->order[head]] + l->count[l->order[head]]; e++)
				if (!l->seen[l->edge[e].to]) {
					l->seen[l->edge[e].to] = true;
					l->order[tail++] = l->edge[e].to;
				}
		if (tail == l->n)
			break;
		for (int i = 0; i < l->n; i++)
			if (!l->seen[i]) {
				l->seen[i] = true;
				l->order[tail++] = i;
				break;
			}
	}
	for (int k = 0; k < l->n && k < ts->max_shown; k++) {
		awaiters(ts, l, l->order[k], by, sizeof by);
		show_task(ts, l->task[l->order[k]], by);
	}
	ts->total = l->n;
	ts->shown = l->n < ts->max_shown ? l->n : ts->max_shown;
out:
	free(l->edge);
	free(l);
	return rc;
}

/* ---- the lists ----------------------------------------------------------------- */

static void walk_list(struct tasks *ts, uint64_t head)
{
	uint64_t node = 0;

	if (py_ptr(ts->py, head + ts->d.llist_node.next, &node) < 0)
		return;
	while (node && node != head && ts->total < MAX_TASKS) {
		uint64_t task = node - ts->a.task.task_node;

		if (ts->shown < ts->max_shown) {
			show_task(ts, task, NULL);
			ts->shown++;
		}
		ts->total++;
		if (py_ptr(ts->py, node + ts->d.llist_node.next, &node) < 0)
			return;
	}
}

static int note_running(void *arg, const struct py_thread *t)
{
	struct tasks *ts = arg;
	uint64_t task = 0;

	if (ts->nrunning < 64 &&
	    py_ptr(ts->py, t->tstate + ts->a.thread.running_task, &task) == 0 && task) {
		ts->running[ts->nrunning] = *t;
		ts->running_task[ts->nrunning++] = task;
	}
	return 0;
}

static int thread_tasks(void *arg, const struct py_thread *t)
{
	struct tasks *ts = arg;

	walk_list(ts, t->tstate + ts->a.thread.tasks_head);
	return 0;
}

int py_tasks_report(const struct py *py, const char *args)
{
	struct tasks *ts;
	uint64_t interp = 0;
	int rc = -1;

	bool all = !strcmp(args, "--all") || !strcmp(args, "-a");

	if (*args && !all) {
		api->error(py->self, "py tasks takes only --all (every task, not the first %d)",
			   MAX_SHOWN);
		return -1;
	}
	ts = calloc(1, sizeof(*ts));
	if (!ts) {
		api->error(py->self, "out of memory");
		return -1;
	}
	ts->py = py;
	ts->max_shown = all ? MAX_TASKS : MAX_SHOWN;
	if (tasks_setup(ts) < 0)
		goto out;
	if (ts->k) {
		if (list_from_globals(ts) < 0)
			goto out;
	} else {
		if (py_threads_each(py, note_running, ts) < 0 ||
		    py_threads_each(py, thread_tasks, ts) < 0)
			goto out;
		/* Tasks whose thread has ended move to the interpreter's list. */
		if (py_ptr(py, py->runtime + py->l->rt_interp_head, &interp) == 0 && interp)
			walk_list(ts, interp + ts->a.interp.tasks_head);
	}
	if (!ts->total && !api->output_is_json(py->self))
		api->print(py->self, "(no asyncio tasks)");
	if (ts->total > ts->shown) {
		struct lurk_record *r = api->record_new(py->self);

		api->record_str(r, "kind", "tasks-not-shown");
		api->record_int(r, "not_shown", ts->total - ts->shown);
		api->record_int(r, "total", ts->total);
		api->record_emit(py->self, r, "... %d more task%s not shown (%d in all)",
				 ts->total - ts->shown, ts->total - ts->shown == 1 ? "" : "s",
				 ts->total);
	}
	rc = 0;
out:
	free(ts);
	return rc;
}

/* ---- for other commands ----------------------------------------------------------- */

int py_task_offsets(const struct py *py, struct py_task_offsets *o)
{
	struct tasks *ts = calloc(1, sizeof(*ts));
	int rc = -1;

	if (!ts) {
		api->error(py->self, "out of memory");
		return -1;
	}
	ts->py = py;
	if (tasks_setup(ts) == 0) {
		o->state = ts->t_state;
		o->coro = ts->t_coro;
		o->name = ts->t_name;
		rc = 0;
	}
	free(ts);
	return rc;
}
