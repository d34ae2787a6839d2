/* pystack.c - the interpreter's threads and frames: line numbers, wrapped functions, live stack */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

/* ---- finding the interpreter --------------------------------------------------- */

static int sym(struct lurk_plugin *self, const char *name, uint64_t *addr)
{
	return api->symbol_lookup(self, name, NULL, addr, NULL);
}

/*
 * The layout for Py_Version: 3.11's compiled-in table, or from 3.13 on one
 * made from the _Py_DebugOffsets at the start of _PyRuntime. 3.12 has no
 * debug offsets and there was no 3.12 interpreter to test a table against.
 */
static int attach_layout(struct lurk_plugin *self, struct py_plugin *plugin, struct py *py)
{
	unsigned char raw[1024];
	char why[200];
	unsigned major = py->version >> 24, minor = (py->version >> 16) & 0xff;
	size_t n = py_debug_offsets_size();

	py->l = py_layout_for(py->version);
	if (py->l)
		return 0;
	if (major == 3 && minor == 12) {
		api->error(self,
			   "this is Python 3.12, which this plugin cannot read (it knows %s; no "
			   "3.12 interpreter was at hand to test it against); native debugging "
			   "goes on",
			   py_layouts_supported());
		return -1;
	}
	if (major != 3 || minor < 13) {
		api->error(self,
			   "this is Python %u.%u, which this plugin cannot read (it knows %s); "
			   "native debugging goes on",
			   major, minor, py_layouts_supported());
		return -1;
	}
	if (n > sizeof raw || api->read_memory(self, py->runtime, raw, n) < 0)
		snprintf(why, sizeof why, "_PyRuntime cannot be read");
	else if (py_layout_from_debug(&plugin->layout, raw, n, py->version, why, sizeof why) == 0)
		why[0] = '\0';
	if (why[0]) {
		api->error(self,
			   "this is Python %u.%u, whose debug offsets this plugin cannot use (%s); "
			   "native debugging goes on",
			   major, minor, why);
		return -1;
	}
	py->l = &plugin->layout;
	return 0;
}

