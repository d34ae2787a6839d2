/* proc.c - ptrace and waitpid primitives */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "proc.h"
#include "sig.h"
#include "util.h"

static int ptrace_op(const char *what, enum __ptrace_request req, pid_t tid, void *addr, void *data)
{
	if (ptrace(req, tid, addr, data) < 0) {
		int e = errno;

		err_set("%s tid %d: %s", what, tid, strerror(e));
		LOG(LOG_PTRACE, "%s %d failed: %s", what, tid, strerror(e));
		errno = e;
		return -1;
	}
	LOG(LOG_PTRACE, "%s %d (%ld)", what, tid, (long)data);
	return 0;
}

int proc_seize(pid_t tid, unsigned long options)
{
	return ptrace_op("seize", PTRACE_SEIZE, tid, NULL, (void *)options);
}

int proc_interrupt(pid_t tid)
{
	return ptrace_op("interrupt", PTRACE_INTERRUPT, tid, NULL, NULL);
}

int proc_cont(pid_t tid, int sig)
{
	return ptrace_op("cont", PTRACE_CONT, tid, NULL, (void *)(long)sig);
}

int proc_syscall(pid_t tid, int sig)
{
	return ptrace_op("syscall", PTRACE_SYSCALL, tid, NULL, (void *)(long)sig);
}

int proc_step(pid_t tid, int sig)
{
	return ptrace_op("singlestep", PTRACE_SINGLESTEP, tid, NULL, (void *)(long)sig);
}

static long debugreg_offset(int n)
{
	return (long)(offsetof(struct user, u_debugreg) +
		      (size_t)n * sizeof(((struct user *)0)->u_debugreg[0]));
}

int proc_get_debugreg(pid_t tid, int n, uint64_t *value)
{
	long v;

	errno = 0;
	v = ptrace(PTRACE_PEEKUSER, tid, (void *)debugreg_offset(n), NULL);
	if (v == -1 && errno) {
		err_set("cannot read debug register %d of tid %d: %s", n, (int)tid,
			strerror(errno));
		return -1;
	}
	*value = (uint64_t)v;
	return 0;
}

int proc_set_debugreg(pid_t tid, int n, uint64_t value)
{
	return ptrace_op("pokeuser", PTRACE_POKEUSER, tid, (void *)debugreg_offset(n),
			 (void *)(uintptr_t)value);
}

int proc_listen(pid_t tid)
{
	return ptrace_op("listen", PTRACE_LISTEN, tid, NULL, NULL);
}

int proc_detach(pid_t tid, int sig)
{
	return ptrace_op("detach", PTRACE_DETACH, tid, NULL, (void *)(long)sig);
}

int proc_getsiginfo(pid_t tid, siginfo_t *si)
{
	return ptrace_op("getsiginfo", PTRACE_GETSIGINFO, tid, NULL, si);
}

bool proc_any_signal_queued(pid_t tid)
{
	struct __ptrace_peeksiginfo_args args = { .off = 0, .flags = 0, .nr = 1 };
	siginfo_t si;

	return ptrace(PTRACE_PEEKSIGINFO, tid, &args, &si) != 0;
}

bool proc_signal_queued(pid_t tid, int sig)
{
	struct __ptrace_peeksiginfo_args args = { .off = 0, .flags = 0, .nr = 8 };
	siginfo_t si[8];
	long n = ptrace(PTRACE_PEEKSIGINFO, tid, &args, si);

	for (long i = 0; i < n; i++)
		if (si[i].si_signo == sig)
			return true;
	return false;
}

void proc_decode(pid_t tid, int status, struct wait_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->tid = tid;
	ev->status = status;
	if (WIFEXITED(status)) {
		ev->kind = W_EXITED;
		ev->status = WEXITSTATUS(status);
		return;
	}
	if (WIFSIGNALED(status)) {
		ev->kind = W_KILLED;
		ev->sig = WTERMSIG(status);
		return;
	}
	if (!WIFSTOPPED(status)) {
		ev->kind = W_OTHER;
		return;
	}
	ev->sig = WSTOPSIG(status);
	switch ((unsigned)status >> 16) {
	case PTRACE_EVENT_STOP:
		if (ev->sig == SIGSTOP || ev->sig == SIGTSTP || ev->sig == SIGTTIN ||
		    ev->sig == SIGTTOU)
			ev->kind = W_GROUP_STOP;
		else
			ev->kind = W_INTERRUPT;
		break;
	case PTRACE_EVENT_CLONE:
		ev->kind = W_CLONE;
		break;
	case PTRACE_EVENT_FORK:
		ev->kind = W_FORK;
		break;
	case PTRACE_EVENT_VFORK:
		ev->kind = W_VFORK;
		break;
	case PTRACE_EVENT_VFORK_DONE:
		ev->kind = W_VFORK_DONE;
		break;
	case PTRACE_EVENT_EXEC:
		ev->kind = W_EXEC;
		break;
	case PTRACE_EVENT_EXIT:
		ev->kind = W_EXIT;
		break;
	case PTRACE_EVENT_SECCOMP:
		ev->kind = W_SECCOMP;
		break;
	case 0:
		ev->kind = ev->sig == (SIGTRAP | 0x80) ? W_SYSCALL : W_SIGNAL;
		break;
	default:
		ev->kind = W_OTHER;
	}
}

