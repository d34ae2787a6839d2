/* brk.h - user breakpoints: locations, conditions, counts, commands; traps through the target */
#ifndef LURK_BRK_H
#define LURK_BRK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

struct expr;
struct stop_event;

/* One address a breakpoint stops at (gdb's 1.1, 1.2 ...). */
struct brk_loc {
	uint64_t addr;
	bool enabled;
	bool inserted; /* its trap (or guard) is in the process now */
	int guard; /* the agent's guard judging the condition there (target_agent_guard), -1: a trap */
	bool guard_later; /* a trap until a stop where the guard can be made (none at exec) */
	char *func;	  /* NULL when no symbol covers it */
	char *file;	  /* NULL without line information */
	int line;
	char *module; /* basename of the module */
};

enum brk_type {
	BRK_BREAKPOINT,
	BRK_WATCH,    /* stops when the watched bytes change */
	BRK_RWATCH,   /* stops when they are read (x86: any access) */
	BRK_AWATCH,   /* stops when they are read or written */
	BRK_MEMWATCH, /* stops when a memory metric of the process crosses a threshold */
	/* catchpoints: stop at the entry and return of system calls, at signals received */
	BRK_CATCH_SYSCALL,
	BRK_CATCH_SIGNAL,
	/* a plugin's breakpoint (py break): the program's own code calls a trapped function */
	BRK_PLUGIN,
};

enum mem_metric { METRIC_RSS, METRIC_VM, METRIC_HEAP, METRIC_PLUGIN };

struct brk;
struct lurk_breakpoint_kind;
struct lurk_plugin;
struct rec;
struct session;
struct thread;
struct value;

/* What differs between kinds of breakpoint when they are switched on or off, or deleted. */
struct brk_ops {
	/* The whole (loc < 0) or one location changed: make the target match. 0, or -1 with err set. */
	int (*set_enabled)(struct session *s, struct brk *b, int loc, bool enabled);
	/* b is being deleted: take what it placed out of the target. */
	void (*disarm)(struct session *s, struct brk *b);
	/* A trap at one of b's locations: whether it is b's (NULL: always). */
	bool (*owns)(struct session *s, const struct brk *b, const struct stop_event *ev);
};

struct brk {
	int num;
	enum brk_type type;
	const struct brk_ops *ops;
	/* watchpoints: the watched object, the debug-register slots it takes, its value as last shown */
	struct value *watched;
	uint64_t waddr;
	unsigned wlen;
	unsigned slots; /* bit i: slot i */
	bool soft;	/* a software watchpoint (page protection or single-stepping) */
	/* a watchpoint on a frame's locals ends when that frame returns: a trap there */
	uint64_t scope_ret, scope_cfa;
	int scope_thread;
	char *wold;
	/* memory-threshold watchpoints: metric OP size; base is the value when set (for +) */
	enum mem_metric metric;
	char *metric_name; /* the metric's name: rss, vm, heap or a plugin's */
	char op;	   /* '>' absolute, '+' growth */
	uint64_t msize, mbase, mfired;
	bool marmed;		  /* below the threshold since it last fired */
	bool precise;		  /* also checked at the end of every memory system call */
	uint64_t mlast, mlast_ns; /* the previous sample, for the growth rate */
	uint64_t caught[16];	  /* catchpoints: bit n, the system call or signal numbered n */
	bool temporary;		  /* tbreak: deleted when it stops the program */
	bool disable_on_stop;	  /* enable once, enable count: disabled by its stops */
	unsigned enable_count;	  /* the stops left before that (gdb's enable count) */
	bool enabled;
	char *spec;	/* the LOC as given; resolved again for every new process */
	char *cond;	/* NULL: stop every time */
	char *host_why; /* why lurk, not the program, judges the condition (NULL: it does not) */
	struct expr *cond_expr; /* cond parsed, for every hit */
	unsigned ignore;	/* hits still to pass over */
	unsigned hits;
	char **cmds; /* run when it stops the program ("silent" first: no report) */
	size_t ncmds;
	/* BRK_PLUGIN: whose and what kind; the program calls locs[0] with token while guard is 1 */
	struct lurk_plugin *owner;
	const struct lurk_breakpoint_kind *kind;
	uint64_t token, guard;
	struct brk_loc *locs;
	size_t nlocs;
};

/*
 * Create a breakpoint at spec (see loc_resolve); LINE, +N and -N are made
 * FILE:LINE now (loc_pin), or when the program first runs.
 * With a process, its locations are found and trapped now; a spec that
 * matches nothing loaded yet stays pending (no locations) and is tried again
 * when the program runs or loads libraries. Without a process it is pending
 * until run/start/attach. cond is parsed now (a bad one is refused).
 * Returns the breakpoint, or NULL with err set.
 */
