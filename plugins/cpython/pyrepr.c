/* pyrepr.c - bounded reprs of the target's Python values: containers to a depth and a count */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "py.h"
#include "pyrepr.h"

/*
 * Type flags (Include/object.h): the same bits from 3.11 to 3.14. They
 * tell the built-in kinds apart in subclasses too, with no name lookup.
 */
#define TPF_LONG_SUBCLASS    (1ul << 24)
#define TPF_LIST_SUBCLASS    (1ul << 25)
#define TPF_TUPLE_SUBCLASS   (1ul << 26)
#define TPF_BYTES_SUBCLASS   (1ul << 27)
#define TPF_UNICODE_SUBCLASS (1ul << 28)
#define TPF_DICT_SUBCLASS    (1ul << 29)
#define TPF_BASE_EXC	     (1ul << 30)
#define TPF_TYPE_SUBCLASS    (1ul << 31)

/*
 * Objects whose layout no table of this plugin describes, and which has
 * not changed from 3.11 to 3.14 (default builds): the offsets from their
 * structures' definitions, after the 16-byte PyObject header (24 for a
 * variable-size one).
 */
#define COMPLEX_REAL	    16 /* PyComplexObject.cval */
#define BYTEARRAY_START	    40 /* PyByteArrayObject.ob_start; ob_size is the length */
#define SET_ENTRY	    16 /* a setentry is key, hash (PySetObject's members: py.h) */
#define METHOD_FUNC	    16 /* PyMethodObject.im_func, .im_self */
#define METHOD_SELF	    24
#define EXC_ARGS	    24 /* PyBaseExceptionObject.args, after its dict */
#define RANGE_START	    16 /* rangeobject.start, .stop, .step: ints */
#define DEFAULTDICT_FACTORY 48 /* defdictobject.default_factory, after its PyDictObject */

const struct py_repr_limits py_repr_defaults = { 3, 100, 200 };

void pyr_put(struct rb *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = (size_t)(b->end - b->p);
	int n;

	if (room <= 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < room) {
		b->p += n;
		return;
	}
	b->p = b->end - 1;
	if (room > 4)
		memcpy(b->end - 4, "...", 4);
}

static bool readable_type(const struct py *py, uint64_t obj, uint64_t *type, uint64_t *flags)
{
	*type = py_type(py, obj);
	*flags = 0;
	return *type && py_read(py, *type + py->l->tp_flags, flags, sizeof(*flags)) == 0;
}

