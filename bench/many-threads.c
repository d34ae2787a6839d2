/* many-threads - N threads (default 500), each blocked a few frames deep, for bench/attach-bt --threads.
 *
 * usage: many-threads [N]
 * Prints "ready" once every thread waits: half on a mutex the main thread
 * holds, half in a condition variable no one signals.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cond_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t counted = PTHREAD_COND_INITIALIZER;
static int started;

static void arrived(void)
{
	pthread_mutex_lock(&count_lock);
	started++;
	pthread_cond_signal(&counted);
	pthread_mutex_unlock(&count_lock);
}

static __attribute__((noinline)) void wait_mutex(void)
{
	arrived();
	pthread_mutex_lock(&held);
}

static __attribute__((noinline)) void wait_cond(void)
{
	pthread_mutex_lock(&cond_lock);
	arrived();
	for (;;)
		pthread_cond_wait(&never, &cond_lock);
}

static void *worker(void *arg)
{
	if ((long)arg % 2)
		wait_cond();
	else
		wait_mutex();
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 500;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	pthread_mutex_lock(&held);
	for (long i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, &attr, worker, (void *)i) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	pthread_mutex_lock(&count_lock);
	while (started < n)
		pthread_cond_wait(&counted, &count_lock);
	pthread_mutex_unlock(&count_lock);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
