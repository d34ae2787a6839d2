/* profile.c - sampling profiles: stop, unwind every thread, resume, at a steady rate */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "profile.h"
#include "rec.h"
#include "session.h"
#include "sig.h"
#include "stop.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"

struct count {
	char *key; /* a folded stack "main;work;leaf", or a function name */
	uint64_t n;
};

struct counts {
	struct count *v;
	size_t n, cap;
};

struct profile {
	struct counts stacks, self, total;
	uint64_t samples;    /* thread stacks recorded */
	uint64_t ticks;	     /* times the process was stopped to sample */
	uint64_t stopped_ns; /* how long it was stopped for them */
};

static void bump(struct counts *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].key, key)) {
			c->v[i].n++;
			return;
		}
	VEC_GROW(c->v, c->n, c->cap);
	c->v[c->n++] = (struct count){ xstrdup(key), 1 };
}

static void free_counts(struct counts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].key);
	free(c->v);
}

static int by_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->key, y->key);
}

/* One thread's stack: the folded line, its leaf for self, each function once for total. */
static void sample_thread(struct session *s, struct profile *p, struct thread *th)
{
	struct sym *sym = target_sym(s->target);
	const struct frame *frames;
	int n = target_frames(s->target, th, &frames);
	struct strbuf folded = STRBUF_INIT;
	char **names;

	if (n <= 0) {
		err_clear();
		return;
	}
	names = xcalloc((size_t)n, sizeof(*names));
	for (int i = 0; i < n; i++) {
		/* Names only: file:line would cost a line-table search per frame and sample. */
		uint64_t pc = frames[i].pc - (frames[i].activation ? 0 : 1), low, high;
		char name[256];

		if (sym && sym_func_range(sym, pc, &low, &high, name, sizeof(name)) == 0)
			names[i] = xstrdup(name);
		else
			names[i] = xasprintf("0x%" PRIx64, frames[i].pc);
	}
	err_clear();
	/* Folded stacks read from the outermost frame in. */
	for (int i = n - 1; i >= 0; i--)
		sb_addf(&folded, "%s%s", i == n - 1 ? "" : ";", names[i]);
	bump(&p->stacks, sb_str(&folded));
	bump(&p->self, names[0]);
	for (int i = 0; i < n; i++) {
		bool seen = false;

		for (int k = 0; k < i && !seen; k++)
			seen = !strcmp(names[k], names[i]);
		if (!seen)
			bump(&p->total, names[i]);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sb_free(&folded);
	p->samples++;
}

static void sample_all(struct session *s, struct profile *p)
{
	for (size_t i = 0; i < target_nthreads(s->target); i++) {
		struct thread *th = target_thread_at(s->target, i);

		if (!target_th_exiting(th))
			sample_thread(s, p, th);
	}
	p->ticks++;
}

/* Write the folded stacks that flame-graph tools read. */
static int write_folded(const struct profile *p, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		err_set("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < p->stacks.n; i++)
		fprintf(f, "%s %" PRIu64 "\n", p->stacks.v[i].key, p->stacks.v[i].n);
	if (fclose(f) != 0) {
		err_set("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The result: the hottest functions by self and by total share of the samples. */
static struct rec *result(const struct profile *p, const struct profile_opts *o, uint64_t wall_ns)
{
	struct rec *rec = rec_obj(), *arr;

	rec_set_int(rec, "hz", o->hz);
	rec_set_int(rec, "samples", (int64_t)p->samples);
	rec_set_int(rec, "ticks", (int64_t)p->ticks);
	rec_set_numf(rec, "seconds", "%.2f", (double)wall_ns / 1e9);
	rec_set_numf(rec, "stopped_percent", "%.1f",
		     wall_ns ? 100.0 * (double)p->stopped_ns / (double)wall_ns : 0.0);
	/* No sample at all (a very short profile): nothing to sort, and qsort must not see NULL. */
	if (p->self.n)
		qsort(p->self.v, p->self.n, sizeof(*p->self.v), by_count);
	arr = rec_set_arr(rec, "functions");
	for (size_t i = 0; i < p->self.n && i < o->top; i++) {
		struct rec *f = rec_push_obj(arr);
		uint64_t total = 0;

		for (size_t k = 0; k < p->total.n; k++)
			if (!strcmp(p->total.v[k].key, p->self.v[i].key))
				total = p->total.v[k].n;
		rec_set_str(f, "func", p->self.v[i].key);
		rec_set_int(f, "self", (int64_t)p->self.v[i].n);
		rec_set_int(f, "total", (int64_t)total);
		rec_set_numf(f, "self_percent", "%.1f",
			     100.0 * (double)p->self.v[i].n / (double)p->samples);
		rec_set_numf(f, "total_percent", "%.1f",
			     100.0 * (double)total / (double)p->samples);
	}
	if (o->out_path)
		rec_set_str(rec, "output", o->out_path);
	return rec;
}

/* A stop while the program ran between samples: true when it ends the profile. */
static bool ends_profile(struct session *s, const struct stop_event *ev, struct stop *st)
{
	if (ev->reason == STOP_INTERRUPTED)
		return false;
	/* A breakpoint whose condition is false, a library event: handled, go on. */
	return !stop_handle(s, ev, st);
}

int profile_run(struct session *s, const struct profile_opts *o, struct rec **out,
		struct stop *stopped)
{
	struct profile p = { 0 };
	uint64_t start = now_ns(), end = start + (uint64_t)(o->seconds * 1e9);
	uint64_t period = 1000000000ull / (uint64_t)o->hz, next = start + period;
	bool ended_by_stop = false;
	struct stop_event ev;

	stopped->ev.reason = STOP_NONE;
	if (target_resume_background(s->target) < 0)
		return -1;
	while (now_ns() < end) {
		uint64_t t0 = now_ns();
		unsigned e = sig_wait(-1, next > t0 ? (int)((next - t0 + 999999) / 1000000) : 0);

		if (e & (SIGEV_INTERRUPT | SIGEV_TERMINATE))
			break;
		/* Something happened meanwhile (exit, a breakpoint): that may end the profile. */
		if (target_poll(s->target, &ev) == 1) {
			if (ends_profile(s, &ev, stopped)) {
				ended_by_stop = true;
				break;
			}
			if (target_resume_background(s->target) < 0)
				break;
			continue;
		}
		t0 = now_ns();
		if (t0 < next)
			continue; /* woken by a thread event, not by the clock */
		next = next + period > t0 ? next + period : t0 + period;
		if (target_interrupt(s->target, &ev) < 0)
			break;
		if (ev.reason != STOP_INTERRUPTED && ends_profile(s, &ev, stopped)) {
			ended_by_stop = true;
			break;
		}
		{
			uint64_t t1 = now_ns();

			sample_all(s, &p);
			LOG(LOG_CMD,
			    "profile: stopping took %" PRIu64 " us, sampling %" PRIu64 " us",
			    (t1 - t0) / 1000, (now_ns() - t1) / 1000);
		}
		p.stopped_ns += now_ns() - t0;
		if (target_resume_background(s->target) < 0)
			break;
	}
	err_clear();
	/* Leave the program stopped, as after interrupt. */
	if (!ended_by_stop && target_live(s->target) && target_running(s->target) &&
	    target_interrupt(s->target, &ev) == 0 && ev.reason != STOP_INTERRUPTED)
		stop_handle(s, &ev, stopped);
	if (o->out_path && write_folded(&p, o->out_path) < 0) {
		free_counts(&p.stacks);
		free_counts(&p.self);
		free_counts(&p.total);
		return -1;
	}
	*out = result(&p, o, now_ns() - start);
	free_counts(&p.stacks);
	free_counts(&p.self);
	free_counts(&p.total);
	return 0;
}
