/* alloc-loop - allocation-heavy work for memory watchpoint benchmarks.
 *
 * Allocates, touches and frees blocks of varied sizes N times, keeping a
 * window of live blocks, and prints a checksum.
 *
 * usage: alloc-loop [N]   (default 2000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 1024

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	static unsigned char *live[WINDOW];
	unsigned long sum = 0, seed = 12345;

	for (long i = 0; i < n; i++) {
		size_t size;
		int slot;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		size = 16 + (seed >> 33) % 8192;
		slot = (int)((seed >> 20) % WINDOW);
		free(live[slot]);
		live[slot] = malloc(size);
		memset(live[slot], (int)i, size);
		sum += live[slot][size / 2];
	}
	printf("alloc-loop: %lu\n", sum);
	return 0;
}
