/* locks.c - who waits on which lock, who holds it: the wait-for graph of pthread mutexes */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "err.h"
#include "locks.h"
#include "plugin-host.h"
#include "regs.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"

/* The pthread functions a blocked thread sits under, and what they wait on. */
static const struct {
	const char *func;
	enum lock_kind kind;
} waiters[] = {
	{ "pthread_mutex_lock", LOCK_MUTEX },
	{ "__pthread_mutex_lock", LOCK_MUTEX },
	{ "pthread_mutex_timedlock", LOCK_MUTEX },
	{ "pthread_mutex_clocklock", LOCK_MUTEX },
	/* robust and PI mutexes: pthread_mutex_lock tail-calls it, so it is on the stack */
	{ "__pthread_mutex_lock_full", LOCK_MUTEX },
	{ "__pthread_mutex_clocklock_common", LOCK_MUTEX },
	{ "pthread_cond_wait", LOCK_COND },
	{ "pthread_cond_timedwait", LOCK_COND },
	{ "pthread_cond_clockwait", LOCK_COND },
	{ "sem_wait", LOCK_SEM },
	/* sem_wait tail-calls its slow path */
	{ "__new_sem_wait_slow64", LOCK_SEM },
	{ "__new_sem_wait_slow", LOCK_SEM },
	{ "sem_timedwait", LOCK_SEM },
	{ "sem_clockwait", LOCK_SEM },
	{ "pthread_rwlock_rdlock", LOCK_RWLOCK },
	{ "pthread_rwlock_wrlock", LOCK_RWLOCK },
	{ "pthread_rwlock_timedrdlock", LOCK_RWLOCK },
	{ "pthread_rwlock_timedwrlock", LOCK_RWLOCK },
};

const char *locks_kind_name(enum lock_kind k)
{
	static const char *const names[] = { "mutex", "condition", "semaphore", "rwlock", "lock" };

	return names[k];
}

/* glibc's own constants, which its public headers do not export. */
enum {
	MUTEX_KIND_TYPE = 3,	     /* normal, recursive, error-checking, adaptive */
	MUTEX_KIND_ROBUST = 16,	     /* PTHREAD_MUTEX_ROBUST_NORMAL_NP */
	MUTEX_KIND_PI = 32,	     /* PTHREAD_MUTEX_PRIO_INHERIT_NP */
	FUTEX_TID_MASK = 0x3fffffff, /* the owner TID bits of a PI/robust futex word */
	RWLOCK_WRPHASE = 1,	     /* __readers: a write phase is on */
	RWLOCK_READER_SHIFT = 3,     /* __readers: the reader count starts here */
};

/* Which of waiters[] func is, or -1; a compiler's clone (name.constprop.0) is its original. */
static int waiter_index(const char *func)
{
	size_t len;

	if (!func)
		return -1;
	len = strcspn(func, ".");
	for (size_t i = 0; i < ARRAY_SIZE(waiters); i++)
		if (strlen(waiters[i].func) == len && strncmp(func, waiters[i].func, len) == 0)
			return (int)i;
	return -1;
}

/* The thread's futex address when it sleeps in futex(2), else 0. */
static uint64_t futex_word(struct session *s, struct thread *th)
{
	const struct arch *a = target_arch(s->target);
	struct regs r;

	if (target_regs(s->target, th, &r) < 0 || a->syscall_nr(&r) != SYS_futex) {
		err_clear();
		return 0;
	}
	return regs_get(&r, a->sys_args[0]);
}

/* lurk's number of the thread with this TID, 0 when it is not one of ours. */
static int thread_num_of(struct session *s, pid_t tid)
{
	for (size_t k = 0; k < target_nthreads(s->target); k++)
		if (target_th_tid(target_thread_at(s->target, k)) == tid)
			return target_th_num(target_thread_at(s->target, k));
	return 0;
}

/* "recursive", "robust", ...: what sets a mutex apart, NULL for a plain one. */
static const char *mutex_type_name(int kind)
{
	if (kind & MUTEX_KIND_PI)
		return "priority-inheritance";
	if (kind & MUTEX_KIND_ROBUST)
		return "robust";
	switch (kind & MUTEX_KIND_TYPE) {
	case PTHREAD_MUTEX_RECURSIVE_NP:
		return "recursive";
	case PTHREAD_MUTEX_ERRORCHECK_NP:
		return "error-checking";
	case PTHREAD_MUTEX_ADAPTIVE_NP:
		return "adaptive";
	}
	return NULL;
}

/*
 * A mutex waiter sleeps on the mutex's __lock, its first member. glibc
 * records the owner in __owner; robust and priority-inheritance mutexes
 * also keep the owner's TID in the futex word itself, which is the fact
 * the kernel uses, so it answers when __owner does not.
 */
