/* pylocks.c - which Python thread waits on which threading lock, who holds it, and cycles */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "py.h"

#define MAX_LOCKS   1024
#define MAX_THREADS 512

/* A _thread.lock or _thread.RLock seen from some frame. */
struct py_lock {
	uint64_t obj;
	uint64_t sem;	 /* lock_lock: the sem_t its waiters block on; 0 when they park */
	uint64_t parked; /* the PyMutex its waiters park on (3.13 on); 0 when they use sem */
	bool rlock;
	int name_rank; /* how good name is: 0 none, 1 a local, 2 an attribute, 3 a module global */
	char name[128];
	int holder;	   /* index into threads, -1 unknown */
	char held_at[800]; /* where the holder's with block is */
};

struct scan_thread {
	struct py_thread t;
	int64_t syscall;     /* -1: in user code */
	uint64_t futex;	     /* the word it waits on, when in futex() */
	uint64_t parked;     /* the address it parks on, if that futex is a parking lot's */
	int waits;	     /* index into locks, -1 none */
	struct py_frame top; /* innermost Python frame */
	bool has_top;
};

struct scan {
	const struct py *py;
	struct py_lock *locks;
	int nlocks;
	struct scan_thread *threads;
	int nthreads;
	uint64_t seen_globals[256];
	int nseen_globals;
};

static int lock_kind(const struct py *py, uint64_t obj)
{
	char name[32];

	py_type_name(py, obj, name, sizeof name);
	return !strcmp(name, "_thread.lock") ? 1 : !strcmp(name, "_thread.RLock") ? 2 : 0;
}

/* Note a lock object; a better name than the one it has replaces it. */
static struct py_lock *note_lock(struct scan *s, uint64_t obj, int rank, const char *name)
{
	const struct py_layout *l = s->py->l;
	int kind = lock_kind(s->py, obj);
	struct py_lock *k = NULL;

	if (!kind)
		return NULL;
	for (int i = 0; i < s->nlocks; i++)
		if (s->locks[i].obj == obj)
			k = &s->locks[i];
	if (!k) {
		if (s->nlocks >= MAX_LOCKS)
			return NULL;
		k = &s->locks[s->nlocks++];
		memset(k, 0, sizeof(*k));
		k->obj = obj;
		k->rlock = kind == 2;
		k->holder = -1;
		if (k->rlock ? l->rlock_parks : l->lock_parks)
			k->parked = obj + (k->rlock ? l->rlock_lock : l->lock_lock);
		else
			py_ptr(s->py, obj + (k->rlock ? l->rlock_lock : l->lock_lock), &k->sem);
	}
	if (rank > k->name_rank) {
		k->name_rank = rank;
		snprintf(k->name, sizeof k->name, "%s", name);
	}
	return k;
}

struct attr_scan {
	struct scan *s;
	const char *owner;
	int rank;
};

static int lock_attr(void *arg, uint64_t key, uint64_t value)
{
	struct attr_scan *a = arg;
	char attr[64], name[128];

	if (py_str(a->s->py, key, attr, sizeof attr) == 0) {
		snprintf(name, sizeof name, "%s.%s", a->owner, attr);
		note_lock(a->s, value, a->rank, name);
	}
	return 0;
}

/* value, named name, is a lock, or an object whose attributes hold locks. */
static void scan_value(struct scan *s, uint64_t value, const char *name, int rank)
{
	struct attr_scan a = { s, name, 2 };

	if (!value || note_lock(s, value, rank, name))
		return;
	if (value == s->py->none || py_is(s->py, value, s->py->t_long) ||
	    py_is(s->py, value, s->py->t_str) || py_is(s->py, value, s->py->t_module) ||
	    py_is(s->py, value, s->py->t_func))
		return;
	py_attrs_each(s->py, value, lock_attr, &a);
}

static int scan_local(void *arg, const char *name, uint64_t value)
{
	scan_value(arg, value, name, 1);
	return 0;
}

static int scan_global(void *arg, uint64_t key, uint64_t value)
{
	struct scan *s = arg;
	char name[128];

	if (py_str(s->py, key, name, sizeof name) == 0)
		scan_value(s, value, name, 3);
	return 0;
}

