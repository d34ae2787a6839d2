/*
 * lurk/plugin.h - the one header a lurk plugin is built against.
 *
 * A plugin is a shared object that exports two things:
 *
 *   const struct lurk_plugin_info lurk_plugin_info = {
 *       .abi_major = LURK_ABI_MAJOR, .abi_minor = LURK_ABI_MINOR,
 *       .name = "name", .version = "1.0", .summary = "what it does",
 *       .size = sizeof(struct lurk_plugin_info) };
 *   int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self);
 *
 * and optionally void lurk_plugin_fini(struct lurk_plugin *self). lurk reads
 * lurk_plugin_info before it calls any plugin function and refuses a plugin
 * built for another major version, or for a newer minor one than lurk
 * knows. (The dynamic loader runs ELF constructors when it opens the file,
 * before that check: a plugin should have none.)
 * lurk_plugin_init registers commands, inspectors and memory metrics
 * through api and returns 0, or a negative number after api->error() to
 * refuse to load. Registration works from lurk_plugin_init only.
 *
 * Rules every callback lives by:
 *  - Everything lurk passes to a callback is borrowed for that call. Target
 *    data (memory, registers, frames) is valid while the target stays
 *    stopped; never keep it across a callback unless api->generation
 *    (ABI 1.2) says it is still valid.
 *  - Callbacks return 0 on success or a negative number on failure, with
 *    the reason given to api->error(). API functions that can fail do the
 *    same and leave their reason for api->last_error().
 *  - Plugins never call ptrace and never see lurk's own structures: the
 *    session is the opaque struct lurk_plugin handle passed to every call.
 *  - A callback that crashes (SIGSEGV, SIGBUS) is caught where possible;
 *    the plugin is then disabled for the session, which goes on.
 *
 * Compatibility, the rule every change to this header keeps: within a
 * major version, struct lurk_api and every structure here only grow, by
 * members appended at the end; none is ever reordered, removed or changed.
 * Each member or structure added after 1.0 says which ABI version added it
 * ("ABI 1.1"), as sqlite3ext.h does. So:
 *  - A plugin built against an older minor keeps working: lurk reads its
 *    abi_minor (and, from 1.2, lurk_plugin_info's size) and the size each
 *    descriptor starts with, and never reads a member the plugin's struct
 *    lacks; members the plugin did not know are zero to lurk.
 *  - lurk refuses a plugin built for a newer minor than its own, so a
 *    plugin may use whatever its LURK_ABI_MINOR has. One that declares an
 *    older abi_minor, to load into older lurks too, checks before using a
 *    newer member: api->abi_minor >= N for a member of ABI 1.N (or
 *    api->size > offsetof(struct lurk_api, member)).
 */
#ifndef LURK_PLUGIN_H
#define LURK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LURK_ABI_MAJOR 1
#define LURK_ABI_MINOR 5

/* What the plugin is, read before its code runs. Export it as lurk_plugin_info. */
struct lurk_plugin_info {
	unsigned abi_major; /* LURK_ABI_MAJOR the plugin was built with */
	unsigned abi_minor; /* LURK_ABI_MINOR the plugin was built with */
	const char *name;   /* short, unique: "wrappers" */
	const char *version;
	const char *summary; /* one line for plugin list */
	/*
	 * ABI 1.2: sizeof(struct lurk_plugin_info), how lurk tells which
	 * members a plugin built for a later minor has. 0 (left out) means
	 * the members above only.
	 */
	size_t size;
};

/* The loaded plugin: opaque, passed back to every API function. */
struct lurk_plugin;

/* One native frame of a thread's stack, innermost is level 0. */
struct lurk_frame {
	size_t size; /* sizeof(struct lurk_frame) as lurk knows it */
	int thread;  /* lurk's thread number */
	int level;
	uint64_t pc;	      /* frame 0: where the thread is; callers: the return address */
	uint64_t sp;	      /* the frame's stack pointer, 0 when unknown */
	const char *function; /* symbol name, or NULL */
	uint64_t offset;      /* pc's offset into function */
	const char *module;   /* path of the module holding pc, or NULL */
	const char *file;     /* source file from DWARF, or NULL */
	int line;	      /* 0 when unknown */
};