int py_attach(struct lurk_plugin *self, struct py *py)
{
	static const struct {
		const char *name;
		size_t off;
	} objs[] = {
		{ "PyLong_Type", offsetof(struct py, t_long) },
		{ "PyBool_Type", offsetof(struct py, t_bool) },
		{ "PyFloat_Type", offsetof(struct py, t_float) },
		{ "PyUnicode_Type", offsetof(struct py, t_str) },
		{ "PyBytes_Type", offsetof(struct py, t_bytes) },
		{ "PyTuple_Type", offsetof(struct py, t_tuple) },
		{ "PyList_Type", offsetof(struct py, t_list) },
		{ "PyDict_Type", offsetof(struct py, t_dict) },
		{ "PyFunction_Type", offsetof(struct py, t_func) },
		{ "PyCell_Type", offsetof(struct py, t_cell) },
		{ "PyCFunction_Type", offsetof(struct py, t_cfunc) },
		{ "PyModule_Type", offsetof(struct py, t_module) },
		{ "_Py_NoneStruct", offsetof(struct py, none) },
		{ "_Py_TrueStruct", offsetof(struct py, true_obj) },
		{ "_Py_FalseStruct", offsetof(struct py, false_obj) },
	};
	struct py_plugin *plugin = api->plugin_data(self);
	/* Symbols, the version and the layout only change with the process image. */
	uint64_t modules = api->generation(self, LURK_GEN_MODULES);
	uint64_t version_addr;
	uint32_t version = 0;

	memset(py, 0, sizeof(*py));
	py->self = self;
	if (api->selected_thread(self) < 0) {
		api->error(self, "there is no process");
		return 1;
	}
	/* Pages read at this stop serve every callback until the program runs or is written. */
	if (plugin->pages_stop != api->generation(self, LURK_GEN_STOP)) {
		py_pages_clear(plugin->pages);
		plugin->pages_stop = api->generation(self, LURK_GEN_STOP);
	}
	py->pages = plugin->pages;
	/* Asked for every unnamed frame of every bt: a process that is not Python is told at once. */
	if (plugin->not_python == modules ||
	    (plugin->modules != modules && (sym(self, "_PyRuntime", &py->runtime) < 0 ||
					    sym(self, "Py_Version", &version_addr) < 0))) {
		plugin->not_python = modules;
		api->error(self,
			   "not a Python process: no module defines _PyRuntime and Py_Version");
		return 1;
	}
	/*
	 * Read on every call: a process running in the background cannot be
	 * read, which says nothing about what it is, so it is neither cached
	 * as not Python nor answered from the cache with unreadable data.
	 */
	if (plugin->modules == modules)
		version_addr = plugin->version_addr;
	if (api->read_memory(self, version_addr, &version, 4) < 0) {
		api->error(self, "%s", api->last_error(self));
		return -1;
	}
	if (plugin->modules == modules) {
		*py = plugin->cached;
		py->self = self;
		py->pages = plugin->pages;
		return 0;
	}
	py->version = version;
	if (attach_layout(self, plugin, py) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (sym(self, objs[i].name, (uint64_t *)((char *)py + objs[i].off)) < 0) {
			api->error(self, "Python %u.%u without the symbol %s: cannot read it",
				   version >> 24, (version >> 16) & 0xff, objs[i].name);
			return -1;
		}
	plugin->cached = *py;
	plugin->modules = modules;
	plugin->version_addr = version_addr;
	return 0;
}

/* ---- threads ------------------------------------------------------------------- */

/* A small non-negative int (a thread ident), or -1. */
static int64_t long_value(const struct py *py, uint64_t obj)
{
	const struct py_layout *l = py->l;
	int64_t size;
	int sign;
	uint32_t d[3] = { 0 };
	uint64_t v = 0;

	if (py_long_size(py, obj, &size, &sign) < 0 || sign < 0 || size > 3 ||
	    l->long_digit_size != 4 ||
	    (size && py_read(py, obj + l->long_digits, d, (size_t)size * 4) < 0))
		return -1;
	for (int64_t i = size - 1; i >= 0; i--)
		v = (v << l->long_shift) | d[i];
	return (int64_t)v;
}

struct name_search {
	const struct py *py;
	uint64_t ident;
	char *name;
	size_t len;
};

static int thread_name_attr(void *arg, uint64_t key, uint64_t value)
{
	struct name_search *n = arg;
	char k[16];

	if (py_str(n->py, key, k, sizeof k) == 0 && strcmp(k, "_name") == 0) {
		py_str(n->py, value, n->name, n->len);
		return 1;
	}
	return 0;
}

static int active_thread(void *arg, uint64_t key, uint64_t value)
{
	struct name_search *n = arg;

	if (long_value(n->py, key) != (int64_t)n->ident)
		return 0;
	py_attrs_each(n->py, value, thread_name_attr, n);
	return 1;
}

/* threading._active[ident]._name, when the threading module is loaded. */
static void thread_name(const struct py *py, uint64_t interp, uint64_t ident, char *buf, size_t len)
{
	struct name_search n = { py, ident, buf, len };
	uint64_t modules = 0, threading, mdict = 0, active;

	buf[0] = '\0';
	if (py_ptr(py, interp + py->l->is_modules, &modules) < 0 ||
	    !(threading = py_dict_get(py, modules, "threading")) ||
	    py_ptr(py, threading + py->l->module_dict, &mdict) < 0 ||
	    !(active = py_dict_get(py, mdict, "_active")))
		return;
	py_dict_each(py, active, active_thread, &n);
}

struct lurk_threads {
	int64_t tid[PY_MAX_THREADS];
	int num[PY_MAX_THREADS];
	int n;
};

static int collect_thread(void *arg, int thread, int tid, const char *name)
{
	struct lurk_threads *lt = arg;

	(void)name;
	if (lt->n < PY_MAX_THREADS) {
		lt->tid[lt->n] = tid;
		lt->num[lt->n++] = thread;
	}
	return 0;
}

/*
 * The GIL an interpreter runs under: 3.11's one in _PyRuntime; from 3.13
 * the one its ceval.gil points to, its own or the main interpreter's it
 * shares.
 */
static uint64_t interp_gil(const struct py *py, uint64_t interp)
{
	uint64_t gil = 0;

	if (!py->l->dbg)
		return py->runtime + py->l->rt_gil;
	if (py_ptr(py, interp + py->l->is_gil_ptr, &gil) < 0 || !gil)
		return interp + py->l->rt_gil;
	return gil;
}

/* The interpreter after interp in the runtime's list (newest first), or 0. */
static uint64_t next_interp(const struct py *py, uint64_t interp)
{
	uint64_t next = 0;

	return py_ptr(py, interp + py->l->is_next, &next) < 0 ? 0 : next;
}

/*
 * A frame stack chunk (_PyStackChunk, alike in 3.11 to 3.14) starts with
 * its previous chunk and its size in bytes. Chunks grow with the stack; a
 * larger one than this is copied only this far, its oldest frames.
 */
#define CHUNK_SIZE_AT  8
#define CHUNK_COPY_MAX (1u << 20)

int py_sample_memory(const struct py *py, void (*add)(void *arg, uint64_t addr, uint64_t len),
		     void *arg)
{
	const struct py_layout *l = py->l;
	size_t ts_span = l->ts_next;
	uint64_t interp = 0;
	int threads = 0;

	/* The thread state up to the last member read of it. */
	if (l->ts_cframe > ts_span)
		ts_span = l->ts_cframe;
	if (l->ts_thread_id > ts_span)
		ts_span = l->ts_thread_id;
	if (l->ts_native_thread_id > ts_span)
		ts_span = l->ts_native_thread_id;
	/* datastack_top follows datastack_chunk in every version read (3.11 to 3.14). */
	if (l->ts_datastack_chunk + 8 > ts_span)
		ts_span = l->ts_datastack_chunk + 8;
	ts_span += 8;
	py_ptr(py, py->runtime + l->rt_interp_head, &interp);
	for (int i = 0; interp && i < PY_MAX_INTERPS; i++, interp = next_interp(py, interp)) {
		uint64_t ts = 0;

		if (py_ptr(py, interp + l->is_threads_head, &ts) < 0)
			continue;
		for (; ts && threads < PY_MAX_THREADS; threads++) {
			uint64_t chunk = 0, size = 0, top = 0;

			add(arg, ts, ts_span);
			if (py_ptr(py, ts + l->ts_datastack_chunk, &chunk) == 0 && chunk &&
			    py_ptr(py, chunk + CHUNK_SIZE_AT, &size) == 0 && size) {
				/* The part in use, up to the top; all of it if the top is elsewhere. */
				if (py_ptr(py, ts + l->ts_datastack_chunk + 8, &top) == 0 &&
				    top > chunk && top - chunk <= size)
					size = top - chunk;
				add(arg, chunk, size < CHUNK_COPY_MAX ? size : CHUNK_COPY_MAX);
			}
			if (py_ptr(py, ts + l->ts_next, &ts) < 0)
				break;
		}
	}
	return 0;
}

int py_running(const struct py *py)
{
	uint64_t interp = 0, ts = 0, finalizing = 0;
	bool threads = false;

	py_ptr(py, py->runtime + py->l->rt_interp_head, &interp);
	for (int i = 0; interp && !threads && i < PY_MAX_INTERPS; i++) {
		threads = py_ptr(py, interp + py->l->is_threads_head, &ts) == 0 && ts;
		interp = next_interp(py, interp);
	}
	if (!threads) {
		api->error(py->self,
			   "the Python interpreter is not running (starting up or finalizing)");
		return -1;
	}
	/* 3.11's _finalizing is an atomic word, 3.13's a pointer: the finalizing thread either way. */
	return py_ptr(py, py->runtime + py->l->rt_finalizing, &finalizing) == 0 && finalizing;
}

/* The innermost frame a thread state runs, or 0 (none, or unreadable). */
static uint64_t current_frame(const struct py *py, uint64_t tstate)
{
	uint64_t cframe = 0, frame = 0;

	if (py->l->dbg)
		return py_ptr(py, tstate + py->l->ts_cframe, &frame) < 0 ? 0 : frame;
	if (py_ptr(py, tstate + py->l->ts_cframe, &cframe) < 0 || !cframe ||
	    py_ptr(py, cframe + py->l->cf_current_frame, &frame) < 0)
		return 0;
	return frame;
}

/*
 * A thread state without frames whose OS thread runs Python in another
 * interpreter: 3.11 leaves one bound to the thread that made a
 * subinterpreter. It is not a thread of its own.
 */
static bool idle_binding(const struct py_thread *found, const bool *idle, int n, int i)
{
	if (!idle[i] || found[i].tid <= 0)
		return false;
	for (int k = 0; k < n; k++)
		if (k != i && found[k].tid == found[i].tid && !idle[k])
			return true;
	return false;
}

static int by_thread_number(const void *a, const void *b)
{
	const struct py_thread *x = a, *y = b;

	/* Threads lurk does not know (no such tid) go last. */
	if (!x->thread || !y->thread)
		return (!x->thread) - (!y->thread);
	return (x->thread > y->thread) - (x->thread < y->thread);
}

int py_threads_each(const struct py *py, int (*fn)(void *arg, const struct py_thread *t), void *arg)
{
	const struct py_layout *l = py->l;
	/* Not static: callbacks (py threads' state) walk the threads again. */
	struct lurk_threads *lt = calloc(1, sizeof(*lt));
	struct py_thread *found = calloc(PY_MAX_THREADS, sizeof(*found));
	bool *idle = calloc(PY_MAX_THREADS, sizeof(*idle));
	uint64_t head = 0;
	int interps = 0, n = 0, kept = 0;

	if (!lt || !found || !idle) {
		free(lt);
		free(found);
		free(idle);
		api->error(py->self, "out of memory");
		return -1;
	}
	api->threads(py->self, collect_thread, lt);
	if (py_ptr(py, py->runtime + l->rt_interp_head, &head) < 0 || !head) {
		free(lt);
		free(found);
		free(idle);
		api->error(py->self,
			   "the Python interpreter is not running (starting up or finalizing)");
		return -1;
	}
	/*
	 * Every interpreter, not only the newest at the head of the list: a
	 * subinterpreter is made after the main one, whose threads come last.
	 */
	for (uint64_t interp = head; interp && interps < PY_MAX_INTERPS;
	     interp = next_interp(py, interp)) {
		uint64_t gil = interp_gil(py, interp), ts = 0, holder = 0;
		int64_t id = -1;
		int locked = 0;

		interps++;
		py_read(py, interp + l->is_id, &id, sizeof(id));
		py_read(py, gil + l->rt_gil_locked - l->rt_gil, &locked, sizeof(locked));
		py_ptr(py, gil + l->rt_gil_last_holder - l->rt_gil, &holder);
		if (py_ptr(py, interp + l->is_threads_head, &ts) < 0)
			ts = 0;
		/* The interpreter lists the newest thread first; lurk's numbers go the other way. */
		while (ts && n < PY_MAX_THREADS) {
			struct py_thread *t = &found[n++];
			uint64_t next = 0;

			memset(t, 0, sizeof(*t));
			idle[n - 1] = !current_frame(py, ts);
			t->tstate = ts;
			t->gil_addr = gil;
			t->interp_id = id;
			py_ptr(py, ts + l->ts_thread_id, &t->ident);
			py_read(py, ts + l->ts_native_thread_id, &t->tid, sizeof(t->tid));
			t->gil = locked && holder == ts;
			for (int k = 0; k < lt->n; k++)
				if (lt->tid[k] == t->tid)
					t->thread = lt->num[k];
			if (py->thread_names)
				thread_name(py, interp, t->ident, t->name, sizeof t->name);
			if (py_ptr(py, ts + l->ts_next, &next) < 0)
				next = 0;
			ts = next;
		}
	}
	for (int i = 0; i < n; i++) {
		found[i].interps = interps;
		if (!idle_binding(found, idle, n, i))
			found[kept++] = found[i];
	}
	qsort(found, (size_t)kept, sizeof(found[0]), by_thread_number);
	for (int i = 0; i < kept; i++)
		if (fn(arg, &found[i]))
			break;
	free(lt);
	free(found);
	free(idle);
	return 0;
}

struct find {
	int thread;
	int64_t tid;
	struct py_thread *out;
	bool found;
};

static int match_thread(void *arg, const struct py_thread *t)
{
	struct find *f = arg;

	if (f->thread ? t->thread != f->thread : t->tid != f->tid)
		return 0;
	*f->out = *t;
	f->found = true;
	return 1;
}

int py_thread_find(const struct py *py, int thread, int64_t tid, struct py_thread *t)
{
	struct find f = { thread, tid, t, false };

	if (py_threads_each(py, match_thread, &f) < 0)
		return -1;
	return f.found ? 0 : -1;
}

struct states {
	const struct py *py;
	int64_t tid;
	struct py_thread *out;
	uint64_t key[PY_MAX_STATES];
	int n, max;
};

static int collect_state(void *arg, const struct py_thread *t)
{
	struct states *s = arg;
	uint64_t key = 0;
	int i;

	if (t->tid != s->tid || s->n == s->max)
		return 0;
	/*
	 * 3.11: a thread state's _PyCFrame lives on the C stack of the
	 * evaluation it runs, and the stack grows down: the lower, the inner.
	 */
	if (!s->py->l->dbg)
		py_ptr(s->py, t->tstate + s->py->l->ts_cframe, &key);
	for (i = s->n; i > 0 && s->key[i - 1] > key; i--) {
		s->out[i] = s->out[i - 1];
		s->key[i] = s->key[i - 1];
	}
	s->out[i] = *t;
	s->key[i] = key;
	s->n++;
	return 0;
}

int py_thread_states(const struct py *py, int64_t tid, struct py_thread *out, int max)
{
	struct states s = { py, tid, out, { 0 }, 0, max < PY_MAX_STATES ? max : PY_MAX_STATES };

	if (py_threads_each(py, collect_state, &s) < 0)
		return -1;
	return s.n;
}

/* ---- line numbers (pyloc.c) and the tables read here ---------------------------- */

struct bytes_reader {
	const unsigned char *p, *end;
};

static int next_byte(struct bytes_reader *r)
{
	return r->p < r->end ? *r->p++ : -1;
}

static int line_of(const struct py *py, uint64_t code, int instr)
{
	struct py_position pos;

	return py_code_position(py, code, instr, &pos) < 0 ? 0 : pos.line;
}

/* ---- the exception table: which try regions are open -------------------------- */

/* 6-bit chunks, most significant first, 0x40 = more follow. */
static int64_t exc_varint(struct bytes_reader *r)
{
	int b = next_byte(r);
	int64_t v;

	if (b < 0)
		return -1;
	v = b & 63;
	while (b & 64) {
		if ((b = next_byte(r)) < 0 || v > ((int64_t)1 << 40))
			return -1;
		v = (v << 6) | (b & 63);
	}
	return v;
}

int py_live_stack_depth(const struct py *py, const struct py_frame *f)
{
	static unsigned char table[65536];
	struct bytes_reader r;
	uint64_t exc = 0;
	size_t n;

	if (f->instr < 0 || py_ptr(py, f->code + py->l->co_exceptiontable, &exc) < 0 ||
	    py_bytes_read(py, exc, table, sizeof table, &n) < 0)
		return -1;
	r = (struct bytes_reader){ table, table + n };
	/* Entries are sorted and do not overlap: the innermost region covering instr is the one. */
	while (r.p < r.end) {
		int64_t start, length, depth_lasti;

		if (!(*r.p & 0x80))
			return -1;
		start = exc_varint(&r);
		length = exc_varint(&r);
		exc_varint(&r); /* the handler */
		depth_lasti = exc_varint(&r);
		if (start < 0 || length < 0 || depth_lasti < 0)
			return -1;
		if (f->instr >= start && f->instr < start + length)
			return (int)(depth_lasti >> 1);
	}
	return -1;
}

/* ---- frames ---------------------------------------------------------------------- */

static void func_name(const struct py *py, uint64_t func, char *buf, size_t len)
{
	uint64_t q = 0;

	if (py_ptr(py, func + py->l->fn_qualname, &q) < 0 || py_str(py, q, buf, len) < 0)
		snprintf(buf, len, "?");
}

/*
 * What a wrapper wraps: its __wrapped__ (functools.wraps) or else the
 * first function in its closure cells. 0 when it wraps nothing.
 */
static uint64_t wrapped_by(const struct py *py, uint64_t func)
{
	const struct py_layout *l = py->l;
	uint64_t dict = 0, w, closure = 0, items;
	int64_t n;

	if (py_ptr(py, func + l->fn_dict, &dict) == 0 && dict &&
	    (w = py_dict_get(py, dict, "__wrapped__")) && py_is(py, w, py->t_func))
		return w;
	if (py_ptr(py, func + l->fn_closure, &closure) < 0 || !closure ||
	    py_tuple(py, closure, &n, &items) < 0)
		return 0;
	for (int64_t i = 0; i < n && i < 64; i++) {
		uint64_t cell = 0, ref = 0;

		if (py_ptr(py, items + 8 * (uint64_t)i, &cell) == 0 &&
		    py_is(py, cell, py->t_cell) && py_ptr(py, cell + l->cell_ref, &ref) == 0 &&
		    ref != func && py_is(py, ref, py->t_func))
			return ref;
	}
	return 0;
}

/* "greet", or for stacked decorators "wrapper -> greet". */
static void wraps_chain(const struct py *py, uint64_t func, char *buf, size_t len)
{
	uint64_t seen[8] = { func }, w = func;
	size_t used = 0;

	buf[0] = '\0';
	for (int depth = 1; depth < 8 && (w = wrapped_by(py, w)); depth++) {
		char name[128];
		bool loop = false;

		for (int i = 0; i < depth; i++)
			loop |= seen[i] == w;
		if (loop)
			break;
		seen[depth] = w;
		func_name(py, w, name, sizeof name);
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? " -> " : "", name);
		if (used >= len)
			break;
	}
}