/* Value stack slot k of a frame whose code has nlocals fast locals; 0 when unreadable. */
static uint64_t stack_slot(const struct py *py, const struct py_frame *f, int nlocals, int k)
{
	uint64_t v = 0;

	if (py_ptr(py, f->addr + py->l->fr_localsplus + 8 * (uint64_t)(nlocals + k), &v) < 0)
		return 0;
	return v & ~py->l->fr_tag_bits; /* 3.14's stack holds _PyStackRefs */
}

/*
 * The self of a with block's __exit__ at stack slot k: a builtin method
 * bound to it (3.11, 3.13), or from 3.14 the method descriptor unbound,
 * its self in the next slot. 0 when slot k holds no __exit__.
 */
static uint64_t exit_self(const struct py *py, const struct py_frame *f, int nlocals, int k,
			  int depth)
{
	const struct py_layout *l = py->l;
	uint64_t v = stack_slot(py, f, nlocals, k), self = 0, ml = 0, mname = 0;
	char method[16], type[32];

	if (l->with_exit_unbound) {
		py_type_name(py, v, type, sizeof type);
		if (k + 1 >= depth || strcmp(type, "method_descriptor") != 0 ||
		    py_ptr(py, v + l->descr_name, &mname) < 0 ||
		    py_str(py, mname, method, sizeof method) < 0 || strcmp(method, "__exit__") != 0)
			return 0;
		return stack_slot(py, f, nlocals, k + 1);
	}
	if (!py_is(py, v, py->t_cfunc) || py_ptr(py, v + l->cfn_self, &self) < 0 ||
	    py_ptr(py, v + l->cfn_ml, &ml) < 0 || py_ptr(py, ml + l->ml_name, &mname) < 0 ||
	    api->read_string(py->self, mname, method, sizeof method) < 0 ||
	    strcmp(method, "__exit__") != 0)
		return 0;
	return self;
}

/*
 * A with block in progress keeps the __exit__ of its context manager on
 * the frame's value stack, below the depth where the innermost try region
 * of the current instruction starts: that part of the stack is live. A
 * lock's __exit__ there means this thread holds the lock.
 */
static void scan_with_blocks(struct scan *s, int ti, const struct py_frame *f)
{
	const struct py *py = s->py;
	const struct py_layout *l = py->l;
	int depth = py_live_stack_depth(py, f), nlocals = 0;

	if (depth <= 0 || depth > 256 ||
	    py_read(py, f->code + l->co_nlocalsplus, &nlocals, sizeof(nlocals)) < 0 || nlocals < 0)
		return;
	for (int k = 0; k < depth; k++) {
		uint64_t self = exit_self(py, f, nlocals, k, depth);
		struct py_lock *lock;

		if (!self || !(lock = note_lock(s, self, 0, "")))
			continue;
		if (lock->holder < 0) {
			lock->holder = ti;
			snprintf(lock->held_at, sizeof lock->held_at,
				 "inside a with block on it, in %s, now at %s:%d", f->name, f->file,
				 f->line);
		}
	}
}

struct frame_scan {
	struct scan *s;
	int ti;
};

static int scan_frame(void *arg, const struct py_frame *f)
{
	struct frame_scan *fs = arg;
	struct scan *s = fs->s;
	struct scan_thread *st = &s->threads[fs->ti];
	bool seen = false;

	if (!st->has_top) {
		st->top = *f;
		st->has_top = true;
	}
	py_locals_each(s->py, f, scan_local, s);
	scan_with_blocks(s, fs->ti, f);
	for (int i = 0; i < s->nseen_globals; i++)
		seen |= s->seen_globals[i] == f->globals;
	if (!seen && f->globals && s->nseen_globals < 256) {
		s->seen_globals[s->nseen_globals++] = f->globals;
		py_dict_each(s->py, f->globals, scan_global, s);
	}
	return 0;
}

/* FUTEX_WAIT, FUTEX_WAIT_BITSET and the PI lock/wait operations sleep; the rest do not. */
static bool futex_waits(uint64_t op)
{
	switch (op & 127) { /* without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */
	case 0:		    /* FUTEX_WAIT */
	case 6:		    /* FUTEX_LOCK_PI */
	case 9:		    /* FUTEX_WAIT_BITSET */
	case 11:	    /* FUTEX_WAIT_REQUEUE_PI */
	case 13:	    /* FUTEX_LOCK_PI2 */
		return true;
	default:
		return false;
	}
}

