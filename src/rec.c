/* rec.c - records and their JSON form */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "util.h"

struct rec_field {
	char *key;
	struct rec *val;
};

struct rec {
	enum rec_kind kind;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		char *s;
		struct {
			struct rec **items;
			size_t n, cap;
		} arr;
		struct {
			struct rec_field *fields;
			size_t n, cap;
		} obj;
	};
};

static struct rec *rec_new(enum rec_kind kind)
{
	struct rec *v = xcalloc(1, sizeof(*v));

	v->kind = kind;
	return v;
}

struct rec *rec_obj(void)
{
	return rec_new(REC_OBJ);
}

struct rec *rec_arr(void)
{
	return rec_new(REC_ARR);
}

void rec_free(struct rec *v)
{
	if (!v)
		return;
	switch (v->kind) {
	case REC_STR:
	case REC_NUM:
		free(v->s);
		break;
	case REC_ARR:
		for (size_t i = 0; i < v->arr.n; i++)
			rec_free(v->arr.items[i]);
		free(v->arr.items);
		break;
	case REC_OBJ:
		for (size_t i = 0; i < v->obj.n; i++) {
			free(v->obj.fields[i].key);
			rec_free(v->obj.fields[i].val);
		}
		free(v->obj.fields);
		break;
	default:
		break;
	}
	free(v);
}

static void obj_put(struct rec *obj, const char *key, struct rec *val)
{
	VEC_GROW(obj->obj.fields, obj->obj.n, obj->obj.cap);
	obj->obj.fields[obj->obj.n].key = xstrdup(key);
	obj->obj.fields[obj->obj.n].val = val;
	obj->obj.n++;
}

static void arr_put(struct rec *arr, struct rec *val)
{
	VEC_GROW(arr->arr.items, arr->arr.n, arr->arr.cap);
	arr->arr.items[arr->arr.n++] = val;
}

void rec_set_str(struct rec *obj, const char *key, const char *s)
{
	struct rec *v;

	if (!s)
		return;
	v = rec_new(REC_STR);
	v->s = xstrdup(s);
	obj_put(obj, key, v);
}

/* A string or a number (REC_NUM keeps its digits as text) made from fmt. */
static void set_formatted(struct rec *obj, const char *key, enum rec_kind kind, const char *fmt,
			  va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	struct rec *v = rec_new(kind);

	sb_vaddf(&sb, fmt, ap);
	v->s = sb_detach(&sb);
	obj_put(obj, key, v);
}

void rec_set_strf(struct rec *obj, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_formatted(obj, key, REC_STR, fmt, ap);
	va_end(ap);
}

void rec_set_numf(struct rec *obj, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_formatted(obj, key, REC_NUM, fmt, ap);
	va_end(ap);
}

void rec_set_int(struct rec *obj, const char *key, int64_t i)
{
	struct rec *v = rec_new(REC_INT);

	v->i = i;
	obj_put(obj, key, v);
}

void rec_set_uint(struct rec *obj, const char *key, uint64_t u)
{
	struct rec *v = rec_new(REC_UINT);

	v->u = u;
	obj_put(obj, key, v);
}

void rec_set_addr(struct rec *obj, const char *key, uint64_t u)
{
	struct rec *v = rec_new(REC_ADDR);

	v->u = u;
	obj_put(obj, key, v);
}

void rec_set_bool(struct rec *obj, const char *key, bool b)
{
	struct rec *v = rec_new(REC_BOOL);

	v->b = b;
	obj_put(obj, key, v);
}

void rec_set_null(struct rec *obj, const char *key)
{
	obj_put(obj, key, rec_new(REC_NULL));
}

struct rec *rec_set_obj(struct rec *obj, const char *key)
{
	struct rec *v = rec_obj();

	obj_put(obj, key, v);
	return v;
}

struct rec *rec_set_arr(struct rec *obj, const char *key)
{
	struct rec *v = rec_arr();

	obj_put(obj, key, v);
	return v;
}

void rec_set_take(struct rec *obj, const char *key, struct rec *child)
{
	obj_put(obj, key, child);
}

struct rec *rec_push_obj(struct rec *arr)
{
	struct rec *v = rec_obj();

	arr_put(arr, v);
	return v;
}

void rec_push_take(struct rec *arr, struct rec *child)
{
	arr_put(arr, child);
}

void rec_push_str(struct rec *arr, const char *s)
{
	struct rec *v = rec_new(REC_STR);

	v->s = xstrdup(s ? s : "");
	arr_put(arr, v);
}

void rec_push_uint(struct rec *arr, uint64_t u)
{
	struct rec *v = rec_new(REC_UINT);

	v->u = u;
	arr_put(arr, v);
}

