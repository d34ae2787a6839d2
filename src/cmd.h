/* cmd.h - command tables, lookup, argument templates, preconditions and dispatch */
#ifndef LURK_CMD_H
#define LURK_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script.h"

struct display;
struct session;
struct stop;
struct stop_event;
struct target;

#define CMD_MAX_ARGS 12

/* A handler returns 0, -1 (the message is in err), or this when it printed its own errors. */
#define CMD_FAILED_REPORTED (-2)

/* Preconditions the dispatcher checks before a handler runs. */
enum cmd_flags {
	CMD_NEED_PROCESS = 1 << 0, /* a live process, attached or launched */
	CMD_NEED_STOPPED = 1 << 1, /* ...that is stopped (not running in the background) */
	CMD_REPEAT = 1 << 2,	   /* an empty line at the prompt runs it again */
	CMD_FMT = 1 << 3,	   /* takes /FMT right after its name: x/4xg */
	CMD_SYMBOLS = 1 << 4,	   /* its argument completes to symbol names */
	CMD_NO_JSON_ECHO = 1 << 5,
	CMD_CORE_OK = 1 << 6,	/* only reads: needs a process, or a core file does */
	CMD_LIVE_ONLY = 1 << 7, /* starts, traps or runs: refused on a core file */
};

struct cmd_arg {
	bool set;
	const char *s;	/* the text as given (for rest: the remainder of the line, trimmed) */
	uint64_t u;	/* for uint and count; a flag: 1, or 0 for its --no- form */
	int64_t i;	/* for int */
	const char **v; /* for a list: its words, NULL-terminated */
	size_t n;	/* ...and how many */
};

struct cmd_entry;

struct cmd_ctx {
	struct session *s;
	const struct cmd_entry *entry;
	const char *name; /* full command name for messages: "info symbol" */
	const char *fmt;  /* text after '/', or NULL */
	const char *raw;  /* the whole argument text */
	struct cmd_arg arg[CMD_MAX_ARGS];
	unsigned kw;   /* bit i: the i-th {keyword} of the template was given */
	bool repeated; /* run again by an empty line */
	struct line_source *src;
	char **kept; /* strings the parsed arguments point into */
	size_t nkept;
};

/*
 * A command is data (tmux's habit): the dispatcher parses argv against
 * args, checks flags, and the handler only sees parsed values. help and
 * completion read the same tables, so they cannot drift.
 *
 * Argument template, space-separated items:
 *   NAME:kind      a required positional argument
 *   [NAME:kind]    an optional one (only at the end, or before other optional ones)
 *   NAME:word...   a list: the remaining positional words (last; [ ] when it may be empty)
 *   {a|b|c}        keywords that may appear anywhere among the words; ctx->kw bit i
 *   -o=NAME:kind   an option with a value ("-o FILE"), anywhere before a rest
 *   -l|-location   an option without a value, in any of its spellings
 *   --[no-]args    one that --no-args turns off again (u is 1 or 0, the last one wins)
 * kinds: uint, int, word (one token), rest (the remainder of the line, raw),
 * count (a uint up to 100000000), uint(LO-HI) (a uint in that range).
 * Positional arguments and options fill ctx->arg[0..] in template order;
 * an option given twice keeps the last value. A word that starts with '-'
 * and is none of the options is an error ("unknown option -x (-o FILE,
 * ...)"), unless it starts a rest argument: "watch -l -x" watches -x.
 * Where a template has options or a list its words are split as a shell
 * would (quotes, backslashes, see split_args), so that a value can hold
 * spaces; elsewhere they are split at white space, and a rest is raw text.
 */
struct cmd_entry {
	const char *name;
	const char *aliases; /* space-separated exact aliases ("bt where"), or NULL */
	const char *args;    /* template, or NULL for none */
	const char *usage;   /* "backtrace [COUNT] [all]" */
	const char *summary; /* one line, for help */
	unsigned flags;
	const struct cmd_entry *const *sub; /* NULL-terminated subcommands, or NULL */
	int (*handler)(struct cmd_ctx *ctx);
};

