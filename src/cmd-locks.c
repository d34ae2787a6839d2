/* cmd-locks.c - lock analysis: info locks, deadlock */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "locks.h"
#include "out.h"
#include "rec.h"
#include "report.h"
#include "session.h"
#include "target.h"
#include "unwind.h"

/* One wait as a record: thread, lock, kind, owner, the frame where it waits. */
static struct rec *wait_record(struct session *s, const struct lock_wait *w)
{
	struct rec *o = rec_obj();
	struct thread *th = target_thread_num(s->target, w->thread);
	const struct frame *frames;
	char name[256];
	int n;

	if (th)
		report_thread_fields(s, o, th);
	if (w->kind == LOCK_PLUGIN)
		snprintf(name, sizeof(name), "%s", w->lock_name ? w->lock_name : "(unnamed)");
	else
		locks_name(s, w->lock, name, sizeof(name));
	rec_set_str(o, "lock", name);
	rec_set_addr(o, "lock_addr", w->lock);
	rec_set_str(o, "kind", w->kind_name ? w->kind_name : locks_kind_name(w->kind));
	if (w->owner_note)
		rec_set_str(o, "owner_note", w->owner_note);
	if (w->function || w->file) {
		struct rec *where = rec_set_obj(o, "where");

		rec_set_str(where, "function", w->function ? w->function : "??");
		if (w->file)
			rec_set_str(where, "file", w->file);
		if (w->line)
			rec_set_int(where, "line", w->line);
	}
	if (w->owner_tid)
		rec_set_int(o, "owner_tid", w->owner_tid);
	if (w->owner)
		rec_set_int(o, "owner", w->owner);
	if (w->readers)
		rec_set_int(o, "readers", w->readers);
	if (w->mutex_type)
		rec_set_str(o, "mutex_type", w->mutex_type);
	if (w->times)
		rec_set_int(o, "times", w->times);
	if (w->unreadable)
		rec_set_bool(o, "unreadable", true);
	n = th && w->frame >= 0 ? target_frames(s->target, th, &frames) : -1;
	if (n > w->frame)
		rec_set_take(o, "frame", report_frame(s, th, &frames[w->frame], w->frame));
	err_clear();
	return o;
}

static void render_wait(struct out *o, const struct rec *w)
{
	out_printf(o, "thread %" PRId64 " (tid %" PRId64 ")", rec_int(w, "thread", 0),
		   rec_int(w, "tid", 0));
	if (rec_has(w, "name"))
		out_printf(o, " \"%s\"", rec_str(w, "name"));
	out_printf(o, " waits for %s %s", rec_str(w, "kind"), rec_str(w, "lock"));
	if (rec_has(w, "times"))
		out_printf(o, " (%s, taken %" PRId64 " times)", rec_str(w, "mutex_type"),
			   rec_int(w, "times", 0));
	else if (rec_has(w, "mutex_type"))
		out_printf(o, " (%s)", rec_str(w, "mutex_type"));
	if (rec_has(w, "owner"))
		out_printf(o, " held by thread %" PRId64 " (tid %" PRId64 ")",
			   rec_int(w, "owner", 0), rec_int(w, "owner_tid", 0));
	else if (rec_has(w, "owner_tid"))
		out_printf(o,
			   " held by tid %" PRId64
			   " (not a thread of this process: it exited holding it?)",
			   rec_int(w, "owner_tid", 0));
	else if (rec_has(w, "readers"))
		out_printf(o, " held by %" PRId64 " reader%s", rec_int(w, "readers", 0),
			   rec_int(w, "readers", 0) == 1 ? "" : "s");
	if (rec_has(w, "unreadable"))
		out_printf(o, " (its memory cannot be read: owner unknown)");
	if (rec_has(w, "owner_note"))
		out_printf(o, " (%s)", rec_str(w, "owner_note"));
	out_printf(o, "\n");
	if (rec_has(w, "where")) {
		const struct rec *where = rec_get(w, "where");

		out_printf(o, "    in %s", rec_str(where, "function"));
		if (rec_has(where, "file"))
			out_printf(o, " at %s:%" PRId64, rec_str(where, "file"),
				   rec_int(where, "line", 0));
		out_printf(o, "\n");
	}
	if (rec_has(w, "frame")) {
		out_printf(o, "    ");
		report_render_frame(o, rec_get(w, "frame"));
	}
}

static void render_locks(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "waits");

	if (!rec_len(arr))
		out_printf(o, "No thread waits on a lock.\n");
	for (size_t i = 0; i < rec_len(arr); i++)
		render_wait(o, rec_at(arr, i));
}

static int cmd_locks_info(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct lock_wait *w;
	int n = locks_collect(s, &w);
	struct rec *rec, *arr;

	if (n < 0)
		return -1;
	rec = rec_obj();
	arr = rec_set_arr(rec, "waits");
	for (int i = 0; i < n; i++)
		rec_push_take(arr, wait_record(s, &w[i]));
	locks_free(w, (size_t)n);
	out_emit(s->out, ctx->name, rec, render_locks);
	return 0;
}

struct cycles {
	struct session *s;
	struct rec *arr;
};

static void add_cycle(void *arg, const struct lock_wait *const *cycle, size_t len)
{
	struct cycles *c = arg;
	struct rec *cy = rec_push_obj(c->arr);
	struct rec *waits = rec_set_arr(cy, "waits");

	for (size_t i = 0; i < len; i++)
		rec_push_take(waits, wait_record(c->s, cycle[i]));
}

