/* pysizeof.c - py sizeof: an object's own size as sys.getsizeof counts it, and what it reaches */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

#define TPFLAGS_HAVE_GC		(1ul << 14)
#define TPFLAGS_TYPE_SUBCLASS	(1ul << 31)
#define TPFLAGS_MANAGED_WEAKREF (1ul << 3) /* 3.12 on */
#define GC_HEAD_SIZE		16	   /* PyGC_Head, before every object of a GC type */
#define MAX_DEEP		1000000	   /* objects the deep walk visits */
#define WALK_TYPES		256	   /* types whose walk kind is remembered */

/*
 * sys.getsizeof's answer: the type's __sizeof__ (basic size, plus items
 * for var-sized objects, plus the tables of lists, dicts and str) and what
 * lies before the object (the GC header, the managed dict and weakref
 * pointers). Read from the type alone for other types: a __sizeof__ of a
 * class's own would be code, and is not run. -1 when unreadable.
 */
static int64_t shallow_size(const struct py *py, uint64_t obj, bool is_set)
{
	const struct py_layout *l = py->l;
	uint64_t type = py_type(py, obj), flags = 0, pre_flags;
	int64_t basic, item, size, n;
	bool ok, ok2;

	if (!type || py_read(py, type + l->tp_flags, &flags, sizeof(flags)) < 0)
		return -1;
	basic = py_ssize(py, type + l->tp_basicsize, &ok);
	item = py_ssize(py, type + l->tp_basicsize + 8, &ok2);
	if (!ok || !ok2 || basic <= 0 || basic > (1 << 20) || item < 0 || item > (1 << 20))
		return -1;
	size = basic;
	if (type == py->t_str) {
		uint32_t state = 0;
		unsigned kind;

		n = py_ssize(py, obj + l->u_length, &ok);
		if (!ok || py_read(py, obj + l->u_state, &state, sizeof(state)) < 0)
			return -1;
		kind = (state >> l->u_kind_shift) & l->u_kind_mask;
		if (state & l->u_compact_bit)
			size = (state & l->u_ascii_bit)
				       ? (int64_t)l->u_ascii_size + n + 1
				       : (int64_t)l->u_compact_size + (n + 1) * kind;
	} else if (type == py->t_long || type == py->t_bool) {
		int sign;

		if (py_long_size(py, obj, &n, &sign) < 0)
			return -1;
		/* 3.12 on counts a digit for 0 too */
		size = (int64_t)l->long_digits + (l->dbg && !n ? 1 : n) * 4;
	} else if (type == py->t_list) {
		n = py_ssize(py, obj + l->list_items + 8, &ok); /* allocated */
		if (!ok || n < 0)
			return -1;
		size = basic + n * 8;
	} else if (type == py->t_dict) {
		uint64_t keys = 0;
		int64_t refcnt;
		uint8_t log2_size = 0, log2_index = 0, kind = 0;

		if (py_ptr(py, obj + l->d_keys, &keys) < 0 || !keys)
			return -1;
		refcnt = py_ssize(py, keys, &ok);
		/* A table shared with other dicts (a class's instances') is not the dict's own. */
		if (ok && refcnt == 1 && py_read(py, keys + l->dk_log2_size, &log2_size, 1) == 0 &&
		    py_read(py, keys + l->dk_log2_index_bytes, &log2_index, 1) == 0 &&
		    py_read(py, keys + l->dk_kind, &kind, 1) == 0 && log2_size < 31 &&
		    log2_index < 35)
			size += (int64_t)l->dk_indices + ((int64_t)1 << log2_index) +
				(((int64_t)1 << log2_size) << 1) / 3 *
					(int64_t)(kind ? l->dk_unicode_entry_size
						       : l->dk_entry_size);
	} else if (is_set) {
		uint64_t table = 0;

		n = py_ssize(py, obj + SET_MASK(l), &ok);
		if (!ok || n < 0 || py_ptr(py, obj + SET_TABLE(l), &table) < 0)
			return -1;
		/* a table beyond the small one inside the object is the set's own too */
		if (table != obj + SET_SMALLTABLE(l))
			size = basic + (n + 1) * SET_ENTRY_SIZE;
	} else if (item) {
		n = py_ssize(py, obj + l->ob_size, &ok);
		if (!ok)
			return -1;
		size = basic + (n < 0 ? -n : n) * item;
	}
	pre_flags = l->tpflags_managed_dict | (l->dbg ? TPFLAGS_MANAGED_WEAKREF : 0);
	if (flags & TPFLAGS_HAVE_GC)
		size += GC_HEAD_SIZE;
	if (flags & pre_flags)
		size += 2 * (int64_t)l->ptr;
	return size;
}

/* ---- the deep walk ----------------------------------------------------------------------- */

