/* py.h - the CPython plugin's view of one interpreter in the target: shared by its modules */
#ifndef LURK_CPYTHON_PY_H
#define LURK_CPYTHON_PY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lurk/plugin.h>

#include "layout.h"

/* Bounds on everything read from the target: its memory may be corrupt or changing. */
#define PY_MAX_FRAMES  1024 /* per thread */
#define PY_MAX_THREADS 4096
#define PY_MAX_INTERPS 256
#define PY_MAX_STR     4096   /* characters of a str shown */
#define PY_MAX_ENTRIES 100000 /* dict entries looked at */

extern const struct lurk_api *api;

/* Pages of the target read in one callback (pyobj.c). */
#define PY_PAGE_SIZE 4096
#define PY_PAGES     128
struct py_pages {
	uint64_t addr[PY_PAGES]; /* the page's address + 1; 0: empty */
	unsigned char data[PY_PAGES][PY_PAGE_SIZE];
};

/* The interpreter found in the target, valid for one command or backtrace. */
struct py {
	struct lurk_plugin *self;
	struct py_pages *pages; /* NULL: every read goes to the target */
	const struct py_layout *l;
	uint64_t runtime; /* &_PyRuntime */
	uint32_t version; /* Py_Version */
	/* exported type objects and singletons, to tell objects apart */
	uint64_t t_long, t_bool, t_float, t_str, t_bytes, t_tuple, t_list, t_dict;
	uint64_t t_func, t_cell, t_cfunc, t_module, none, true_obj, false_obj;
	bool thread_names; /* look up threading's names (a few dict reads per thread) */
};

/* What py break put in one process (pybreak.c): its page, the breakpoints' slots. */
#define PY_BREAK_SLOTS 256
struct py_break_pages {
	int pid;
	uint64_t data;		  /* lurk's page in the program; 0: none */
	uint64_t hit;		  /* getppid: what the callbacks call to stop */
	int next_slot;		  /* slots are not used again: 256 breakpoints a process */
	int nums[PY_BREAK_SLOTS]; /* the number of the breakpoint in each slot */
};

/* The plugin's own data (api->plugin_data): what outlives one callback. */
struct py_plugin {
	uint64_t modules;	 /* the LURK_GEN_MODULES cached was found in; 0: none */
	uint64_t not_python;	 /* the LURK_GEN_MODULES no interpreter was found in; 0: none */
	uint64_t version_addr;	 /* Py_Version in the image of modules */
	struct py cached;	 /* the interpreter found then */
	struct py_layout layout; /* cached.l for 3.13 on: made from its debug offsets */
	struct py_pages *pages;	 /* emptied by py_attach when the stop changed */
	uint64_t pages_stop;	 /* the LURK_GEN_STOP pages holds reads of */
	/* the selected Python frame (pyselect.c): its index in that thread, at that stop */
	uint64_t selected_stop;
	int selected_thread, selected_frame;
	struct py_break_pages breaks;
};

/*
 * Find the interpreter, or take it from the cache while the process image
 * is the one it was found in: 0 and *py filled; 1 (api->error set) when there
 * is no process or it is not a CPython one; -1 (api->error set) when it is
 * one this plugin cannot read (another version) or cannot read now (it runs).
 */
int py_attach(struct lurk_plugin *self, struct py *py);

/* ---- memory (pyobj.c) ---------------------------------------------------- */
int py_read(const struct py *py, uint64_t addr, void *buf, size_t len);
void py_pages_clear(struct py_pages *p);
int py_ptr(const struct py *py, uint64_t addr, uint64_t *out);
int64_t py_ssize(const struct py *py, uint64_t addr, bool *ok);