/* A thread node's number, TID and name, the name as every other report gives it. */
static void thread_fields(struct session *s, struct rec *node, int num, pid_t tid)
{
	struct thread *th = target_thread_num(s->target, num);

	if (th) {
		report_thread_fields(s, node, th);
		return;
	}
	rec_set_int(node, "thread", num);
	rec_set_int(node, "tid", tid);
}

/*
 * The wait-for graph as data for scripts: thread and lock nodes, and edges
 * "waits-for" (thread -> lock) and "held-by" (lock -> thread). Node ids are
 * "thread N" and "lock 0xADDR". Text output shows only the cycles.
 */
static void add_graph(struct session *s, struct rec *rec, const struct lock_wait *w, size_t n)
{
	struct rec *graph = rec_set_obj(rec, "graph");
	struct rec *nodes = rec_set_arr(graph, "nodes"), *edges = rec_set_arr(graph, "edges");
	char name[256];

	for (size_t i = 0; i < n; i++) {
		struct rec *node = rec_push_obj(nodes), *edge;
		bool lock_seen = false;

		rec_set_strf(node, "id", "thread %d", w[i].thread);
		rec_set_str(node, "type", "thread");
		thread_fields(s, node, w[i].thread, w[i].tid);
		for (size_t k = 0; k < i; k++)
			lock_seen |= w[k].lock == w[i].lock;
		if (!lock_seen) {
			node = rec_push_obj(nodes);
			rec_set_strf(node, "id", "lock 0x%" PRIx64, w[i].lock);
			rec_set_str(node, "type", "lock");
			if (w[i].kind == LOCK_PLUGIN)
				snprintf(name, sizeof(name), "%s",
					 w[i].lock_name ? w[i].lock_name : "(unnamed)");
			else
				locks_name(s, w[i].lock, name, sizeof(name));
			rec_set_str(node, "lock", name);
			rec_set_str(node, "kind",
				    w[i].kind_name ? w[i].kind_name : locks_kind_name(w[i].kind));
			if (w[i].readers)
				rec_set_int(node, "readers", w[i].readers);
			if (w[i].owner_tid)
				rec_set_int(node, "owner_tid", w[i].owner_tid);
		}
		edge = rec_push_obj(edges);
		rec_set_strf(edge, "from", "thread %d", w[i].thread);
		rec_set_strf(edge, "to", "lock 0x%" PRIx64, w[i].lock);
		rec_set_str(edge, "rel", "waits-for");
		if (w[i].owner && !lock_seen) {
			edge = rec_push_obj(edges);
			rec_set_strf(edge, "from", "lock 0x%" PRIx64, w[i].lock);
			rec_set_strf(edge, "to", "thread %d", w[i].owner);
			rec_set_str(edge, "rel", "held-by");
		}
	}
	/* Owners that wait for nothing (the holder that sleeps) are nodes too. */
	for (size_t i = 0; i < n; i++) {
		bool seen = !w[i].owner;
		struct rec *node;

		for (size_t k = 0; k < n && !seen; k++)
			seen = w[k].thread == w[i].owner || (k < i && w[k].owner == w[i].owner);
		if (seen)
			continue;
		node = rec_push_obj(nodes);
		rec_set_strf(node, "id", "thread %d", w[i].owner);
		rec_set_str(node, "type", "thread");
		thread_fields(s, node, w[i].owner, w[i].owner_tid);
	}
}

static void render_deadlock(struct out *o, const struct rec *rec)
{
	const struct rec *cycles = rec_get(rec, "cycles");

	if (!rec_len(cycles)) {
		out_printf(o, "no deadlock: %" PRId64 " thread%s wait%s on locks, no cycle\n",
			   rec_int(rec, "waiting", 0), rec_int(rec, "waiting", 0) == 1 ? "" : "s",
			   rec_int(rec, "waiting", 0) == 1 ? "s" : "");
		return;
	}
	for (size_t i = 0; i < rec_len(cycles); i++) {
		const struct rec *waits = rec_get(rec_at(cycles, i), "waits");

		out_printf(o, "deadlock %zu: a cycle of %zu thread%s\n", i + 1, rec_len(waits),
			   rec_len(waits) == 1 ? "" : "s");
		for (size_t k = 0; k < rec_len(waits); k++)
			render_wait(o, rec_at(waits, k));
	}
}

static int cmd_locks_deadlock(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct lock_wait *w;
	int n = locks_collect(s, &w);
	struct rec *rec;
	struct cycles c;

	if (n < 0)
		return -1;
	rec = rec_obj();
	c = (struct cycles){ s, rec_set_arr(rec, "cycles") };
	rec_set_int(rec, "waiting", n);
	rec_set_bool(rec, "deadlock", locks_cycles(w, (size_t)n, add_cycle, &c) > 0);
	add_graph(s, rec, w, (size_t)n);
	locks_free(w, (size_t)n);
	out_emit(s->out, ctx->name, rec, render_deadlock);
	return 0;
}

const struct cmd_entry cmd_info_locks_entry = {
	.name = "locks",
	.usage = "info locks",
	.summary = "every thread blocked on a mutex, condition, semaphore or rwlock: the lock, its "
		   "owner, where it waits",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_locks_info,
};
static const struct cmd_entry deadlock_entry = {
	.name = "deadlock",
	.usage = "deadlock",
	.summary = "find cycles of threads waiting on mutexes held by each other (succeeds either "
		   "way)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_locks_deadlock,
};

const struct cmd_entry *const cmd_group_locks[] = { &deadlock_entry, NULL };
