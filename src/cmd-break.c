/* cmd-break.c - breakpoints: break, tbreak, delete, disable, enable, condition, ignore, commands */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lurk/plugin.h>

#include "brk.h"
#include "cmd.h"
#include "err.h"
#include "loc.h"
#include "memwatch.h"
#include "out.h"
#include "rec.h"
#include "select.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "watch.h"

static void add_loc_fields(struct rec *o, const struct brk_loc *l)
{
	rec_set_addr(o, "addr", l->addr);
	rec_set_bool(o, "enabled", l->enabled);
	if (l->func)
		rec_set_str(o, "func", l->func);
	if (l->file) {
		rec_set_str(o, "file", l->file);
		rec_set_int(o, "line", l->line);
	}
	if (l->module)
		rec_set_str(o, "module", l->module);
}

static struct rec *brk_record(struct session *s, const struct brk *b)
{
	struct rec *o = rec_obj();
	struct rec *locs;

	rec_set_int(o, "number", b->num);
	rec_set_str(o, "title", brk_title(b));
	rec_set_str(o, "type",
		    b->type == BRK_WATCH && b->soft ? "watchpoint"
		    : b->type == BRK_WATCH	    ? "hw watchpoint"
		    : b->type == BRK_RWATCH	    ? "read watchpoint"
		    : b->type == BRK_AWATCH	    ? "acc watchpoint"
		    : b->type == BRK_MEMWATCH	    ? "memwatch"
		    : b->type == BRK_CATCH_SYSCALL || b->type == BRK_CATCH_SIGNAL ? "catchpoint"
		    : b->type == BRK_PLUGIN && b->kind->type			  ? b->kind->type
										  : "breakpoint");
	if (b->type == BRK_PLUGIN)
		rec_set_bool(o, "plugin", true);
	if (b->type == BRK_MEMWATCH) {
		uint64_t now;

		rec_set_uint(o, "threshold", b->op == '+' ? b->mbase + b->msize : b->msize);
		if (memwatch_value(s, b, &now) == 0)
			rec_set_uint(o, "now", now);
		err_clear();
	}
	if (b->type == BRK_WATCH || b->type == BRK_RWATCH || b->type == BRK_AWATCH) {
		rec_set_addr(o, "addr", b->waddr);
		rec_set_int(o, "size", b->wlen);
		rec_set_int(o, "slots", b->slots);
		if (b->wold)
			rec_set_str(o, "value", b->wold);
	}
	rec_set_str(o, "disposition", b->temporary ? "del" : b->disable_on_stop ? "dis" : "keep");
	if (b->disable_on_stop && b->enable_count > 1)
		rec_set_int(o, "enable_count", b->enable_count);
	rec_set_bool(o, "enabled", b->enabled);
	rec_set_str(o, "spec", b->spec);
	if (b->cond) {
		bool in_program, gave_way;
		uint64_t trues, calls = brk_condition_calls(s, b, &in_program, &gave_way, &trues);

		rec_set_str(o, "condition", b->cond);
		/* Where it is judged: in the program (and at how many calls), or by lurk, and why. */
		if (in_program) {
			rec_set_str(o, "condition_judged", "program");
			rec_set_uint(o, "condition_calls", calls);
			rec_set_uint(o, "condition_true", trues);
		} else if (gave_way || b->host_why) {
			rec_set_str(o, "condition_judged", "lurk");
			rec_set_str(o, "condition_why",
				    gave_way ? "its guard gave way to a trap at the same place"
					     : b->host_why);
		}
	}
	rec_set_int(o, "hits", b->hits);
	if (b->ignore)
		rec_set_int(o, "ignore", b->ignore);
	rec_set_bool(o, "pending", b->type == BRK_BREAKPOINT && b->nlocs == 0);
	locs = rec_set_arr(o, "locations");
	for (size_t i = 0; i < b->nlocs; i++)
		add_loc_fields(rec_push_obj(locs), &b->locs[i]);
	if (b->ncmds) {
		struct rec *cmds = rec_set_arr(o, "commands");

		for (size_t i = 0; i < b->ncmds; i++)
			rec_push_str(cmds, b->cmds[i]);
	}
	return o;
}

