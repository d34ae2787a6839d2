/* sig.h - lurk's own signals: blocked, read from a signalfd, turned into flags the main loops check */
#ifndef LURK_SIG_H
#define LURK_SIG_H

#include <stdbool.h>

/*
 * lurk never runs signal handlers: SIGINT, SIGTERM, SIGHUP, SIGQUIT and
 * SIGCHLD stay blocked and arrive through a signalfd, so waiting for the
 * target, for stdin and for a termination request is one poll() with no
 * race between checking a flag and blocking.
 */
enum sig_event {
	SIGEV_CHILD = 1 << 0,	  /* a traced thread changed state */
	SIGEV_INTERRUPT = 1 << 1, /* SIGINT: stop the target (Ctrl-C) */
	SIGEV_TERMINATE = 1 << 2, /* SIGTERM/SIGHUP/SIGQUIT: clean up and leave */
	SIGEV_INPUT = 1 << 3,	  /* the watched fd is readable */
	SIGEV_TIMEOUT = 1 << 4,
};

/* Block the signals and open the signalfd. Returns 0 or -1 (err set). */
int sig_init(void);
/*
 * Wait until a signal arrives, fd (if >= 0) is readable, or timeout_ms
 * passes (-1: forever). Returns the events seen (a mask of enum sig_event).
 */
unsigned sig_wait(int fd, int timeout_ms);
/* The same, but it waits even after a terminating signal came (lurk is leaving, and waits for the program). */
unsigned sig_wait_any(int fd, int timeout_ms);
/* Collect already-pending signals without blocking. */
unsigned sig_poll(void);
/*
 * Whether Ctrl-C came since the last look, without blocking. It is taken;
 * the other signals seen on the way stay for the next wait.
 */
bool sig_take_interrupt(void);
/* Hand events (SIGEV_CHILD & co) that were read but not handled to the next wait or poll. */
void sig_defer(unsigned ev);
/*
 * lurk is to leave as if signo had come (SIGPIPE: its output pipe was
 * closed): the next wait returns SIGEV_TERMINATE. The first one counts.
 */
void sig_note_terminate(int signo);
/* The termination signal received so far (sticky), or 0. */
int sig_terminate_signal(void);
/* Undo lurk's signal setup in a child about to exec a program. */
void sig_reset_for_exec(void);

#endif
