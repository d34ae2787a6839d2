/* util.h - allocation that cannot fail, growable strings and vectors, number parsing */
#ifndef LURK_UTIL_H
#define LURK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure aborts: a debugger that cannot allocate cannot explain anything. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Grow an array *items of *n used and *cap allocated elements so that one
 * more fits. Used as: VEC_GROW(v, n, cap); v[n++] = x;
 */
#define VEC_GROW(items, n, cap)                                                \
	do {                                                                   \
		if ((n) >= (cap)) {                                            \
			(cap) = (cap) ? (cap)*2 : 8;                           \
			(items) = xrealloc((items), (cap) * sizeof(*(items))); \
		}                                                              \
	} while (0)

struct strbuf {
	char *buf; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT        \
	{                  \
		NULL, 0, 0 \
	}

void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* The contents, "" when empty; borrowed until the next change. */
const char *sb_str(const struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* The buffer becomes the caller's (never NULL); sb is left empty. */
char *sb_detach(struct strbuf *sb);

/*
 * Parse a whole string as an unsigned number: decimal, 0x hex, 0 octal or
 * 0b binary, as in C. Returns 0, or -1 with err set ("\"12q\" is not a
 * number") on malformed input or overflow.
 */
int parse_u64(const char *s, uint64_t *out);
/* As parse_u64, with an optional leading '-'. */
int parse_i64(const char *s, int64_t *out);
/* A size with an optional K, M or G suffix (KiB based): "512K", "1.5G". */
int parse_size(const char *s, uint64_t *out);

/* The next whitespace-separated word of *p (advanced past it), or 0 when none. */
size_t next_word(const char **p, const char **word);
const char *skip_ws(const char *s);
/* s without trailing white space, as a new string. */
char *trim_dup(const char *s);
bool has_prefix(const char *s, const char *prefix);
/* Levenshtein distance, capped at limit+1 (for "did you mean"). */
unsigned edit_distance(const char *a, const char *b, unsigned limit);
/* The last path component, borrowed from path. */
const char *path_base(const char *path);
/*
 * dir/file with "." and ".." components resolved as text (no file system
 * access), into buf: "/src/build" + "../lib/a.c" is "/src/lib/a.c".
 */
void path_join_clean(const char *dir, const char *file, char *buf, size_t len);
/*
 * Split a command line into words as a shell would for plain words:
 * whitespace separates, '...' and "..." quote, backslash escapes. Returns a
 * NULL-terminated vector (free with free_argv), or NULL with err set on an
 * unterminated quote.
 */
char **split_args(const char *s, int *argc);
/*
 * The next word of *p split as split_args() does, into *word (the caller
 * frees it), *p moved past it. Returns 1, 0 at the end of the text, or -1
 * with err set on an unterminated quote.
 */
int next_arg(const char **p, char **word);
void free_argv(char **argv);
/* Write all of buf to fd, again after EINTR and short writes: 0, or -1 with errno set. */
int write_all(int fd, const void *buf, size_t len);
/* Monotonic time in nanoseconds. */
uint64_t now_ns(void);

#endif