int proc_wait(pid_t tid, bool block, struct wait_event *ev)
{
	int status;
	pid_t got;

	do
		got = waitpid(tid, &status, __WALL | (block ? 0 : WNOHANG));
	while (got < 0 && errno == EINTR);
	if (got == 0)
		return 0;
	if (got < 0) {
		err_set("waitpid: %s", strerror(errno));
		return -1;
	}
	proc_decode(got, status, ev);
	switch (ev->kind) {
	case W_CLONE:
	case W_FORK:
	case W_VFORK:
	case W_EXEC:
	case W_EXIT:
		if (ptrace(PTRACE_GETEVENTMSG, got, NULL, &ev->msg) < 0)
			ev->msg = 0;
		break;
	default:
		break;
	}
	LOG(LOG_PTRACE, "wait: tid %d kind %d sig %d status %d msg %lu", got, ev->kind, ev->sig,
	    ev->status, ev->msg);
	return 1;
}

/*
 * The child blocks on a pipe until lurk has seized it, then execs: the exec
 * event is its first stop. No SIGSTOP is involved, so job-control state is
 * never left behind, and PTRACE_SEIZE (unlike PTRACE_TRACEME) makes
 * PTRACE_INTERRUPT available. A second, close-on-exec pipe carries errno
 * back when execve fails.
 */
pid_t proc_spawn(const char *path, char *const argv[], char *const envp[], bool no_aslr,
		 unsigned long options, int stdout_fd)
{
	int go[2], errpipe[2];
	pid_t pid;
	int child_errno = 0;
	struct wait_event ev;

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(errpipe, O_CLOEXEC) < 0) {
		err_set("pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		err_set("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char c;
		int e;

		close(go[1]);
		close(errpipe[0]);
		sig_reset_for_exec();
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		if (stdout_fd >= 0 && stdout_fd != STDOUT_FILENO &&
		    dup2(stdout_fd, STDOUT_FILENO) < 0)
			_exit(127);
		if (no_aslr) {
			int pers = personality(0xffffffff);

			if (pers != -1)
				personality((unsigned long)pers | ADDR_NO_RANDOMIZE);
		}
		execve(path, argv, envp);
		e = errno;
		if (write(errpipe[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(errpipe[1]);
	if (proc_seize(pid, options) < 0) {
		err_prefix("cannot trace the new process");
		close(go[1]);
		close(errpipe[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (write(go[1], "g", 1) != 1) {
		err_set("cannot start the new process: %s", strerror(errno));
		close(go[1]);
		close(errpipe[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return -1;
	}
	close(go[1]);
	for (;;) {
		if (proc_wait(pid, true, &ev) < 0)
			break;
		if (ev.kind == W_EXEC) {
			close(errpipe[0]);
			return pid;
		}
		if (ev.kind == W_EXITED || ev.kind == W_KILLED)
			break;
		/* Exit stop of a failed exec, or a stray stop: let it go on. */
		proc_cont(pid, ev.kind == W_SIGNAL ? ev.sig : 0);
	}
	if (read(errpipe[0], &child_errno, sizeof(child_errno)) != sizeof(child_errno))
		child_errno = 0;
	close(errpipe[0]);
	err_set("cannot run %s: %s", path,
		child_errno ? strerror(child_errno) : "the process exited before exec");
	waitpid(pid, NULL, __WALL | WNOHANG);
	return -1;
}

static const struct {
	int num;
	const char *name;
} signames[] = {
	{ SIGHUP, "SIGHUP" },	    { SIGINT, "SIGINT" },	{ SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },	    { SIGTRAP, "SIGTRAP" },	{ SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },	    { SIGFPE, "SIGFPE" },	{ SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" },	    { SIGSEGV, "SIGSEGV" },	{ SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" },	    { SIGALRM, "SIGALRM" },	{ SIGTERM, "SIGTERM" },
	{ SIGSTKFLT, "SIGSTKFLT" }, { SIGCHLD, "SIGCHLD" },	{ SIGCONT, "SIGCONT" },
	{ SIGSTOP, "SIGSTOP" },	    { SIGTSTP, "SIGTSTP" },	{ SIGTTIN, "SIGTTIN" },
	{ SIGTTOU, "SIGTTOU" },	    { SIGURG, "SIGURG" },	{ SIGXCPU, "SIGXCPU" },
	{ SIGXFSZ, "SIGXFSZ" },	    { SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
	{ SIGWINCH, "SIGWINCH" },   { SIGIO, "SIGIO" },		{ SIGPWR, "SIGPWR" },
	{ SIGSYS, "SIGSYS" },
};

const char *proc_signame(int sig)
{
	static char buf[16];

	for (size_t i = 0; i < ARRAY_SIZE(signames); i++)
		if (signames[i].num == sig)
			return signames[i].name;
	snprintf(buf, sizeof(buf), "SIG%d", sig);
	return buf;
}

int proc_signum(const char *name)
{
	uint64_t n;

	if (parse_u64(name, &n) == 0)
		return n > 0 && n < NSIG ? (int)n : -1;
	err_clear();
	for (size_t i = 0; i < ARRAY_SIZE(signames); i++)
		if (strcasecmp(signames[i].name, name) == 0 ||
		    strcasecmp(signames[i].name + 3, name) == 0)
			return signames[i].num;
	return -1;
}