/* A frame's owner (3.13 on): shims of C-level evaluations are not Python calls. */
static bool is_shim(const struct py *py, uint64_t frame)
{
	unsigned char owner = 0;

	return py_read(py, frame + py->l->fr_owner, &owner, 1) < 0 || owner >= py->l->fr_owner_shim;
}

static int read_frame(const struct py *py, uint64_t addr, struct py_frame *f)
{
	const struct py_layout *l = py->l;
	uint64_t prev_instr = 0, s = 0;
	char entry = 0;

	memset(f, 0, sizeof(*f));
	f->addr = addr;
	if (py_ptr(py, addr + l->fr_code, &f->code) < 0 || !f->code ||
	    py_ptr(py, addr + l->fr_func, &f->func) < 0 ||
	    py_ptr(py, addr + l->fr_globals, &f->globals) < 0 ||
	    py_ptr(py, addr + l->fr_prev_instr, &prev_instr) < 0 ||
	    (!l->dbg && py_read(py, addr + l->fr_is_entry, &entry, 1) < 0))
		return -1;
	/* 3.14's f_executable and f_funcobj are _PyStackRefs: references with tag bits. */
	f->code &= ~l->fr_tag_bits;
	f->func &= ~l->fr_tag_bits;
	/* Every code object is checked before it is believed. */
	if (py_ptr(py, f->code + l->co_name, &s) < 0 || py_str(py, s, f->name, sizeof f->name) < 0)
		return -1;
	if (py_ptr(py, f->code + l->co_qualname, &s) < 0 ||
	    py_str(py, s, f->qualname, sizeof f->qualname) < 0)
		snprintf(f->qualname, sizeof f->qualname, "%s", f->name);
	if (py_ptr(py, f->code + l->co_filename, &s) < 0 ||
	    py_str(py, s, f->file, sizeof f->file) < 0)
		snprintf(f->file, sizeof f->file, "?");
	f->entry = entry != 0;
	/*
	 * 3.11's prev_instr is the instruction running now (a call), one unit
	 * before the first at the start; 3.13's instr_ptr is the instruction
	 * running now or about to begin: the same index either way.
	 */
	f->instr = (int)(((int64_t)prev_instr - (int64_t)(f->code + l->co_code_adaptive)) / 2);
	if (f->instr < -1 || f->instr > (1 << 24))
		f->instr = -1;
	f->line = line_of(py, f->code, f->instr);
	if (f->func && py_is(py, f->func, py->t_func))
		wraps_chain(py, f->func, f->wraps, sizeof f->wraps);
	return 0;
}

