/* profile.c - sampling profiles: stop, unwind every thread, resume, at a steady rate */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "inspect.h"
#include "log.h"
#include "lurk/plugin.h"
#include "profile.h"
#include "regs.h"
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

/* Counts by key, found through an open-addressing index of v (at most half full). */
struct counts {
	struct count *v;
	size_t n, cap;
	size_t *slot; /* index into v + 1; 0: empty */
	size_t nslots;
};

struct profile {
	const struct profile_opts *o;
	bool hold; /* LURK_PROFILE_HOLD=1: each sample taken with the program held, for bench/ */
	struct counts stacks, self, total;
	uint64_t samples;    /* thread stacks recorded */
	uint64_t ticks;	     /* times the process was stopped to sample */
	uint64_t stopped_ns; /* how long it was stopped for them */
};

static size_t key_hash(const char *key)
{
	size_t h = 14695981039346656037ull;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ull;
	return h;
}

static size_t *slot_of(size_t *slots, size_t nslots, const struct count *v, const char *key)
{
	size_t i = key_hash(key) & (nslots - 1);

	while (slots[i] && strcmp(v[slots[i] - 1].key, key))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static void bump(struct counts *c, const char *key)
{
	size_t *slot;

	if (2 * (c->n + 1) > c->nslots) {
		size_t nslots = c->nslots ? 2 * c->nslots : 64;
		size_t *slots = xcalloc(nslots, sizeof(*slots));

		for (size_t i = 0; i < c->n; i++)
			*slot_of(slots, nslots, c->v, c->v[i].key) = i + 1;
		free(c->slot);
		c->slot = slots;
		c->nslots = nslots;
	}
	slot = slot_of(c->slot, c->nslots, c->v, key);
	if (*slot) {
		c->v[*slot - 1].n++;
		return;
	}
	VEC_GROW(c->v, c->n, c->cap);
	c->v[c->n++] = (struct count){ xstrdup(key), 1 };
	*slot = c->n;
}

/* key's count, 0 when never bumped. */
static uint64_t count_of(const struct counts *c, const char *key)
{
	size_t slot = c->nslots ? *slot_of(c->slot, c->nslots, c->v, key) : 0;

	return slot ? c->v[slot - 1].n : 0;
}

static void free_counts(struct counts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].key);
	free(c->v);
	free(c->slot);
}

/*
 * One sample's stack, innermost first, each frame named twice: as the
 * folded stacks show it ("leaf (app.py:12)", a line for each Python frame
 * as py-spy's) and as the table counts it ("leaf (app.py)": a function's
 * lines are one row).
 */
struct stack_names {
	char **folded, **func;
	size_t n, cap;
};

static void push_name(struct stack_names *sn, char *folded, char *func)
{
	if (sn->n == sn->cap) {
		sn->cap = sn->cap ? 2 * sn->cap : 64;
		sn->folded = xrealloc(sn->folded, sn->cap * sizeof(*sn->folded));
		sn->func = xrealloc(sn->func, sn->cap * sizeof(*sn->func));
	}
	sn->folded[sn->n] = folded;
	sn->func[sn->n++] = func;
}

static void add_logical(void *arg, const struct lurk_logical_frame *lf)
{
	struct stack_names *sn = arg;

	if (lf->file && lf->line > 0)
		push_name(sn, xasprintf("%s (%s:%d)", lf->function, lf->file, lf->line),
			  xasprintf("%s (%s)", lf->function, lf->file));
	else if (lf->file)
		push_name(sn, xasprintf("%s (%s)", lf->function, lf->file),
			  xasprintf("%s (%s)", lf->function, lf->file));
	else
		push_name(sn, xstrdup(lf->function), xstrdup(lf->function));
}

/* A thread sleeping in a system call: py-spy's idle thread. */
static bool idle(struct session *s, struct thread *th)
{
	struct regs r;

	if (target_regs(s->target, th, &r) < 0) {
		err_clear();
		return false;
	}
	return target_arch(s->target)->syscall_nr(&r) >= 0;
}

