/* brk.c - user breakpoints: locations, conditions, counts, commands; traps through the target */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-cond.h"
#include "brk.h"
#include "err.h"
#include "eval.h"
#include "expr.h"
#include "frame.h"
#include "loc.h"
#include "rec.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "util.h"
#include "value.h"

static void free_locs(struct brk *b)
{
	for (size_t i = 0; i < b->nlocs; i++) {
		free(b->locs[i].func);
		free(b->locs[i].file);
		free(b->locs[i].module);
	}
	free(b->locs);
	b->locs = NULL;
	b->nlocs = 0;
}

void brk_free(struct brk *b)
{
	value_free(b->watched);
	free(b->wold);
	free_locs(b);
	free(b->spec);
	free(b->metric_name);
	free(b->cond);
	free(b->host_why);
	expr_free(b->cond_expr);
	for (size_t i = 0; i < b->ncmds; i++)
		free(b->cmds[i]);
	free(b->cmds);
	free(b);
}

static void table_free(struct brk_table *bt)
{
	for (size_t i = 0; i < bt->n; i++)
		brk_free(bt->v[i]);
	free(bt->v);
	memset(bt, 0, sizeof(*bt));
}

void brk_add(struct session *s, struct brk *b)
{
	VEC_GROW(s->brks.v, s->brks.n, s->brks.cap);
	s->brks.v[s->brks.n++] = b;
	/* gdb's $bpnum: saved breakpoints refer to the one just made by it. */
	value_conv_set_int("bpnum", b->num);
}

struct brk *brk_find(const struct session *s, int num)
{
	for (size_t i = 0; i < s->brks.n; i++)
		if (s->brks.v[i]->num == num)
			return s->brks.v[i];
	err_set("no breakpoint %d (see \"info breakpoints\")", num);
	return NULL;
}

const char *brk_title(const struct brk *b)
{
	/* gdb's names: software watchpoints are not "Hardware". */
	if (b->soft)
		return b->type == BRK_WATCH    ? "Watchpoint"
		       : b->type == BRK_RWATCH ? "Read watchpoint"
					       : "Access (read/write) watchpoint";
	switch (b->type) {
	case BRK_WATCH:
		return "Hardware watchpoint";
	case BRK_RWATCH:
		return "Hardware read watchpoint";
	case BRK_AWATCH:
		return "Hardware access (read/write) watchpoint";
	case BRK_MEMWATCH:
		return "Memory watchpoint";
	case BRK_CATCH_SYSCALL:
	case BRK_CATCH_SIGNAL:
		return "Catchpoint";
	case BRK_PLUGIN:
		return plugin_brk_title(b);
	default:
		return b->temporary ? "Temporary breakpoint" : "Breakpoint";
	}
}

static bool wants_trap(const struct brk *b, const struct brk_loc *l)
{
	return b->enabled && l->enabled;
}

/*
 * A guard in the program that judges b's condition at l and traps only
 * when it is true (agent.h). Its number, or -1 with err set saying why
 * the condition stays lurk's to judge.
 */
static int guard_loc(struct session *s, const struct brk *b, const struct brk_loc *l)
{
	struct sym *sym = target_sym(s->target);
	unsigned char code[1536];
	uint64_t lo, hi;
	char name[8];
	size_t n;

	if (s->cond_on_host) {
		err_set("set breakpoint condition-evaluation host");
		return -1;
	}
	if (target_trap_present(s->target, l->addr)) {
		err_set("another breakpoint or stop shares its address");
		return -1;
	}
	n = sym ? agent_cond_compile(sym, l->addr, false, target_pid(s->target), b->cond_expr, code,
				     sizeof(code))
		: 0;
	if (!n) {
		err_prefix("the agent cannot express it");
		return -1;
	}
	if (sym_func_range(sym, l->addr, &lo, &hi, name, sizeof(name)) < 0)
		return -1;
	return target_agent_guard(s->target, l->addr, lo, hi, code, n, false);
}