struct brk *brk_create(struct session *s, const char *spec, bool temporary, const char *cond);
/* The breakpoint numbered num (of any kind), or NULL with err set. */
struct brk *brk_find(const struct session *s, int num);
/* "Hardware watchpoint", "Hardware read watchpoint" ...: how reports name b's kind. */
const char *brk_title(const struct brk *b);
/* Remove its traps and forget it. */
void brk_delete(struct session *s, struct brk *b);
/* Enable or disable a breakpoint (loc < 0) or one of its locations (loc is 0-based). */
int brk_set_enabled(struct session *s, struct brk *b, int loc, bool enabled);
/*
 * b stopped the program and its report is out: its disposition applies
 * (tbreak and enable delete: deleted; enable once and enable count: disabled
 * on its last counted stop). b may be freed.
 */
void brk_stopped(struct session *s, struct brk *b);
/*
 * Set or clear (NULL) the condition; a condition that does not parse is
 * refused. Conditions are judged in the program where lurk's agent can
 * (agent-cond.h), else by lurk at each hit.
 */
int brk_set_condition(struct session *s, struct brk *b, const char *cond);
/* A stop where lurk's page can be mapped: conditions set before run get their guards now. */
void brk_late_guards(struct session *s);
/* "set breakpoint condition-evaluation" changed: every condition goes where it now belongs. */
void brk_conditions_moved(struct session *s);
/*
 * The calls b's condition was judged at in the program; *in_program:
 * whether it is judged there; *gave_way: a guard of it gave way to a trap
 * (another trap was wanted in its bytes); *trues: the calls it was true
 * at (lurk judges those again: a stop needs both).
 */
uint64_t brk_condition_calls(const struct session *s, const struct brk *b, bool *in_program,
			     bool *gave_way, uint64_t *trues);

/*
 * The session's lifecycle: a new process (launched, attached) has every
 * breakpoint resolved again and its traps inserted (messages about those
 * that cannot be go to the user as news); a process gone inserts no trap
 * any more; the session's end frees every kind of breakpoint.
 */
void brk_lifecycle(struct session *s, enum session_event ev);
/* Libraries appeared or went: resolve the pending breakpoints, forget unloaded locations. */
void brk_libraries_changed(struct session *s);
/*
 * Stops at the dynamic linker's library events in this process even
 * without breakpoints: tracing waits for the C library's threads there.
 */
void brk_hear_libraries(struct session *s);

/*
 * A plugin's breakpoint (brk-plugin.c; session's add_plugin_brk): the
 * program's code, put there by the plugin, calls addr with token as its
 * first argument to stop while the byte at guard is 1, which lurk keeps as
 * the breakpoint is enabled. what and cond are shown as its location and
 * condition. Its number, or -1 with err set.
 */
int plugin_brk_make(struct session *s, struct lurk_plugin *owner,
		    const struct lurk_breakpoint_kind *kind, const char *what, const char *cond,
		    uint64_t addr, uint64_t token, uint64_t guard);
/* How stop reports name b: its kind's title. */
const char *plugin_brk_title(const struct brk *b);
/* Where thread th stopped at plugin breakpoint b, as its plugin says, into rec ("where"). */
void plugin_brk_where(struct session *s, const struct brk *b, struct thread *th, struct rec *rec);
/* condition N [COND] on a plugin's breakpoint: its plugin changes it. 0, or -1 with err set. */
int plugin_brk_set_condition(struct session *s, struct brk *b, const char *cond);

/* For the other kinds (watch.c, memwatch.c): a new one goes into the table; one refused is freed. */
void brk_add(struct session *s, struct brk *b);
void brk_free(struct brk *b);
/* What a code breakpoint does when switched and deleted: its traps follow. */
int brk_set_enabled_traps(struct session *s, struct brk *b, int loc, bool enabled);
void brk_remove_traps(struct session *s, struct brk *b);
/* A condition that does not parse is refused: -1 with err set. */
int brk_check_condition(const char *cond);
/* Set b's condition (NULL: none), its text and its tree, parsed here once; checked before. */
void brk_take_condition(struct brk *b, const char *cond);
/* Evaluate b's condition in thread ev->thread's innermost frame: *stop. 0, or -1 with err set. */
int brk_condition_true(struct session *s, const struct brk *b, const struct stop_event *ev,
		       bool *stop);

/* What a breakpoint trap means to the user. */
enum brk_verdict {
	BRK_NOT_OURS, /* no user breakpoint there (an internal trap) */
	BRK_PASS,     /* condition false or ignore count: resume without a word */
	BRK_STOP,     /* report it (b is the breakpoint) */
};

/* Whether a user breakpoint or watchpoint has an inserted location at addr. */
bool brk_has_location(struct session *s, uint64_t addr);
/*
 * Decide about a breakpoint stop at ev->addr in thread ev->thread: counts
 * the hit, evaluates the condition in that thread's innermost frame (a
 * condition that fails to evaluate stops, and says why), consumes an
 * ignore count. *b is the breakpoint that stops the program.
 */
enum brk_verdict brk_judge(struct session *s, const struct stop_event *ev, struct brk **b);
/*
 * b's location or event is where ev stopped: its condition and its ignore
 * count have their say, the hit is counted, and the first breakpoint that
 * stops becomes *out (*verdict BRK_STOP); else *verdict is at least BRK_PASS.
 */
void brk_count_hit(struct session *s, struct brk *b, const struct stop_event *ev,
		   enum brk_verdict *verdict, struct brk **out);

#endif
