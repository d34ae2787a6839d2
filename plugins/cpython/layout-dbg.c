/* layout-dbg.c - the layout of CPython 3.13 and later, from the interpreter's own _Py_DebugOffsets */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "debug-offsets.h"
#include "layout.h"

/* The groups the plugin reads, the same in 3.13 and 3.14 but for where they sit. */
struct dbg {
	uint64_t version, free_threaded;
	uint64_t rt_size, rt_finalizing, rt_interpreters_head;
	uint64_t is_size, is_id, is_next, is_threads_head, is_modules, is_ceval_gil, is_gil,
		is_gil_locked, is_gil_holder, is_gc;
	uint64_t ts_size, ts_next, ts_current_frame, ts_thread_id, ts_native_thread_id,
		ts_datastack_chunk;
	uint64_t fr_size, fr_previous, fr_executable, fr_instr_ptr, fr_localsplus, fr_owner;
	uint64_t co_size, co_filename, co_name, co_qualname, co_linetable, co_firstlineno,
		co_localsplusnames, co_localspluskinds, co_code_adaptive;
	uint64_t ob_size, ob_type;
	uint64_t tp_size, tp_name, tp_flags;
	uint64_t tuple_size, tuple_items, tuple_ob_size, list_size, list_items;
	uint64_t dict_size, dict_keys, dict_values;
	uint64_t float_size, float_val, long_size, long_tag, long_digits;
	uint64_t bytes_size, bytes_sval, u_size, u_state, u_length, u_ascii_size;
	/* PEP 768's (3.14 on; 0 before) */
	uint64_t rd_eval_breaker, rd_support, rd_enabled, rd_pending, rd_path, rd_path_size;
};

