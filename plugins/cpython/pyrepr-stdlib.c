/* pyrepr-stdlib.c - reprs of generators and of library objects: deque, datetime, futures, locks */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "py.h"
#include "pyrepr.h"

/*
 * Their layouts, in no header this plugin reads: from the modules' C
 * sources, the same from 3.11 to 3.14 (default builds).
 */
#define DEQUE_LEFT	24 /* dequeobject.leftblock, leftindex, maxlen; ob_size is the length */
#define DEQUE_LEFTINDEX 40
#define DEQUE_MAXLEN	64
#define BLOCK_DATA	8 /* a deque's block: leftlink, 64 items, rightlink */
#define BLOCK_LEN	64
#define BLOCK_RIGHT	(8 + 8 * BLOCK_LEN)
#define DT_HASTZINFO	24 /* PyDateTime_Date and _DateTime: hastzinfo, then data */
#define DT_DATA		25 /* year (2 bytes, big-endian), month, day, hour, minute, ... */
#define DT_TZINFO	40 /* PyDateTime_DateTime.tzinfo, when hastzinfo */
#define TZ_OFFSET	16 /* PyDateTime_TimeZone.offset, then .name */
#define TD_DAYS		24 /* PyDateTime_Delta: days, seconds, microseconds (ints) */
/* PyGenObject from 3.13 on (3.11's from its headers): gi_frame_state, a signed char; the frame */
#define GEN_STATE_313  67
#define GEN_IFRAME_313 72

/* A deque's items lie in blocks of 64, linked left to right. */
void pyr_deque(struct rb *b, uint64_t obj)
{
	const struct py *py = b->py;
	bool ok, ok2, ok3;
	int64_t n = py_ssize(py, obj + py->l->ob_size, &ok),
		index = py_ssize(py, obj + DEQUE_LEFTINDEX, &ok2),
		maxlen = py_ssize(py, obj + DEQUE_MAXLEN, &ok3), i;
	uint64_t block = 0;

	if (!ok || !ok2 || !ok3 || n < 0 || index < 0 || index >= BLOCK_LEN ||
	    py_ptr(py, obj + DEQUE_LEFT, &block) < 0) {
		pyr_put(b, "<deque at 0x%" PRIx64 ": unreadable>", obj);
		return;
	}
	if (!pyr_enter(b, obj, "[...]", "deque", n))
		return;
	pyr_put(b, "deque([");
	for (i = 0; i < n && !pyr_over(b, i); i++, index++) {
		uint64_t item = 0;

		if (index == BLOCK_LEN) {
			index = 0;
			if (py_ptr(py, block + BLOCK_RIGHT, &block) < 0 || !block)
				break;
		}
		if (py_ptr(py, block + BLOCK_DATA + 8 * (uint64_t)index, &item) < 0)
			break;
		pyr_put(b, "%s", i ? ", " : "");
		pyr_value(b, item);
	}
	pyr_rest(b, i, n);
	pyr_put(b, "]");
	if (maxlen >= 0)
		pyr_put(b, ", maxlen=%" PRId64, maxlen);
	pyr_put(b, ")");
	pyr_leave(b);
}

/* datetime's date, datetime and timedelta, as their reprs show them (zeros left out). */
void pyr_datetime(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	unsigned char d[10];
	int td[3];
	char hastz = 0;

	if (!strcmp(tname, "datetime.timezone")) {
		uint64_t f[2] = { 0 }; /* PyDateTime_TimeZone: offset (a timedelta), name */

		if (py_read(py, obj + TZ_OFFSET, f, sizeof f) < 0 ||
		    py_read(py, f[0] + TD_DAYS, td, sizeof td) < 0) {
			pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
			return;
		}
		if (!td[0] && !td[1] && !td[2] && !f[1]) {
			pyr_put(b, "datetime.timezone.utc");
			return;
		}
		pyr_put(b, "datetime.timezone(");
		pyr_value(b, f[0]);
		if (f[1]) {
			pyr_put(b, ", ");
			pyr_value(b, f[1]);
		}
		pyr_put(b, ")");
		return;
	}
	if (!strcmp(tname, "datetime.timedelta")) {
		if (py_read(py, obj + TD_DAYS, td, sizeof td) < 0) {
			pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
			return;
		}
		pyr_put(b, "datetime.timedelta(");
		if (td[0])
			pyr_put(b, "days=%d%s", td[0], td[1] || td[2] ? ", " : "");
		if (td[1])
			pyr_put(b, "seconds=%d%s", td[1], td[2] ? ", " : "");
		if (td[2])
			pyr_put(b, "microseconds=%d", td[2]);
		pyr_put(b, "%s)", td[0] || td[1] || td[2] ? "" : "0");
		return;
	}
	if (py_read(py, obj + DT_HASTZINFO, &hastz, 1) < 0 ||
	    py_read(py, obj + DT_DATA, d, !strcmp(tname, "datetime.date") ? 4 : 10) < 0) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	pyr_put(b, "%s(%d, %d, %d", tname, d[0] << 8 | d[1], d[2], d[3]);
	if (strcmp(tname, "datetime.date")) {
		int usec = d[7] << 16 | d[8] << 8 | d[9];

		pyr_put(b, ", %d, %d", d[4], d[5]);
		if (d[6] || usec)
			pyr_put(b, ", %d", d[6]);
		if (usec)
			pyr_put(b, ", %d", usec);
		if (hastz) {
			uint64_t tz = 0;

			py_ptr(py, obj + DT_TZINFO, &tz);
			pyr_put(b, ", tzinfo=");
			pyr_value(b, tz);
		}
	}
	pyr_put(b, ")");
}