const struct rec *rec_get(const struct rec *obj, const char *key)
{
	if (!obj || obj->kind != REC_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->obj.n; i++)
		if (strcmp(obj->obj.fields[i].key, key) == 0)
			return obj->obj.fields[i].val;
	return NULL;
}

bool rec_has(const struct rec *obj, const char *key)
{
	return rec_get(obj, key) != NULL;
}

const char *rec_as_str(const struct rec *v)
{
	return v && (v->kind == REC_STR || v->kind == REC_NUM) ? v->s : NULL;
}

uint64_t rec_as_uint(const struct rec *v)
{
	if (!v)
		return 0;
	if (v->kind == REC_INT)
		return (uint64_t)v->i;
	if (v->kind == REC_UINT || v->kind == REC_ADDR)
		return v->u;
	return v->kind == REC_BOOL ? v->b : 0;
}

const char *rec_str(const struct rec *obj, const char *key)
{
	return rec_as_str(rec_get(obj, key));
}

int64_t rec_int(const struct rec *obj, const char *key, int64_t def)
{
	const struct rec *v = rec_get(obj, key);

	if (!v || (v->kind != REC_INT && v->kind != REC_UINT && v->kind != REC_ADDR))
		return def;
	return v->kind == REC_INT ? v->i : (int64_t)v->u;
}

uint64_t rec_uint(const struct rec *obj, const char *key, uint64_t def)
{
	const struct rec *v = rec_get(obj, key);

	if (!v || (v->kind != REC_INT && v->kind != REC_UINT && v->kind != REC_ADDR))
		return def;
	return rec_as_uint(v);
}

bool rec_bool(const struct rec *obj, const char *key)
{
	const struct rec *v = rec_get(obj, key);

	return v && v->kind == REC_BOOL && v->b;
}

enum rec_kind rec_kind(const struct rec *v)
{
	return v ? v->kind : REC_NULL;
}

size_t rec_len(const struct rec *arr)
{
	return arr && arr->kind == REC_ARR ? arr->arr.n : 0;
}

const struct rec *rec_at(const struct rec *arr, size_t i)
{
	return i < rec_len(arr) ? arr->arr.items[i] : NULL;
}

/* The length of the well-formed UTF-8 sequence at p (1 for ASCII), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[k] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8 either. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

static void json_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			sb_add(sb, "\\\"");
			break;
		case '\\':
			sb_add(sb, "\\\\");
			break;
		case '\n':
			sb_add(sb, "\\n");
			break;
		case '\t':
			sb_add(sb, "\\t");
			break;
		case '\r':
			sb_add(sb, "\\r");
			break;
		default: {
			size_t n = utf8_len(p);

			/* Control bytes and bytes that are not UTF-8 (target memory, a
			 * Latin-1 file name) would make the line invalid JSON: each
			 * becomes the code point of the same number, \u00XX. */
			if (*p < 0x20 || *p == 0x7f || !n) {
				sb_addf(sb, "\\u%04x", *p);
			} else {
				for (size_t k = 0; k < n; k++)
					sb_addc(sb, (char)p[k]);
				p += n - 1;
			}
		}
		}
	}
	sb_addc(sb, '"');
}

void rec_to_json(const struct rec *v, struct strbuf *sb)
{
	if (!v) {
		sb_add(sb, "null");
		return;
	}
	switch (v->kind) {
	case REC_NULL:
		sb_add(sb, "null");
		break;
	case REC_BOOL:
		sb_add(sb, v->b ? "true" : "false");
		break;
	case REC_INT:
		sb_addf(sb, "%" PRId64, v->i);
		break;
	case REC_UINT:
		sb_addf(sb, "%" PRIu64, v->u);
		break;
	case REC_ADDR:
		sb_addf(sb, "\"0x%" PRIx64 "\"", v->u);
		break;
	case REC_STR:
		json_str(sb, v->s);
		break;
	case REC_NUM:
		sb_add(sb, v->s);
		break;
	case REC_ARR:
		sb_addc(sb, '[');
		for (size_t i = 0; i < v->arr.n; i++) {
			if (i)
				sb_add(sb, ", ");
			rec_to_json(v->arr.items[i], sb);
		}
		sb_addc(sb, ']');
		break;
	case REC_OBJ:
		sb_addc(sb, '{');
		for (size_t i = 0; i < v->obj.n; i++) {
			if (i)
				sb_add(sb, ", ");
			json_str(sb, v->obj.fields[i].key);
			sb_add(sb, ": ");
			rec_to_json(v->obj.fields[i].val, sb);
		}
		sb_addc(sb, '}');
		break;
	}
}