int py_frame_at(const struct py *py, uint64_t addr, struct py_frame *f)
{
	return read_frame(py, addr, f);
}

int py_frames_each(const struct py *py, const struct py_thread *t,
		   int (*fn)(void *arg, const struct py_frame *f), void *arg, bool *broken)
{
	const struct py_layout *l = py->l;
	uint64_t frame = current_frame(py, t->tstate);
	struct py_frame f;
	int evals = 0;

	if (broken)
		*broken = false;
	for (int i = 0; frame && i < PY_MAX_FRAMES; i++) {
		uint64_t previous = 0;

		if (py_ptr(py, frame + l->fr_previous, &previous) < 0) {
			if (broken)
				*broken = true;
			return 0;
		}
		/*
		 * 3.13 on: each C-level evaluation starts with a shim frame; the
		 * frame above it is the evaluation's first (3.11's is_entry).
		 */
		if (l->dbg && is_shim(py, frame)) {
			evals++;
			frame = previous;
			continue;
		}
		if (read_frame(py, frame, &f) < 0) {
			if (broken)
				*broken = true;
			return 0;
		}
		if (l->dbg)
			f.entry = !previous || is_shim(py, previous);
		f.evals = evals;
		/* lurk's own code in the program (py exec's driver, py break's callbacks) is not shown. */
		if (!strncmp(f.file, "<lurk ", 6)) {
			if (!l->dbg && f.entry)
				evals++;
			frame = previous;
			continue;
		}
		if (fn(arg, &f))
			return 0;
		if (!l->dbg && f.entry)
			evals++;
		frame = previous;
	}
	return 0;
}

