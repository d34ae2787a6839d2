/* pylocals.c - the py locals and py globals commands: a frame's or a module's names and values */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

#define CO_VARARGS     0x4
#define CO_VARKEYWORDS 0x8

/*
 * How many of the code's first fast locals are its arguments: co_argcount
 * and co_kwonlyargcount, one more for *args and one for **kwargs
 * (co_flags). No layout table carries these ints, but from 3.11 to 3.14
 * PyCodeObject keeps co_argcount, co_posonlyargcount, co_kwonlyargcount,
 * co_stacksize and co_firstlineno in a row, and co_flags just before
 * (3.11 has two shorts between): so they are found from co_firstlineno.
 * -1 when what is read makes no sense.
 */
static int code_nargs(const struct py *py, uint64_t code, int nlocals)
{
	const struct py_layout *l = py->l;
	size_t argcount = l->co_firstlineno - 16;
	int v[3] = { 0 }; /* co_argcount, co_posonlyargcount, co_kwonlyargcount */
	uint32_t flags = 0;
	int n;

	if (l->co_firstlineno < 24 || py_read(py, code + argcount, v, sizeof v) < 0 ||
	    py_read(py, code + argcount - (l->dbg ? 4 : 8), &flags, sizeof flags) < 0)
		return -1;
	n = v[0] + v[2] + !!(flags & CO_VARARGS) + !!(flags & CO_VARKEYWORDS);
	return v[0] < 0 || v[2] < 0 || v[1] > v[0] || n > nlocals ? -1 : n;
}

static int code_nlocals(const struct py *py, uint64_t code)
{
	int n = 0;

	return py_read(py, code + py->l->co_nlocalsplus, &n, sizeof n) < 0 ? -1 : n;
}

/* ---- py locals -------------------------------------------------------------------- */

struct locals {
	const struct py *py;
	int thread, frame; /* whose locals: lurk's thread number, the Python frame's */
	int index, nargs;  /* the slot being shown; how many slots are arguments */
	int shown;
};

static void emit_value(const struct py *py, struct lurk_record *r, const char *prefix,
		       const char *name, uint64_t value)
{
	char repr[8192], type[64];

	py_repr_bounded(py, value, NULL, repr, sizeof repr);
	py_type_name(py, value, type, sizeof type);
	api->record_str(r, "name", name);
	api->record_str(r, "type", type);
	api->record_str(r, "value", repr);
	api->record_emit(py->self, r, "%s%s = %s", prefix, name, repr);
}

static int print_local(void *arg, const char *name, uint64_t value)
{
	struct locals *lc = arg;
	struct lurk_record *r;
	bool is_arg = lc->index++ < lc->nargs;

	if (!value)
		return 0; /* not assigned yet */
	r = api->record_new(lc->py->self);
	api->record_int(r, "thread", lc->thread);
	api->record_int(r, "frame", lc->frame);
	api->record_int(r, "argument", is_arg);
	emit_value(lc->py, r, is_arg ? "arg " : "", name, value);
	lc->shown++;
	return 0;
}

/* The Python frame py locals looks at: N of the selected thread, or the selected one. */
static int frame_for(const struct py *py, const char *cmd, const char *args, struct py_thread *t,
		     struct py_frame *f, int *index)
{
	char *end;
	long v;

	if (py->l->free_threaded) {
		api->error(py->self, "py %s does not read a free-threaded build", cmd);
		return -1;
	}
	if (!*args)
		return py_selected_frame(py, t, f, index);
	v = strtol(args, &end, 10);
	if (*end || v < 0 || v > PY_MAX_FRAMES) {
		api->error(py->self, "\"%s\" is not a frame number; usage: py %s [N]", args, cmd);
		return -1;
	}
	return py_nth_frame(py, (int)v, t, f, index);
}

