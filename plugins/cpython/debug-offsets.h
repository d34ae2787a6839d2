/* debug-offsets.h - lurk's view of CPython 3.13/3.14 layouts: _Py_DebugOffsets, checked constants */
#ifndef LURK_CPYTHON_DEBUG_OFFSETS_H
#define LURK_CPYTHON_DEBUG_OFFSETS_H

#include <stdint.h>

#include "layout.h"

/*
 * From 3.13 on, _PyRuntime starts with a table of the interpreter's own
 * offsets, meant for out-of-process tools: a cookie, PY_VERSION_HEX, then
 * one group per structure, each group's first word the structure's size.
 * The groups grow between minor versions (3.14 inserts fields in the
 * middle of some), so each version the plugin knows has its declaration
 * here, written from that version's pycore_runtime.h (3.13) or
 * pycore_debug_offsets.h (3.14). The layout test compiles these against
 * the versions' own headers and compares them member by member.
 */
#define PY_DEBUG_COOKIE "xdebugpy"

/* The groups 3.13 and 3.14 lay out alike; each group's first word is its structure's size. */
struct py_dbg_runtime {
	uint64_t size, finalizing, interpreters_head;
};
struct py_dbg_thread {
	uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id;
	uint64_t datastack_chunk, status;
};
struct py_dbg_object {
	uint64_t size, ob_type;
};
struct py_dbg_type {
	uint64_t size, tp_name, tp_repr, tp_flags;
};
struct py_dbg_seq {
	uint64_t size, ob_item, ob_size;
};
struct py_dbg_dict {
	uint64_t size, ma_keys, ma_values;
};
struct py_dbg_float {
	uint64_t size, ob_fval;
};
struct py_dbg_long {
	uint64_t size, lv_tag, ob_digit;
};
struct py_dbg_bytes {
	uint64_t size, ob_size, ob_sval;
};
struct py_dbg_unicode {
	uint64_t size, state, length, asciiobject_size;
};
struct py_dbg_gc {
	uint64_t size, collecting;
};

struct py_dbg_313 {
	char cookie[8];
	uint64_t version; /* PY_VERSION_HEX */
	uint64_t free_threaded;
	struct py_dbg_runtime runtime_state;
	struct {
		uint64_t size, id, next, threads_head, gc, imports_modules, sysdict, builtins;
		uint64_t ceval_gil, gil_runtime_state, gil_enabled, gil_locked, gil_holder;
	} interpreter_state;
	struct py_dbg_thread thread_state;
	struct {
		uint64_t size, previous, executable, instr_ptr, localsplus, owner;
	} interpreter_frame;
	struct {
		uint64_t size, filename, name, qualname, linetable, firstlineno, argcount;
		uint64_t localsplusnames, localspluskinds, co_code_adaptive;
	} code_object;
	struct py_dbg_object pyobject;
	struct py_dbg_type type_object;
	struct py_dbg_seq tuple_object;
	struct py_dbg_seq list_object;
	struct py_dbg_dict dict_object;
	struct py_dbg_float float_object;
	struct py_dbg_long long_object;
	struct py_dbg_bytes bytes_object;
	struct py_dbg_unicode unicode_object;
	struct py_dbg_gc gc;
};

/* 3.14: the main thread, code generations, the stack pointer, sets, generators, remote debugging. */
struct py_dbg_314 {
	char cookie[8];
	uint64_t version;
	uint64_t free_threaded;
	struct py_dbg_runtime runtime_state;
	struct {
		uint64_t size, id, next, threads_head, threads_main, gc, imports_modules, sysdict;
		uint64_t builtins, ceval_gil, gil_runtime_state, gil_enabled, gil_locked,
			gil_holder;
		uint64_t code_object_generation, tlbc_generation;
	} interpreter_state;
	struct py_dbg_thread thread_state;
	struct {
		uint64_t size, previous, executable, instr_ptr, localsplus, owner, stackpointer;
		uint64_t tlbc_index;
	} interpreter_frame;
	struct {
		uint64_t size, filename, name, qualname, linetable, firstlineno, argcount;
		uint64_t localsplusnames, localspluskinds, co_code_adaptive, co_tlbc;
	} code_object;
	struct py_dbg_object pyobject;
	struct py_dbg_type type_object;
	struct py_dbg_seq tuple_object;
	struct py_dbg_seq list_object;
	struct {
		uint64_t size, used, table, mask;
	} set_object;
	struct py_dbg_dict dict_object;
	struct py_dbg_float float_object;
	struct py_dbg_long long_object;
	struct py_dbg_bytes bytes_object;
	struct py_dbg_unicode unicode_object;
	struct py_dbg_gc gc;
	struct {
		uint64_t size, gi_name, gi_iframe, gi_frame_state;
	} gen_object;
	struct {
		uint64_t next, prev;
	} llist_node;
	struct {
		uint64_t eval_breaker, remote_debugger_support, remote_debugging_enabled;
		uint64_t debugger_pending_call, debugger_script_path, debugger_script_path_size;
	} debugger_support;
};