static void type_name(const struct py *py, uint64_t type, char *buf, size_t len)
{
	uint64_t name = 0;

	if (py_ptr(py, type + py->l->tp_name, &name) < 0 ||
	    api->read_string(py->self, name, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "?");
}

const char *pyr_short_name(const char *tp_name)
{
	const char *dot = strrchr(tp_name, '.');

	return dot ? dot + 1 : tp_name;
}

static bool is_open(const struct rb *b, uint64_t obj)
{
	for (int i = 0; i < b->depth; i++)
		if (b->open[i] == obj)
			return true;
	return false;
}

bool pyr_enter(struct rb *b, uint64_t obj, const char *cycle, const char *tname, int64_t n)
{
	if (is_open(b, obj)) {
		pyr_put(b, "%s", cycle);
		return false;
	}
	if (b->depth >= b->lim->depth || b->depth >= MAX_NEST) {
		pyr_put(b, "<%s of %" PRId64 " item%s at 0x%" PRIx64 ">", tname, n,
			n == 1 ? "" : "s", obj);
		return false;
	}
	b->open[b->depth++] = obj;
	return true;
}

void pyr_leave(struct rb *b)
{
	b->depth--;
}

void pyr_rest(struct rb *b, int64_t shown, int64_t n)
{
	if (shown < n)
		pyr_put(b, "%s... (%" PRId64 " items)", shown ? ", " : "", n);
}

bool pyr_over(const struct rb *b, int64_t shown)
{
	return shown >= b->lim->elements || b->end - b->p <= 1;
}

/* ---- sequences ---------------------------------------------------------------- */

static void repr_items(struct rb *b, uint64_t items, int64_t n)
{
	int64_t i;

	for (i = 0; i < n && !pyr_over(b, i); i++) {
		uint64_t item = 0;

		if (i)
			pyr_put(b, ", ");
		if (py_ptr(b->py, items + 8 * (uint64_t)i, &item) < 0) {
			pyr_put(b, "<unreadable item>");
			break;
		}
		pyr_value(b, item);
	}
	pyr_rest(b, i, n);
}

/* A namedtuple: "Pair(x=1, y=2)", its field names from its class's _fields. */
static bool repr_namedtuple(struct rb *b, uint64_t obj, const char *tname, uint64_t items,
			    int64_t n)
{
	const struct py *py = b->py;
	uint64_t type = py_type(py, obj), dict = 0, fields, names;
	int64_t nfields, i;

	if (py_ptr(py, type + py->l->tp_base + 8, &dict) < 0 || !dict ||
	    !(fields = py_dict_get(py, dict, "_fields")) ||
	    py_tuple(py, fields, &nfields, &names) < 0 || nfields != n)
		return false;
	pyr_put(b, "%s(", tname);
	for (i = 0; i < n && !pyr_over(b, i); i++) {
		uint64_t name = 0, item = 0;
		char text[128];

		if (py_ptr(py, names + 8 * (uint64_t)i, &name) < 0 ||
		    py_str(py, name, text, sizeof text) < 0 ||
		    py_ptr(py, items + 8 * (uint64_t)i, &item) < 0)
			break;
		pyr_put(b, "%s%s=", i ? ", " : "", text);
		pyr_value(b, item);
	}
	pyr_rest(b, i, n);
	pyr_put(b, ")");
	return true;
}

static void repr_sequence(struct rb *b, uint64_t obj, bool tuple, const char *tname, bool exact)
{
	const struct py *py = b->py;
	bool ok;
	int64_t n = py_ssize(py, obj + py->l->ob_size, &ok);
	uint64_t items = obj + py->l->tuple_items;

	if (!ok || n < 0 || n > ((int64_t)1 << 40) ||
	    (!tuple && py_ptr(py, obj + py->l->list_items, &items) < 0)) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!pyr_enter(b, obj, tuple ? "(...)" : "[...]", tname, n))
		return;
	if (tuple && !exact && repr_namedtuple(b, obj, tname, items, n)) {
		pyr_leave(b);
		return;
	}
	if (!exact)
		pyr_put(b, "%s(", tname);
	pyr_put(b, tuple ? "(" : "[");
	repr_items(b, items, n);
	pyr_put(b, tuple ? (n == 1 ? ",)" : ")") : "]");
	if (!exact)
		pyr_put(b, ")");
	pyr_leave(b);
}

/* ---- dict and set ---------------------------------------------------------------- */

struct dict_walk {
	struct rb *b;
	int64_t shown;
	bool cut; /* by the limits: not every entry was looked at */
};

static int dict_item(void *arg, uint64_t key, uint64_t value)
{
	struct dict_walk *w = arg;

	if (pyr_over(w->b, w->shown)) {
		w->cut = true;
		return 1;
	}
	if (w->shown++)
		pyr_put(w->b, ", ");
	pyr_value(w->b, key);
	pyr_put(w->b, ": ");
	pyr_value(w->b, value);
	return 0;
}

static void repr_dict(struct rb *b, uint64_t obj, const char *tname, bool exact)
{
	const struct py *py = b->py;
	bool ok;
	int64_t n = py_ssize(py, obj + py->l->d_used, &ok);
	struct dict_walk w = { b, 0, false };
	int rc;

	if (!ok || n < 0) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!pyr_enter(b, obj, "{...}", tname, n))
		return;
	if (!exact)
		pyr_put(b, "%s(", pyr_short_name(tname));
	if (!strcmp(tname, "collections.defaultdict")) {
		uint64_t factory = 0;

		py_ptr(py, obj + DEFAULTDICT_FACTORY, &factory);
		pyr_value(b, factory ? factory : py->none);
		pyr_put(b, ", ");
	}
	pyr_put(b, "{");
	rc = py_dict_items_each(py, obj, dict_item, &w);
	/* Entries that disagree with the count: a dict caught mid-change (or a corrupt one). */
	if (rc < 0)
		pyr_put(b, "%s<the entries cannot be read: the dict may be changing>",
			w.shown ? ", " : "");
	else if (!w.cut && w.shown != n && n <= PY_MAX_ENTRIES)
		pyr_put(b,
			"%s<%" PRId64 " entries found, %" PRId64
			" counted: the dict may be changing>",
			w.shown ? ", " : "", w.shown, n);
	else
		pyr_rest(b, w.shown, n);
	pyr_put(b, "}");
	if (!exact)
		pyr_put(b, ")");
	pyr_leave(b);
}

