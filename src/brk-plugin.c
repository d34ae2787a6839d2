/* brk-plugin.c - breakpoints a plugin implements (py break), numbered, listed and switched as lurk's own */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lurk/plugin.h>

#include "brk.h"
#include "err.h"
#include "plugin-host.h"
#include "rec.h"
#include "regs.h"
#include "session.h"
#include "source.h"
#include "target.h"
#include "util.h"

/*
 * The plugin put code in the program that decides when to stop (a Python
 * callback) and then calls a function lurk keeps a trap on, the
 * breakpoint's token as its first argument. That code calls only while the
 * breakpoint's guard byte is 1: lurk keeps it so as the breakpoint is
 * enabled, disabled or deleted, and sets it to 0 when it leaves the process.
 */

static void write_guard(struct session *s, const struct brk *b, bool on)
{
	unsigned char v = on;

	if (target_live(s->target) && !target_running(s->target))
		target_write_data(s->target, b->guard, &v, 1);
	err_clear();
}

static int set_enabled(struct session *s, struct brk *b, int loc, bool enabled)
{
	if (brk_set_enabled_traps(s, b, loc, enabled) < 0)
		return -1;
	write_guard(s, b, b->enabled && b->nlocs && b->locs[0].enabled);
	return 0;
}

static void disarm(struct session *s, struct brk *b)
{
	write_guard(s, b, false);
	brk_remove_traps(s, b);
}

/* Integer argument which (0: the first) of the call the thread stopped in at the trap. */
static bool call_argument(struct session *s, const struct stop_event *ev, uint64_t *value,
			  int which)
{
	struct thread *th = target_thread_num(s->target, ev->thread);
	const struct arch *a = target_arch(s->target);
	struct regs r;

	if (!th || target_regs(s->target, th, &r) < 0) {
		err_clear();
		return false;
	}
	*value = regs_get(&r, a->call_args[which]);
	return true;
}

static bool owns(struct session *s, const struct brk *b, const struct stop_event *ev)
{
	uint64_t token;

	return call_argument(s, ev, &token, 0) && token == b->token;
}

static const struct brk_ops plugin_ops = { set_enabled, disarm, owns };

static struct brk *add(struct session *s, struct lurk_plugin *owner,
		       const struct lurk_breakpoint_kind *kind, const char *what, const char *cond,
		       uint64_t addr, uint64_t token, uint64_t guard)
{
	struct brk *b;

	if (!target_live(s->target)) {
		err_set("there is no process");
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->num = ++s->brks.next_num;
	b->type = BRK_PLUGIN;
	b->ops = &plugin_ops;
	b->owner = owner;
	b->kind = kind;
	b->token = token;
	b->guard = guard;
	b->enabled = true;
	b->spec = xstrdup(what);
	b->cond = cond && *cond ? xstrdup(cond) : NULL;
	b->locs = xcalloc(1, sizeof(*b->locs));
	b->nlocs = 1;
	b->locs[0].addr = addr;
	b->locs[0].enabled = true;
	target_clear_on_leave(s->target, guard);
	brk_add(s, b);
	if (set_enabled(s, b, -1, true) < 0 || !b->locs[0].inserted) {
		if (!err_isset())
			err_set("cannot place a trap at 0x%llx", (unsigned long long)addr);
		brk_delete(s, b);
		return NULL;
	}
	return b;
}

int plugin_brk_make(struct session *s, struct lurk_plugin *owner,
		    const struct lurk_breakpoint_kind *kind, const char *what, const char *cond,
		    uint64_t addr, uint64_t token, uint64_t guard)
{
	struct brk *b = add(s, owner, kind, what, cond, addr, token, guard);

	return b ? b->num : -1;
}

const char *plugin_brk_title(const struct brk *b)
{
	return b->kind->title && *b->kind->title ? b->kind->title : "Breakpoint";
}

struct where_call {
	const struct brk *b;
	int thread;
	uint64_t value;
	struct lurk_logical_frame *where;
};

static int call_where(void *arg)
{
	struct where_call *c = arg;
	const struct lurk_breakpoint_kind *k = c->b->kind;

	return k->where(c->b->owner, k->userdata, c->thread, c->b->token, c->value, c->where);
}

void plugin_brk_where(struct session *s, const struct brk *b, struct thread *th, struct rec *rec)
{
	struct lurk_logical_frame where = { .size = sizeof(where) };
	const struct stop_event ev = { .thread = target_th_num(th) };
	struct where_call c = { b, target_th_num(th), 0, &where };
	struct rec *f;

	rec_set_str(rec, "title", plugin_brk_title(b));
	if (!b->kind->where || !call_argument(s, &ev, &c.value, 1) ||
	    plugin_call(b->owner, call_where, &c) != 0 || !where.function) {
		err_clear();
		return;
	}
	f = rec_set_obj(rec, "where");
	rec_set_str(f, "func", where.function);
	if (where.file) {
		const char *text = where.line > 0 ? source_line(where.file, where.line) : NULL;
		char root[64];

		rec_set_str(f, "file", where.file);
		rec_set_int(f, "line", where.line);
		/* A program in a container sees its files under its own root. */
		if (!text && where.line > 0 && where.file[0] == '/') {
			char *path;

			snprintf(root, sizeof(root), "/proc/%d/root", target_pid(s->target));
			path = xasprintf("%s%s", root, where.file);
			text = source_line(path, where.line);
			free(path);
		}
		if (text)
			rec_set_str(f, "source", text);
	}
	if (where.kind)
		rec_set_str(f, "kind", where.kind);
	if (where.note)
		rec_set_str(rec, "note", where.note);
}

struct condition_call {
	struct brk *b;
	const char *cond;
};

static int call_set_condition(void *arg)
{
	struct condition_call *c = arg;
	const struct lurk_breakpoint_kind *k = c->b->kind;

	return k->set_condition(c->b->owner, k->userdata, c->b->token, c->cond);
}

int plugin_brk_set_condition(struct session *s, struct brk *b, const char *cond)
{
	struct condition_call c = { b, cond && *cond ? cond : NULL };

	(void)s;
	if (!b->kind->set_condition) {
		err_set("breakpoint %d: its condition cannot be changed", b->num);
		return -1;
	}
	err_clear();
	if (plugin_call_changing(b->owner, call_set_condition, &c) != 0) {
		if (!err_isset())
			err_set("%s", *plugin_error(b->owner) ? plugin_error(b->owner)
							      : "the condition was not changed");
		return -1;
	}
	free(b->cond);
	b->cond = c.cond ? xstrdup(c.cond) : NULL;
	return 0;
}
