/* ov.h - output values: the result tree a command builds, rendered as text or JSON by out.c */
#ifndef LURK_OV_H
#define LURK_OV_H

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
enum ov_kind { OV_NULL, OV_BOOL, OV_INT, OV_UINT, OV_ADDR, OV_STR, OV_ARR, OV_OBJ };

struct ov;

struct ov *ov_obj(void);
struct ov *ov_arr(void);
void ov_free(struct ov *v);

/* Setters on objects: a NULL string is not set; a key set twice keeps both (don't). */
void ov_set_str(struct ov *obj, const char *key, const char *s);
void ov_set_strf(struct ov *obj, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ov_set_int(struct ov *obj, const char *key, int64_t v);
void ov_set_uint(struct ov *obj, const char *key, uint64_t v);
void ov_set_addr(struct ov *obj, const char *key, uint64_t v);
void ov_set_bool(struct ov *obj, const char *key, bool v);
void ov_set_null(struct ov *obj, const char *key);
/* New child object/array stored under key; owned by obj, returned borrowed. */
struct ov *ov_set_obj(struct ov *obj, const char *key);
struct ov *ov_set_arr(struct ov *obj, const char *key);
/* Moves child (an object or array built separately) under key. */
void ov_set_take(struct ov *obj, const char *key, struct ov *child);

/* Appenders on arrays; the new element is owned by the array. */
struct ov *ov_push_obj(struct ov *arr);
/* Moves child (built separately) to the end of arr. */
void ov_push_take(struct ov *arr, struct ov *child);
void ov_push_str(struct ov *arr, const char *s);
void ov_push_uint(struct ov *arr, uint64_t v);

/* Getters, for renderers. Missing keys give NULL / the default. */
const struct ov *ov_get(const struct ov *obj, const char *key);
bool ov_has(const struct ov *obj, const char *key);
const char *ov_str(const struct ov *obj, const char *key);
int64_t ov_int(const struct ov *obj, const char *key, int64_t def);
uint64_t ov_uint(const struct ov *obj, const char *key, uint64_t def);
bool ov_bool(const struct ov *obj, const char *key);
enum ov_kind ov_kind(const struct ov *v);
size_t ov_len(const struct ov *arr);
const struct ov *ov_at(const struct ov *arr, size_t i);
const char *ov_as_str(const struct ov *v);
uint64_t ov_as_uint(const struct ov *v);

/* Appends v as compact JSON. */
void ov_to_json(const struct ov *v, struct strbuf *sb);

#endif
