/* brk.c - user breakpoints: locations, conditions, counts, commands; traps through the target */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brk.h"
#include "err.h"
#include "eval.h"
#include "expr.h"
#include "frame.h"
#include "loc.h"
#include "out.h"
#include "plugin.h"
#include "procfs.h"
#include "ov.h"
#include "select.h"
#include "regs.h"
#include "unwind.h"
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

static void free_brk(struct brk *b)
{
	value_free(b->watched);
	free(b->wold);
	free_locs(b);
	free(b->spec);
	free(b->metric_name);
	free(b->cond);
	expr_free(b->cond_expr);
	for (size_t i = 0; i < b->ncmds; i++)
		free(b->cmds[i]);
	free(b->cmds);
	free(b);
}

void brk_table_free(struct brk_table *bt)
{
	for (size_t i = 0; i < bt->n; i++)
		free_brk(bt->v[i]);
	free(bt->v);
	memset(bt, 0, sizeof(*bt));
}

static int check_condition(const char *cond);
static void take_condition(struct brk *b, const char *cond);

static unsigned used_slots(const struct session *s)
{
	unsigned used = 0;

	for (size_t i = 0; i < s->brks.n; i++)
		used |= s->brks.v[i]->slots;
	return used;
}

/* A watched object's value as text; it lives in memory, so any frame of the thread reads it. */
static char *format_now(struct session *s, struct thread *th, const struct value *v)
{
	const struct frame_ctx fc = { .target = s->target, .thread = th, .level = 0 };
	struct strbuf sb = STRBUF_INIT;

	if (value_format(&fc, v, 0, &sb) < 0) {
		sb_reset(&sb);
		sb_addf(&sb, "<error: %s>", err_get());
		err_clear();
	}
	return sb_detach(&sb);
}

/*
 * Cover [addr, addr + size) with pieces a debug register can watch: 1, 2, 4
 * or 8 bytes aligned to their size, the largest first. Returns how many (at
 * most max; more than max means max + 1).
 */
static int cover(uint64_t addr, uint64_t size, uint64_t *piece_addr, unsigned *piece_len, int max)
{
	int n = 0;

	while (size > 0) {
		unsigned len = 8;

		while (len > 1 && (addr % len || len > size))
			len /= 2;
		if (n == max)
			return max + 1;
		piece_addr[n] = addr;
		piece_len[n++] = len;
		addr += len;
		size -= len;
	}
	return n;
}

static void release_slots(struct session *s, struct brk *b)
{
	if (b->soft) {
		target_sw_remove(s->target, b->num);
		return;
	}
	for (int i = 0; i < TARGET_HW_SLOTS; i++)
		if (b->slots & (1u << i))
			target_hw_clear(s->target, i);
}

static unsigned sw_kind(enum brk_type type)
{
	return type == BRK_WATCH ? TARGET_SW_WRITE : type == BRK_RWATCH ? TARGET_SW_READ
									: TARGET_SW_ACCESS;
}

static int arm_watch(struct session *s, struct brk *b)
{
	if (b->soft)
		return target_sw_add(s->target, b->num, b->waddr, b->wlen, sw_kind(b->type));
	uint64_t pa[TARGET_HW_SLOTS];
	unsigned pl[TARGET_HW_SLOTS];
	int n = cover(b->waddr, b->wlen, pa, pl, TARGET_HW_SLOTS), k = 0;

	for (int i = 0; i < TARGET_HW_SLOTS && k < n; i++) {
		if (!(b->slots & (1u << i)))
			continue;
		if (target_hw_set(s->target, i, pa[k], pl[k], b->type == BRK_WATCH ? 1 : 3) < 0)
			return -1;
		k++;
	}
	return 0;
}

/*
 * Without -l, a watchpoint on a local variable is valid while its frame is:
 * a trap at the frame's return address, checked against the frame's CFA.
 */
static void set_scope(struct session *s, struct brk *b)
{
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);
	int sp = target_arch(s->target)->sp->dwarf;

	if (level < 0 || level + 1 >= n || !(frames[level + 1].regs_known & (1u << sp)) ||
	    target_insert_trap(s->target, frames[level + 1].pc) < 0) {
		err_clear();
		return;
	}
	b->scope_ret = frames[level + 1].pc;
	b->scope_cfa = frames[level + 1].regs[sp];
	b->scope_thread = th->num;
}

