/* ov.c - output values and their JSON form */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ov.h"
#include "util.h"

struct ov_field {
	char *key;
	struct ov *val;
};

struct ov {
	enum ov_kind kind;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		char *s;
		struct {
			struct ov **items;
			size_t n, cap;
		} arr;
		struct {
			struct ov_field *fields;
			size_t n, cap;
		} obj;
	};
};

static struct ov *ov_new(enum ov_kind kind)
{
	struct ov *v = xcalloc(1, sizeof(*v));

	v->kind = kind;
	return v;
}

struct ov *ov_obj(void)
{
	return ov_new(OV_OBJ);
}

struct ov *ov_arr(void)
{
	return ov_new(OV_ARR);
}

void ov_free(struct ov *v)
{
	if (!v)
		return;
	switch (v->kind) {
	case OV_STR:
		free(v->s);
		break;
	case OV_ARR:
		for (size_t i = 0; i < v->arr.n; i++)
			ov_free(v->arr.items[i]);
		free(v->arr.items);
		break;
	case OV_OBJ:
		for (size_t i = 0; i < v->obj.n; i++) {
			free(v->obj.fields[i].key);
			ov_free(v->obj.fields[i].val);
		}
		free(v->obj.fields);
		break;
	default:
		break;
	}
	free(v);
}

static void obj_put(struct ov *obj, const char *key, struct ov *val)
{
	VEC_GROW(obj->obj.fields, obj->obj.n, obj->obj.cap);
	obj->obj.fields[obj->obj.n].key = xstrdup(key);
	obj->obj.fields[obj->obj.n].val = val;
	obj->obj.n++;
}

static void arr_put(struct ov *arr, struct ov *val)
{
	VEC_GROW(arr->arr.items, arr->arr.n, arr->arr.cap);
	arr->arr.items[arr->arr.n++] = val;
}

void ov_set_str(struct ov *obj, const char *key, const char *s)
{
	struct ov *v;

	if (!s)
		return;
	v = ov_new(OV_STR);
	v->s = xstrdup(s);
	obj_put(obj, key, v);
}

void ov_set_strf(struct ov *obj, const char *key, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct ov *v = ov_new(OV_STR);
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	v->s = sb_detach(&sb);
	obj_put(obj, key, v);
}

void ov_set_int(struct ov *obj, const char *key, int64_t i)
{
	struct ov *v = ov_new(OV_INT);

	v->i = i;
	obj_put(obj, key, v);
}

void ov_set_uint(struct ov *obj, const char *key, uint64_t u)
{
	struct ov *v = ov_new(OV_UINT);

	v->u = u;
	obj_put(obj, key, v);
}

void ov_set_addr(struct ov *obj, const char *key, uint64_t u)
{
	struct ov *v = ov_new(OV_ADDR);

	v->u = u;
	obj_put(obj, key, v);
}

void ov_set_bool(struct ov *obj, const char *key, bool b)
{
	struct ov *v = ov_new(OV_BOOL);

	v->b = b;
	obj_put(obj, key, v);
}

void ov_set_null(struct ov *obj, const char *key)
{
	obj_put(obj, key, ov_new(OV_NULL));
}

struct ov *ov_set_obj(struct ov *obj, const char *key)
{
	struct ov *v = ov_obj();

	obj_put(obj, key, v);
	return v;
}

struct ov *ov_set_arr(struct ov *obj, const char *key)
{
	struct ov *v = ov_arr();

	obj_put(obj, key, v);
	return v;
}

void ov_set_take(struct ov *obj, const char *key, struct ov *child)
{
	obj_put(obj, key, child);
}

struct ov *ov_push_obj(struct ov *arr)
{
	struct ov *v = ov_obj();

	arr_put(arr, v);
	return v;
}

void ov_push_take(struct ov *arr, struct ov *child)
{
	arr_put(arr, child);
}

void ov_push_str(struct ov *arr, const char *s)
{
	struct ov *v = ov_new(OV_STR);

	v->s = xstrdup(s ? s : "");
	arr_put(arr, v);
}

void ov_push_uint(struct ov *arr, uint64_t u)
{
	struct ov *v = ov_new(OV_UINT);

	v->u = u;
	arr_put(arr, v);
}

const struct ov *ov_get(const struct ov *obj, const char *key)
{
	if (!obj || obj->kind != OV_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->obj.n; i++)
		if (strcmp(obj->obj.fields[i].key, key) == 0)
			return obj->obj.fields[i].val;
	return NULL;
}

bool ov_has(const struct ov *obj, const char *key)
{
	return ov_get(obj, key) != NULL;
}

const char *ov_as_str(const struct ov *v)
{
	return v && v->kind == OV_STR ? v->s : NULL;
}

uint64_t ov_as_uint(const struct ov *v)
{
	if (!v)
		return 0;
	if (v->kind == OV_INT)
		return (uint64_t)v->i;
	if (v->kind == OV_UINT || v->kind == OV_ADDR)
		return v->u;
	return v->kind == OV_BOOL ? v->b : 0;
}

const char *ov_str(const struct ov *obj, const char *key)
{
	return ov_as_str(ov_get(obj, key));
}

int64_t ov_int(const struct ov *obj, const char *key, int64_t def)
{
	const struct ov *v = ov_get(obj, key);

	if (!v || (v->kind != OV_INT && v->kind != OV_UINT && v->kind != OV_ADDR))
		return def;
	return v->kind == OV_INT ? v->i : (int64_t)v->u;
}

uint64_t ov_uint(const struct ov *obj, const char *key, uint64_t def)
{
	const struct ov *v = ov_get(obj, key);

	if (!v || (v->kind != OV_INT && v->kind != OV_UINT && v->kind != OV_ADDR))
		return def;
	return ov_as_uint(v);
}

bool ov_bool(const struct ov *obj, const char *key)
{
	const struct ov *v = ov_get(obj, key);

	return v && v->kind == OV_BOOL && v->b;
}

enum ov_kind ov_kind(const struct ov *v)
{
	return v ? v->kind : OV_NULL;
}

size_t ov_len(const struct ov *arr)
{
	return arr && arr->kind == OV_ARR ? arr->arr.n : 0;
}

const struct ov *ov_at(const struct ov *arr, size_t i)
{
	return i < ov_len(arr) ? arr->arr.items[i] : NULL;
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

void ov_to_json(const struct ov *v, struct strbuf *sb)
{
	if (!v) {
		sb_add(sb, "null");
		return;
	}
	switch (v->kind) {
	case OV_NULL:
		sb_add(sb, "null");
		break;
	case OV_BOOL:
		sb_add(sb, v->b ? "true" : "false");
		break;
	case OV_INT:
		sb_addf(sb, "%" PRId64, v->i);
		break;
	case OV_UINT:
		sb_addf(sb, "%" PRIu64, v->u);
		break;
	case OV_ADDR:
		sb_addf(sb, "\"0x%" PRIx64 "\"", v->u);
		break;
	case OV_STR:
		json_str(sb, v->s);
		break;
	case OV_ARR:
		sb_addc(sb, '[');
		for (size_t i = 0; i < v->arr.n; i++) {
			if (i)
				sb_add(sb, ", ");
			ov_to_json(v->arr.items[i], sb);
		}
		sb_addc(sb, ']');
		break;
	case OV_OBJ:
		sb_addc(sb, '{');
		for (size_t i = 0; i < v->obj.n; i++) {
			if (i)
				sb_add(sb, ", ");
			json_str(sb, v->obj.fields[i].key);
			sb_add(sb, ": ");
			ov_to_json(v->obj.fields[i].val, sb);
		}
		sb_addc(sb, '}');
		break;
	}
}