/* " in lock_held_mutex at hang8.c:38", " in read from libc.so.6" */
static void render_where(struct out *o, const struct rec *l)
{
	if (rec_has(l, "func"))
		out_printf(o, " in %s%s%s", out_style(o, STYLE_FUNC), rec_str(l, "func"),
			   out_style(o, STYLE_RESET));
	if (rec_has(l, "file"))
		out_printf(o, " at %s:%" PRId64, path_base(rec_str(l, "file")),
			   rec_int(l, "line", 0));
	else if (rec_has(l, "module"))
		out_printf(o, " from %s", rec_str(l, "module"));
}

static void render_created(struct out *o, const struct rec *rec)
{
	const struct rec *locs = rec_get(rec, "locations");
	const char *kind =
		rec_str(rec, "disposition")[0] == 'd' ? "Temporary breakpoint" : "Breakpoint";

	out_printf(o, "%s %" PRId64, kind, rec_int(rec, "number", 0));
	if (rec_len(locs) == 0) {
		out_printf(o, " (%s) pending\n", rec_str(rec, "spec"));
		return;
	}
	if (rec_len(locs) > 1) {
		out_printf(o, " at %s: %zu locations\n", rec_str(rec, "spec"), rec_len(locs));
		return;
	}
	out_printf(o, " at 0x%" PRIx64, rec_uint(rec_at(locs, 0), "addr", 0));
	render_where(o, rec_at(locs, 0));
	out_printf(o, "\n");
}

/* "LOC if COND": the condition starts at the word "if". */
static void split_condition(const char *text, char **loc, char **cond)
{
	const char *p = text;

	*cond = NULL;
	while (*p) {
		if ((p == text || isspace((unsigned char)p[-1])) && strncmp(p, "if", 2) == 0 &&
		    (p[2] == '\0' || isspace((unsigned char)p[2]))) {
			const char *c = p + 2;

			while (isspace((unsigned char)*c))
				c++;
			*loc = xstrndup(text, (size_t)(p - text));
			*cond = xstrdup(c);
			break;
		}
		p++;
	}
	if (!*cond)
		*loc = xstrdup(text);
	/* trim the location */
	for (size_t n = strlen(*loc); n && isspace((unsigned char)(*loc)[n - 1]); n--)
		(*loc)[n - 1] = '\0';
}

/* "break" alone: the pc of the selected frame, as gdb does. */
static char *selected_pc_spec(struct session *s)
{
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);

	if (level < 0) {
		err_set("no location given, and no frame selected to break at");
		return NULL;
	}
	return xasprintf("*0x%" PRIx64, frames[level].pc);
}

static int create(struct cmd_ctx *ctx, bool temporary)
{
	struct session *s = ctx->s;
	char *loc, *cond;
	struct brk *b;

	if (ctx->arg[0].set) {
		split_condition(ctx->arg[0].s, &loc, &cond);
	} else {
		loc = selected_pc_spec(s);
		cond = NULL;
		if (!loc)
			return -1;
	}
	if (!*loc) {
		free(loc);
		loc = selected_pc_spec(s);
		if (!loc) {
			free(cond);
			return -1;
		}
	}
	if (cond && !*cond) {
		free(loc);
		free(cond);
		err_set("\"if\" needs a condition");
		return -1;
	}
	b = brk_create(s, loc, temporary, cond);
	free(loc);
	free(cond);
	if (!b)
		return -1;
	out_emit(s->out, ctx->name, brk_record(ctx->s, b), render_created);
	return 0;
}

static int cmd_break_break(struct cmd_ctx *ctx)
{
	return create(ctx, false);
}

static int cmd_break_tbreak(struct cmd_ctx *ctx)
{
	return create(ctx, true);
}

/* Apply fn to each "N" or "N.M" (M: 1-based location) in text; all when text is empty. */
static int for_each_ref_in(struct cmd_ctx *ctx, const char *p, bool allow_loc,
			   int (*fn)(struct session *s, struct brk *b, int loc, void *arg),
			   void *arg)
{
	struct session *s = ctx->s;
	const char *w;
	size_t len;
	int ret = 0;

	if (!*p) {
		/* Snapshot: fn may delete. */
		size_t n = s->brks.n;
		int *nums = xcalloc(n ? n : 1, sizeof(*nums));

		for (size_t i = 0; i < n; i++)
			nums[i] = s->brks.v[i]->num;
		for (size_t i = 0; i < n; i++) {
			struct brk *b = brk_find(s, nums[i]);

			if (b && fn(s, b, -1, arg) < 0)
				ret = -1;
		}
		free(nums);
		return ret;
	}
	while ((len = next_word(&p, &w)) > 0) {
		char word[64];
		char *end;
		long num, loc = -1;
		struct brk *b;

		snprintf(word, sizeof(word), "%.*s", (int)(len < 63 ? len : 63), w);
		if (strcmp(word, "$bpnum") == 0)
			snprintf(word, sizeof(word), "%d", s->brks.next_num);
		num = strtol(word, &end, 10);
		if (*end == '.' && allow_loc) {
			char *end2;

			loc = strtol(end + 1, &end2, 10) - 1;
			end = loc >= 0 ? end2 : end;
		}
		if (end == word || *end || num <= 0) {
			err_set("\"%s\" is not a breakpoint number%s", word,
				allow_loc ? " (N or N.M)" : "");
			return -1;
		}
		b = brk_find(s, (int)num);
		if (!b || fn(s, b, (int)loc, arg) < 0)
			ret = -1;
		if (ret < 0)
			return ret;
	}
	return ret;
}