static void render_scope_end(struct out *o, const struct ov *rec)
{
	out_printf(o, "\nWatchpoint %" PRId64 " deleted because the program has left the block in\n"
		      "which its expression is valid.\n",
		   ov_int(rec, "number", 0));
}

static void render_unmapped(struct out *o, const struct ov *rec)
{
	out_printf(o, "\nWatchpoint %" PRId64 " deleted: the program unmapped the memory it watched.\n",
		   ov_int(rec, "number", 0));
}

/* A software watchpoint whose memory the program unmapped (or moved) is over. */
static bool soft_gone_stop(struct session *s, bool *deleted)
{
	for (size_t i = s->brks.n; i-- > 0;) {
		struct brk *b = s->brks.v[i];
		struct target_sw_hit h;
		struct ov *rec;

		if (!b->soft || !target_sw_gone(s->target, b->num, &h))
			continue;
		rec = ov_obj();
		ov_set_str(rec, "event", "watchpoint-unmapped");
		ov_set_int(rec, "number", b->num);
		out_emit(s->out, "event", rec, render_unmapped);
		brk_delete(s, b);
		*deleted = true;
	}
	return *deleted;
}

bool brk_scope_stop(struct session *s, const struct stop_event *ev, bool *deleted)
{
	bool ours = false;

	*deleted = false;
	if (ev->reason == STOP_WATCHPOINT && ev->code == 1)
		return soft_gone_stop(s, deleted);
	if (ev->reason != STOP_BREAKPOINT)
		return false;
	for (size_t i = s->brks.n; i-- > 0;) {
		struct brk *b = s->brks.v[i];
		struct thread *th;
		struct regs r;

		if (!b->scope_ret || b->scope_ret != ev->addr)
			continue;
		ours = true;
		th = target_thread_num(s->target, ev->thread);
		if (b->scope_thread != ev->thread || !th || target_regs(s->target, th, &r) < 0 ||
		    regs_sp(target_arch(s->target), &r) < b->scope_cfa) {
			err_clear();
			continue;
		}
		/* The frame returned: the variable is gone. */
		{
			struct ov *rec = ov_obj();

			ov_set_str(rec, "event", "watchpoint-scope");
			ov_set_int(rec, "number", b->num);
			out_emit(s->out, "event", rec, render_scope_end);
		}
		brk_delete(s, b);
		*deleted = true;
	}
	return ours;
}

/* What a watcher should know of the mapping addr is in: shared, or read-only. */
static void note_mapping(struct session *s, const char *expr, uint64_t addr, enum brk_type type)
{
	struct maps maps;
	char msg[600];

	if (procfs_maps_read(target_pid(s->target), &maps) < 0) {
		err_clear();
		return;
	}
	for (size_t i = 0; i < maps.n; i++) {
		const struct map *m = &maps.v[i];
		const char *name = m->path[0] ? m->path : "anonymous memory";

		if (addr < m->start || addr >= m->end)
			continue;
		if (m->perms[3] == 's') {
			snprintf(msg, sizeof(msg), "\"%s\" is in a shared mapping (%s): changes made by "
				 "other processes are not seen", expr, name);
			out_warn(s->out, "watch", msg);
		}
		if (m->perms[1] != 'w' && type == BRK_WATCH) {
			snprintf(msg, sizeof(msg), "\"%s\" is in a read-only mapping (%s): the program "
				 "cannot change it unless it changes the protection first", expr, name);
			out_warn(s->out, "watch", msg);
		}
		break;
	}
	procfs_maps_free(&maps);
}

