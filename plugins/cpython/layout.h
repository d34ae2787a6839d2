/* layout.h - where CPython keeps what the plugin reads, for one interpreter version */
#ifndef LURK_CPYTHON_LAYOUT_H
#define LURK_CPYTHON_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Offsets (bytes) and sizes of CPython's structures. 3.11's table is
 * compiled from its own headers (layout-311.c, with Py_BUILD_CORE); from
 * 3.13 on the table is filled in at attach time from the interpreter's
 * own _Py_DebugOffsets and a few checked constants (layout-dbg.c).
 */
struct py_layout {
	const char *name;  /* "3.11" */
	char name_buf[32]; /* name points here for tables made at attach time */
	/*
	 * From the debug offsets (3.13 on): ts_cframe is then the thread
	 * state's current_frame, fr_code its f_executable, fr_prev_instr its
	 * instr_ptr; there is no is_entry: an evaluation starts below a shim
	 * frame (owner fr_owner_shim or more). Ints keep their size in a tag,
	 * the GIL lives in the interpreter, and threading's locks are PyMutexes
	 * their waiters park on (lock_parks).
	 */
	bool dbg;
	bool free_threaded;
	unsigned fr_owner_shim;
	uint64_t fr_tag_bits;
	size_t long_tag;	  /* PyLongObject's lv_tag (3.12 on) */
	unsigned long_size_shift; /* lv_tag >> this is the digit count, lv_tag & 3 the sign */
	unsigned long tpflags_inline_values;
	int inline_values_after_basicsize;
	size_t tp_basicsize;
	size_t object_size; /* sizeof(PyObject): 3.13's inline values follow it */
	unsigned hexminor;  /* 0x030b0000: Py_Version's major and minor */
	size_t ptr;	    /* sizeof(void *) */

	/* _PyRuntimeState */
	size_t rt_interp_head;
	/* ceval.gil: waiters block on futexes inside it; from 3.13 in the interpreter (dbg) */
	size_t rt_gil, rt_gil_size;
	size_t rt_gil_locked, rt_gil_last_holder;
	size_t rt_finalizing;

	/* PyInterpreterState; is_gil_ptr (dbg): its ceval.gil, the GIL it shares or owns */
	size_t is_next, is_id, is_threads_head, is_modules, is_gil_ptr;

	/*
	 * PyThreadState and _PyCFrame; ts_datastack_chunk: the newest chunk of
	 * its frame stack; ts_c_profilefunc: its C profile function (3.11's
	 * table only, 0 from the debug offsets)
	 */
	size_t ts_next, ts_cframe, ts_thread_id, ts_native_thread_id, ts_datastack_chunk;
	size_t ts_c_profilefunc;
	size_t cf_current_frame;

	/* _PyInterpreterFrame */
	size_t fr_func, fr_globals, fr_code, fr_previous, fr_prev_instr, fr_is_entry, fr_owner,
		fr_localsplus;

	/* PyCodeObject */
	size_t co_filename, co_name, co_qualname, co_linetable, co_exceptiontable;
	size_t co_firstlineno, co_nlocalsplus, co_localsplusnames, co_localspluskinds;
	size_t co_stacksize, co_code_adaptive;
	unsigned co_fast_cell, co_fast_free; /* localspluskinds bits: the slot holds a cell */

	/* PyFunctionObject, PyCellObject, PyCFunctionObject, PyMethodDef, PyDescrObject */
	size_t fn_code, fn_qualname, fn_closure, fn_dict;
	size_t cell_ref;
	size_t cfn_ml, cfn_self, ml_name, descr_name;
	bool with_exit_unbound; /* a with block keeps __exit__ unbound, then its self (3.14) */

	/* objects in general, types */
	size_t ob_type, ob_size;
	size_t tp_name, tp_flags, tp_base, tp_dictoffset, ht_cached_keys;
	unsigned long tpflags_managed_dict, tpflags_heaptype;
	long managed_dict_slot, managed_values_slot; /* pointers before the object, in words */

	/* str: PyASCIIObject, PyCompactUnicodeObject; the state bits are set at init */
	size_t u_length, u_state, u_ascii_size, u_compact_size;
	uint32_t u_kind_shift, u_kind_mask, u_compact_bit, u_ascii_bit;

	/* int, float, bytes, tuple, list, module */
	size_t long_digits, long_digit_size;
	unsigned long_shift;
	size_t float_val, bytes_sval, tuple_items, list_items, module_dict;