static int for_each_ref(struct cmd_ctx *ctx, bool allow_loc,
			int (*fn)(struct session *s, struct brk *b, int loc, void *arg), void *arg)
{
	return for_each_ref_in(ctx, ctx->arg[0].set ? ctx->arg[0].s : "", allow_loc, fn, arg);
}

static int delete_one(struct session *s, struct brk *b, int loc, void *arg)
{
	brk_delete(s, b);
	return 0;
}

static int cmd_break_delete(struct cmd_ctx *ctx)
{
	return for_each_ref(ctx, false, delete_one, NULL);
}

/* The places clear deletes at: addresses, and the source lines they begin. */
struct places {
	uint64_t *addrs;
	char **files;
	int *lines;
	size_t n;
};

static void places_free(struct places *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->files[i]);
	free(p->addrs);
	free(p->files);
	free(p->lines);
}

static void places_add(struct places *p, uint64_t addr, const char *file, int line)
{
	p->addrs = xrealloc(p->addrs, (p->n + 1) * sizeof(*p->addrs));
	p->files = xrealloc(p->files, (p->n + 1) * sizeof(*p->files));
	p->lines = xrealloc(p->lines, (p->n + 1) * sizeof(*p->lines));
	p->addrs[p->n] = addr;
	p->files[p->n] = file ? xstrdup(file) : NULL;
	p->lines[p->n] = line;
	p->n++;
}

/* "clear" alone: the selected frame's line, as gdb does. */
static int frame_place(struct session *s, struct places *p)
{
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);
	struct sym *sym = target_sym(s->target);
	struct sym_loc where;

	if (level < 0 || !sym) {
		err_set("no frame selected: give a location");
		return -1;
	}
	unwind_describe(sym, &frames[level], &where);
	err_clear();
	places_add(p, frames[level].pc, where.file, where.line);
	return 0;
}

static int spec_places(struct session *s, const char *spec, struct places *p)
{
	struct sym *sym = target_sym(s->target);
	struct loc_list ll;

	if (loc_resolve(s, spec, &ll) <= 0) {
		loc_list_free(&ll);
		if (!err_isset())
			err_set("no code for %s", spec);
		return -1;
	}
	for (size_t i = 0; i < ll.n; i++) {
		struct sym_loc where;

		sym_describe(sym, ll.addrs[i], false, &where);
		places_add(p, ll.addrs[i], where.file, where.line);
	}
	err_clear();
	loc_list_free(&ll);
	return 0;
}

/* A location at one of the places: the same address, or code of the same line. */
static bool brk_at_places(const struct brk *b, const struct places *p)
{
	for (size_t k = 0; k < b->nlocs; k++) {
		const struct brk_loc *l = &b->locs[k];

		for (size_t i = 0; i < p->n; i++)
			if (l->addr == p->addrs[i] ||
			    (l->file && p->files[i] && l->line == p->lines[i] &&
			     strcmp(l->file, p->files[i]) == 0))
				return true;
	}
	return false;
}

static void render_cleared(struct out *o, const struct rec *rec)
{
	const struct rec *nums = rec_get(rec, "deleted");

	out_printf(o, "Deleted breakpoint%s", rec_len(nums) > 1 ? "s" : "");
	for (size_t i = 0; i < rec_len(nums); i++)
		out_printf(o, " %" PRIu64, rec_as_uint(rec_at(nums, i)));
	out_printf(o, "\n");
}

/*
 * Without a process breakpoints have no locations: the spec as typed is
 * what can match.
 */
