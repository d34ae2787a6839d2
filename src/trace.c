/* trace.c - call tracing: entry and return traps, shadow stacks, per-function statistics
 *
 * A traced call costs two traps and no stop of the other threads: the
 * target's trap hook calls on_trap() with the thread's registers, the
 * event is recorded, and the thread goes on through the out-of-line copy
 * of the instruction the trap replaced. The entry trap is the function's
 * first instruction, where the return address is at the stack pointer and
 * the arguments are still in the ABI's argument registers; the return
 * trap is at that return address, matched to its call by the stack
 * pointer (entry sp + 8 after the ret), so a call skipped by longjmp or an
 * exception is noticed when an outer one returns.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-cond.h"
#include "agent.h"
#include "brk.h"
#include "err.h"
#include "expr.h"
#include "inspect.h"
#include "lurk/plugin.h"
#include "rec.h"
#include "regs.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "trace.h"
#include "tsc.h"
#include "util.h"
#include "value.h"

struct tparam {
	char *name;
	struct value_scalar_type type;
};

struct tfunc {
	uint64_t addr;
	char *name, *module;
	bool dwarf; /* params and ret come from debug information */
	struct tparam *params;
	int nparams;
	struct value_scalar_type ret;
	bool active;	     /* its entry trap is in, or the agent counts it */
	int agent;	     /* its counter in the program (trace --count), -1: none */
	uint64_t agent_base; /* the counter's value when the statistics were last zeroed */
	char *traps_why;     /* why the agent could not count it (it has traps instead) */
	bool in_program;     /* last counted by the agent: no durations */
	uint32_t rec_id;     /* its calls recorded by the agent (trace --mode agent), 0: not */
	bool why_record;     /* traps_why says why the program cannot record its calls */
	/* traced before the program set up its threads: recorded from a stop where it has */
	bool rec_later;
	/* trace ... if COND: its calls are traced only when COND holds at the entry */
	char *cond;
	int guard;	 /* the guard judging COND in the program (target_agent_guard), -1: none */
	bool cond_later; /* the guard waits for a stop where lurk's page can be mapped */
	bool standin;	 /* meanwhile a trap at its entry makes that stop (and is removed) */
	char *cond_why;	 /* why it is not traced: COND cannot be judged in the program */
	/* statistics, in nanoseconds */
	uint64_t calls, returns, total_ns, self_ns, max_ns;
};

struct tframe {
	struct tfunc *f;
	uint64_t ret, sp; /* return address, and sp at entry (pointing at it) */
	uint64_t t0, child_ns;
	char *shown; /* the name a plugin inspector gave this call, or NULL */
	/*
	 * A signal's handler ran while it was open: a call higher up the
	 * stack (an alternate signal stack can be) does not end it.
	 */
	bool interrupted;
};

struct tthread {
	int num;
	bool named; /* its thread_name record is in the Chrome output */
	struct tframe *v;
	size_t n, cap;
};

/* A trace command, remembered: tracing starts again from it in every new process. */
struct trequest {
	char **patterns;
	size_t npatterns;
	char *out_path;
	enum trace_format format;
	bool count;
	enum trace_mode mode;
	bool args;
	int depth;
	uint64_t max_events;
	size_t max_functions;
	int *threads;
	size_t nthreads;
	char *cond;
};

struct tracer {
	struct session *s;
	struct trequest *reqs;
	size_t nreqs, reqs_cap;
	struct tfunc **funcs; /* by address, for bsearch */
	size_t nfuncs, funcs_cap;
	uint64_t *rets; /* return-address traps, sorted */
	size_t nrets, rets_cap;
	struct tthread *threads;
	size_t nthreads, threads_cap;
	FILE *file;		 /* -o FILE */
	bool chrome;		 /* file holds Chrome trace events (see chrome_event) */
	uint64_t chrome_written; /* events in it so far */
	bool count;		 /* --count: calls are counted and timed, not shown */
	bool args;
	int depth;
	uint64_t max_events, events;
	int *tids;
	size_t ntids;
	uint64_t t0;
	bool done; /* --max reached: no new calls, the entry traps are out */
	/* Calls the program records itself (trace --mode agent) */
	uint32_t next_rec_id;
	const struct agent_record *rec_now; /* the record being shown: values come from it */
	struct tsc_clock clock;		    /* the records' times in the clock's */
	uint64_t overhead_ns[2];	    /* of a recorded call, the heads' own; [1]: wide */
	uint64_t lost;			    /* records of threads no longer known */
};

/* ---- lookups ----------------------------------------------------------- */

static int cmp_func(const void *a, const void *b)
{
	uint64_t x = (*(struct tfunc *const *)a)->addr, y = (*(struct tfunc *const *)b)->addr;

	return x < y ? -1 : x > y;
}