/* A frame an inspector shows in place of a native one (an interpreter's frame). */
struct lurk_logical_frame {
	size_t size; /* sizeof(struct lurk_logical_frame) */
	const char *function;
	const char *file; /* or NULL */
	int line;	  /* 0 when unknown */
	const char *kind; /* a short tag shown with the frame: "python"; or NULL */
	const char *note; /* extra text: "[holds the GIL]"; or NULL */
	/*
	 * ABI 1.3. A command that shows this frame's local variables ("py
	 * locals 2"): info locals runs it while the frame is selected (frame
	 * N.M). NULL: the frame's locals cannot be shown.
	 */
	const char *locals;
};

/* What a frame is called and what to add after it (describe). lurk fills size. */
struct lurk_frame_desc {
	size_t size;	/* sizeof(struct lurk_frame_desc) as lurk knows it */
	char name[256]; /* empty: keep the native name */
	char note[256]; /* empty: none; shown as "name [note]" */
};

/* A traced call of a function an inspector claims (see describe_call). ABI 1.1. */
struct lurk_call {
	size_t size;	      /* sizeof(struct lurk_call) as lurk knows it */
	int thread;	      /* lurk's thread number; stopped during the call */
	const char *function; /* the traced function's symbol */
	const char *module;   /* path of its module */
	uint64_t pc;	      /* the function's first instruction */
	uint64_t sp;	      /* the stack pointer at entry: the return address is at sp */
	int returning;	      /* 0: the call starts; 1: it returns */
	uint64_t value;	      /* returning: the integer return register (rax) */
};

/* A command a plugin adds: "wrappers list", used as "NAME ARGS". */
struct lurk_command {
	size_t size;	     /* sizeof(struct lurk_command) */
	const char *name;    /* one word, not a built-in command */
	const char *usage;   /* "wrappers [list]" */
	const char *summary; /* one line for help */
	/* args: the rest of the line after the name, trimmed (never NULL). */
	int (*run)(struct lurk_plugin *self, void *userdata, const char *args);
	/* Completion: call add(arg, candidate) for each word that can follow prefix. */
	void (*complete)(struct lurk_plugin *self, void *userdata, const char *prefix,
			 void (*add)(void *arg, const char *candidate), void *arg);
	void *userdata;
	/*
	 * The words that may follow the name as a subcommand ("bt", "threads"),
	 * NULL-terminated, or NULL: the records and the JSON error a
	 * subcommand prints say it, "cmd": "py bt". ABI 1.3.
	 */
	const char *const *subcommands;
};

/* Inspector results besides 0 / negative errors. */
#define LURK_DECLINE 1 /* this frame is not one the inspector handles after all */

/*
 * An inspector claims functions and changes how their frames are shown.
 * It claims a frame when its function matches one of functions (exact
 * names or globs: "invoke_*") or when match returns nonzero. Every hook is
 * optional. When several inspectors claim a frame, the one loaded first
 * answers first; a hook returning LURK_DECLINE passes to the next.
 */
struct lurk_inspector {
	size_t size;		      /* sizeof(struct lurk_inspector) */
	const char *name;	      /* shown in plugin list */
	const char *const *functions; /* NULL-terminated, or NULL */
	int (*match)(struct lurk_plugin *self, void *userdata, const char *module,
		     const char *function);
	/* Rename or annotate the frame: fill desc, return 0 (or LURK_DECLINE). */
	int (*describe)(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame,
			struct lurk_frame_desc *desc);
	/*
	 * Show logical frames in place of this native one, innermost first:
	 * call emit(arg, &logical) for each. Return 0 (or LURK_DECLINE).
	 */
	int (*expand)(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame,
		      void (*emit)(void *arg, const struct lurk_logical_frame *logical), void *arg);
	/* Return 1 to hide this frame (plumbing) from bt; bt -raw shows it anyway. */
	int (*elide)(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame);
	/*
	 * break LOCATION found nothing: give the code addresses LOCATION stands
	 * for by calling add(arg, address) for each; return 0, or LURK_DECLINE.
	 * An address that is a function's first instruction becomes the end of
	 * its prologue, as for break FUNC. Called when the breakpoint is set
	 * and when libraries load, not at every stop.
	 */
	int (*resolve)(struct lurk_plugin *self, void *userdata, const char *location,
		       void (*add)(void *arg, uint64_t address), void *arg);
	void *userdata;
	/*
	 * ABI 1.1. trace: describe a call of a claimed function. When it starts
	 * (returning 0), desc->name replaces the function's name for this call
	 * (its return line too) and desc->note replaces the arguments; when it
	 * returns (returning 1), desc->note replaces the value. Registers
	 * (read_register of call->thread) and memory are those of that moment.
	 * Return 0, or LURK_DECLINE to leave the call as lurk shows it.
	 */
	int (*describe_call)(struct lurk_plugin *self, void *userdata, const struct lurk_call *call,
			     struct lurk_frame_desc *desc);
	/*
	 * ABI 1.4. A profile samples without holding the program: with every
	 * thread stopped, lurk copies each thread's registers and the top of
	 * its stack, lets the threads run on, and only then unwinds and calls
	 * the hooks above, on that copy (frames, registers, and reads of the
	 * copied memory; other memory is read as it is by then). Call
	 * add(arg, address, length) for the memory the hooks read that
	 * changes as the program runs (an interpreter's frame stack), a few
	 * MiB at most in all: it is copied with the rest. Called once a
	 * sample, every thread stopped; return 0, or a negative error (the
	 * sample is then taken from whatever was added).
	 */
	int (*sample_memory)(struct lurk_plugin *self, void *userdata,
			     void (*add)(void *arg, uint64_t address, uint64_t length), void *arg);
};

