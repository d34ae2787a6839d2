/* cmd-trace.c - tracing and profiling: trace, untrace, info trace, profile */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brk.h"
#include "cmd.h"
#include "err.h"
#include "out.h"
#include "profile.h"
#include "rec.h"
#include "session.h"
#include "stop.h"
#include "target.h"
#include "trace.h"
#include "util.h"

#define DEFAULT_MAX_FUNCTIONS 1000

/* "2,3,5" into lurk thread numbers. */
static int parse_threads(const char *text, int **out, size_t *n)
{
	char *copy = xstrdup(text), *save = NULL;

	*out = NULL;
	*n = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (parse_u64(w, &v) < 0 || v == 0 || v > 1000000) {
			err_set("--threads: \"%s\" is not a thread number", w);
			free(copy);
			free(*out);
			*out = NULL;
			return -1;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = (int)v;
	}
	free(copy);
	return 0;
}

/* The trace template's options and patterns, in ctx->arg[] order. */
enum {
	TRACE_OUT,
	TRACE_FORMAT,
	TRACE_COUNT,
	TRACE_MODE,
	TRACE_ARGS,
	TRACE_DEPTH,
	TRACE_MAX,
	TRACE_MAX_FUNCTIONS,
	TRACE_THREADS,
	TRACE_PATTERNS
};

static void render_started(struct out *o, const struct rec *rec)
{
	if (rec_bool(rec, "pending")) {
		const struct rec *pats = rec_get(rec, "patterns");

		out_printf(o, "Trace pending on");
		for (size_t i = 0; i < rec_len(pats); i++)
			out_printf(o, " %s", rec_as_str(rec_at(pats, i)));
		out_printf(o, ": tracing starts when the program does.\n");
		return;
	}
	if (rec_bool(rec, "count")) {
		out_printf(o, "Counting the calls of %" PRId64 " function%s (see info trace).\n",
			   rec_int(rec, "functions", 0),
			   rec_int(rec, "functions", 0) == 1 ? "" : "s");
		return;
	}
	out_printf(o, "Tracing %" PRId64 " function%s%s%s%s%s.\n", rec_int(rec, "functions", 0),
		   rec_int(rec, "functions", 0) == 1 ? "" : "s",
		   rec_has(rec, "condition") ? " when " : "",
		   rec_has(rec, "condition") ? rec_str(rec, "condition") : "",
		   rec_has(rec, "output") ? " to " : "",
		   rec_has(rec, "output") ? rec_str(rec, "output") : "");
}

static int start_trace(struct cmd_ctx *ctx, struct trace_opts *opts);

static int cmd_trace_start(struct cmd_ctx *ctx)
{
	const struct cmd_arg *a = ctx->arg;
	struct trace_opts o = {
		.patterns = a[TRACE_PATTERNS].v,
		.npatterns = a[TRACE_PATTERNS].n,
		.out_path = a[TRACE_OUT].s,
		.args = !a[TRACE_ARGS].set || a[TRACE_ARGS].u,
		.depth = (int)a[TRACE_DEPTH].u,
		.max_events = a[TRACE_MAX].u,
		.max_functions = a[TRACE_MAX_FUNCTIONS].set ? a[TRACE_MAX_FUNCTIONS].u
							    : DEFAULT_MAX_FUNCTIONS,
	};
	struct strbuf cond = STRBUF_INIT;
	int n;

	/* "trace PATTERN... if COND": the words from "if" on are the condition. */
	for (size_t i = 0; i < o.npatterns; i++) {
		if (strcmp(o.patterns[i], "if") != 0)
			continue;
		for (size_t k = i + 1; k < a[TRACE_PATTERNS].n; k++)
			sb_addf(&cond, "%s%s", k > i + 1 ? " " : "", a[TRACE_PATTERNS].v[k]);
		o.npatterns = i;
		if (!cond.len) {
			err_set("\"if\" needs a condition");
			return -1;
		}
		if (brk_check_condition(sb_str(&cond)) < 0) {
			sb_free(&cond);
			return -1;
		}
		o.cond = sb_str(&cond);
		break;
	}
	n = start_trace(ctx, &o);
	sb_free(&cond);
	return n;
}

