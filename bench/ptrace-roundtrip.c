/* ptrace-roundtrip - the floor for one breakpoint hit: a trap stop and a resume.
 *
 * Forks a child that executes int3 N times in a loop; the parent catches each
 * SIGTRAP stop with waitpid() and resumes it with PTRACE_CONT. Prints the
 * mean microseconds per round trip.
 *
 * usage: ptrace-roundtrip [N]   (default 100000)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	struct timespec a, b;
	int status;
	pid_t child = fork();

	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		for (long i = 0; i < n; i++)
			__asm__ volatile("int3");
		_exit(0);
	}
	waitpid(child, &status, 0);
	ptrace(PTRACE_CONT, child, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		waitpid(child, &status, 0);
		if (!WIFSTOPPED(status))
			break;
		ptrace(PTRACE_CONT, child, NULL, NULL);
	}
	waitpid(child, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / n);
	return 0;
}