/* A memory metric for memwatch: "memwatch NAME > 100M". */
struct lurk_metric {
	size_t size;	     /* sizeof(struct lurk_metric) */
	const char *name;    /* one word: "py-alloc" */
	const char *summary; /* one line */
	/*
	 * The metric now, in bytes. Called while the target is stopped and, by
	 * memwatch's sampler, while it runs: read_memory and read_string work
	 * then too (a running program's data may be mid-update; keep reads few).
	 */
	int (*read)(struct lurk_plugin *self, void *userdata, uint64_t *bytes);
	void *userdata;
};

/*
 * A thread waiting on a lock that only a plugin understands (an
 * interpreter's lock object). info locks and deadlock join these with the
 * native waits lurk finds, so a cycle through both kinds is found. ABI 1.1.
 */
struct lurk_lock_wait {
	size_t size;		     /* sizeof(struct lurk_lock_wait) as the plugin knows it */
	int thread;		     /* lurk's number of the waiting thread */
	uint64_t lock;		     /* an address that identifies the lock (its object) */
	const char *lock_name;	     /* "lock_a", "self.lock"; or NULL */
	const char *kind;	     /* "threading.Lock" */
	int owner;		     /* lurk's number of the thread holding it, 0 when unknown */
	const char *owner_note;	     /* how the owner is known, or why not; or NULL */
	uint64_t futex;		     /* the word the thread sleeps on, 0 when unknown: lurk's own
				  record of that wait (a semaphore) gives way to this one */
	const char *function, *file; /* where it waits, in the program's language; or NULL */
	int line;
};

/* A plugin's lock waits: waits() calls add(arg, &wait) for each. ABI 1.1. */
struct lurk_lock_source {
	size_t size; /* sizeof(struct lurk_lock_source) */
	const char *name;
	int (*waits)(struct lurk_plugin *self, void *userdata,
		     void (*add)(void *arg, const struct lurk_lock_wait *wait), void *arg);
	void *userdata;
};

/*
 * The program's own names of its threads ("worker-1", Python's threading
 * names), which lurk shows in place of the kernel's (the comm, often just
 * the program's name) wherever it names a thread: info threads, bt, stop
 * reports, info locks and deadlock. ABI 1.3.
 */
struct lurk_thread_namer {
	size_t size; /* sizeof(struct lurk_thread_namer) */
	const char *name;
	/*
	 * Call add(arg, thread, name) for each thread (lurk's number) the
	 * plugin knows a name for; the target is stopped. lurk asks once per
	 * stop; a thread the plugin does not name keeps the kernel's name.
	 */
	int (*names)(struct lurk_plugin *self, void *userdata,
		     void (*add)(void *arg, int thread, const char *name), void *arg);
	void *userdata;
};

/*
 * What api->generation() counts. ABI 1.2.
 * LURK_GEN_MODULES changes with the process image: another process, an
 * exec, a library loaded or unloaded. Symbol addresses, module ranges,
 * types and what is constant in the program's files (a version number in
 * .rodata) stay valid while it stays the same.
 * LURK_GEN_STOP changes whenever LURK_GEN_MODULES does and whenever the
 * target resumes: memory, registers and frames read at one stop stay valid
 * while it stays the same. While the target runs it changes at every call
 * (memwatch metrics read afresh); during a profile's sample it holds while
 * the sample's copy is read (sample_memory).
 */