/* ---- generators and coroutines ---------------------------------------------------------- */

/*
 * A generator, coroutine or async generator holds its frame: where it is
 * suspended is that frame's line. Its state says whether it started
 * (3.11 calls "created" -2, later versions -3), runs (0) or ended (1 on).
 */
void pyr_generator(struct rb *b, uint64_t obj, const char *tname)
{
	const struct py *py = b->py;
	bool v311 = py->l->hexminor == 0x030b0000;
	uint64_t iframe = v311 ? py_tasks_layout_311()->gi_iframe : GEN_IFRAME_313,
		 state_at = v311 ? py_tasks_layout_311()->gi_frame_state : GEN_STATE_313;
	signed char state = 0;
	struct py_frame f;

	if (py_read(py, obj + state_at, &state, 1) < 0) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (state > 0) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": finished>", tname, obj);
		return;
	}
	if (py_frame_at(py, obj + iframe, &f) < 0) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": its frame cannot be read>", tname, obj);
		return;
	}
	if (state == 0)
		pyr_put(b, "<%s %s at 0x%" PRIx64 ": running>", tname, f.qualname, obj);
	else if (state == (v311 ? -2 : -3))
		pyr_put(b, "<%s %s at 0x%" PRIx64 ": not started, at %s:%d>", tname, f.qualname,
			obj, f.file, f.line);
	else
		pyr_put(b, "<%s %s at 0x%" PRIx64 ": suspended at %s:%d>", tname, f.qualname, obj,
			f.file, f.line);
}

/* ---- asyncio ---------------------------------------------------------------------- */

/* "<Task 'fetch' at 0x...: pending, coro=<coroutine ...>>": its name, state and coroutine. */
void pyr_future(struct rb *b, uint64_t obj, const char *tname, bool task)
{
	const struct py *py = b->py;
	static const char *const states[] = { "pending", "cancelled", "finished" };
	struct py_task_offsets o;
	int state = -1;
	uint64_t name = 0, coro = 0;
	char text[256];

	if (py_task_offsets(py, &o) < 0 || py_read(py, obj + o.state, &state, sizeof state) < 0 ||
	    state < 0 || state > 2) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", pyr_short_name(tname), obj);
		return;
	}
	pyr_put(b, "<%s", pyr_short_name(tname));
	if (task && py_ptr(py, obj + o.name, &name) == 0) {
		/* An unnamed task keeps its number until someone asks for its name. */
		if (py_is(py, name, py->t_long)) {
			py_repr(py, name, text, sizeof text);
			pyr_put(b, " 'Task-%s'", text);
		} else if (py_str(py, name, text, sizeof text) == 0) {
			pyr_put(b, " '%s'", text);
		}
	}
	pyr_put(b, " at 0x%" PRIx64 ": %s", obj, states[state]);
	if (task && py_ptr(py, obj + o.coro, &coro) == 0 && coro) {
		pyr_put(b, ", coro=");
		pyr_value(b, coro);
	}
	pyr_put(b, ">");
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
void pyr_lock(struct rb *b, uint64_t obj, const char *tname, bool rlock)
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
			pyr_put(b, "<%s at 0x%" PRIx64 ": %s>", tname, obj,
				bits & 1 ? "locked" : "unlocked");
		else
			pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	ok = py_ptr(py, obj + l->rlock_owner, &owner) == 0 &&
	     py_ptr(py, obj + l->rlock_count, &count) == 0;
	if (ok && l->rlock_parks) {
		ok = py_read(py, obj + l->rlock_lock, &bits, 1) == 0;
		count = bits & 1 ? count + 1 : 0;
	}
	if (!ok) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unreadable>", tname, obj);
		return;
	}
	if (!count) {
		pyr_put(b, "<%s at 0x%" PRIx64 ": unlocked>", tname, obj);
		return;
	}
	o.ident = owner;
	py_threads_each(py, owner_thread, &o);
	if (!o.text[0])
		snprintf(o.text, sizeof o.text, "thread ident %" PRIu64, owner);
	pyr_put(b, "<%s at 0x%" PRIx64 ": locked by %s, %" PRIu64 " time%s>", tname, obj, o.text,
		count, count == 1 ? "" : "s");
}