/* Both declarations name their members alike: one macro copies either. */
#define DBG_COPY(d, s)                                                            \
	do {                                                                      \
		(d)->version = (s)->version;                                      \
		(d)->free_threaded = (s)->free_threaded;                          \
		(d)->rt_size = (s)->runtime_state.size;                           \
		(d)->rt_finalizing = (s)->runtime_state.finalizing;               \
		(d)->rt_interpreters_head = (s)->runtime_state.interpreters_head; \
		(d)->is_size = (s)->interpreter_state.size;                       \
		(d)->is_id = (s)->interpreter_state.id;                           \
		(d)->is_next = (s)->interpreter_state.next;                       \
		(d)->is_threads_head = (s)->interpreter_state.threads_head;       \
		(d)->is_modules = (s)->interpreter_state.imports_modules;         \
		(d)->is_gc = (s)->interpreter_state.gc;                           \
		(d)->is_ceval_gil = (s)->interpreter_state.ceval_gil;             \
		(d)->is_gil = (s)->interpreter_state.gil_runtime_state;           \
		(d)->is_gil_locked = (s)->interpreter_state.gil_locked;           \
		(d)->is_gil_holder = (s)->interpreter_state.gil_holder;           \
		(d)->ts_size = (s)->thread_state.size;                            \
		(d)->ts_next = (s)->thread_state.next;                            \
		(d)->ts_current_frame = (s)->thread_state.current_frame;          \
		(d)->ts_thread_id = (s)->thread_state.thread_id;                  \
		(d)->ts_native_thread_id = (s)->thread_state.native_thread_id;    \
		(d)->ts_datastack_chunk = (s)->thread_state.datastack_chunk;      \
		(d)->fr_size = (s)->interpreter_frame.size;                       \
		(d)->fr_previous = (s)->interpreter_frame.previous;               \
		(d)->fr_executable = (s)->interpreter_frame.executable;           \
		(d)->fr_instr_ptr = (s)->interpreter_frame.instr_ptr;             \
		(d)->fr_localsplus = (s)->interpreter_frame.localsplus;           \
		(d)->fr_owner = (s)->interpreter_frame.owner;                     \
		(d)->co_size = (s)->code_object.size;                             \
		(d)->co_filename = (s)->code_object.filename;                     \
		(d)->co_name = (s)->code_object.name;                             \
		(d)->co_qualname = (s)->code_object.qualname;                     \
		(d)->co_linetable = (s)->code_object.linetable;                   \
		(d)->co_firstlineno = (s)->code_object.firstlineno;               \
		(d)->co_localsplusnames = (s)->code_object.localsplusnames;       \
		(d)->co_localspluskinds = (s)->code_object.localspluskinds;       \
		(d)->co_code_adaptive = (s)->code_object.co_code_adaptive;        \
		(d)->ob_size = (s)->pyobject.size;                                \
		(d)->ob_type = (s)->pyobject.ob_type;                             \
		(d)->tp_size = (s)->type_object.size;                             \
		(d)->tp_name = (s)->type_object.tp_name;                          \
		(d)->tp_flags = (s)->type_object.tp_flags;                        \
		(d)->tuple_size = (s)->tuple_object.size;                         \
		(d)->tuple_items = (s)->tuple_object.ob_item;                     \
		(d)->tuple_ob_size = (s)->tuple_object.ob_size;                   \
		(d)->list_size = (s)->list_object.size;                           \
		(d)->list_items = (s)->list_object.ob_item;                       \
		(d)->dict_size = (s)->dict_object.size;                           \
		(d)->dict_keys = (s)->dict_object.ma_keys;                        \
		(d)->dict_values = (s)->dict_object.ma_values;                    \
		(d)->float_size = (s)->float_object.size;                         \
		(d)->float_val = (s)->float_object.ob_fval;                       \
		(d)->long_size = (s)->long_object.size;                           \
		(d)->long_tag = (s)->long_object.lv_tag;                          \
		(d)->long_digits = (s)->long_object.ob_digit;                     \
		(d)->bytes_size = (s)->bytes_object.size;                         \
		(d)->bytes_sval = (s)->bytes_object.ob_sval;                      \
		(d)->u_size = (s)->unicode_object.size;                           \
		(d)->u_state = (s)->unicode_object.state;                         \
		(d)->u_length = (s)->unicode_object.length;                       \
		(d)->u_ascii_size = (s)->unicode_object.asciiobject_size;         \
	} while (0)

size_t py_debug_offsets_size(void)
{
	return sizeof(struct py_dbg_314) > sizeof(struct py_dbg_313) ? sizeof(struct py_dbg_314)
								     : sizeof(struct py_dbg_313);
}

/*
 * Every offset read must lie inside the structure its group sizes (and
 * the sizes be sizes): a table that is not one, or a later version that
 * moved the groups, is refused here rather than read through.
 */
struct check {
	const char *name;
	uint64_t off, size;
};

static int plausible(const struct check *c, size_t n, char *why, size_t whylen)
{
	for (size_t i = 0; i < n; i++) {
		if (!c[i].size || c[i].size > (1u << 20)) {
			snprintf(why, whylen, "the size of %s's structure is %" PRIu64, c[i].name,
				 c[i].size);
			return -1;
		}
		if (c[i].off >= c[i].size) {
			snprintf(why, whylen,
				 "%s is at %" PRIu64 ", beyond its structure's %" PRIu64 " bytes",
				 c[i].name, c[i].off, c[i].size);
			return -1;
		}
	}
	return 0;
}