	/* dict: PyDictObject, PyDictKeysObject, PyDictValues */
	size_t d_used, d_keys, d_values;
	size_t dk_log2_size, dk_log2_index_bytes, dk_kind, dk_nentries, dk_indices;
	size_t dk_entry_size,
		dk_unicode_entry_size; /* general entries hash+key+value, str keys key+value */
	size_t dke_key, dke_value, dku_key, dku_value;
	size_t dv_values;

	/*
	 * _thread.lock and _thread.RLock (Modules/_threadmodule.c). Without
	 * lock_parks, lock_lock and rlock_lock point at the sem_t waiters
	 * sleep on; with it lock_lock is a PyMutex in the object, and waiters
	 * park on its address (sleeping on a semaphore whose word is
	 * park_addr_before_sema bytes after where that address is kept). With
	 * rlock_parks the RLock's is one too, and rlock_count counts the
	 * re-entries beyond the first.
	 */
	size_t lock_lock, rlock_lock, rlock_owner, rlock_count;
	bool lock_parks, rlock_parks;
	size_t park_addr_before_sema;

	/*
	 * The gc's lists of container objects (py heap): the interpreter's
	 * struct _gc_runtime_state is at is_gc; gc_lists lists (struct
	 * gc_generation, each starting with the head of a circular list of
	 * PyGC_Heads) lie gc_list_size bytes apart from gc_lists_at in it, and
	 * the permanent one (gc.freeze) at gc_permanent. tp_itemsize sizes a
	 * var-sized object's items.
	 */
	size_t is_gc, gc_lists_at, gc_list_size, gc_permanent, tp_itemsize;
	unsigned gc_lists;

	/*
	 * PEP 768, from the debug offsets of 3.14 on (rd_path_size 0: none).
	 * In the thread state: its eval_breaker, and its remote-debugger block
	 * at rd_support, holding the pending flag (an int) at rd_pending and
	 * the script's path (rd_path_size bytes) at rd_path. In the
	 * interpreter: the int that says remote debugging is allowed.
	 */
	size_t rd_eval_breaker, rd_support, rd_pending, rd_path, rd_path_size, rd_enabled;
};

/* One per layout-3XX.c. */
const struct py_layout *py_layout_311(void);

/*
 * What py tasks reads where the interpreter has no table of _asyncio's
 * own (3.11, 3.13): a generator's frame and state, the frame's stack top
 * (an index into localsplus), sets and weak references, and a task's
 * members. The task's come from that version's Modules/_asynciomodule.c,
 * in no header, and were confirmed on live tasks of Debian's builds.
 */
struct py_tasks_layout {
	const char *all_tasks;	 /* asyncio.tasks' WeakSet of tasks */
	const char *eager_tasks; /* and its set of eager tasks, or NULL */
	/*
	 * 3.11 marks a frame suspended in an await no differently from one
	 * suspended in a plain yield: the instruction it resumes at says
	 * (RESUME with an argument of 2 or more, or its quickened form).
	 */
	bool await_by_resume;
	unsigned op_resume, op_resume_quick;
	uint64_t gi_iframe, gi_frame_state;	      /* PyGenObject */
	uint64_t fr_stacktop;			      /* _PyInterpreterFrame.stacktop, an int */
	uint64_t set_mask, set_table, set_entry_size; /* PySetObject, setentry */
	uint64_t wr_object;			      /* PyWeakReference */
	uint64_t task_state, task_coro, task_name;    /* TaskObj: fut_state, task_coro, task_name */
};

const struct py_tasks_layout *py_tasks_layout_311(void);

/*
 * Fill *l from the start of _PyRuntime (raw, len bytes of it) of an
 * interpreter whose Py_Version is py_version (3.13 or later). 0, or -1
 * with the reason in why: a wrong cookie, a version the debug offsets
 * disagree on, an offset beyond the structure it belongs to.
 */
int py_layout_from_debug(struct py_layout *l, const void *raw, size_t len, uint32_t py_version,
			 char *why, size_t whylen);
/* How many bytes of _PyRuntime py_layout_from_debug wants. */
size_t py_debug_offsets_size(void);

/* The tables this build has, and a lookup by Py_Version (NULL for 3.13 on: see above). */
const struct py_layout *py_layout_for(uint32_t py_version);
/* "3.11, 3.13 and 3.14", for the message about an unsupported version. */
const char *py_layouts_supported(void);

#endif