static int cmd_break_clear(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *spec = ctx->arg[0].set ? ctx->arg[0].s : NULL;
	bool live = target_live(s->target);
	struct places p = { 0 };
	struct rec *rec, *nums;
	size_t i = 0;

	if (live && (spec ? spec_places(s, spec, &p) : frame_place(s, &p)) < 0) {
		places_free(&p);
		return -1;
	}
	if (!live && !spec) {
		err_set("no frame selected: give a location");
		return -1;
	}
	rec = rec_obj();
	rec_set_str(rec, "spec", spec ? spec : "");
	nums = rec_set_arr(rec, "deleted");
	while (i < s->brks.n) {
		struct brk *b = s->brks.v[i];

		if (b->type == BRK_BREAKPOINT &&
		    (live ? brk_at_places(b, &p) : strcmp(b->spec, spec) == 0)) {
			rec_push_uint(nums, (uint64_t)b->num);
			brk_delete(s, b);
			continue;
		}
		i++;
	}
	places_free(&p);
	if (rec_len(nums) == 0) {
		rec_free(rec);
		err_set("no breakpoint at %s", spec ? spec : "this line");
		return -1;
	}
	out_emit(s->out, ctx->name, rec, render_cleared);
	return 0;
}

static int enable_one(struct session *s, struct brk *b, int loc, void *arg)
{
	return brk_set_enabled(s, b, loc, *(bool *)arg);
}

/* What "enable once", "enable delete" and "enable count C" leave a breakpoint doing after it stops. */
struct disposition {
	bool temporary;
	bool disable_on_stop;
	unsigned count;
};

static int enable_with_disposition(struct session *s, struct brk *b, int loc, void *arg)
{
	const struct disposition *d = arg;

	b->temporary = d->temporary;
	b->disable_on_stop = d->disable_on_stop;
	b->enable_count = d->count;
	return brk_set_enabled(s, b, -1, true);
}

/* The keyword forms take whole breakpoints only, and at least one, as gdb's. */
static int enable_keyword(struct cmd_ctx *ctx, const char *word, size_t len, const char *rest)
{
	struct disposition d = { false, true, 1 };

	if (len == 6 && strncmp(word, "delete", 6) == 0) {
		d.temporary = true;
		d.disable_on_stop = false;
		d.count = 0;
	} else if (len == 5 && strncmp(word, "count", 5) == 0) {
		const char *w;
		size_t n = next_word(&rest, &w);
		char *end;
		unsigned long count = n ? strtoul(w, &end, 10) : 0;

		if (!n || end != w + n || count == 0 || count > UINT32_MAX) {
			err_set("enable count needs a count above 0: enable count C N...");
			return -1;
		}
		d.count = (unsigned)count;
	}
	while (*rest == ' ')
		rest++;
	if (!*rest) {
		err_set("enable %.*s needs breakpoint numbers", (int)len, word);
		return -1;
	}
	return for_each_ref_in(ctx, rest, false, enable_with_disposition, &d);
}

static int cmd_break_enable(struct cmd_ctx *ctx)
{
	bool on = true;
	const char *p = ctx->arg[0].set ? ctx->arg[0].s : "";
	const char *w;
	size_t len = next_word(&p, &w);

	if ((len == 4 && strncmp(w, "once", 4) == 0) ||
	    (len == 6 && strncmp(w, "delete", 6) == 0) || (len == 5 && strncmp(w, "count", 5) == 0))
		return enable_keyword(ctx, w, len, p);
	return for_each_ref(ctx, true, enable_one, &on);
}

static int cmd_break_disable(struct cmd_ctx *ctx)
{
	bool on = false;

	return for_each_ref(ctx, true, enable_one, &on);
}

/* N, or $bpnum (the newest breakpoint, as gdb's saved breakpoints say). */
static struct brk *numbered(struct cmd_ctx *ctx)
{
	const char *text = ctx->arg[0].s;
	char *end;
	unsigned long num;

	if (strcmp(text, "$bpnum") == 0)
		return brk_find(ctx->s, ctx->s->brks.next_num);
	num = strtoul(text, &end, 10);
	if (end == text || *end || num == 0 || num > INT32_MAX) {
		err_set("no breakpoint %s", text);
		return NULL;
	}
	return brk_find(ctx->s, (int)num);
}

static int cmd_break_condition(struct cmd_ctx *ctx)
{
	struct brk *b = numbered(ctx);

	if (!b)
		return -1;
	return brk_set_condition(ctx->s, b,
				 ctx->arg[1].set && *ctx->arg[1].s ? ctx->arg[1].s : NULL);
}