struct brk *brk_create_watch(struct session *s, const char *expr, enum brk_type type,
			     const char *cond, bool location)
{
	struct value *v;
	uint64_t addr, size;
	unsigned used = used_slots(s), slots = 0;
	uint64_t pa[TARGET_HW_SLOTS];
	unsigned pl[TARGET_HW_SLOTS];
	int pieces, nfree = 0;
	struct brk *b;
	struct frame_ctx fc;
	char why[200];
	bool soft = false;

	if (!target_live(s->target) || target_running(s->target)) {
		err_set(target_live(s->target) ? "the program is running; use \"interrupt\" first"
					       : "a watchpoint needs the program running (start it first)");
		return NULL;
	}
	if (cond && check_condition(cond) < 0)
		return NULL;
	select_frame_ctx(s, &fc);
	v = value_eval(&fc, expr);
	if (!v)
		return NULL;
	if (!value_memory(v, &addr, &size)) {
		value_free(v);
		err_set("\"%s\" is not an object in memory (a variable, member, element or *pointer)",
			expr);
		return NULL;
	}
	if (size == 0) {
		value_free(v);
		err_set("\"%s\" has no size to watch", expr);
		return NULL;
	}
	/* An unaligned or longer object takes several debug registers, when they are free. */
	pieces = cover(addr, size, pa, pl, TARGET_HW_SLOTS);
	for (int i = 0; i < TARGET_HW_SLOTS; i++)
		if (!(used & (1u << i)) && nfree < pieces) {
			slots |= 1u << i;
			nfree++;
		}
	if (!s->no_hw_watch && !target_hw_works(why, sizeof(why))) {
		if (!s->told_no_hw) {
			char msg[300];

			snprintf(msg, sizeof(msg), "hardware watchpoints do not fire on this machine "
						   "(%s); using software watchpoints", why);
			out_warn(s->out, "watch", msg);
			s->told_no_hw = true;
		}
		soft = true;
	} else if (s->no_hw_watch) {
		soft = true;
	} else if (pieces > TARGET_HW_SLOTS || nfree < pieces) {
		/* As gdb does: what the debug registers cannot hold is watched in software. */
		char msg[300];

		if (pieces > TARGET_HW_SLOTS)
			snprintf(msg, sizeof(msg), "\"%s\" is %" PRIu64 " bytes: more than the %d "
				 "debug registers can watch; using a software watchpoint",
				 expr, size, TARGET_HW_SLOTS);
		else
			snprintf(msg, sizeof(msg), "\"%s\" needs %d debug register%s and %d %s free; "
				 "using a software watchpoint",
				 expr, pieces, pieces == 1 ? "" : "s", nfree, nfree == 1 ? "is" : "are");
		out_warn(s->out, "watch", msg);
		soft = true;
	}
	note_mapping(s, expr, addr, type);
	b = xcalloc(1, sizeof(*b));
	b->num = ++s->brks.next_num;
	b->type = type;
	b->enabled = true;
	b->spec = xstrdup(expr);
	take_condition(b, cond);
	b->watched = v;
	b->waddr = addr;
	b->wlen = (unsigned)size;
	b->soft = soft;
	b->slots = soft ? 0 : slots;
	b->wold = format_now(s, fc.thread, v);
	if (arm_watch(s, b) < 0) {
		s->brks.next_num--;
		free_brk(b);
		return NULL;
	}
	if (!location && value_uses_locals(&fc, expr))
		set_scope(s, b);
	VEC_GROW(s->brks.v, s->brks.n, s->brks.cap);
	s->brks.v[s->brks.n++] = b;
	return b;
}

static const char *const metric_names[] = { "rss", "vm", "heap" };

