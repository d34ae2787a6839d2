/* layout-311.c - CPython 3.11's layout, from its own headers (python3.11-dev) */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <frameobject.h>
#include <internal/pycore_code.h>
#include <internal/pycore_dict.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_moduleobject.h>
#include <internal/pycore_object.h>
#include <internal/pycore_runtime.h>
#include <opcode.h>
#include <pythread.h>
#include <string.h>

#include "layout.h"

#if PY_MAJOR_VERSION != 3 || PY_MINOR_VERSION != 11
#error "layout-311.c needs CPython 3.11's headers"
#endif

/*
 * _thread.lock and _thread.RLock are defined in Modules/_threadmodule.c,
 * in no header: restated here member for member from 3.11's source, with
 * the headers' types, so the compiler still lays them out.
 */
typedef struct {
	PyObject_HEAD PyThread_type_lock lock_lock;
	PyObject *in_weakreflist;
	char locked;
} py311_lockobject;

typedef struct {
	PyObject_HEAD PyThread_type_lock rlock_lock;
	unsigned long rlock_owner;
	unsigned long rlock_count;
	PyObject *in_weakreflist;
} py311_rlockobject;

static struct py_layout layout_311 = {
	.name = "3.11",
	.hexminor = 0x030b0000,
	.ptr = sizeof(void *),

	.rt_interp_head = offsetof(_PyRuntimeState, interpreters.head),
	.rt_gil = offsetof(_PyRuntimeState, ceval.gil),
	.rt_gil_size = sizeof(struct _gil_runtime_state),
	.rt_gil_locked = offsetof(_PyRuntimeState, ceval.gil.locked),
	.rt_gil_last_holder = offsetof(_PyRuntimeState, ceval.gil.last_holder),
	.rt_finalizing = offsetof(_PyRuntimeState, _finalizing),

	.is_next = offsetof(PyInterpreterState, next),
	.is_id = offsetof(PyInterpreterState, id),
	.is_threads_head = offsetof(PyInterpreterState, threads.head),
	.is_modules = offsetof(PyInterpreterState, modules),
	.is_gc = offsetof(PyInterpreterState, gc),
	.gc_lists_at = offsetof(struct _gc_runtime_state, generations),
	.gc_list_size = sizeof(struct gc_generation),
	.gc_lists = NUM_GENERATIONS,
	.gc_permanent = offsetof(struct _gc_runtime_state, permanent_generation),
	.tp_basicsize = offsetof(PyTypeObject, tp_basicsize),
	.tp_itemsize = offsetof(PyTypeObject, tp_itemsize),

	.ts_next = offsetof(PyThreadState, next),
	.ts_cframe = offsetof(PyThreadState, cframe),
	.ts_thread_id = offsetof(PyThreadState, thread_id),
	.ts_native_thread_id = offsetof(PyThreadState, native_thread_id),
	.ts_datastack_chunk = offsetof(PyThreadState, datastack_chunk),
	.ts_c_profilefunc = offsetof(PyThreadState, c_profilefunc),
	.cf_current_frame = offsetof(_PyCFrame, current_frame),

	.fr_func = offsetof(_PyInterpreterFrame, f_func),
	.fr_globals = offsetof(_PyInterpreterFrame, f_globals),
	.fr_code = offsetof(_PyInterpreterFrame, f_code),
	.fr_previous = offsetof(_PyInterpreterFrame, previous),
	.fr_prev_instr = offsetof(_PyInterpreterFrame, prev_instr),
	.fr_is_entry = offsetof(_PyInterpreterFrame, is_entry),
	.fr_owner = offsetof(_PyInterpreterFrame, owner),
	.fr_localsplus = offsetof(_PyInterpreterFrame, localsplus),

	.co_filename = offsetof(PyCodeObject, co_filename),
	.co_name = offsetof(PyCodeObject, co_name),
	.co_qualname = offsetof(PyCodeObject, co_qualname),
	.co_linetable = offsetof(PyCodeObject, co_linetable),
	.co_exceptiontable = offsetof(PyCodeObject, co_exceptiontable),
	.co_firstlineno = offsetof(PyCodeObject, co_firstlineno),
	.co_nlocalsplus = offsetof(PyCodeObject, co_nlocalsplus),
	.co_localsplusnames = offsetof(PyCodeObject, co_localsplusnames),
	.co_localspluskinds = offsetof(PyCodeObject, co_localspluskinds),
	.co_stacksize = offsetof(PyCodeObject, co_stacksize),
	.co_code_adaptive = offsetof(PyCodeObject, co_code_adaptive),
	.co_fast_cell = CO_FAST_CELL,
	.co_fast_free = CO_FAST_FREE,

	.fn_code = offsetof(PyFunctionObject, func_code),
	.fn_qualname = offsetof(PyFunctionObject, func_qualname),
	.fn_closure = offsetof(PyFunctionObject, func_closure),
	.fn_dict = offsetof(PyFunctionObject, func_dict),
	.cell_ref = offsetof(PyCellObject, ob_ref),
	.cfn_ml = offsetof(PyCFunctionObject, m_ml),
	.cfn_self = offsetof(PyCFunctionObject, m_self),
	.ml_name = offsetof(PyMethodDef, ml_name),

	.ob_type = offsetof(PyObject, ob_type),
	.object_size = sizeof(PyObject),
	.ob_size = offsetof(PyVarObject, ob_size),
	.tp_name = offsetof(PyTypeObject, tp_name),
	.tp_flags = offsetof(PyTypeObject, tp_flags),
	.tp_base = offsetof(PyTypeObject, tp_base),
	.tp_dictoffset = offsetof(PyTypeObject, tp_dictoffset),
	.ht_cached_keys = offsetof(PyHeapTypeObject, ht_cached_keys),
	.tpflags_managed_dict = Py_TPFLAGS_MANAGED_DICT,
	.tpflags_heaptype = Py_TPFLAGS_HEAPTYPE,