/* ---- objects (pyobj.c) ---------------------------------------------------- */
uint64_t py_type(const struct py *py, uint64_t obj);
/* The type's tp_name ("int", "_thread.lock"), or "?" */
void py_type_name(const struct py *py, uint64_t obj, char *buf, size_t len);
bool py_is(const struct py *py, uint64_t obj, uint64_t type);
/* Whether the type object at type, or one of its bases, has the tp_name name. */
bool py_type_is(const struct py *py, uint64_t type, const char *name);
/* A str as UTF-8, cut at PY_MAX_STR characters. 0, or -1 (not a str, unreadable). */
int py_str(const struct py *py, uint64_t obj, char *buf, size_t len);
/* A value as Python's repr would show it, for the simple types; else "<type at 0x...>". */
void py_repr(const struct py *py, uint64_t obj, char *buf, size_t len);
/* A str's repr, its first max code points (at most PY_MAX_STR) then "...". */
void py_repr_str(const struct py *py, uint64_t obj, int64_t max, char *buf, size_t len);
/* An int's (or an int subclass instance's) decimal digits, any size. */
void py_repr_int(const struct py *py, uint64_t obj, char *buf, size_t len);
/* Python's repr of a float: the shortest text that reads back as v. */
void py_repr_float(double v, char *buf, size_t len);
/* Items of a tuple (count and the address of item 0). */
int py_tuple(const struct py *py, uint64_t tuple, int64_t *n, uint64_t *items);
/* A bytes object's contents, up to cap bytes (*n of them). 0, or -1 when it is no bytes. */
int py_bytes_read(const struct py *py, uint64_t obj, unsigned char *buf, size_t cap, size_t *n);
/* Call fn for each key/value of a dict; fn returns nonzero to stop. 0, or -1. */
int py_dict_each(const struct py *py, uint64_t dict,
		 int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg);
/* The same for any object laid out as a dict (a subclass: OrderedDict, defaultdict). */
int py_dict_items_each(const struct py *py, uint64_t dict,
		       int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg);
/* The same for a dict of up to max entries (a bigger one is -1, where py_dict_each reads its first PY_MAX_ENTRIES). */
int py_dict_each_upto(const struct py *py, uint64_t dict, int64_t max,
		      int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg);
/* The value under a str key, or 0. */
uint64_t py_dict_get(const struct py *py, uint64_t dict, const char *key);
/* An instance attribute's value (its __dict__, managed dict or inline values), or 0. */
uint64_t py_attr_get(const struct py *py, uint64_t obj, const char *name);
/* Call fn for each attribute of an instance (its __dict__, plain or managed). */
int py_attrs_each(const struct py *py, uint64_t obj,
		  int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg);

/* ---- threads and frames (pystack.c) ---------------------------------------- */

/* One Python thread: its PyThreadState and what lurk calls it. */
struct py_thread {
	uint64_t tstate;
	uint64_t
		gil_addr; /* the GIL (its _gil_runtime_state) the thread's interpreter runs under */
	int64_t interp_id; /* its interpreter's id: 0 is the main interpreter */
	int interps;	   /* how many interpreters the process has */
	uint64_t ident;	   /* threading.get_ident() */
	int64_t tid;	   /* native_thread_id */
	int thread;	   /* lurk's thread number, 0 when no thread of the process has tid */
	bool gil;	   /* holds the GIL */
	char name[64];	   /* threading's name, or "" */
};

/* One Python frame, as shown. */
struct py_frame {
	uint64_t addr; /* the _PyInterpreterFrame */
	uint64_t code, func, globals;
	bool entry;	    /* the first frame of a C-level evaluation (_PyEval_EvalFrameDefault) */
	int evals;	    /* inner to it: 3.11's entry frames, from 3.13 on the shim frames */
	int line;	    /* 0 when unknown */
	int instr;	    /* index of the current instruction in the code, -1 before the first */
	char name[128];	    /* co_name */
	char qualname[256]; /* co_qualname */
	char file[512];
	char wraps[512]; /* "greet", "wrapper -> greet": what a decorator's wrapper wraps */
};

