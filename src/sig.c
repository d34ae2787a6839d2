/* sig.c - lurk's own signals, read from a signalfd */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "err.h"
#include "sig.h"

static int sigfd = -1;
static sigset_t lurk_sigs;
static sigset_t old_mask;
static int term_sig;

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
	unsigned ev = 0;
	ssize_t n;

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
	struct pollfd pfd[2] = { { sigfd, POLLIN, 0 }, { fd, POLLIN, 0 } };
	unsigned ev = 0;
	int n;

	for (;;) {
		n = poll(pfd, fd >= 0 ? 2 : 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (n == 0)
		return SIGEV_TIMEOUT;
	if (n > 0 && fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
		ev |= SIGEV_INPUT;
	ev |= drain();
	return ev;
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