static void render_ignore(struct out *o, const struct rec *rec)
{
	int64_t n = rec_int(rec, "ignore", 0), num = rec_int(rec, "number", 0);

	if (n == 0)
		out_printf(o, "Will stop next time breakpoint %" PRId64 " is reached.\n", num);
	else if (n == 1)
		out_printf(o, "Will ignore next crossing of breakpoint %" PRId64 ".\n", num);
	else
		out_printf(o, "Will ignore next %" PRId64 " crossings of breakpoint %" PRId64 ".\n",
			   n, num);
}

static int cmd_break_ignore(struct cmd_ctx *ctx)
{
	struct brk *b = numbered(ctx);
	struct rec *rec;

	if (!b)
		return -1;
	if (ctx->arg[1].u > UINT32_MAX) {
		err_set("%s is too large a count", ctx->arg[1].s);
		return -1;
	}
	b->ignore = (unsigned)ctx->arg[1].u;
	rec = rec_obj();
	rec_set_int(rec, "number", b->num);
	rec_set_int(rec, "ignore", b->ignore);
	out_emit(ctx->s->out, ctx->name, rec, render_ignore);
	return 0;
}

static int cmd_break_commands(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct brk *b;
	char **lines;
	size_t n;

	if (ctx->arg[0].set) {
		b = numbered(ctx);
	} else if (s->brks.n) {
		/* gdb's default: the breakpoint made last. */
		b = s->brks.v[s->brks.n - 1];
	} else {
		err_set("no breakpoints to attach commands to");
		b = NULL;
	}
	if (!b)
		return -1;
	if (cmd_read_body(ctx, "commands", &lines, &n) < 0)
		return -1;
	for (size_t i = 0; i < b->ncmds; i++)
		free(b->cmds[i]);
	free(b->cmds);
	b->cmds = lines;
	b->ncmds = n;
	return 0;
}

static void render_watch_created(struct out *o, const struct rec *rec)
{
	out_printf(o, "%s %" PRId64 ": %s\n", rec_str(rec, "title"), rec_int(rec, "number", 0),
		   rec_str(rec, "spec"));
}

static int create_watch(struct cmd_ctx *ctx, enum brk_type type)
{
	char *expr, *cond;
	struct brk *b;

	/* -l (arg 0): watch the place, even after the frame of a local in the expression returns. */
	split_condition(ctx->arg[1].s, &expr, &cond);
	b = watch_create(ctx->s, expr, type, cond, ctx->arg[0].set);
	free(expr);
	free(cond);
	if (!b)
		return -1;
	out_emit(ctx->s->out, ctx->name, brk_record(ctx->s, b), render_watch_created);
	return 0;
}

static int cmd_break_memwatch(struct cmd_ctx *ctx)
{
	struct brk *b = memwatch_create(ctx->s, ctx->arg[0].s);

	if (!b)
		return -1;
	out_emit(ctx->s->out, ctx->name, brk_record(ctx->s, b), render_watch_created);
	return 0;
}

static int cmd_break_watch(struct cmd_ctx *ctx)
{
	return create_watch(ctx, BRK_WATCH);
}

static int cmd_break_rwatch(struct cmd_ctx *ctx)
{
	return create_watch(ctx, BRK_RWATCH);
}

static int cmd_break_awatch(struct cmd_ctx *ctx)
{
	return create_watch(ctx, BRK_AWATCH);
}