/* The metric now, in bytes: statm for rss and vm, RssAnon of status for heap. */
static int read_metric(pid_t pid, enum mem_metric m, uint64_t *bytes)
{
	char path[64], buf[64];
	unsigned long size, resident;
	FILE *f;

	if (m == METRIC_HEAP) {
		if (procfs_status_field(pid, 0, "RssAnon", buf, sizeof(buf)) < 0)
			return -1;
		*bytes = strtoull(buf, NULL, 10) * 1024;
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (!f) {
		err_set("cannot read %s", path);
		return -1;
	}
	if (fscanf(f, "%lu %lu", &size, &resident) != 2) {
		fclose(f);
		err_set("cannot parse %s", path);
		return -1;
	}
	fclose(f);
	*bytes = (uint64_t)(m == METRIC_VM ? size : resident) * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

/* The memory watchpoint's metric now: the kernel's, or the plugin's that registered it. */
static int metric_now(struct session *s, const struct brk *b, uint64_t *bytes)
{
	const struct plugin_metric *pm;

	if (b->metric != METRIC_PLUGIN)
		return read_metric(target_pid(s->target), b->metric, bytes);
	pm = plugin_find_metric(s, b->metric_name);
	if (!pm) {
		err_set("metric %s is gone (its plugin was unloaded)", b->metric_name);
		return -1;
	}
	return plugin_read_metric(s, pm, bytes);
}

const char *brk_title(const struct brk *b)
{
	/* gdb's names: software watchpoints are not "Hardware". */
	if (b->soft)
		return b->type == BRK_WATCH    ? "Watchpoint" :
		       b->type == BRK_RWATCH ? "Read watchpoint" :
					       "Access (read/write) watchpoint";
	switch (b->type) {
	case BRK_WATCH:
		return "Hardware watchpoint";
	case BRK_RWATCH:
		return "Hardware read watchpoint";
	case BRK_AWATCH:
		return "Hardware access (read/write) watchpoint";
	case BRK_MEMWATCH:
		return "Memory watchpoint";
	default:
		return b->temporary ? "Temporary breakpoint" : "Breakpoint";
	}
}

int brk_memwatch_value(struct session *s, const struct brk *b, uint64_t *bytes)
{
	if (!target_live(s->target)) {
		err_set("no process");
		return -1;
	}
	return metric_now(s, b, bytes);
}

static uint64_t threshold(const struct brk *b)
{
	return b->op == '+' ? b->mbase + b->msize : b->msize;
}

/*
 * Called every millisecond while the program runs: a memory watchpoint
 * fires when its metric goes over the threshold, and again only after the
 * metric has been back at or under it.
 */
/* Sampling periods, in milliseconds: never slower than this, never faster. */
#define SAMPLE_MIN_MS 1
#define SAMPLE_MAX_MS 20

/*
 * How long until the next sample: half the time the metric would need at its
 * current growth rate to reach the threshold, so a steady grower is caught
 * within about one short period while a process far below its threshold is
 * read rarely (each read takes the process's memory lock).
 */
static int next_period_ms(const struct brk *b, uint64_t value, uint64_t now_ns_v)
{
	uint64_t limit = threshold(b), elapsed = now_ns_v - b->mlast_ns;
	double rate, ms;

	if (value >= limit || !b->mlast_ns || elapsed == 0)
		return SAMPLE_MIN_MS;
	if (value <= b->mlast)
		return SAMPLE_MAX_MS;
	rate = (double)(value - b->mlast) / ((double)elapsed / 1e6); /* bytes per ms */
	ms = (double)(limit - value) / rate / 2;
	return ms < SAMPLE_MIN_MS ? SAMPLE_MIN_MS : ms > SAMPLE_MAX_MS ? SAMPLE_MAX_MS : (int)ms;
}

static bool sample_memwatch(void *arg)
{
	struct session *s = arg;
	uint64_t now[4], t = now_ns();
	bool have[4] = { false, false, false, false };
	int period = SAMPLE_MAX_MS;

	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];

		if (b->type != BRK_MEMWATCH || !b->enabled)
			continue;
		/* One reading per kernel metric per sample; plugin metrics each their own. */
		if (!have[b->metric]) {
			if (metric_now(s, b, &now[b->metric]) < 0) {
				err_clear();
				continue;
			}
			have[b->metric] = b->metric != METRIC_PLUGIN;
		}
		{
			int p = next_period_ms(b, now[b->metric], t);

			if (p < period)
				period = p;
		}
		b->mlast = now[b->metric];
		b->mlast_ns = t;
		if (now[b->metric] <= threshold(b)) {
			b->marmed = true;
			continue;
		}
		if (!b->marmed)
			continue;
		b->marmed = false;
		b->mfired = now[b->metric];
		s->memwatch_fired = b->num;
		return true;
	}
	target_set_sampler(s->target, sample_memwatch, s, period);
	return false;
}

static void update_sampler(struct session *s)
{
	bool any = false, precise = false;

	for (size_t i = 0; i < s->brks.n; i++) {
		any |= s->brks.v[i]->type == BRK_MEMWATCH;
		precise |= s->brks.v[i]->type == BRK_MEMWATCH && s->brks.v[i]->precise;
	}
	target_set_syscall_stops(s->target, precise);
	/* The sampler sets its own next period from the growth it sees. */
	target_set_sampler(s->target, any ? sample_memwatch : NULL, s, SAMPLE_MIN_MS);
}

