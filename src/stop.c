/* stop.c - what a stop means to the user: breakpoint verdicts, reports, breakpoint commands */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brk.h"
#include "cmd.h"
#include "display.h"
#include "err.h"
#include "out.h"
#include "report.h"
#include "session.h"
#include "stop.h"
#include "target.h"
#include "trace.h"
#include "util.h"

static void queue_commands(struct session *s, const struct brk *b)
{
	for (size_t i = 0; i < s->nbp_cmds; i++)
		free(s->bp_cmds[i]);
	free(s->bp_cmds);
	s->bp_cmds = NULL;
	s->nbp_cmds = 0;
	if (!b->ncmds)
		return;
	s->bp_cmds = xcalloc(b->ncmds, sizeof(*s->bp_cmds));
	for (size_t i = 0; i < b->ncmds; i++)
		if (strcmp(b->cmds[i], "silent") != 0)
			s->bp_cmds[s->nbp_cmds++] = xstrdup(b->cmds[i]);
}

bool stop_judge(struct session *s, const struct stop_event *ev, int *brk)
{
	struct brk *b = NULL;
	enum brk_verdict verdict;

	*brk = 0;
	if (ev->reason != STOP_BREAKPOINT && ev->reason != STOP_WATCHPOINT &&
	    ev->reason != STOP_SAMPLED)
		return false;
	/* A local watchpoint's frame returned: it is deleted, and the program stops there. */
	{
		bool deleted;

		if (brk_scope_stop(s, ev, &deleted) && !deleted)
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
	verdict = brk_judge(s, ev, &b);
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

void stop_report(struct session *s, const char *cmd, const struct stop_event *ev, int brk)
{
	struct brk *b = brk ? brk_find(s, brk) : NULL;

	/* The user gets the prompt: no thread may keep a single-step's trap flag. */
	target_settle(s->target);
	err_clear();
	s->last_brk = brk;
	if (b) {
		bool silent = b->ncmds && strcmp(b->cmds[0], "silent") == 0;

		if (silent) {
			s->cur_thread = ev->thread;
			s->cur_frame = 0;
		} else {
			report_stop(s, cmd, ev, b->num);
			display_show_all(s);
		}
		queue_commands(s, b);
		if (b->temporary)
			brk_delete(s, b);
		return;
	}
	if (ev->reason == STOP_INTERRUPTED && trace_active(s)) {
		/* Ctrl-C ends tracing; what it collected stays for info trace. */
		char msg[128];

		snprintf(msg, sizeof(msg), "interrupted: stopped tracing %d functions (info trace keeps the table)",
			 trace_stop(s, NULL));
		out_warn(s->out, "trace", msg);
	}
	if (ev->reason == STOP_EXITED || ev->reason == STOP_KILLED) {
		brk_process_gone(s);
		trace_process_gone(s);
		report_stop(s, cmd, ev, 0);
		return;
	}
	report_stop(s, cmd, ev, 0);
	if (ev->reason != STOP_TERMINATE)
		display_show_all(s);
}

bool stop_handle(struct session *s, const char *cmd, const struct stop_event *ev)
{
	int brk;

	if (stop_judge(s, ev, &brk))
		return true;
	stop_report(s, cmd, ev, brk);
	return false;
}

int stop_resume(struct session *s, const char *cmd, stop_resume_fn resume)
{
	struct stop_event ev;

	for (;;) {
		if (resume(s->target, &ev) < 0)
			return -1;
		if (!stop_handle(s, cmd, &ev))
			return 0;
		resume = target_resume;
	}
}

void stop_run_breakpoint_commands(struct session *s)
{
	static bool running;

	/* Commands that resume the program come back here; the outer loop goes on. */
	if (running)
		return;
	running = true;
	while (s->nbp_cmds && !s->quit) {
		char **cmds = s->bp_cmds;
		size_t n = s->nbp_cmds;
		unsigned epoch = target_epoch(s->target);

		s->bp_cmds = NULL;
		s->nbp_cmds = 0;
		for (size_t i = 0; i < n; i++) {
			/* After a command resumed the program, the rest of the list is stale. */
			if (target_epoch(s->target) == epoch && !s->quit)
				cmd_execute(s, cmds[i], NULL);
			free(cmds[i]);
		}
		free(cmds);
	}
	running = false;
}

bool stop_poll_background(struct session *s, const char *cmd)
{
	struct stop_event ev;

	if (!target_running(s->target) || target_poll(s->target, &ev) != 1)
		return false;
	if (stop_handle(s, cmd, &ev)) {
		/* A breakpoint that passes: the program goes on in the background. */
		if (target_resume_background(s->target) < 0)
			err_clear();
		return false;
	}
	return true;
}