static int check_all(const struct dbg *d, char *why, size_t whylen)
{
	const struct check c[] = {
		{ "runtime.finalizing", d->rt_finalizing, d->rt_size },
		{ "runtime.interpreters_head", d->rt_interpreters_head, d->rt_size },
		{ "interpreter.id", d->is_id, d->is_size },
		{ "interpreter.next", d->is_next, d->is_size },
		{ "interpreter.threads_head", d->is_threads_head, d->is_size },
		{ "interpreter.imports_modules", d->is_modules, d->is_size },
		{ "interpreter.gc", d->is_gc, d->is_size },
		{ "interpreter.ceval_gil", d->is_ceval_gil, d->is_size },
		{ "interpreter.gil_runtime_state", d->is_gil, d->is_size },
		{ "interpreter.gil_locked", d->is_gil_locked, d->is_size },
		{ "interpreter.gil_holder", d->is_gil_holder, d->is_size },
		{ "thread_state.next", d->ts_next, d->ts_size },
		{ "thread_state.current_frame", d->ts_current_frame, d->ts_size },
		{ "thread_state.thread_id", d->ts_thread_id, d->ts_size },
		{ "thread_state.native_thread_id", d->ts_native_thread_id, d->ts_size },
		{ "thread_state.datastack_chunk", d->ts_datastack_chunk, d->ts_size },
		{ "interpreter_frame.previous", d->fr_previous, d->fr_size },
		{ "interpreter_frame.executable", d->fr_executable, d->fr_size },
		{ "interpreter_frame.instr_ptr", d->fr_instr_ptr, d->fr_size },
		{ "interpreter_frame.localsplus", d->fr_localsplus, d->fr_size },
		{ "interpreter_frame.owner", d->fr_owner, d->fr_size },
		{ "code_object.filename", d->co_filename, d->co_size },
		{ "code_object.name", d->co_name, d->co_size },
		{ "code_object.qualname", d->co_qualname, d->co_size },
		{ "code_object.linetable", d->co_linetable, d->co_size },
		{ "code_object.firstlineno", d->co_firstlineno, d->co_size },
		{ "code_object.localsplusnames", d->co_localsplusnames, d->co_size },
		{ "code_object.localspluskinds", d->co_localspluskinds, d->co_size },
		{ "code_object.co_code_adaptive", d->co_code_adaptive, d->co_size },
		{ "pyobject.ob_type", d->ob_type, d->ob_size },
		{ "type_object.tp_name", d->tp_name, d->tp_size },
		{ "type_object.tp_flags", d->tp_flags, d->tp_size },
		{ "tuple_object.ob_item", d->tuple_items, d->tuple_size },
		{ "tuple_object.ob_size", d->tuple_ob_size, d->tuple_size },
		{ "list_object.ob_item", d->list_items, d->list_size },
		{ "dict_object.ma_keys", d->dict_keys, d->dict_size },
		{ "dict_object.ma_values", d->dict_values, d->dict_size },
		{ "float_object.ob_fval", d->float_val, d->float_size },
		{ "long_object.lv_tag", d->long_tag, d->long_size },
		{ "long_object.ob_digit", d->long_digits, d->long_size },
		{ "bytes_object.ob_sval", d->bytes_sval, d->bytes_size },
		{ "unicode_object.state", d->u_state, d->u_size },
		{ "unicode_object.length", d->u_length, d->u_size },
		/* a size, not an offset: the data of an ASCII str starts there */
		{ "unicode_object.asciiobject_size", d->u_ascii_size - 1, d->u_size },
	};

	return plausible(c, sizeof(c) / sizeof(c[0]), why, whylen);
}