static void render_info_breakpoints(struct out *o, const struct rec *rec)
{
	const struct rec *list = rec_get(rec, "breakpoints");

	if (rec_len(list) == 0) {
		out_printf(o, rec_bool(rec, "watchpoints") ? "No watchpoints.\n"
							   : "No breakpoints.\n");
		return;
	}
	out_printf(o, "%-7s %-14s %-4s %-3s %-18s %s\n", "Num", "Type", "Disp", "Enb", "Address",
		   "What");
	for (size_t i = 0; i < rec_len(list); i++) {
		const struct rec *b = rec_at(list, i);
		const struct rec *locs = rec_get(b, "locations");
		const struct rec *cmds = rec_get(b, "commands");

		out_printf(o, "%-7" PRId64 " %-14s %-4s %-3s ", rec_int(b, "number", 0),
			   rec_str(b, "type"), rec_str(b, "disposition"),
			   rec_bool(b, "enabled") ? "y" : "n");
		if (rec_has(b, "threshold")) {
			out_printf(o, "%-18s %s (stops over %.1f MiB", "", rec_str(b, "spec"),
				   (double)rec_uint(b, "threshold", 0) / 1048576.0);
			if (rec_has(b, "now"))
				out_printf(o, "; now %.1f MiB",
					   (double)rec_uint(b, "now", 0) / 1048576.0);
			out_printf(o, ")\n");
		} else if (rec_has(b, "slots")) {
			out_printf(o, "0x%016" PRIx64 " %s\n", rec_uint(b, "addr", 0),
				   rec_str(b, "spec"));
		} else if (!strcmp(rec_str(b, "type"), "catchpoint") || rec_bool(b, "plugin")) {
			out_printf(o, "%-18s %s\n", "", rec_str(b, "spec"));
		} else if (rec_len(locs) == 0) {
			out_printf(o, "%-18s %s\n", "<PENDING>", rec_str(b, "spec"));
		} else if (rec_len(locs) == 1) {
			out_printf(o, "0x%016" PRIx64, rec_uint(rec_at(locs, 0), "addr", 0));
			render_where(o, rec_at(locs, 0));
			out_printf(o, "\n");
		} else {
			out_printf(o, "%-18s %s\n", "<MULTIPLE>", rec_str(b, "spec"));
		}
		if (rec_has(b, "condition"))
			out_printf(o, "\tstop only if %s\n", rec_str(b, "condition"));
		if (rec_has(b, "condition_calls"))
			out_printf(o,
				   "\tcondition judged in the program, at %" PRIu64
				   " call%s, true at %" PRIu64 "\n",
				   rec_uint(b, "condition_calls", 0),
				   rec_uint(b, "condition_calls", 0) == 1 ? "" : "s",
				   rec_uint(b, "condition_true", 0));
		else if (rec_has(b, "condition_why"))
			out_printf(o, "\tcondition judged by lurk at each hit: %s\n",
				   rec_str(b, "condition_why"));
		if (rec_int(b, "hits", 0))
			out_printf(o, "\t%s already hit %" PRId64 " time%s\n",
				   !strcmp(rec_str(b, "type"), "catchpoint") ? "catchpoint"
									     : "breakpoint",
				   rec_int(b, "hits", 0), rec_int(b, "hits", 0) == 1 ? "" : "s");
		if (rec_has(b, "ignore"))
			out_printf(o, "\tignore next %" PRId64 " hit%s\n", rec_int(b, "ignore", 0),
				   rec_int(b, "ignore", 0) == 1 ? "" : "s");
		/* Once (a count of 1) shows as the disposition alone, as gdb does. */
		if (rec_has(b, "enable_count"))
			out_printf(o, "\tdisable after %s %" PRId64 " hit%s\n",
				   rec_has(b, "ignore") ? "additional" : "next",
				   rec_int(b, "enable_count", 0),
				   rec_int(b, "enable_count", 0) == 1 ? "" : "s");
		for (size_t k = 0; k < rec_len(cmds); k++)
			out_printf(o, "        %s\n", rec_as_str(rec_at(cmds, k)));
		if (rec_len(locs) > 1) {
			for (size_t k = 0; k < rec_len(locs); k++) {
				const struct rec *l = rec_at(locs, k);
				char num[32];

				snprintf(num, sizeof(num), "%" PRId64 ".%zu",
					 rec_int(b, "number", 0), k + 1);
				out_printf(o, "%-7s %-14s %-4s %-3s 0x%016" PRIx64, num, "", "",
					   rec_bool(l, "enabled") ? "y" : "n",
					   rec_uint(l, "addr", 0));
				render_where(o, l);
				out_printf(o, "\n");
			}
		}
	}
}

static int list_brks(struct cmd_ctx *ctx, bool watch_only)
{
	struct session *s = ctx->s;
	struct rec *rec = rec_obj();
	struct rec *list = rec_set_arr(rec, "breakpoints");

	for (size_t i = 0; i < s->brks.n; i++)
		if (!watch_only || s->brks.v[i]->type != BRK_BREAKPOINT)
			rec_push_take(list, brk_record(s, s->brks.v[i]));
	if (watch_only)
		rec_set_bool(rec, "watchpoints", true);
	out_emit(s->out, ctx->name, rec, render_info_breakpoints);
	return 0;
}

static int cmd_break_info(struct cmd_ctx *ctx)
{
	return list_brks(ctx, false);
}

static int cmd_break_info_watch(struct cmd_ctx *ctx)
{
	return list_brks(ctx, true);
}