/*
 * l's trap, or with a condition a guard where the agent can; the first
 * reason it cannot is said once (a note), kept for info breakpoints.
 */
static int insert_loc(struct session *s, struct brk *b, struct brk_loc *l)
{
	l->guard = -1;
	l->guard_later = false;
	/* A launched program at its exec cannot map lurk's page yet: the next stop will. */
	if (b->type == BRK_BREAKPOINT && b->cond_expr && !s->cond_on_host &&
	    !target_can_inject(s->target)) {
		l->guard_later = true;
		return target_insert_trap(s->target, l->addr);
	}
	if (b->type == BRK_BREAKPOINT && b->cond_expr) {
		l->guard = guard_loc(s, b, l);
		if (l->guard >= 0)
			return 0;
		if (!b->host_why && !s->cond_on_host) {
			b->host_why = xstrdup(err_get());
			session_warn(s, "break",
				     "breakpoint %d: its condition is judged by lurk at each hit, "
				     "not in the program: %s",
				     b->num, b->host_why);
		}
		err_clear();
	}
	return target_insert_trap(s->target, l->addr);
}

static void remove_loc(struct session *s, struct brk_loc *l)
{
	if (l->guard >= 0)
		target_agent_unguard(s->target, l->guard);
	else
		target_remove_trap(s->target, l->addr);
	l->guard = -1;
	l->inserted = false;
}

/*
 * Make the traps match what is enabled. Several breakpoints may share an
 * address; the target counts references per address.
 */
static void sync_traps(struct session *s, struct brk *b, bool quiet)
{
	if (!target_live(s->target) || target_running(s->target))
		return;
	for (size_t i = 0; i < b->nlocs; i++) {
		struct brk_loc *l = &b->locs[i];

		if (wants_trap(b, l) && !l->inserted) {
			if (insert_loc(s, b, l) == 0) {
				l->inserted = true;
			} else if (!quiet) {
				session_warn(s, "break", "breakpoint %d.%zu: %s", b->num, i + 1,
					     err_get());
			}
		} else if (!wants_trap(b, l) && l->inserted) {
			remove_loc(s, l);
		}
	}
	if (!quiet)
		err_clear();
}

static bool any_inserted(const struct brk *b)
{
	for (size_t i = 0; i < b->nlocs; i++)
		if (b->locs[i].inserted)
			return true;
	return false;
}

static void remove_traps(struct session *s, struct brk *b)
{
	for (size_t i = 0; i < b->nlocs; i++) {
		if (b->locs[i].inserted && target_live(s->target))
			remove_loc(s, &b->locs[i]);
		b->locs[i].inserted = false;
		b->locs[i].guard = -1;
	}
	err_clear();
}

/* A breakpoint, or one of its locations, switched: its traps follow. */
static int set_enabled(struct session *s, struct brk *b, int loc, bool enabled)
{
	if (loc >= 0) {
		if ((size_t)loc >= b->nlocs) {
			err_set("breakpoint %d has no location %d", b->num, loc + 1);
			return -1;
		}
		b->locs[loc].enabled = enabled;
	} else {
		b->enabled = enabled;
	}
	sync_traps(s, b, false);
	return 0;
}

static const struct brk_ops breakpoint_ops = { set_enabled, remove_traps, NULL };

int brk_set_enabled_traps(struct session *s, struct brk *b, int loc, bool enabled)
{
	return set_enabled(s, b, loc, enabled);
}

void brk_remove_traps(struct session *s, struct brk *b)
{
	remove_traps(s, b);
}

static void add_loc(struct brk *b, struct sym *sym, uint64_t addr)
{
	struct brk_loc *l;
	struct sym_loc where;

	b->locs = xrealloc(b->locs, (b->nlocs + 1) * sizeof(*b->locs));
	l = &b->locs[b->nlocs++];
	memset(l, 0, sizeof(*l));
	sym_describe(sym, addr, false, &where);
	l->addr = addr;
	l->enabled = true;
	l->guard = -1;
	l->func = where.func ? xstrdup(where.func) : NULL;
	l->file = where.file ? xstrdup(where.file) : NULL;
	l->line = where.line;
	l->module = where.module ? xstrdup(path_base(where.module)) : NULL;
}