/*
 * The system call a thread is in (-1: none) and, for futex(), the word it
 * waits on. From 3.13 a thread blocked on a PyMutex sleeps on the
 * semaphore of a parking-lot entry on its own stack, next to the address
 * it parks on: that address is read too (a futex elsewhere gives a word
 * that matches no lock).
 */
static void thread_wait(const struct py *py, struct scan_thread *st)
{
	uint64_t nr = (uint64_t)-1, addr = 0, op = 0;

	st->syscall = -1;
	st->futex = 0;
	st->parked = 0;
	if (!st->t.thread || api->read_register(py->self, st->t.thread, "orig_rax", &nr) < 0)
		return;
	st->syscall = (int64_t)nr;
	/* Only a futex call that waits (not one that wakes others) is a wait on that word. */
	if (st->syscall == SYS_futex &&
	    api->read_register(py->self, st->t.thread, "rsi", &op) == 0 && futex_waits(op) &&
	    api->read_register(py->self, st->t.thread, "rdi", &addr) == 0)
		st->futex = addr;
	if (st->futex && py->l->lock_parks &&
	    py_ptr(py, st->futex - py->l->park_addr_before_sema, &st->parked) < 0)
		st->parked = 0;
}

static int add_thread(void *arg, const struct py_thread *t)
{
	struct scan *s = arg;
	struct scan_thread *st;

	if (s->nthreads >= MAX_THREADS)
		return 1;
	st = &s->threads[s->nthreads++];
	memset(st, 0, sizeof(*st));
	st->t = *t;
	st->waits = -1;
	thread_wait(s->py, st);
	return 0;
}

static int scan_all(struct scan *s, const struct py *py)
{
	const struct py_layout *l = py->l;

	memset(s, 0, sizeof(*s));
	s->py = py;
	s->locks = calloc(MAX_LOCKS, sizeof(*s->locks));
	s->threads = calloc(MAX_THREADS, sizeof(*s->threads));
	if (!s->locks || !s->threads || py_threads_each(py, add_thread, s) < 0)
		return -1;
	for (int i = 0; i < s->nthreads; i++) {
		struct frame_scan fs = { s, i };

		py_frames_each(py, &s->threads[i].t, scan_frame, &fs, NULL);
	}
	for (int i = 0; i < s->nthreads; i++) {
		struct scan_thread *st = &s->threads[i];

		for (int k = 0; st->futex && k < s->nlocks; k++)
			if ((s->locks[k].sem && s->locks[k].sem == st->futex) ||
			    (s->locks[k].parked && s->locks[k].parked == st->parked))
				st->waits = k;
	}
	/*
	 * An RLock records its owner's ident and count; a _PyRecursiveMutex
	 * (3.14) its level, the times taken beyond the first while locked.
	 */
	for (int k = 0; k < s->nlocks; k++) {
		struct py_lock *lock = &s->locks[k];
		uint64_t owner = 0, count = 0;
		unsigned char bits = 0;

		if (!lock->rlock || py_ptr(py, lock->obj + l->rlock_owner, &owner) < 0 ||
		    py_ptr(py, lock->obj + l->rlock_count, &count) < 0)
			continue;
		if (l->rlock_parks)
			count = py_read(py, lock->parked, &bits, 1) == 0 && (bits & 1) ? count + 1
										       : 0;
		if (!count)
			continue;
		for (int i = 0; i < s->nthreads; i++)
			if (s->threads[i].t.ident == owner) {
				lock->holder = i;
				snprintf(lock->held_at, sizeof lock->held_at,
					 "owner of the RLock, taken %" PRIu64 " time%s", count,
					 count == 1 ? "" : "s");
			}
	}
	return 0;
}

static void scan_free(struct scan *s)
{
	free(s->locks);
	free(s->threads);
}

bool py_waits_for_gil(const struct py *py, const struct py_thread *t)
{
	struct scan_thread st = { .t = *t };
	uint64_t gil = t->gil_addr;

	thread_wait(py, &st);
	return st.syscall == SYS_futex && st.futex >= gil && st.futex < gil + py->l->rt_gil_size;
}

