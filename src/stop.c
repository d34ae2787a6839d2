/* stop.c - what a stop means to the session: breakpoint verdicts, selection, lifecycle, quitting */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "brk.h"
#include "catch.h"
#include "err.h"
#include "memwatch.h"
#include "session.h"
#include "stop.h"
#include "sym.h"
#include "target.h"
#include "trace.h"
#include "util.h"
#include "value.h"
#include "watch.h"

static void queue_commands(struct session *s, const struct brk *b)
{
	for (size_t i = 0; i < s->nbrk_cmds; i++)
		free(s->brk_cmds[i]);
	free(s->brk_cmds);
	s->brk_cmds = NULL;
	s->nbrk_cmds = 0;
	if (!b->ncmds)
		return;
	s->brk_cmds = xcalloc(b->ncmds, sizeof(*s->brk_cmds));
	for (size_t i = 0; i < b->ncmds; i++)
		if (strcmp(b->cmds[i], "silent") != 0)
			s->brk_cmds[s->nbrk_cmds++] = xstrdup(b->cmds[i]);
}

/* Each kind of user breakpoint judges the stops of its own kind. */
static enum brk_verdict judge(struct session *s, const struct stop_event *ev, struct brk **b)
{
	if (ev->reason == STOP_WATCHPOINT)
		return watch_judge(s, ev, b);
	if (ev->reason == STOP_SAMPLED)
		return memwatch_judge(s, b);
	return brk_judge(s, ev, b);
}

/*
 * A system call stops the program only for a catchpoint. A signal stops it
 * for a catchpoint, or else when handle says stop: a caught signal whose
 * catchpoints all pass goes on to the program as handle says.
 */
static bool judge_catch(struct session *s, const struct stop_event *ev, int *brk)
{
	struct brk *b = NULL;

	if (catch_judge(s, ev, &b) == BRK_STOP) {
		*brk = b->num;
		return false;
	}
	/* lurk's own SIGTRAPs that are not a trap of its own always stop, as before. */
	if (ev->reason == STOP_SIGNAL)
		return !target_sigdisp(s->target, ev->sig)->stop && ev->sig != SIGTRAP;
	return true;
}

bool stop_judge(struct session *s, const struct stop_event *ev, int *brk)
{
	struct brk *b = NULL;
	enum brk_verdict verdict;

	*brk = 0;
	if (ev->reason == STOP_SYSCALL_CALL || ev->reason == STOP_SYSCALL_RETURN ||
	    ev->reason == STOP_SIGNAL)
		return judge_catch(s, ev, brk);
	if (ev->reason != STOP_BREAKPOINT && ev->reason != STOP_WATCHPOINT &&
	    ev->reason != STOP_SAMPLED)
		return false;
	/* A local watchpoint's frame returned: it is deleted, and the program stops there. */
	{
		bool deleted;

		if (watch_scope_stop(s, ev, &deleted) && !deleted)
			return true;
		if (deleted)
			return false;
	}
	/* The dynamic linker changed the list of libraries: place pending breakpoints. */
	if (s->solib_event_addr && ev->addr == s->solib_event_addr) {
		brk_libraries_changed(s);
		return true;
	}
	target_hold_modules(s->target, true);
	verdict = judge(s, ev, &b);
	target_hold_modules(s->target, false);
	switch (verdict) {
	case BRK_PASS:
		return true;
	case BRK_NOT_OURS:
		/* A traced call whose trap could not be passed without a stop. */
		return ev->reason == STOP_BREAKPOINT && trace_owns(s, ev->addr);
	case BRK_STOP:
		*brk = b->num;
		return false;
	default:
		return false;
	}
}

/* Where the user looks after a reported stop: the stopped thread's innermost frame. */
static void select_stopped(struct session *s, const struct stop_event *ev)
{
	struct thread *th = ev->thread ? target_thread_num(s->target, ev->thread) : NULL;

	/* A new place to look at: a bare "list" shows around it again. */
	s->list_next = 0;
	if (ev->reason == STOP_TERMINATE) {
		/* lurk was told to go: main() leaves the process as it was. */
		s->quit = true;
		s->quit_status = 128 + ev->sig;
		return;
	}
	if (ev->reason == STOP_EXITED || ev->reason == STOP_KILLED) {
		s->cur_thread = 0;
		s->cur_frame = 0;
		return;
	}
	if (th) {
		s->cur_thread = target_th_num(th);
		s->cur_frame = 0;
	}
}