/* One breakpoint as the commands that make it again; false when it cannot be. */
static bool save_one(FILE *f, const struct brk *b)
{
	const char *make;

	switch (b->type) {
	case BRK_BREAKPOINT:
		make = b->temporary ? "tbreak" : "break";
		break;
	case BRK_WATCH:
	case BRK_RWATCH:
	case BRK_AWATCH:
		/* A watchpoint on a frame's locals ends with that frame: nothing to make again. */
		if (b->scope_ret)
			return false;
		make = b->type == BRK_WATCH ? "watch" : b->type == BRK_RWATCH ? "rwatch" : "awatch";
		break;
	case BRK_MEMWATCH:
		make = "memwatch";
		break;
	case BRK_PLUGIN:
		if (!b->kind->create)
			return false;
		make = b->kind->create;
		break;
	default:
		return false;
	}
	fprintf(f, "%s %s\n", make, b->spec);
	if (b->cond)
		fprintf(f, "  condition $bpnum %s\n", b->cond);
	if (b->ignore)
		fprintf(f, "  ignore $bpnum %u\n", b->ignore);
	if (b->disable_on_stop && b->enable_count > 1)
		fprintf(f, "  enable count %u $bpnum\n", b->enable_count);
	else if (b->disable_on_stop)
		fprintf(f, "  enable once $bpnum\n");
	if (!b->enabled)
		fprintf(f, "  disable $bpnum\n");
	if (b->ncmds) {
		fprintf(f, "  commands\n");
		for (size_t i = 0; i < b->ncmds; i++)
			fprintf(f, "    %s\n", b->cmds[i]);
		fprintf(f, "  end\n");
	}
	return true;
}

static void render_saved(struct out *o, const struct rec *rec)
{
	out_printf(o, "Saved to file '%s'.\n", rec_str(rec, "file"));
	for (size_t i = 0; i < rec_len(rec_get(rec, "not_saved")); i++)
		out_printf(o, "(watchpoint %" PRIu64 " watches a frame's locals: not saved)\n",
			   rec_as_uint(rec_at(rec_get(rec, "not_saved"), i)));
}

/*
 * gdb's save breakpoints: a command file that "source" reads back into the
 * same breakpoints, each made from its LOC as given (a LINE already made
 * FILE:LINE), its settings applied to $bpnum, the breakpoint just made.
 */