int py_locals_report(const struct py *py, const char *args)
{
	struct py_thread t;
	struct py_frame f;
	struct locals lc = { py, 0, 0, 0, 0, 0 };
	int nlocals;

	if (frame_for(py, "locals", args, &t, &f, &lc.frame) < 0)
		return -1;
	lc.thread = api->selected_thread(py->self);
	nlocals = code_nlocals(py, f.code);
	lc.nargs = code_nargs(py, f.code, nlocals);
	if (!api->output_is_json(py->self))
		api->print(py->self, "Locals of #%d %s at %s:%d:", lc.frame, f.name, f.file,
			   f.line);
	if (py_locals_each(py, &f, print_local, &lc) < 0) {
		api->error(py->self, "the locals of frame %d cannot be read", lc.frame);
		return -1;
	}
	if (!lc.shown && !api->output_is_json(py->self))
		api->print(py->self, "    (no locals)");
	return 0;
}

/* ---- py globals ------------------------------------------------------------------- */

struct globals {
	const struct py *py;
	const char *module;
	int shown, dunders;
};

static int print_global(void *arg, uint64_t key, uint64_t value)
{
	struct globals *g = arg;
	struct lurk_record *r;
	char name[256];
	size_t n;

	if (py_str(g->py, key, name, sizeof name) < 0)
		snprintf(name, sizeof name, "<key at 0x%" PRIx64 ">", key);
	/* __builtins__, __spec__, __loader__ ...: the same in every module, and long. */
	n = strlen(name);
	if (n > 4 && !strncmp(name, "__", 2) && !strcmp(name + n - 2, "__")) {
		g->dunders++;
		return 0;
	}
	r = api->record_new(g->py->self);
	api->record_str(r, "module", g->module);
	emit_value(g->py, r, "", name, value);
	g->shown++;
	return 0;
}

/* sys.modules[name] of the interpreter whose id is interp_id: its globals (md_dict), or 0. */
static uint64_t module_globals(const struct py *py, int64_t interp_id, const char *name)
{
	uint64_t interp = 0;

	py_ptr(py, py->runtime + py->l->rt_interp_head, &interp);
	for (int n = 0; interp && n < PY_MAX_INTERPS; n++) {
		uint64_t modules = 0, mod, dict = 0;
		bool ok;

		if (py_ssize(py, interp + py->l->is_id, &ok) == interp_id && ok) {
			if (py_ptr(py, interp + py->l->is_modules, &modules) < 0 ||
			    !(mod = py_dict_get(py, modules, name)) ||
			    py_ptr(py, mod + py->l->module_dict, &dict) < 0)
				return 0;
			return dict;
		}
		if (py_ptr(py, interp + py->l->is_next, &interp) < 0)
			break;
	}
	return 0;
}

int py_globals_report(const struct py *py, const char *args)
{
	struct py_thread t;
	struct py_frame f;
	struct globals g = { py, "", 0, 0 };
	char name[256] = "?";
	uint64_t dict, v;
	int index;

	if (*args) {
		/* A named module needs no Python frame: a native thread reads the main interpreter's. */
		int64_t interp_id = py_thread_find(py, api->selected_thread(py->self), -1, &t) == 0
					    ? t.interp_id
					    : 0;

		if (strcspn(args, " \t") != strlen(args)) {
			api->error(py->self, "usage: py globals [MODULE]");
			return -1;
		}
		if (py->l->free_threaded) {
			api->error(py->self, "py globals does not read a free-threaded build");
			return -1;
		}
		if (!(dict = module_globals(py, interp_id, args))) {
			api->error(py->self, "no module \"%s\" in sys.modules", args);
			return -1;
		}
		snprintf(name, sizeof name, "%s", args);
	} else {
		if (frame_for(py, "globals", "", &t, &f, &index) < 0)
			return -1;
		dict = f.globals;
		if ((v = py_dict_get(py, dict, "__name__")))
			py_str(py, v, name, sizeof name);
	}
	g.module = name;
	if (!api->output_is_json(py->self))
		api->print(py->self, "Globals of module %s:", name);
	if (py_dict_each(py, dict, print_global, &g) < 0) {
		api->error(py->self, "the globals of module %s cannot be read", name);
		return -1;
	}
	if (!api->output_is_json(py->self)) {
		if (!g.shown)
			api->print(py->self, "    (no globals)");
		if (g.dunders)
			api->print(py->self, "(%d names of the form __NAME__ not shown)",
				   g.dunders);
	}
	return 0;
}