static void repr_set(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	bool ok, ok2;
	int64_t n = py_ssize(py, obj + SET_USED(py->l), &ok),
		mask = py_ssize(py, obj + SET_MASK(py->l), &ok2), shown = 0;
	uint64_t table = 0;
	bool frozen = !strcmp(tname, "frozenset");

	if (!ok || !ok2 || n < 0 || mask < 0 || mask > PY_MAX_ENTRIES * 8 ||
	    py_ptr(py, obj + SET_TABLE(py->l), &table) < 0) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!n) {
		pyr_put(b, "%s()", tname);
		return;
	}
	if (!pyr_enter(b, obj, "{...}", tname, n))
		return;
	pyr_put(b, frozen ? "frozenset({" : "{");
	/* Free slots hold NULL, deleted ones the dummy key: an object of no type worth showing. */
	for (int64_t i = 0; i <= mask && !pyr_over(b, shown); i++) {
		uint64_t key = 0;
		int64_t hash;

		if (py_ptr(py, table + SET_ENTRY * (uint64_t)i, &key) < 0) {
			pyr_put(b, "%s<the table cannot be read>", shown ? ", " : "");
			break;
		}
		hash = py_ssize(py, table + SET_ENTRY * (uint64_t)i + 8, &ok);
		if (!key || hash == -1)
			continue;
		pyr_put(b, "%s", shown++ ? ", " : "");
		pyr_value(b, key);
	}
	pyr_rest(b, shown, n);
	pyr_put(b, frozen ? "})" : "}");
	pyr_leave(b);
}

/* ---- scalars the plain repr does not cover ------------------------------------------- */

static void put_bytes(struct rb *b, const unsigned char *raw, int64_t shown, int64_t n)
{
	pyr_put(b, "b'");
	for (int64_t i = 0; i < shown; i++) {
		unsigned char c = raw[i];

		if (c == '\\' || c == '\'')
			pyr_put(b, "\\%c", c);
		else if (c == '\n' || c == '\r' || c == '\t')
			pyr_put(b, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c >= 0x7f)
			pyr_put(b, "\\x%02x", c);
		else
			pyr_put(b, "%c", c);
	}
	pyr_put(b, "%s'", shown < n ? "..." : "");
}

static void repr_bytes(struct rb *b, uint64_t obj, bool array)
{
	const struct py *py = b->py;
	unsigned char raw[PY_MAX_STR];
	bool ok;
	int64_t n = py_ssize(py, obj + py->l->ob_size, &ok), shown;
	uint64_t data = obj + py->l->bytes_sval;

	shown = n < b->lim->string ? n : b->lim->string;
	if (shown > (int64_t)sizeof raw)
		shown = sizeof raw;
	if (!ok || n < 0 || (array && py_ptr(py, obj + BYTEARRAY_START, &data) < 0) ||
	    (shown > 0 && py_read(py, data, raw, (size_t)shown) < 0)) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", array ? "bytearray" : "bytes", obj);
		return;
	}
	if (array)
		pyr_put(b, "bytearray(");
	put_bytes(b, raw, shown, n);
	if (array)
		pyr_put(b, ")");
}

static void repr_complex(struct rb *b, uint64_t obj)
{
	double v[2];
	char re[40], im[40];

	if (py_read(b->py, obj + COMPLEX_REAL, v, sizeof v) < 0) {
		pyr_put(b, "<complex at 0x%" PRIx64 ": unreadable>", obj);
		return;
	}
	py_repr_float(v[1], im, sizeof im);
	/* Python drops a zero real part and the imaginary part's ".0". */
	if (strlen(im) > 2 && !strcmp(im + strlen(im) - 2, ".0"))
		im[strlen(im) - 2] = '\0';
	if (v[0] == 0 && !signbit(v[0])) {
		pyr_put(b, "%sj", im);
		return;
	}
	py_repr_float(v[0], re, sizeof re);
	if (strlen(re) > 2 && !strcmp(re + strlen(re) - 2, ".0"))
		re[strlen(re) - 2] = '\0';
	pyr_put(b, "(%s%s%sj)", re, im[0] == '-' ? "" : "+", im);
}

