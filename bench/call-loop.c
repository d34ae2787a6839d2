/* call-loop - calls work(i) N times, for function call tracing benchmarks.
 *
 * usage: call-loop [N]   (default 200000)
 * Prints "call-loop: CHECKSUM" (the sum of work(i) for i = 0..N-1) and the
 * loop's own elapsed time, so a tracer's slowdown can be told from start-up.
 * Built -O2: work() is noinline and has an asm barrier so the compiler can
 * neither inline it nor fold the loop into a formula.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int work(int i);

__attribute__((noinline)) int work(int i)
{
	/* Empty asm that "may change" i: keeps the call and its result real. */
	__asm__ volatile("" : "+r"(i));
	return i * 3 + 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	unsigned long sum = 0;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		sum += (unsigned)work((int)i);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("call-loop: %lu\n", sum);
	printf("elapsed: %.6f s\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