static void mutex_owner(struct session *s, struct lock_wait *w)
{
	pthread_mutex_t m;

	w->lock = w->futex - offsetof(pthread_mutex_t, __data.__lock);
	if (target_read(s->target, w->lock, &m, sizeof(m)) != (ssize_t)sizeof(m)) {
		err_clear();
		w->unreadable = true;
		return;
	}
	w->mutex_type = mutex_type_name(m.__data.__kind);
	if ((m.__data.__kind & MUTEX_KIND_TYPE) == PTHREAD_MUTEX_RECURSIVE_NP)
		w->times = m.__data.__count;
	if (m.__data.__owner > 0)
		w->owner_tid = m.__data.__owner;
	else if (m.__data.__kind & (MUTEX_KIND_ROBUST | MUTEX_KIND_PI))
		w->owner_tid = (pid_t)((unsigned)m.__data.__lock & FUTEX_TID_MASK);
}

/* Whether the bytes at addr read as a glibc pthread_rwlock_t of this process. */
static bool rwlock_plausible(struct session *s, uint64_t addr, pthread_rwlock_t *rw)
{
	const struct __pthread_rwlock_arch_t *d = &rw->__data;

	if (target_read(s->target, addr, rw, sizeof(*rw)) != (ssize_t)sizeof(*rw)) {
		err_clear();
		return false;
	}
	return d->__pad3 == 0 && d->__pad4 == 0 && d->__rwelision == 0 && d->__pad2 == 0 &&
	       (unsigned)d->__shared <= 1 &&
	       d->__flags <= PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP &&
	       (d->__cur_writer == 0 || thread_num_of(s, d->__cur_writer));
}

/*
 * Readers sleep on __wrphase_futex (or __readers when writers are
 * preferred), writers on __writers_futex while another writer holds the
 * lock and on __wrphase_futex while readers do. Which member the futex
 * address is decides where the lock starts: try each in that order and
 * keep the first whose other members look like a rwlock. The holder is the
 * recorded writer (__cur_writer) or, in a read phase, a count of readers.
 */
static void rwlock_owner(struct session *s, struct lock_wait *w, bool writer)
{
	static const size_t reader_at[] = {
		offsetof(pthread_rwlock_t, __data.__wrphase_futex),
		offsetof(pthread_rwlock_t, __data.__readers),
	};
	static const size_t writer_at[] = {
		offsetof(pthread_rwlock_t, __data.__writers_futex),
		offsetof(pthread_rwlock_t, __data.__wrphase_futex),
	};
	const size_t *at = writer ? writer_at : reader_at;
	pthread_rwlock_t rw;

	for (size_t i = 0; i < 2; i++) {
		if (w->futex < at[i] || !rwlock_plausible(s, w->futex - at[i], &rw))
			continue;
		w->lock = w->futex - at[i];
		if (rw.__data.__cur_writer)
			w->owner_tid = rw.__data.__cur_writer;
		else if (!(rw.__data.__readers & RWLOCK_WRPHASE))
			w->readers = (int)(rw.__data.__readers >> RWLOCK_READER_SHIFT);
		return;
	}
}

static bool uses_musl(struct sym *sym)
{
	const struct sym_module *mods;
	size_t n = sym_modules(sym, &mods);

	for (size_t i = 0; i < n; i++)
		if (strstr(mods[i].path, "/ld-musl-") || strstr(mods[i].path, "/libc.musl-"))
			return true;
	return false;
}

struct merge {
	struct session *s;
	struct lock_wait *v;
	size_t n, cap;
};

static char *dup_or_null(const char *text)
{
	return text && *text ? xstrdup(text) : NULL;
}

/* A plugin's wait: it replaces lurk's own record of the same sleep, or is added. */
static void add_plugin_wait(void *arg, const struct lurk_lock_wait *given)
{
	struct merge *m = arg;
	struct lurk_lock_wait pw = { 0 };
	struct thread *th, *owner;
	struct lock_wait *w = NULL;

	memcpy(&pw, given, given->size < sizeof(pw) ? given->size : sizeof(pw));
	th = target_thread_num(m->s->target, pw.thread);
	if (!th || pw.size < offsetof(struct lurk_lock_wait, line))
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].thread == pw.thread && m->v[i].kind != LOCK_PLUGIN &&
		    (!pw.futex || m->v[i].futex == pw.futex))
			w = &m->v[i];
	if (!w) {
		VEC_GROW(m->v, m->n, m->cap);
		w = &m->v[m->n++];
	}
	*w = (struct lock_wait){ .thread = pw.thread,
				 .tid = target_th_tid(th),
				 .kind = LOCK_PLUGIN,
				 .lock = pw.lock,
				 .futex = pw.futex,
				 .frame = -1,
				 .kind_name = xstrdup(pw.kind ? pw.kind : "lock"),
				 .lock_name = dup_or_null(pw.lock_name),
				 .owner_note = dup_or_null(pw.owner_note),
				 .function = dup_or_null(pw.function),
				 .file = dup_or_null(pw.file),
				 .line = pw.line };
	owner = pw.owner ? target_thread_num(m->s->target, pw.owner) : NULL;
	if (owner) {
		w->owner = pw.owner;
		w->owner_tid = target_th_tid(owner);
	}
}

