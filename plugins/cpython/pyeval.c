/* pyeval.c - evaluating a py print expression over the target's objects, by reading memory only */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

/*
 * Nothing here runs code in the target: names are read from the selected
 * frame, its module's globals and the builtins; attributes from instance
 * dicts, slots and class dicts; subscripts from dicts (by scanning for an
 * equal key: hashing as CPython does would need the process's hash secret),
 * lists, tuples, str and bytes. Whatever would call Python code (a call, a
 * property, __getattr__, __getitem__ of another type) is refused with the
 * reason, not approximated.
 */

/* PyTypeObject's flags and members that no layout table names (the same since 3.0). */
#define TPFLAGS_HAVE_GC	      (1ul << 14)
#define TPFLAGS_TYPE_SUBCLASS (1ul << 31)
/* PyMemberDef.type of an object slot (T_OBJECT, T_OBJECT_EX) and of plain C members */
enum { T_INT = 1, T_LONG = 2, T_DOUBLE = 4, T_OBJECT = 6, T_BOOL = 14, T_OBJECT_EX = 16 };
enum { T_LONGLONG = 17, T_PYSSIZET = 19 };

#define MAX_SLICE 100000 /* items a slice of a list or tuple may have */
#define MAX_BYTES (1 << 20)
#define MAX_DICT  (1 << 24) /* entries of a dict scanned for a key */

struct py_eval {
	const struct py *py;
	bool have_frame;
	struct py_thread t;
	struct py_frame f;
	int index;
	void **allocs; /* everything values point to, freed by py_eval_done */
	size_t nallocs;
	struct py_node *tree; /* the last expression: literals' values point into it */
};

struct py_eval *py_eval_new(const struct py *py)
{
	struct py_eval *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		api->error(py->self, "out of memory");
		return NULL;
	}
	ev->py = py;
	return ev;
}

void py_eval_done(struct py_eval *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->nallocs; i++)
		free(ev->allocs[i]);
	free(ev->allocs);
	py_expr_free(ev->tree);
	free(ev);
}

static void *ev_alloc(struct py_eval *ev, size_t size)
{
	void **a = realloc(ev->allocs, (ev->nallocs + 1) * sizeof(*a));
	void *p = calloc(1, size ? size : 1);

	if (!a || !p) {
		free(p);
		if (a)
			ev->allocs = a;
		api->error(ev->py->self, "out of memory");
		return NULL;
	}
	ev->allocs = a;
	ev->allocs[ev->nallocs++] = p;
	return p;
}

/* ---- reading objects ------------------------------------------------------------------ */

static uint64_t type_flags(const struct py *py, uint64_t type)
{
	uint64_t flags = 0;

	py_read(py, type + py->l->tp_flags, &flags, sizeof(flags));
	return flags;
}

bool py_is_class(const struct py *py, uint64_t obj)
{
	uint64_t t = py_type(py, obj);

	return t && (type_flags(py, t) & TPFLAGS_TYPE_SUBCLASS);
}

static bool is_a(const struct py *py, uint64_t obj, uint64_t exact, const char *name)
{
	uint64_t t = py_type(py, obj);

	return t && (t == exact || py_type_is(py, t, name));
}

