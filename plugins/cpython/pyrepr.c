/* pyrepr.c - bounded reprs of the target's Python values: containers to a depth and a count */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "py.h"

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
#define SET_USED	    24 /* PySetObject.used, .mask, .table; a setentry is key, hash */
#define SET_MASK	    32
#define SET_TABLE	    40
#define SET_ENTRY	    16
#define METHOD_FUNC	    16 /* PyMethodObject.im_func, .im_self */
#define METHOD_SELF	    24
#define EXC_ARGS	    24 /* PyBaseExceptionObject.args, after its dict */
#define DEQUE_LEFT	    24 /* dequeobject.leftblock, leftindex, maxlen; ob_size is the length */
#define DEQUE_LEFTINDEX	    40
#define DEQUE_MAXLEN	    64
#define BLOCK_DATA	    8 /* a deque's block: leftlink, 64 items, rightlink */
#define BLOCK_LEN	    64
#define BLOCK_RIGHT	    (8 + 8 * BLOCK_LEN)
#define RANGE_START	    16 /* rangeobject.start, .stop, .step: ints */
#define DT_HASTZINFO	    24 /* PyDateTime_Date and _DateTime: hastzinfo, then data */
#define DT_DATA		    25 /* year (2 bytes, big-endian), month, day, hour, minute, ... */
#define DT_TZINFO	    40 /* PyDateTime_DateTime.tzinfo, when hastzinfo */
#define TD_DAYS		    24 /* PyDateTime_Delta: days, seconds, microseconds (ints) */
#define DEFAULTDICT_FACTORY 48 /* defdictobject.default_factory, after its PyDictObject */
/* PyGenObject from 3.13 on: gi_frame_state, a signed char, and the frame it holds (3.11: layout-311.c) */
#define GEN_STATE_313  67
#define GEN_IFRAME_313 72

const struct py_repr_limits py_repr_defaults = { 3, 100, 200 };

#define MAX_NEST 64

struct rb {
	const struct py *py;
	const struct py_repr_limits *lim;
	char *p, *end;
	uint64_t open[MAX_NEST]; /* the containers being shown, outermost first: a cycle */
	int depth;
	char scratch[PY_MAX_STR * 4 + 16]; /* a str's or int's text: not one per level of nesting */
};

static void put(struct rb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append to the output; once it is full, end it with "..." and drop the rest. */
static void put(struct rb *b, const char *fmt, ...)
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

static void repr_value(struct rb *b, uint64_t obj);

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

/* The name after the last dot: "collections.deque" is shown as deque, as Python does. */
static const char *short_name(const char *tp_name)
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

/* Whether the container's items are shown: not past the depth limit, not in a cycle. */
static bool enter(struct rb *b, uint64_t obj, const char *cycle, const char *tname, int64_t n)
{
	if (is_open(b, obj)) {
		put(b, "%s", cycle);
		return false;
	}
	if (b->depth >= b->lim->depth || b->depth >= MAX_NEST) {
		put(b, "<%s of %" PRId64 " item%s at 0x%" PRIx64 ">", tname, n, n == 1 ? "" : "s",
		    obj);
		return false;
	}
	b->open[b->depth++] = obj;
	return true;
}

static void leave(struct rb *b)
{
	b->depth--;
}

/* After the items shown: "..." and how many there are, when not all were. */
static void put_rest(struct rb *b, int64_t shown, int64_t n)
{
	if (shown < n)
		put(b, "%s... (%" PRId64 " items)", shown ? ", " : "", n);
}

static bool over(const struct rb *b, int64_t shown)
{
	return shown >= b->lim->elements || b->end - b->p <= 1;
}

/* ---- sequences ---------------------------------------------------------------- */

static void repr_items(struct rb *b, uint64_t items, int64_t n)
{
	int64_t i;

	for (i = 0; i < n && !over(b, i); i++) {
		uint64_t item = 0;

		if (i)
			put(b, ", ");
		if (py_ptr(b->py, items + 8 * (uint64_t)i, &item) < 0) {
			put(b, "<unreadable item>");
			break;
		}
		repr_value(b, item);
	}
	put_rest(b, i, n);
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
	put(b, "%s(", tname);
	for (i = 0; i < n && !over(b, i); i++) {
		uint64_t name = 0, item = 0;
		char text[128];

		if (py_ptr(py, names + 8 * (uint64_t)i, &name) < 0 ||
		    py_str(py, name, text, sizeof text) < 0 ||
		    py_ptr(py, items + 8 * (uint64_t)i, &item) < 0)
			break;
		put(b, "%s%s=", i ? ", " : "", text);
		repr_value(b, item);
	}
	put_rest(b, i, n);
	put(b, ")");
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
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!enter(b, obj, tuple ? "(...)" : "[...]", tname, n))
		return;
	if (tuple && !exact && repr_namedtuple(b, obj, tname, items, n)) {
		leave(b);
		return;
	}
	if (!exact)
		put(b, "%s(", tname);
	put(b, tuple ? "(" : "[");
	repr_items(b, items, n);
	put(b, tuple ? (n == 1 ? ",)" : ")") : "]");
	if (!exact)
		put(b, ")");
	leave(b);
}

