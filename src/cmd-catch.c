/* cmd-catch.c - catchpoints and signals: catch syscall, catch signal, signal */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brk.h"
#include "catch.h"
#include "cmd.h"
#include "err.h"
#include "out.h"
#include "proc.h"
#include "rec.h"
#include "session.h"
#include "target.h"

static void render_created(struct out *o, const struct rec *rec)
{
	out_printf(o, "Catchpoint %" PRId64 " (%s)\n", rec_int(rec, "number", 0),
		   rec_str(rec, "description"));
}

static int create(struct cmd_ctx *ctx, enum brk_type type, bool temporary)
{
	struct session *s = ctx->s;
	char *desc;
	struct brk *b = catch_create(s, type, ctx->arg[0].v, ctx->arg[0].n, temporary, &desc);
	struct rec *rec;

	if (!b)
		return -1;
	rec = rec_obj();
	rec_set_int(rec, "number", b->num);
	rec_set_str(rec, "type", "catchpoint");
	rec_set_str(rec, "kind", type == BRK_CATCH_SYSCALL ? "syscall" : "signal");
	rec_set_str(rec, "description", desc);
	rec_set_str(rec, "spec", b->spec);
	rec_set_str(rec, "disposition", temporary ? "del" : "keep");
	out_emit(s->out, ctx->name, rec, render_created);
	free(desc);
	return 0;
}

static int cmd_catch_syscall(struct cmd_ctx *ctx)
{
	return create(ctx, BRK_CATCH_SYSCALL, false);
}

static int cmd_catch_signal(struct cmd_ctx *ctx)
{
	return create(ctx, BRK_CATCH_SIGNAL, false);
}

static int cmd_tcatch_syscall(struct cmd_ctx *ctx)
{
	return create(ctx, BRK_CATCH_SYSCALL, true);
}

static int cmd_tcatch_signal(struct cmd_ctx *ctx)
{
	return create(ctx, BRK_CATCH_SIGNAL, true);
}

static void render_continuing(struct out *o, const struct rec *rec)
{
	if (rec_has(rec, "signal"))
		out_printf(o, "Continuing with signal %s.\n", rec_str(rec, "signal"));
	else
		out_printf(o, "Continuing with no signal.\n");
}

/* "signal SIG": the selected thread gets SIG, not the signal it stopped with, and all resume. */
static int cmd_catch_signal_resume(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *word = ctx->arg[0].s;
	struct thread *th = target_thread_num(s->target, s->cur_thread);
	struct rec *rec;
	int sig = strcmp(word, "0") ? proc_signum(word) : 0;

	if (sig < 0 || sig >= NSIG) {
		err_set("\"%s\" is not a signal (SIGUSR1, usr1, 10, or 0 for none)", word);
		return -1;
	}
	if (!th) {
		err_set("no thread selected");
		return -1;
	}
	target_set_resume_signal(s->target, th, sig);
	rec = rec_obj();
	if (sig)
		rec_set_str(rec, "signal", proc_signame(sig));
	rec_set_int(rec, "thread", s->cur_thread);
	out_emit(s->out, ctx->name, rec, render_continuing);
	return cmd_resume(s, ctx->name, target_resume);
}

static const struct cmd_entry catch_syscall_entry = {
	.name = "syscall",
	.args = "[NAMES:word...]",
	.usage = "catch syscall [NAME|NUMBER...]",
	.summary = "stop when the program calls these system calls, and when they return (none "
		   "named: every one)",
	.handler = cmd_catch_syscall,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry catch_signal_entry = {
	.name = "signal",
	.args = "[SIGNALS:word...]",
	.usage = "catch signal [SIGNAL...|all]",
	.summary = "stop when the program receives these signals (none named: all but SIGTRAP "
		   "and SIGINT)",
	.handler = cmd_catch_signal,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry *const catch_sub[] = { &catch_syscall_entry, &catch_signal_entry,
						     NULL };
static const struct cmd_entry catch_entry = {
	.name = "catch",
	.usage = "catch syscall [NAME...] | catch signal [SIGNAL...|all]",
	.summary = "catchpoints: stop at system calls or at signals",
	.sub = catch_sub,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry tcatch_syscall_entry = {
	.name = "syscall",
	.args = "[NAMES:word...]",
	.usage = "tcatch syscall [NAME|NUMBER...]",
	.summary = "a syscall catchpoint deleted when it first stops the program",
	.handler = cmd_tcatch_syscall,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry tcatch_signal_entry = {
	.name = "signal",
	.args = "[SIGNALS:word...]",
	.usage = "tcatch signal [SIGNAL...|all]",
	.summary = "a signal catchpoint deleted when it first stops the program",
	.handler = cmd_tcatch_signal,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry *const tcatch_sub[] = { &tcatch_syscall_entry, &tcatch_signal_entry,
						      NULL };
static const struct cmd_entry tcatch_entry = {
	.name = "tcatch",
	.usage = "tcatch syscall [NAME...] | tcatch signal [SIGNAL...|all]",
	.summary = "catchpoints deleted when they first stop the program",
	.sub = tcatch_sub,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry signal_entry = {
	.name = "signal",
	.args = "SIGNAL:word",
	.usage = "signal SIGNAL|0",
	.summary = "resume, the selected thread receiving SIGNAL in place of the one it stopped "
		   "with (0: none)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_catch_signal_resume,
};

const struct cmd_entry *const cmd_group_catch[] = { &catch_entry, &tcatch_entry, &signal_entry,
						    NULL };
