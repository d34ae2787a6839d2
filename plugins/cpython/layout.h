/* layout.h - where CPython keeps what the plugin reads, for one interpreter version */
#ifndef LURK_CPYTHON_LAYOUT_H
#define LURK_CPYTHON_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Offsets (bytes) and sizes of CPython's structures. Each version's table
 * is compiled from that version's own headers (layout-3XX.c, with
 * Py_BUILD_CORE), never typed by hand; the plugin picks the table whose
 * major.minor matches the target's Py_Version.
 */
struct py_layout {
	const char *name;  /* "3.11" */
	unsigned hexminor; /* 0x030b0000: Py_Version's major and minor */
	size_t ptr;	   /* sizeof(void *) */

	/* _PyRuntimeState */
	size_t rt_interp_head;
	size_t rt_gil, rt_gil_size; /* ceval.gil: waiters block on futexes inside it */
	size_t rt_gil_locked, rt_gil_last_holder;
	size_t rt_finalizing;

	/* PyInterpreterState */
	size_t is_next, is_threads_head, is_modules;

	/* PyThreadState and _PyCFrame */
	size_t ts_next, ts_cframe, ts_thread_id, ts_native_thread_id;
	size_t cf_current_frame;

	/* _PyInterpreterFrame */
	size_t fr_func, fr_globals, fr_code, fr_previous, fr_prev_instr, fr_is_entry, fr_owner,
		fr_localsplus;

	/* PyCodeObject */
	size_t co_filename, co_name, co_qualname, co_linetable, co_exceptiontable;
	size_t co_firstlineno, co_nlocalsplus, co_localsplusnames, co_localspluskinds;
	size_t co_stacksize, co_code_adaptive;
	unsigned co_fast_cell, co_fast_free; /* localspluskinds bits: the slot holds a cell */

	/* PyFunctionObject, PyCellObject, PyCFunctionObject, PyMethodDef */
	size_t fn_code, fn_qualname, fn_closure, fn_dict;
	size_t cell_ref;
	size_t cfn_ml, cfn_self, ml_name;

	/* objects in general, types */
	size_t ob_type, ob_size;
	size_t tp_name, tp_flags, tp_dictoffset, ht_cached_keys;
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

	/* _thread.lock and _thread.RLock (Modules/_threadmodule.c) */
	size_t lock_lock, rlock_lock, rlock_owner, rlock_count;
};

/* One per layout-3XX.c: 3.12 and 3.13 are added as new files (and a line in layouts.c). */
const struct py_layout *py_layout_311(void);

/* The tables this build has, and a lookup by Py_Version. */
const struct py_layout *py_layout_for(uint32_t py_version);
/* "3.11" and so on, for the message about an unsupported version. */
const char *py_layouts_supported(void);

#endif