static void drop_loc(struct brk *b, size_t k)
{
	free(b->locs[k].func);
	free(b->locs[k].file);
	free(b->locs[k].module);
	memmove(&b->locs[k], &b->locs[k + 1], (b->nlocs - k - 1) * sizeof(b->locs[0]));
	b->nlocs--;
}

/*
 * A LINE given before the process existed is a line of main's file, fixed
 * the first time the program's symbols are there: never of the file the
 * process happens to stop in first (the dynamic linker's). false: no
 * default file yet.
 */
static bool pin_spec(struct session *s, struct brk *b)
{
	char *pinned;

	if (!loc_is_relative(b->spec))
		return true;
	pinned = loc_pin(s, b->spec, false);
	if (!pinned)
		return false;
	free(b->spec);
	b->spec = pinned;
	return true;
}

/*
 * Find b's locations in the loaded modules. Returns how many (0: pending),
 * or -1 with err set when the spec is malformed.
 */
static int resolve(struct session *s, struct brk *b, bool quiet)
{
	struct loc_list ll;
	struct sym *sym = target_sym(s->target);
	int n;

	remove_traps(s, b);
	free_locs(b);
	if (!sym || !pin_spec(s, b))
		return 0;
	n = loc_resolve(s, b->spec, &ll);
	if (n < 0) {
		loc_list_free(&ll);
		return -1;
	}
	if (n == 0) {
		if (!quiet) {
			session_warn(s, "break", "breakpoint %d (%s) is pending: %s", b->num,
				     b->spec, err_get());
			err_clear();
		}
		loc_list_free(&ll);
		return 0;
	}
	for (size_t i = 0; i < ll.n; i++)
		add_loc(b, sym, ll.addrs[i]);
	loc_list_free(&ll);
	sync_traps(s, b, quiet);
	return (int)b->nlocs;
}

int brk_check_condition(const char *cond)
{
	struct expr *e = expr_parse(cond);

	if (!e) {
		err_prefix("bad condition \"%s\"", cond);
		return -1;
	}
	expr_free(e);
	return 0;
}

void brk_take_condition(struct brk *b, const char *cond)
{
	free(b->cond);
	free(b->host_why);
	b->host_why = NULL;
	expr_free(b->cond_expr);
	b->cond = cond ? xstrdup(cond) : NULL;
	b->cond_expr = cond ? expr_parse(cond) : NULL;
}

/*
 * The dynamic linker calls _dl_debug_state() after every change to the list
 * of loaded objects (dlopen, dlclose, the libraries of a launched program):
 * a trap there is how pending breakpoints hear of new libraries.
 */
static void arm_library_events(struct session *s)
{
	struct sym *sym = target_sym(s->target);
	struct sym_found f;

	s->solib_event_addr = 0;
	if (sym && sym_lookup(sym, "_dl_debug_state", NULL, &f) == 0 && f.kind == SYM_FUNC &&
	    target_insert_trap(s->target, f.addr) == 0)
		s->solib_event_addr = f.addr;
	err_clear();
}

void brk_hear_libraries(struct session *s)
{
	s->libraries_wanted = true;
	if (target_live(s->target) && !s->solib_event_addr)
		arm_library_events(s);
}

struct brk *brk_create(struct session *s, const char *spec, bool temporary, const char *cond)
{
	struct brk *b;

