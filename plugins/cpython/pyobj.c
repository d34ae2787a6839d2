/* pyobj.c - reading CPython objects out of the target: str, int, float, bytes, dict, instances */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

/* ---- memory ---------------------------------------------------------------- */

/*
 * Objects are read a few words at a time, and those of one task, frame or
 * dict lie close together: whole pages are read once and kept for the rest
 * of the callback (py_attach empties the cache at each entry, so nothing
 * read survives a resume or a write). Direct-mapped by page number.
 */
void py_pages_clear(struct py_pages *p)
{
	if (p)
		memset(p->addr, 0, sizeof p->addr);
}

static const unsigned char *page_at(const struct py *py, uint64_t page)
{
	struct py_pages *p = py->pages;
	unsigned slot = (unsigned)(page / PY_PAGE_SIZE) % PY_PAGES;

	if (p->addr[slot] == page + 1)
		return p->data[slot];
	p->addr[slot] = 0;
	if (api->read_memory(py->self, page, p->data[slot], PY_PAGE_SIZE) < 0)
		return NULL;
	p->addr[slot] = page + 1;
	return p->data[slot];
}

int py_read(const struct py *py, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;

	/* Small addresses are NULL plus an offset: never worth a system call. */
	if (addr < 4096)
		return -1;
	if (!py->pages || len > PY_PAGE_SIZE)
		return api->read_memory(py->self, addr, buf, len);
	while (len) {
		uint64_t page = addr & ~(uint64_t)(PY_PAGE_SIZE - 1);
		size_t off = addr - page, n = len < PY_PAGE_SIZE - off ? len : PY_PAGE_SIZE - off;
		const unsigned char *data = page_at(py, page);

		/* Part of the page is not mapped: the bytes asked for may still be. */
		if (!data)
			return api->read_memory(py->self, addr, out, len);
		memcpy(out, data + off, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int py_ptr(const struct py *py, uint64_t addr, uint64_t *out)
{
	*out = 0;
	return py_read(py, addr, out, sizeof(*out));
}

int64_t py_ssize(const struct py *py, uint64_t addr, bool *ok)
{
	int64_t v = 0;

	*ok = py_read(py, addr, &v, sizeof(v)) == 0;
	return v;
}

/* ---- types ------------------------------------------------------------------ */

uint64_t py_type(const struct py *py, uint64_t obj)
{
	uint64_t t = 0;

	py_ptr(py, obj + py->l->ob_type, &t);
	return t;
}

bool py_is(const struct py *py, uint64_t obj, uint64_t type)
{
	return type && obj && py_type(py, obj) == type;
}

void py_type_name(const struct py *py, uint64_t obj, char *buf, size_t len)
{
	uint64_t t = py_type(py, obj), name = 0;

	if (!t || py_ptr(py, t + py->l->tp_name, &name) < 0 ||
	    api->read_string(py->self, name, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "?");
}

bool py_type_is(const struct py *py, uint64_t type, const char *name)
{
	char buf[128];
	uint64_t tp_name = 0;

	/* Deep hierarchies are rare; a cycle in a corrupt one must not hang. */
	for (int depth = 0; type && depth < 32; depth++) {
		if (py_ptr(py, type + py->l->tp_name, &tp_name) == 0 &&
		    api->read_string(py->self, tp_name, buf, sizeof buf) == 0 && !strcmp(buf, name))
			return true;
		if (py_ptr(py, type + py->l->tp_base, &type) < 0)
			return false;
	}
	return false;
}

/* ---- str -------------------------------------------------------------------- */

static void put_utf8(char **p, char *end, uint32_t c)
{
	char tmp[4];
	size_t n;

	if (c < 0x80) {
		tmp[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		tmp[0] = (char)(0xc0 | c >> 6);
		tmp[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		tmp[0] = (char)(0xe0 | c >> 12);
		tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		tmp[0] = (char)(0xf0 | (c >> 18 & 0x07));
		tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if ((size_t)(end - *p) > n) {
		memcpy(*p, tmp, n);
		*p += n;
	}
}

/* The code points of a compact str: 0 and *kind, *n, *data; -1 for anything else. */
static int str_data(const struct py *py, uint64_t obj, unsigned *kind, int64_t *n, uint64_t *data)
{
	const struct py_layout *l = py->l;
	uint32_t state = 0;
	bool ok;

	if (!py_is(py, obj, py->t_str) || py_read(py, obj + l->u_state, &state, sizeof(state)) < 0)
		return -1;
	*n = py_ssize(py, obj + l->u_length, &ok);
	*kind = (state >> l->u_kind_shift) & l->u_kind_mask;
	/* Only compact strs (every str made since 3.3 but legacy C API ones) hold their data inline. */
	if (!ok || *n < 0 || !(state & l->u_compact_bit) ||
	    (*kind != 1 && *kind != 2 && *kind != 4))
		return -1;
	*data = obj + ((state & l->u_ascii_bit) ? l->u_ascii_size : l->u_compact_size);
	return 0;
}

/* Decode up to max code points of a str into UTF-8; returns how many there were. */
static int64_t str_decode(const struct py *py, uint64_t obj, char *buf, size_t len, int64_t max,
			  uint32_t *cps, int64_t ncps)
{
	unsigned kind;
	int64_t n;
	uint64_t data;
	unsigned char raw[PY_MAX_STR * 4];
	char *p = buf, *end = buf + len;

	if (str_data(py, obj, &kind, &n, &data) < 0)
		return -1;
	if (max > PY_MAX_STR)
		max = PY_MAX_STR;
	if (n < max)
		max = n;
	if (max && py_read(py, data, raw, (size_t)max * kind) < 0)
		return -1;
	for (int64_t i = 0; i < max; i++) {
		uint32_t c = kind == 1	 ? raw[i]
			     : kind == 2 ? (uint32_t)(raw[2 * i] | raw[2 * i + 1] << 8)
					 : (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
						   (uint32_t)raw[4 * i + 2] << 16 |
						   (uint32_t)raw[4 * i + 3] << 24;

		if (cps && i < ncps)
			cps[i] = c;
		if (buf)
			put_utf8(&p, end, c);
	}
	if (buf && len)
		*(p < end ? p : end - 1) = '\0';
	return n;
}

int py_str(const struct py *py, uint64_t obj, char *buf, size_t len)
{
	return str_decode(py, obj, buf, len, PY_MAX_STR, NULL, 0) < 0 ? -1 : 0;
}

/* ---- repr ------------------------------------------------------------------- */

void py_repr_str(const struct py *py, uint64_t obj, int64_t max, char *buf, size_t len)
{
	static uint32_t cps[PY_MAX_STR];
	int64_t n, shown;
	bool single = false, dbl = false;
	char quote, *p = buf, *end = buf + len;

	if (max < 0 || max > PY_MAX_STR)
		max = PY_MAX_STR;
	n = str_decode(py, obj, NULL, 0, max, cps, max);
	shown = n < max ? n : max;
	if (n < 0) {
		snprintf(buf, len, "<str at 0x%" PRIx64 ">", obj);
		return;
	}
	for (int64_t i = 0; i < shown; i++) {
		single |= cps[i] == '\'';
		dbl |= cps[i] == '"';
	}
	quote = single && !dbl ? '"' : '\'';
	put_utf8(&p, end, (uint32_t)quote);
	for (int64_t i = 0; i < shown && end - p > 8; i++) {
		uint32_t c = cps[i];
		char esc[8];

		if (c == '\\' || c == (uint32_t)quote) {
			snprintf(esc, sizeof esc, "\\%c", (char)c);
		} else if (c == '\n' || c == '\r' || c == '\t') {
			snprintf(esc, sizeof esc, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof esc, "\\x%02x", c);
		} else {
			put_utf8(&p, end, c);
			continue;
		}
		for (char *e = esc; *e && end - p > 1; e++)
			*p++ = *e;
	}
	if (n > shown && end - p > 4) {
		memcpy(p, "...", 3);
		p += 3;
	}
	put_utf8(&p, end, (uint32_t)quote);
	*(p < end ? p : end - 1) = '\0';
}

static void repr_bytes(const struct py *py, uint64_t obj, char *buf, size_t len)
{
	bool ok;
	int64_t n = py_ssize(py, obj + py->l->ob_size, &ok), shown;
	unsigned char raw[256];
	char *p = buf, *end = buf + len;

	if (!ok || n < 0) {
		snprintf(buf, len, "<bytes at 0x%" PRIx64 ">", obj);
		return;
	}
	shown = n < (int64_t)sizeof(raw) ? n : (int64_t)sizeof(raw);
	if (shown && py_read(py, obj + py->l->bytes_sval, raw, (size_t)shown) < 0) {
		snprintf(buf, len, "<bytes at 0x%" PRIx64 ">", obj);
		return;
	}
	p += snprintf(p, (size_t)(end - p), "b'");
	for (int64_t i = 0; i < shown && end - p > 8; i++) {
		unsigned char c = raw[i];

		if (c == '\\' || c == '\'')
			p += snprintf(p, (size_t)(end - p), "\\%c", c);
		else if (c == '\n' || c == '\r' || c == '\t')
			p += snprintf(p, (size_t)(end - p), "\\%c",
				      c == '\n'	  ? 'n'
				      : c == '\r' ? 'r'
						  : 't');
		else if (c < 0x20 || c >= 0x7f)
			p += snprintf(p, (size_t)(end - p), "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	snprintf(p, (size_t)(end - p), "%s'", n > shown ? "..." : "");
}

/*
 * An int of any size: its base-2^30 digits become base-10^9 limbs. Ints
 * beyond 300 digits (about 2,700 decimal digits) are shown by size only.
 */
int py_long_size(const struct py *py, uint64_t obj, int64_t *ndigits, int *sign)
{
	const struct py_layout *l = py->l;
	bool ok;
	int64_t v;
	uint64_t t = py_type(py, obj), flags = 0;

	/* An int, or an instance of a subclass (Py_TPFLAGS_LONG_SUBCLASS): the same digits. */
	if (!t || (t != py->t_long && (py_read(py, t + l->tp_flags, &flags, sizeof flags) < 0 ||
				       !(flags & (1ul << 24)))))
		return -1;
	v = py_ssize(py, obj + (l->long_size_shift ? l->long_tag : l->ob_size), &ok);
	if (!ok)
		return -1;
	if (!l->long_size_shift) {
		*ndigits = v < 0 ? -v : v;
		*sign = v < 0 ? -1 : v > 0;
		return 0;
	}
	/* lv_tag: the digit count above the low bits; 0 positive, 1 zero, 2 negative. */
	*ndigits = (int64_t)((uint64_t)v >> l->long_size_shift);
	*sign = (v & 3) == 2 ? -1 : (v & 3) == 1 ? 0 : 1;
	return (v & 3) == 3 ? -1 : 0;
}

void py_repr_int(const struct py *py, uint64_t obj, char *buf, size_t len)
{
	const struct py_layout *l = py->l;
	int sign = 0;
	int64_t ndigits = 0;
	bool ok = py_long_size(py, obj, &ndigits, &sign) == 0;
	uint32_t digits[300], limbs[400];
	size_t nlimbs = 0;
	char *p = buf, *end = buf + len;

	if (!ok || l->long_digit_size != 4 || ndigits > 300) {
		snprintf(buf, len,
			 ok ? "<int of %" PRId64 " digits at 0x%" PRIx64 ">"
			    : "<int at 0x%" PRIx64 ">",
			 ok ? ndigits * 9 : (int64_t)obj, obj);
		return;
	}
	if (ndigits && py_read(py, obj + l->long_digits, digits, (size_t)ndigits * 4) < 0) {
		snprintf(buf, len, "<int at 0x%" PRIx64 ">", obj);
		return;
	}
	for (int64_t i = ndigits - 1; i >= 0; i--) {
		uint64_t carry = digits[i] & ((1u << l->long_shift) - 1);

		for (size_t k = 0; k < nlimbs; k++) {
			uint64_t v = ((uint64_t)limbs[k] << l->long_shift) + carry;

			limbs[k] = (uint32_t)(v % 1000000000u);
			carry = v / 1000000000u;
		}
		while (carry && nlimbs < 400) {
			limbs[nlimbs++] = (uint32_t)(carry % 1000000000u);
			carry /= 1000000000u;
		}
	}
	if (sign < 0)
		p += snprintf(p, (size_t)(end - p), "-");
	if (!nlimbs) {
		snprintf(p, (size_t)(end - p), "0");
		return;
	}
	p += snprintf(p, (size_t)(end - p), "%u", limbs[nlimbs - 1]);
	for (size_t k = nlimbs - 1; k-- > 0 && end - p > 10;)
		p += snprintf(p, (size_t)(end - p), "%09u", limbs[k]);
	if (end - p <= 10 && nlimbs > 1)
		snprintf(end - 4, 4, "...");
}

/* Python's repr of a float: the shortest text that reads back as the same double. */
void py_repr_float(double v, char *buf, size_t len)
{
	if (isnan(v)) {
		snprintf(buf, len, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, v < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (!strpbrk(buf, ".en"))
		strncat(buf, ".0", len - strlen(buf) - 1);
}

int py_tuple(const struct py *py, uint64_t tuple, int64_t *n, uint64_t *items)
{
	bool ok;

	if (!py_is(py, tuple, py->t_tuple))
		return -1;
	*n = py_ssize(py, tuple + py->l->ob_size, &ok);
	*items = tuple + py->l->tuple_items;
	return ok && *n >= 0 && *n < (1 << 24) ? 0 : -1;
}

void py_repr(const struct py *py, uint64_t obj, char *buf, size_t len)
{
	uint64_t t;
	char tname[64];
	bool ok;
	int64_t n;

	if (!obj) {
		snprintf(buf, len, "<unset>");
		return;
	}
	if (obj == py->none) {
		snprintf(buf, len, "None");
		return;
	}
	if (obj == py->true_obj || obj == py->false_obj) {
		snprintf(buf, len, obj == py->true_obj ? "True" : "False");
		return;
	}
	t = py_type(py, obj);
	if (t && t == py->t_long) {
		py_repr_int(py, obj, buf, len);
	} else if (t && t == py->t_float) {
		double d;

		if (py_read(py, obj + py->l->float_val, &d, sizeof(d)) == 0)
			py_repr_float(d, buf, len);
		else
			snprintf(buf, len, "<float at 0x%" PRIx64 ">", obj);
	} else if (t && t == py->t_str) {
		py_repr_str(py, obj, 256, buf, len);
	} else if (t && t == py->t_bytes) {
		repr_bytes(py, obj, buf, len);
	} else if (t && (t == py->t_tuple || t == py->t_list)) {
		n = py_ssize(py, obj + py->l->ob_size, &ok);
		snprintf(buf, len, "<%s of %" PRId64 " item%s at 0x%" PRIx64 ">",
			 t == py->t_tuple ? "tuple" : "list", ok ? n : -1, ok && n == 1 ? "" : "s",
			 obj);
	} else if (t && t == py->t_dict) {
		n = py_ssize(py, obj + py->l->d_used, &ok);
		snprintf(buf, len, "<dict of %" PRId64 " item%s at 0x%" PRIx64 ">", ok ? n : -1,
			 ok && n == 1 ? "" : "s", obj);
	} else {
		py_type_name(py, obj, tname, sizeof tname);
		snprintf(buf, len, "<%s at 0x%" PRIx64 ">", tname, obj);
	}
}

int py_bytes_read(const struct py *py, uint64_t obj, unsigned char *buf, size_t cap, size_t *n)
{
	bool ok;
	int64_t size = py_ssize(py, obj + py->l->ob_size, &ok);

	if (!ok || !py_is(py, obj, py->t_bytes) || size < 0)
		return -1;
	*n = (size_t)size < cap ? (size_t)size : cap;
	return py_read(py, obj + py->l->bytes_sval, buf, *n);
}

/* ---- dict ------------------------------------------------------------------- */

/*
 * Entries of a keys object: values from the entries, or from a split dict's
 * values array. More than max entries: the first max when cut, else none
 * (-1): a caller looking for one key must not miss it silently.
 */
static int keys_each_upto(const struct py *py, uint64_t keys, uint64_t values, int64_t max,
			  bool cut, int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg)
{
	const struct py_layout *l = py->l;
	uint8_t log2_size = 0, log2_index_bytes = 0, kind = 0;
	int64_t nentries;
	bool ok;
	uint64_t entries;
	size_t esize;
	unsigned char chunk[64 * 24];

	if (py_read(py, keys + l->dk_log2_size, &log2_size, 1) < 0 ||
	    py_read(py, keys + l->dk_log2_index_bytes, &log2_index_bytes, 1) < 0 ||
	    py_read(py, keys + l->dk_kind, &kind, 1) < 0)
		return -1;
	nentries = py_ssize(py, keys + l->dk_nentries, &ok);
	if (!ok || log2_size > 30 || log2_index_bytes > 34 || nentries < 0 ||
	    nentries > ((int64_t)1 << log2_size) || (nentries > max && !cut))
		return -1;
	/* A bigger dict is real: its first entries are still worth a look. */
	if (nentries > max)
		nentries = max;
	entries = keys + l->dk_indices + ((uint64_t)1 << log2_index_bytes);
	esize = kind == 0 ? l->dk_entry_size : l->dk_unicode_entry_size;
	if (esize > 24)
		return -1;
	for (int64_t i = 0; i < nentries; i += 64) {
		int64_t n = nentries - i < 64 ? nentries - i : 64;

		if (py_read(py, entries + (uint64_t)i * esize, chunk, (size_t)n * esize) < 0)
			return -1;
		for (int64_t k = 0; k < n; k++) {
			uint64_t key = 0, value = 0;
			unsigned char *e = chunk + k * esize;

			memcpy(&key, e + (kind == 0 ? l->dke_key : l->dku_key), 8);
			if (values)
				py_ptr(py, values + l->dv_values + 8 * (uint64_t)(i + k), &value);
			else
				memcpy(&value, e + (kind == 0 ? l->dke_value : l->dku_value), 8);
			if (key && value && fn(arg, key, value))
				return 0;
		}
	}
	return 0;
}

static int keys_each(const struct py *py, uint64_t keys, uint64_t values,
		     int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg)
{
	return keys_each_upto(py, keys, values, PY_MAX_ENTRIES, true, fn, arg);
}

/* A dict's entries, or those of an object laid out as one (OrderedDict, defaultdict). */
static int dict_each(const struct py *py, uint64_t dict, int64_t max, bool cut,
		     int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg)
{
	uint64_t keys, values;

	/* OrderedDict and defaultdict start with a dict's members */
	if ((!py_is(py, dict, py->t_dict) && !py_type_is(py, py_type(py, dict), "dict")) ||
	    py_ptr(py, dict + py->l->d_keys, &keys) < 0 ||
	    py_ptr(py, dict + py->l->d_values, &values) < 0)
		return -1;
	return keys_each_upto(py, keys, values, max, cut, fn, arg);
}

int py_dict_each(const struct py *py, uint64_t dict,
		 int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg)
{
	return dict_each(py, dict, PY_MAX_ENTRIES, true, fn, arg);
}

int py_dict_each_upto(const struct py *py, uint64_t dict, int64_t max,
		      int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg)
{
	return dict_each(py, dict, max, false, fn, arg);
}

int py_dict_items_each(const struct py *py, uint64_t dict,
		       int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg)
{
	uint64_t keys, values;

	if (py_ptr(py, dict + py->l->d_keys, &keys) < 0 ||
	    py_ptr(py, dict + py->l->d_values, &values) < 0)
		return -1;
	return keys_each(py, keys, values, fn, arg);
}

struct dict_get {
	const struct py *py;
	const char *key;
	uint64_t value;
};

static int match_key(void *arg, uint64_t key, uint64_t value)
{
	struct dict_get *g = arg;
	char name[256];

	if (py_str(g->py, key, name, sizeof name) == 0 && strcmp(name, g->key) == 0) {
		g->value = value;
		return 1;
	}
	return 0;
}

uint64_t py_dict_get(const struct py *py, uint64_t dict, const char *key)
{
	struct dict_get g = { py, key, 0 };

	py_dict_each(py, dict, match_key, &g);
	return g.value;
}

uint64_t py_attr_get(const struct py *py, uint64_t obj, const char *name)
{
	struct dict_get g = { py, name, 0 };

	py_attrs_each(py, obj, match_key, &g);
	return g.value;
}

/*
 * An instance's attributes. 3.11 keeps most instances' attributes as
 * "values" before the object, keyed by the type's shared keys, and makes a
 * dict only when asked for one; older-style types have tp_dictoffset.
 */
int py_attrs_each(const struct py *py, uint64_t obj,
		  int (*fn)(void *arg, uint64_t key, uint64_t value), void *arg)
{
	const struct py_layout *l = py->l;
	uint64_t type = py_type(py, obj), flags = 0, dict = 0, values = 0, keys = 0;
	int64_t dictoffset;
	bool ok, ok2, ok3;

	if (!type || py_read(py, type + l->tp_flags, &flags, sizeof(flags)) < 0)
		return -1;
	if (flags & l->tpflags_managed_dict) {
		py_ptr(py, obj + (uint64_t)(l->managed_dict_slot * (long)l->ptr), &dict);
		if (dict)
			return py_dict_each(py, dict, fn, arg);
		if (l->tpflags_inline_values && (flags & l->tpflags_inline_values)) {
			/* 3.13 on: the values follow the object (PyDictValues). */
			int64_t basic = (int64_t)l->object_size;

			if (l->inline_values_after_basicsize)
				basic = py_ssize(py, type + l->tp_basicsize, &ok);
			if (basic <= 0 || basic > 4096)
				return -1;
			values = obj + (uint64_t)basic;
		} else if (!l->dbg) {
			py_ptr(py, obj + (uint64_t)(l->managed_values_slot * (long)l->ptr),
			       &values);
		}
		if (!values || !(flags & l->tpflags_heaptype) ||
		    py_ptr(py, type + l->ht_cached_keys, &keys) < 0 || !keys)
			return -1;
		return keys_each(py, keys, values, fn, arg);
	}
	dictoffset = py_ssize(py, type + l->tp_dictoffset, &ok);
	/*
	 * A subclass of a variable-size type (int, tuple, bytes) keeps its
	 * dict after the items: the offset counts back from the object's end.
	 */
	if (ok && dictoffset < 0 && dictoffset > -4096 && l->tp_basicsize) {
		int64_t basic = py_ssize(py, type + l->tp_basicsize, &ok),
			item = py_ssize(py, type + l->tp_basicsize + 8, &ok2),
			n = py_ssize(py, obj + l->ob_size, &ok3);

		ok = ok && ok2 && ok3 && basic > 0 && basic < 4096 && item >= 0 && item < 4096 &&
		     n > -(1 << 24) && n < (1 << 24);
		if (ok)
			dictoffset += (basic + (n < 0 ? -n : n) * item + 7) & ~7;
	}
	if (!ok || dictoffset <= 0 || dictoffset > (1 << 30) ||
	    py_ptr(py, obj + (uint64_t)dictoffset, &dict) < 0 || !dict)
		return -1;
	return py_dict_each(py, dict, fn, arg);
}