#define LURK_GEN_MODULES 1
#define LURK_GEN_STOP	 2

/* A record printed through the session's output: text for people, JSON with --json. */
struct lurk_record;

/*
 * A kind of breakpoint a plugin implements, with code it put in the
 * program (py break: a Python callback) that judges each event and, when
 * the program should stop, calls a function lurk keeps a trap on (see
 * api->add_breakpoint). lurk numbers, lists, counts, enables, ignores and
 * deletes these breakpoints as its own; the plugin says where the program
 * stopped. ABI 1.5.
 */
struct lurk_breakpoint_kind {
	size_t size;	    /* sizeof(struct lurk_breakpoint_kind) */
	const char *title;  /* how a stop report names it: "Python breakpoint" */
	const char *type;   /* info breakpoints' Type column: "py breakpoint" */
	const char *create; /* the command that makes one, for save breakpoints: "py break" */
	/*
	 * Thread (lurk's number) stopped at one of these breakpoints, token
	 * its token, value the second argument the program's code passed:
	 * fill where (function, file, line; note: a line of news, such as a
	 * condition that failed to evaluate) for the report. 0, or negative
	 * (lurk then shows the native frame).
	 */
	int (*where)(struct lurk_plugin *self, void *userdata, int thread, uint64_t token,
		     uint64_t value, struct lurk_logical_frame *where);
	/*
	 * condition N [COND] on one of these: the program's code judges
	 * conditions, so the plugin changes them (cond NULL: none). It may
	 * change the program as its own commands may. 0, or negative.
	 */
	int (*set_condition)(struct lurk_plugin *self, void *userdata, uint64_t token,
			     const char *cond);
	void *userdata;
};

struct lurk_api {
	unsigned abi_major; /* lurk's LURK_ABI_MAJOR */
	unsigned abi_minor; /* lurk's LURK_ABI_MINOR */
	size_t size;	    /* sizeof(struct lurk_api) as lurk knows it */