	if (cond && brk_check_condition(cond) < 0)
		return NULL;
	if (target_running(s->target)) {
		err_set("the program is running; use \"interrupt\" first");
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->num = ++s->brks.next_num;
	b->ops = &breakpoint_ops;
	b->temporary = temporary;
	b->enabled = true;
	/* LINE, +N, -N: the default file is the one of now, as gdb keeps FILE:LINE. */
	b->spec = loc_pin(s, spec, true);
	if (!b->spec) {
		if (target_live(s->target) || !isdigit((unsigned char)spec[0])) {
			s->brks.next_num--;
			free(b);
			return NULL;
		}
		err_clear();
		b->spec = xstrdup(spec);
	}
	brk_take_condition(b, cond);
	/*
	 * A malformed spec is refused now; one that matches nothing yet may match
	 * later. Found locations that all refuse a trap (not code, not mapped)
	 * make no breakpoint.
	 */
	if (target_live(s->target) && !s->solib_event_addr)
		arm_library_events(s);
	if (target_live(s->target)) {
		int n = resolve(s, b, true);

		if (n < 0 || (n > 0 && !any_inserted(b))) {
			s->brks.next_num--;
			brk_free(b);
			return NULL;
		}
		if (n == 0) {
			session_warn(s, "break", "breakpoint %d (%s) is pending: %s", b->num,
				     b->spec, err_get());
			err_clear();
		}
	}
	brk_add(s, b);
	return b;
}

void brk_delete(struct session *s, struct brk *b)
{
	b->ops->disarm(s, b);
	err_clear();
	for (size_t i = 0; i < s->brks.n; i++) {
		if (s->brks.v[i] == b) {
			memmove(&s->brks.v[i], &s->brks.v[i + 1],
				(s->brks.n - i - 1) * sizeof(s->brks.v[0]));
			s->brks.n--;
			break;
		}
	}
	brk_free(b);
}

int brk_set_enabled(struct session *s, struct brk *b, int loc, bool enabled)
{
	return b->ops->set_enabled(s, b, loc, enabled);
}

void brk_stopped(struct session *s, struct brk *b)
{
	if (b->temporary) {
		brk_delete(s, b);
		return;
	}
	if (b->disable_on_stop && (b->enable_count <= 1 || --b->enable_count == 0)) {
		b->enable_count = 0;
		brk_set_enabled(s, b, -1, false);
		err_clear();
	}
}

static bool any_guard(const struct brk *b)
{
	for (size_t i = 0; i < b->nlocs; i++)
		if (b->locs[i].inserted && b->locs[i].guard >= 0)
			return true;
	return false;
}

/* The guards judge the condition they were made from: new ones for a new condition. */
static void replace_guards(struct session *s, struct brk *b)
{
	if (b->type != BRK_BREAKPOINT || !target_live(s->target) || target_running(s->target))
		return;
	remove_traps(s, b);
	sync_traps(s, b, false);
}

int brk_set_condition(struct session *s, struct brk *b, const char *cond)
{
	if (b->type == BRK_PLUGIN)
		return plugin_brk_set_condition(s, b, cond);
	if (cond && brk_check_condition(cond) < 0)
		return -1;
	if (any_guard(b) && target_running(s->target)) {
		err_set("the program is running and judges the condition itself; use "
			"\"interrupt\" first");
		return -1;
	}
	brk_take_condition(b, cond);
	replace_guards(s, b);
	return 0;
}

void brk_conditions_moved(struct session *s)
{
	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];

		if (b->cond_expr) {
			free(b->host_why);
			b->host_why = NULL;
			replace_guards(s, b);
		}
	}
}

uint64_t brk_condition_calls(const struct session *s, const struct brk *b, bool *in_program,
			     bool *gave_way, uint64_t *trues)
{
	uint64_t total = 0;

	*in_program = *gave_way = false;
	*trues = 0;
	for (size_t i = 0; i < b->nlocs; i++) {
		uint64_t calls, yes;

		if (!b->locs[i].inserted || b->locs[i].guard < 0)
			continue;
		if (target_agent_guard_state(s->target, b->locs[i].guard, &calls, &yes))
			*in_program = true;
		else
			*gave_way = true;
		*trues += yes;
		total += calls;
	}
	return total;
}

