/* rec.h - records: the result tree a command builds, rendered as text or JSON by out.c */
#ifndef LURK_REC_H
#define LURK_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/*
 * A result is an object of named fields (kept in insertion order) whose
 * values are strings, integers, addresses, booleans, arrays or objects. A
 * command builds one per result; out_emit() renders it as one JSON line, or
 * hands it to the command's human renderer, so both views carry the same
 * facts. Addresses are JSON strings ("0x7f...") because JSON numbers lose
 * precision above 2^53.
 */
enum rec_kind {
	REC_NULL,
	REC_BOOL,
	REC_INT,
	REC_UINT,
	REC_ADDR,
	REC_STR,
	REC_ARR,
	REC_OBJ,
	REC_NUM
};

struct rec;

struct rec *rec_obj(void);
struct rec *rec_arr(void);
void rec_free(struct rec *v);

/* Setters on objects: a NULL string is not set; a key set twice keeps both (don't). */
void rec_set_str(struct rec *obj, const char *key, const char *s);
void rec_set_strf(struct rec *obj, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A decimal number as printed ("%.1f" of a duration): a JSON number, the
 * same digits as the text view, which reads it back with rec_str.
 */
void rec_set_numf(struct rec *obj, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rec_set_int(struct rec *obj, const char *key, int64_t v);
void rec_set_uint(struct rec *obj, const char *key, uint64_t v);
void rec_set_addr(struct rec *obj, const char *key, uint64_t v);
void rec_set_bool(struct rec *obj, const char *key, bool v);
void rec_set_null(struct rec *obj, const char *key);
/* New child object/array stored under key; owned by obj, returned borrowed. */
struct rec *rec_set_obj(struct rec *obj, const char *key);
struct rec *rec_set_arr(struct rec *obj, const char *key);
/* Moves child (an object or array built separately) under key. */
void rec_set_take(struct rec *obj, const char *key, struct rec *child);

/* Appenders on arrays; the new element is owned by the array. */
struct rec *rec_push_obj(struct rec *arr);
/* Moves child (built separately) to the end of arr. */
void rec_push_take(struct rec *arr, struct rec *child);
void rec_push_str(struct rec *arr, const char *s);
void rec_push_uint(struct rec *arr, uint64_t v);

/* Getters, for renderers. Missing keys give NULL / the default. */
const struct rec *rec_get(const struct rec *obj, const char *key);
bool rec_has(const struct rec *obj, const char *key);
const char *rec_str(const struct rec *obj, const char *key);
int64_t rec_int(const struct rec *obj, const char *key, int64_t def);
uint64_t rec_uint(const struct rec *obj, const char *key, uint64_t def);
bool rec_bool(const struct rec *obj, const char *key);
enum rec_kind rec_kind(const struct rec *v);
size_t rec_len(const struct rec *arr);
const struct rec *rec_at(const struct rec *arr, size_t i);
const char *rec_as_str(const struct rec *v);
uint64_t rec_as_uint(const struct rec *v);

/* Appends v as compact JSON. */
void rec_to_json(const struct rec *v, struct strbuf *sb);

#endif
