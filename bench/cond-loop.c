/* cond-loop - calls step() N times, for conditional breakpoint benchmarks.
 *
 * usage: cond-loop [N]   (default 1000000)
 * "break step if i == N-1" is false N-1 times and true once.
 */
#include <stdio.h>
#include <stdlib.h>

volatile long sink;

void step(long i);

__attribute__((noinline)) void step(long i)
{
	sink += i;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;

	for (long i = 0; i < n; i++)
		step(i);
	printf("cond-loop: %ld\n", sink);
	return 0;
}