struct brk *brk_create_memwatch(struct session *s, const char *text)
{
	char metric[16], op[4], size[32], mode[16] = "";
	struct brk *b;
	int m = -1, words;
	uint64_t bytes, base = 0;

	words = sscanf(text, "%15s %3s %31s %15s", metric, op, size, mode);
	if (words < 3 || (strcmp(op, ">") && strcmp(op, "+")) ||
	    (words == 4 && strcmp(mode, "precise"))) {
		err_set("usage: memwatch rss|vm|heap|PLUGIN-METRIC >|+ SIZE [precise] "
			"(as in memwatch rss > 100M)");
		return NULL;
	}
	for (int i = 0; i < 3; i++)
		if (!strcmp(metric, metric_names[i]))
			m = i;
	if (m < 0 && plugin_find_metric(s, metric))
		m = METRIC_PLUGIN;
	if (m < 0) {
		err_set("unknown metric \"%s\" (rss, vm or heap%s)", metric,
			s->plugins->nmetrics ? ", or a plugin's: see plugin list" : "");
		return NULL;
	}
	if (parse_size(size, &bytes) < 0)
		return NULL;
	b = xcalloc(1, sizeof(*b));
	b->metric = (enum mem_metric)m;
	b->metric_name = xstrdup(metric);
	if (target_live(s->target) && metric_now(s, b, &base) < 0) {
		free(b->metric_name);
		free(b);
		return NULL;
	}
	b->num = ++s->brks.next_num;
	b->type = BRK_MEMWATCH;
	b->enabled = true;
	b->spec = xasprintf("%s %s %s%s", metric, op, size, words == 4 ? " precise" : "");
	b->precise = words == 4;
	b->op = op[0];
	b->msize = bytes;
	b->mbase = base;
	b->marmed = true;
	VEC_GROW(s->brks.v, s->brks.n, s->brks.cap);
	s->brks.v[s->brks.n++] = b;
	update_sampler(s);
	return b;
}

struct brk *brk_find(struct session *s, int num)
{
	for (size_t i = 0; i < s->brks.n; i++)
		if (s->brks.v[i]->num == num)
			return s->brks.v[i];
	err_set("no breakpoint %d (see \"info breakpoints\")", num);
	return NULL;
}