void py_class_name(const struct py *py, uint64_t type, char *buf, size_t len)
{
	uint64_t name = 0;

	if (py_ptr(py, type + py->l->tp_name, &name) < 0 ||
	    api->read_string(py->self, name, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "?");
}

/*
 * The object's type, when both the object and its type can be read; else
 * 0 with api->error set. Memory read mid-change or corrupt ends there, not
 * in a message about a type named "?".
 */
static uint64_t readable_type(const struct py *py, uint64_t obj)
{
	uint64_t t = 0, flags;

	if (py_ptr(py, obj + py->l->ob_type, &t) < 0) {
		api->error(py->self, "the object at 0x%" PRIx64 " cannot be read", obj);
		return 0;
	}
	if (!t || py_read(py, t + py->l->tp_flags, &flags, sizeof(flags)) < 0) {
		api->error(py->self,
			   "the object at 0x%" PRIx64 " has a type pointer (0x%" PRIx64
			   ") to memory that cannot be read: it is corrupt, or was being changed",
			   obj, t);
		return 0;
	}
	return t;
}

/* What Python calls the value's type, for messages. */
void py_value_type_name(const struct py *py, const struct py_value *v, char *buf, size_t len)
{
	static const char *const names[] = {
		[PV_INT] = "int",     [PV_FLOAT] = "float", [PV_STR] = "str",
		[PV_BYTES] = "bytes", [PV_BOOL] = "bool",   [PV_NONE] = "NoneType"
	};

	if (v->kind == PV_OBJ)
		py_type_name(py, v->obj, buf, len);
	else if (v->kind == PV_SEQ)
		snprintf(buf, len, "%s", v->tuple ? "tuple" : "list");
	else
		snprintf(buf, len, "%s", names[v->kind]);
}

/* An int that fits in 64 bits: 0 and *out; -1 when it does not or cannot be read. */
static int long_value(const struct py *py, uint64_t obj, int64_t *out)
{
	int64_t ndigits;
	int sign;
	uint32_t digits[3] = { 0 };
	uint64_t mag = 0;

	if (py_long_size(py, obj, &ndigits, &sign) < 0 || ndigits > 2 ||
	    py->l->long_digit_size != 4 ||
	    (ndigits && py_read(py, obj + py->l->long_digits, digits, (size_t)ndigits * 4) < 0))
		return -1;
	for (int64_t i = ndigits - 1; i >= 0; i--)
		mag = (mag << py->l->long_shift) | (digits[i] & ((1u << py->l->long_shift) - 1));
	*out = sign < 0 ? -(int64_t)mag : (int64_t)mag;
	return 0;
}

/*
 * A target object as a value lurk can compute with, where it is one of the
 * simple types: None, bool, int (64 bits), float, str, bytes. Anything else
 * (and a str or bytes too long to read whole) stays an object.
 */
static int simplify(struct py_eval *ev, const struct py_value *in, struct py_value *out)
{
	const struct py *py = ev->py;
	uint64_t obj = in->obj, t;
	bool ok;

	*out = *in;
	if (in->kind != PV_OBJ)
		return 0;
	if (obj == py->none) {
		out->kind = PV_NONE;
	} else if (obj == py->true_obj || obj == py->false_obj) {
		out->kind = PV_BOOL;
		out->i = obj == py->true_obj;
	} else if (!(t = readable_type(py, obj))) {
		return -1;
	} else if (t == py->t_long) {
		if (long_value(py, obj, &out->i) == 0)
			out->kind = PV_INT;
	} else if (t == py->t_float) {
		if (py_read(py, obj + py->l->float_val, &out->f, sizeof(out->f)) == 0)
			out->kind = PV_FLOAT;
	} else if (t == py->t_str) {
		int64_t n = py_ssize(py, obj + py->l->u_length, &ok);
		char *buf;

		if (!ok || n < 0 || n > PY_MAX_STR)
			return 0;
		if (!(buf = ev_alloc(ev, (size_t)n * 4 + 1)))
			return -1;
		if (py_str(py, obj, buf, (size_t)n * 4 + 1) < 0)
			return 0;
		out->kind = PV_STR;
		out->s = buf;
		out->len = strlen(buf);
	} else if (t == py->t_bytes) {
		int64_t n = py_ssize(py, obj + py->l->ob_size, &ok);
		char *buf;

		if (!ok || n < 0 || n > MAX_BYTES)
			return 0;
		if (!(buf = ev_alloc(ev, (size_t)n + 1)))
			return -1;
		if (n && py_read(py, obj + py->l->bytes_sval, buf, (size_t)n) < 0)
			return 0;
		out->kind = PV_BYTES;
		out->s = buf;
		out->len = (size_t)n;
	}
	return 0;
}

/* A list's or tuple's item count and where its item pointers are. -1 when v is neither. */
static int seq_of(const struct py *py, const struct py_value *v, int64_t *n, uint64_t *items)
{
	bool ok;

	if (v->kind != PV_OBJ)
		return -1;
	if (is_a(py, v->obj, py->t_tuple, "tuple"))
		return py_tuple(py, v->obj, n, items);
	if (!is_a(py, v->obj, py->t_list, "list"))
		return -1;
	*n = py_ssize(py, v->obj + py->l->ob_size, &ok);
	if (!ok || *n < 0 || py_ptr(py, v->obj + py->l->list_items, items) < 0 || (*n && !*items)) {
		api->error(py->self, "the list at 0x%" PRIx64 " cannot be read", v->obj);
		return -2;
	}
	return 0;
}

static int seq_item(struct py_eval *ev, uint64_t items, int64_t i, struct py_value *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = PV_OBJ;
	if (py_ptr(ev->py, items + 8 * (uint64_t)i, &out->obj) < 0 || !out->obj) {
		api->error(ev->py->self, "item %" PRId64 " cannot be read", i);
		return -1;
	}
	return 0;
}

#define SET_SLOTS (1 << 20) /* table slots looked at */

bool py_is_set(const struct py *py, uint64_t obj)
{
	uint64_t t = py_type(py, obj);

	return t && (py_type_is(py, t, "set") || py_type_is(py, t, "frozenset"));
}

int py_set_each(const struct py *py, uint64_t set, int (*fn)(void *arg, uint64_t key), void *arg)
{
	const struct py_layout *l = py->l;
	uint64_t table = 0, chunk[2 * 64];
	int64_t mask;
	bool ok;

	mask = py_ssize(py, set + SET_MASK(l), &ok);
	if (!ok || mask < 0 || mask >= SET_SLOTS || py_ptr(py, set + SET_TABLE(l), &table) < 0 ||
	    !table)
		return -1;
	for (int64_t i = 0; i <= mask; i += 64) {
		int64_t n = mask + 1 - i < 64 ? mask + 1 - i : 64;

		if (py_read(py, table + SET_ENTRY_SIZE * (uint64_t)i, chunk,
			    (size_t)n * SET_ENTRY_SIZE) < 0)
			return -1;
		/* {key, hash}: a free slot has no key, a deleted one the dummy key and hash -1 */
		for (int64_t k = 0; k < n; k++)
			if (chunk[2 * k] && (int64_t)chunk[2 * k + 1] != -1 &&
			    fn(arg, chunk[2 * k]))
				return 0;
	}
	return 0;
}

/* The start of code point i of UTF-8 text s (len bytes), or len. */
static size_t utf8_at(const char *s, size_t len, int64_t i)
{
	size_t p = 0;

	for (; p < len && i > 0; i--)
		for (p++; p < len && ((unsigned char)s[p] & 0xc0) == 0x80; p++)
			;
	return p;
}

static int64_t utf8_count(const char *s, size_t len)
{
	int64_t n = 0;

	for (size_t p = 0; p < len; p++)
		n += ((unsigned char)s[p] & 0xc0) != 0x80;
	return n;
}

/* ---- equality and order of simple values ------------------------------------------------ */

static bool is_number(const struct py_value *v)
{
	return v->kind == PV_INT || v->kind == PV_BOOL || v->kind == PV_FLOAT;
}

static double as_double(const struct py_value *v)
{
	return v->kind == PV_FLOAT ? v->f : (double)v->i;
}

/* A value's items when it is a sequence (a list or tuple of the target, or lurk's own). */
static int items_of(struct py_eval *ev, const struct py_value *v, struct py_value **items,
		    size_t *n, bool *tuple)
{
	int64_t count;
	uint64_t at;

	if (v->kind == PV_SEQ) {
		*items = v->items;
		*n = v->n;
		*tuple = v->tuple;
		return 0;
	}
	if (seq_of(ev->py, v, &count, &at) != 0 || count > MAX_SLICE)
		return -1;
	*tuple = is_a(ev->py, v->obj, ev->py->t_tuple, "tuple");
	if (!(*items = ev_alloc(ev, (size_t)count * sizeof(**items))))
		return -1;
	for (int64_t i = 0; i < count; i++)
		if (seq_item(ev, at, i, &(*items)[i]) < 0)
			return -1;
	*n = (size_t)count;
	return 0;
}

/*
 * a == b as Python says for the simple types (1 == 1.0 == True, tuples item
 * by item), identity for other objects: 1 or 0, -1 on an error. Objects of
 * other types are equal only when they are the same object, as for a key
 * whose class does not define __eq__.
 */
static int equal(struct py_eval *ev, const struct py_value *a0, const struct py_value *b0)
{
	struct py_value a, b;

	if (simplify(ev, a0, &a) < 0 || simplify(ev, b0, &b) < 0)
		return -1;
	if (is_number(&a) && is_number(&b))
		return as_double(&a) == as_double(&b) &&
		       (a.kind == PV_FLOAT || b.kind == PV_FLOAT || a.i == b.i);
	if (a.kind == PV_NONE || b.kind == PV_NONE)
		return a.kind == b.kind;
	if ((a.kind == PV_STR && b.kind == PV_STR) || (a.kind == PV_BYTES && b.kind == PV_BYTES))
		return a.len == b.len && !memcmp(a.s, b.s, a.len);
	if (a.kind == PV_OBJ && b.kind == PV_OBJ && a.obj == b.obj)
		return 1;
	struct py_value *ai, *bi;
	size_t an, bn;
	bool at, bt;

	if ((a.kind == PV_SEQ || a.kind == PV_OBJ) && (b.kind == PV_SEQ || b.kind == PV_OBJ)) {
		int64_t na, nb;
		uint64_t ia, ib;
		bool seq_a = a.kind == PV_SEQ || seq_of(ev->py, &a, &na, &ia) == 0;
		bool seq_b = b.kind == PV_SEQ || seq_of(ev->py, &b, &nb, &ib) == 0;

		if (!seq_a || !seq_b)
			return 0;
		if (items_of(ev, &a, &ai, &an, &at) < 0 || items_of(ev, &b, &bi, &bn, &bt) < 0)
			return -1;
		if (at != bt || an != bn)
			return 0;
		for (size_t i = 0; i < an; i++) {
			int eq = equal(ev, &ai[i], &bi[i]);

			if (eq <= 0)
				return eq;
		}
		return 1;
	}
	return 0;
}

/* The sign of a - b for numbers, str and bytes; -2 (api->error set) for other types. */
static int order(struct py_eval *ev, const struct py_value *a0, const struct py_value *b0,
		 const char *op)
{
	struct py_value a, b;
	char ta[64], tb[64];

	if (simplify(ev, a0, &a) < 0 || simplify(ev, b0, &b) < 0)
		return -2;
	if (is_number(&a) && is_number(&b)) {
		if (a.kind != PV_FLOAT && b.kind != PV_FLOAT)
			return (a.i > b.i) - (a.i < b.i);
		return (as_double(&a) > as_double(&b)) - (as_double(&a) < as_double(&b));
	}
	if ((a.kind == PV_STR && b.kind == PV_STR) || (a.kind == PV_BYTES && b.kind == PV_BYTES)) {
		/* UTF-8 orders as the code points do. */
		int c = memcmp(a.s, b.s, a.len < b.len ? a.len : b.len);

		return c ? (c > 0) - (c < 0) : (a.len > b.len) - (a.len < b.len);
	}
	py_value_type_name(ev->py, &a, ta, sizeof ta);
	py_value_type_name(ev->py, &b, tb, sizeof tb);
	api->error(ev->py->self,
		   "'%s' is not evaluated between %s and %s (lurk orders numbers, "
		   "str and bytes)",
		   op, ta, tb);
	return -2;
}

/* ---- dicts --------------------------------------------------------------------------- */

struct key_search {
	struct py_eval *ev;
	const struct py_value *want;
	uint64_t value;
	int64_t seen;
	int failed;
	int64_t want_cps; /* code points of want, a str */
};

/*
 * Whether a str of the target is the text want (UTF-8 of want_cps code
 * points), without keeping a copy: the common case of a key lookup, done
 * for every entry of a big dict. -1 when obj is not a str lurk reads whole.
 */
static int str_is(const struct py *py, uint64_t obj, const struct py_value *want, int64_t want_cps)
{
	static char buf[PY_MAX_STR * 4 + 1];
	bool ok;
	int64_t n;

	if (py_type(py, obj) != py->t_str)
		return -1;
	n = py_ssize(py, obj + py->l->u_length, &ok);
	if (!ok || n < 0 || n > PY_MAX_STR)
		return -1;
	if (n != want_cps)
		return 0;
	if (py_str(py, obj, buf, sizeof buf) < 0)
		return -1;
	return strlen(buf) == want->len && !memcmp(buf, want->s, want->len);
}

static int key_matches(void *arg, uint64_t key, uint64_t value)
{
	struct key_search *k = arg;
	struct py_value kv = { .kind = PV_OBJ, .obj = key };
	int eq = -1;

	k->seen++;
	if (k->want->kind == PV_STR)
		eq = str_is(k->ev->py, key, k->want, k->want_cps);
	if (eq < 0)
		eq = equal(k->ev, &kv, k->want);
	if (eq < 0) {
		k->failed = 1;
		return 1;
	}
	if (eq)
		k->value = value;
	return eq;
}

/*
 * The dict's entry count, checked against its keys table: a dict read while
 * it was being changed (resized, say: the process stopped inside an
 * insertion) has counts that disagree, and its entries cannot be trusted.
 */
static int dict_check(const struct py *py, uint64_t dict, int64_t *used)
{
	const struct py_layout *l = py->l;
	uint64_t keys = 0;
	uint8_t log2_size = 0;
	int64_t nentries;
	bool ok, ok2;

	*used = py_ssize(py, dict + l->d_used, &ok);
	if (!ok || py_ptr(py, dict + l->d_keys, &keys) < 0 || !keys ||
	    py_read(py, keys + l->dk_log2_size, &log2_size, 1) < 0) {
		api->error(py->self, "the dict at 0x%" PRIx64 " cannot be read", dict);
		return -1;
	}
	nentries = py_ssize(py, keys + l->dk_nentries, &ok2);
	if (!ok2 || *used < 0 || log2_size > 30 || nentries < *used ||
	    nentries > ((int64_t)1 << log2_size)) {
		api->error(py->self,
			   "the dict at 0x%" PRIx64 " is inconsistent (%" PRId64
			   " items in use, %" PRId64 " entries in a table of %d): it was being "
			   "changed when the process stopped (a resize?), or is corrupt",
			   dict, *used, nentries, 1 << (log2_size > 30 ? 0 : log2_size));
		return -1;
	}
	if (nentries > MAX_DICT) {
		api->error(py->self,
			   "the dict at 0x%" PRIx64 " has %" PRId64
			   " entries: more than lurk scans (%d)",
			   dict, nentries, MAX_DICT);
		return -1;
	}
	return 0;
}

/* 1 and *value when the dict has the key, 0 when not, -1 on an error. */
static int dict_find(struct py_eval *ev, uint64_t dict, const struct py_value *key, uint64_t *value)
{
	struct key_search k = { ev, key, 0, 0, 0, 0 };
	int64_t used;

	if (dict_check(ev->py, dict, &used) < 0)
		return -1;
	if (key->kind == PV_STR)
		k.want_cps = utf8_count(key->s, key->len);
	if (py_dict_each_upto(ev->py, dict, MAX_DICT, key_matches, &k) < 0) {
		api->error(ev->py->self, "the entries of the dict at 0x%" PRIx64 " cannot be read",
			   dict);
		return -1;
	}
	if (k.failed)
		return -1;
	*value = k.value;
	return k.value != 0;
}

static uint64_t dict_get_str(struct py_eval *ev, uint64_t dict, const char *name)
{
	struct py_value key = { .kind = PV_STR, .s = name, .len = strlen(name) };
	uint64_t value = 0;

	return dict && dict_find(ev, dict, &key, &value) == 1 ? value : 0;
}

/* ---- names ------------------------------------------------------------------------------- */

static int need_frame(struct py_eval *ev)
{
	if (ev->have_frame)
		return 0;
	if (ev->py->l->free_threaded) {
		api->error(ev->py->self, "names are not read in a free-threaded build");
		return -1;
	}
	if (py_selected_frame(ev->py, &ev->t, &ev->f, &ev->index) < 0)
		return -1;
	ev->have_frame = true;
	return 0;
}

struct local_search {
	const char *name;
	uint64_t value;
	bool found;
};

static int local_matches(void *arg, const char *name, uint64_t value)
{
	struct local_search *s = arg;

	if (strcmp(name, s->name) != 0)
		return 0;
	s->value = value;
	s->found = true;
	return 1;
}

static uint64_t builtins_dict(struct py_eval *ev)
{
	uint64_t b = dict_get_str(ev, ev->f.globals, "__builtins__"), dict = 0;

	/* __main__'s __builtins__ is the module, other modules' its dict */
	if (b && is_a(ev->py, b, ev->py->t_module, "module"))
		py_ptr(ev->py, b + ev->py->l->module_dict, &dict);
	else if (b && is_a(ev->py, b, ev->py->t_dict, "dict"))
		dict = b;
	return dict;
}

static int eval_name(struct py_eval *ev, const struct py_node *n, struct py_value *out)
{
	struct local_search s = { n->text, 0, false };
	uint64_t v, modname;
	char module[128] = "?";

	if (need_frame(ev) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->kind = PV_OBJ;
	if (py_locals_each(ev->py, &ev->f, local_matches, &s) == 0 && s.found) {
		if (!s.value) {
			api->error(ev->py->self,
				   "local variable \"%s\" of #%d %s has no value yet (or was "
				   "deleted)",
				   n->text, ev->index, ev->f.name);
			return -1;
		}
		out->obj = s.value;
		return 0;
	}
	if ((v = dict_get_str(ev, ev->f.globals, n->text)) ||
	    (v = dict_get_str(ev, builtins_dict(ev), n->text))) {
		out->obj = v;
		return 0;
	}
	modname = dict_get_str(ev, ev->f.globals, "__name__");
	if (modname)
		py_str(ev->py, modname, module, sizeof module);
	api->error(ev->py->self,
		   "name \"%s\" is not defined: not a local of #%d %s (%s:%d), a global of module "
		   "%s, nor a builtin",
		   n->text, ev->index, ev->f.name, ev->f.file, ev->f.line, module);
	return -1;
}

/* ---- attributes ------------------------------------------------------------------------ */

/* A class attribute through the MRO (the bases when the MRO is not kept in the type). */
static uint64_t class_lookup(struct py_eval *ev, uint64_t type, const char *name)
{
	const struct py_layout *l = ev->py->l;
	/* tp_dict follows tp_base, tp_mro is the 7th member after tp_dictoffset */
	uint64_t mro = 0, dict, v, items;
	int64_t n;

	if (py_ptr(ev->py, type + l->tp_dictoffset + 7 * l->ptr, &mro) == 0 && mro &&
	    py_tuple(ev->py, mro, &n, &items) == 0) {
		for (int64_t i = 0; i < n && i < 64; i++) {
			uint64_t base = 0;

			if (py_ptr(ev->py, items + 8 * (uint64_t)i, &base) == 0 && base &&
			    py_ptr(ev->py, base + l->tp_base + l->ptr, &dict) == 0 &&
			    (v = dict_get_str(ev, dict, name)))
				return v;
		}
		return 0;
	}
	for (int depth = 0; type && depth < 64; depth++) {
		if (py_ptr(ev->py, type + l->tp_base + l->ptr, &dict) == 0 &&
		    (v = dict_get_str(ev, dict, name)))
			return v;
		if (py_ptr(ev->py, type + l->tp_base, &type) < 0)
			break;
	}
	return 0;
}

static bool has_dict(const struct py *py, uint64_t type)
{
	bool ok;
	int64_t off = py_ssize(py, type + py->l->tp_dictoffset, &ok);

	return (type_flags(py, type) & py->l->tpflags_managed_dict) || (ok && off != 0);
}

/* A slot (a member descriptor): the value at its offset in the object. */
static int read_member(struct py_eval *ev, uint64_t descr, uint64_t obj, const char *name,
		       struct py_value *out)
{
	const struct py *py = ev->py;
	uint64_t def = 0;
	int32_t type = 0;
	int64_t offset;
	bool ok;

	/* PyMemberDescrObject: the object header, d_type, d_name, d_qualname, d_member */
	if (py_ptr(py, descr + py->l->object_size + 3 * py->l->ptr, &def) < 0 || !def ||
	    py_read(py, def + 8, &type, sizeof(type)) < 0)
		goto unreadable;
	offset = py_ssize(py, def + 16, &ok);
	if (!ok || offset < 0 || offset > 1 << 20)
		goto unreadable;
	memset(out, 0, sizeof(*out));
	switch (type) {
	case T_OBJECT:
	case T_OBJECT_EX:
		out->kind = PV_OBJ;
		if (py_ptr(py, obj + (uint64_t)offset, &out->obj) < 0)
			goto unreadable;
		if (out->obj)
			return 0;
		if (type == T_OBJECT) {
			out->obj = py->none;
			return 0;
		}
		api->error(py->self, "slot \"%s\" has no value (it was never set, or deleted)",
			   name);
		return -1;
	case T_INT:
	case T_BOOL: {
		int32_t i = 0;

		if (py_read(py, obj + (uint64_t)offset, &i, type == T_BOOL ? 1 : 4) < 0)
			goto unreadable;
		out->kind = type == T_BOOL ? PV_BOOL : PV_INT;
		out->i = type == T_BOOL ? (i & 0xff) != 0 : i;
		return 0;
	}
	case T_LONG:
	case T_LONGLONG:
	case T_PYSSIZET:
		out->kind = PV_INT;
		if (py_read(py, obj + (uint64_t)offset, &out->i, 8) < 0)
			goto unreadable;
		return 0;
	case T_DOUBLE:
		out->kind = PV_FLOAT;
		if (py_read(py, obj + (uint64_t)offset, &out->f, 8) < 0)
			goto unreadable;
		return 0;
	default:
		api->error(py->self, "member \"%s\" is of a C type lurk does not read (%d)", name,
			   type);
		return -1;
	}
unreadable:
	api->error(py->self, "the slot \"%s\" of the object at 0x%" PRIx64 " cannot be read", name,
		   obj);
	return -1;
}

static int instance_dict(const struct py *py, uint64_t obj, uint64_t type, uint64_t *dict)
{
	const struct py_layout *l = py->l;
	bool ok;
	int64_t off;

	*dict = 0;
	if (type_flags(py, type) & l->tpflags_managed_dict)
		return py_ptr(py, obj + (uint64_t)(l->managed_dict_slot * (long)l->ptr), dict);
	off = py_ssize(py, type + l->tp_dictoffset, &ok);
	if (!ok || off <= 0 || off > 4096)
		return -1;
	return py_ptr(py, obj + (uint64_t)off, dict);
}

/* Refuse a class attribute whose access would run code; 0 when reading it is plain. */
static int refuse_descriptor(struct py_eval *ev, uint64_t attr, const char *name, bool data)
{
	const struct py *py = ev->py;
	uint64_t t = py_type(py, attr), get = 0;
	char tname[64];

	py_class_name(py, t, tname, sizeof tname);
	if (!strcmp(tname, "property")) {
		api->error(py->self,
			   "a call would run code in the target: \"%s\" is a property (its getter "
			   "is Python code)",
			   name);
		return -1;
	}
	py_ptr(py, t + py->l->tp_base + 2 * py->l->ptr, &get);
	if (data || (get && strcmp(tname, "function") && strcmp(tname, "classmethod") &&
		     strcmp(tname, "staticmethod") && strcmp(tname, "method_descriptor") &&
		     strcmp(tname, "builtin_function_or_method"))) {
		api->error(
			py->self,
			"a call would run code in the target: \"%s\" is a descriptor of type %s, "
			"whose __get__ computes the value",
			name, tname);
		return -1;
	}
	return 0;
}

static int eval_attr_of(struct py_eval *ev, uint64_t obj, const char *name, struct py_value *out)
{
	const struct py *py = ev->py;
	uint64_t type = readable_type(py, obj), attr, v, set = 0, dict;
	char tname[64];

	memset(out, 0, sizeof(*out));
	out->kind = PV_OBJ;
	if (!type)
		return -1;
	py_class_name(py, type, tname, sizeof tname);
	if (!strcmp(name, "__class__")) {
		out->obj = type;
		return 0;
	}
	if (is_a(py, obj, py->t_module, "module")) {
		if (py_ptr(py, obj + py->l->module_dict, &dict) == 0 &&
		    (v = dict_get_str(ev, dict, name))) {
			out->obj = v;
			return 0;
		}
		uint64_t mn = dict_get_str(ev, dict, "__name__");
		char mname[128] = "?";

		if (mn)
			py_str(py, mn, mname, sizeof mname);
		api->error(py->self, "module %s has no attribute \"%s\" (looked in its globals)",
			   mname, name);
		return -1;
	}
	if (py_is_class(py, obj)) {
		if ((v = class_lookup(ev, obj, name))) {
			out->obj = v;
			return 0;
		}
		py_class_name(py, obj, tname, sizeof tname);
		api->error(py->self,
			   "class %s has no attribute \"%s\" (looked in its __dict__ and its "
			   "bases')",
			   tname, name);
		return -1;
	}
	attr = class_lookup(ev, type, name);
	if (attr)
		py_ptr(py, py_type(py, attr) + py->l->tp_base + 3 * py->l->ptr, &set);
	if (attr && set) {
		char aname[64];

		py_type_name(py, attr, aname, sizeof aname);
		if (!strcmp(aname, "member_descriptor"))
			return read_member(ev, attr, obj, name, out);
		if (!strcmp(name, "__dict__") && instance_dict(py, obj, type, &dict) == 0) {
			if (dict) {
				out->obj = dict;
				return 0;
			}
			/* CPython makes it when first asked for: until then the values are inline */
			api->error(py->self,
				   "this %s has no __dict__ object yet (its attributes are kept "
				   "without one): print them by name",
				   tname);
			return -1;
		}
		return refuse_descriptor(ev, attr, name, true);
	}
	if ((v = py_attr_get(py, obj, name))) {
		out->obj = v;
		return 0;
	}
	if (attr) {
		if (refuse_descriptor(ev, attr, name, false) < 0)
			return -1;
		out->obj = attr;
		return 0;
	}
	if (class_lookup(ev, type, "__getattr__")) {
		api->error(py->self,
			   "a call would run code in the target: '%s' object has no attribute "
			   "\"%s\" in its __dict__ or class, and its class defines __getattr__",
			   tname, name);
		return -1;
	}
	if (!has_dict(py, type))
		api->error(py->self,
			   "'%s' object has no attribute \"%s\" (it has no __dict__; looked in "
			   "class %s and its bases)",
			   tname, name, tname);
	else
		api->error(py->self,
			   "'%s' object has no attribute \"%s\" (looked in its __dict__, class %s "
			   "and its bases)",
			   tname, name, tname);
	return -1;
}

/* ---- subscripts ------------------------------------------------------------------------ */

static int eval(struct py_eval *ev, const struct py_node *n, struct py_value *out);

static int want_int(struct py_eval *ev, const struct py_value *v0, const char *what, int64_t *i)
{
	struct py_value v;
	char tname[64];

	if (simplify(ev, v0, &v) < 0)
		return -1;
	if (v.kind == PV_INT || v.kind == PV_BOOL) {
		*i = v.i;
		return 0;
	}
	py_value_type_name(ev->py, &v, tname, sizeof tname);
	api->error(ev->py->self, "%s must be an int (64 bits), not %s", what, tname);
	return -1;
}

/* Python's slice.indices: the start, step and length of the slice of a sequence of n. */
static int slice_bounds(struct py_eval *ev, const struct py_node *s, int64_t n, int64_t *start,
			int64_t *step, int64_t *count)
{
	int64_t v[3] = { 0, 0, 1 };
	bool given[3] = { false, false, false };

	for (int k = 0; k < 3; k++) {
		struct py_value pv;

		if (!s->kids[k])
			continue;
		if (eval(ev, s->kids[k], &pv) < 0)
			return -1;
		if (pv.kind == PV_NONE || (pv.kind == PV_OBJ && pv.obj == ev->py->none))
			continue;
		if (want_int(ev, &pv, "a slice index", &v[k]) < 0)
			return -1;
		given[k] = true;
	}
	if (v[2] == 0) {
		api->error(ev->py->self, "a slice step cannot be zero");
		return -1;
	}
	for (int k = 0; k < 2; k++) {
		if (!given[k]) {
			if (k == 0)
				v[k] = v[2] > 0 ? 0 : n - 1;
			else
				v[k] = v[2] > 0 ? n : -1;
			continue;
		}
		if (v[k] < 0)
			v[k] += n;
		if (v[k] < 0)
			v[k] = v[2] < 0 ? -1 : 0;
		else if (v[k] >= n)
			v[k] = v[2] < 0 ? n - 1 : n;
	}
	*start = v[0];
	*step = v[2];
	if (v[2] > 0)
		*count = v[1] > v[0] ? (v[1] - v[0] - 1) / v[2] + 1 : 0;
	else
		*count = v[0] > v[1] ? (v[0] - v[1] - 1) / -v[2] + 1 : 0;
	return 0;
}

static int index_text(struct py_eval *ev, const struct py_value *v, const struct py_node *key,
		      struct py_value *out)
{
	bool str = v->kind == PV_STR;
	int64_t n = str ? utf8_count(v->s, v->len) : (int64_t)v->len, i, start, step, count;
	char *buf;
	size_t len = 0;
	struct py_value k;

	if (key->kind == PN_SLICE) {
		if (slice_bounds(ev, key, n, &start, &step, &count) < 0 ||
		    !(buf = ev_alloc(ev, v->len + 1)))
			return -1;
		for (int64_t c = 0; c < count; c++) {
			int64_t at = start + c * step; /* in range: no step past the end is taken */
			size_t from = str ? utf8_at(v->s, v->len, at) : (size_t)at;
			size_t to = str ? utf8_at(v->s, v->len, at + 1) : from + 1;

			memcpy(buf + len, v->s + from, to - from);
			len += to - from;
		}
		*out = *v;
		out->s = buf;
		out->len = len;
		return 0;
	}
	if (eval(ev, key, &k) < 0 ||
	    want_int(ev, &k, str ? "a str index" : "a bytes index", &i) < 0)
		return -1;
	if (i < -n || i >= n) {
		api->error(ev->py->self,
			   "index %" PRId64 " is out of range (a %s of length %" PRId64 ")", i,
			   str ? "str" : "bytes", n);
		return -1;
	}
	if (i < 0)
		i += n;
	memset(out, 0, sizeof(*out));
	if (!str) {
		out->kind = PV_INT;
		out->i = (unsigned char)v->s[i];
		return 0;
	}
	size_t from = utf8_at(v->s, v->len, i), to = utf8_at(v->s, v->len, i + 1);

	if (!(buf = ev_alloc(ev, to - from + 1)))
		return -1;
	memcpy(buf, v->s + from, to - from);
	out->kind = PV_STR;
	out->s = buf;
	out->len = to - from;
	return 0;
}

static int index_seq(struct py_eval *ev, const struct py_value *v, const struct py_node *key,
		     struct py_value *out)
{
	int64_t n, i, start, step, count;
	uint64_t items = 0;
	bool tuple;
	struct py_value k;

	if (v->kind == PV_SEQ) {
		n = (int64_t)v->n;
		tuple = v->tuple;
	} else {
		if (seq_of(ev->py, v, &n, &items) != 0)
			return -1;
		tuple = is_a(ev->py, v->obj, ev->py->t_tuple, "tuple");
	}
	if (key->kind == PN_SLICE) {
		if (slice_bounds(ev, key, n, &start, &step, &count) < 0)
			return -1;
		if (count > MAX_SLICE) {
			api->error(ev->py->self,
				   "the slice has %" PRId64 " items: more than lurk "
				   "makes (%d)",
				   count, MAX_SLICE);
			return -1;
		}
		memset(out, 0, sizeof(*out));
		out->kind = PV_SEQ;
		out->tuple = tuple;
		out->n = (size_t)count;
		if (!(out->items = ev_alloc(ev, (size_t)count * sizeof(*out->items))))
			return -1;
		for (int64_t c = 0; c < count; c++) {
			int64_t at = start + c * step;

			if (v->kind == PV_SEQ)
				out->items[c] = v->items[at];
			else if (seq_item(ev, items, at, &out->items[c]) < 0)
				return -1;
		}
		return 0;
	}
	if (eval(ev, key, &k) < 0 ||
	    want_int(ev, &k, tuple ? "a tuple index" : "a list index", &i) < 0)
		return -1;
	if (i < -n || i >= n) {
		api->error(ev->py->self,
			   "index %" PRId64 " is out of range (a %s of %" PRId64 " item%s)", i,
			   tuple ? "tuple" : "list", n, n == 1 ? "" : "s");
		return -1;
	}
	if (i < 0)
		i += n;
	if (v->kind == PV_SEQ) {
		*out = v->items[i];
		return 0;
	}
	return seq_item(ev, items, i, out);
}

/*
 * A subclass written in Python may have its own __getitem__: reading the
 * base's items would then answer another question than the program's.
 */
static int refuse_own_getitem(struct py_eval *ev, const struct py_value *v)
{
	const struct py *py = ev->py;
	uint64_t type, get;
	char tname[64], fname[64];

	if (v->kind != PV_OBJ || !(type = py_type(py, v->obj)) || type == py->t_dict ||
	    type == py->t_list || type == py->t_tuple ||
	    !(type_flags(py, type) & py->l->tpflags_heaptype) ||
	    !(get = class_lookup(ev, type, "__getitem__")))
		return 0;
	py_type_name(py, get, fname, sizeof fname);
	if (strcmp(fname, "function") != 0)
		return 0;
	py_class_name(py, type, tname, sizeof tname);
	api->error(py->self,
		   "a call would run code in the target: class %s defines its own __getitem__",
		   tname);
	return -1;
}

static int eval_index(struct py_eval *ev, const struct py_node *n, struct py_value *out)
{
	const struct py *py = ev->py;
	struct py_value v, s, key;
	const struct py_node *kn = n->kids[1];
	char tname[64], krepr[256];
	int64_t count;
	uint64_t items, value;
	int found;

	if (eval(ev, n->kids[0], &v) < 0 || simplify(ev, &v, &s) < 0 ||
	    refuse_own_getitem(ev, &s) < 0)
		return -1;
	if (s.kind == PV_STR || s.kind == PV_BYTES)
		return index_text(ev, &s, kn, out);
	if (s.kind == PV_SEQ || (s.kind == PV_OBJ && seq_of(py, &s, &count, &items) == 0))
		return index_seq(ev, &s, kn, out);
	if (s.kind == PV_OBJ && is_a(py, s.obj, py->t_dict, "dict")) {
		if (kn->kind == PN_SLICE) {
			api->error(py->self, "a dict is not sliced");
			return -1;
		}
		if (eval(ev, kn, &key) < 0 || (found = dict_find(ev, s.obj, &key, &value)) < 0)
			return -1;
		if (!found) {
			py_value_repr(py, &key, krepr, sizeof krepr);
			api->error(py->self, "the dict has no key %s (looked at every entry)",
				   krepr);
			return -1;
		}
		memset(out, 0, sizeof(*out));
		out->kind = PV_OBJ;
		out->obj = value;
		return 0;
	}
	py_value_type_name(py, &s, tname, sizeof tname);
	if (s.kind != PV_OBJ || !class_lookup(ev, py_type(py, s.obj), "__getitem__")) {
		api->error(py->self, "'%s' object is not subscriptable", tname);
		return -1;
	}
	api->error(py->self,
		   "a call would run code in the target: subscripting an object of type '%s' calls "
		   "its __getitem__ "
		   "(lurk reads dict, list, tuple, str and bytes)",
		   tname);
	return -1;
}

/* ---- calls: len, type and id only ----------------------------------------------------- */

static int builtin_len(struct py_eval *ev, const struct py_value *v0, int64_t *len)
{
	const struct py *py = ev->py;
	struct py_value v;
	int64_t n;
	uint64_t items;
	char tname[64];
	bool ok;

	if (simplify(ev, v0, &v) < 0)
		return -1;
	switch (v.kind) {
	case PV_STR:
		*len = utf8_count(v.s, v.len);
		return 0;
	case PV_BYTES:
		*len = (int64_t)v.len;
		return 0;
	case PV_SEQ:
		*len = (int64_t)v.n;
		return 0;
	case PV_OBJ:
		if (is_a(py, v.obj, py->t_str, "str")) {
			*len = py_ssize(py, v.obj + py->l->u_length, &ok);
			return ok ? 0 : -1;
		}
		if (is_a(py, v.obj, py->t_bytes, "bytes")) {
			*len = py_ssize(py, v.obj + py->l->ob_size, &ok);
			return ok ? 0 : -1;
		}
		if (seq_of(py, &v, &n, &items) == 0) {
			*len = n;
			return 0;
		}
		if (is_a(py, v.obj, py->t_dict, "dict"))
			return dict_check(py, v.obj, len);
		if (py_is_set(py, v.obj)) {
			*len = py_ssize(py, v.obj + SET_USED(py->l), &ok);
			return ok && *len >= 0 ? 0 : -1;
		}
		break;
	default:
		break;
	}
	py_value_type_name(py, &v, tname, sizeof tname);
	if (v.kind != PV_OBJ || !class_lookup(ev, py_type(py, v.obj), "__len__")) {
		api->error(py->self, "object of type '%s' has no len()", tname);
		return -1;
	}
	api->error(py->self,
		   "a call would run code in the target: len() of an object of type '%s' calls its "
		   "__len__ (lurk "
		   "reads the length of dict, list, tuple, str and bytes)",
		   tname);
	return -1;
}

static int eval_call(struct py_eval *ev, const struct py_node *n, struct py_value *out)
{
	const struct py *py = ev->py;
	const struct py_node *fn = n->kids[0];
	struct py_value arg, s;

	if (fn->kind != PN_NAME ||
	    (strcmp(fn->text, "len") && strcmp(fn->text, "type") && strcmp(fn->text, "id"))) {
		api->error(py->self, "a call would run code in the target: lurk evaluates only "
				     "len(), type() and id()");
		return -1;
	}
	if (n->nkids != 2) {
		api->error(py->self, "%s() takes one argument here", fn->text);
		return -1;
	}
	if (eval(ev, n->kids[1], &arg) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!strcmp(fn->text, "len")) {
		out->kind = PV_INT;
		return builtin_len(ev, &arg, &out->i);
	}
	/* None, True and False are the target's own objects */
	if (arg.kind == PV_NONE || arg.kind == PV_BOOL) {
		arg.obj = arg.kind == PV_NONE ? py->none : arg.i ? py->true_obj : py->false_obj;
		arg.kind = PV_OBJ;
	}
	if (!strcmp(fn->text, "id")) {
		if (arg.kind != PV_OBJ) {
			api->error(
				py->self,
				"id() of a value lurk computed: it is not an object of the target");
			return -1;
		}
		out->kind = PV_INT;
		out->i = (int64_t)arg.obj;
		return 0;
	}
	out->kind = PV_OBJ;
	switch (arg.kind) {
	case PV_OBJ:
		out->obj = py_type(py, arg.obj);
		break;
	case PV_INT:
		out->obj = py->t_long;
		break;
	case PV_FLOAT:
		out->obj = py->t_float;
		break;
	case PV_STR:
		out->obj = py->t_str;
		break;
	case PV_BYTES:
		out->obj = py->t_bytes;
		break;
	case PV_SEQ:
		out->obj = arg.tuple ? py->t_tuple : py->t_list;
		break;
	default:
		break;
	}
	(void)s;
	if (!out->obj) {
		api->error(py->self, "the type of that value cannot be read");
		return -1;
	}
	return 0;
}

/* ---- the rest ------------------------------------------------------------------------ */

static int truth(struct py_eval *ev, const struct py_value *v0, bool *out)
{
	struct py_value v;
	int64_t len;

	if (simplify(ev, v0, &v) < 0)
		return -1;
	switch (v.kind) {
	case PV_NONE:
		*out = false;
		return 0;
	case PV_INT:
	case PV_BOOL:
		*out = v.i != 0;
		return 0;
	case PV_FLOAT:
		*out = v.f != 0;
		return 0;
	case PV_STR:
	case PV_BYTES:
		*out = v.len != 0;
		return 0;
	case PV_SEQ:
		*out = v.n != 0;
		return 0;
	default:
		if (builtin_len(ev, &v, &len) < 0)
			return -1;
		*out = len != 0;
		return 0;
	}
}

struct member_search {
	struct py_eval *ev;
	const struct py_value *want;
	int found; /* 1, 0, or -1 on an error */
};

static int set_member(void *arg, uint64_t key)
{
	struct member_search *m = arg;
	struct py_value kv = { .kind = PV_OBJ, .obj = key };

	m->found = equal(m->ev, &kv, m->want);
	return m->found != 0;
}

static int contains(struct py_eval *ev, const struct py_value *item, const struct py_value *c0)
{
	const struct py *py = ev->py;
	struct py_value c, x;
	struct py_value *items;
	size_t n;
	bool tuple;
	uint64_t value;
	char tname[64];

	if (simplify(ev, c0, &c) < 0)
		return -1;
	if (c.kind == PV_STR || c.kind == PV_BYTES) {
		if (simplify(ev, item, &x) < 0)
			return -1;
		if (x.kind != c.kind) {
			api->error(py->self, "'in <%s>' needs a %s on the left",
				   c.kind == PV_STR ? "str" : "bytes",
				   c.kind == PV_STR ? "str" : "bytes");
			return -1;
		}
		if (!x.len)
			return 1;
		for (size_t i = 0; i + x.len <= c.len; i++)
			if (!memcmp(c.s + i, x.s, x.len))
				return 1;
		return 0;
	}
	if (c.kind == PV_OBJ && is_a(py, c.obj, py->t_dict, "dict"))
		return dict_find(ev, c.obj, item, &value);
	if (c.kind == PV_OBJ && py_is_set(py, c.obj)) {
		struct member_search m = { ev, item, 0 };

		if (py_set_each(py, c.obj, set_member, &m) < 0) {
			api->error(py->self, "the set at 0x%" PRIx64 " cannot be read", c.obj);
			return -1;
		}
		return m.found;
	}
	if (items_of(ev, &c, &items, &n, &tuple) == 0) {
		for (size_t i = 0; i < n; i++) {
			int eq = equal(ev, item, &items[i]);

			if (eq)
				return eq;
		}
		return 0;
	}
	py_value_type_name(py, &c, tname, sizeof tname);
	api->error(py->self,
		   "a call would run code in the target: 'in' on an object of type '%s' calls its "
		   "__contains__",
		   tname);
	return -1;
}

static uint64_t identity(const struct py *py, const struct py_value *v)
{
	if (v->kind == PV_NONE)
		return py->none;
	if (v->kind == PV_BOOL)
		return v->i ? py->true_obj : py->false_obj;
	return v->kind == PV_OBJ ? v->obj : 0;
}

static int compare(struct py_eval *ev, enum py_cmp op, const struct py_value *a,
		   const struct py_value *b)
{
	static const char *const names[] = {
		[PY_CMP_LT] = "<", [PY_CMP_LE] = "<=", [PY_CMP_GT] = ">", [PY_CMP_GE] = ">="
	};
	int r;
	uint64_t ia, ib;

	switch (op) {
	case PY_CMP_EQ:
	case PY_CMP_NE:
		r = equal(ev, a, b);
		return r < 0 ? r : op == PY_CMP_EQ ? r : !r;
	case PY_CMP_IS:
	case PY_CMP_IS_NOT:
		ia = identity(ev->py, a);
		ib = identity(ev->py, b);
		if (!ia || !ib) {
			api->error(ev->py->self, "'is' compares objects of the target, not values "
						 "lurk computed");
			return -1;
		}
		return (ia == ib) == (op == PY_CMP_IS);
	case PY_CMP_IN:
	case PY_CMP_NOT_IN:
		r = contains(ev, a, b);
		return r < 0 ? r : op == PY_CMP_IN ? r : !r;
	default:
		r = order(ev, a, b, names[op]);
		if (r == -2)
			return -1;
		return op == PY_CMP_LT	 ? r < 0
		       : op == PY_CMP_LE ? r <= 0
		       : op == PY_CMP_GT ? r > 0
					 : r >= 0;
	}
}

static int eval(struct py_eval *ev, const struct py_node *n, struct py_value *out)
{
	struct py_value a, b;
	bool t;
	int r;

	memset(out, 0, sizeof(*out));
	switch (n->kind) {
	case PN_NAME:
		return eval_name(ev, n, out);
	case PN_INT:
		out->kind = PV_INT;
		out->i = n->i;
		return 0;
	case PN_FLOAT:
		out->kind = PV_FLOAT;
		out->f = n->f;
		return 0;
	case PN_STR:
	case PN_BYTES:
		out->kind = n->kind == PN_STR ? PV_STR : PV_BYTES;
		out->s = n->text;
		out->len = n->len;
		return 0;
	case PN_NONE:
		out->kind = PV_NONE;
		return 0;
	case PN_TRUE:
	case PN_FALSE:
		out->kind = PV_BOOL;
		out->i = n->kind == PN_TRUE;
		return 0;
	case PN_TUPLE:
	case PN_LIST:
		out->kind = PV_SEQ;
		out->tuple = n->kind == PN_TUPLE;
		out->n = (size_t)n->nkids;
		if (!(out->items = ev_alloc(ev, (size_t)n->nkids * sizeof(*out->items))))
			return -1;
		for (int i = 0; i < n->nkids; i++)
			if (eval(ev, n->kids[i], &out->items[i]) < 0)
				return -1;
		return 0;
	case PN_ATTR:
		if (eval(ev, n->kids[0], &a) < 0)
			return -1;
		a.obj = identity(ev->py, &a);
		if (!a.obj) {
			api->error(ev->py->self,
				   "attribute \"%s\" of a value lurk computed is not "
				   "evaluated",
				   n->text);
			return -1;
		}
		return eval_attr_of(ev, a.obj, n->text, out);
	case PN_INDEX:
		return eval_index(ev, n, out);
	case PN_SLICE:
		api->error(ev->py->self, "a slice is only evaluated inside []");
		return -1;
	case PN_CALL:
		return eval_call(ev, n, out);
	case PN_NEG:
		if (eval(ev, n->kids[0], &a) < 0 || simplify(ev, &a, &b) < 0)
			return -1;
		if (b.kind == PV_FLOAT) {
			out->kind = PV_FLOAT;
			out->f = -b.f;
			return 0;
		}
		if (want_int(ev, &b, "the operand of '-'", &out->i) < 0)
			return -1;
		out->kind = PV_INT;
		out->i = -out->i;
		return 0;
	case PN_NOT:
		if (eval(ev, n->kids[0], &a) < 0 || truth(ev, &a, &t) < 0)
			return -1;
		out->kind = PV_BOOL;
		out->i = !t;
		return 0;
	case PN_AND:
	case PN_OR:
		/* Python's: the first operand that decides, itself */
		for (int i = 0; i < n->nkids; i++) {
			if (eval(ev, n->kids[i], out) < 0 || truth(ev, out, &t) < 0)
				return -1;
			if (t == (n->kind == PN_OR))
				return 0;
		}
		return 0;
	case PN_COMPARE:
		if (eval(ev, n->kids[0], &a) < 0)
			return -1;
		out->kind = PV_BOOL;
		out->i = 1;
		for (int i = 1; i < n->nkids; i++) {
			if (eval(ev, n->kids[i], &b) < 0 ||
			    (r = compare(ev, n->ops[i - 1], &a, &b)) < 0)
				return -1;
			if (!r) {
				out->i = 0;
				return 0;
			}
			a = b;
		}
		return 0;
	}
	return -1;
}

int py_eval_text(struct py_eval *ev, const char *text, struct py_value *out)
{
	char err[512];
	struct py_node *n = py_expr_parse(text, err, sizeof err);

	if (!n) {
		api->error(ev->py->self, "%s", err);
		return -1;
	}
	py_expr_free(ev->tree);
	ev->tree = n;
	return eval(ev, n, out);
}
