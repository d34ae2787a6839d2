/* trace.h - call tracing: entry and return traps, shadow stacks, per-function statistics */
#ifndef LURK_TRACE_H
#define LURK_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

struct rec;

/* What -o FILE holds: trace lines, or Chrome's trace-event JSON (Perfetto, chrome://tracing). */
enum trace_format { TRACE_LINES, TRACE_CHROME };

/*
 * How calls are seen: --count in the program itself where a function can
 * be patched (the agent, target_agent_count), else with traps; --mode
 * ptrace: always traps; --mode agent: the agent or nothing for --count,
 * and without --count the program records calls and returns itself
 * (target_agent_record), with traps for a function it cannot.
 */
enum trace_mode { TRACE_MODE_AUTO, TRACE_MODE_PTRACE, TRACE_MODE_AGENT };

struct trace_opts {
	const char *const *patterns; /* globs, LIB:GLOB */
	size_t npatterns;
	const char *out_path; /* -o FILE, or NULL for the session's output */
	enum trace_format format;
	bool count; /* --count: no lines, only info trace's table */
	enum trace_mode mode;
	bool args;	      /* show arguments (default) */
	int depth;	      /* print only calls this deep (0: all) */
	uint64_t max_events;  /* stop tracing after this many calls (0: no limit) */
	size_t max_functions; /* refuse patterns matching more (default 1000) */
	int *threads;	      /* lurk thread numbers to trace, or NULL for all */
	size_t nthreads;
	const char *cond; /* trace ... if COND: only calls where COND holds at the entry */
};

/*
 * Start tracing the functions the patterns match: a trap at each entry,
 * and at the return address of each call in flight. Returns the number of
 * functions now traced, or -1 with err set (nothing matched, too many,
 * -o cannot be opened). The command is remembered, like a breakpoint: it
 * starts again in every new process (run, start, attach) until untraced.
 */
int trace_start(struct session *s, const struct trace_opts *o);
/* Without a process: remember the command only; it starts with the next process. */
void trace_defer(struct session *s, const struct trace_opts *o);

/*
 * Stop tracing the functions matching pattern (all when NULL): traps
 * removed, patched functions given their bytes back, and the remembered
 * patterns it names forgotten. Returns how many functions, or -1 with err
 * set when a patched function cannot be restored (the program runs).
 */
int trace_stop(struct session *s, const char *pattern);

/* Whether any function is being traced. */
bool trace_active(struct session *s);

/* Whether a trap at addr is tracing's (a stop there that no breakpoint wants passes). */
bool trace_owns(struct session *s, uint64_t addr);
/* A stop where lurk's page can be mapped: conditions given before run get their guards now. */
void trace_late_guards(struct session *s);
/*
 * At a stop (every thread stopped): functions traced with traps because
 * the program had not set up its threads yet are recorded by the program
 * from now on, once it has.
 */
void trace_late_records(struct session *s);
/* At a stop: the calls the program recorded itself (trace --mode agent) are shown now. */
void trace_drain(struct session *s);

/*
 * The per-function table for info trace: calls, total, self, mean, max
 * (microseconds), sorted by total time. Returns the record (caller's).
 */
struct rec *trace_table(struct session *s);
void trace_reset(struct session *s);

/*
 * A new process: the remembered trace commands start in it, and trace
 * lines count time from its start.
 * The process is gone (exit, kill, detach, killed to run again) or exec
 * replaced its program: every trap went with the old image, the user is
 * told tracing ended, and what it collected stays for info trace.
 */
void trace_lifecycle(struct session *s, enum session_event ev);

/* Free everything tracing holds. */
void trace_free(struct session *s);

#endif
