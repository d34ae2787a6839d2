/* cpython-consts.c - checks lurk's CPython 3.13/3.14 layout facts against the headers */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_code.h>
#include <internal/pycore_dict.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_long.h>
#include <internal/pycore_moduleobject.h>
#include <internal/pycore_object.h>
#include <internal/pycore_llist.h>
#include <internal/pycore_lock.h>
#include <internal/pycore_pythread.h>
#include <internal/pycore_runtime.h>
#include <internal/pycore_semaphore.h>
#include <stdio.h>
#include <string.h>

#include "debug-offsets.h"

#if PY_MINOR_VERSION == 13
#define DBG   struct py_dbg_313
#define K     py_consts_313
#define OWNER FRAME_OWNED_BY_CSTACK
#else
#include <internal/pycore_stackref.h>
#define DBG   struct py_dbg_314
#define K     py_consts_314
#define OWNER FRAME_OWNED_BY_INTERPRETER
#endif

/*
 * Structures of .c files, in no header: restated member for member with
 * the headers' types from that version's source, so the compiler lays
 * them out. Modules/_threadmodule.c's lockobject (3.13 and 3.14) and
 * rlockobject (3.13: a PyThread_type_lock, owner and count, weak
 * references; 3.14: a _PyRecursiveMutex), Python/parking_lot.c's
 * struct wait_entry.
 */
typedef struct {
	PyObject_HEAD PyMutex lock;
} lockobject;

#if PY_MINOR_VERSION == 13
typedef struct {
	PyObject_HEAD PyThread_type_lock rlock_lock;
	PyThread_ident_t rlock_owner;
	unsigned long rlock_count;
	PyObject *in_weakreflist;
} rlockobject;
#define RLOCK_LOCK  rlock_lock
#define RLOCK_OWNER rlock_owner
#define RLOCK_COUNT rlock_count
#else
typedef struct {
	PyObject_HEAD _PyRecursiveMutex lock;
} rlockobject;
#define RLOCK_LOCK  lock.mutex
#define RLOCK_OWNER lock.thread
#define RLOCK_COUNT lock.level
#endif

struct wait_entry {
	void *park_arg;
	uintptr_t addr;
	_PySemaphore sema;
	struct llist_node node;
	bool is_unparking;
};

static int bad;

static void same(const char *what, unsigned long long lurk, unsigned long long python)
{
	if (lurk != python) {
		printf("%s: lurk says %llu, the headers %llu\n", what, lurk, python);
		bad = 1;
	}
}