	.u_length = offsetof(PyASCIIObject, length),
	.u_state = offsetof(PyASCIIObject, state),
	.u_ascii_size = sizeof(PyASCIIObject),
	.u_compact_size = sizeof(PyCompactUnicodeObject),

	.long_digits = offsetof(PyLongObject, ob_digit),
	.long_digit_size = sizeof(digit),
	.long_shift = PyLong_SHIFT,
	.float_val = offsetof(PyFloatObject, ob_fval),
	.bytes_sval = offsetof(PyBytesObject, ob_sval),
	.tuple_items = offsetof(PyTupleObject, ob_item),
	.list_items = offsetof(PyListObject, ob_item),
	.module_dict = offsetof(PyModuleObject, md_dict),

	.d_used = offsetof(PyDictObject, ma_used),
	.d_keys = offsetof(PyDictObject, ma_keys),
	.d_values = offsetof(PyDictObject, ma_values),
	.dk_log2_size = offsetof(PyDictKeysObject, dk_log2_size),
	.dk_log2_index_bytes = offsetof(PyDictKeysObject, dk_log2_index_bytes),
	.dk_kind = offsetof(PyDictKeysObject, dk_kind),
	.dk_nentries = offsetof(PyDictKeysObject, dk_nentries),
	.dk_indices = offsetof(PyDictKeysObject, dk_indices),
	.dk_entry_size = sizeof(PyDictKeyEntry),
	.dk_unicode_entry_size = sizeof(PyDictUnicodeEntry),
	.dke_key = offsetof(PyDictKeyEntry, me_key),
	.dke_value = offsetof(PyDictKeyEntry, me_value),
	.dku_key = offsetof(PyDictUnicodeEntry, me_key),
	.dku_value = offsetof(PyDictUnicodeEntry, me_value),
	.dv_values = offsetof(PyDictValues, values),

	.lock_lock = offsetof(py311_lockobject, lock_lock),
	.rlock_lock = offsetof(py311_rlockobject, rlock_lock),
	.rlock_owner = offsetof(py311_rlockobject, rlock_owner),
	.rlock_count = offsetof(py311_rlockobject, rlock_count),
};

/* The first bit set in a 32-bit word. */
static uint32_t low_bit(uint32_t v)
{
	uint32_t shift = 0;

	while (v && !(v & 1)) {
		v >>= 1;
		shift++;
	}
	return shift;
}

/*
 * What offsetof cannot say: the bits of PyASCIIObject.state (a bitfield)
 * and where a managed __dict__ sits before an object. Both are measured
 * on this compiler's layout of the headers' own definitions.
 */
static void measure(struct py_layout *l)
{
	PyASCIIObject u;
	uint32_t word;
	static PyTypeObject managed;
	PyObject *words[8] = { 0 };
	PyObject *obj = (PyObject *)&words[4];

	memset(&u, 0, sizeof(u));
	u.state.kind = 7;
	memcpy(&word, &u.state, sizeof(word));
	l->u_kind_shift = low_bit(word);
	l->u_kind_mask = word >> l->u_kind_shift;
	memset(&u, 0, sizeof(u));
	u.state.compact = 1;
	memcpy(&l->u_compact_bit, &u.state, sizeof(word));
	memset(&u, 0, sizeof(u));
	u.state.ascii = 1;
	memcpy(&l->u_ascii_bit, &u.state, sizeof(word));

	/* The headers' inline functions on a stand-in object of a managed-dict type. */
	managed.tp_flags = Py_TPFLAGS_MANAGED_DICT;
	obj->ob_type = &managed;
	l->managed_dict_slot = _PyObject_ManagedDictPointer(obj) - (PyObject **)obj;
	l->managed_values_slot = (PyObject **)_PyObject_ValuesPointer(obj) - (PyObject **)obj;
}

const struct py_layout *py_layout_311(void)
{
	static int measured;

	if (!measured) {
		measure(&layout_311);
		measured = 1;
	}
	return &layout_311;
}

/*
 * Modules/_asynciomodule.c's TaskObj of 3.11: the future's head (loop,
 * callback0, context0, callbacks, exception, exception_tb, result,
 * source_tb, cancel_msg, then the state), then fut_waiter, coro and name.
 * Debian 12's 3.11.2 has exception_tb, as later 3.11 releases do.
 */
_Static_assert(FRAME_SUSPENDED == -1 && FRAME_EXECUTING == 0,
	       "pytasks.c reads 3.11's generator frame states as -1 suspended, 0 running");

static const struct py_tasks_layout tasks_311 = {
	.all_tasks = "_all_tasks",
	.await_by_resume = true,
	.op_resume = RESUME,
	.op_resume_quick = RESUME_QUICK,
	.gi_iframe = offsetof(PyGenObject, gi_iframe),
	.gi_frame_state = offsetof(PyGenObject, gi_frame_state),
	.fr_stacktop = offsetof(_PyInterpreterFrame, stacktop),
	.set_mask = offsetof(PySetObject, mask),
	.set_table = offsetof(PySetObject, table),
	.set_entry_size = sizeof(setentry),
	.wr_object = offsetof(PyWeakReference, wr_object),
	.task_state = sizeof(PyObject) + 9 * sizeof(PyObject *),
	.task_coro = sizeof(PyObject) + 15 * sizeof(PyObject *),
	.task_name = sizeof(PyObject) + 16 * sizeof(PyObject *),
};

const struct py_tasks_layout *py_tasks_layout_311(void)
{
	return &tasks_311;
}