/*
 * A new process, or a new program in it (exec, as gdb does): every
 * breakpoint is placed again, and hears of its libraries.
 */
static void process_started(struct session *s)
{
	/*
	 * Only breakpoints and tracing (which hears of the start first, and may
	 * have asked already) need to hear of libraries: attach-and-backtrace
	 * pays nothing.
	 */
	if ((s->brks.n || s->libraries_wanted) && !s->solib_event_addr)
		arm_library_events(s);
	for (size_t i = 0; i < s->brks.n; i++) {
		if (s->brks.v[i]->type != BRK_BREAKPOINT)
			continue;
		for (size_t k = 0; k < s->brks.v[i]->nlocs; k++) {
			s->brks.v[i]->locs[k].inserted = false;
			s->brks.v[i]->locs[k].guard = -1;
		}
		resolve(s, s->brks.v[i], false);
	}
}

/* Whether the code a location was found in is still there, with its trap. */
static bool loc_still_loaded(struct session *s, struct sym *sym, const struct brk_loc *l)
{
	struct sym_loc where;

	sym_describe(sym, l->addr, false, &where);
	if (!where.module || !l->module || strcmp(path_base(where.module), l->module) != 0)
		return false;
	if (l->inserted && l->guard >= 0)
		return target_agent_guard_present(s->target, l->guard);
	return !l->inserted || target_trap_present(s->target, l->addr);
}

void brk_libraries_changed(struct session *s)
{
	struct sym *sym = target_sym(s->target);

	if (!sym)
		return;
	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];
		size_t before;
		struct loc_list ll;

		if (b->type != BRK_BREAKPOINT || !pin_spec(s, b))
			continue;

		/*
		 * A library was unloaded: the traps in it went with its code. Forget
		 * them without writing (something else may be mapped there next).
		 */
		for (size_t k = b->nlocs; k-- > 0;) {
			if (loc_still_loaded(s, sym, &b->locs[k]))
				continue;
			if (b->locs[k].inserted && b->locs[k].guard >= 0)
				target_agent_drop_guard(s->target, b->locs[k].guard);
			else if (b->locs[k].inserted)
				target_forget_trap(s->target, b->locs[k].addr);
			drop_loc(b, k);
		}
		/* A library was loaded: the spec may match there too; known places keep their state. */
		before = b->nlocs;
		if (loc_resolve(s, b->spec, &ll) > 0) {
			for (size_t a = 0; a < ll.n; a++) {
				bool known = false;

				for (size_t k = 0; k < b->nlocs; k++)
					known |= b->locs[k].addr == ll.addrs[a];
				if (!known)
					add_loc(b, sym, ll.addrs[a]);
			}
		}
		loc_list_free(&ll);
		err_clear();
		if (b->nlocs == before)
			continue;
		sync_traps(s, b, true);
		{
			struct rec *rec = rec_obj();

			rec_set_str(rec, "event", "breakpoint-resolved");
			rec_set_int(rec, "number", b->num);
			rec_set_str(rec, "spec", b->spec);
			rec_set_int(rec, "locations", (int64_t)b->nlocs);
			session_tell(s, NEWS_BRK_PLACED, rec);
		}
	}
	err_clear();
}

/* A plugin's breakpoints belong to the program its code was put in. */
static void drop_plugin_brks(struct session *s)
{
	for (size_t i = s->brks.n; i-- > 0;)
		if (s->brks.v[i]->type == BRK_PLUGIN)
			brk_delete(s, s->brks.v[i]);
}

/* The process is gone or left: its traps went with it, and the breakpoints plugins made in it. */
static void process_gone(struct session *s)
{
	drop_plugin_brks(s);
	s->solib_event_addr = 0;
	s->libraries_wanted = false;
	for (size_t i = s->brks.n; i-- > 0;) {
		struct brk *b = s->brks.v[i];

		if (b->type != BRK_BREAKPOINT)
			continue;
		for (size_t k = 0; k < b->nlocs; k++) {
			b->locs[k].inserted = false;
			b->locs[k].guard = -1;
		}
	}
}