/* A group's commands, NULL-terminated; one file per group defines one. */
extern const struct cmd_entry *const cmd_group_run[];
extern const struct cmd_entry *const cmd_group_exec[];
extern const struct cmd_entry *const cmd_group_break[];
extern const struct cmd_entry *const cmd_group_catch[];
extern const struct cmd_entry *const cmd_group_stack[];
extern const struct cmd_entry *const cmd_group_data[];
extern const struct cmd_entry *const cmd_group_value[];
extern const struct cmd_entry *const cmd_group_locks[];
extern const struct cmd_entry *const cmd_group_trace[];
extern const struct cmd_entry *const cmd_group_plugin[];
extern const struct cmd_entry *const cmd_group_disas[];
extern const struct cmd_entry *const cmd_group_info[];
extern const struct cmd_entry *const cmd_group_core[];
extern const struct cmd_entry *const cmd_group_session[];

struct cmd_group {
	const char *name;
	const char *summary;
	const struct cmd_entry *const *cmds;
};

/* The groups in help order. */
extern const struct cmd_group cmd_groups[];
extern const size_t cmd_ngroups;

/*
 * Run one line. Comments (#...) and blank lines do nothing. Returns 0, or
 * -1 when the command failed (its error already printed).
 */
int cmd_execute(struct session *s, const char *line, struct line_source *src);
/* Whether an empty line after this one runs it again (CMD_REPEAT). */
bool cmd_repeatable(const char *line);
/* Run every line of src; returns the number of failed commands. */
int cmd_execute_source(struct session *s, struct line_source *src);

/*
 * Stops, as the commands that resume the program show them: the stop's
 * report, then the displays (neither for a "silent" breakpoint; no displays
 * for a process gone). The breakpoint's commands run once the command that
 * resumed the program has finished (cmd_execute).
 */
void cmd_show_stop(struct session *s, const char *cmd, const struct stop *st);
/* Apply a judged stop (stop_apply) and show it. */
void cmd_report_stop(struct session *s, const char *cmd, const struct stop_event *ev, int brk);
/* Judge a stop; unless it is a breakpoint pass (true: resume again), apply and show it. */
bool cmd_handle_stop(struct session *s, const char *cmd, const struct stop_event *ev);
/* Resume with resume() up to a stop the user should see, and show it. 0, or -1 with err set. */
int cmd_resume(struct session *s, const char *cmd,
	       int (*resume)(struct target *t, struct stop_event *ev));
/* Every display, when the program is stopped. */
void cmd_show_displays(struct session *s);
/* One display now: its value, or for an x-style one its header and what x shows. */
void cmd_show_display(struct session *s, const struct display *d);
/* x/FMT EXPR as the x command runs it (for x-style displays). 0, or -1 with err set. */
int cmd_data_examine(struct session *s, const char *fmt, const char *expr);

/*
 * Find name in a NULL-terminated table: exact name, exact alias, then a
 * unique prefix. Returns the entry, or NULL with err set ("ambiguous
 * command \"de\": define, delete, detach" / "unknown command \"foo\" (did
 * you mean \"for\"?)").
 */
const struct cmd_entry *cmd_lookup(const struct cmd_entry *const *table, const char *name,
				   const char *what);

/* The built-in command whose name or alias is exactly name, or NULL. */
const struct cmd_entry *cmd_find_exact(const char *name);

/*
 * Parse raw against entry's template into ctx. Returns 0, or -1 with err
 * set. Either way, release the strings with cmd_ctx_release().
 */
int cmd_parse_args(const struct cmd_entry *e, const char *raw, struct cmd_ctx *ctx);
void cmd_ctx_release(struct cmd_ctx *ctx);

/* Completion candidates for the line so far; fn is called once per candidate. */
void cmd_complete(struct session *s, const char *line, void (*fn)(const char *cand, void *arg),
		  void *arg);

/*
 * Read the lines of a block body (define, commands) from ctx's line source
 * up to its "end", nested blocks included. what names the block in
 * messages. Returns 0 with the trimmed lines (the caller's), or -1.
 */
int cmd_read_body(struct cmd_ctx *ctx, const char *what, char ***lines, size_t *n);

/* The top-level table as one NULL-terminated list (all groups). */
const struct cmd_entry *const *cmd_all(void);

#endif