/* An int's digit count and sign (-1, 0, 1), from ob_size or from 3.12 on its lv_tag. 0, or -1. */
int py_long_size(const struct py *py, uint64_t obj, int64_t *ndigits, int *sign);
/*
 * 0 when an interpreter has threads, 1 when it has and the runtime is
 * finalizing besides; -1 (api->error set) when no interpreter has a
 * thread: the runtime starts or ends.
 */
int py_running(const struct py *py);
/* Threads of every interpreter, GIL holders marked. fn returns nonzero to stop. */
int py_threads_each(const struct py *py, int (*fn)(void *arg, const struct py_thread *t),
		    void *arg);
/*
 * The memory Python frames are read from that changes as the program runs:
 * each thread state and the newest chunk of its frame stack (where the
 * frames of the code running now live). add(arg, address, length) for each.
 */
int py_sample_memory(const struct py *py, void (*add)(void *arg, uint64_t addr, uint64_t len),
		     void *arg);
/* The Python thread that is lurk's thread number thread (when nonzero), else kernel thread tid. 0, or -1. */
int py_thread_find(const struct py *py, int thread, int64_t tid, struct py_thread *t);
/*
 * Every thread state of kernel thread tid, one per interpreter it has run
 * Python in (a thread that calls into a subinterpreter has two); on 3.11
 * innermost evaluation first. How many (at most max, PY_MAX_STATES), or -1.
 */
#define PY_MAX_STATES 8
int py_thread_states(const struct py *py, int64_t tid, struct py_thread *out, int max);
/*
 * Frames of a thread, innermost first. fn returns nonzero to stop. A frame
 * that cannot be read ends the walk: *broken is set then (may be NULL).
 */
int py_frames_each(const struct py *py, const struct py_thread *t,
		   int (*fn)(void *arg, const struct py_frame *f), void *arg, bool *broken);
/*
 * Whether a frame of the thread, lurk's own included (which
 * py_frames_each leaves out), runs code of a file match accepts: 1, 0, or
 * -1 when a frame cannot be read.
 */
int py_thread_in_file(const struct py *py, const struct py_thread *t,
		      bool (*match)(const char *file));
/*
 * 3.13 on: the shim frames that start the thread's C-level evaluations,
 * innermost first, up to max; how many. Each lives on the C stack of the
 * evaluation loop it starts, and ends the group of Python frames it runs.
 */
int py_eval_shims(const struct py *py, const struct py_thread *t, uint64_t *shims, int max);
/* The frame at addr (a generator's or coroutine's own, say). 0, or -1 when it cannot be read. */
int py_frame_at(const struct py *py, uint64_t addr, struct py_frame *f);
/*
 * Stack depth at which the innermost try region covering the frame's
 * current instruction starts (its exception-table entry): the value stack
 * below it is live. -1 when no region covers it.
 */
int py_live_stack_depth(const struct py *py, const struct py_frame *f);
/* Names and values of the frame's fast locals (cells read through). fn returns nonzero to stop. */
/*
 * The Python frame the py commands look at (pyselect.c): the index of the
 * selected one in the selected thread (0, the innermost, unless py up,
 * down or frame chose another at this stop), and a new selection.
 */
int py_selected_index(const struct py *py);
void py_select_index(const struct py *py, int index);
/* That frame, its thread and index: 0, or -1 with api->error set. */
int py_selected_frame(const struct py *py, struct py_thread *t, struct py_frame *f, int *index);
/* Frame want of the selected thread, as above. */
int py_nth_frame(const struct py *py, int want, struct py_thread *t, struct py_frame *f,
		 int *index);
int py_locals_each(const struct py *py, const struct py_frame *f,
		   int (*fn)(void *arg, const char *name, uint64_t value), void *arg);

/* ---- what threads wait for (pylocks.c) ---------------------------------------- */

