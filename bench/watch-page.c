/* watch-page - writes at and beside a watched variable, for software watchpoint benchmarks.
 *
 * usage: watch-page work ITERS HITS   ITERS iterations of arithmetic and writes to an array
 *                                     on other pages; pg.watched written HITS times among them
 *        watch-page neighbour N       N writes to pg.neighbour, on pg.watched's page;
 *                                     pg.watched never changes
 *        watch-page hits N            N writes to pg.watched, each a new value
 *
 * pg is one page-aligned page holding only the two variables, so a software
 * watchpoint on pg.watched protects exactly that page: the work array never
 * faults, every neighbour write does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORK_LONGS 8192 /* 64 KiB */

struct page {
	volatile long watched;
	volatile long neighbour;
} __attribute__((aligned(4096)));

struct page pg;
volatile long work[WORK_LONGS] __attribute__((aligned(4096)));

static long run_work(long iters, long hits)
{
	long every = hits > 0 ? iters / hits : iters + 1;
	unsigned long acc = 1;

	for (long i = 0; i < iters; i++) {
		acc = acc * 31 + (unsigned long)i;
		work[i % WORK_LONGS] = (long)(acc ^ (acc >> 7));
		if (every > 0 && (i + 1) % every == 0 && pg.watched < hits)
			pg.watched = pg.watched + 1;
	}
	return (long)(acc & 0xffff);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "work";
	long n = argc > 2 ? atol(argv[2]) : 100000;
	long extra = 0;

	if (!strcmp(mode, "work")) {
		extra = run_work(n, argc > 3 ? atol(argv[3]) : 5);
	} else if (!strcmp(mode, "neighbour")) {
		for (long i = 0; i < n; i++)
			pg.neighbour = i + 1;
	} else if (!strcmp(mode, "hits")) {
		for (long i = 0; i < n; i++)
			pg.watched = i + 1;
	} else {
		fprintf(stderr, "usage: watch-page work ITERS HITS | neighbour N | hits N\n");
		return 2;
	}
	printf("watch-page: %s watched=%ld neighbour=%ld (%ld)\n", mode, pg.watched, pg.neighbour,
	       extra);
	return 0;
}
