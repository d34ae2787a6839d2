/* runfor.c - let the program run for a while: until a condition holds, a deadline, a stop or Ctrl-C */
#include "runfor.h"
#include "lurk/plugin.h"
#include "err.h"
#include "session.h"
#include "sig.h"
#include "stop.h"
#include "target.h"
#include "util.h"

_Static_assert(RUN_DONE == LURK_RUN_DONE && RUN_DEADLINE == LURK_RUN_TIMEOUT &&
		       RUN_INTERRUPTED == LURK_RUN_INTERRUPTED && RUN_STOPPED == LURK_RUN_STOPPED,
	       "run_until answers plugins with these values as they are");

int run_for(struct session *s, uint64_t deadline_ns, int period_ms, bool (*done)(void *arg),
	    void *arg, struct stop *stopped)
{
	enum run_end end = RUN_DEADLINE;
	struct stop_event ev;

	stopped->ev.reason = STOP_NONE;
	if (target_resume_background(s->target) < 0)
		return -1;
	for (;;) {
		uint64_t now = now_ns(), left_ms;
		unsigned e;

		if (done(arg)) {
			end = RUN_DONE;
			break;
		}
		if (now >= deadline_ns)
			break;
		left_ms = (deadline_ns - now) / 1000000 + 1;
		e = sig_wait(-1,
			     (int)(left_ms < (uint64_t)period_ms ? left_ms : (uint64_t)period_ms));
		if (e & (SIGEV_INTERRUPT | SIGEV_TERMINATE)) {
			end = RUN_INTERRUPTED;
			break;
		}
		/* A breakpoint whose condition is false, a library event: handled, run on. */
		if (target_poll(s->target, &ev) == 1) {
			if (ev.reason != STOP_INTERRUPTED && !stop_handle(s, &ev, stopped)) {
				end = RUN_STOPPED;
				break;
			}
			if (target_resume_background(s->target) < 0)
				return -1;
		}
	}
	/* The condition may have come true while the program was stopping. */
	if (end != RUN_STOPPED && target_live(s->target) && target_running(s->target) &&
	    target_interrupt(s->target, &ev) == 0 && ev.reason != STOP_INTERRUPTED &&
	    !stop_handle(s, &ev, stopped))
		end = RUN_STOPPED;
	if (end == RUN_DEADLINE && done(arg))
		end = RUN_DONE;
	err_clear();
	return (int)end;
}

int run_until(struct session *s, const char *cmd, uint64_t deadline_ns, bool (*done)(void *arg),
	      void *arg)
{
	struct stop stopped;
	int end = run_for(s, deadline_ns, 20, done, arg, &stopped);

	if (stopped.ev.reason != STOP_NONE && s->show_stop)
		s->show_stop(s, cmd, &stopped);
	return end;
}