/* A deque's items lie in blocks of 64, linked left to right. */
static void repr_deque(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	bool ok, ok2, ok3;
	int64_t n = py_ssize(py, obj + py->l->ob_size, &ok),
		index = py_ssize(py, obj + DEQUE_LEFTINDEX, &ok2),
		maxlen = py_ssize(py, obj + DEQUE_MAXLEN, &ok3), i;
	uint64_t block = 0;

	if (!ok || !ok2 || !ok3 || n < 0 || index < 0 || index >= BLOCK_LEN ||
	    py_ptr(py, obj + DEQUE_LEFT, &block) < 0) {
		put(b, "<deque at 0x%" PRIx64 ": unreadable>", obj);
		return;
	}
	if (!enter(b, obj, "[...]", "deque", n))
		return;
	put(b, "deque([");
	for (i = 0; i < n && !over(b, i); i++, index++) {
		uint64_t item = 0;

		if (index == BLOCK_LEN) {
			index = 0;
			if (py_ptr(py, block + BLOCK_RIGHT, &block) < 0 || !block)
				break;
		}
		if (py_ptr(py, block + BLOCK_DATA + 8 * (uint64_t)index, &item) < 0)
			break;
		put(b, "%s", i ? ", " : "");
		repr_value(b, item);
	}
	put_rest(b, i, n);
	put(b, "]");
	if (maxlen >= 0)
		put(b, ", maxlen=%" PRId64, maxlen);
	put(b, ")");
	leave(b);
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

	if (over(w->b, w->shown)) {
		w->cut = true;
		return 1;
	}
	if (w->shown++)
		put(w->b, ", ");
	repr_value(w->b, key);
	put(w->b, ": ");
	repr_value(w->b, value);
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
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!enter(b, obj, "{...}", tname, n))
		return;
	if (!exact)
		put(b, "%s(", short_name(tname));
	if (!strcmp(tname, "collections.defaultdict")) {
		uint64_t factory = 0;

		py_ptr(py, obj + DEFAULTDICT_FACTORY, &factory);
		repr_value(b, factory ? factory : py->none);
		put(b, ", ");
	}
	put(b, "{");
	rc = py_dict_items_each(py, obj, dict_item, &w);
	/* Entries that disagree with the count: a dict caught mid-change (or a corrupt one). */
	if (rc < 0)
		put(b, "%s<the entries cannot be read: the dict may be changing>",
		    w.shown ? ", " : "");
	else if (!w.cut && w.shown != n && n <= PY_MAX_ENTRIES)
		put(b,
		    "%s<%" PRId64 " entries found, %" PRId64 " counted: the dict may be changing>",
		    w.shown ? ", " : "", w.shown, n);
	else
		put_rest(b, w.shown, n);
	put(b, "}");
	if (!exact)
		put(b, ")");
	leave(b);
}