/*
 * What the debug offsets do not say and the plugin needs, for a build
 * with the GIL on x86-64 and other LP64 targets. Hand-written from the
 * headers named; the layout test checks each one against them.
 */
struct py_consts {
	unsigned minor;
	uint64_t fr_funcobj, fr_globals; /* _PyInterpreterFrame: f_funcobj, f_globals */
	unsigned fr_owner_shim;		 /* owner values from this one up are not Python calls */
	uint64_t fr_tag_bits;		 /* low bits of a _PyStackRef that are tags (3.14) */
	uint64_t fn_code, fn_qualname, fn_closure,
		fn_dict;	 /* PyFunctionObject (cpython/funcobject.h) */
	uint64_t cell_ref;	 /* PyCellObject.ob_ref (cpython/cellobject.h) */
	uint64_t u_compact_size; /* sizeof(PyCompactUnicodeObject) */
	uint32_t u_kind_shift, u_kind_mask, u_compact_bit, u_ascii_bit; /* PyASCIIObject.state */
	uint64_t tp_basicsize, tp_base, tp_dictoffset,
		ht_cached_keys; /* PyTypeObject, PyHeapTypeObject */
	unsigned long tpflags_inline_values, tpflags_managed_dict, tpflags_heaptype; /* object.h */
	long managed_dict_slot;		   /* MANAGED_DICT_OFFSET (pycore_object.h), in words */
	int inline_values_after_basicsize; /* _PyObject_InlineValues: 3.13 after PyObject */
	uint64_t d_used;		   /* PyDictObject.ma_used (cpython/dictobject.h) */
	/* PyDictKeysObject, PyDictKeyEntry, PyDictUnicodeEntry, PyDictValues (pycore_dict.h) */
	uint64_t dk_log2_size, dk_log2_index_bytes, dk_kind, dk_nentries, dk_indices;
	uint64_t dk_entry_size, dk_unicode_entry_size, dke_key, dke_value, dku_key, dku_value;
	uint64_t dv_values;
	uint64_t module_dict;	  /* PyModuleObject.md_dict (pycore_moduleobject.h) */
	uint64_t gil_size;	  /* sizeof(struct _gil_runtime_state) (pycore_gil.h) */
	unsigned long_size_shift; /* _PyLong_NON_SIZE_BITS (pycore_long.h) */
	unsigned long_shift;	  /* PyLong_SHIFT (cpython/longintrepr.h) */
	uint64_t co_nlocalsplus, co_exceptiontable; /* PyCodeObject (cpython/code.h) */
	unsigned co_fast_cell, co_fast_free;	    /* localspluskinds bits (pycore_code.h) */
	/* PyCFunctionObject (cpython/methodobject.h), PyMethodDef, PyDescrObject.d_name */
	uint64_t cfn_ml, cfn_self, ml_name, descr_name;
	/*
	 * _thread.lock and _thread.RLock (Modules/_threadmodule.c, in no
	 * header): the cpython-consts test restates them with the headers'
	 * types. lock_lock is the lock's PyMutex, its waiters park on its
	 * address; 3.13's RLock still points at a PyThread_type_lock (a sem_t,
	 * as in 3.11), 3.14's holds a _PyRecursiveMutex (rlock_parks): its
	 * mutex, owner ident and level (re-entries beyond the first).
	 */
	uint64_t lock_lock, rlock_lock, rlock_owner, rlock_count;
	int rlock_parks;
	/*
	 * A parked thread sleeps on the semaphore of a wait entry on its stack
	 * (struct wait_entry, Python/parking_lot.c: park_arg, addr, sema); the
	 * address it parks on is this many bytes before the semaphore's word.
	 */
	uint64_t park_addr_before_sema;
	int with_exit_unbound; /* a with block keeps __exit__ unbound and its self (3.14) */
	/* struct _gc_runtime_state: its generations, how many, their size, the permanent one */
	uint64_t gc_lists_at, gc_list_size, gc_lists, gc_permanent;
};