/* The rest of trace, with its options and condition parsed. */
static int start_trace(struct cmd_ctx *ctx, struct trace_opts *opts)
{
	const struct cmd_arg *a = ctx->arg;
	struct trace_opts o = *opts;
	struct rec *rec;
	int n;

	if (a[TRACE_FORMAT].set) {
		if (!strcmp(a[TRACE_FORMAT].s, "chrome")) {
			o.format = TRACE_CHROME;
		} else if (strcmp(a[TRACE_FORMAT].s, "lines") != 0) {
			err_set("--format: \"%s\" is not a format (lines, chrome)",
				a[TRACE_FORMAT].s);
			return -1;
		}
		if (!o.out_path) {
			err_set("--format %s needs -o FILE", a[TRACE_FORMAT].s);
			return -1;
		}
	}
	o.count = a[TRACE_COUNT].set;
	if (o.count && o.out_path) {
		err_set("--count shows no calls: it takes no -o FILE");
		return -1;
	}
	if (a[TRACE_MODE].set) {
		if (!strcmp(a[TRACE_MODE].s, "agent"))
			o.mode = TRACE_MODE_AGENT;
		else if (!strcmp(a[TRACE_MODE].s, "ptrace"))
			o.mode = TRACE_MODE_PTRACE;
		else {
			err_set("--mode: \"%s\" is not a mode (agent, ptrace)", a[TRACE_MODE].s);
			return -1;
		}
		if (o.mode == TRACE_MODE_AGENT && o.count &&
		    (a[TRACE_MAX].set || a[TRACE_THREADS].set)) {
			err_set("the agent counts the calls of every thread: --mode agent --count "
				"takes no --max or --threads");
			return -1;
		}
	}
	if (a[TRACE_THREADS].set && parse_threads(a[TRACE_THREADS].s, &o.threads, &o.nthreads) < 0)
		return -1;
	if (!o.npatterns) {
		free(o.threads);
		err_set("no function pattern given (trace [OPTIONS] PATTERN...)");
		return -1;
	}
	if (!target_live(ctx->s->target)) {
		/* Like a pending breakpoint: it takes effect when the program starts. */
		struct rec *pats;

		trace_defer(ctx->s, &o);
		rec = rec_obj();
		rec_set_bool(rec, "pending", true);
		pats = rec_set_arr(rec, "patterns");
		for (size_t i = 0; i < o.npatterns; i++)
			rec_push_str(pats, o.patterns[i]);
		out_emit(ctx->s->out, ctx->name, rec, render_started);
		free(o.threads);
		return 0;
	}
	if (target_running(ctx->s->target)) {
		free(o.threads);
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	n = trace_start(ctx->s, &o);
	if (n >= 0) {
		rec = rec_obj();
		rec_set_int(rec, "functions", n);
		if (o.count)
			rec_set_bool(rec, "count", true);
		if (o.out_path)
			rec_set_str(rec, "output", o.out_path);
		if (o.cond)
			rec_set_str(rec, "condition", o.cond);
		out_emit(ctx->s->out, ctx->name, rec, render_started);
	}
	free(o.threads);
	return n < 0 ? -1 : 0;
}

static void render_stopped(struct out *o, const struct rec *rec)
{
	out_printf(o, "Stopped tracing %" PRId64 " function%s.\n", rec_int(rec, "functions", 0),
		   rec_int(rec, "functions", 0) == 1 ? "" : "s");
}

static int cmd_trace_stop(struct cmd_ctx *ctx)
{
	int n = trace_stop(ctx->s, ctx->arg[0].set ? ctx->arg[0].s : NULL);
	struct rec *rec;

	if (n < 0)
		return -1;
	rec = rec_obj();
	rec_set_int(rec, "functions", n);
	out_emit(ctx->s->out, ctx->name, rec, render_stopped);
	return 0;
}

/* "N recorded call(s) or return(s)", into buf. */
static const char *records(int64_t n, char buf[64])
{
	const char *s = n == 1 ? "" : "s";

	snprintf(buf, 64, "%" PRId64 " recorded call%s or return%s", n, s, s);
	return buf;
}

static void render_table(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "functions");
	const struct rec *pending = rec_get(rec, "pending");
	char buf[64];

	if (rec_len(pending)) {
		out_printf(o, "Pending until the program starts:");
		for (size_t i = 0; i < rec_len(pending); i++)
			out_printf(o, " %s", rec_as_str(rec_at(pending, i)));
		out_printf(o, "\n");
	}
	if (!rec_len(arr)) {
		out_printf(o, "No traced calls yet.\n");
		return;
	}
	out_printf(o, "%-32s %10s %12s %12s %10s %10s\n", "Function", "Calls", "Total us",
		   "Self us", "Mean us", "Max us");
	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *f = rec_at(arr, i);
		bool timed = !rec_bool(f, "in_program");

		out_printf(o, "%-32s %10" PRId64 " %12s %12s %10s %10s\n", rec_str(f, "func"),
			   rec_int(f, "calls", 0), timed ? rec_str(f, "total_us") : "-",
			   timed ? rec_str(f, "self_us") : "-", timed ? rec_str(f, "mean_us") : "-",
			   timed ? rec_str(f, "max_us") : "-");
	}
	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *f = rec_at(arr, i);

		if (rec_has(f, "not_in_program"))
			out_printf(o, "%s is not counted in the program: %s\n", rec_str(f, "func"),
				   rec_str(f, "not_in_program"));
		if (rec_has(f, "not_recorded"))
			out_printf(o,
				   "%s is not recorded in the program (traps see its calls): %s\n",
				   rec_str(f, "func"), rec_str(f, "not_recorded"));
		if (rec_has(f, "not_traced"))
			out_printf(o,
				   "%s is not traced: its condition cannot be judged in the "
				   "program: %s\n",
				   rec_str(f, "func"), rec_str(f, "not_traced"));
		else if (rec_has(f, "condition_calls"))
			out_printf(o,
				   "%s is traced when %s: judged in the program at %" PRId64
				   " call%s\n",
				   rec_str(f, "func"), rec_str(f, "condition"),
				   rec_int(f, "condition_calls", 0),
				   rec_int(f, "condition_calls", 0) == 1 ? "" : "s");
	}
	if (rec_has(rec, "dropped"))
		out_printf(o,
			   "The program dropped %s: its ring was full between two of lurk's "
			   "reads.\n",
			   records(rec_int(rec, "dropped", 0), buf));
	if (rec_has(rec, "lost"))
		out_printf(o, "%s of threads lurk no longer knows were left out.\n",
			   records(rec_int(rec, "lost", 0), buf));
}