static void repr_set(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	bool ok, ok2;
	int64_t n = py_ssize(py, obj + SET_USED, &ok), mask = py_ssize(py, obj + SET_MASK, &ok2),
		shown = 0;
	uint64_t table = 0;
	bool frozen = !strcmp(tname, "frozenset");

	if (!ok || !ok2 || n < 0 || mask < 0 || mask > PY_MAX_ENTRIES * 8 ||
	    py_ptr(py, obj + SET_TABLE, &table) < 0) {
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!n) {
		put(b, "%s()", tname);
		return;
	}
	if (!enter(b, obj, "{...}", tname, n))
		return;
	put(b, frozen ? "frozenset({" : "{");
	/* Free slots hold NULL, deleted ones the dummy key: an object of no type worth showing. */
	for (int64_t i = 0; i <= mask && !over(b, shown); i++) {
		uint64_t key = 0;
		int64_t hash;

		if (py_ptr(py, table + SET_ENTRY * (uint64_t)i, &key) < 0) {
			put(b, "%s<the table cannot be read>", shown ? ", " : "");
			break;
		}
		hash = py_ssize(py, table + SET_ENTRY * (uint64_t)i + 8, &ok);
		if (!key || hash == -1)
			continue;
		put(b, "%s", shown++ ? ", " : "");
		repr_value(b, key);
	}
	put_rest(b, shown, n);
	put(b, frozen ? "})" : "}");
	leave(b);
}

/* ---- scalars the plain repr does not cover ------------------------------------------- */

static void put_bytes(struct rb *b, const unsigned char *raw, int64_t shown, int64_t n)
{
	put(b, "b'");
	for (int64_t i = 0; i < shown; i++) {
		unsigned char c = raw[i];

		if (c == '\\' || c == '\'')
			put(b, "\\%c", c);
		else if (c == '\n' || c == '\r' || c == '\t')
			put(b, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c >= 0x7f)
			put(b, "\\x%02x", c);
		else
			put(b, "%c", c);
	}
	put(b, "%s'", shown < n ? "..." : "");
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
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", array ? "bytearray" : "bytes", obj);
		return;
	}
	if (array)
		put(b, "bytearray(");
	put_bytes(b, raw, shown, n);
	if (array)
		put(b, ")");
}

static void repr_complex(struct rb *b, uint64_t obj)
{
	double v[2];
	char re[40], im[40];

	if (py_read(b->py, obj + COMPLEX_REAL, v, sizeof v) < 0) {
		put(b, "<complex at 0x%" PRIx64 ": unreadable>", obj);
		return;
	}
	py_repr_float(v[1], im, sizeof im);
	/* Python drops a zero real part and the imaginary part's ".0". */
	if (strlen(im) > 2 && !strcmp(im + strlen(im) - 2, ".0"))
		im[strlen(im) - 2] = '\0';
	if (v[0] == 0 && !signbit(v[0])) {
		put(b, "%sj", im);
		return;
	}
	py_repr_float(v[0], re, sizeof re);
	if (strlen(re) > 2 && !strcmp(re + strlen(re) - 2, ".0"))
		re[strlen(re) - 2] = '\0';
	put(b, "(%s%s%sj)", re, im[0] == '-' ? "" : "+", im);
}

static void repr_range(struct rb *b, uint64_t obj)
{
	uint64_t v[3] = { 0 };

	if (py_read(b->py, obj + RANGE_START, v, sizeof v) < 0) {
		put(b, "<range at 0x%" PRIx64 ": unreadable>", obj);
		return;
	}
	put(b, "range(");
	repr_value(b, v[0]);
	put(b, ", ");
	repr_value(b, v[1]);
	/* A step of 1 is not shown, as Python does not: compare its text. */
	if (b->end - b->p > 4) {
		char *mark = b->p;

		put(b, ", ");
		repr_value(b, v[2]);
		if (!strcmp(mark, ", 1"))
			*(b->p = mark) = '\0';
	}
	put(b, ")");
}

