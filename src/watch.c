/* watch.c - watchpoints: an object in memory watched in debug registers or in software */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brk.h"
#include "err.h"
#include "frame.h"
#include "procfs.h"
#include "rec.h"
#include "regs.h"
#include "select.h"
#include "session.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"
#include "watch.h"

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
	return type == BRK_WATCH    ? TARGET_SW_WRITE
	       : type == BRK_RWATCH ? TARGET_SW_READ
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

/* A watchpoint switched: its debug registers or software watch follow. */
static int set_enabled(struct session *s, struct brk *b, int loc, bool enabled)
{
	if (loc >= 0) {
		err_set("watchpoint %d has no locations", b->num);
		return -1;
	}
	b->enabled = enabled;
	if (!target_live(s->target))
		return 0;
	if (enabled)
		return arm_watch(s, b);
	release_slots(s, b);
	return 0;
}

static void disarm(struct session *s, struct brk *b)
{
	if (b->slots || b->soft)
		release_slots(s, b);
	if (b->scope_ret && target_live(s->target))
		target_remove_trap(s->target, b->scope_ret);
	b->scope_ret = 0;
}

static const struct brk_ops watch_ops = { set_enabled, disarm, NULL };

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
	b->scope_thread = target_th_num(th);
}

/* A software watchpoint whose memory the program unmapped (or moved) is over. */
static bool soft_gone_stop(struct session *s, bool *deleted)
{
	for (size_t i = s->brks.n; i-- > 0;) {
		struct brk *b = s->brks.v[i];
		struct target_sw_hit h;
		struct rec *rec;

		if (!b->soft || !target_sw_gone(s->target, b->num, &h))
			continue;
		rec = rec_obj();
		rec_set_str(rec, "event", "watchpoint-unmapped");
		rec_set_int(rec, "number", b->num);
		session_tell(s, NEWS_WATCH_UNMAPPED, rec);
		brk_delete(s, b);
		*deleted = true;
	}
	return *deleted;
}

bool watch_scope_stop(struct session *s, const struct stop_event *ev, bool *deleted)
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
			struct rec *rec = rec_obj();

			rec_set_str(rec, "event", "watchpoint-scope");
			rec_set_int(rec, "number", b->num);
			session_tell(s, NEWS_WATCH_SCOPE, rec);
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

	if (procfs_maps_read(target_pid(s->target), &maps) < 0) {
		err_clear();
		return;
	}
	for (size_t i = 0; i < maps.n; i++) {
		const struct map *m = &maps.v[i];
		const char *name = m->path[0] ? m->path : "anonymous memory";

		if (addr < m->start || addr >= m->end)
			continue;
		if (m->perms[3] == 's')
			session_warn(s, "watch",
				     "\"%s\" is in a shared mapping (%s): changes made by "
				     "other processes are not seen",
				     expr, name);
		if (m->perms[1] != 'w' && type == BRK_WATCH)
			session_warn(s, "watch",
				     "\"%s\" is in a read-only mapping (%s): the program "
				     "cannot change it unless it changes the protection first",
				     expr, name);
		break;
	}
	procfs_maps_free(&maps);
}

struct brk *watch_create(struct session *s, const char *expr, enum brk_type type, const char *cond,
			 bool location)
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
		err_set(target_live(s->target)
				? "the program is running; use \"interrupt\" first"
				: "a watchpoint needs the program running (start it first)");
		return NULL;
	}
	if (cond && brk_check_condition(cond) < 0)
		return NULL;
	select_frame_ctx(s, &fc);
	v = value_eval(&fc, expr);
	if (!v)
		return NULL;
	if (!value_memory(v, &addr, &size)) {
		value_free(v);
		err_set("\"%s\" is not an object in memory (a variable, member, element or "
			"*pointer)",
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
			session_warn(s, "watch",
				     "hardware watchpoints do not fire on this machine "
				     "(%s); using software watchpoints",
				     why);
			s->told_no_hw = true;
		}
		soft = true;
	} else if (s->no_hw_watch) {
		soft = true;
	} else if (pieces > TARGET_HW_SLOTS || nfree < pieces) {
		/* As gdb does: what the debug registers cannot hold is watched in software. */
		if (pieces > TARGET_HW_SLOTS)
			session_warn(s, "watch",
				     "\"%s\" is %" PRIu64 " bytes: more than the %d "
				     "debug registers can watch; using a software watchpoint",
				     expr, size, TARGET_HW_SLOTS);
		else
			session_warn(s, "watch",
				     "\"%s\" needs %d debug register%s and %d %s free; "
				     "using a software watchpoint",
				     expr, pieces, pieces == 1 ? "" : "s", nfree,
				     nfree == 1 ? "is" : "are");
		soft = true;
	}
	note_mapping(s, expr, addr, type);
	b = xcalloc(1, sizeof(*b));
	b->num = ++s->brks.next_num;
	b->type = type;
	b->ops = &watch_ops;
	b->enabled = true;
	b->spec = xstrdup(expr);
	brk_take_condition(b, cond);
	b->watched = v;
	b->waddr = addr;
	b->wlen = (unsigned)size;
	b->soft = soft;
	b->slots = soft ? 0 : slots;
	b->wold = format_now(s, fc.thread, v);
	if (arm_watch(s, b) < 0) {
		s->brks.next_num--;
		brk_free(b);
		return NULL;
	}
	if (!location && value_uses_locals(&fc, expr))
		set_scope(s, b);
	brk_add(s, b);
	return b;
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

	if (b->cond && brk_condition_true(s, b, ev, &stop) < 0) {
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

enum brk_verdict watch_judge(struct session *s, const struct stop_event *ev, struct brk **out)
{
	enum brk_verdict verdict = BRK_NOT_OURS;

	*out = NULL;
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
		if (!b->soft &&
		    ((b->type == BRK_WATCH && !changed) || (b->type == BRK_RWATCH && changed))) {
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

/*
 * A watchpoint is an address in one process image: when the process is gone
 * (why NEWS_WATCH_GONE) or exec replaced its image (NEWS_WATCH_EXEC), each
 * one is deleted and says so.
 */
static void delete_all(struct session *s, enum session_news_kind why)
{
	for (size_t i = s->brks.n; i-- > 0;) {
		struct brk *b = s->brks.v[i];
		struct rec *rec;

		if (b->type != BRK_WATCH && b->type != BRK_RWATCH && b->type != BRK_AWATCH)
			continue;
		rec = rec_obj();
		rec_set_str(rec, "event", "watchpoint-deleted");
		rec_set_int(rec, "number", b->num);
		rec_set_str(rec, "spec", b->spec);
		session_tell(s, why, rec);
		b->slots = 0;
		/* At an exec the target forgot its side: nothing to clear there. */
		if (why == NEWS_WATCH_EXEC)
			b->soft = false;
		brk_delete(s, b);
	}
}

void watch_lifecycle(struct session *s, enum session_event ev)
{
	if (ev == SESSION_GONE)
		delete_all(s, NEWS_WATCH_GONE);
	else if (ev == SESSION_EXEC)
		delete_all(s, NEWS_WATCH_EXEC);
}