/*
 * Name thread th's frames the way bt shows them: the frames an inspector
 * expands (an interpreter's) become its logical frames, plumbing it hides
 * is left out, and, with logical_only, native frames are left out too.
 */
static void name_frames(struct session *s, const struct profile_opts *o, struct thread *th,
			const struct frame *frames, int n, struct stack_names *sn)
{
	struct sym *sym = target_sym(s->target);

	for (int i = 0; i < n; i++) {
		struct inspect_names in;
		struct sym_loc loc;

		inspect_names(s, th, &frames[i], i, add_logical, sn, &in);
		if (in.elided || in.nlogical || o->logical_only)
			continue;
		if (in.name[0]) {
			push_name(sn, xstrdup(in.name), xstrdup(in.name));
			continue;
		}
		/*
		 * Without inspectors the symbol is looked up here (names only:
		 * file:line would cost a line-table search per frame and sample).
		 */
		if (sym && !in.looked_up)
			unwind_name(sym, &frames[i], &loc);
		if (sym && !in.looked_up && loc.func)
			push_name(sn, xstrdup(loc.func), xstrdup(loc.func));
		else
			push_name(sn, xasprintf("0x%" PRIx64, frames[i].pc),
				  xasprintf("0x%" PRIx64, frames[i].pc));
	}
	err_clear();
}

/* One thread's stack: the folded line, its leaf for self, each function once for total. */
static void sample_thread(struct session *s, struct profile *p, struct thread *th)
{
	const struct frame *frames;
	struct stack_names sn = { 0 };
	struct strbuf folded = STRBUF_INIT;
	int n;

	if (p->o->active_only && idle(s, th))
		return;
	n = target_frames(s->target, th, &frames);
	if (n <= 0) {
		err_clear();
		return;
	}
	name_frames(s, p->o, th, frames, n, &sn);
	if (sn.n) {
		/* Folded stacks read from the outermost frame in. */
		for (size_t i = sn.n; i-- > 0;)
			sb_addf(&folded, "%s%s", i == sn.n - 1 ? "" : ";", sn.folded[i]);
		bump(&p->stacks, sb_str(&folded));
		bump(&p->self, sn.func[0]);
		for (size_t i = 0; i < sn.n; i++) {
			bool seen = false;

			for (size_t k = 0; k < i && !seen; k++)
				seen = !strcmp(sn.func[k], sn.func[i]);
			if (!seen)
				bump(&p->total, sn.func[i]);
		}
		p->samples++;
	}
	for (size_t i = 0; i < sn.n; i++) {
		free(sn.folded[i]);
		free(sn.func[i]);
	}
	free(sn.folded);
	free(sn.func);
	sb_free(&folded);
}

/* Every thread's stack; with frozen_only, those of the threads in the frozen sample. */
static void sample_all(struct session *s, struct profile *p, bool frozen_only)
{
	s->frame_names_only = true;
	for (size_t i = 0; i < target_nthreads(s->target); i++) {
		struct thread *th = target_thread_at(s->target, i);

		if (!target_th_exiting(th) && (!frozen_only || target_th_frozen(th)))
			sample_thread(s, p, th);
	}
	s->frame_names_only = false;
	p->ticks++;
}

/*
 * One sample, the program stopped since t0: its registers and stacks (and
 * the memory inspectors name) are copied and the program runs on while
 * the copy is unwound and named. Where it cannot be copied, the sample is
 * taken with the program held. Returns 0, or -1 when it cannot be resumed.
 */
static int sample_tick(struct session *s, struct profile *p, uint64_t t0)
{
	uint64_t t1 = now_ns(), t2;
	bool frozen = !p->hold && target_freeze(s->target) == 0;

	if (frozen) {
		inspect_sample_memory(s);
	} else {
		err_clear();
		sample_all(s, p, false);
	}
	t2 = now_ns();
	p->stopped_ns += t2 - t0;
	if (target_resume_background(s->target) < 0) {
		target_thaw(s->target);
		return -1;
	}
	if (frozen) {
		sample_all(s, p, false);
		target_thaw(s->target);
	}
	LOG(LOG_CMD,
	    "profile: stopping took %" PRIu64 " us, %s %" PRIu64 " us, naming %" PRIu64 " us",
	    (t1 - t0) / 1000, frozen ? "copying" : "sampling", (t2 - t1) / 1000,
	    (now_ns() - t2) / 1000);
	return 0;
}

