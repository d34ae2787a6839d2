/* session.h - one lurk session: its target, output, settings, selection and user commands */
#ifndef LURK_SESSION_H
#define LURK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct brk;
struct display;
struct out;
struct rec;
struct plugin_set;
struct session;
struct stop;
struct target;
struct tracer;

/* The user breakpoints, watchpoints and memory watchpoints (brk.c, watch.c, memwatch.c). */
struct brk_table {
	struct brk **v;
	size_t n, cap;
	int next_num;
};

/* What happens to the process: the modules that keep state about it subscribe. */
enum session_event {
	SESSION_STARTED,  /* launched or attached, stopped before it goes on */
	SESSION_EXEC,	  /* exec replaced the program it runs */
	SESSION_RELAUNCH, /* "run" killed it to start the same program again */
	SESSION_GONE,	  /* it exited, was killed or was detached from */
	SESSION_END,	  /* the session is being freed: let go of everything */
};

typedef void (*session_listener_fn)(struct session *s, enum session_event ev);

/*
 * What the layers below the commands have to tell the user while they work.
 * They never print: they hand the command layer, which installed s->tell,
 * a warning or an event record, and it shows them at once, in order.
 */
enum session_news_kind {
	NEWS_WARNING,	     /* msg: a warning about cmd ("break", "watch") that fails nothing */
	NEWS_BRK_PLACED,     /* rec: a breakpoint found locations in libraries loaded since */
	NEWS_WATCH_SCOPE,    /* rec: a local watchpoint's frame returned; it is deleted */
	NEWS_WATCH_UNMAPPED, /* rec: a software watchpoint's memory was unmapped; deleted */
	NEWS_WATCH_GONE,     /* rec: the process a watchpoint watched is gone; deleted */
	NEWS_WATCH_EXEC,     /* rec: exec replaced the program a watchpoint watched; deleted */
	NEWS_TRACE_CALL,     /* msg: a traced call's line; rec: the same for JSON output, or NULL */
	NEWS_TRACE_ENDED,    /* rec: tracing ended with the process or at its exec */
	NEWS_TRACE_STARTED,  /* rec: a remembered trace command started in a new process */
};

struct session_news {
	enum session_news_kind kind;
	const char *cmd;
	const char *msg;
	struct rec *rec; /* owned by the receiver */
};

typedef void (*session_tell_fn)(const struct session *s, struct session_news *n);

struct user_cmd {
	char *name;
	char **lines;
	size_t nlines;
	struct user_cmd *next;
};

struct lurk_breakpoint_kind;
struct lurk_plugin;

struct session {
	struct out *out;
	struct target *target;
	session_tell_fn tell; /* NULL: news is dropped */
	/*
	 * Run a command line as typed (the command layer's, installed by it):
	 * how a plugin's command runs a built-in one. NULL: there is none.
	 */
	int (*run_line)(struct session *s, const char *line);
	/* Report a stop as the command cmd met it (the command layer's). NULL: not reported. */
	void (*show_stop)(struct session *s, const char *cmd, const struct stop *st);
	/*
	 * Let the program run until done(arg) says so, deadline_ns passes,
	 * Ctrl-C, or a stop of its own (reported as command cmd's), then stop
	 * it again: runfor.c's run_until, installed by main() (a plugin's
	 * command waits for the program this way). Returns an enum run_end
	 * (runfor.h), or -1 with err set.
	 */
	int (*run_until)(struct session *s, const char *cmd, uint64_t deadline_ns,
			 bool (*done)(void *arg), void *arg);
	/*
	 * Make a plugin's breakpoint (brk.h's plugin_brk_add, installed by
	 * main(): the plugin layer sits below breakpoints). Its number, or -1
	 * with err set.
	 */
	int (*add_plugin_brk)(struct session *s, struct lurk_plugin *owner,
			      const struct lurk_breakpoint_kind *kind, const char *what,
			      const char *cond, uint64_t addr, uint64_t token, uint64_t guard);
	session_listener_fn *listeners;
	size_t nlisteners, listeners_cap;