static void repr_range(struct rb *b, uint64_t obj)
{
	uint64_t v[3] = { 0 };

	if (py_read(b->py, obj + RANGE_START, v, sizeof v) < 0) {
		pyr_put(b, "<range at 0x%" PRIx64 ": unreadable>", obj);
		return;
	}
	pyr_put(b, "range(");
	pyr_value(b, v[0]);
	pyr_put(b, ", ");
	pyr_value(b, v[1]);
	/* A step of 1 is not shown, as Python does not: compare its text. */
	if (b->end - b->p > 4) {
		char *mark = b->p;

		pyr_put(b, ", ");
		pyr_value(b, v[2]);
		if (!strcmp(mark, ", 1"))
			*(b->p = mark) = '\0';
	}
	pyr_put(b, ")");
}

/* ---- code and the objects that name it ----------------------------------------------- */

static void code_place(const struct py *py, uint64_t code, char *buf, size_t len)
{
	uint64_t file = 0;
	int line = 0;
	char path[512];

	if (py_ptr(py, code + py->l->co_filename, &file) < 0 ||
	    py_str(py, file, path, sizeof path) < 0 ||
	    py_read(py, code + py->l->co_firstlineno, &line, sizeof line) < 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s:%d", path, line);
}

static void repr_function(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	uint64_t qualname = 0, code = 0;
	char name[256], place[600];

	if (py_ptr(py, obj + py->l->fn_qualname, &qualname) < 0 ||
	    py_str(py, qualname, name, sizeof name) < 0)
		snprintf(name, sizeof name, "?");
	py_ptr(py, obj + py->l->fn_code, &code);
	code_place(py, code, place, sizeof place);
	pyr_put(b, "<function %s at %s>", name, place);
}

static void repr_code(struct rb *b, uint64_t obj)
{
	uint64_t name = 0;
	char buf[256], place[600];

	if (py_ptr(b->py, obj + b->py->l->co_qualname, &name) < 0 ||
	    py_str(b->py, name, buf, sizeof buf) < 0)
		snprintf(buf, sizeof buf, "?");
	code_place(b->py, obj, place, sizeof place);
	pyr_put(b, "<code object %s at %s>", buf, place);
}

/* Just the type and address: what a bound method's self or a depth-cut instance shows. */
static void put_short(struct rb *b, uint64_t obj)
{
	char tname[128];

	py_type_name(b->py, obj, tname, sizeof tname);
	pyr_put(b, "<%s at 0x%" PRIx64 ">", tname, obj);
}

static void repr_method(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	uint64_t func = 0, self = 0, qualname = 0;
	char name[256];

	py_ptr(py, obj + METHOD_FUNC, &func);
	py_ptr(py, obj + METHOD_SELF, &self);
	if (!py_is(py, func, py->t_func) || py_ptr(py, func + py->l->fn_qualname, &qualname) < 0 ||
	    py_str(py, qualname, name, sizeof name) < 0)
		snprintf(name, sizeof name, "?");
	pyr_put(b, "<bound method %s", name);
	if (py_is(py, func, py->t_func)) {
		uint64_t code = 0;
		char place[600];

		py_ptr(py, func + py->l->fn_code, &code);
		code_place(py, code, place, sizeof place);
		pyr_put(b, " at %s", place);
	}
	pyr_put(b, " of ");
	put_short(b, self);
	pyr_put(b, ">");
}

static void repr_cfunction(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	uint64_t ml = 0, name = 0, self = 0;
	char buf[128];

	if (py_ptr(py, obj + py->l->cfn_ml, &ml) < 0 ||
	    py_ptr(py, ml + py->l->ml_name, &name) < 0 ||
	    api->read_string(py->self, name, buf, sizeof buf) < 0)
		snprintf(buf, sizeof buf, "?");
	py_ptr(py, obj + py->l->cfn_self, &self);
	if (!self || py_is(py, self, py->t_module)) {
		pyr_put(b, "<built-in function %s>", buf);
		return;
	}
	pyr_put(b, "<built-in method %s of ", buf);
	put_short(b, self);
	pyr_put(b, ">");
}

static void repr_module(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	uint64_t dict = 0, v;
	char name[256] = "?", file[512];

	py_ptr(py, obj + py->l->module_dict, &dict);
	if (dict && (v = py_dict_get(py, dict, "__name__")))
		py_str(py, v, name, sizeof name);
	if (dict && (v = py_dict_get(py, dict, "__file__")) &&
	    py_str(py, v, file, sizeof file) == 0)
		pyr_put(b, "<module '%s' from '%s'>", name, file);
	else
		pyr_put(b, "<module '%s'>", name);
}

static void repr_exception(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	uint64_t args = 0, items;
	int64_t n;

	if (py_ptr(py, obj + EXC_ARGS, &args) < 0 || py_tuple(py, args, &n, &items) < 0) {
		pyr_put(b, "<%s at 0x%" PRIx64 ">", pyr_short_name(tname), obj);
		return;
	}
	if (b->depth >= b->lim->depth && !is_open(b, obj)) {
		pyr_put(b, "<%s at 0x%" PRIx64 ">", pyr_short_name(tname), obj);
		return;
	}
	if (!pyr_enter(b, obj, "<...>", pyr_short_name(tname), n))
		return;
	pyr_put(b, "%s(", pyr_short_name(tname));
	repr_items(b, items, n);
	pyr_put(b, ")");
	pyr_leave(b);
}

/* ---- instances --------------------------------------------------------------------- */

struct attr_walk {
	struct rb *b;
	uint64_t obj;
	int64_t shown;
	bool cut;
};

/* One attribute: ": name=value" first, ", name=value" after. */
static bool attr_put(struct attr_walk *w, const char *name, uint64_t value)
{
	if (pyr_over(w->b, w->shown)) {
		w->cut = true;
		return false;
	}
	pyr_put(w->b, "%s%s=", w->shown++ ? ", " : ": ", name);
	pyr_value(w->b, value);
	return true;
}

static int attr_item(void *arg, uint64_t key, uint64_t value)
{
	struct attr_walk *w = arg;
	char name[128];

	if (py_str(w->b->py, key, name, sizeof name) < 0)
		snprintf(name, sizeof name, "?");
	return !attr_put(w, name, value);
}

#define MEMBER_DESCR_MEMBER 40 /* PyMemberDescrObject.d_member: a PyMemberDef */
#define MEMBER_TYPE	    8  /* PyMemberDef.type, .offset (its name, a char *, first) */
#define MEMBER_OFFSET	    16
#define MEMBER_OBJECT	    6 /* Py_T_OBJECT, Py_T_OBJECT_EX: a PyObject * slot */
#define MEMBER_OBJECT_EX    16

/* A __slots__ name: a member descriptor in the class's dict, its value at an offset in the object. */
static int slot_item(void *arg, uint64_t key, uint64_t descr)
{
	struct attr_walk *w = arg;
	const struct py *py = w->b->py;
	char tname[32], name[128];
	uint64_t member = 0, value = 0;
	int type = 0;
	bool ok;
	int64_t offset;

	(void)key;
	py_type_name(py, descr, tname, sizeof tname);
	if (strcmp(tname, "member_descriptor") ||
	    py_ptr(py, descr + MEMBER_DESCR_MEMBER, &member) < 0 ||
	    py_read(py, member + MEMBER_TYPE, &type, sizeof type) < 0 ||
	    (type != MEMBER_OBJECT && type != MEMBER_OBJECT_EX))
		return 0;
	offset = py_ssize(py, member + MEMBER_OFFSET, &ok);
	if (!ok || offset < 16 || offset > 4096 ||
	    py_ptr(py, w->obj + (uint64_t)offset, &value) < 0 || !value ||
	    py_ptr(py, member, &key) < 0 || api->read_string(py->self, key, name, sizeof name) < 0)
		return 0;
	return !attr_put(w, name, value);
}

/* The slots of the class statements' types from the object's own up its bases. */
static void slots_each(struct attr_walk *w, uint64_t type)
{
	const struct py *py = w->b->py;

	for (int depth = 0; type && depth < 32 && !w->cut; depth++) {
		uint64_t flags = 0, dict = 0;

		if (py_read(py, type + py->l->tp_flags, &flags, sizeof flags) < 0)
			return;
		if ((flags & py->l->tpflags_heaptype) &&
		    py_ptr(py, type + py->l->tp_base + 8, &dict) == 0 && dict &&
		    py_dict_get(py, dict, "__slots__"))
			py_dict_each(py, dict, slot_item, w);
		if (py_ptr(py, type + py->l->tp_base, &type) < 0)
			return;
	}
}

/*
 * "<Point at 0x...: x=1, y=2>": its type, address and attributes (a
 * __dict__, plain or managed, then __slots__); only the type and address
 * when it has none.
 */
static void repr_instance(struct rb *b, uint64_t obj, const char *tname)
{
	struct attr_walk w = { b, obj, 0, false };

	if (is_open(b, obj) || b->depth >= b->lim->depth || b->depth >= MAX_NEST) {
		pyr_put(b, "<%s at 0x%" PRIx64 "%s>", tname, obj, is_open(b, obj) ? ": ..." : "");
		return;
	}
	b->open[b->depth++] = obj;
	pyr_put(b, "<%s at 0x%" PRIx64, tname, obj);
	py_attrs_each(b->py, obj, attr_item, &w);
	slots_each(&w, py_type(b->py, obj));
	if (w.cut)
		pyr_put(b, ", ...");
	pyr_put(b, ">");
	pyr_leave(b);
}

/* An enum member: "<Color.RED: 1>", from the _name_ and _value_ every member has. */
static bool repr_enum(struct rb *b, uint64_t obj, const char *tname)
{
	uint64_t name = py_attr_get(b->py, obj, "_name_"), value;
	char text[128];

	if (!name || !(value = py_attr_get(b->py, obj, "_value_")) ||
	    py_str(b->py, name, text, sizeof text) < 0)
		return false;
	pyr_put(b, "<%s.%s: ", tname, text);
	pyr_value(b, value);
	pyr_put(b, ">");
	return true;
}

/* ---- classes ---------------------------------------------------------------------- */

/*
 * "<class 'app.Point'>". A class made by a class statement (a heap type)
 * has its bare name in tp_name and its module in its dict, tp_dict (just
 * after tp_base in every version); a type made in C names its module in
 * tp_name already ("collections.deque"), except for builtins'.
 */
static void repr_class(struct rb *b, uint64_t type)
{
	const struct py *py = b->py;
	uint64_t flags = 0, dict = 0, module;
	char name[128], mod[128];

	type_name(py, type, name, sizeof name);
	if (!strchr(name, '.') && py_read(py, type + py->l->tp_flags, &flags, sizeof flags) == 0 &&
	    (flags & py->l->tpflags_heaptype) &&
	    py_ptr(py, type + py->l->tp_base + 8, &dict) == 0 &&
	    (module = py_dict_get(py, dict, "__module__")) &&
	    py_str(py, module, mod, sizeof mod) == 0 && strcmp(mod, "builtins")) {
		pyr_put(b, "<class '%s.%s'>", mod, name);
		return;
	}
	pyr_put(b, "<class '%s'>", name);
}

/* ---- dispatch ------------------------------------------------------------------------ */

void pyr_value(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	uint64_t type, flags;
	char tname[128], *simple = b->scratch;

	if (!obj || obj == py->none || obj == py->true_obj || obj == py->false_obj) {
		py_repr(py, obj, simple, sizeof b->scratch);
		pyr_put(b, "%s", simple);
		return;
	}
	if (!readable_type(py, obj, &type, &flags)) {
		pyr_put(b, "<unreadable object at 0x%" PRIx64 ">", obj);
		return;
	}
	type_name(py, type, tname, sizeof tname);
	if (type == py->t_long || type == py->t_float || type == py->t_bool) {
		py_repr(py, obj, simple, sizeof b->scratch);
		pyr_put(b, "%s", simple);
	} else if (type == py->t_str) {
		py_repr_str(py, obj, b->lim->string, simple, sizeof b->scratch);
		pyr_put(b, "%s", simple);
	} else if (type == py->t_bytes) {
		repr_bytes(b, obj, false);
	} else if (flags & TPF_TYPE_SUBCLASS) {
		repr_class(b, obj);
	} else if (flags & (TPF_LIST_SUBCLASS | TPF_TUPLE_SUBCLASS)) {
		repr_sequence(b, obj, flags & TPF_TUPLE_SUBCLASS, pyr_short_name(tname),
			      type == py->t_list || type == py->t_tuple);
	} else if (flags & TPF_DICT_SUBCLASS) {
		repr_dict(b, obj, tname, type == py->t_dict);
	} else if (flags & TPF_BASE_EXC) {
		repr_exception(b, obj, tname);
	} else if (type == py->t_func) {
		repr_function(b, obj);
	} else if (type == py->t_cfunc) {
		repr_cfunction(b, obj);
	} else if (type == py->t_module) {
		repr_module(b, obj);
	} else if (type == py->t_cell) {
		uint64_t ref = 0;

		py_ptr(py, obj + py->l->cell_ref, &ref);
		if (pyr_enter(b, obj, "<cell: ...>", "cell", 1)) {
			pyr_put(b, "<cell: ");
			pyr_value(b, ref);
			pyr_put(b, ">");
			pyr_leave(b);
		}
	} else if (!strcmp(tname, "set") || !strcmp(tname, "frozenset")) {
		repr_set(b, obj, tname);
	} else if (!strcmp(tname, "complex")) {
		repr_complex(b, obj);
	} else if (!strcmp(tname, "bytearray")) {
		repr_bytes(b, obj, true);
	} else if (!strcmp(tname, "method")) {
		repr_method(b, obj);
	} else if (!strcmp(tname, "code")) {
		repr_code(b, obj);
	} else if (!strcmp(tname, "generator") || !strcmp(tname, "coroutine") ||
		   !strcmp(tname, "async_generator")) {
		pyr_generator(b, obj, tname);
	} else if (!strcmp(tname, "range")) {
		repr_range(b, obj);
	} else if (!strcmp(tname, "datetime.datetime") || !strcmp(tname, "datetime.date") ||
		   !strcmp(tname, "datetime.timedelta") || !strcmp(tname, "datetime.timezone")) {
		pyr_datetime(b, obj, tname);
	} else if (!strcmp(tname, "_asyncio.Task") || !strcmp(tname, "_asyncio.Future")) {
		pyr_future(b, obj, tname, !strcmp(tname, "_asyncio.Task"));
	} else if (!strcmp(tname, "_thread.lock") || !strcmp(tname, "_thread.RLock")) {
		pyr_lock(b, obj, tname, !strcmp(tname, "_thread.RLock"));
	} else if (!strcmp(tname, "collections.deque")) {
		pyr_deque(b, obj);
	} else if ((flags & py->l->tpflags_heaptype) && repr_enum(b, obj, tname)) {
		/* shown */
	} else if (flags & TPF_LONG_SUBCLASS) {
		py_repr_int(py, obj, simple, sizeof b->scratch);
		pyr_put(b, "%s(%s)", pyr_short_name(tname), simple);
	} else if (flags & TPF_BYTES_SUBCLASS) {
		pyr_put(b, "%s(", pyr_short_name(tname));
		repr_bytes(b, obj, false);
		pyr_put(b, ")");
	} else if (py_type_is(py, type, "float")) {
		double d;

		if (py_read(py, obj + py->l->float_val, &d, sizeof d) == 0) {
			py_repr_float(d, simple, sizeof b->scratch);
			pyr_put(b, "%s(%s)", pyr_short_name(tname), simple);
		} else {
			pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		}
	} else if (flags & TPF_UNICODE_SUBCLASS) {
		pyr_put(b, "<%s at 0x%" PRIx64 ">", pyr_short_name(tname), obj);
	} else {
		repr_instance(b, obj, tname);
	}
}

void py_repr_bounded(const struct py *py, uint64_t obj, const struct py_repr_limits *lim, char *buf,
		     size_t len)
{
	struct py_repr_limits l = lim ? *lim : py_repr_defaults;
	struct rb b = { .py = py, .lim = &l, .p = buf, .end = buf + len };

	/* Below 1, a limit is the largest this plugin reads anyway. */
	if (l.depth < 0)
		l.depth = MAX_NEST;
	if (l.elements <= 0)
		l.elements = PY_MAX_ENTRIES;
	if (l.string <= 0 || l.string > PY_MAX_STR)
		l.string = PY_MAX_STR;
	if (!len)
		return;
	buf[0] = '\0';
	pyr_value(&b, obj);
}