/* The thread sleeps on the GIL's mutex or condition, waiting to run Python. */
bool py_waits_for_gil(const struct py *py, const struct py_thread *t);
/* What a thread is doing, for py threads: "running Python", "waiting for the GIL", ... */
void py_thread_state(const struct py *py, const struct py_thread *t, char *buf, size_t len);
/* The py locks command: lock waits, holders, cycles. */
int py_locks_report(const struct py *py);
/* The same waits for lurk's info locks and deadlock (a lurk_lock_source). */
int py_lock_waits(struct lurk_plugin *self, void *userdata,
		  void (*add)(void *arg, const struct lurk_lock_wait *wait), void *arg);

/* ---- asyncio tasks (pytasks.c) ------------------------------------------------- */

/* The py tasks command: every task of the event loops, what each awaits, the running one. */
int py_tasks_report(const struct py *py, const char *args);
/* py exec: run Python code in the interpreter at its next safe point (pyexec.c). */
int py_exec_run(const struct py *py, const char *args);
/*
 * Run code as py exec does, for at most timeout_ms: in __main__'s namespace,
 * or with private in a fresh one. What it prints is shown; its final
 * expression's repr is shown too, or given to *value_out (malloc'd, "" when
 * None) when value_out is not NULL. 0, or -1 (api->error set) when it
 * raised or could not run; then *runs_on (when not NULL) says whether the
 * code had started and not finished when lurk stopped waiting: it runs on
 * in the program, and what it sets up may still come.
 */
int py_exec_code(const struct py *py, const char *code, size_t len, int timeout_ms, bool private,
		 char **value_out, bool *runs_on);
/* A line saying that requests reach the main interpreter only, when the program has others. */
void py_exec_say_interpreters(const struct py *py);
/* The program's process id (its threads' Tgid), or -1. */
int py_exec_pid(const struct py *py);
/* py break FUNCTION|FILE:LINE [if COND] (pybreak.c): a Python breakpoint. */
int py_break_run(const struct py *py, const char *args);
/* Python breakpoints stop nothing while paused: around lurk's own py exec requests. */
void py_break_pause(const struct py *py, bool paused);
/*
 * Python for 3.11, indented for the body of an if or else, that the
 * requests of py profile --exact and py break share: ctypes.pythonapi's
 * functions to walk the main interpreter's thread states and to give one
 * a profile or trace function (the GIL held: pythonapi is a PyDLL), and
 * states(), those thread states.
 */
#define PY_CTYPES_THREAD_STATES                                                                  \
	"    import ctypes\n"                                                                    \
	"    api = ctypes.pythonapi\n"                                                           \
	"    for f, res, args in (('PyThreadState_Get', ctypes.c_void_p, []),\n"                 \
	"                         ('PyInterpreterState_Get', ctypes.c_void_p, []),\n"            \
	"                         ('PyInterpreterState_ThreadHead', ctypes.c_void_p,\n"          \
	"                          [ctypes.c_void_p]),\n"                                        \
	"                         ('PyThreadState_Next', ctypes.c_void_p, [ctypes.c_void_p]),\n" \
	"                         ('_PyEval_SetProfile', ctypes.c_int,\n"                        \
	"                          [ctypes.c_void_p, ctypes.c_void_p, ctypes.py_object]),\n"     \
	"                         ('_PyEval_SetTrace', ctypes.c_int,\n"                          \
	"                          [ctypes.c_void_p, ctypes.c_void_p, ctypes.py_object])):\n"    \
	"        getattr(api, f).restype = res\n"                                                \
	"        getattr(api, f).argtypes = args\n"                                              \
	"    def states():\n"                                                                    \
	"        ts = api.PyInterpreterState_ThreadHead(api.PyInterpreterState_Get())\n"         \
	"        while ts:\n"                                                                    \
	"            yield ts\n"                                                                 \
	"            ts = api.PyThreadState_Next(ts)\n"