/* A member of lurk's declaration sits where the same member of CPython's does. */
#define MEMBER(group, field)                                                                       \
	same(#group "." #field, offsetof(DBG, group.field), offsetof(_Py_DebugOffsets, group.field))

static uint32_t state_of(void (*set)(PyASCIIObject *))
{
	PyASCIIObject u;
	uint32_t word;

	memset(&u, 0, sizeof(u));
	set(&u);
	memcpy(&word, &u.state, sizeof(word));
	return word;
}

static void kind7(PyASCIIObject *u)
{
	u->state.kind = 7;
}

static void compact(PyASCIIObject *u)
{
	u->state.compact = 1;
}

static void ascii(PyASCIIObject *u)
{
	u->state.ascii = 1;
}

/*
 * py tasks on 3.13. The task's members are in no header: only that they
 * follow the object head, words apart, is checked here.
 */
static void check_asyncio(void)
{
#if PY_MINOR_VERSION == 13
	const struct py_tasks_layout *a = &py_tasks_313;

	same("gi_iframe", a->gi_iframe, offsetof(PyGenObject, gi_iframe));
	same("gi_frame_state", a->gi_frame_state, offsetof(PyGenObject, gi_frame_state));
	same("gi_frame_state is a byte", sizeof(((PyGenObject *)0)->gi_frame_state), 1);
	same("fr_stacktop", a->fr_stacktop, offsetof(_PyInterpreterFrame, stacktop));
	same("stacktop is an int", sizeof(((_PyInterpreterFrame *)0)->stacktop), sizeof(int));
	same("FRAME_SUSPENDED_YIELD_FROM", FRAME_SUSPENDED_YIELD_FROM, -1);
	same("FRAME_EXECUTING", FRAME_EXECUTING, 0);
	same("set_mask", a->set_mask, offsetof(PySetObject, mask));
	same("set_table", a->set_table, offsetof(PySetObject, table));
	same("set_entry_size", a->set_entry_size, sizeof(setentry));
	same("set entry key first", offsetof(setentry, key), 0);
	same("wr_object", a->wr_object, offsetof(PyWeakReference, wr_object));
	same("task_state after the head", a->task_state >= sizeof(PyObject), 1);
	same("task_coro a word after task_state", a->task_coro % sizeof(void *), 0);
	same("task_name follows task_coro", a->task_name, a->task_coro + sizeof(void *));
#endif
}

int main(void)
{
	same("sizeof", sizeof(DBG), sizeof(_Py_DebugOffsets));
	same("minor", K.minor, PY_MINOR_VERSION);
	MEMBER(runtime_state, interpreters_head);
	MEMBER(interpreter_state, threads_head);
	MEMBER(interpreter_state, imports_modules);
	MEMBER(interpreter_state, gil_runtime_state);
	same("interpreter_state.gil_locked", offsetof(DBG, interpreter_state.gil_locked),
	     offsetof(_Py_DebugOffsets, interpreter_state.gil_runtime_state_locked));
	same("interpreter_state.gil_holder", offsetof(DBG, interpreter_state.gil_holder),
	     offsetof(_Py_DebugOffsets, interpreter_state.gil_runtime_state_holder));
	MEMBER(thread_state, next);
	MEMBER(thread_state, current_frame);
	MEMBER(thread_state, thread_id);
	MEMBER(thread_state, native_thread_id);
	MEMBER(interpreter_frame, previous);
	MEMBER(interpreter_frame, executable);
	MEMBER(interpreter_frame, instr_ptr);
	MEMBER(interpreter_frame, localsplus);
	MEMBER(interpreter_frame, owner);
	MEMBER(code_object, filename);
	MEMBER(code_object, name);
	MEMBER(code_object, qualname);
	MEMBER(code_object, linetable);
	MEMBER(code_object, firstlineno);
	MEMBER(code_object, localsplusnames);
	MEMBER(code_object, localspluskinds);
	MEMBER(code_object, co_code_adaptive);
	MEMBER(pyobject, size);
	MEMBER(pyobject, ob_type);
	MEMBER(type_object, tp_name);
	MEMBER(type_object, tp_flags);
	MEMBER(tuple_object, ob_item);
	MEMBER(tuple_object, ob_size);
	MEMBER(list_object, ob_item);
	MEMBER(dict_object, ma_keys);
	MEMBER(dict_object, ma_values);
	MEMBER(float_object, ob_fval);
	MEMBER(long_object, lv_tag);
	MEMBER(long_object, ob_digit);
	MEMBER(bytes_object, ob_sval);
	MEMBER(unicode_object, state);
	MEMBER(unicode_object, length);
	MEMBER(unicode_object, asciiobject_size);
	MEMBER(gc, collecting);

	same("fr_funcobj", K.fr_funcobj, offsetof(_PyInterpreterFrame, f_funcobj));
	same("fr_globals", K.fr_globals, offsetof(_PyInterpreterFrame, f_globals));
	same("fr_owner_shim", K.fr_owner_shim, OWNER);
	same("shim is the highest owner but CSTACK", K.fr_owner_shim <= FRAME_OWNED_BY_CSTACK, 1);
#if PY_MINOR_VERSION >= 14
	same("fr_tag_bits covers Py_TAG_BITS", K.fr_tag_bits & Py_TAG_BITS, Py_TAG_BITS);
#endif
	same("fn_qualname", K.fn_qualname, offsetof(PyFunctionObject, func_qualname));
	same("fn_code", K.fn_code, offsetof(PyFunctionObject, func_code));
	same("fn_closure", K.fn_closure, offsetof(PyFunctionObject, func_closure));
	same("fn_dict", K.fn_dict, offsetof(PyFunctionObject, func_dict));
	same("cell_ref", K.cell_ref, offsetof(PyCellObject, ob_ref));
	same("u_compact_size", K.u_compact_size, sizeof(PyCompactUnicodeObject));
	same("u_kind", K.u_kind_mask << K.u_kind_shift, state_of(kind7));
	same("u_compact_bit", K.u_compact_bit, state_of(compact));
	same("u_ascii_bit", K.u_ascii_bit, state_of(ascii));
	same("tp_basicsize", K.tp_basicsize, offsetof(PyTypeObject, tp_basicsize));
	same("tp_itemsize follows tp_basicsize", offsetof(PyTypeObject, tp_itemsize),
	     K.tp_basicsize + 8);
	MEMBER(interpreter_state, gc);
	same("gc_lists_at", K.gc_lists_at, offsetof(struct _gc_runtime_state, generations));
	same("gc_list_size", K.gc_list_size, sizeof(struct gc_generation));
	same("gc_lists", K.gc_lists, NUM_GENERATIONS);
	same("gc_permanent", K.gc_permanent,
	     offsetof(struct _gc_runtime_state, permanent_generation));
	same("a gc list starts with its head", offsetof(struct gc_generation, head), 0);
	same("PyGC_Head", sizeof(PyGC_Head), 16);
	same("tp_base", K.tp_base, offsetof(PyTypeObject, tp_base));
	same("tp_dictoffset", K.tp_dictoffset, offsetof(PyTypeObject, tp_dictoffset));
	same("ht_cached_keys", K.ht_cached_keys, offsetof(PyHeapTypeObject, ht_cached_keys));
	same("tpflags_inline_values", K.tpflags_inline_values, Py_TPFLAGS_INLINE_VALUES);
	same("tpflags_managed_dict", K.tpflags_managed_dict, Py_TPFLAGS_MANAGED_DICT);
	same("tpflags_heaptype", K.tpflags_heaptype, Py_TPFLAGS_HEAPTYPE);
	same("managed_dict_slot", (unsigned long long)(K.managed_dict_slot * 8),
	     (unsigned long long)MANAGED_DICT_OFFSET);
	same("d_used", K.d_used, offsetof(PyDictObject, ma_used));
	same("dk_log2_size", K.dk_log2_size, offsetof(PyDictKeysObject, dk_log2_size));
	same("dk_log2_index_bytes", K.dk_log2_index_bytes,
	     offsetof(PyDictKeysObject, dk_log2_index_bytes));
	same("dk_kind", K.dk_kind, offsetof(PyDictKeysObject, dk_kind));
	same("dk_nentries", K.dk_nentries, offsetof(PyDictKeysObject, dk_nentries));
	same("dk_indices", K.dk_indices, offsetof(PyDictKeysObject, dk_indices));
	same("dk_entry_size", K.dk_entry_size, sizeof(PyDictKeyEntry));
	same("dk_unicode_entry_size", K.dk_unicode_entry_size, sizeof(PyDictUnicodeEntry));
	same("dke_key", K.dke_key, offsetof(PyDictKeyEntry, me_key));
	same("dke_value", K.dke_value, offsetof(PyDictKeyEntry, me_value));
	same("dku_key", K.dku_key, offsetof(PyDictUnicodeEntry, me_key));
	same("dku_value", K.dku_value, offsetof(PyDictUnicodeEntry, me_value));
	same("dv_values", K.dv_values, offsetof(PyDictValues, values));
	same("module_dict", K.module_dict, offsetof(PyModuleObject, md_dict));
	same("gil_size", K.gil_size, sizeof(struct _gil_runtime_state));
	same("long_size_shift", K.long_size_shift, _PyLong_NON_SIZE_BITS);
	same("long_shift", K.long_shift, PyLong_SHIFT);
	same("digit size", 4, sizeof(digit));
	same("co_nlocalsplus", K.co_nlocalsplus, offsetof(PyCodeObject, co_nlocalsplus));
	same("co_exceptiontable", K.co_exceptiontable, offsetof(PyCodeObject, co_exceptiontable));
	same("co_fast_cell", K.co_fast_cell, CO_FAST_CELL);
	same("co_fast_free", K.co_fast_free, CO_FAST_FREE);
	same("cfn_ml", K.cfn_ml, offsetof(PyCFunctionObject, m_ml));
	same("cfn_self", K.cfn_self, offsetof(PyCFunctionObject, m_self));
	same("ml_name", K.ml_name, offsetof(PyMethodDef, ml_name));
	same("descr_name", K.descr_name, offsetof(PyDescrObject, d_name));
	same("lock_lock", K.lock_lock, offsetof(lockobject, lock));
	same("rlock_lock", K.rlock_lock, offsetof(rlockobject, RLOCK_LOCK));
	same("rlock_owner", K.rlock_owner, offsetof(rlockobject, RLOCK_OWNER));
	same("rlock_count", K.rlock_count, offsetof(rlockobject, RLOCK_COUNT));
	same("rlock_parks", K.rlock_parks, PY_MINOR_VERSION >= 14);
	same("rlock owner is a word", sizeof(((rlockobject *)0)->RLOCK_OWNER), 8);
	same("rlock count is a word", sizeof(((rlockobject *)0)->RLOCK_COUNT), 8);
	same("park_addr_before_sema", K.park_addr_before_sema,
	     offsetof(struct wait_entry, sema) - offsetof(struct wait_entry, addr));
	same("semaphore word first", offsetof(_PySemaphore, platform_sem), 0);
	same("with_exit_unbound", K.with_exit_unbound, PY_MINOR_VERSION >= 14);
	check_asyncio();
	if (!bad)
		printf("lurk's 3.%d declarations and constants match the headers\n",
		       PY_MINOR_VERSION);
	return bad;
}
