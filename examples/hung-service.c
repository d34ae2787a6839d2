/* hung-service - a small "service" that has hung, for lurk's demo.
 *
 * Six threads, the way a real service hangs at 3 a.m.:
 *   - two transfer workers deadlocked: each holds one account's lock and waits
 *     for the other's (the classic lock-order inversion);
 *   - a dispatcher waiting for work that the deadlocked workers will never hand
 *     over (condition variable);
 *   - a listener blocked reading a socket nobody writes to;
 *   - a stats thread that wakes up every second;
 *   - main, joining the workers.
 * `lurk -p PID` shows every one of these stacks with file:line.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

struct account {
	const char *owner;
	long balance;
	pthread_mutex_t lock;
};

struct transfer {
	struct account *from, *to;
	long amount;
};

static struct account alice = { "alice", 100, PTHREAD_MUTEX_INITIALIZER };
static struct account bob = { "bob", 50, PTHREAD_MUTEX_INITIALIZER };

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;
static int queued_jobs;
static pthread_barrier_t both_hold_first_lock;

/* Locks the source account, then the destination: two transfers in opposite
 * directions each end up holding the lock the other one needs. */
static void transfer_funds(struct transfer *t)
{
	pthread_mutex_lock(&t->from->lock);
	pthread_barrier_wait(&both_hold_first_lock);
	pthread_mutex_lock(&t->to->lock); /* deadlocks here */
	t->from->balance -= t->amount;
	t->to->balance += t->amount;
	pthread_mutex_unlock(&t->to->lock);
	pthread_mutex_unlock(&t->from->lock);
}

static void *transfer_worker(void *arg)
{
	transfer_funds(arg);
	pthread_mutex_lock(&queue_lock);
	queued_jobs++;
	pthread_cond_signal(&queue_ready);
	pthread_mutex_unlock(&queue_lock);
	return NULL;
}

static void *dispatcher(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&queue_lock);
	while (queued_jobs == 0)
		pthread_cond_wait(&queue_ready, &queue_lock);
	pthread_mutex_unlock(&queue_lock);
	return NULL;
}

static void handle_request(int fd)
{
	char request[512];
	while (read(fd, request, sizeof request) > 0)
		;
}

static void *listener(void *arg)
{
	int *fds = arg;
	handle_request(fds[0]);
	return NULL;
}

static void *stats(void *arg)
{
	(void)arg;
	for (;;)
		sleep(1);
	return NULL;
}

int main(void)
{
	static struct transfer to_bob = { &alice, &bob, 30 };
	static struct transfer to_alice = { &bob, &alice, 20 };
	static int connection[2];
	pthread_t workers[2], others[3];

	/* The demo must never outlive its script by long. */
	alarm(3600);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, connection) != 0) {
		perror("socketpair");
		return 1;
	}
	pthread_barrier_init(&both_hold_first_lock, NULL, 2);
	pthread_create(&workers[0], NULL, transfer_worker, &to_bob);
	pthread_create(&workers[1], NULL, transfer_worker, &to_alice);
	pthread_create(&others[0], NULL, dispatcher, NULL);
	pthread_create(&others[1], NULL, listener, connection);
	pthread_create(&others[2], NULL, stats, NULL);
	pthread_setname_np(workers[0], "transfer-1");
	pthread_setname_np(workers[1], "transfer-2");
	pthread_setname_np(others[0], "dispatcher");
	pthread_setname_np(others[1], "listener");
	pthread_setname_np(others[2], "stats");
	usleep(100 * 1000);
	printf("hung-service: pid %d ready\n", (int)getpid());
	fflush(stdout);
	pthread_join(workers[0], NULL);
	pthread_join(workers[1], NULL);
	return 0;
}
