/* stop.h - what a stop means to the session: breakpoint verdicts, selection, lifecycle, quitting */
#ifndef LURK_STOP_H
#define LURK_STOP_H

#include <stdbool.h>

#include "target.h"

struct session;

typedef int (*stop_resume_fn)(struct target *t, struct stop_event *ev);

/* A stop the user should see, judged and applied: what the command layer reports. */
struct stop {
	struct stop_event ev;
	int brk;     /* the user breakpoint it hit, 0 if none */
	bool silent; /* a breakpoint whose commands start with "silent": no report */
};

/*
 * Judge a stop: true when it is a breakpoint hit to pass over (condition
 * false, ignore count). Else *brk is the user breakpoint that stops the
 * program (0: none); give it to stop_apply. Counts the hit.
 */
bool stop_judge(struct session *s, const struct stop_event *ev, int *brk);
/*
 * Apply a judged stop to the session: select the stopped thread and its
 * frame 0, queue the breakpoint's commands (s->brk_cmds), delete a tbreak,
 * end tracing at Ctrl-C, announce a process gone, quit when lurk was told
 * to terminate. *st gets what the command layer reports.
 */
void stop_apply(struct session *s, const struct stop_event *ev, int brk, struct stop *st);

/*
 * Judge a stop collected elsewhere (a program running in the background)
 * and apply it. Returns true when it was a breakpoint pass: the caller
 * resumes again, and *st is not set.
 */
bool stop_handle(struct session *s, const struct stop_event *ev, struct stop *st);

/*
 * Resume with resume() and wait for a stop the user should see, then apply
 * it (*st). A breakpoint hit whose condition is false, or that an ignore
 * count passes over, resumes again without a word. Returns 0, or -1 with
 * err set.
 */
int stop_resume(struct session *s, stop_resume_fn resume, struct stop *st);

/*
 * For a program running in the background: if it stopped, apply the stop
 * (true, *st set), or resume it again after a breakpoint pass (false).
 */
bool stop_poll_background(struct session *s, struct stop *st);

#endif