static int cmd_break_save(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *path = ctx->arg[0].s;
	struct rec *rec, *skipped;
	FILE *f;
	size_t saved = 0;

	if (!s->brks.n) {
		err_set("nothing to save: there are no breakpoints");
		return -1;
	}
	f = fopen(path, "w");
	if (!f) {
		err_set("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	rec = rec_obj();
	rec_set_str(rec, "file", path);
	skipped = rec_set_arr(rec, "not_saved");
	for (size_t i = 0; i < s->brks.n; i++) {
		if (save_one(f, s->brks.v[i]))
			saved++;
		else
			rec_push_uint(skipped, (uint64_t)s->brks.v[i]->num);
	}
	if (fclose(f) != 0) {
		rec_free(rec);
		err_set("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	rec_set_int(rec, "saved", (int64_t)saved);
	out_emit(s->out, ctx->name, rec, render_saved);
	return 0;
}

static const struct cmd_entry break_entry = {
	.name = "break",
	.aliases = "b br",
	.args = "[LOC:rest]",
	.usage = "break [LOC] [if COND]",
	.summary = "stop where LOC's code starts (FUNC, FILE:LINE, FILE:FUNC, LINE, +N, -N, *ADDR, "
		   "LIB:FUNC), when COND holds",
	.flags = CMD_SYMBOLS | CMD_LIVE_ONLY,
	.handler = cmd_break_break,
};
static const struct cmd_entry tbreak_entry = {
	.name = "tbreak",
	.args = "[LOC:rest]",
	.usage = "tbreak [LOC] [if COND]",
	.summary = "a breakpoint deleted when it first stops the program",
	.flags = CMD_SYMBOLS | CMD_LIVE_ONLY,
	.handler = cmd_break_tbreak,
};
static const struct cmd_entry delete_entry = {
	.name = "delete",
	.aliases = "d",
	.args = "[NUMS:rest]",
	.usage = "delete [N...]",
	.summary = "delete breakpoints (all without N)",
	.handler = cmd_break_delete,
};
static const struct cmd_entry clear_entry = {
	.name = "clear",
	.args = "[LOC:rest]",
	.usage = "clear [LOC]",
	.summary = "delete the breakpoints at LOC (without LOC: at the selected frame's line)",
	.flags = CMD_SYMBOLS,
	.handler = cmd_break_clear,
};
static const struct cmd_entry disable_entry = {
	.name = "disable",
	.args = "[NUMS:rest]",
	.usage = "disable [N[.M]...]",
	.summary = "disable breakpoints or single locations (all without N)",
	.handler = cmd_break_disable,
};
static const struct cmd_entry enable_entry = {
	.name = "enable",
	.args = "[NUMS:rest]",
	.usage = "enable [once|delete|count C] [N[.M]...]",
	.summary = "enable breakpoints or single locations (all without N); once: disable after "
		   "the next stop, count C: after C stops, delete: delete at the next stop",
	.handler = cmd_break_enable,
};
static const struct cmd_entry condition_entry = {
	.name = "condition",
	.args = "N:word [COND:rest]",
	.usage = "condition N [COND]",
	.summary = "stop at breakpoint N only when COND holds (no COND: always)",
	.handler = cmd_break_condition,
};
static const struct cmd_entry ignore_entry = {
	.name = "ignore",
	.args = "N:word COUNT:uint",
	.usage = "ignore N COUNT",
	.summary = "pass over breakpoint N the next COUNT times it is reached",
	.handler = cmd_break_ignore,
};
static const struct cmd_entry commands_entry = {
	.name = "commands",
	.args = "[N:word]",
	.usage = "commands [N] ... end",
	.summary = "commands to run when breakpoint N stops the program (silent first: no report)",
	.handler = cmd_break_commands,
};
const struct cmd_entry cmd_info_breakpoints_entry = {
	.name = "breakpoints",
	.aliases = "b break",
	.usage = "info breakpoints",
	.summary = "breakpoints with their locations, conditions, hit counts and commands",
	.handler = cmd_break_info,
};

static const struct cmd_entry save_breakpoints_entry = {
	.name = "breakpoints",
	.args = "FILE:rest",
	.usage = "save breakpoints FILE",
	.summary = "write the breakpoints and watchpoints to FILE as commands that \"source\" "
		   "makes again",
	.handler = cmd_break_save,
};
static const struct cmd_entry *const save_sub[] = { &save_breakpoints_entry, NULL };
static const struct cmd_entry save_entry = {
	.name = "save",
	.usage = "save breakpoints FILE",
	.summary = "write state as a command file",
	.sub = save_sub,
};

static const struct cmd_entry watch_entry = {
	.name = "watch",
	.args = "-l|-location EXPR:rest",
	.usage = "watch [-l] EXPR [if COND]",
	.summary =
		"stop when the object EXPR names changes (a hardware watchpoint, in every thread)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	.handler = cmd_break_watch,
};
static const struct cmd_entry rwatch_entry = {
	.name = "rwatch",
	.args = "-l|-location EXPR:rest",
	.usage = "rwatch [-l] EXPR [if COND]",
	.summary = "stop when the object EXPR names is read (x86: any access)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	.handler = cmd_break_rwatch,
};
static const struct cmd_entry awatch_entry = {
	.name = "awatch",
	.args = "-l|-location EXPR:rest",
	.usage = "awatch [-l] EXPR [if COND]",
	.summary = "stop when the object EXPR names is read or written",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	.handler = cmd_break_awatch,
};
static const struct cmd_entry memwatch_entry = {
	.name = "memwatch",
	.args = "SPEC:rest",
	.usage = "memwatch rss|vm|heap|METRIC >|+ SIZE [precise]",
	.summary = "stop when the process's memory goes over SIZE (>) or grows by SIZE (+); K M G "
		   "suffixes",
	.flags = CMD_LIVE_ONLY,
	.handler = cmd_break_memwatch,
};
const struct cmd_entry cmd_info_watchpoints_entry = {
	.name = "watchpoints",
	.usage = "info watchpoints",
	.summary = "watchpoints with their address, expression, hit count and last value",
	.handler = cmd_break_info_watch,
};

const struct cmd_entry *const cmd_group_break[] = {
	&watch_entry,	  &rwatch_entry, &awatch_entry,	  &memwatch_entry, &break_entry,
	&tbreak_entry,	  &delete_entry, &clear_entry,	  &disable_entry,  &enable_entry,
	&condition_entry, &ignore_entry, &commands_entry, &save_entry,	   NULL,
};
