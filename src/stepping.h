/* stepping.h - composite steps built on the target's primitives: stepi, nexti, step, next, finish, until */
#ifndef LURK_STEPPING_H
#define LURK_STEPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stop_event;
struct target;
struct thread;

/* What a breakpoint stop met during a composite step is to the user. */
enum step_verdict {
	STEP_NOT_USER,	/* no user breakpoint stops there: only the step's own trap, if any */
	STEP_USER_PASS, /* a user breakpoint whose condition is false or that is ignored */
	STEP_USER_STOP, /* a user breakpoint that stops the program: end the step, report it */
};

/* Asked about every breakpoint stop (the session judges user breakpoints). */
typedef enum step_verdict (*step_judge_fn)(void *arg, const struct stop_event *ev);

struct step_ctl {
	struct target *t;
	struct thread *th; /* the thread that steps */
	step_judge_fn judge;
	void *arg;
};

/*
 * Each runs one composite step of c->th and fills *ev: STOP_STEP when it
 * ended where it meant to (ev->thread is the stepping thread), else the stop
 * that ended it early (a breakpoint, a signal, Ctrl-C, the process's end).
 * Returns 0, or -1 with err set.
 *
 * stepi: one instruction (others stay stopped). nexti: the same, but a call
 * runs to its return (all threads run meanwhile). step: to the start of the
 * next source line, into functions that have line information (stopping
 * after their prologue), over those that have not. next: the same, over
 * calls. finish: until the function of frame `level` returns to its caller
 * (a recursive call returning deeper does not count). until: until the
 * thread reaches one of addrs, or the current function returns.
 */
int step_insn(const struct step_ctl *c, bool over_calls, struct stop_event *ev);
int step_line(const struct step_ctl *c, bool over_calls, struct stop_event *ev);
/* until without LOC: next, but a jump back in the function (a loop's head) does not end it. */
int step_until_next(const struct step_ctl *c, struct stop_event *ev);
int step_finish(const struct step_ctl *c, uint64_t return_addr, uint64_t caller_sp,
		struct stop_event *ev);
/*
 * finish for the frame of an inlined call in the executing machine frame:
 * run c->th, over real calls, until its code is inside depth inlined calls
 * or fewer (it left the call of the frame; at once when it is out
 * already), or its function returns. Returns 0 (ev as above), or -1 with
 * err set.
 */
int step_out_inline(const struct step_ctl *c, int depth, struct stop_event *ev);
/* The frame "until" and "advance" start from. */
struct step_frame {
	uint64_t return_addr, caller_sp; /* where it returns (0: no caller), the caller's sp */
	/*
	 * cfa not 0: an address of addrs inside [func_lo, func_hi), the frame's
	 * function, counts only in this very frame (gdb's until: a recursive
	 * call reaching it does not stop). 0: anywhere (advance).
	 */
	uint64_t cfa, func_lo, func_hi;
};
int step_until(const struct step_ctl *c, const uint64_t *addrs, size_t n,
	       const struct step_frame *frame, struct stop_event *ev);

#endif