/* What the walk does with the objects of a type. */
enum walk_kind { WK_SHARED, WK_TUPLE, WK_LIST, WK_DICT, WK_SET, WK_INSTANCE, WK_LEAF };

struct walk {
	const struct py *py;
	uint64_t *seen; /* open addressing, 0 empty */
	size_t seen_cap, seen_n;
	uint64_t *todo;
	size_t todo_n, todo_cap;
	int64_t objects, bytes;
	bool cut, unreadable;
	uint64_t types[WALK_TYPES]; /* kind_of's memory: 0 empty */
	enum walk_kind kinds[WALK_TYPES];
};

/* true when addr is new (and now recorded). */
static bool mark(struct walk *w, uint64_t addr)
{
	size_t i;

	if (w->seen_n * 2 >= w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 1024;
		uint64_t *grown = calloc(cap, sizeof(*grown));

		if (!grown) {
			w->cut = true;
			return false;
		}
		for (size_t k = 0; k < w->seen_cap; k++)
			if (w->seen[k]) {
				for (i = (w->seen[k] >> 4) * 0x9e3779b97f4a7c15ull >> 20 &
					 (cap - 1);
				     grown[i]; i = (i + 1) & (cap - 1))
					;
				grown[i] = w->seen[k];
			}
		free(w->seen);
		w->seen = grown;
		w->seen_cap = cap;
	}
	for (i = (addr >> 4) * 0x9e3779b97f4a7c15ull >> 20 & (w->seen_cap - 1); w->seen[i];
	     i = (i + 1) & (w->seen_cap - 1))
		if (w->seen[i] == addr)
			return false;
	w->seen[i] = addr;
	w->seen_n++;
	return true;
}

static void push(struct walk *w, uint64_t addr)
{
	if (!addr || w->cut || !mark(w, addr))
		return;
	if (w->seen_n > MAX_DEEP) {
		w->cut = true;
		return;
	}
	if (w->todo_n == w->todo_cap) {
		size_t cap = w->todo_cap ? w->todo_cap * 2 : 1024;
		uint64_t *grown = realloc(w->todo, cap * sizeof(*grown));

		if (!grown) {
			w->cut = true;
			return;
		}
		w->todo = grown;
		w->todo_cap = cap;
	}
	w->todo[w->todo_n++] = addr;
}

static int push_key(void *arg, uint64_t key)
{
	struct walk *w = arg;

	push(w, key);
	return w->cut;
}

static int push_pair(void *arg, uint64_t key, uint64_t value)
{
	struct walk *w = arg;

	push(w, key);
	push(w, value);
	return w->cut;
}

/*
 * Classes, modules and functions are where everything else is reachable
 * from: the walk neither counts nor follows them, as a deep size of a
 * container means what the container holds.
 */
static enum walk_kind classify(const struct py *py, uint64_t type)
{
	uint64_t flags = 0;

	py_read(py, type + py->l->tp_flags, &flags, sizeof(flags));
	if ((flags & TPFLAGS_TYPE_SUBCLASS) || type == py->t_module || type == py->t_func ||
	    type == py->t_cfunc || py_type_is(py, type, "module"))
		return WK_SHARED;
	if (type == py->t_tuple || py_type_is(py, type, "tuple"))
		return WK_TUPLE;
	if (type == py->t_list || py_type_is(py, type, "list"))
		return WK_LIST;
	if (type == py->t_dict || py_type_is(py, type, "dict"))
		return WK_DICT;
	if (py_type_is(py, type, "set") || py_type_is(py, type, "frozenset"))
		return WK_SET;
	/* an instance of a class of Python code: its attributes */
	return (flags & py->l->tpflags_heaptype) ? WK_INSTANCE : WK_LEAF;
}

/* classify, remembered per type: telling types apart by name reads strings of the target */
static enum walk_kind kind_of(struct walk *w, uint64_t type)
{
	unsigned slot = (unsigned)((type >> 4) * 0x9e3779b97f4a7c15ull >> 56) % WALK_TYPES;

	for (unsigned i = 0; i < WALK_TYPES; i++, slot = (slot + 1) % WALK_TYPES) {
		if (w->types[slot] == type)
			return w->kinds[slot];
		if (!w->types[slot]) {
			w->types[slot] = type;
			w->kinds[slot] = classify(w->py, type);
			return w->kinds[slot];
		}
	}
	return classify(w->py, type);
}