#define PY_CONSTS_COMMON                                                                          \
	.fr_funcobj = 16, .fr_globals = 24, .fn_code = 48, .fn_qualname = 40, .fn_closure = 72,   \
	.fn_dict = 88, .cell_ref = 16, .u_compact_size = 56, .u_kind_shift = 2, .u_kind_mask = 7, \
	.u_compact_bit = 1u << 5, .u_ascii_bit = 1u << 6, .tp_basicsize = 32, .tp_base = 256,     \
	.tp_dictoffset = 288, .ht_cached_keys = 880, .tpflags_inline_values = 1ul << 2,           \
	.tpflags_managed_dict = 1ul << 4, .tpflags_heaptype = 1ul << 9, .managed_dict_slot = -3,  \
	.d_used = 16, .dk_log2_size = 8, .dk_log2_index_bytes = 9, .dk_kind = 10,                 \
	.dk_nentries = 24, .dk_indices = 32, .dk_entry_size = 24, .dk_unicode_entry_size = 16,    \
	.dke_key = 8, .dke_value = 16, .dku_key = 0, .dku_value = 8, .dv_values = 8,              \
	.module_dict = 16, .gil_size = 208, .long_size_shift = 3, .long_shift = 30,               \
	.gc_list_size = 24, .gc_lists = 3

/* What py locals and py locks read, alike in 3.13 and 3.14. */
#define PY_CONSTS_LOCALS_LOCKS                                                                     \
	.co_nlocalsplus = 72, .co_exceptiontable = 40, .co_fast_cell = 0x40, .co_fast_free = 0x80, \
	.cfn_ml = 16, .cfn_self = 24, .ml_name = 0, .descr_name = 24, .lock_lock = 16,             \
	.rlock_lock = 16, .rlock_owner = 24, .rlock_count = 32, .park_addr_before_sema = 8

/* FRAME_OWNED_BY_CSTACK is 3 in 3.13 (pycore_frame.h). */
static const struct py_consts py_consts_313 = {
	.minor = 13,
	PY_CONSTS_COMMON,
	.fr_owner_shim = 3,
	.fr_tag_bits = 0,
	.inline_values_after_basicsize = 0,
	PY_CONSTS_LOCALS_LOCKS,
	.rlock_parks = 0,
	.with_exit_unbound = 0,
	/* 3.13's PyGC_Head is 4-aligned (Py_ALIGNED on its typedef lowers it): no padding before */
	.gc_lists_at = 20,
	.gc_permanent = 104, /* after generations[3] and generation0 */
};

/*
 * 3.14 (pycore_interpframe_structs.h) adds FRAME_OWNED_BY_INTERPRETER (3)
 * before FRAME_OWNED_BY_CSTACK (4); f_executable is a _PyStackRef whose low
 * bits tag it (Py_TAG_BITS, pycore_stackref.h), and inline values follow
 * tp_basicsize.
 */
static const struct py_consts py_consts_314 = {
	.minor = 14,
	PY_CONSTS_COMMON,
	.fr_owner_shim = 3,
	.fr_tag_bits = 3,
	.inline_values_after_basicsize = 1,
	PY_CONSTS_LOCALS_LOCKS,
	.rlock_parks = 1,
	.with_exit_unbound = 1,
	.gc_lists_at = 24,
	.gc_permanent = 96, /* right after generations[3] (or young and old[2]) */
};

/*
 * What py tasks reads of 3.13 (see struct py_tasks_layout), checked by
 * the cpython-consts test against that version's headers where they have
 * it; a task's members only for following the object head.
 */
static const struct py_tasks_layout py_tasks_313 = {
	.all_tasks = "_scheduled_tasks",
	.eager_tasks = "_eager_tasks",
	.gi_iframe = 72,
	.gi_frame_state = 67,
	.fr_stacktop = 64,
	.set_mask = 32,
	.set_table = 40,
	.set_entry_size = 16,
	.wr_object = 16,
	.task_state = 96,
	.task_coro = 120,
	.task_name = 128,
};

#endif