static int first_frame(void *arg, const struct lurk_frame *frame)
{
	char *fn = arg;

	snprintf(fn, 128, "%s", frame->function ? frame->function : "");
	return 1;
}

void py_thread_state(const struct py *py, const struct py_thread *t, char *buf, size_t len)
{
	struct scan_thread st = { .t = *t };
	char fn[128] = "";

	thread_wait(py, &st);
	/* The holder may be in a system call for a moment (waking a waiter): it runs Python. */
	if (st.syscall < 0 || (t->gil && !st.futex)) {
		snprintf(buf, len, t->gil ? "running Python" : "running native code");
		return;
	}
	/* A futex call that wakes others: a thread handing the GIL over, or any other wake. */
	if (st.syscall == SYS_futex && !st.futex) {
		snprintf(buf, len, "handing over a lock (futex wake)");
		return;
	}
	if (py_waits_for_gil(py, t)) {
		/*
		 * The holder blocks on the GIL's own mutex while it drops the
		 * GIL (3.13's drop_gil takes it before clearing "locked").
		 */
		snprintf(buf, len,
			 t->gil ? "handing over the GIL (waits for its mutex)"
				: "waiting for the GIL");
		return;
	}
	if (st.syscall == SYS_futex) {
		struct scan s;
		int waits = -1;

		if (scan_all(&s, py) == 0)
			for (int i = 0; i < s.nthreads; i++)
				if (s.threads[i].t.tstate == t->tstate)
					waits = s.threads[i].waits;
		if (waits >= 0)
			snprintf(buf, len, "waiting on a lock (%s)",
				 s.locks[waits].name[0] ? s.locks[waits].name : "unnamed");
		else
			snprintf(buf, len, "waiting on a native lock or condition");
		scan_free(&s);
		return;
	}
	/* Name the system call by the C function the thread is in (libc's wrapper). */
	if (t->thread)
		api->frames(py->self, t->thread, first_frame, fn);
	snprintf(buf, len, "in a system call%s%s", fn[0] ? ": " : "", fn);
}

static void thread_label(const struct scan_thread *st, char *buf, size_t len)
{
	snprintf(buf, len, "thread %d (tid %" PRId64 ")%s%s%s", st->t.thread, st->t.tid,
		 st->t.name[0] ? " \"" : "", st->t.name, st->t.name[0] ? "\"" : "");
}

static void lock_label(const struct py_lock *k, char *buf, size_t len)
{
	if (k->name[0])
		snprintf(buf, len, "%s (%s at 0x%" PRIx64 ")", k->name, k->rlock ? "RLock" : "Lock",
			 k->obj);
	else
		snprintf(buf, len, "an unnamed %s at 0x%" PRIx64, k->rlock ? "RLock" : "Lock",
			 k->obj);
}

