/* brk.h - user breakpoints: locations, conditions, counts, commands; traps through the target */
#ifndef LURK_BRK_H
#define LURK_BRK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct expr;
struct session;
struct stop_event;

/* One address a breakpoint stops at (gdb's 1.1, 1.2 ...). */
struct brk_loc {
	uint64_t addr;
	bool enabled;
	bool inserted; /* its trap is in the process now */
	char *func;    /* NULL when no symbol covers it */
	char *file;    /* NULL without line information */
	int line;
	char *module; /* basename of the module */
};

enum brk_type {
	BRK_BREAKPOINT,
	BRK_WATCH,  /* stops when the watched bytes change */
	BRK_RWATCH, /* stops when they are read (x86: any access) */
	BRK_AWATCH, /* stops when they are read or written */
	BRK_MEMWATCH, /* stops when a memory metric of the process crosses a threshold */
};

enum mem_metric { METRIC_RSS, METRIC_VM, METRIC_HEAP, METRIC_PLUGIN };

struct value;

struct brk {
	int num;
	enum brk_type type;
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
	char op; /* '>' absolute, '+' growth */
	uint64_t msize, mbase, mfired;
	bool marmed; /* below the threshold since it last fired */
	bool precise; /* also checked at the end of every memory system call */
	uint64_t mlast, mlast_ns; /* the previous sample, for the growth rate */
	bool temporary; /* tbreak: deleted when it stops the program */
	bool enabled;
	char *spec; /* the LOC as given; resolved again for every new process */
	char *cond; /* NULL: stop every time */
	struct expr *cond_expr; /* cond parsed, for every hit */
	unsigned ignore; /* hits still to pass over */
	unsigned hits;
	char **cmds; /* run when it stops the program ("silent" first: no report) */
	size_t ncmds;
	struct brk_loc *locs;
	size_t nlocs;
};

struct brk_table {
	struct brk **v;
	size_t n, cap;
	int next_num;
};

void brk_table_free(struct brk_table *bt);

/*
 * Create a breakpoint at spec (FUNC, FILE:LINE, LINE, *ADDR, LIB:FUNC).
 * With a process, its locations are found and trapped now; a spec that
 * matches nothing loaded yet stays pending (no locations) and is tried again
 * when the program runs or loads libraries. Without a process it is pending
 * until run/start/attach. cond is parsed now (a bad one is refused).
 * Returns the breakpoint, or NULL with err set.
 */
struct brk *brk_create(struct session *s, const char *spec, bool temporary, const char *cond);
/*
 * A watchpoint on the object expr names (an lvalue in memory), in every
 * thread: in debug registers where they fire and the object fits the free
 * ones, else a software watchpoint (target_sw_add). Returns it, or NULL
 * with err set: not an lvalue, not mapped, too large, no process.
 */
struct brk *brk_create_watch(struct session *s, const char *expr, enum brk_type type,
			     const char *cond, bool location);
/*
 * A stop at the trap that ends a local watchpoint's scope: the watchpoint is
 * deleted (reported as gdb does) when the frame has returned; true when the
 * stop was that trap (*deleted: the program should stop and say so). A
 * software watchpoint whose memory the program unmapped ends the same way.
 */
bool brk_scope_stop(struct session *s, const struct stop_event *ev, bool *deleted);
/*
 * A memory-threshold watchpoint: text is "METRIC OP SIZE [precise]" (rss |
 * vm | heap, > | +, a size with K, M or G). Returns it, or NULL with err set.
 */
struct brk *brk_create_memwatch(struct session *s, const char *text);
struct brk *brk_find(struct session *s, int num);
/* "Hardware watchpoint", "Hardware read watchpoint" ...: how reports name b's kind. */
const char *brk_title(const struct brk *b);
/* A memory watchpoint's metric now, in bytes. Returns 0, or -1 with err set. */
int brk_memwatch_value(struct session *s, const struct brk *b, uint64_t *bytes);
/* Remove its traps and forget it. */
void brk_delete(struct session *s, struct brk *b);
/* Enable or disable a breakpoint (loc < 0) or one of its locations (loc is 0-based). */
int brk_set_enabled(struct session *s, struct brk *b, int loc, bool enabled);
/* Set or clear (NULL) the condition; a condition that does not parse is refused. */
int brk_set_condition(struct session *s, struct brk *b, const char *cond);

/*
 * A new process (launched, attached, exec'd): resolve every breakpoint
 * again and insert its traps. Libraries appeared: resolve the pending ones.
 * Messages about breakpoints that cannot be resolved go to the output.
 */
void brk_process_started(struct session *s);
void brk_libraries_changed(struct session *s);
/* The process is gone or left: no trap is inserted any more. */
void brk_process_gone(struct session *s);
/* exec replaced the program: its watchpoints watched memory that is gone. */
void brk_exec(struct session *s);

/* What a breakpoint trap means to the user. */
enum brk_verdict {
	BRK_NOT_OURS, /* no user breakpoint there (an internal trap) */
	BRK_PASS,     /* condition false or ignore count: resume without a word */
	BRK_STOP,     /* report it (b is the breakpoint) */
};

/*
 * Decide about a breakpoint stop at ev->addr in thread ev->thread: counts
 * the hit, evaluates the condition in that thread's innermost frame (a
 * condition that fails to evaluate stops, and says why), consumes an
 * ignore count. *b is the breakpoint that stops the program.
 */
/* Whether a user breakpoint or watchpoint has an inserted location at addr. */
bool brk_has_location(struct session *s, uint64_t addr);
enum brk_verdict brk_judge(struct session *s, const struct stop_event *ev, struct brk **b);

#endif