static int cmd_trace_info(struct cmd_ctx *ctx)
{
	const char *arg = ctx->arg[0].set ? ctx->arg[0].s : "";

	if (!strcmp(arg, "reset")) {
		trace_reset(ctx->s);
		return 0;
	}
	if (*arg) {
		err_set("unknown argument \"%s\" (info trace [reset])", arg);
		return -1;
	}
	out_emit(ctx->s->out, ctx->name, trace_table(ctx->s), render_table);
	return 0;
}

static void render_profile(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "functions");

	out_printf(o,
		   "profile: %" PRId64 " Hz, %s s, %" PRId64 " sample%s of %" PRId64
		   " stop%s, %s%% target time stopped\n",
		   rec_int(rec, "hz", 0), rec_str(rec, "seconds"), rec_int(rec, "samples", 0),
		   rec_int(rec, "samples", 0) == 1 ? "" : "s", rec_int(rec, "ticks", 0),
		   rec_int(rec, "ticks", 0) == 1 ? "" : "s", rec_str(rec, "stopped_percent"));
	if (!rec_len(arr))
		return;
	out_printf(o, "%7s %7s  %s\n", "self%", "total%", "function");
	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *f = rec_at(arr, i);

		out_printf(o, "%7s %7s  %s\n", rec_str(f, "self_percent"),
			   rec_str(f, "total_percent"), rec_str(f, "func"));
	}
	if (rec_has(rec, "output"))
		out_printf(o, "Folded stacks written to %s.\n", rec_str(rec, "output"));
}