/* datetime's date, datetime and timedelta, as their reprs show them (zeros left out). */
static void repr_datetime(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	unsigned char d[10];
	int td[3];
	char hastz = 0;

	if (!strcmp(tname, "datetime.timedelta")) {
		if (py_read(py, obj + TD_DAYS, td, sizeof td) < 0) {
			put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
			return;
		}
		put(b, "datetime.timedelta(");
		if (td[0])
			put(b, "days=%d%s", td[0], td[1] || td[2] ? ", " : "");
		if (td[1])
			put(b, "seconds=%d%s", td[1], td[2] ? ", " : "");
		if (td[2])
			put(b, "microseconds=%d", td[2]);
		put(b, "%s)", td[0] || td[1] || td[2] ? "" : "0");
		return;
	}
	if (py_read(py, obj + DT_HASTZINFO, &hastz, 1) < 0 ||
	    py_read(py, obj + DT_DATA, d, !strcmp(tname, "datetime.date") ? 4 : 10) < 0) {
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	put(b, "%s(%d, %d, %d", tname, d[0] << 8 | d[1], d[2], d[3]);
	if (strcmp(tname, "datetime.date")) {
		int usec = d[7] << 16 | d[8] << 8 | d[9];

		put(b, ", %d, %d", d[4], d[5]);
		if (d[6] || usec)
			put(b, ", %d", d[6]);
		if (usec)
			put(b, ", %d", usec);
		if (hastz) {
			uint64_t tz = 0;

			py_ptr(py, obj + DT_TZINFO, &tz);
			put(b, ", tzinfo=");
			repr_value(b, tz);
		}
	}
	put(b, ")");
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
	put(b, "<function %s at %s>", name, place);
}

static void repr_code(struct rb *b, uint64_t obj)
{
	uint64_t name = 0;
	char buf[256], place[600];

	if (py_ptr(b->py, obj + b->py->l->co_qualname, &name) < 0 ||
	    py_str(b->py, name, buf, sizeof buf) < 0)
		snprintf(buf, sizeof buf, "?");
	code_place(b->py, obj, place, sizeof place);
	put(b, "<code object %s at %s>", buf, place);
}

/* Just the type and address: what a bound method's self or a depth-cut instance shows. */
static void put_short(struct rb *b, uint64_t obj)
{
	char tname[128];

	py_type_name(b->py, obj, tname, sizeof tname);
	put(b, "<%s at 0x%" PRIx64 ">", tname, obj);
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
	put(b, "<bound method %s", name);
	if (py_is(py, func, py->t_func)) {
		uint64_t code = 0;
		char place[600];

		py_ptr(py, func + py->l->fn_code, &code);
		code_place(py, code, place, sizeof place);
		put(b, " at %s", place);
	}
	put(b, " of ");
	put_short(b, self);
	put(b, ">");
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
		put(b, "<built-in function %s>", buf);
		return;
	}
	put(b, "<built-in method %s of ", buf);
	put_short(b, self);
	put(b, ">");
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
		put(b, "<module '%s' from '%s'>", name, file);
	else
		put(b, "<module '%s'>", name);
}

static void repr_exception(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	uint64_t args = 0, items;
	int64_t n;

	if (py_ptr(py, obj + EXC_ARGS, &args) < 0 || py_tuple(py, args, &n, &items) < 0) {
		put(b, "<%s at 0x%" PRIx64 ">", short_name(tname), obj);
		return;
	}
	if (b->depth >= b->lim->depth && !is_open(b, obj)) {
		put(b, "<%s at 0x%" PRIx64 ">", short_name(tname), obj);
		return;
	}
	if (!enter(b, obj, "<...>", short_name(tname), n))
		return;
	put(b, "%s(", short_name(tname));
	repr_items(b, items, n);
	put(b, ")");
	leave(b);
}

/* ---- generators and coroutines ---------------------------------------------------------- */

/*
 * A generator, coroutine or async generator holds its frame: where it is
 * suspended is that frame's line. Its state says whether it started
 * (3.11 calls "created" -2, later versions -3), runs (0) or ended (1 on).
 */
