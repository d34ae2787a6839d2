/* test-proc.c - wait-status decoding, signal names, /proc/PID/maps parsing */
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>

#include "check.h"
#include "proc.h"
#include "procfs.h"

/* Wait statuses as the kernel composes them. */
#define EXITED(code)	    ((code) << 8)
#define KILLED(sig)	    (sig)
#define STOPPED(sig, event) (0x7f | ((sig) << 8) | ((event) << 16))

static enum wait_kind kind(int status, int *sig)
{
	struct wait_event ev;

	proc_decode(100, status, &ev);
	if (sig)
		*sig = ev.sig;
	CHECK(ev.tid == 100);
	return ev.kind;
}

static void decode(void)
{
	int sig;
	struct wait_event ev;

	proc_decode(1, EXITED(3), &ev);
	CHECK(ev.kind == W_EXITED && ev.status == 3);
	CHECK(kind(KILLED(SIGKILL), &sig) == W_KILLED && sig == SIGKILL);
	CHECK(kind(STOPPED(SIGSEGV, 0), &sig) == W_SIGNAL && sig == SIGSEGV);
	CHECK(kind(STOPPED(SIGTRAP | 0x80, 0), NULL) == W_SYSCALL);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_STOP), NULL) == W_INTERRUPT);
	CHECK(kind(STOPPED(SIGSTOP, PTRACE_EVENT_STOP), &sig) == W_GROUP_STOP && sig == SIGSTOP);
	CHECK(kind(STOPPED(SIGTSTP, PTRACE_EVENT_STOP), NULL) == W_GROUP_STOP);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_CLONE), NULL) == W_CLONE);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_FORK), NULL) == W_FORK);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_VFORK), NULL) == W_VFORK);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_VFORK_DONE), NULL) == W_VFORK_DONE);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_EXEC), NULL) == W_EXEC);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_EXIT), NULL) == W_EXIT);
	CHECK(kind(STOPPED(SIGTRAP, PTRACE_EVENT_SECCOMP), NULL) == W_SECCOMP);
}

static void signals(void)
{
	CHECK_STR(proc_signame(SIGSEGV), "SIGSEGV");
	CHECK_STR(proc_signame(SIGRTMIN + 3), "SIG37");
	CHECK(proc_signum("SIGUSR1") == SIGUSR1);
	CHECK(proc_signum("usr2") == SIGUSR2);
	CHECK(proc_signum("9") == 9);
	CHECK(proc_signum("SIGNOPE") == -1);
	CHECK(proc_signum("0") == -1);
}

static void maps(void)
{
	struct maps m;

	procfs_maps_parse("55d0c0a00000-55d0c0a01000 r--p 00000000 fe:00 1234   /usr/bin/t\n"
			  "55d0c0a01000-55d0c0a02000 r-xp 00001000 fe:00 1234   /usr/bin/t\n"
			  "7f00aa000000-7f00aa021000 rw-p 00000000 00:00 0 \n"
			  "7ffd1e1f0000-7ffd1e211000 rw-p 00000000 00:00 0      [stack]\n"
			  "7f00ab000000-7f00ab001000 r-xp 00000000 00:2a 99  /tmp/gone (deleted)\n"
			  "garbage line\n",
			  &m);
	CHECK(m.n == 5);
	if (m.n == 5) {
		CHECK(m.v[0].start == 0x55d0c0a00000ull && m.v[0].end == 0x55d0c0a01000ull);
		CHECK_STR(m.v[0].path, "/usr/bin/t");
		CHECK_STR(m.v[1].perms, "r-xp");
		CHECK(m.v[1].offset == 0x1000 && m.v[1].inode == 1234);
		CHECK_STR(m.v[2].path, "");
		CHECK_STR(m.v[3].path, "[stack]");
		CHECK_STR(m.v[4].path, "/tmp/gone");
		CHECK(m.v[4].deleted && !m.v[0].deleted);
	}
	procfs_maps_free(&m);
}

int main(void)
{
	decode();
	signals();
	maps();
	CHECK_DONE();
}
