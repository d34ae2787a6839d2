/* big-rss - a process with a large resident heap, for the core-file benchmark.
 *
 * Allocates MIB mebibytes, writes every page (a pattern, so that no page is
 * the shared zero page), prints "ready" and sleeps until killed (at most ten
 * minutes).
 *
 * usage: big-rss [MIB]   (default 1024)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 1024;
	size_t len = mib << 20;
	unsigned char *heap = malloc(len);

	if (!heap) {
		perror("big-rss");
		return 1;
	}
	for (size_t i = 0; i < len; i += 4096)
		heap[i] = (unsigned char)(i >> 12) | 1;
	printf("ready %zu MiB\n", mib);
	fflush(stdout);
	alarm(600);
	for (;;)
		pause();
}