static void fill(struct py_layout *l, const struct dbg *d, const struct py_consts *k)
{
	l->ptr = sizeof(void *);
	l->dbg = true;
	l->free_threaded = d->free_threaded != 0;

	l->rt_interp_head = d->rt_interpreters_head;
	l->rt_finalizing = d->rt_finalizing;
	l->rt_gil = d->is_gil;
	l->rt_gil_size = k->gil_size;
	l->rt_gil_locked = d->is_gil_locked;
	l->rt_gil_last_holder = d->is_gil_holder;

	l->is_next = d->is_next;
	l->is_id = d->is_id;
	l->is_gil_ptr = d->is_ceval_gil;
	l->is_threads_head = d->is_threads_head;
	l->is_modules = d->is_modules;
	l->is_gc = d->is_gc;
	l->gc_lists_at = k->gc_lists_at;
	l->gc_list_size = k->gc_list_size;
	l->gc_lists = (unsigned)k->gc_lists;
	l->gc_permanent = k->gc_permanent;

	l->ts_next = d->ts_next;
	l->ts_cframe = d->ts_current_frame;
	l->ts_thread_id = d->ts_thread_id;
	l->ts_native_thread_id = d->ts_native_thread_id;
	l->ts_datastack_chunk = d->ts_datastack_chunk;

	l->fr_func = k->fr_funcobj;
	l->fr_globals = k->fr_globals;
	l->fr_code = d->fr_executable;
	l->fr_previous = d->fr_previous;
	l->fr_prev_instr = d->fr_instr_ptr;
	l->fr_owner = d->fr_owner;
	l->fr_localsplus = d->fr_localsplus;
	l->fr_owner_shim = k->fr_owner_shim;
	l->fr_tag_bits = k->fr_tag_bits;

	l->co_filename = d->co_filename;
	l->co_name = d->co_name;
	l->co_qualname = d->co_qualname;
	l->co_linetable = d->co_linetable;
	l->co_firstlineno = d->co_firstlineno;
	l->co_localsplusnames = d->co_localsplusnames;
	l->co_localspluskinds = d->co_localspluskinds;
	l->co_code_adaptive = d->co_code_adaptive;

	l->fn_code = k->fn_code;
	l->fn_qualname = k->fn_qualname;
	l->fn_closure = k->fn_closure;
	l->fn_dict = k->fn_dict;
	l->cell_ref = k->cell_ref;

	l->ob_type = d->ob_type;
	l->object_size = d->ob_size;
	l->ob_size = d->tuple_ob_size; /* PyVarObject's, the same in every var-sized object */
	l->tp_name = d->tp_name;
	l->tp_flags = d->tp_flags;
	l->tp_basicsize = k->tp_basicsize;
	l->tp_itemsize = k->tp_basicsize + 8; /* tp_basicsize and tp_itemsize are Py_ssize_t */
	l->tp_base = k->tp_base;
	l->tp_dictoffset = k->tp_dictoffset;
	l->ht_cached_keys = k->ht_cached_keys;
	l->tpflags_managed_dict = k->tpflags_managed_dict;
	l->tpflags_heaptype = k->tpflags_heaptype;
	l->tpflags_inline_values = k->tpflags_inline_values;
	l->inline_values_after_basicsize = k->inline_values_after_basicsize;
	l->managed_dict_slot = k->managed_dict_slot;

	l->u_length = d->u_length;
	l->u_state = d->u_state;
	l->u_ascii_size = d->u_ascii_size;
	l->u_compact_size = k->u_compact_size;
	l->u_kind_shift = k->u_kind_shift;
	l->u_kind_mask = k->u_kind_mask;
	l->u_compact_bit = k->u_compact_bit;
	l->u_ascii_bit = k->u_ascii_bit;

	l->long_digits = d->long_digits;
	l->long_tag = d->long_tag;
	l->long_digit_size = 4;
	l->long_shift = k->long_shift;
	l->long_size_shift = k->long_size_shift;
	l->float_val = d->float_val;
	l->bytes_sval = d->bytes_sval;
	l->tuple_items = d->tuple_items;
	l->list_items = d->list_items;
	l->module_dict = k->module_dict;

	l->d_used = k->d_used;
	l->d_keys = d->dict_keys;
	l->d_values = d->dict_values;
	l->dk_log2_size = k->dk_log2_size;
	l->dk_log2_index_bytes = k->dk_log2_index_bytes;
	l->dk_kind = k->dk_kind;
	l->dk_nentries = k->dk_nentries;
	l->dk_indices = k->dk_indices;
	l->dk_entry_size = k->dk_entry_size;
	l->dk_unicode_entry_size = k->dk_unicode_entry_size;
	l->dke_key = k->dke_key;
	l->dke_value = k->dke_value;
	l->dku_key = k->dku_key;
	l->dku_value = k->dku_value;
	l->dv_values = k->dv_values;

	l->co_nlocalsplus = k->co_nlocalsplus;
	l->co_exceptiontable = k->co_exceptiontable;
	l->co_fast_cell = k->co_fast_cell;
	l->co_fast_free = k->co_fast_free;
	l->cfn_ml = k->cfn_ml;
	l->cfn_self = k->cfn_self;
	l->ml_name = k->ml_name;
	l->descr_name = k->descr_name;
	l->with_exit_unbound = k->with_exit_unbound;
	l->lock_lock = k->lock_lock;
	l->rlock_lock = k->rlock_lock;
	l->rlock_owner = k->rlock_owner;
	l->rlock_count = k->rlock_count;
	l->lock_parks = true;
	l->rlock_parks = k->rlock_parks;
	l->park_addr_before_sema = k->park_addr_before_sema;
}

