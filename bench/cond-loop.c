/* cond-loop - calls step() N times, for conditional breakpoint benchmarks.
 *
 * usage: cond-loop [N] [ptr]   (default 1000000)
 * "break step if i == N-1" is false N-1 times and true once. With "ptr",
 * step_ptr(&i) is called instead: "break step_ptr if *p == N-1" reads
 * memory through a pointer at every call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile long sink;

void step(long i);
void step_ptr(const long *p);

__attribute__((noinline)) void step(long i)
{
	sink += i;
}

__attribute__((noinline)) void step_ptr(const long *p)
{
	sink += *p;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	int ptr = argc > 2 && !strcmp(argv[2], "ptr");

	for (long i = 0; i < n; i++) {
		if (ptr)
			step_ptr(&i);
		else
			step(i);
	}
	printf("cond-loop: %ld\n", sink);
	return 0;
}