static void repr_generator(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	bool v311 = py->l->hexminor == 0x030b0000;
	uint64_t iframe = v311 ? py_tasks_layout_311()->gi_iframe : GEN_IFRAME_313,
		 state_at = v311 ? py_tasks_layout_311()->gi_frame_state : GEN_STATE_313;
	signed char state = 0;
	struct py_frame f;

	if (py_read(py, obj + state_at, &state, 1) < 0) {
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (state > 0) {
		put(b, "<%s at 0x%" PRIx64 ": finished>", tname, obj);
		return;
	}
	if (py_frame_at(py, obj + iframe, &f) < 0) {
		put(b, "<%s at 0x%" PRIx64 ": its frame cannot be read>", tname, obj);
		return;
	}
	if (state == 0)
		put(b, "<%s %s at 0x%" PRIx64 ": running>", tname, f.qualname, obj);
	else if (state == (v311 ? -2 : -3))
		put(b, "<%s %s at 0x%" PRIx64 ": not started, at %s:%d>", tname, f.qualname, obj,
		    f.file, f.line);
	else
		put(b, "<%s %s at 0x%" PRIx64 ": suspended at %s:%d>", tname, f.qualname, obj,
		    f.file, f.line);
}

/* ---- asyncio ---------------------------------------------------------------------- */

/* "<Task 'fetch' at 0x...: pending, coro=<coroutine ...>>": its name, state and coroutine. */
static void repr_future(struct rb *b, uint64_t obj, const char *tname, bool task)
{
	const struct py *py = b->py;
	static const char *const states[] = { "pending", "cancelled", "finished" };
	struct py_task_offsets o;
	int state = -1;
	uint64_t name = 0, coro = 0;
	char text[256];

	if (py_task_offsets(py, &o) < 0 || py_read(py, obj + o.state, &state, sizeof state) < 0 ||
	    state < 0 || state > 2) {
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", short_name(tname), obj);
		return;
	}
	put(b, "<%s", short_name(tname));
	if (task && py_ptr(py, obj + o.name, &name) == 0) {
		/* An unnamed task keeps its number until someone asks for its name. */
		if (py_is(py, name, py->t_long)) {
			py_repr(py, name, text, sizeof text);
			put(b, " 'Task-%s'", text);
		} else if (py_str(py, name, text, sizeof text) == 0) {
			put(b, " '%s'", text);
		}
	}
	put(b, " at 0x%" PRIx64 ": %s", obj, states[state]);
	if (task && py_ptr(py, obj + o.coro, &coro) == 0 && coro) {
		put(b, ", coro=");
		repr_value(b, coro);
	}
	put(b, ">");
}

/* ---- threading's locks --------------------------------------------------------------- */

struct owner_search {
	uint64_t ident;
	char text[96];
};

static int owner_thread(void *arg, const struct py_thread *t)
{
	struct owner_search *o = arg;

	if (t->ident != o->ident)
		return 0;
	snprintf(o->text, sizeof o->text, "thread %d%s%s%s", t->thread, t->name[0] ? " \"" : "",
		 t->name, t->name[0] ? "\"" : "");
	return 1;
}

/*
 * Locked or not, and an RLock's owner and count. A lock with a PyMutex
 * (3.13 on) is locked when the mutex's low bit is; 3.11's keeps a
 * "locked" char after its semaphore pointer and weak reference list.
 * An RLock counts its acquisitions (3.14's level counts those beyond the
 * first while its mutex is held).
 */
static void repr_lock(struct rb *b, uint64_t obj, const char *tname, bool rlock)
{
	const struct py *py = b->py;
	const struct py_layout *l = py->l;
	unsigned char bits = 0;
	uint64_t owner = 0, count = 0;
	struct owner_search o = { 0, "" };
	bool ok;

	if (!rlock) {
		ok = py_read(py, obj + l->lock_lock + (l->lock_parks ? 0 : 2 * l->ptr), &bits, 1) ==
		     0;
		if (ok)
			put(b, "<%s at 0x%" PRIx64 ": %s>", tname, obj,
			    bits & 1 ? "locked" : "unlocked");
		else
			put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	ok = py_ptr(py, obj + l->rlock_owner, &owner) == 0 &&
	     py_ptr(py, obj + l->rlock_count, &count) == 0;
	if (ok && l->rlock_parks) {
		ok = py_read(py, obj + l->rlock_lock, &bits, 1) == 0;
		count = bits & 1 ? count + 1 : 0;
	}
	if (!ok) {
		put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!count) {
		put(b, "<%s at 0x%" PRIx64 ": unlocked>", tname, obj);
		return;
	}
	o.ident = owner;
	py_threads_each(py, owner_thread, &o);
	if (!o.text[0])
		snprintf(o.text, sizeof o.text, "thread ident %" PRIu64, owner);
	put(b, "<%s at 0x%" PRIx64 ": locked by %s, %" PRIu64 " time%s>", tname, obj, o.text, count,
	    count == 1 ? "" : "s");
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
	if (over(w->b, w->shown)) {
		w->cut = true;
		return false;
	}
	put(w->b, "%s%s=", w->shown++ ? ", " : ": ", name);
	repr_value(w->b, value);
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
		put(b, "<%s at 0x%" PRIx64 "%s>", tname, obj, is_open(b, obj) ? ": ..." : "");
		return;
	}
	b->open[b->depth++] = obj;
	put(b, "<%s at 0x%" PRIx64, tname, obj);
	py_attrs_each(b->py, obj, attr_item, &w);
	slots_each(&w, py_type(b->py, obj));
	if (w.cut)
		put(b, ", ...");
	put(b, ">");
	leave(b);
}

/* An enum member: "<Color.RED: 1>", from the _name_ and _value_ every member has. */
static bool repr_enum(struct rb *b, uint64_t obj, const char *tname)
{
	uint64_t name = py_attr_get(b->py, obj, "_name_"), value;
	char text[128];

	if (!name || !(value = py_attr_get(b->py, obj, "_value_")) ||
	    py_str(b->py, name, text, sizeof text) < 0)
		return false;
	put(b, "<%s.%s: ", tname, text);
	repr_value(b, value);
	put(b, ">");
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
		put(b, "<class '%s.%s'>", mod, name);
		return;
	}
	put(b, "<class '%s'>", name);
}