int locks_collect(struct session *s, struct lock_wait **out)
{
	struct sym *sym = target_sym(s->target);
	struct lock_wait *v = NULL;
	size_t n = 0, cap = 0;

	if (!sym)
		return -1;
	if (uses_musl(sym)) {
		err_set("the process uses musl libc: lurk reads glibc's lock layout only, "
			"and musl's would give wrong owners");
		return -1;
	}
	for (size_t i = 0; i < target_nthreads(s->target); i++) {
		struct thread *th = target_thread_at(s->target, i);
		const struct frame *frames;
		int nf, which = -1, at = -1;
		uint64_t word;

		if (target_th_running(th) || target_th_exiting(th))
			continue;
		nf = target_frames(s->target, th, &frames);
		/* The outermost pthread waiting function: its caller is where the program waits. */
		for (int f = 0; f < nf; f++) {
			struct sym_loc loc;
			int k;

			sym_describe(sym, frames[f].pc, f > 0, &loc);
			k = waiter_index(loc.func);
			if (k >= 0) {
				which = k;
				at = f;
			}
		}
		err_clear();
		word = futex_word(s, th);
		if (which < 0 || !word)
			continue;
		VEC_GROW(v, n, cap);
		v[n] = (struct lock_wait){ .thread = target_th_num(th),
					   .tid = target_th_tid(th),
					   .kind = waiters[which].kind,
					   .lock = word,
					   .futex = word,
					   .frame = at + 1 < nf ? at + 1 : at };
		if (v[n].kind == LOCK_MUTEX)
			mutex_owner(s, &v[n]);
		else if (v[n].kind == LOCK_RWLOCK)
			rwlock_owner(s, &v[n], strstr(waiters[which].func, "wrlock") != NULL);
		if (v[n].owner_tid)
			v[n].owner = thread_num_of(s, v[n].owner_tid);
		n++;
	}
	{
		struct merge m = { s, v, n, cap };

		plugin_lock_waits(s, add_plugin_wait, &m);
		v = m.v;
		n = m.n;
	}
	*out = v;
	return (int)n;
}

void locks_free(struct lock_wait *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].kind_name);
		free(w[i].lock_name);
		free(w[i].owner_note);
		free(w[i].function);
		free(w[i].file);
	}
	free(w);
}

void locks_name(struct session *s, uint64_t addr, char *buf, size_t len)
{
	struct sym *sym = target_sym(s->target);
	struct sym_loc loc;

	snprintf(buf, len, "0x%" PRIx64, addr);
	if (!sym)
		return;
	sym_describe(sym, addr, false, &loc);
	if (!loc.func || loc.func_addr + loc.off != addr) {
		err_clear();
		return;
	}
	/* A member of a global struct reads as the C expression for it: alice.lock. */
	if (value_member_path(s->target, loc.func, addr, loc.off, buf, len) == 0) {
		/* glibc's insides (cond.__data.__g_signals) name the object around them. */
		char *inner = strstr(buf, ".__");

		if (inner)
			*inner = '\0';
		return;
	}
	err_clear();
	if (loc.off)
		snprintf(buf, len, "%s+%" PRIu64, loc.func, loc.off);
	else
		snprintf(buf, len, "%s", loc.func);
}

int locks_cycles(const struct lock_wait *w, size_t n,
		 void (*fn)(void *arg, const struct lock_wait *const *cycle, size_t len), void *arg)
{
	/* Each thread waits for at most one lock: follow owners until a thread repeats. */
	int *state = xcalloc(n ? n : 1, sizeof(*state)); /* 0 new, 1 on the path, 2 done */
	const struct lock_wait **path = xcalloc(n ? n : 1, sizeof(*path));
	int cycles = 0;

	for (size_t start = 0; start < n; start++) {
		size_t len = 0;
		long cur = (long)start;

		while (cur >= 0 && state[cur] == 0) {
			long next = -1;

			state[cur] = 1;
			path[len++] = &w[cur];
			for (size_t k = 0; k < n && w[cur].owner; k++)
				if (w[k].thread == w[cur].owner)
					next = (long)k;
			cur = next;
		}
		if (cur >= 0 && state[cur] == 1) {
			/* The cycle is the part of the path from cur on. */
			size_t from = 0;

			while (path[from] != &w[cur])
				from++;
			fn(arg, path + from, len - from);
			cycles++;
		}
		for (size_t k = 0; k < len; k++)
			state[path[k] - w] = 2;
	}
	free(state);
	free(path);
	return cycles;
}
