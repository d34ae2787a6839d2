/* stop.h - what a stop means to the user: breakpoint verdicts, reports, breakpoint commands */
#ifndef LURK_STOP_H
#define LURK_STOP_H

#include <stdbool.h>

struct session;
struct stop_event;
struct target;

typedef int (*stop_resume_fn)(struct target *t, struct stop_event *ev);

/*
 * Resume with resume() and wait for a stop the user should see, then report
 * it. A breakpoint hit whose condition is false, or that an ignore count
 * passes over, resumes again without a word. Returns 0, or -1 with err set.
 */
int stop_resume(struct session *s, const char *cmd, stop_resume_fn resume);

/*
 * Judge a stop: true when it is a breakpoint hit to pass over (condition
 * false, ignore count). Else *brk is the user breakpoint that stops the
 * program (0: none); give it to stop_report. Counts the hit.
 */
bool stop_judge(struct session *s, const struct stop_event *ev, int *brk);
/*
 * Report a judged stop: the breakpoint's report (or none for "silent"), its
 * commands queued, a tbreak deleted.
 */
void stop_report(struct session *s, const char *cmd, const struct stop_event *ev, int brk);

/*
 * Report a stop collected elsewhere (a program running in the background).
 * Returns true when it was a breakpoint pass: the caller resumes again.
 */
bool stop_handle(struct session *s, const char *cmd, const struct stop_event *ev);

/*
 * For a program running in the background: if it stopped, report the stop
 * (true), or resume it again after a breakpoint pass (false).
 */
bool stop_poll_background(struct session *s, const char *cmd);

/*
 * Run the commands of the breakpoint that stopped the program last, once the
 * command that resumed it has finished. A command among them that resumes
 * the program ends that list; the next stop may queue another.
 */
void stop_run_breakpoint_commands(struct session *s);

#endif