int py_thread_in_file(const struct py *py, const struct py_thread *t,
		      bool (*match)(const char *file))
{
	uint64_t frame = current_frame(py, t->tstate);
	struct py_frame f;

	for (int i = 0; frame && i < PY_MAX_FRAMES; i++) {
		uint64_t previous = 0;

		if (py_ptr(py, frame + py->l->fr_previous, &previous) < 0)
			return -1;
		if (!(py->l->dbg && is_shim(py, frame))) {
			if (read_frame(py, frame, &f) < 0)
				return -1;
			if (match(f.file))
				return 1;
		}
		frame = previous;
	}
	return 0;
}

int py_eval_shims(const struct py *py, const struct py_thread *t, uint64_t *shims, int max)
{
	uint64_t frame = current_frame(py, t->tstate);
	int n = 0;

	for (int i = 0; frame && n < max && i < PY_MAX_FRAMES; i++) {
		if (is_shim(py, frame))
			shims[n++] = frame;
		if (py_ptr(py, frame + py->l->fr_previous, &frame) < 0)
			break;
	}
	return n;
}

int py_locals_each(const struct py *py, const struct py_frame *f,
		   int (*fn)(void *arg, const char *name, uint64_t value), void *arg)
{
	const struct py_layout *l = py->l;
	uint64_t names = 0, kinds = 0, items;
	int nlocals = 0;
	int64_t nnames;
	unsigned char kind[1024];
	size_t nkinds = 0;

	if (py_read(py, f->code + l->co_nlocalsplus, &nlocals, sizeof(nlocals)) < 0 ||
	    py_ptr(py, f->code + l->co_localsplusnames, &names) < 0 ||
	    py_tuple(py, names, &nnames, &items) < 0 || nlocals < 0 || nlocals > 1024 ||
	    nnames < nlocals)
		return -1;
	if (py_ptr(py, f->code + l->co_localspluskinds, &kinds) == 0)
		py_bytes_read(py, kinds, kind, sizeof kind, &nkinds);
	for (int i = 0; i < nlocals; i++) {
		uint64_t name_obj = 0, value = 0;
		char name[128];

		if (py_ptr(py, items + 8 * (uint64_t)i, &name_obj) < 0 ||
		    py_str(py, name_obj, name, sizeof name) < 0)
			continue;
		py_ptr(py, f->addr + l->fr_localsplus + 8 * (uint64_t)i, &value);
		value &= ~l->fr_tag_bits; /* 3.14's slots are _PyStackRefs too */
		/* A cell variable's slot holds the cell (once the function has started). */
		if (value && (size_t)i < nkinds &&
		    (kind[i] & (l->co_fast_cell | l->co_fast_free)) && py_is(py, value, py->t_cell))
			py_ptr(py, value + l->cell_ref, &value);
		if (fn(arg, name, value))
			break;
	}
	return 0;
}