/* ---- dispatch ------------------------------------------------------------------------ */

static void repr_value(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	uint64_t type, flags;
	char tname[128], *simple = b->scratch;

	if (!obj || obj == py->none || obj == py->true_obj || obj == py->false_obj) {
		py_repr(py, obj, simple, sizeof b->scratch);
		put(b, "%s", simple);
		return;
	}
	if (!readable_type(py, obj, &type, &flags)) {
		put(b, "<unreadable object at 0x%" PRIx64 ">", obj);
		return;
	}
	type_name(py, type, tname, sizeof tname);
	if (type == py->t_long || type == py->t_float || type == py->t_bool) {
		py_repr(py, obj, simple, sizeof b->scratch);
		put(b, "%s", simple);
	} else if (type == py->t_str) {
		py_repr_str(py, obj, b->lim->string, simple, sizeof b->scratch);
		put(b, "%s", simple);
	} else if (type == py->t_bytes) {
		repr_bytes(b, obj, false);
	} else if (flags & TPF_TYPE_SUBCLASS) {
		repr_class(b, obj);
	} else if (flags & (TPF_LIST_SUBCLASS | TPF_TUPLE_SUBCLASS)) {
		repr_sequence(b, obj, flags & TPF_TUPLE_SUBCLASS, short_name(tname),
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
		if (enter(b, obj, "<cell: ...>", "cell", 1)) {
			put(b, "<cell: ");
			repr_value(b, ref);
			put(b, ">");
			leave(b);
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
		repr_generator(b, obj, tname);
	} else if (!strcmp(tname, "range")) {
		repr_range(b, obj);
	} else if (!strcmp(tname, "datetime.datetime") || !strcmp(tname, "datetime.date") ||
		   !strcmp(tname, "datetime.timedelta")) {
		repr_datetime(b, obj, tname);
	} else if (!strcmp(tname, "_asyncio.Task") || !strcmp(tname, "_asyncio.Future")) {
		repr_future(b, obj, tname, !strcmp(tname, "_asyncio.Task"));
	} else if (!strcmp(tname, "_thread.lock") || !strcmp(tname, "_thread.RLock")) {
		repr_lock(b, obj, tname, !strcmp(tname, "_thread.RLock"));
	} else if (!strcmp(tname, "collections.deque")) {
		repr_deque(b, obj);
	} else if ((flags & py->l->tpflags_heaptype) && repr_enum(b, obj, tname)) {
		/* shown */
	} else if (flags & (TPF_LONG_SUBCLASS | TPF_UNICODE_SUBCLASS | TPF_BYTES_SUBCLASS)) {
		put(b, "<%s at 0x%" PRIx64 ">", short_name(tname), obj);
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
	repr_value(&b, obj);
}