static struct tfunc *find_func(struct tracer *tr, uint64_t addr)
{
	size_t lo = 0, hi = tr->nfuncs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (tr->funcs[mid]->addr == addr)
			return tr->funcs[mid];
		if (tr->funcs[mid]->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool find_ret(struct tracer *tr, uint64_t addr, size_t *at)
{
	size_t lo = 0, hi = tr->nrets;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (tr->rets[mid] == addr) {
			*at = mid;
			return true;
		}
		if (tr->rets[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return false;
}

static struct tthread *thread_of(struct tracer *tr, int num)
{
	for (size_t i = 0; i < tr->nthreads; i++)
		if (tr->threads[i].num == num)
			return &tr->threads[i];
	VEC_GROW(tr->threads, tr->nthreads, tr->threads_cap);
	tr->threads[tr->nthreads] = (struct tthread){ .num = num };
	return &tr->threads[tr->nthreads++];
}

static bool thread_wanted(const struct tracer *tr, int num)
{
	if (!tr->tids)
		return true;
	for (size_t i = 0; i < tr->ntids; i++)
		if (tr->tids[i] == num)
			return true;
	return false;
}

/* ---- counts kept by the program (trace --count) -------------------------- */

/* The calls of f so far: those seen by traps and those its counter in the program holds. */
static uint64_t calls_of(const struct tracer *tr, const struct tfunc *f)
{
	if (f->agent < 0)
		return f->calls;
	return f->calls + target_agent_calls(tr->s->target, f->agent) - f->agent_base;
}

/* The counter's calls become f's own: the counter is let go (its process left or untraced). */
static void fold_agent(struct tracer *tr, struct tfunc *f)
{
	f->calls = calls_of(tr, f);
	f->agent = -1;
}

/*
 * Count f's calls in the program when the agent can; the reason it cannot
 * is kept for info trace, and f gets a trap as usual.
 */
static bool count_in_program(struct tracer *tr, struct sym *sym, struct tfunc *f)
{
	uint64_t low, high;
	char name[8];
	int counter;

	if (sym_func_range(sym, f->addr, &low, &high, name, sizeof(name)) < 0 || low != f->addr)
		counter = -1;
	else
		counter = target_agent_count(tr->s->target, f->addr, high - low);
	free(f->traps_why);
	f->traps_why = NULL;
	f->why_record = false;
	if (counter < 0) {
		f->traps_why = xstrdup(err_get());
		err_clear();
		return false;
	}
	f->agent = counter;
	f->agent_base = 0;
	f->in_program = true;
	return true;
}

/* ---- values ------------------------------------------------------------ */

/*
 * One value of type t whose bits are v (an integer or a vector register's
 * low bytes), as print shows it; a char * also shows the start of its string.
 */
static void format_value(struct tracer *tr, const struct value_scalar_type *t, uint64_t v,
			 struct strbuf *sb)
{
	value_format_scalar(t, v, sb);
	if (t->kind == VALUE_POINTER && t->string && v) {
		char text[49];
		ssize_t n = target_read(tr->s->target, v, text, sizeof(text) - 1);

		if (n > 0) {
			text[n] = '\0';
			sb_addf(sb, " \"%.*s%s\"", (int)strcspn(text, "\n\""), text,
				strlen(text) == sizeof(text) - 1 ? "..." : "");
		}
		err_clear();
	}
}

/*
 * The arguments at entry, from where the SysV ABI puts them: integers and
 * pointers in rdi, rsi, rdx, rcx, r8, r9 then on the stack; floats and
 * doubles in xmm0-7; a struct of up to 16 bytes in one or two integer
 * registers, a bigger one on the stack (shown as {...}).
 */
static void format_args(struct tracer *tr, struct thread *th, const struct tfunc *f,
			const struct regs *r, struct strbuf *sb, struct rec *json)
{
	const struct arch *a = target_arch(tr->s->target);
	uint64_t sp = regs_sp(a, r);
	int ints = 0, vecs = 0, stack = 0;

	for (int i = 0; i < f->nparams; i++) {
		const struct tparam *p = &f->params[i];
		struct strbuf val = STRBUF_INIT;
		uint64_t v = 0;
		bool have = true;

		if (p->type.kind == VALUE_FLOAT && vecs < 8) {
			/* A recorded call keeps the first five vector registers. */
			if (tr->rec_now) {
				have = vecs < 5 && tr->rec_now->wide;
				v = have ? tr->rec_now->v[6 + vecs] : 0;
				vecs++;
			} else {
				have = regs_read_vector(target_th_tid(th), vecs++, &v) == 0;
			}
		} else if (p->type.kind == VALUE_OTHER) {
			/* Only its place is known: skip the registers it takes. */
			if (p->type.size <= 16 &&
			    ints + (int)(p->type.size + 7) / 8 <= a->ncall_args)
				ints += (int)(p->type.size + 7) / 8;
			else
				stack += (int)(p->type.size + 7) / 8;
		} else if (ints < a->ncall_args) {
			/* A record that is not wide has the first four. */
			have = !tr->rec_now || tr->rec_now->wide || ints < 4;
			v = regs_get(r, a->call_args[ints++]);
		} else {
			/* Past the return address: the seventh integer argument and on. */
			have = !tr->rec_now &&
			       target_read(tr->s->target, sp + 8 + 8 * (uint64_t)stack++, &v,
					   sizeof(v)) == (ssize_t)sizeof(v);
		}
		err_clear();
		if (have)
			format_value(tr, &p->type, v, &val);
		else
			sb_add(&val, "?");
		sb_addf(sb, "%s%s=%s", i ? ", " : "", p->name, sb_str(&val));
		if (json) {
			struct rec *o = rec_push_obj(json);

			rec_set_str(o, "name", p->name);
			rec_set_str(o, "value", sb_str(&val));
		}
		sb_free(&val);
	}
}

/* ---- output ------------------------------------------------------------ */

/*
 * Seconds since tracing began, "%10.6f"-style, and a duration in
 * microseconds, "%.1f"-style, in integers: float formatting was a tenth of
 * lurk's time per traced call.
 */
static const char *fmt_offset(const struct tracer *tr, uint64_t t, char buf[32])
{
	uint64_t us = (t - tr->t0) / 1000;

	snprintf(buf, 32, "%3" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
	return buf;
}

static const char *fmt_duration(uint64_t ns, char buf[32])
{
	uint64_t tenths = (ns + 50) / 100;

	snprintf(buf, 32, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
	return buf;
}

/* The JSON record of an event, built only when it is the output. */
static struct rec *event_record(const struct tracer *tr)
{
	return !tr->file && tr->s->json ? rec_obj() : NULL;
}

/* ---- Chrome trace-event output (-o FILE --format chrome) ------------------ */

/*
 * The JSON array form of the trace-event format, which Perfetto and
 * chrome://tracing open: a "B" event at each call and an "E" at its
 * return, in microseconds since the process started, and a thread_name
 * record before a thread's first event. The closing bracket is written
 * when the file is closed; the format lets readers do without it (a
 * lurk killed while tracing).
 */
static void chrome_write(struct tracer *tr, struct rec *ev)
{
	struct strbuf sb = STRBUF_INIT;

	rec_to_json(ev, &sb);
	fputs(tr->chrome_written++ ? ",\n" : "", tr->file);
	fputs(sb_str(&sb), tr->file);
	sb_free(&sb);
	rec_free(ev);
}

static struct rec *chrome_record(struct tracer *tr, struct thread *th, const char *ph)
{
	struct rec *ev = rec_obj();

	rec_set_str(ev, "ph", ph);
	rec_set_int(ev, "pid", target_pid(tr->s->target));
	rec_set_int(ev, "tid", target_th_tid(th));
	return ev;
}

/* A call's ("B") or return's ("E") event at t; args: its "args" object, for the caller to fill. */
static struct rec *chrome_event(struct tracer *tr, struct thread *th, const char *ph,
				const char *name, uint64_t t, struct rec **args)
{
	struct tthread *tt = thread_of(tr, target_th_num(th));
	uint64_t ns = t - tr->t0;
	struct rec *ev;

	if (!tt->named) {
		char tname[64];

		tt->named = true;
		target_thread_name(tr->s->target, th, tname, sizeof(tname));
		ev = chrome_record(tr, th, "M");
		rec_set_str(ev, "name", "thread_name");
		rec_set_str(rec_set_obj(ev, "args"), "name", tname);
		chrome_write(tr, ev);
	}
	ev = chrome_record(tr, th, ph);
	rec_set_str(ev, "name", name);
	rec_set_numf(ev, "ts", "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
	*args = rec_set_obj(ev, "args");
	return ev;
}

static void close_output(struct tracer *tr)
{
	if (!tr->file)
		return;
	if (tr->chrome)
		fputs("\n]\n", tr->file);
	fclose(tr->file);
	tr->file = NULL;
}

/* One line of trace output: to -o FILE, as JSON, or to the session's output. */
static void emit(struct tracer *tr, struct rec *rec, const char *line)
{
	if (tr->file) {
		fputs(line, tr->file);
		rec_free(rec);
	} else {
		session_tell_as(tr->s, NEWS_TRACE_CALL, "trace", line, rec);
	}
}

/* What a plugin's inspector says of this call (a wrapper: what it wraps), if anything. */
static bool inspected(struct tracer *tr, struct thread *th, const struct tframe *fr, bool returning,
		      uint64_t value, char *name, size_t name_len, char *note, size_t note_len)
{
	struct lurk_call call = { .size = sizeof(call),
				  .thread = target_th_num(th),
				  .function = fr->f->name,
				  .module = fr->f->module,
				  .pc = fr->f->addr,
				  .sp = fr->sp,
				  .returning = returning,
				  .value = value };

	return inspect_call(tr->s, &call, name, name_len, note, note_len);
}

static void print_call(struct tracer *tr, struct thread *th, struct tframe *fr, size_t depth,
		       const struct regs *r, uint64_t t)
{
	const struct tfunc *f = fr->f;
	struct strbuf line = STRBUF_INIT, args = STRBUF_INIT;
	struct rec *rec = event_record(tr);
	char name[256], note[256], when[32];
	bool by_plugin = inspected(tr, th, fr, false, 0, name, sizeof(name), note, sizeof(note));

	if (by_plugin && name[0])
		fr->shown = xstrdup(name);
	fmt_offset(tr, t, when);
	if (rec) {
		rec_set_str(rec, "event", "call");
		rec_set_numf(rec, "time", "%s", when + strspn(when, " "));
		rec_set_int(rec, "thread", target_th_num(th));
		rec_set_int(rec, "depth", (int64_t)depth);
		rec_set_str(rec, "func", fr->shown ? fr->shown : f->name);
		if (fr->shown)
			rec_set_str(rec, "native_func", f->name);
		if (by_plugin && note[0])
			rec_set_str(rec, "note", note);
	}
	if (by_plugin && note[0])
		sb_add(&args, note);
	else if (tr->args && f->dwarf)
		format_args(tr, th, f, r, &args, rec ? rec_set_arr(rec, "args") : NULL);
	if (tr->chrome) {
		struct rec *cargs,
			*ev = chrome_event(tr, th, "B", fr->shown ? fr->shown : f->name, t, &cargs);

		if (fr->shown)
			rec_set_str(cargs, "native_func", f->name);
		if (*sb_str(&args))
			rec_set_str(cargs, "args", sb_str(&args));
		chrome_write(tr, ev);
		rec_free(rec);
	} else {
		sb_addf(&line, "%s [%d] %*s-> %s(%s)\n", when, target_th_num(th), (int)depth * 2,
			"", fr->shown ? fr->shown : f->name,
			f->dwarf || !tr->args || (by_plugin && note[0]) ? sb_str(&args) : "...");
		emit(tr, rec, sb_str(&line));
	}
	sb_free(&args);
	sb_free(&line);
}

static void print_return(struct tracer *tr, struct thread *th, const struct tframe *fr,
			 size_t depth, const struct regs *r, uint64_t t, bool unwound)
{
	const struct arch *a = target_arch(tr->s->target);
	const struct tfunc *f = fr->f;
	struct strbuf line = STRBUF_INIT, val = STRBUF_INIT;
	struct rec *rec = event_record(tr);
	char name[256], note[256], when[32], took[32];

	fmt_offset(tr, t, when);
	fmt_duration(t > fr->t0 ? t - fr->t0 : 0, took);
	if (rec) {
		rec_set_str(rec, "event", unwound ? "unwound" : "return");
		rec_set_numf(rec, "time", "%s", when + strspn(when, " "));
		rec_set_int(rec, "thread", target_th_num(th));
		rec_set_int(rec, "depth", (int64_t)depth);
		rec_set_str(rec, "func", fr->shown ? fr->shown : f->name);
		rec_set_numf(rec, "duration_us", "%s", took);
	}
	if (!unwound && fr->shown &&
	    inspected(tr, th, fr, true, regs_get(r, a->call_ret), name, sizeof(name), note,
		      sizeof(note)) &&
	    note[0]) {
		sb_add(&val, note);
	} else if (!unwound && f->dwarf && f->ret.kind != VALUE_VOID) {
		uint64_t v = 0;

		if (f->ret.kind == VALUE_FLOAT && tr->rec_now)
			v = tr->rec_now->v[2];
		else if (f->ret.kind == VALUE_FLOAT)
			regs_read_vector(target_th_tid(th), 0, &v);
		else
			v = regs_get(r, a->call_ret);
		err_clear();
		format_value(tr, &f->ret, v, &val);
	}
	if (rec && *sb_str(&val))
		rec_set_str(rec, "value", sb_str(&val));
	if (tr->chrome) {
		struct rec *cargs,
			*ev = chrome_event(tr, th, "E", fr->shown ? fr->shown : f->name, t, &cargs);

		if (unwound)
			rec_set_bool(cargs, "unwound", true);
		else if (*sb_str(&val))
			rec_set_str(cargs, "value", sb_str(&val));
		chrome_write(tr, ev);
		rec_free(rec);
	} else {
		sb_addf(&line, "%s [%d] %*s<- %s", when, target_th_num(th), (int)depth * 2, "",
			fr->shown ? fr->shown : f->name);
		if (unwound)
			sb_add(&line, " (unwound: longjmp or exception)");
		else if (*sb_str(&val))
			sb_addf(&line, " = %s", sb_str(&val));
		sb_addf(&line, "  (%s us)\n", took);
		emit(tr, rec, sb_str(&line));
	}
	sb_free(&val);
	sb_free(&line);
}

/* ---- the trap hook ----------------------------------------------------- */

static void add_ret_site(struct tracer *tr, struct thread *th, uint64_t ret)
{
	size_t at;

	if (find_ret(tr, ret, &at))
		return;
	if (target_insert_trap_by(tr->s->target, th, ret) < 0) {
		err_clear();
		return; /* the return is not seen; the shadow stack copes at the next one */
	}
	VEC_GROW(tr->rets, tr->nrets, tr->rets_cap);
	memmove(&tr->rets[at + 1], &tr->rets[at], (tr->nrets - at) * sizeof(*tr->rets));
	tr->rets[at] = ret;
	tr->nrets++;
}

/* --max reached: the entry traps go at once (through th, stopped here); returns are ignored. */
static void stop_entries(struct tracer *tr, struct thread *th)
{
	tr->done = true;
	for (size_t i = 0; i < tr->nfuncs; i++) {
		struct tfunc *f = tr->funcs[i];

		/* A guard cannot go while threads run: its true calls trap and are passed. */
		if (f->active && f->guard < 0 &&
		    target_remove_trap_by(tr->s->target, th, f->addr) < 0)
			err_clear();
		f->active = false;
	}
}

static void on_entry(struct tracer *tr, struct thread *th, struct tfunc *f, const struct regs *r)
{
	const struct arch *a = target_arch(tr->s->target);
	uint64_t sp = regs_sp(a, r), ret, t = now_ns();
	struct tthread *tt;

	if (tr->done || !thread_wanted(tr, target_th_num(th)))
		return;
	if (target_read(tr->s->target, sp, &ret, sizeof(ret)) != (ssize_t)sizeof(ret)) {
		err_clear();
		return;
	}
	tt = thread_of(tr, target_th_num(th));
	VEC_GROW(tt->v, tt->n, tt->cap);
	tt->v[tt->n++] = (struct tframe){ f, ret, sp, t, 0, NULL, false };
	add_ret_site(tr, th, ret);
	f->calls++;
	if (!tr->count && (!tr->depth || (int)tt->n <= tr->depth))
		print_call(tr, th, &tt->v[tt->n - 1], tt->n - 1, r, t);
	if (tr->max_events && ++tr->events >= tr->max_events)
		stop_entries(tr, th);
}

/* Close frame k of tt: its time goes to its function and to its caller's children. */
static void close_frame(struct tracer *tr, struct thread *th, struct tthread *tt, size_t k,
			const struct regs *r, uint64_t t, bool unwound)
{
	struct tframe *fr = &tt->v[k];
	/* A recorded call's start is moved past the heads' cost: never past its end. */
	uint64_t d = t > fr->t0 ? t - fr->t0 : 0;
	bool outermost = true;

	/* Under recursion only the outermost call's time is the function's total, as in pstats. */
	for (size_t i = 0; i < k; i++)
		outermost &= tt->v[i].f != fr->f;
	fr->f->returns++;
	if (outermost)
		fr->f->total_ns += d;
	fr->f->self_ns += d > fr->child_ns ? d - fr->child_ns : 0;
	if (d > fr->f->max_ns)
		fr->f->max_ns = d;
	if (k > 0)
		tt->v[k - 1].child_ns += d;
	if (!tr->count && (!tr->depth || (int)k < tr->depth))
		print_return(tr, th, fr, k, r, t, unwound);
	free(fr->shown);
	fr->shown = NULL;
}

/* Forget every call in flight (their returns will not be seen). */
static void clear_stacks(struct tracer *tr)
{
	for (size_t i = 0; i < tr->nthreads; i++) {
		for (size_t k = 0; k < tr->threads[i].n; k++)
			free(tr->threads[i].v[k].shown);
		tr->threads[i].n = 0;
	}
}

/*
 * The return trap after a call traced only when its condition held goes as
 * soon as no such call is in flight through it: the untraced calls there
 * (most of them) would each pay a stop for nothing.
 */
static void drop_ret_site(struct tracer *tr, struct thread *th, uint64_t ret)
{
	size_t at;

	for (size_t i = 0; i < tr->nthreads; i++)
		for (size_t k = 0; k < tr->threads[i].n; k++)
			if (tr->threads[i].v[k].ret == ret)
				return;
	if (!find_ret(tr, ret, &at))
		return;
	if (target_remove_trap_by(tr->s->target, th, ret) < 0) {
		err_clear();
		return;
	}
	memmove(&tr->rets[at], &tr->rets[at + 1], (tr->nrets - at - 1) * sizeof(*tr->rets));
	tr->nrets--;
}

static void on_return(struct tracer *tr, struct thread *th, uint64_t pc, const struct regs *r)
{
	uint64_t sp = regs_sp(target_arch(tr->s->target), r), t = now_ns();
	struct tthread *tt = thread_of(tr, target_th_num(th));
	size_t k = tt->n;

	/* The call this return ends: the innermost with this return address and stack. */
	while (k > 0 && !(tt->v[k - 1].ret == pc && tt->v[k - 1].sp + 8 == sp))
		k--;
	if (k == 0)
		return; /* reached by a jump, not by our call's ret */
	k--;
	/* Calls above it never returned: a longjmp or an exception skipped them. */
	while (tt->n > k + 1) {
		close_frame(tr, th, tt, tt->n - 1, r, t, true);
		tt->n--;
	}
	close_frame(tr, th, tt, k, r, t, false);
	tt->n = k;
	if (tt->v[k].f->cond)
		drop_ret_site(tr, th, pc);
}

/* ---- calls the program recorded (trace --mode agent) -------------------- */

static struct tfunc *func_by_id(struct tracer *tr, uint32_t id)
{
	for (size_t i = 0; i < tr->nfuncs; i++)
		if (tr->funcs[i]->rec_id == id)
			return tr->funcs[i];
	return NULL;
}

static void on_record(void *arg, const struct agent_record *rec)
{
	struct tracer *tr = arg;
	const struct arch *a = target_arch(tr->s->target);
	struct tfunc *f = func_by_id(tr, rec->id & AGENT_ID_MASK);
	struct thread *th = f ? target_agent_thread(tr->s->target, rec->thread) : NULL;
	uint64_t t = tsc_ns(&tr->clock, rec->tsc), t0;
	struct tthread *tt;
	struct regs r;
	size_t k;

	if (!th) {
		tr->lost++;
		return;
	}
	if (!thread_wanted(tr, target_th_num(th)))
		return;
	memset(&r, 0, sizeof(r));
	regs_set(&r, a->sp, rec->sp);
	tt = thread_of(tr, target_th_num(th));
	tr->rec_now = rec;
	if (!(rec->id & AGENT_ID_EXIT)) {
		/*
		 * Calls at or above this one's stack pointer are over: a longjmp
		 * or an exception left them (their returns never ran). Not
		 * those a signal interrupted: its handler's calls may run
		 * higher up, on an alternate signal stack.
		 */
		while (tt->n && tt->v[tt->n - 1].sp <= rec->sp && !tt->v[tt->n - 1].interrupted) {
			close_frame(tr, th, tt, tt->n - 1, &r, t, true);
			tt->n--;
		}
		if (tr->done)
			goto out;
		for (int i = 0; i < a->ncall_args && i < (rec->wide ? 6 : 4); i++)
			regs_set(&r, a->call_args[i], rec->v[i]);
		VEC_GROW(tt->v, tt->n, tt->cap);
		/* From after the heads' own work: the duration is the function's. */
		t0 = t + tr->overhead_ns[rec->wide];
		tt->v[tt->n++] = (struct tframe){ f, 0, rec->sp, t0, 0, NULL, false };
		f->calls++;
		if (!tr->count && (!tr->depth || (int)tt->n <= tr->depth))
			print_call(tr, th, &tt->v[tt->n - 1], tt->n - 1, &r, t);
		if (tr->max_events && ++tr->events >= tr->max_events)
			tr->done = true;
		goto out;
	}
	/* The call this return ends: the innermost one whose stack pointer it has. */
	for (k = tt->n; k > 0 && tt->v[k - 1].sp != rec->sp; k--)
		;
	if (k == 0)
		goto out; /* its call came before tracing did */
	k--;
	regs_set(&r, a->call_ret, rec->v[0]);
	/* Calls above it never returned: a longjmp or an exception skipped them. */
	while (tt->n > k + 1) {
		close_frame(tr, th, tt, tt->n - 1, &r, t, true);
		tt->n--;
	}
	close_frame(tr, th, tt, k, &r, t, false);
	tt->n = k;
out:
	tr->rec_now = NULL;
}

/* Show what the program recorded since the last time (every tick while it runs, and at stops). */
static void read_records(void *arg)
{
	struct tracer *tr = arg;

	tsc_calibrate(&tr->clock);
	if (target_agent_drain(tr->s->target, on_record, tr) && tr->file)
		fflush(tr->file);
}

/*
 * th resumes to handle a signal: the calls it has open (once what it
 * recorded is read) are interrupted, and the handler's calls may be higher
 * up (an alternate signal stack): those do not end them.
 */
static void on_signal(void *arg, struct thread *th, int sig)
{
	struct tracer *tr = arg;
	struct tthread *tt;

	(void)sig;
	if (!tr->next_rec_id)
		return;
	read_records(tr);
	tt = thread_of(tr, target_th_num(th));
	for (size_t k = 0; k < tt->n; k++)
		tt->v[k].interrupted = true;
}

void trace_drain(struct session *s)
{
	struct tracer *tr = s->tracer;

	if (tr && tr->next_rec_id && target_live(s->target))
		read_records(tr);
}

/*
 * A breakpoint wants bytes the program's recording of function id patched:
 * its calls go back to traps (its table row stays), and info trace says why.
 */
static bool give_way(void *arg, uint32_t id)
{
	struct tracer *tr = arg;
	struct tfunc *f = func_by_id(tr, id);

	if (!f)
		return false;
	read_records(tr);
	if (target_agent_unrecord(tr->s->target, id) < 0) {
		err_clear();
		return false;
	}
	f->rec_id = 0;
	free(f->traps_why);
	f->traps_why = xstrdup("a breakpoint is in the bytes its recording patched");
	f->why_record = true;
	if (f->active && target_insert_trap(tr->s->target, f->addr) < 0) {
		err_clear();
		f->active = false;
	}
	return true;
}

/*
 * Whether a record of f's call needs more than the first four integer
 * argument registers (format_args' walk of its parameters): two ring slots
 * instead of one.
 */
static bool needs_wide_record(const struct tfunc *f)
{
	int ints = 0;

	if (!f->dwarf)
		return false; /* its arguments are not shown */
	for (int i = 0; i < f->nparams; i++) {
		const struct value_scalar_type *t = &f->params[i].type;

		if (t->kind == VALUE_FLOAT)
			return true;
		ints += t->kind == VALUE_OTHER ? (int)(t->size + 7) / 8 : 1;
	}
	return ints > 4;
}

/* Have the program record f's calls itself; false (why kept for info trace) when it cannot. */
static bool record_in_program(struct tracer *tr, struct sym *sym, struct tfunc *f)
{
	uint64_t low, high;
	char name[8];
	int rc = -1;

	if (!tr->next_rec_id) {
		tr->next_rec_id = 1;
		tsc_calibrate(&tr->clock);
		/* Measured for both kinds of entry head (arguments in one slot or two). */
		for (int wide = 0; wide < 2; wide++) {
			uint64_t ticks =
				agent_record_overhead(wide ? AGENT_REC_CALL_WIDE : AGENT_REC_CALL);

			tr->overhead_ns[wide] =
				ticks ? tsc_ns(&tr->clock, tr->clock.tsc0 + ticks) - tr->clock.ns0
				      : 0;
		}
	}
	free(f->traps_why);
	f->traps_why = NULL;
	/* A plugin describes the call from the thread as it is then: a record comes too late. */
	if (inspect_claims_call(tr->s, f->module, f->name))
		err_set("a plugin's inspector describes its calls from the stopped thread");
	else if (sym_func_range(sym, f->addr, &low, &high, name, sizeof(name)) < 0 ||
		 low != f->addr)
		err_set("no function symbol starts at its address");
	else if (target_agent_threads_known(tr->s->target) <= 0) {
		/* At a launched program's first instruction: tried again at every stop. */
		err_clear();
		err_set("the program had not set up its threads when tracing began: traps see "
			"its calls until a stop where it has");
		f->rec_later = true;
		brk_hear_libraries(tr->s);
	} else
		rc = target_agent_record(tr->s->target, low, high, tr->next_rec_id,
					 needs_wide_record(f));
	f->why_record = rc < 0;
	if (rc < 0) {
		f->traps_why = xstrdup(err_get());
		err_clear();
		return false;
	}
	f->rec_id = tr->next_rec_id++;
	f->in_program = false;
	target_set_ticker(tr->s->target, read_records, tr, 50);
	target_set_signal_hook(tr->s->target, on_signal, tr);
	target_agent_set_yield(tr->s->target, give_way, tr);
	return true;
}

static bool on_trap(void *arg, struct thread *th, uint64_t pc, const struct regs *r)
{
	struct tracer *tr = arg;
	struct tfunc *f = find_func(tr, pc);
	bool ours = false;
	size_t at;

	/* What the program recorded before this trap comes first, in the order it happened. */
	if (tr->next_rec_id)
		read_records(tr);

	if (f && f->active) {
		on_entry(tr, th, f, r);
		ours = true;
	}
	/* A guard's true condition after --max, or in a thread not traced: passed. */
	if (f && f->guard >= 0)
		ours = true;
	/* After --max, calls already in flight still return: their lines end them. */
	if (find_ret(tr, pc, &at)) {
		on_return(tr, th, pc, r);
		ours = true;
	}
	/* A user breakpoint at the same place still stops. */
	return ours && !brk_has_location(tr->s, pc);
}

/* ---- starting and stopping -------------------------------------------- */

static struct tracer *tracer_of(struct session *s)
{
	if (!s->tracer) {
		s->tracer = xcalloc(1, sizeof(*s->tracer));
		s->tracer->s = s;
		s->tracer->args = true;
	}
	return s->tracer;
}

struct collect {
	struct tracer *tr;
	struct sym *sym;
	uint64_t *addrs; /* matched entry addresses, deduplicated below */
	char **names, **modules;
	size_t n, cap;
};

static void collect_func(void *arg, const struct sym_found *f)
{
	struct collect *c = arg;
	uint64_t addr = f->addr;

	/* An indirect function's calls run the implementation chosen for the CPU, not its resolver. */
	sym_ifunc_target(c->sym, f->addr, &addr);
	for (size_t i = 0; i < c->n; i++)
		if (c->addrs[i] == addr)
			return; /* an alias of one already matched */
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->addrs = xrealloc(c->addrs, c->cap * sizeof(*c->addrs));
		c->names = xrealloc(c->names, c->cap * sizeof(*c->names));
		c->modules = xrealloc(c->modules, c->cap * sizeof(*c->modules));
	}
	c->addrs[c->n] = addr;
	c->names[c->n] = xstrdup(f->name);
	c->modules[c->n] = xstrdup(f->module ? f->module : "");
	c->n++;
}

static void add_param(void *arg, const char *name, const struct value_scalar_type *type)
{
	struct tfunc *f = arg;

	f->params = xrealloc(f->params, (size_t)(f->nparams + 1) * sizeof(*f->params));
	f->params[f->nparams].name = xstrdup(name);
	f->params[f->nparams].type = *type;
	f->nparams++;
}

/* The tracer's record of the function at addr, made on first use. */
static struct tfunc *func_for(struct tracer *tr, struct sym *sym, uint64_t addr, char *name,
			      char *module)
{
	struct tfunc *f = find_func(tr, addr);

	if (f) {
		free(name);
		free(module);
		return f;
	}
	f = xcalloc(1, sizeof(*f));
	f->agent = -1;
	f->guard = -1;
	f->addr = addr;
	f->name = name;
	f->module = module;
	f->dwarf = value_func_params(sym, addr, add_param, f) >= 0 &&
		   value_func_return_type(sym, addr, &f->ret) == 0;
	err_clear();
	VEC_GROW(tr->funcs, tr->nfuncs, tr->funcs_cap);
	tr->funcs[tr->nfuncs++] = f;
	qsort(tr->funcs, tr->nfuncs, sizeof(*tr->funcs), cmp_func);
	return f;
}

/* Functions lurk itself depends on while the program runs: never trapped. */
static bool untraceable(struct session *s, uint64_t addr, const char *name)
{
	return addr == s->solib_event_addr || !strcmp(name, "_dl_debug_state");
}

static int collect_pattern(struct collect *c, const char *pattern)
{
	const char *colon = strrchr(pattern, ':');
	int n;

	if (colon) {
		char *module = xstrndup(pattern, (size_t)(colon - pattern));

		n = sym_match_funcs(c->sym, colon + 1, module, collect_func, c);
		free(module);
	} else {
		n = sym_match_funcs(c->sym, pattern, NULL, collect_func, c);
	}
	return n;
}

static void remember(struct tracer *tr, const struct trace_opts *o)
{
	struct trequest *r;

	VEC_GROW(tr->reqs, tr->nreqs, tr->reqs_cap);
	r = &tr->reqs[tr->nreqs++];
	*r = (struct trequest){
		.patterns = xcalloc(o->npatterns ? o->npatterns : 1, sizeof(*r->patterns)),
		.npatterns = o->npatterns,
		.out_path = o->out_path ? xstrdup(o->out_path) : NULL,
		.format = o->format,
		.count = o->count,
		.mode = o->mode,
		.args = o->args,
		.depth = o->depth,
		.max_events = o->max_events,
		.max_functions = o->max_functions,
		.nthreads = o->nthreads,
		.cond = o->cond ? xstrdup(o->cond) : NULL,
	};
	for (size_t i = 0; i < o->npatterns; i++)
		r->patterns[i] = xstrdup(o->patterns[i]);
	if (o->nthreads) {
		r->threads = xcalloc(o->nthreads, sizeof(*r->threads));
		memcpy(r->threads, o->threads, o->nthreads * sizeof(*r->threads));
	}
}

static void request_free(struct trequest *r)
{
	for (size_t i = 0; i < r->npatterns; i++)
		free(r->patterns[i]);
	free(r->patterns);
	free(r->out_path);
	free(r->threads);
	free(r->cond);
}

static void request_opts(const struct trequest *r, struct trace_opts *o)
{
	*o = (struct trace_opts){
		.patterns = (const char *const *)r->patterns,
		.npatterns = r->npatterns,
		.out_path = r->out_path,
		.format = r->format,
		.count = r->count,
		.mode = r->mode,
		.args = r->args,
		.depth = r->depth,
		.max_events = r->max_events,
		.max_functions = r->max_functions,
		.threads = r->threads,
		.nthreads = r->nthreads,
		.cond = r->cond,
	};
}

/* Untrace PATTERN: the remembered patterns it names go (all without one), and emptied requests. */
static void forget_requests(struct tracer *tr, const char *pattern)
{
	size_t kept = 0;

	for (size_t i = 0; i < tr->nreqs; i++) {
		struct trequest *r = &tr->reqs[i];
		size_t n = 0;

		for (size_t k = 0; k < r->npatterns; k++) {
			if (!pattern || !strcmp(pattern, r->patterns[k]) ||
			    fnmatch(pattern, r->patterns[k], 0) == 0)
				free(r->patterns[k]);
			else
				r->patterns[n++] = r->patterns[k];
		}
		r->npatterns = n;
		if (n)
			tr->reqs[kept++] = *r;
		else
			request_free(r);
	}
	tr->nreqs = kept;
}

/*
 * trace ... if COND: a guard at f's entry judges COND in the program (the
 * arguments where the ABI puts them) and traps only when it holds; the
 * trap is a traced call's entry as any other. A condition the agent cannot
 * judge leaves f untraced (cond_why says why): lurk has no other way to
 * see the arguments of every call without stopping at each.
 */
static bool guard_func(struct tracer *tr, struct sym *sym, struct tfunc *f, const char *cond,
		       bool judge_waiting)
{
	struct target *t = tr->s->target;
	unsigned char code[1536];
	struct expr *e = expr_parse(cond);
	uint64_t low, high;
	char name[8];
	size_t n = 0;
	int guard = -1;

	free(f->cond);
	free(f->cond_why);
	f->cond = xstrdup(cond);
	f->cond_why = NULL;
	f->guard = -1;
	f->cond_later = false;
	if (!target_can_inject(t)) {
		/*
		 * At a launched program's exec: the guard comes at the next stop,
		 * and a trap at the entry makes sure there is one before a call.
		 */
		expr_free(e);
		f->cond_later = true;
		f->standin = target_insert_trap(t, f->addr) == 0;
		err_clear();
		return false;
	}
	if (e)
		n = agent_cond_compile(sym, f->addr, true, target_pid(t), e, code, sizeof(code));
	if (n && sym_func_range(sym, f->addr, &low, &high, name, sizeof(name)) == 0)
		guard = target_agent_guard(t, f->addr, low, high, code, n, judge_waiting);
	expr_free(e);
	if (guard < 0) {
		f->cond_why = xstrdup(err_get());
		err_clear();
		return false;
	}
	f->guard = guard;
	f->in_program = false;
	return true;
}

void trace_late_records(struct session *s)
{
	struct tracer *tr = s->tracer;
	struct sym *sym = target_sym(s->target);
	bool known = false;

	if (!tr || !sym || target_any_running(s->target) || !target_live(s->target))
		return;
	for (size_t i = 0; i < tr->nfuncs; i++) {
		struct tfunc *f = tr->funcs[i];

		if (!f->rec_later)
			continue;
		if (!known && target_agent_threads_known(s->target) <= 0) {
			err_clear();
			return;
		}
		known = true;
		f->rec_later = false;
		if (!f->active)
			continue;
		/* Its entry trap goes first: the patch takes those bytes. */
		if (target_remove_trap(s->target, f->addr) < 0) {
			err_clear();
			continue;
		}
		if (!record_in_program(tr, sym, f) && target_insert_trap(s->target, f->addr) < 0) {
			err_clear();
			f->active = false;
		}
	}
}

void trace_late_guards(struct session *s)
{
	struct tracer *tr = s->tracer;
	struct sym *sym = target_sym(s->target);

	if (!tr || !sym || target_any_running(s->target) || !target_can_inject(s->target))
		return;
	for (size_t i = 0; i < tr->nfuncs; i++) {
		struct tfunc *f = tr->funcs[i];
		char *cond;

		if (!f->cond_later)
			continue;
		/* The call that stopped at the stand-in trap is judged by the guard too. */
		if (f->standin && target_remove_trap(s->target, f->addr) < 0)
			err_clear();
		f->standin = false;
		cond = xstrdup(f->cond);
		if (guard_func(tr, sym, f, cond, true)) {
			f->active = true;
			target_set_trap_hook(s->target, on_trap, tr);
		}
		free(cond);
	}
}

static int start(struct session *s, const struct trace_opts *o)
{
	struct sym *sym = target_sym(s->target);
	struct tracer *tr;
	struct collect c = { 0 };
	int started = 0;
	bool agent, record;

	if (!sym)
		return -1;
	tr = tracer_of(s);
	c.tr = tr;
	c.sym = sym;
	for (size_t i = 0; i < o->npatterns; i++) {
		size_t before = c.n;

		if (collect_pattern(&c, o->patterns[i]) < 0)
			goto fail;
		if (c.n == before) {
			err_set("no function matches \"%s\"", o->patterns[i]);
			goto fail;
		}
	}
	if (c.n > o->max_functions) {
		err_set("the patterns match %zu functions (more than %zu): narrow them, or give "
			"--max-functions %zu",
			c.n, o->max_functions, c.n);
		goto fail;
	}
	if (o->out_path) {
		FILE *f = fopen(o->out_path, "w");

		if (!f) {
			err_set("cannot write %s: %s", o->out_path, strerror(errno));
			goto fail;
		}
		close_output(tr);
		tr->file = f;
		tr->chrome = o->format == TRACE_CHROME;
		tr->chrome_written = 0;
		for (size_t i = 0; i < tr->nthreads; i++)
			tr->threads[i].named = false;
		if (tr->chrome)
			fputs("[\n", f);
	}
	tr->count = o->count;
	tr->args = o->args;
	tr->depth = o->depth;
	tr->max_events = o->max_events;
	tr->events = 0;
	tr->done = false;
	free(tr->tids);
	tr->tids = NULL;
	tr->ntids = o->nthreads;
	if (o->nthreads) {
		tr->tids = xcalloc(o->nthreads, sizeof(*tr->tids));
		memcpy(tr->tids, o->threads, o->nthreads * sizeof(*tr->tids));
	}
	if (!tr->t0)
		tr->t0 = now_ns();
	/* The agent counts; what it cannot do (--max, --threads, a condition) needs traps. */
	agent = o->count && o->mode != TRACE_MODE_PTRACE && !o->max_events && !o->nthreads &&
		!o->cond;
	/* --mode agent without --count: the program records each call and return itself. */
	record = !o->count && o->mode != TRACE_MODE_PTRACE && !o->cond;
	for (size_t i = 0; i < c.n; i++) {
		struct tfunc *f;

		if (untraceable(s, c.addrs[i], c.names[i])) {
			free(c.names[i]);
			free(c.modules[i]);
			continue;
		}
		f = func_for(tr, sym, c.addrs[i], c.names[i], c.modules[i]);
		if (!f->active && o->cond) {
			/* Traced only when the condition holds: the guard, or not at all. */
			if (guard_func(tr, sym, f, o->cond, false)) {
				f->active = true;
				started++;
			} else if (f->cond_later) {
				started++;
			} else {
				session_warn(
					s, "trace",
					"%s is not traced: its condition cannot be judged in the "
					"program: %s",
					f->name, f->cond_why);
			}
			continue;
		}
		if (!f->active) {
			free(f->cond);
			f->cond = NULL;
			if ((agent && count_in_program(tr, sym, f)) ||
			    (record && record_in_program(tr, sym, f))) {
				f->active = true;
				started++;
				continue;
			}
			/* --mode agent: not counted at all; info trace says why. */
			if (agent && o->mode == TRACE_MODE_AGENT)
				continue;
			/* Asked for by name, it says why at once; by default, info trace says. */
			if (record && o->mode == TRACE_MODE_AGENT)
				session_warn(s, "trace",
					     "%s's calls are seen with traps: the program cannot "
					     "record them: %s",
					     f->name, f->traps_why);
			if (target_insert_trap(s->target, f->addr) < 0) {
				err_clear();
				continue;
			}
			f->in_program = false;
			f->active = true;
		}
		started++;
	}
	free(c.addrs);
	free(c.names);
	free(c.modules);
	target_set_trap_hook(s->target, on_trap, tr);
	return started;
fail:
	for (size_t i = 0; i < c.n; i++) {
		free(c.names[i]);
		free(c.modules[i]);
	}
	free(c.addrs);
	free(c.names);
	free(c.modules);
	return -1;
}

int trace_start(struct session *s, const struct trace_opts *o)
{
	int n = start(s, o);

	if (n >= 0)
		remember(tracer_of(s), o);
	return n;
}

void trace_defer(struct session *s, const struct trace_opts *o)
{
	remember(tracer_of(s), o);
}

/*
 * A new process: the offsets of trace lines count from its start, and every
 * remembered trace command starts again in it, saying so (or why not).
 */
static void process_started(struct session *s)
{
	struct tracer *tr = s->tracer;

	if (!tr)
		return;
	tr->t0 = now_ns();
	for (size_t i = 0; i < tr->nreqs; i++) {
		struct trace_opts o;
		struct strbuf pats = STRBUF_INIT;
		int n;

		request_opts(&tr->reqs[i], &o);
		for (size_t k = 0; k < o.npatterns; k++)
			sb_addf(&pats, "%s%s", k ? " " : "", o.patterns[k]);
		n = start(s, &o);
		if (n < 0) {
			session_warn(s, "trace", "%s when the program started (%s stays pending)",
				     err_get(), sb_str(&pats));
			err_clear();
		} else {
			struct rec *rec = rec_obj();

			rec_set_str(rec, "event", "trace-started");
			rec_set_int(rec, "functions", n);
			if (o.count)
				rec_set_bool(rec, "count", true);
			rec_set_str(rec, "patterns", sb_str(&pats));
			if (o.out_path)
				rec_set_str(rec, "output", o.out_path);
			session_tell_as(s, NEWS_TRACE_STARTED, "trace", NULL, rec);
		}
		sb_free(&pats);
	}
}

/* Nothing traced any more: the open calls, the output and the target's hooks go. */
static void let_go(struct session *s)
{
	clear_stacks(s->tracer);
	close_output(s->tracer);
	target_set_trap_hook(s->target, NULL, NULL);
	target_set_ticker(s->target, NULL, NULL, 0);
	target_set_signal_hook(s->target, NULL, NULL);
	target_agent_set_yield(s->target, NULL, NULL);
}

int trace_stop(struct session *s, const char *pattern)
{
	struct tracer *tr = s->tracer;
	int stopped = 0;
	bool any = false;

	if (!tr)
		return 0;
	forget_requests(tr, pattern);
	for (size_t i = 0; i < tr->nfuncs; i++) {
		struct tfunc *f = tr->funcs[i];
		bool named = !pattern || fnmatch(pattern, f->name, 0) == 0;

		if (named && f->guard >= 0) {
			if (target_live(s->target) && target_agent_unguard(s->target, f->guard) < 0)
				return -1;
			f->guard = -1;
			stopped += f->active;
			f->active = false;
		}
		if (named && f->standin && target_live(s->target) &&
		    target_remove_trap(s->target, f->addr) < 0)
			err_clear();
		if (named) {
			f->standin = false;
			f->cond_later = false;
			free(f->cond_why);
			f->cond_why = NULL;
			/* Why the agent could not take it no longer matters once it is not traced. */
			free(f->traps_why);
			f->traps_why = NULL;
		}
		if (f->active && named) {
			if (f->rec_id) {
				if (target_live(s->target)) {
					trace_drain(s);
					if (target_agent_unrecord(s->target, f->rec_id) < 0)
						return -1;
				}
				f->rec_id = 0;
			} else if (f->agent >= 0) {
				if (target_live(s->target) &&
				    target_agent_unpatch(s->target, f->agent) < 0)
					return -1;
				fold_agent(tr, f);
			} else if (target_live(s->target) &&
				   target_remove_trap(s->target, f->addr) < 0) {
				err_clear();
			}
			f->active = false;
			stopped++;
		}
		any |= f->active;
	}
	if (!any) {
		/* Nothing traced any more: the return traps and the stacks go too. */
		for (size_t i = 0; i < tr->nrets; i++)
			if (target_live(s->target) &&
			    target_remove_trap(s->target, tr->rets[i]) < 0)
				err_clear();
		tr->nrets = 0;
		let_go(s);
	}
	return stopped;
}

bool trace_owns(struct session *s, uint64_t addr)
{
	struct tracer *tr = s->tracer;
	struct tfunc *f;
	size_t at;

	if (!tr)
		return false;
	f = find_func(tr, addr);
	return (f && ((f->active && f->agent < 0) || f->cond_later)) || find_ret(tr, addr, &at);
}

/* ---- statistics -------------------------------------------------------- */

static int cmp_total(const void *a, const void *b)
{
	const struct tfunc *x = *(struct tfunc *const *)a, *y = *(struct tfunc *const *)b;

	return x->total_ns < y->total_ns   ? 1
	       : x->total_ns > y->total_ns ? -1
					   : strcmp(x->name, y->name);
}

struct rec *trace_table(struct session *s)
{
	struct tracer *tr = s->tracer;
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, "functions");
	struct tfunc **v;
	size_t n = 0;

	if (!tr)
		return rec;
	v = xcalloc(tr->nfuncs ? tr->nfuncs : 1, sizeof(*v));
	for (size_t i = 0; i < tr->nfuncs; i++)
		if (calls_of(tr, tr->funcs[i]) || tr->funcs[i]->active || tr->funcs[i]->traps_why ||
		    tr->funcs[i]->cond_why || tr->funcs[i]->cond_later)
			v[n++] = tr->funcs[i];
	qsort(v, n, sizeof(*v), cmp_total);
	for (size_t i = 0; i < n; i++) {
		struct rec *o = rec_push_obj(arr);

		rec_set_str(o, "func", v[i]->name);
		rec_set_int(o, "calls", (int64_t)calls_of(tr, v[i]));
		/* Counted in the program: how long the calls took is not known. */
		if (v[i]->in_program)
			rec_set_bool(o, "in_program", true);
		if (v[i]->traps_why)
			rec_set_str(o, v[i]->why_record ? "not_recorded" : "not_in_program",
				    v[i]->traps_why);
		if (v[i]->rec_id)
			rec_set_bool(o, "recorded", true);
		if (v[i]->cond) {
			uint64_t judged, trues;

			rec_set_str(o, "condition", v[i]->cond);
			if (v[i]->guard >= 0 &&
			    target_agent_guard_state(s->target, v[i]->guard, &judged, &trues))
				rec_set_int(o, "condition_calls", (int64_t)judged);
			if (v[i]->cond_why)
				rec_set_str(o, "not_traced", v[i]->cond_why);
		}
		rec_set_int(o, "returns", (int64_t)v[i]->returns);
		rec_set_numf(o, "total_us", "%.1f", (double)v[i]->total_ns / 1e3);
		rec_set_numf(o, "self_us", "%.1f", (double)v[i]->self_ns / 1e3);
		rec_set_numf(o, "mean_us", "%.1f",
			     v[i]->returns ? (double)v[i]->total_ns / 1e3 / (double)v[i]->returns
					   : 0.0);
		rec_set_numf(o, "max_us", "%.1f", (double)v[i]->max_ns / 1e3);
	}
	free(v);
	if (target_agent_drops(s->target))
		rec_set_int(rec, "dropped", (int64_t)target_agent_drops(s->target));
	if (tr->lost)
		rec_set_int(rec, "lost", (int64_t)tr->lost);
	/* Without a process, what the remembered trace commands will trace when one starts. */
	if (!target_live(s->target) && tr->nreqs) {
		struct rec *pending = rec_set_arr(rec, "pending");

		for (size_t i = 0; i < tr->nreqs; i++)
			for (size_t k = 0; k < tr->reqs[i].npatterns; k++)
				rec_push_str(pending, tr->reqs[i].patterns[k]);
	}
	return rec;
}

void trace_reset(struct session *s)
{
	struct tracer *tr = s->tracer;

	if (!tr)
		return;
	for (size_t i = 0; i < tr->nfuncs; i++) {
		struct tfunc *f = tr->funcs[i];

		f->calls = f->returns = f->total_ns = f->self_ns = f->max_ns = 0;
		if (f->agent >= 0)
			f->agent_base = target_agent_calls(s->target, f->agent);
	}
}

bool trace_active(struct session *s)
{
	if (!s->tracer)
		return false;
	for (size_t i = 0; i < s->tracer->nfuncs; i++)
		if (s->tracer->funcs[i]->active)
			return true;
	return false;
}

/* The traps went with the process image (why: "exit" or "exec"). */
static void traps_gone(struct session *s, const char *why)
{
	struct tracer *tr = s->tracer;
	uint64_t calls = 0;

	if (!tr)
		return;
	/* What the program recorded before it went: its threads may still be known. */
	if (tr->next_rec_id)
		read_records(tr);
	for (size_t i = 0; i < tr->nfuncs; i++) {
		fold_agent(tr, tr->funcs[i]);
		calls += tr->funcs[i]->calls;
	}
	if (trace_active(s)) {
		struct rec *rec = rec_obj();

		rec_set_str(rec, "why", why);
		rec_set_int(rec, "calls", (int64_t)calls);
		session_tell_as(s, NEWS_TRACE_ENDED, "trace", NULL, rec);
	}
	/* The traps went with the process; the statistics stay for info trace. */
	for (size_t i = 0; i < tr->nfuncs; i++) {
		tr->funcs[i]->active = false;
		tr->funcs[i]->rec_id = 0;
		tr->funcs[i]->rec_later = false;
		tr->funcs[i]->guard = -1;
		tr->funcs[i]->cond_later = false;
		tr->funcs[i]->standin = false;
	}
	tr->nrets = 0;
	tr->next_rec_id = 0;
	memset(&tr->clock, 0, sizeof(tr->clock));
	let_go(s);
}

void trace_lifecycle(struct session *s, enum session_event ev)
{
	if (ev == SESSION_STARTED)
		process_started(s);
	/* A relaunch kills the process first: to tracing that is an exit. */
	else if (ev == SESSION_GONE || ev == SESSION_RELAUNCH)
		traps_gone(s, "exit");
	else if (ev == SESSION_EXEC)
		traps_gone(s, "exec");
}

void trace_free(struct session *s)
{
	struct tracer *tr = s->tracer;

	if (!tr)
		return;
	for (size_t i = 0; i < tr->nfuncs; i++) {
		struct tfunc *f = tr->funcs[i];

		for (int k = 0; k < f->nparams; k++)
			free(f->params[k].name);
		free(f->params);
		free(f->name);
		free(f->module);
		free(f->traps_why);
		free(f->cond);
		free(f->cond_why);
		free(f);
	}
	clear_stacks(tr);
	for (size_t i = 0; i < tr->nthreads; i++)
		free(tr->threads[i].v);
	close_output(tr);
	for (size_t i = 0; i < tr->nreqs; i++)
		request_free(&tr->reqs[i]);
	free(tr->reqs);
	free(tr->funcs);
	free(tr->rets);
	free(tr->threads);
	free(tr->tids);
	free(tr);
	s->tracer = NULL;
}
