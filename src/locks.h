/* locks.h - who waits on which lock, who holds it: the wait-for graph of pthread mutexes */
#ifndef LURK_LOCKS_H
#define LURK_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct session;

enum lock_kind { LOCK_MUTEX, LOCK_COND, LOCK_SEM, LOCK_RWLOCK, LOCK_PLUGIN };

/* One thread blocked on a lock. */
struct lock_wait {
	int thread; /* lurk's number */
	pid_t tid;
	enum lock_kind kind;
	uint64_t lock;		/* the lock's address (a mutex: the pthread_mutex_t) */
	uint64_t futex;		/* the futex word the thread sleeps on, inside the lock */
	pid_t owner_tid;	/* 0 when the lock records no owner (or none holds it) */
	int readers;		/* a rwlock held for reading: how many readers, else 0 */
	const char *mutex_type; /* "recursive", "robust", ...; NULL for a plain mutex */
	unsigned times;		/* a recursive mutex: how many times its owner holds it */
	bool unreadable;	/* the lock's memory could not be read: no owner is known */
	int owner;		/* lurk's number for owner_tid, 0 when not one of ours */
	int frame; /* the frame that called the pthread function: where it waits; -1 none */
	/* LOCK_PLUGIN: a wait a plugin knows (an interpreter's lock), in its words */
	char *kind_name;       /* "threading.Lock" */
	char *lock_name;       /* "lock_b", or NULL */
	char *owner_note;      /* how the owner is known, or why it is not; or NULL */
	char *function, *file; /* where it waits in the program's language; or NULL */
	int line;
};

/*
 * Every stopped thread that waits in pthread_mutex_lock, pthread_cond_wait,
 * sem_wait or a rwlock: found from its stack (the pthread function) and
 * cross-checked with the futex address in its registers. Owners come from
 * glibc's pthread_mutex_t (__owner, or the futex word of robust and PI
 * mutexes) and pthread_rwlock_t (__cur_writer, or the reader count).
 * Plugins' lock sources add the waits only they understand (a Python
 * threading.Lock), replacing lurk's record of the same wait (a semaphore).
 * Returns the count with *out the caller's (locks_free), or -1 with err set.
 */
int locks_collect(struct session *s, struct lock_wait **out);
void locks_free(struct lock_wait *w, size_t n);

/* "lock_a", "alice.lock", "0x55d0c0a1b2c4": what to call the lock at addr. */
void locks_name(struct session *s, uint64_t addr, char *buf, size_t len);

/*
 * The cycles of the wait-for graph (thread -> lock -> owner thread): fn is
 * called with the waits of each cycle in order. Returns how many cycles.
 */
int locks_cycles(const struct lock_wait *w, size_t n,
		 void (*fn)(void *arg, const struct lock_wait *const *cycle, size_t len),
		 void *arg);

const char *locks_kind_name(enum lock_kind k);

#endif
