/* runfor.h - let the program run for a while: until a condition holds, a deadline, a stop or Ctrl-C */
#ifndef LURK_RUNFOR_H
#define LURK_RUNFOR_H

#include <stdbool.h>
#include <stdint.h>

struct session;
struct stop;

/* The same values as the plugin ABI's LURK_RUN_ ones (checked in runfor.c). */
enum run_end {
	RUN_DONE,	 /* the condition held */
	RUN_DEADLINE,	 /* the time was up first */
	RUN_INTERRUPTED, /* the user pressed Ctrl-C, or lurk was told to end */
	RUN_STOPPED,	 /* the program stopped for another reason, or ended */
};

/*
 * Resume the program in the background and let it run until done(arg)
 * returns true (asked every period_ms and at the end), until deadline_ns
 * (now_ns()'s clock) passes, until Ctrl-C, or until it stops on its own (a
 * breakpoint that stops, a signal, its end): *stopped gets that stop,
 * applied, for the command layer to report (reason STOP_NONE: none).
 * Afterwards the program is stopped again, as after interrupt, unless it
 * ended. Returns why it ended, or -1 with err set when it cannot run.
 */
int run_for(struct session *s, uint64_t deadline_ns, int period_ms, bool (*done)(void *arg),
	    void *arg, struct stop *stopped);

/* run_for, the stop it met reported as command cmd's (s->show_stop): the session's run_until. */
int run_until(struct session *s, const char *cmd, uint64_t deadline_ns, bool (*done)(void *arg),
	      void *arg);

#endif