int py_layout_from_debug(struct py_layout *l, const void *raw, size_t len, uint32_t py_version,
			 char *why, size_t whylen)
{
	unsigned minor = (py_version >> 16) & 0xff;
	const struct py_consts *k = minor == 13 ? &py_consts_313 : &py_consts_314;
	struct dbg d = { 0 };

	memset(l, 0, sizeof(*l));
	if (len < py_debug_offsets_size() || (py_version >> 24) != 3 || minor < 13) {
		snprintf(why, whylen, "no debug offsets to read");
		return -1;
	}
	if (memcmp(raw, PY_DEBUG_COOKIE, 8) != 0) {
		snprintf(why, whylen, "_PyRuntime does not start with the debug offsets' cookie");
		return -1;
	}
	if (minor == 13) {
		struct py_dbg_313 s;

		memcpy(&s, raw, sizeof(s));
		DBG_COPY(&d, &s);
	} else {
		/* Later versions are read as 3.14 when the checks below pass. */
		struct py_dbg_314 s;

		memcpy(&s, raw, sizeof(s));
		DBG_COPY(&d, &s);
		d.rd_eval_breaker = s.debugger_support.eval_breaker;
		d.rd_support = s.debugger_support.remote_debugger_support;
		d.rd_enabled = s.debugger_support.remote_debugging_enabled;
		d.rd_pending = s.debugger_support.debugger_pending_call;
		d.rd_path = s.debugger_support.debugger_script_path;
		d.rd_path_size = s.debugger_support.debugger_script_path_size;
	}
	if ((d.version >> 16) != (py_version >> 16)) {
		snprintf(why, whylen,
			 "the debug offsets say version 0x%08" PRIx64
			 ", Py_Version says 0x%08" PRIx32,
			 d.version, py_version);
		return -1;
	}
	if (check_all(&d, why, whylen) < 0)
		return -1;
	fill(l, &d, k);
	/* PEP 768 where its offsets are plausible; py exec uses the pending call otherwise. */
	if (d.rd_path_size && d.rd_path_size <= 4096 && d.rd_eval_breaker < d.ts_size &&
	    d.rd_support < d.ts_size && d.rd_support + d.rd_path + d.rd_path_size <= d.ts_size &&
	    d.rd_support + d.rd_pending + 4 <= d.ts_size && d.rd_enabled + 4 <= d.is_size) {
		l->rd_eval_breaker = d.rd_eval_breaker;
		l->rd_support = d.rd_support;
		l->rd_enabled = d.rd_enabled;
		l->rd_pending = d.rd_pending;
		l->rd_path = d.rd_path;
		l->rd_path_size = d.rd_path_size;
	}
	snprintf(l->name_buf, sizeof l->name_buf, "3.%u%s", minor,
		 minor > 14 ? " (read as 3.14)" : "");
	l->name = l->name_buf;
	l->hexminor = py_version & 0xffff0000u;
	return 0;
}