/*
 * One sample of the busy threads only (an --active profile): the threads
 * asleep in the kernel are left asleep, not stopped, so that sampling does
 * not wake every thread waiting for a lock 99 times a second; the ones on a
 * CPU are stopped, copied and let go as in sample_tick. 1 when the program
 * cannot be sampled so (target_interrupt_busy): the caller stops it all.
 */
static int sample_busy(struct session *s, struct profile *p, uint64_t t0)
{
	int r = target_interrupt_busy(s->target);
	uint64_t t1 = now_ns(), t2;

	if (r != 0)
		return r;
	if (target_freeze(s->target) < 0) {
		err_clear();
		target_resume_busy(s->target);
		p->ticks++;
		return 0;
	}
	inspect_sample_memory(s);
	t2 = now_ns();
	p->stopped_ns += t2 - t0;
	target_resume_busy(s->target);
	sample_all(s, p, true);
	target_thaw(s->target);
	LOG(LOG_CMD,
	    "profile: stopping the busy threads took %" PRIu64 " us, copying %" PRIu64
	    " us, naming %" PRIu64 " us",
	    (t1 - t0) / 1000, (t2 - t1) / 1000, (now_ns() - t2) / 1000);
	return 0;
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
/* A function's line of the table. */
struct row {
	const char *key;
	uint64_t self, total;
};

static int by_self_then_total(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->key, y->key);
}

static struct rec *result(const struct profile *p, const struct profile_opts *o, uint64_t wall_ns)
{
	struct rec *rec = rec_obj(), *arr;
	struct row *rows;

	rec_set_int(rec, "hz", o->hz);
	rec_set_int(rec, "samples", (int64_t)p->samples);
	rec_set_int(rec, "ticks", (int64_t)p->ticks);
	rec_set_numf(rec, "seconds", "%.2f", (double)wall_ns / 1e9);
	rec_set_numf(rec, "stopped_percent", "%.1f",
		     wall_ns ? 100.0 * (double)p->stopped_ns / (double)wall_ns : 0.0);
	/*
	 * Every function a sample passed through, not only leaves: a caller
	 * that is never a leaf still has its total. Hottest by self time, then
	 * by total. No sample at all: nothing to sort, and qsort must not see NULL.
	 */
	rows = xcalloc(p->total.n + 1, sizeof(*rows));
	for (size_t i = 0; i < p->total.n; i++)
		rows[i] = (struct row){ p->total.v[i].key, count_of(&p->self, p->total.v[i].key),
					p->total.v[i].n };
	if (p->total.n)
		qsort(rows, p->total.n, sizeof(*rows), by_self_then_total);
	arr = rec_set_arr(rec, "functions");
	for (size_t i = 0; i < p->total.n && i < o->top; i++) {
		struct rec *f = rec_push_obj(arr);

		rec_set_str(f, "func", rows[i].key);
		rec_set_int(f, "self", (int64_t)rows[i].self);
		rec_set_int(f, "total", (int64_t)rows[i].total);
		rec_set_numf(f, "self_percent", "%.1f",
			     100.0 * (double)rows[i].self / (double)p->samples);
		rec_set_numf(f, "total_percent", "%.1f",
			     100.0 * (double)rows[i].total / (double)p->samples);
	}
	free(rows);
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
	const char *hold = getenv("LURK_PROFILE_HOLD");
	struct profile p = { .o = o, .hold = hold && !strcmp(hold, "1") };
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
		if (o->active_only && !p.hold) {
			int r = sample_busy(s, &p, t0);

			if (r < 0)
				break;
			if (r == 0)
				continue;
		}
		if (target_interrupt(s->target, &ev) < 0)
			break;
		if (ev.reason != STOP_INTERRUPTED && ends_profile(s, &ev, stopped)) {
			ended_by_stop = true;
			break;
		}
		if (sample_tick(s, &p, t0) < 0)
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
