/* target-hwprobe.c - find out once whether this machine's debug registers fire */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target.h"

static volatile uint64_t probe_word;

/* The helper: stops for its parent, then writes the word the parent watches. */
static void probe_child(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		_exit(2);
	raise(SIGSTOP);
	probe_word = 1;
	_exit(0);
}

/*
 * Some hypervisors accept writes to the debug registers and never deliver
 * the trap: a watchpoint there would be silently dead. Only a trap seen
 * proves they work, so lurk arms DR0 on a word of a forked copy of itself,
 * lets it write, and looks for the SIGTRAP.
 */
static bool probe(char *why, size_t len)
{
	/* DR7: L0 enabled, R/W0 = write, LEN0 = 8 bytes. */
	const unsigned long dr7 = 1ul | (1ul << 16) | (2ul << 18);
	const char *pretend = getenv("LURK_PRETEND_NO_DEBUG_REGISTERS");
	int status;
	pid_t child;
	bool fired = false;

	if (pretend && *pretend && strcmp(pretend, "0") != 0) {
		snprintf(why, len,
			 "debug registers are taken as not firing "
			 "(LURK_PRETEND_NO_DEBUG_REGISTERS is set)");
		return false;
	}
	child = fork();
	if (child < 0) {
		snprintf(why, len, "cannot start a process to test them: %s", strerror(errno));
		return false;
	}
	if (child == 0)
		probe_child();
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
		snprintf(why, len, "a process to test them could not be traced");
		goto out;
	}
	if (ptrace(PTRACE_POKEUSER, child, offsetof(struct user, u_debugreg[0]),
		   (void *)&probe_word) < 0 ||
	    ptrace(PTRACE_POKEUSER, child, offsetof(struct user, u_debugreg[7]), (void *)dr7) < 0) {
		snprintf(why, len, "the kernel refuses to set them: %s", strerror(errno));
		goto out;
	}
	if (ptrace(PTRACE_CONT, child, NULL, NULL) < 0 || waitpid(child, &status, 0) != child) {
		snprintf(why, len, "a process to test them could not be run");
		goto out;
	}
	fired = WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP;
	if (fired)
		snprintf(why, len, "a debug register armed on a test process's variable fired");
	else
		snprintf(why, len,
			 "a debug register armed on a test process's variable did not fire "
			 "when it was written (the hypervisor does not pass debug "
			 "registers through)");
out:
	kill(child, SIGKILL);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return fired;
}

bool target_hw_works(char *why, size_t len)
{
	static int known = -1;
	static char reason[200];

	if (known < 0)
		known = probe(reason, sizeof(reason));
	if (why && len)
		snprintf(why, len, "%s", reason);
	return known == 1;
}
