/* lock-web - a hung process with 64 threads tangled in locks, for bench/deadlock.
 *
 * usage: lock-web
 * The threads, by slot:
 *   0-1    ABBA deadlock on the global mutexes lock_a and lock_b
 *   2-4    a ring of 3 threads through mutexes inside heap structs (accounts[i].mu)
 *   5      holds pool_lock and sleeps
 *   6-45   40 threads waiting for pool_lock
 *   46-53  8 threads in pthread_cond_wait on work_ready (never signalled)
 *   54-63  10 threads sleeping
 * So there are two cycles, one long wait queue without a cycle, and threads
 * that wait on nothing a deadlock check should report.
 * Prints "ready" once every thread sleeps in the call it stays in, then waits
 * forever; alarm(600) ends it if the benchmark that started it dies.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../tests/fixtures/thread-state.h"

#define NTHREADS 64
#define ABBA_FIRST 0
#define RING_FIRST 2
#define HOLDER 5
#define WAITER_FIRST 6
#define COND_FIRST 46
#define SLEEPER_FIRST 54

/* Global and extern so that lurk can name them by symbol. */
extern pthread_mutex_t lock_a, lock_b, pool_lock, queue_mu;
extern pthread_cond_t work_ready;
pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t queue_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;

struct account {
	long balance;
	pthread_mutex_t mu;
};

static struct account *accounts; /* 3, on the heap: the ring's mutexes */
static pthread_barrier_t abba_hold, ring_hold;

static pid_t tids[NTHREADS];
/* Set by a thread just before the call it stays blocked in: a thread that
 * sleeps ('S') with this set sleeps in that call, not in an earlier barrier. */
static int blocking[NTHREADS];

static void about_to_block(int slot)
{
	__atomic_store_n(&blocking[slot], 1, __ATOMIC_SEQ_CST);
}

/* Take first, wait until every thread of the cycle holds its first lock
 * (otherwise one could take both and no cycle would form), then take second. */
static void transfer(int slot, pthread_mutex_t *first, pthread_mutex_t *second,
		     pthread_barrier_t *all_hold)
{
	pthread_mutex_lock(first);
	pthread_barrier_wait(all_hold);
	about_to_block(slot);
	pthread_mutex_lock(second);
}

static void sleep_forever(int slot)
{
	about_to_block(slot);
	for (;;)
		sleep(3600);
}

static void wait_for_work(int slot)
{
	pthread_mutex_lock(&queue_mu);
	about_to_block(slot);
	for (;;) /* never signalled; the loop covers spurious wake-ups */
		pthread_cond_wait(&work_ready, &queue_mu);
}

static void *worker(void *arg)
{
	int slot = (int)(intptr_t)arg;
	static const char *const ring_names[] = { "ring-0", "ring-1", "ring-2" };

	tids[slot] = gettid();
	if (slot < RING_FIRST) {
		if (slot == ABBA_FIRST) {
			pthread_setname_np(pthread_self(), "abba-0");
			transfer(slot, &lock_a, &lock_b, &abba_hold);
		} else {
			pthread_setname_np(pthread_self(), "abba-1");
			transfer(slot, &lock_b, &lock_a, &abba_hold);
		}
	} else if (slot < HOLDER) {
		int i = slot - RING_FIRST;

		pthread_setname_np(pthread_self(), ring_names[i]);
		transfer(slot, &accounts[i].mu, &accounts[(i + 1) % 3].mu, &ring_hold);
	} else if (slot == HOLDER) {
		pthread_setname_np(pthread_self(), "pool-holder");
		pthread_mutex_lock(&pool_lock);
		sleep_forever(slot);
	} else if (slot < COND_FIRST) {
		pthread_setname_np(pthread_self(), "pool-waiter");
		about_to_block(slot);
		pthread_mutex_lock(&pool_lock);
	} else if (slot < SLEEPER_FIRST) {
		pthread_setname_np(pthread_self(), "cond-waiter");
		wait_for_work(slot);
	} else {
		pthread_setname_np(pthread_self(), "sleeper");
		sleep_forever(slot);
	}
	return NULL;
}

static void start(int from, int to)
{
	for (int slot = from; slot < to; slot++) {
		pthread_t t;

		if (pthread_create(&t, NULL, worker, (void *)(intptr_t)slot) != 0) {
			perror("pthread_create");
			exit(1);
		}
	}
}

/* Until the thread of each slot in [from, to) sleeps in its last call. */
static void wait_blocked(int from, int to)
{
	for (int slot = from; slot < to; slot++)
		while (!__atomic_load_n(&blocking[slot], __ATOMIC_SEQ_CST) ||
		       thread_state(__atomic_load_n(&tids[slot], __ATOMIC_SEQ_CST)) != 'S')
			usleep(1000);
}

int main(void)
{
	alarm(600);
	accounts = calloc(3, sizeof(*accounts));
	for (int i = 0; i < 3; i++)
		pthread_mutex_init(&accounts[i].mu, NULL);
	pthread_barrier_init(&abba_hold, NULL, 2);
	pthread_barrier_init(&ring_hold, NULL, 3);

	/* The holder must own pool_lock before any waiter asks for it, or a
	 * waiter would take it and the others would wait on that waiter. */
	start(ABBA_FIRST, WAITER_FIRST);
	wait_blocked(HOLDER, HOLDER + 1);
	start(WAITER_FIRST, NTHREADS);
	wait_blocked(0, NTHREADS);

	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
