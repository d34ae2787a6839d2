/* pyrepr.h - what the files of the bounded repr (pyrepr.c, pyrepr-stdlib.c) share */
#ifndef LURK_CPYTHON_PYREPR_H
#define LURK_CPYTHON_PYREPR_H

#include <stdbool.h>
#include <stdint.h>

#include "py.h"

#define MAX_NEST 64 /* containers inside containers, at most */

/* One repr being made: the text so far, and the containers it is inside. */
struct rb {
	const struct py *py;
	const struct py_repr_limits *lim;
	char *p, *end;
	uint64_t open[MAX_NEST]; /* the containers being shown, outermost first: a cycle */
	int depth;
	char scratch[PY_MAX_STR * 4 + 16]; /* a str's or int's text: not one per level of nesting */
};

/* Append to the output; once it is full, end it with "..." and drop the rest. */
void pyr_put(struct rb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Any value, bounded by b's limits. */
void pyr_value(struct rb *b, uint64_t obj);
/*
 * Whether a container's items are shown: not past the depth limit, not
 * in a cycle (then its type and size, or cycle, are put instead). When
 * true, pyr_leave ends it.
 */
bool pyr_enter(struct rb *b, uint64_t obj, const char *cycle, const char *tname, int64_t n);
void pyr_leave(struct rb *b);
/* Whether no more items are shown: the element limit is reached, or the output is full. */
bool pyr_over(const struct rb *b, int64_t shown);
/* After the items shown: "..." and how many there are, when not all were. */
void pyr_rest(struct rb *b, int64_t shown, int64_t n);
/* The name after the last dot: "collections.deque" is shown as deque, as Python does. */
const char *pyr_short_name(const char *tp_name);

/* ---- library objects (pyrepr-stdlib.c) ---- */
void pyr_deque(struct rb *b, uint64_t obj);
/* datetime.date, datetime, timedelta or timezone (tname says which). */
void pyr_datetime(struct rb *b, uint64_t obj, const char *tname);
/* A generator, coroutine or async generator. */
void pyr_generator(struct rb *b, uint64_t obj, const char *tname);
/* An _asyncio.Future, or Task (task). */
void pyr_future(struct rb *b, uint64_t obj, const char *tname, bool task);
/* A _thread.lock, or RLock (rlock). */
void pyr_lock(struct rb *b, uint64_t obj, const char *tname, bool rlock);

#endif