void brk_lifecycle(struct session *s, enum session_event ev)
{
	switch (ev) {
	case SESSION_STARTED:
		process_started(s);
		break;
	case SESSION_GONE:
		process_gone(s);
		break;
	case SESSION_EXEC:
	case SESSION_RELAUNCH:
		/* The library events' trap went with the old program. */
		s->solib_event_addr = 0;
		s->libraries_wanted = false;
		drop_plugin_brks(s);
		if (ev == SESSION_EXEC && target_live(s->target))
			process_started(s);
		break;
	case SESSION_END:
		table_free(&s->brks);
		break;
	default:
		break;
	}
}

/*
 * Evaluate b's condition in thread ev->thread's innermost frame. The stack is
 * unwound only if the condition needs it (a local's frame base), never for
 * registers or globals.
 */
int brk_condition_true(struct session *s, const struct brk *b, const struct stop_event *ev,
		       bool *stop)
{
	const struct frame_ctx fc = {
		.target = s->target,
		.thread = target_thread_num(s->target, ev->thread),
		.level = 0,
	};

	return eval_condition(&fc, b->cond_expr, stop);
}

bool brk_has_location(struct session *s, uint64_t addr)
{
	for (size_t i = 0; i < s->brks.n; i++)
		for (size_t k = 0; k < s->brks.v[i]->nlocs; k++)
			if (s->brks.v[i]->locs[k].addr == addr && s->brks.v[i]->locs[k].inserted)
				return true;
	return false;
}

void brk_count_hit(struct session *s, struct brk *b, const struct stop_event *ev,
		   enum brk_verdict *verdict, struct brk **out)
{
	bool catch = b->type == BRK_CATCH_SYSCALL || b->type == BRK_CATCH_SIGNAL;
	bool stop = true;

	if (*verdict == BRK_NOT_OURS)
		*verdict = BRK_PASS;
	/* A plugin's breakpoint has its condition judged in the program. */
	if (b->cond && b->cond_expr && brk_condition_true(s, b, ev, &stop) < 0) {
		/* A condition that cannot be evaluated stops, and says why. */
		session_warn(s, catch ? "catch" : "break", "%s %d: cannot evaluate \"%s\": %s",
			     catch ? "catchpoint" : "breakpoint", b->num, b->cond, err_get());
		err_clear();
		stop = true;
	}
	if (!stop)
		return;
	b->hits++;
	if (b->ignore > 0) {
		b->ignore--;
		return;
	}
	if (!*out) {
		*out = b;
		*verdict = BRK_STOP;
	}
}

void brk_late_guards(struct session *s)
{
	if (target_any_running(s->target) || !target_can_inject(s->target))
		return;
	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];

		for (size_t k = 0; k < b->nlocs; k++) {
			struct brk_loc *l = &b->locs[k];

			if (!l->guard_later || !l->inserted)
				continue;
			remove_loc(s, l);
			l->inserted = insert_loc(s, b, l) == 0;
		}
	}
	err_clear();
}

enum brk_verdict brk_judge(struct session *s, const struct stop_event *ev, struct brk **out)
{
	enum brk_verdict verdict = BRK_NOT_OURS;

	*out = NULL;
	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];
		bool here = false;

		for (size_t k = 0; k < b->nlocs; k++)
			here |= b->locs[k].addr == ev->addr && b->locs[k].inserted &&
				wants_trap(b, &b->locs[k]);
		/* A trap of ours another breakpoint at the same place owns: passed over. */
		if (here && b->ops->owns && !b->ops->owns(s, b, ev)) {
			if (verdict == BRK_NOT_OURS)
				verdict = BRK_PASS;
			continue;
		}
		if (here)
			brk_count_hit(s, b, ev, &verdict, out);
	}
	return verdict;
}
