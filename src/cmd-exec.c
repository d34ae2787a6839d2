/* cmd-exec.c - commands that resume and interrupt the process */
#include "cmd.h"
#include "err.h"
#include "out.h"
#include "report.h"
#include "session.h"
#include "target.h"

static void render_continuing(struct out *o, const struct ov *rec)
{
	out_printf(o, "%s\n",
		   ov_bool(rec, "background") ? "Continuing in the background." : "Continuing.");
}

static int cmd_exec_continue(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct stop_event ev;
	struct ov *rec;
	bool background = ctx->kw & 1;

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
	if (target_resume(s->target, &ev) < 0)
		return -1;
	/* The terminal echoed ^C where the cursor was: start the report on a line of its own. */
	if (ev.reason == STOP_INTERRUPTED && ctx->src && ctx->src->terminal && !out_is_json(s->out))
		out_printf(s->out, "\n");
	report_stop(s, ctx->name, &ev);
	return 0;
}

static int cmd_exec_interrupt(struct cmd_ctx *ctx)
{
	struct stop_event ev;

	if (target_interrupt(ctx->s->target, &ev) < 0)
		return -1;
	report_stop(ctx->s, ctx->name, &ev);
	return 0;
}

static const struct cmd_entry continue_entry = {
	"continue",
	"c fg",
	"{&}",
	"continue [&]",
	"resume all threads until something stops one (& returns to the prompt at once)",
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
