/* watch-loop - writes a global N times, for hardware watchpoint benchmarks.
 *
 * usage: watch-loop [N]   (default 10000)
 * "watch counter if counter == N" stops once, after N-1 writes judged false.
 */
#include <stdio.h>
#include <stdlib.h>

volatile long counter;

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000;

	for (long i = 0; i < n; i++)
		counter = i + 1;
	printf("watch-loop: %ld\n", counter);
	return 0;
}