/* py profile --exact (pyprofile.c): cProfile in the live interpreter, every thread. */
int py_profile_exact(const struct py *py, const char *args);
/* Where a Future keeps its state (0 pending, 1 cancelled, 2 finished), a Task its coroutine and name. */
struct py_task_offsets {
	uint64_t state, coro, name;
};
/* Those of this interpreter's _asyncio: 0, or -1 (api->error set). */
int py_task_offsets(const struct py *py, struct py_task_offsets *o);

/* ---- source positions, frame selection, the gc heap (pyloc.c, pynav.c, pyheap.c) ---- */

/* Where an instruction is: lines from 1 (0: unknown); columns 0-based UTF-8 bytes, -1: unknown. */
struct py_position {
	int line, end_line, col, end_col;
};
/*
 * The position of code unit instr of the code object (instr -1: before the
 * first, co_firstlineno). 0 (an instruction with no location leaves line 0),
 * or -1 when the table cannot be read.
 */
int py_code_position(const struct py *py, uint64_t code, int instr, struct py_position *pos);
/* Print a frame as py bt does, #LEVEL first; with columns its position's column range too. */
void py_frame_print(const struct py *py, int thread, int level, const struct py_frame *f,
		    bool columns);
/* py up [N], py down [N], py frame [N]: move the selection, print the frame selected. */
int py_up(const struct py *py, const char *args);
int py_down(const struct py *py, const char *args);
int py_frame(const struct py *py, const char *args);
/* py count TYPE and py heap [--top N]: the objects in the gc lists, by type. */
int py_count(const struct py *py, const char *args);
int py_heap(const struct py *py, const char *args);

/* ---- bounded reprs of values (pyrepr.c) ----------------------------------------- */

/*
 * How much of a value py_repr_bounded shows: containers (list, tuple,
 * dict, set, deque, an exception's args, an instance's attributes) nested
 * up to depth levels show their items, deeper ones only their type, size
 * and address ("<list of 3 items at 0x...>"); at most elements items of
 * each, then "... (N items)"; str and bytes cut after string characters
 * or bytes, then "...". depth 0 shows no container's items; a negative
 * depth, or elements or string of 0 or less, mean as many as the plugin
 * reads anyway (64 levels, PY_MAX_ENTRIES items, PY_MAX_STR characters).
 */
struct py_repr_limits {
	int depth;
	int elements;
	int string;
};

/* depth 3, 100 elements, 200 characters: what py locals and py globals show. */
extern const struct py_repr_limits py_repr_defaults;

/*
 * The value at obj as Python's repr shows it, bounded by lim (NULL: the
 * defaults), into buf (always NUL-terminated; "..." ends it when len was
 * too small). Never fails: what cannot be read is said in the text
 * ("<unreadable object at 0x...>", "<dict at 0x...: unreadable>"), a
 * container met again inside itself is "[...]", "{...}" or "(...)".
 * Reads memory only: no code runs in the target.
 */
void py_repr_bounded(const struct py *py, uint64_t obj, const struct py_repr_limits *lim, char *buf,
		     size_t len);

/* ---- py locals and py globals (pylocals.c) ------------------------------------------ */

/* py locals [N]: the fast locals of the selected Python frame (or N), arguments marked. */
int py_locals_report(const struct py *py, const char *args);
/* py globals [MODULE]: the selected frame's module's globals, or sys.modules[MODULE]'s. */
int py_globals_report(const struct py *py, const char *args);

/* ---- py print and py sizeof: pyexpr.c parses, pyeval.c evaluates, pyprint.c shows ---- */

