/* session.h - one lurk session: its target, output, settings, selection and user commands */
#ifndef LURK_SESSION_H
#define LURK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "display.h"

struct out;
struct plugin_set;
struct target;
struct tracer;

struct user_cmd {
	char *name;
	char **lines;
	size_t nlines;
	struct user_cmd *next;
};

struct session {
	struct out *out;
	struct target *target;

	/* what run/start launch */
	char *prog;  /* resolved path, NULL until given */
	char *args;  /* argument string ("set args", "run ARGS") */
	char **envp; /* lurk's environment at start, for launched programs */

	/* where the user is looking */
	int cur_thread; /* lurk thread number */
	int cur_frame;

	/* the x command continues where it stopped */
	uint64_t x_next;
	char x_format;
	unsigned x_unit;

	/* mode and settings */
	bool batch;
	bool stop_on_error;
	bool allow_shell;
	bool disable_randomization;
	bool color;
	bool intel_syntax; /* disassembly-flavor intel */
	bool no_hw_watch;  /* can-use-hw-watchpoints 0: software watchpoints only */
	bool told_no_hw;   /* said once that debug registers do not fire here */
	bool json;

	struct user_cmd *user_cmds;
	struct plugin_set *plugins; /* loaded plugins and what they registered (main() makes it) */
	struct tracer *tracer;	    /* call tracing, NULL until the first trace */
	bool raw_frames;	    /* bt -raw: frames as they are, no inspectors */
	struct brk_table brks;
	int last_brk; /* the breakpoint the last stop was at, 0 if none */
	int print_count; /* the $N of print's results */
	/* what the last watchpoint stop saw, for its report */
	char *watch_old, *watch_new;
	char *watch_note; /* a software watchpoint's: what changed, and by which system call */
	int memwatch_fired; /* the memory watchpoint the sampler stopped the program for */
	/* display: shown at every stop */
	struct display *displays;
	size_t ndisplays, displays_cap;
	int display_next;
	/* where "list" goes on from */
	char *list_file;
	int list_next;
	/* the dynamic linker's _dl_debug_state: a trap there reports library loads */
	uint64_t solib_event_addr;
	/* commands of the breakpoint that stopped the program, run after its report */
	char **bp_cmds;
	size_t nbp_cmds;
	int depth;	    /* nesting of source / user commands */
	int failures;	    /* failed commands so far */
	bool target_failed; /* an attach/launch failed (exit status 3 in batch) */
	bool repeating;	    /* the command runs again because of an empty line */
	bool quit;	    /* leave after this command */
	int quit_status;
};

struct session *session_new(struct out *out, struct target *target);
/* Unload the plugins first (plugin_unload_all): they hold the session. */
void session_free(struct session *s);

/* Settings, shown by "show" and changed by "set". */
enum setting_kind { SET_BOOL, SET_STRING, SET_ENUM, SET_UINT };

struct setting {
	const char *name;
	enum setting_kind kind;
	const char *values; /* SET_ENUM: "human|json" */
	const char *doc;
};

const struct setting *session_settings(size_t *n);
/* Returns 0, or -1 with err set ("set: \"maybe\" is not on or off"). */
int session_set(struct session *s, const char *name, const char *value);
/* The current value as text (caller frees), or NULL with err set. */
char *session_show(struct session *s, const char *name);

struct user_cmd *session_user_cmd(struct session *s, const char *name);
/* Define or redefine; takes ownership of lines. */
void session_define(struct session *s, const char *name, char **lines, size_t nlines);

#endif
