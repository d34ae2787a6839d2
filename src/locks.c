/* locks.c - who waits on which lock, who holds it: the wait-for graph of pthread mutexes */
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "err.h"
#include "locks.h"
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
	{ "pthread_mutex_lock", LOCK_MUTEX },	  { "__pthread_mutex_lock", LOCK_MUTEX },
	{ "pthread_mutex_timedlock", LOCK_MUTEX }, { "pthread_mutex_clocklock", LOCK_MUTEX },
	{ "pthread_cond_wait", LOCK_COND },	  { "pthread_cond_timedwait", LOCK_COND },
	{ "pthread_cond_clockwait", LOCK_COND },	  { "sem_wait", LOCK_SEM },
	{ "sem_timedwait", LOCK_SEM },		  { "sem_clockwait", LOCK_SEM },
	{ "pthread_rwlock_rdlock", LOCK_RWLOCK },  { "pthread_rwlock_wrlock", LOCK_RWLOCK },
	{ "pthread_rwlock_timedrdlock", LOCK_RWLOCK },
	{ "pthread_rwlock_timedwrlock", LOCK_RWLOCK },
};

const char *locks_kind_name(enum lock_kind k)
{
	static const char *const names[] = { "mutex", "condition", "semaphore", "rwlock" };

	return names[k];
}

static int waiter_kind(const char *func)
{
	if (!func)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(waiters); i++)
		if (strcmp(func, waiters[i].func) == 0)
			return (int)waiters[i].kind;
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
	return regs_get(&r, regs_find(a, "rdi"));
}

int locks_collect(struct session *s, struct lock_wait **out)
{
	struct sym *sym = target_sym(s->target);
	struct lock_wait *v = NULL;
	size_t n = 0, cap = 0;

	if (!sym)
		return -1;
	for (size_t i = 0; i < target_nthreads(s->target); i++) {
		struct thread *th = target_thread_at(s->target, i);
		const struct frame *frames;
		int nf, kind = -1, at = -1;
		uint64_t word;

		if (th->running || th->exiting)
			continue;
		nf = target_frames(s->target, th, &frames);
		/* The outermost pthread waiting function: its caller is where the program waits. */
		for (int f = 0; f < nf; f++) {
			struct sym_loc loc;
			int k;

			sym_describe(sym, frames[f].pc, f > 0, &loc);
			k = waiter_kind(loc.func);
			if (k >= 0) {
				kind = k;
				at = f;
			}
		}
		err_clear();
		word = futex_word(s, th);
		if (kind < 0 || !word)
			continue;
		VEC_GROW(v, n, cap);
		v[n] = (struct lock_wait){ th->num, th->tid, (enum lock_kind)kind, word, 0, 0,
					   at + 1 < nf ? at + 1 : at };
		if (kind == LOCK_MUTEX) {
			/* glibc's futex word is the mutex's __lock, its first member. */
			int owner = 0;

			v[n].lock = word - offsetof(pthread_mutex_t, __data.__lock);
			if (target_read(s->target, v[n].lock + offsetof(pthread_mutex_t, __data.__owner),
					&owner, sizeof(owner)) == (ssize_t)sizeof(owner) && owner > 0) {
				v[n].owner_tid = owner;
				for (size_t k = 0; k < target_nthreads(s->target); k++)
					if (target_thread_at(s->target, k)->tid == owner)
						v[n].owner = target_thread_at(s->target, k)->num;
			}
			err_clear();
		}
		n++;
	}
	*out = v;
	return (int)n;
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
	if (value_member_path(s, loc.func, loc.off, buf, len) == 0) {
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
		 void (*fn)(void *arg, const struct lock_wait *const *cycle, size_t len),
		 void *arg)
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