/*
 * A breakpoint on a function whose code starts with inlined calls stops at
 * their call, in that function, as gdb does: the frames of the inlined
 * calls that start at the pc are left out, up to one of the function the
 * breakpoint names (break on an inlined function shows it). A line or an
 * address breakpoint shows the innermost call.
 */
static void hide_inline_calls(struct session *s, const struct stop_event *ev, const struct brk *b)
{
	struct thread *th = target_thread_num(s->target, ev->thread);
	struct sym *sym = th ? target_sym(s->target) : NULL;
	const char *func = strrchr(b->spec, ':') ? strrchr(b->spec, ':') + 1 : b->spec;
	size_t len = strlen(func);
	struct sym_inline calls[16];
	int n, k = 0;

	err_clear();
	if (!sym || b->type != BRK_BREAKPOINT || ev->reason != STOP_BREAKPOINT || b->spec[0] == '*')
		return;
	if (len >= 2 && (func[0] == '"' || func[0] == '\'') && func[len - 1] == func[0]) {
		func++;
		len -= 2;
	}
	/* LINE, +N, -N: a line of the innermost function's code. */
	if (!len || strspn(func, "0123456789") == len || func[0] == '+' || func[0] == '-')
		return;
	n = sym_inline_calls(sym, ev->addr, calls, 16);
	while (k < n && calls[k].entry == ev->addr &&
	       !(strlen(calls[k].func) == len && strncmp(calls[k].func, func, len) == 0))
		k++;
	target_th_set_inline_hidden(s->target, th, k);
}

void stop_apply(struct session *s, const struct stop_event *ev, int brk, struct stop *st)
{
	struct brk *b = brk ? brk_find(s, brk) : NULL;

	st->ev = *ev;
	st->brk = b ? brk : 0;
	st->silent = false;
	/* The user gets the prompt: no thread may keep a single-step's trap flag. */
	target_settle(s->target);
	err_clear();
	s->last_brk = brk;
	if (b) {
		hide_inline_calls(s, ev, b);
		st->silent = b->ncmds && strcmp(b->cmds[0], "silent") == 0;
		if (st->silent) {
			s->cur_thread = ev->thread;
			s->cur_frame = 0;
		} else {
			select_stopped(s, ev);
		}
		queue_commands(s, b);
		/* The report needs only its number and kind: a tbreak may go now. */
		s->last_brk_temporary = b->temporary;
		brk_stopped(s, b);
		return;
	}
	if (ev->reason == STOP_INTERRUPTED && trace_active(s)) {
		/* Ctrl-C ends tracing; what it collected stays for info trace. */
		int n = trace_stop(s, NULL);

		if (n < 0) {
			session_warn(s, "trace", "interrupted: %s", err_get());
			err_clear();
		} else {
			session_warn(s, "trace",
				     "interrupted: stopped tracing %d function%s (info trace keeps "
				     "the table)",
				     n, n == 1 ? "" : "s");
		}
	}
	if (ev->reason == STOP_EXITED || ev->reason == STOP_KILLED)
		session_announce(s, SESSION_GONE);
	/* After the values typed by the program are forgotten: gdb's $_exitcode. */
	if (ev->reason == STOP_EXITED)
		value_conv_set_int("_exitcode", ev->code);
	select_stopped(s, ev);
}

bool stop_handle(struct session *s, const struct stop_event *ev, struct stop *st)
{
	int brk;

	/* The first stop where lurk's page can be mapped: conditions set before run go in. */
	brk_late_guards(s);
	trace_late_guards(s);
	trace_late_records(s);
	/* The calls the program recorded come before the stop they led to. */
	trace_drain(s);
	if (stop_judge(s, ev, &brk))
		return true;
	stop_apply(s, ev, brk, st);
	return false;
}

int stop_resume(struct session *s, stop_resume_fn resume, struct stop *st)
{
	struct stop_event ev;

	for (;;) {
		if (resume(s->target, &ev) < 0)
			return -1;
		if (!stop_handle(s, &ev, st))
			return 0;
		resume = target_resume;
	}
}

bool stop_poll_background(struct session *s, struct stop *st)
{
	struct stop_event ev;

	if (!target_running(s->target) || target_poll(s->target, &ev) != 1)
		return false;
	if (stop_handle(s, &ev, st)) {
		/* A breakpoint that passes: the program goes on in the background. */
		if (target_resume_background(s->target) < 0)
			err_clear();
		return false;
	}
	return true;
}