enum py_node_kind {
	PN_NAME,
	PN_INT,
	PN_FLOAT,
	PN_STR,
	PN_BYTES,
	PN_NONE,
	PN_TRUE,
	PN_FALSE,
	PN_TUPLE,
	PN_LIST,
	PN_ATTR,
	PN_INDEX,
	PN_SLICE,
	PN_CALL,
	PN_COMPARE,
	PN_NEG,
	PN_NOT,
	PN_AND,
	PN_OR,
};
enum py_cmp {
	PY_CMP_NONE,
	PY_CMP_EQ,
	PY_CMP_NE,
	PY_CMP_LT,
	PY_CMP_LE,
	PY_CMP_GT,
	PY_CMP_GE,
	PY_CMP_IS,
	PY_CMP_IS_NOT,
	PY_CMP_IN,
	PY_CMP_NOT_IN,
};
/*
 * A parsed expression. kids: ATTR the object; INDEX the object and the key
 * (a SLICE: lo, hi, step, each NULL when left out); CALL the callee then the
 * arguments; COMPARE the operands, ops[i] between kids[i] and kids[i + 1];
 * TUPLE, LIST, AND, OR their items; NEG, NOT the operand.
 */
struct py_node {
	enum py_node_kind kind;
	int pos;    /* column of the text it starts at, from 1 */
	char *text; /* NAME, ATTR: the name; STR (UTF-8), BYTES: the value */
	size_t len; /* of text, for STR and BYTES */
	int64_t i;  /* INT */
	double f;   /* FLOAT */
	struct py_node **kids;
	int nkids;
	enum py_cmp *ops;
};
/* The tree of text (caller owns: py_expr_free), or NULL with a message in err. */
struct py_node *py_expr_parse(const char *text, char *err, size_t errlen);
void py_expr_free(struct py_node *n);

/* A value: an object of the target, or one lurk computed (a slice, len(), a literal). */
enum py_value_kind { PV_OBJ, PV_INT, PV_FLOAT, PV_STR, PV_BYTES, PV_BOOL, PV_NONE, PV_SEQ };
struct py_value {
	enum py_value_kind kind;
	uint64_t obj;		/* PV_OBJ */
	int64_t i;		/* PV_INT, PV_BOOL */
	double f;		/* PV_FLOAT */
	const char *s;		/* PV_STR (UTF-8), PV_BYTES */
	size_t len;		/* of s, in bytes */
	struct py_value *items; /* PV_SEQ */
	size_t n;		/* PV_SEQ's items */
	bool tuple;		/* PV_SEQ: a tuple, else a list */
};
/*
 * Evaluate text in the selected Python frame without running code in the
 * target: 0 and *out, or -1 with api->error set. What *out points to lives
 * until py_eval_done(ev).
 */
struct py_eval;
struct py_eval *py_eval_new(const struct py *py);
int py_eval_text(struct py_eval *ev, const char *text, struct py_value *out);
void py_eval_done(struct py_eval *ev);
/*
 * PySetObject, the same from 3.11 to 3.14: the object header, fill, used,
 * mask, table, hash, finger, then its small table of 8 entries of 16 bytes.
 */
#define SET_USED(l)	  ((l)->object_size + 8)
#define SET_MASK(l)	  ((l)->object_size + 16)
#define SET_TABLE(l)	  ((l)->object_size + 24)
#define SET_SMALLTABLE(l) ((l)->object_size + 48)
#define SET_ENTRY_SIZE	  16
/* A set or frozenset; its keys (fn returns nonzero to stop). 0, or -1 when unreadable. */
bool py_is_set(const struct py *py, uint64_t obj);
int py_set_each(const struct py *py, uint64_t set, int (*fn)(void *arg, uint64_t key), void *arg);
/* A value's type as Python names it ("int", "Plain"), for messages. */
void py_value_type_name(const struct py *py, const struct py_value *v, char *buf, size_t len);
/* obj is a class; the class type's tp_name. */
bool py_is_class(const struct py *py, uint64_t obj);
void py_class_name(const struct py *py, uint64_t type, char *buf, size_t len);
/* A value as py print shows it, cut to len (pyprint.c). */
void py_value_repr(const struct py *py, const struct py_value *v, char *buf, size_t len);
/* The py print and py sizeof commands. */
int py_print_run(const struct py *py, const char *args);
int py_sizeof_run(const struct py *py, const char *args);

#endif