static bool wants_trap(const struct brk *b, const struct brk_loc *l)
{
	return b->enabled && l->enabled;
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
			if (target_insert_trap(s->target, l->addr) == 0) {
				l->inserted = true;
			} else if (!quiet) {
				char msg[512];

				snprintf(msg, sizeof(msg), "breakpoint %d.%zu: %s", b->num, i + 1,
					 err_get());
				out_warn(s->out, "break", msg);
			}
		} else if (!wants_trap(b, l) && l->inserted) {
			target_remove_trap(s->target, l->addr);
			l->inserted = false;
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
			target_remove_trap(s->target, b->locs[i].addr);
		b->locs[i].inserted = false;
	}
	err_clear();
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
	if (!sym)
		return 0;
	n = loc_resolve(s, b->spec, &ll);
	if (n < 0) {
		loc_list_free(&ll);
		return -1;
	}
	if (n == 0) {
		if (!quiet) {
			char msg[512];

			snprintf(msg, sizeof(msg), "breakpoint %d (%s) is pending: %s", b->num,
				 b->spec, err_get());
			out_warn(s->out, "break", msg);
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

static int check_condition(const char *cond)
{
	struct expr *e = expr_parse(cond);

	if (!e) {
		err_prefix("bad condition \"%s\"", cond);
		return -1;
	}
	expr_free(e);
	return 0;
}

/*
 * The condition's text (for info breakpoints) and its tree, parsed here once
 * instead of at every hit. The text was checked by check_condition.
 */
static void take_condition(struct brk *b, const char *cond)
{
	free(b->cond);
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

struct brk *brk_create(struct session *s, const char *spec, bool temporary, const char *cond)
{
	struct brk *b;

	if (cond && check_condition(cond) < 0)
		return NULL;
	if (target_running(s->target)) {
		err_set("the program is running; use \"interrupt\" first");
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->num = ++s->brks.next_num;
	b->temporary = temporary;
	b->enabled = true;
	b->spec = xstrdup(spec);
	take_condition(b, cond);
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
			free_brk(b);
			return NULL;
		}
		if (n == 0) {
			char msg[512];

			snprintf(msg, sizeof(msg), "breakpoint %d (%s) is pending: %s", b->num,
				 b->spec, err_get());
			out_warn(s->out, "break", msg);
			err_clear();
		}
	}
	VEC_GROW(s->brks.v, s->brks.n, s->brks.cap);
	s->brks.v[s->brks.n++] = b;
	return b;
}

void brk_delete(struct session *s, struct brk *b)
{
	if (b->slots || b->soft)
		release_slots(s, b);
	if (b->scope_ret && target_live(s->target))
		target_remove_trap(s->target, b->scope_ret);
	b->scope_ret = 0;
	remove_traps(s, b);
	for (size_t i = 0; i < s->brks.n; i++) {
		if (s->brks.v[i] == b) {
			memmove(&s->brks.v[i], &s->brks.v[i + 1],
				(s->brks.n - i - 1) * sizeof(s->brks.v[0]));
			s->brks.n--;
			break;
		}
	}
	free_brk(b);
	update_sampler(s);
}

int brk_set_enabled(struct session *s, struct brk *b, int loc, bool enabled)
{
	if (b->type != BRK_BREAKPOINT) {
		if (loc >= 0) {
			err_set("watchpoint %d has no locations", b->num);
			return -1;
		}
		b->enabled = enabled;
		if (!target_live(s->target) || b->type == BRK_MEMWATCH)
			return 0;
		if (enabled)
			return arm_watch(s, b);
		release_slots(s, b);
		return 0;
	}
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

int brk_set_condition(struct session *s, struct brk *b, const char *cond)
{
	if (cond && check_condition(cond) < 0)
		return -1;
	take_condition(b, cond);
	return 0;
}

void brk_process_started(struct session *s)
{
	/* Only breakpoints need to hear of libraries: attach-and-backtrace pays nothing. */
	s->solib_event_addr = 0;
	if (s->brks.n)
		arm_library_events(s);
	for (size_t i = 0; i < s->brks.n; i++) {
		if (s->brks.v[i]->type == BRK_MEMWATCH) {
			/* Growth counts from this process's start. */
			struct brk *b = s->brks.v[i];

			b->marmed = true;
			if (metric_now(s, b, &b->mbase) < 0)
				err_clear();
			continue;
		}
		if (s->brks.v[i]->type != BRK_BREAKPOINT)
			continue;
		for (size_t k = 0; k < s->brks.v[i]->nlocs; k++)
			s->brks.v[i]->locs[k].inserted = false;
		resolve(s, s->brks.v[i], false);
	}
}

static void render_resolved(struct out *o, const struct ov *rec)
{
	out_printf(o, "[breakpoint %" PRId64 " (%s) placed: %" PRId64 " location%s]\n",
		   ov_int(rec, "number", 0), ov_str(rec, "spec"), ov_int(rec, "locations", 0),
		   ov_int(rec, "locations", 0) == 1 ? "" : "s");
}

/* Whether the code a location was found in is still there, with its trap. */
static bool loc_still_loaded(struct session *s, struct sym *sym, const struct brk_loc *l)
{
	struct sym_loc where;

	sym_describe(sym, l->addr, false, &where);
	if (!where.module || !l->module || strcmp(path_base(where.module), l->module) != 0)
		return false;
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

		if (b->type != BRK_BREAKPOINT)
			continue;

		/*
		 * A library was unloaded: the traps in it went with its code. Forget
		 * them without writing (something else may be mapped there next).
		 */
		for (size_t k = b->nlocs; k-- > 0;) {
			if (loc_still_loaded(s, sym, &b->locs[k]))
				continue;
			if (b->locs[k].inserted)
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
			struct ov *rec = ov_obj();

			ov_set_str(rec, "event", "breakpoint-resolved");
			ov_set_int(rec, "number", b->num);
			ov_set_str(rec, "spec", b->spec);
			ov_set_int(rec, "locations", (int64_t)b->nlocs);
			out_emit(s->out, "event", rec, render_resolved);
		}
	}
	err_clear();
}

static void render_watch_gone(struct out *o, const struct ov *rec)
{
	out_printf(o, "[watchpoint %" PRId64 " (%s) deleted: the process it watched is gone]\n",
		   ov_int(rec, "number", 0), ov_str(rec, "spec"));
}

void brk_process_gone(struct session *s)
{
	s->solib_event_addr = 0;
	for (size_t i = s->brks.n; i-- > 0;) {
		struct brk *b = s->brks.v[i];

		if (b->type == BRK_MEMWATCH)
			continue;
		/* A watchpoint is an address in one process: it ends with it. */
		if (b->type != BRK_BREAKPOINT) {
			struct ov *rec = ov_obj();

			ov_set_str(rec, "event", "watchpoint-deleted");
			ov_set_int(rec, "number", b->num);
			ov_set_str(rec, "spec", b->spec);
			out_emit(s->out, "event", rec, render_watch_gone);
			b->slots = 0;
			brk_delete(s, b);
			continue;
		}
		for (size_t k = 0; k < b->nlocs; k++)
			b->locs[k].inserted = false;
	}
}

static void render_watch_exec(struct out *o, const struct ov *rec)
{
	out_printf(o, "[watchpoint %" PRId64 " (%s) deleted: exec replaced the program it watched]\n",
		   ov_int(rec, "number", 0), ov_str(rec, "spec"));
}

void brk_exec(struct session *s)
{
	for (size_t i = s->brks.n; i-- > 0;) {
		struct brk *b = s->brks.v[i];
		struct ov *rec;

		if (b->type == BRK_BREAKPOINT || b->type == BRK_MEMWATCH)
			continue;
		rec = ov_obj();
		ov_set_str(rec, "event", "watchpoint-deleted");
		ov_set_int(rec, "number", b->num);
		ov_set_str(rec, "spec", b->spec);
		out_emit(s->out, "event", rec, render_watch_exec);
		/* The target forgot its side at the exec: nothing to clear there. */
		b->slots = 0;
		b->soft = false;
		brk_delete(s, b);
	}
}

/*
 * Evaluate b's condition in thread ev->thread's innermost frame. The stack is
 * unwound only if the condition needs it (a local's frame base), never for
 * registers or globals.
 */
static int condition_true(struct session *s, const struct brk *b, const struct stop_event *ev,
			  bool *stop)
{
	const struct frame_ctx fc = {
		.target = s->target,
		.thread = target_thread_num(s->target, ev->thread),
		.level = 0,
	};

	return eval_condition(&fc, b->cond_expr, stop);
}

/* What the report adds for a software hit: where in a large object, and which system call. */
static char *soft_note(const struct brk *b, const struct target_sw_hit *h)
{
	struct strbuf sb = STRBUF_INIT;

	if (h->changed && b->wlen > 16) {
		/* The values shown stop at 200 elements: say where the change is, and what. */
		sb_addf(&sb, "Changed %" PRIu64 " byte%s from offset %" PRIu64 " (0x%" PRIx64 "):",
			h->nchanged, h->nchanged == 1 ? "" : "s", h->first, b->waddr + h->first);
		for (unsigned i = 0; i < h->nshown; i++)
			sb_addf(&sb, " %02x", h->was[i]);
		sb_addf(&sb, " ->");
		for (unsigned i = 0; i < h->nshown; i++)
			sb_addf(&sb, " %02x", h->now[i]);
	}
	if (h->sysno >= 0) {
		const char *name = arch_host()->syscall_name(h->sysno);

		if (!sb.len)
			sb_addf(&sb, "%s", h->changed ? "Changed" : "Read");
		sb_addf(&sb, " by %s(2)", name ? name : "a system call");
	}
	if (!sb.len) {
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/*
 * A watchpoint saw its change (or access): its condition (one that cannot
 * be evaluated stops) and ignore count decide whether the program stops.
 */
static bool watch_stops(struct session *s, struct brk *b, const struct stop_event *ev)
{
	bool stop = true;

	if (b->cond && condition_true(s, b, ev, &stop) < 0) {
		err_clear();
		stop = true;
	}
	if (!stop)
		return false;
	b->hits++;
	if (b->ignore > 0) {
		b->ignore--;
		return false;
	}
	return true;
}

/*
 * A watchpoint's debug register fired, or the target's software watch saw
 * its bytes change (or be read): does the program stop, and for which?
 */
static enum brk_verdict judge_watch(struct session *s, const struct stop_event *ev,
				    struct brk **out)
{
	enum brk_verdict verdict = BRK_NOT_OURS;

	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];
		struct target_sw_hit h;
		bool changed;
		char *now;

		if (b->soft) {
			if (ev->code != 1 || !b->enabled || !target_sw_hit(s->target, b->num, &h))
				continue;
		} else if (!b->slots || !b->enabled || ev->code == 1 || !(ev->addr & b->slots)) {
			continue;
		}
		if (verdict == BRK_NOT_OURS)
			verdict = BRK_PASS;
		now = format_now(s, target_thread_num(s->target, ev->thread), b->watched);
		/* The target compared the bytes of a software watch; a formatted value may not show it. */
		changed = b->soft ? h.changed : strcmp(now, b->wold) != 0;
		/* A write of the same value is no change, as gdb sees it. x86 has no
		 * read-only debug registers: an access that changed the value was a
		 * write, which rwatch does not report. */
		if (!b->soft && ((b->type == BRK_WATCH && !changed) ||
				 (b->type == BRK_RWATCH && changed))) {
			free(b->wold);
			b->wold = now;
			continue;
		}
		if (!watch_stops(s, b, ev) || *out) {
			free(b->wold);
			b->wold = now;
			continue;
		}
		free(s->watch_old);
		free(s->watch_new);
		free(s->watch_note);
		s->watch_old = changed && b->type != BRK_RWATCH ? b->wold : NULL;
		if (!s->watch_old)
			free(b->wold);
		s->watch_new = xstrdup(now);
		s->watch_note = b->soft ? soft_note(b, &h) : NULL;
		b->wold = now;
		*out = b;
		verdict = BRK_STOP;
	}
	return verdict;
}

bool brk_has_location(struct session *s, uint64_t addr)
{
	for (size_t i = 0; i < s->brks.n; i++)
		for (size_t k = 0; k < s->brks.v[i]->nlocs; k++)
			if (s->brks.v[i]->locs[k].addr == addr && s->brks.v[i]->locs[k].inserted)
				return true;
	return false;
}

enum brk_verdict brk_judge(struct session *s, const struct stop_event *ev, struct brk **out)
{
	enum brk_verdict verdict = BRK_NOT_OURS;

	*out = NULL;
	if (ev->reason == STOP_WATCHPOINT)
		return judge_watch(s, ev, out);
	if (ev->reason == STOP_SAMPLED) {
		struct brk *b = s->memwatch_fired ? brk_find(s, s->memwatch_fired) : NULL;

		err_clear();
		if (!b)
			return BRK_NOT_OURS;
		b->hits++;
		if (b->ignore > 0) {
			b->ignore--;
			return BRK_PASS;
		}
		*out = b;
		return BRK_STOP;
	}
	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];
		bool here = false, stop = true;

		for (size_t k = 0; k < b->nlocs; k++)
			here |= b->locs[k].addr == ev->addr && b->locs[k].inserted &&
				wants_trap(b, &b->locs[k]);
		if (!here)
			continue;
		if (verdict == BRK_NOT_OURS)
			verdict = BRK_PASS;
		if (b->cond && condition_true(s, b, ev, &stop) < 0) {
			/* A condition that cannot be evaluated stops, and says why. */
			char msg[600];

			snprintf(msg, sizeof(msg), "breakpoint %d: cannot evaluate \"%s\": %s",
				 b->num, b->cond, err_get());
			out_warn(s->out, "break", msg);
			err_clear();
			stop = true;
		}
		if (!stop)
			continue;
		b->hits++;
		if (b->ignore > 0) {
			b->ignore--;
			continue;
		}
		if (!*out) {
			*out = b;
			verdict = BRK_STOP;
		}
	}
	return verdict;
}
