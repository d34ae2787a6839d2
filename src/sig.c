/* sig.c - lurk's own signals, read from a signalfd */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "sig.h"

static int sigfd = -1;
static sigset_t lurk_sigs;
static sigset_t old_mask;
static int term_sig;
static unsigned deferred; /* events taken out of the signalfd early, handed to the next wait */
static bool watch_stdout; /* stdout is a pipe or socket: its reader may go away */

int sig_init(void)
{
	sigemptyset(&lurk_sigs);
	sigaddset(&lurk_sigs, SIGINT);
	sigaddset(&lurk_sigs, SIGTERM);
	sigaddset(&lurk_sigs, SIGHUP);
	sigaddset(&lurk_sigs, SIGQUIT);
	sigaddset(&lurk_sigs, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &lurk_sigs, &old_mask) < 0) {
		err_set("sigprocmask: %s", strerror(errno));
		return -1;
	}
	sigfd = signalfd(-1, &lurk_sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0) {
		err_set("signalfd: %s", strerror(errno));
		return -1;
	}
	/* A closed output pipe must give EPIPE, not kill lurk with the target stopped. */
	signal(SIGPIPE, SIG_IGN);
	{
		struct stat st;

		watch_stdout = fstat(STDOUT_FILENO, &st) == 0 &&
			       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	}
	return 0;
}

static unsigned sig_event(uint32_t signo)
{
	switch (signo) {
	case SIGCHLD:
		return SIGEV_CHILD;
	case SIGINT:
		return SIGEV_INTERRUPT;
	default:
		if (!term_sig)
			term_sig = (int)signo;
		return SIGEV_TERMINATE;
	}
}

static unsigned drain(void)
{
	struct signalfd_siginfo si[8];
	unsigned ev = deferred;
	ssize_t n;

	deferred = 0;
	/* A short read means the queue is empty: usually one read, not two. */
	do {
		n = read(sigfd, si, sizeof(si));
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
			ev |= sig_event(si[i].ssi_signo);
	} while (n == (ssize_t)sizeof(si));
	return ev;
}

unsigned sig_poll(void)
{
	return sigfd < 0 ? 0 : drain();
}

unsigned sig_wait(int fd, int timeout_ms)
{
	/* Signals already queued make poll return at once: no read first. */
	if (term_sig)
		return SIGEV_TERMINATE;
	return sig_wait_any(fd, timeout_ms);
}

unsigned sig_wait_any(int fd, int timeout_ms)
{
	/*
	 * A pipe's writing end reports POLLERR once its reader is gone: lurk
	 * hears that "| head" has seen enough even while it prints nothing
	 * (tracing a function that is seldom called), as if SIGPIPE came.
	 * Once lurk is leaving it stops looking: the error would wake every wait.
	 */
	struct pollfd pfd[3] = { { sigfd, POLLIN, 0 },
				 { watch_stdout && !term_sig ? STDOUT_FILENO : -1, 0, 0 },
				 { fd, POLLIN, 0 } };
	unsigned ev = 0;
	int n;

	if (deferred)
		return drain();
	for (;;) {
		n = poll(pfd, fd >= 0 ? 3 : 2, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (n == 0)
		return SIGEV_TIMEOUT;
	if (n > 0 && (pfd[1].revents & POLLERR)) {
		sig_note_terminate(SIGPIPE);
		ev |= SIGEV_TERMINATE;
	}
	if (n > 0 && fd >= 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)))
		ev |= SIGEV_INPUT;
	ev |= drain();
	return ev;
}

bool sig_take_interrupt(void)
{
	unsigned ev = sig_poll();

	deferred |= ev & ~SIGEV_INTERRUPT;
	return ev & SIGEV_INTERRUPT;
}

void sig_defer(unsigned ev)
{
	deferred |= ev & (SIGEV_CHILD | SIGEV_INTERRUPT | SIGEV_TERMINATE);
}

void sig_note_terminate(int signo)
{
	if (!term_sig)
		term_sig = signo;
}

int sig_terminate_signal(void)
{
	return term_sig;
}

void sig_reset_for_exec(void)
{
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
}
