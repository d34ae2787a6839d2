/* cmd-exec.c - commands that resume and interrupt the process */
#include <stdint.h>

#include "brk.h"
#include "cmd.h"
#include "err.h"
#include "out.h"
#include "report.h"
#include "session.h"
#include "stop.h"
#include "target.h"

static void render_continuing(struct out *o, const struct ov *rec)
{
	out_printf(o, "%s\n",
		   ov_bool(rec, "background") ? "Continuing in the background." : "Continuing.");
}

/* continue N: pass the breakpoint the program stopped at N-1 more times, as gdb does. */
static int set_ignore_from_count(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct brk *b;

	if (!ctx->arg[0].set)
		return 0;
	if (ctx->arg[0].u == 0 || ctx->arg[0].u > UINT32_MAX) {
		err_set("the count must be between 1 and %u", UINT32_MAX);
		return -1;
	}
	if (!s->last_brk || !(b = brk_find(s, s->last_brk))) {
		err_set("the program did not stop at a breakpoint; a count has no meaning");
		return -1;
	}
	b->ignore = (unsigned)ctx->arg[0].u - 1;
	return 0;
}

static int cmd_exec_continue(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct stop_event ev;
	struct ov *rec;
	bool background = ctx->kw & 1;

	if (set_ignore_from_count(ctx) < 0)
		return -1;
	if (background) {
		if (target_resume_background(s->target) < 0)
			return -1;
		rec = ov_obj();
		ov_set_bool(rec, "background", true);
		out_emit(s->out, ctx->name, rec, render_continuing);
		return 0;
	}
	/* People want to see that the command took; scripts get the stop record only. */
	if (!out_is_json(s->out))
		out_emit(s->out, ctx->name, ov_obj(), render_continuing);
	for (;;) {
		if (target_resume(s->target, &ev) < 0)
			return -1;
		/* The terminal echoed ^C where the cursor was: start the report on a line of its own. */
		if (ev.reason == STOP_INTERRUPTED && ctx->src && ctx->src->terminal &&
		    !out_is_json(s->out))
			out_printf(s->out, "\n");
		if (!stop_handle(s, ctx->name, &ev))
			return 0;
	}
}


static int cmd_exec_interrupt(struct cmd_ctx *ctx)
{
	struct stop_event ev;

	if (target_interrupt(ctx->s->target, &ev) < 0)
		return -1;
	stop_handle(ctx->s, ctx->name, &ev);
	return 0;
}

static const struct cmd_entry continue_entry = {
	"continue",
	"c fg",
	"[N:uint] {&}",
	"continue [N] [&]",
	"resume all threads until something stops one (N: pass this breakpoint N-1 times; "
	"& returns to the prompt at once)",
	CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_REPEAT,
	NULL,
	cmd_exec_continue,
};
static const struct cmd_entry interrupt_entry = {
	"interrupt",
	NULL,
	NULL,
	"interrupt",
	"stop a program running in the background",
	CMD_NEED_PROCESS,
	NULL,
	cmd_exec_interrupt,
};

const struct cmd_entry *const cmd_group_exec[] = { &continue_entry, &interrupt_entry, NULL };