static void visit(struct walk *w, uint64_t obj, bool root)
{
	const struct py *py = w->py;
	uint64_t type = py_type(py, obj), items = 0;
	int64_t size, n = 0;
	enum walk_kind kind;
	bool ok;

	if (!type) {
		w->unreadable = true;
		return;
	}
	kind = kind_of(w, type);
	if (!root &&
	    (kind == WK_SHARED || obj == py->none || obj == py->true_obj || obj == py->false_obj))
		return;
	if ((size = shallow_size(py, obj, kind == WK_SET)) < 0) {
		w->unreadable = true;
		return;
	}
	w->objects++;
	w->bytes += size;
	switch (kind) {
	case WK_TUPLE:
	case WK_LIST:
		n = py_ssize(py, obj + py->l->ob_size, &ok);
		if (!ok || n < 0)
			break;
		if (kind == WK_TUPLE)
			items = obj + py->l->tuple_items;
		else if (py_ptr(py, obj + py->l->list_items, &items) < 0)
			break;
		for (int64_t i = 0; i < n && !w->cut; i++) {
			uint64_t item = 0;

			if (py_ptr(py, items + 8 * (uint64_t)i, &item) == 0)
				push(w, item);
		}
		break;
	case WK_DICT:
		/* a dict bigger than the walk's bound is still walked as far as the bound */
		if (py_dict_each_upto(py, obj, INT64_MAX, push_pair, w) < 0)
			w->unreadable = true;
		break;
	case WK_SET:
		if (py_set_each(py, obj, push_key, w) < 0)
			w->unreadable = true;
		break;
	case WK_INSTANCE:
		py_attrs_each(py, obj, push_pair, w);
		break;
	default:
		break;
	}
}

static void group(char *buf, size_t len, int64_t v)
{
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%" PRId64, v < 0 ? -v : v), at = 0;
	size_t o = 0;

	if (v < 0 && o + 1 < len)
		buf[o++] = '-';
	for (; at < n && o + 2 < len; at++) {
		if (at && (n - at) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[at];
	}
	buf[o] = '\0';
}

static void human(char *buf, size_t len, int64_t v)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	if (!u)
		snprintf(buf, len, "%" PRId64 " bytes", v);
	else
		snprintf(buf, len, "%.1f %s", d, units[u]);
}

int py_sizeof_run(const struct py *py, const char *args)
{
	struct py_eval *ev = py_eval_new(py);
	struct py_value v;
	struct walk w = { .py = py };
	struct lurk_record *r;
	char type[64], addr[32], shallow_txt[32], bytes_txt[32], objects_txt[32], about[32];
	int64_t shallow;
	int rc = -1;

	if (!ev)
		return -1;
	if (py_eval_text(ev, args, &v) < 0)
		goto out;
	if (v.kind == PV_NONE || v.kind == PV_BOOL) {
		v.obj = v.kind == PV_NONE ? py->none : v.i ? py->true_obj : py->false_obj;
		v.kind = PV_OBJ;
	}
	if (v.kind != PV_OBJ) {
		api->error(py->self,
			   "%s is a value lurk computed, not an object of the target: it has no "
			   "size there",
			   args);
		goto out;
	}
	if ((shallow = shallow_size(py, v.obj, py_is_set(py, v.obj))) < 0) {
		api->error(py->self, "the size of the object at 0x%" PRIx64 " cannot be read",
			   v.obj);
		goto out;
	}
	mark(&w, v.obj);
	visit(&w, v.obj, true);
	while (w.todo_n) /* once cut, what is queued is still counted */
		visit(&w, w.todo[--w.todo_n], false);
	py_type_name(py, v.obj, type, sizeof type);
	snprintf(addr, sizeof addr, "0x%" PRIx64, v.obj);
	group(shallow_txt, sizeof shallow_txt, shallow);
	group(bytes_txt, sizeof bytes_txt, w.bytes);
	group(objects_txt, sizeof objects_txt, w.objects);
	human(about, sizeof about, w.bytes);
	r = api->record_new(py->self);
	api->record_str(r, "expr", args);
	api->record_str(r, "type", type);
	api->record_str(r, "address", addr);
	api->record_int(r, "shallow", shallow);
	api->record_int(r, "deep_objects", w.objects);
	api->record_int(r, "deep_bytes", w.bytes);
	api->record_int(r, "cut", w.cut);
	api->record_emit(
		py->self, r,
		"%s (%s at %s): %s bytes itself (as sys.getsizeof counts); %s object%s, %s "
		"bytes%s%s%s reachable through items, keys, values and attributes%s%s",
		args, type, addr, shallow_txt, objects_txt, w.objects == 1 ? "" : "s", bytes_txt,
		w.bytes >= 1024 ? " (about " : "", w.bytes >= 1024 ? about : "",
		w.bytes >= 1024 ? ")" : "", w.cut ? " (the walk stopped at 1,000,000 objects)" : "",
		w.unreadable ? " (some objects could not be read)" : "");
	rc = 0;
out:
	free(w.seen);
	free(w.todo);
	py_eval_done(ev);
	return rc;
}