/* The profile template's options and SECONDS, in ctx->arg[] order. */
enum { PROFILE_HZ, PROFILE_OUT, PROFILE_TOP, PROFILE_LOGICAL, PROFILE_ACTIVE, PROFILE_SECONDS };

static int cmd_trace_profile(struct cmd_ctx *ctx)
{
	const struct cmd_arg *a = ctx->arg;
	struct profile_opts o = {
		.seconds = 5,
		.hz = a[PROFILE_HZ].set ? (int)a[PROFILE_HZ].u : 99,
		.out_path = a[PROFILE_OUT].s,
		.top = a[PROFILE_TOP].set ? a[PROFILE_TOP].u : 20,
		.logical_only = a[PROFILE_LOGICAL].set,
		.active_only = a[PROFILE_ACTIVE].set,
	};
	struct rec *rec;
	struct stop st;
	int ret;

	if (a[PROFILE_SECONDS].set) {
		char *end;

		o.seconds = strtod(a[PROFILE_SECONDS].s, &end);
		if (*end || end == a[PROFILE_SECONDS].s || !(o.seconds > 0)) {
			err_set("\"%s\" is not a number of seconds", a[PROFILE_SECONDS].s);
			return -1;
		}
		if (o.seconds > PROFILE_MAX_SECONDS) {
			err_set("%s seconds is more than the limit of %d (a day)",
				a[PROFILE_SECONDS].s, PROFILE_MAX_SECONDS);
			return -1;
		}
	}
	ret = profile_run(ctx->s, &o, &rec, &st);
	if (st.ev.reason != STOP_NONE)
		cmd_show_stop(ctx->s, ctx->name, &st);
	if (ret == 0)
		out_emit(ctx->s->out, ctx->name, rec, render_profile);
	return ret;
}

static const struct cmd_entry profile_entry = {
	.name = "profile",
	.args = "--hz=N:uint(1-10000) -o=FILE:word --top=N:uint(1-10000) --logical --active "
		"[SECONDS:word]",
	.usage = "profile [SECONDS] [--hz N] [-o FILE] [--top N] [--logical] [--active]",
	.summary = "sample every thread's stack N times a second (99) for SECONDS (5): hottest "
		   "functions (Python's too), folded stacks",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_trace_profile,
};
static const struct cmd_entry trace_entry = {
	.name = "trace",
	.args = "-o=FILE:word --format=FORMAT:word --count --mode=MODE:word --[no-]args "
		"--depth=N:count --max=N:count --max-functions=N:count --threads=T,...:word "
		"[PATTERN:word...]",
	.usage = "trace [-o FILE [--format lines|chrome] | --count] [--mode agent|ptrace] "
		 "[--no-args] [--depth N] [--max N] [--max-functions N] [--threads T,...] "
		 "PATTERN...",
	.summary = "trace calls of the functions the globs match (LIB:GLOB for one library): "
		   "arguments, return values, time; before run, when the program starts",
	.flags = CMD_SYMBOLS | CMD_LIVE_ONLY,
	.handler = cmd_trace_start,
};
static const struct cmd_entry untrace_entry = {
	.name = "untrace",
	.args = "[PATTERN:word]",
	.usage = "untrace [PATTERN]",
	.summary = "stop tracing the functions PATTERN matches, or all",
	.handler = cmd_trace_stop,
};
const struct cmd_entry cmd_info_trace_entry = {
	.name = "trace",
	.args = "[WHAT:word]",
	.usage = "info trace [reset]",
	.summary = "per-function calls, total, self, mean and max time of the traced calls (reset: "
		   "zero them)",
	.handler = cmd_trace_info,
};

const struct cmd_entry *const cmd_group_trace[] = { &trace_entry, &untrace_entry, &profile_entry,
						    NULL };