	/* --- errors ---------------------------------------------------- */
	/* Say why the current callback fails (printf format). */
	void (*error)(struct lurk_plugin *self, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	/*
	 * Why the last API function failed. The text stays until the next API
	 * call; passing it to error() is fine.
	 */
	const char *(*last_error)(struct lurk_plugin *self);

	/* --- memory and registers (the target must be stopped) ---------- */
	/* Read len bytes at addr (breakpoints never show). 0, or -1 unless all were read. */
	int (*read_memory)(struct lurk_plugin *self, uint64_t addr, void *buf, size_t len);
	/*
	 * A NUL-terminated string at addr into buf (cut to len - 1). 0, also
	 * when unreadable memory ends it early (buf has what was read); -1
	 * when nothing at addr can be read.
	 */
	int (*read_string)(struct lurk_plugin *self, uint64_t addr, char *buf, size_t len);
	/* Register reg ("rip", "rdi", "fs_base", ...) of frame 0 of thread. 0 or -1. */
	int (*read_register)(struct lurk_plugin *self, int thread, const char *reg,
			     uint64_t *value);

	/* --- symbols, modules, types ----------------------------------- */
	/*
	 * Address (and size, may be NULL) of the function or variable symbol
	 * name, in module (a path suffix, or NULL for any). 0, or -1 when none.
	 */
	int (*symbol_lookup)(struct lurk_plugin *self, const char *name, const char *module,
			     uint64_t *address, uint64_t *size);
	/* The symbol containing address: its name into buf and the offset. 0 or -1. */
	int (*symbol_at)(struct lurk_plugin *self, uint64_t address, char *buf, size_t len,
			 uint64_t *offset);
	/* Call fn for each loaded module; fn returns nonzero to stop. 0, or -1 (no process). */
	int (*modules)(struct lurk_plugin *self,
		       int (*fn)(void *arg, const char *path, uint64_t low, uint64_t high),
		       void *arg);
	/* sizeof a type from DWARF: "struct closure", "long". 0 or -1 (no debug info). */
	int (*type_size)(struct lurk_plugin *self, const char *type, uint64_t *size);
	/* Offset and size of member (a.b allowed) of type, from DWARF. 0 or -1. */
	int (*member_offset)(struct lurk_plugin *self, const char *type, const char *member,
			     uint64_t *offset, uint64_t *size);

	/* --- threads and frames ---------------------------------------- */
	/* Call fn for each thread; fn returns nonzero to stop. 0, or -1 (no process). */
	int (*threads)(struct lurk_plugin *self,
		       int (*fn)(void *arg, int thread, int tid, const char *name), void *arg);
	/*
	 * Call fn for each native frame of thread, innermost first (as bt -raw
	 * shows them); fn returns nonzero to stop. 0, or -1 (no such thread,
	 * the process is running).
	 */
	int (*frames)(struct lurk_plugin *self, int thread,
		      int (*fn)(void *arg, const struct lurk_frame *frame), void *arg);
	/*
	 * Evaluate a C expression (a variable, arg->member, ...) in frame level of
	 * thread, as the print command would, to a number (pointers too). 0 or -1.
	 */
	int (*frame_value)(struct lurk_plugin *self, int thread, int level, const char *expr,
			   uint64_t *value);

	/* --- output ------------------------------------------------------ */
	/*
	 * Text for people, one or more lines (a final newline is added when
	 * missing); with --json it becomes {"cmd": ..., "text": ...}.
	 */
	void (*print)(struct lurk_plugin *self, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	/* A record: fields for JSON, text for people. Emit or free it exactly once. */
	struct lurk_record *(*record_new)(struct lurk_plugin *self);
	void (*record_str)(struct lurk_record *r, const char *key, const char *value);
	void (*record_int)(struct lurk_record *r, const char *key, int64_t value);
	/*
	 * Print it: with --json the fields as one object, else the text (a
	 * printf format; a final newline is added when missing). Frees r.
	 */
	void (*record_emit)(struct lurk_plugin *self, struct lurk_record *r, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

	/* --- registration (from lurk_plugin_init only) ------------------- */
	int (*register_command)(struct lurk_plugin *self, const struct lurk_command *cmd);
	int (*register_inspector)(struct lurk_plugin *self, const struct lurk_inspector *insp);
	int (*register_metric)(struct lurk_plugin *self, const struct lurk_metric *metric);

	/* --- output, continued ------------------------------------------- */
	/* Drop a record without printing it (an error path). */
	void (*record_free)(struct lurk_record *r);
	/* 1 when the session prints JSON (--json, set output json), else 0. */
	int (*output_is_json)(struct lurk_plugin *self);

	/* --- ABI 1.1 ------------------------------------------------------ */
	/* The thread commands act on (thread N selects it), or -1 when there is no process. */
	int (*selected_thread)(struct lurk_plugin *self);
	/* Lock waits for info locks and deadlock (from lurk_plugin_init only). */
	int (*register_lock_source)(struct lurk_plugin *self, const struct lurk_lock_source *src);

	/* --- ABI 1.2 ------------------------------------------------------ */
	/*
	 * A number that changes whenever what a plugin derived from the target
	 * may have changed, so it can keep what it found while the number
	 * stays the same (see LURK_GEN_MODULES, LURK_GEN_STOP); 0 for an
	 * unknown what. Works with or without a process.
	 */
	uint64_t (*generation)(struct lurk_plugin *self, int what);
	/*
	 * The plugin's own pointer, for what it keeps between callbacks (a
	 * cache, its settings) instead of globals: NULL until it sets one.
	 * lurk never reads or frees it; lurk_plugin_fini frees what it points to.
	 */
	void *(*plugin_data)(struct lurk_plugin *self);
	void (*set_plugin_data)(struct lurk_plugin *self, void *data);

	/* --- ABI 1.3 ------------------------------------------------------ */
	/* Program-level thread names (from lurk_plugin_init only). */
	int (*register_thread_namer)(struct lurk_plugin *self,
				     const struct lurk_thread_namer *namer);
	/*
	 * An address in a record: a JSON string "0x7f...", as lurk gives every
	 * address (a JSON number loses bits above 2^53).
	 */
	void (*record_addr)(struct lurk_record *r, const char *key, uint64_t address);

	/* --- ABI 1.4 ------------------------------------------------------ */
	/*
	 * Run a lurk command line as if the user typed it ("profile 5
	 * --logical"), its output and errors shown as that command's: how a
	 * plugin command builds on a built-in one. Returns 0, or -1 when the
	 * command failed (api->last_error says why). Not from inside the
	 * hooks of an inspector, a metric, a lock source or a thread namer.
	 */
	int (*run_command)(struct lurk_plugin *self, const char *line);
	/*
	 * Changing the program, from inside the plugin's own command only
	 * (never from a hook: lurk may be in the middle of reading the stop).
	 *
	 * call_function: call function (an address in the program) on stopped
	 * thread (lurk's number) with nargs (at most 6) integer arguments,
	 * every other thread held, as "print f(x)" does, and put the thread's
	 * registers back: the program sees only what the function did.
	 * *result gets the integer it returned. It fails, the thread put back,
	 * when the function faults, stops at a breakpoint or runs past
	 * timeout_ms (0: lurk's call timeout). Ctrl-C and SIGTERM wait for
	 * the call to return (up to timeout_ms) and act after it: a call
	 * left halfway would keep the program's locks held.
	 */
	int (*call_function)(struct lurk_plugin *self, int thread, uint64_t function,
			     const uint64_t *args, int nargs, int timeout_ms, uint64_t *result);
	/*
	 * map_memory: len bytes (rounded up to whole pages) of readable and
	 * writable memory mapped in the program by its own mmap, at
	 * *address; unmap_memory gives them back. The plugin owns them.
	 */
	int (*map_memory)(struct lurk_plugin *self, uint64_t len, uint64_t *address);
	int (*unmap_memory)(struct lurk_plugin *self, uint64_t address, uint64_t len);
	/* write_memory: write the stopped program's memory, where it may write itself. */
	int (*write_memory)(struct lurk_plugin *self, uint64_t address, const void *buf,
			    size_t len);
	/*
	 * run_until: let the program run until done(arg) returns nonzero
	 * (asked every few tens of milliseconds), for at most timeout_ms, then
	 * stop it again. Returns a LURK_RUN_ value, or -1.
	 */
	int (*run_until)(struct lurk_plugin *self, int timeout_ms, int (*done)(void *arg),
			 void *arg);

	/* --- ABI 1.5 ------------------------------------------------------ */
	/*
	 * add_breakpoint: a breakpoint of kind, numbered as lurk numbers its
	 * own. The program's code calls the function at address (one that
	 * does nothing harmful, whatever its arguments) with token as its
	 * first integer argument (and a value of the plugin's as the second)
	 * when it should stop; lurk keeps a trap there, and passes over the
	 * calls with another first argument without a word. guard is a byte of the program's memory that lurk keeps at 1
	 * while the breakpoint is enabled and sets to 0 when it is disabled,
	 * deleted, or lurk leaves the process: the program's code calls
	 * address only while its guard is 1. what says where it stops
	 * ("greet", "app.py:12"), cond is its condition as the user wrote it
	 * (or NULL), shown by info breakpoints. A plugin's breakpoints belong
	 * to the process: they are deleted when it is gone or left. Returns
	 * the breakpoint's number, or -1. From inside the plugin's own
	 * command only.
	 */
	int (*add_breakpoint)(struct lurk_plugin *self, const struct lurk_breakpoint_kind *kind,
			      const char *what, const char *cond, uint64_t address, uint64_t token,
			      uint64_t guard);
	/*
	 * clear_on_leave: lurk sets the byte at address to 0 when it leaves
	 * the process (detach, quit, a signal that ends lurk), before it
	 * takes out its traps, and in every child the process forks (lurk
	 * lets those go at once): code the plugin put in the program reads it
	 * to know lurk is gone, and removes itself. 0, or -1.
	 */
	int (*clear_on_leave)(struct lurk_plugin *self, uint64_t address);
};

/* What run_until returns (ABI 1.4). */
#define LURK_RUN_DONE	     0 /* done said so */
#define LURK_RUN_TIMEOUT     1 /* the time was up first */
#define LURK_RUN_INTERRUPTED 2 /* the user pressed Ctrl-C (or lurk is told to end) */
#define LURK_RUN_STOPPED     3 /* it stopped on its own (a breakpoint, a signal, its end); reported */

/* What the plugin exports. */
extern const struct lurk_plugin_info lurk_plugin_info;
int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self);
void lurk_plugin_fini(struct lurk_plugin *self);

#ifdef __cplusplus
}
#endif

#endif