	/* what run/start launch */
	char *prog;    /* resolved path, NULL until given */
	char *args;    /* argument string ("set args", "run ARGS") */
	char *sysroot; /* "set sysroot": where a core's mapped files are found, NULL for / */
	char **envp;   /* lurk's environment at start, for launched programs */

	/* where the user is looking */
	int cur_thread; /* lurk thread number */
	int cur_frame;
	/*
	 * frame N.M: the logical frame M an inspector shows in place of native
	 * frame N, selected while thread, frame and stop stay the same.
	 */
	struct {
		int thread, level, index;
		unsigned epoch;
		bool set;
	} cur_logical;

	/* the x command continues where it stopped */
	uint64_t x_next;
	char x_format;
	unsigned x_unit;
	unsigned x_count; /* x without an address or format shows as many again */

	/* mode and settings */
	bool batch;
	bool stop_on_error;
	bool allow_shell;
	bool disable_randomization;
	bool color;
	bool intel_syntax; /* disassembly-flavor intel */
	bool no_hw_watch;  /* can-use-hw-watchpoints 0: software watchpoints only */
	bool cond_on_host; /* breakpoint condition-evaluation host: lurk judges every condition */
	bool told_no_hw;   /* said once that debug registers do not fire here */
	bool json;
	bool confirm;	 /* kill and run ask first on a terminal */
	bool pagination; /* the pager on a terminal */
	int height;	 /* lines a page: 0 unlimited, -1 the terminal's rows */

	struct user_cmd *user_cmds;
	struct plugin_set *plugins; /* loaded plugins and what they registered (main() makes it) */
	struct tracer *tracer;	    /* call tracing, NULL until the first trace */
	bool raw_frames;	    /* bt -raw: frames as they are, no inspectors */
	bool frame_names_only;	    /* a profile samples: frames plugins see carry no
				       file:line (a line-table search per frame and sample) */
	int frame_args;		    /* enum frame_args_mode: print frame-arguments */
	struct brk_table brks;
	int last_brk;		 /* the breakpoint the last stop was at, 0 if none */
	bool last_brk_temporary; /* it was a tbreak (deleted by now): "Temporary breakpoint" */
	/* what the last watchpoint stop saw, for its report */
	char *watch_old, *watch_new;
	char *watch_note;   /* a software watchpoint's: what changed, and by which system call */
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
	/* tracing wants those stops too, in this process (brk_hear_libraries) */
	bool libraries_wanted;
	/* commands of the breakpoint that stopped the program, run after its report */
	char **brk_cmds;
	size_t nbrk_cmds;
	int depth;	    /* nesting of source / user commands */
	int failures;	    /* failed commands so far */
	bool target_failed; /* an attach/launch failed (exit status 3 in batch) */
	bool repeating;	    /* the command runs again because of an empty line */
	bool quit;	    /* leave after this command */
	int quit_status;
};

struct session *session_new(struct out *out, struct target *target);
/*
 * Announces SESSION_END to the listeners, then frees what the session itself
 * holds. Unload the plugins first (plugin_unload_all): they hold the session.
 */
void session_free(struct session *s);

/*
 * Listen to the process's lifecycle. STARTED, EXEC and RELAUNCH reach the
 * listeners in the order they subscribed, GONE and END in the reverse order,
 * as destructors run: what was set up on top is taken down first.
 */
void session_subscribe(struct session *s, session_listener_fn fn);
void session_announce(struct session *s, enum session_event ev);

/* Hand the command layer a warning, or an event record (taking it). */
void session_warn(struct session *s, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void session_tell(struct session *s, enum session_news_kind kind, struct rec *rec);
/* The same as the result of command cmd, with a line of text beside the record (NULL: none). */
void session_tell_as(struct session *s, enum session_news_kind kind, const char *cmd,
		     const char *text, struct rec *rec);

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