int py_locks_report(const struct py *py)
{
	struct scan s;
	int waiting = 0, cycles = 0;
	char who[160], what[200], holder[160];

	if (py->l->free_threaded) {
		api->error(py->self, "py locks does not read a free-threaded build");
		return -1;
	}
	if (scan_all(&s, py) < 0) {
		scan_free(&s);
		return -1;
	}
	for (int i = 0; i < s.nthreads; i++) {
		const struct scan_thread *st = &s.threads[i];
		const struct py_lock *k;
		struct lurk_record *r;

		if (st->waits < 0)
			continue;
		waiting++;
		k = &s.locks[st->waits];
		thread_label(st, who, sizeof who);
		lock_label(k, what, sizeof what);
		r = api->record_new(py->self);
		api->record_str(r, "kind", "wait");
		api->record_int(r, "thread", st->t.thread);
		api->record_int(r, "tid", st->t.tid);
		api->record_str(r, "lock", k->name);
		api->record_addr(r, "lock_addr", k->obj);
		api->record_str(r, "lock_type", k->rlock ? "RLock" : "Lock");
		if (st->has_top) {
			api->record_int(r, "frame", 0); /* the innermost Python frame waits */
			api->record_str(r, "function", st->top.name);
			api->record_str(r, "file", st->top.file);
			api->record_int(r, "line", st->top.line);
		}
		if (k->holder >= 0) {
			thread_label(&s.threads[k->holder], holder, sizeof holder);
			api->record_int(r, "holder_thread", s.threads[k->holder].t.thread);
			api->record_str(r, "held_at", k->held_at);
			api->record_emit(py->self, r,
					 "%s waits for %s in %s at %s:%d\n  held by %s: %s", who,
					 what, st->has_top ? st->top.name : "?",
					 st->has_top ? st->top.file : "?",
					 st->has_top ? st->top.line : 0, holder, k->held_at);
		} else {
			api->record_emit(py->self, r,
					 "%s waits for %s in %s at %s:%d\n  held by: unknown (a "
					 "Lock taken with "
					 "acquire() records no owner, and no thread is in a with "
					 "block on it)",
					 who, what, st->has_top ? st->top.name : "?",
					 st->has_top ? st->top.file : "?",
					 st->has_top ? st->top.line : 0);
		}
	}
	/* Cycles: follow waits -> holder from each waiting thread; report each cycle once. */
	for (int start = 0; start < s.nthreads; start++) {
		int path[MAX_THREADS], n = 0, cur = start, min = start;
		char text[2048];
		size_t used = 0;
		struct lurk_record *r;
		bool cycle = false;

		while (n < s.nthreads && s.threads[cur].waits >= 0 &&
		       s.locks[s.threads[cur].waits].holder >= 0) {
			path[n++] = cur;
			cur = s.locks[s.threads[cur].waits].holder;
			if (cur == start) {
				cycle = true;
				break;
			}
		}
		if (!cycle)
			continue;
		for (int i = 0; i < n; i++)
			if (path[i] < min)
				min = path[i];
		if (min != start)
			continue; /* the same cycle, found from its lowest thread */
		cycles++;
		for (int i = 0; i < n; i++) {
			const struct scan_thread *st = &s.threads[path[i]];
			const struct py_lock *k = &s.locks[st->waits];

			used += (size_t)snprintf(
				text + used, used < sizeof text ? sizeof text - used : 0,
				"%sthread %d waits for %s held by thread %d", i ? "; " : "",
				st->t.thread, k->name[0] ? k->name : "an unnamed lock",
				s.threads[k->holder].t.thread);
		}
		r = api->record_new(py->self);
		api->record_str(r, "kind", "deadlock");
		api->record_str(r, "cycle", text);
		api->record_emit(py->self, r, "deadlock: %s", text);
	}
	if (!waiting)
		api->print(py->self, "no Python thread waits on a threading lock");
	else if (!cycles)
		api->print(py->self, "no deadlock among Python locks");
	scan_free(&s);
	return 0;
}

/* ---- lurk's info locks and deadlock --------------------------------------------- */

int py_lock_waits(struct lurk_plugin *self, void *userdata,
		  void (*add)(void *arg, const struct lurk_lock_wait *wait), void *arg)
{
	struct py py;
	struct scan s;

	(void)userdata;
	if (py_attach(self, &py) != 0 || py.l->free_threaded)
		return 0; /* not a Python process, or one whose locks are not read: no waits */
	if (scan_all(&s, &py) < 0) {
		scan_free(&s);
		return -1;
	}
	for (int i = 0; i < s.nthreads; i++) {
		const struct scan_thread *st = &s.threads[i];
		const struct py_lock *k;
		struct lurk_lock_wait w = { .size = sizeof(w) };

		if (st->waits < 0 || !st->t.thread)
			continue;
		k = &s.locks[st->waits];
		w.thread = st->t.thread;
		w.lock = k->obj;
		w.lock_name = k->name[0] ? k->name : NULL;
		w.kind = k->rlock ? "threading.RLock" : "threading.Lock";
		w.owner = k->holder >= 0 ? s.threads[k->holder].t.thread : 0;
		w.owner_note =
			k->holder >= 0
				? k->held_at
				: "holder unknown: a Lock taken with acquire() records no owner";
		w.futex =
			st->futex; /* the lock's sem_t, or the semaphore a parked thread sleeps on */
		if (st->has_top) {
			w.function = st->top.name;
			w.file = st->top.file;
			w.line = st->top.line;
		}
		add(arg, &w);
	}
	scan_free(&s);
	return 0;
}
