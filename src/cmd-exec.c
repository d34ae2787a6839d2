/* cmd-exec.c - commands that resume and interrupt the process */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#include "brk.h"
#include "cmd.h"
#include "err.h"
#include "frame.h"
#include "proc.h"
#include "loc.h"
#include "out.h"
#include "report.h"
#include "regs.h"
#include "select.h"
#include "session.h"
#include "stepping.h"
#include "sym.h"
#include "stop.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"

static void render_continuing(struct out *o, const struct rec *rec)
{
	out_printf(o, "%s\n",
		   rec_bool(rec, "background") ? "Continuing in the background." : "Continuing.");
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
	struct rec *rec;
	bool background = ctx->kw & 1;

	if (set_ignore_from_count(ctx) < 0)
		return -1;
	if (background) {
		if (target_resume_background(s->target) < 0)
			return -1;
		rec = rec_obj();
		rec_set_bool(rec, "background", true);
		out_emit(s->out, ctx->name, rec, render_continuing);
		return 0;
	}
	/* People want to see that the command took; scripts get the stop record only. */
	if (!out_is_json(s->out))
		out_emit(s->out, ctx->name, rec_obj(), render_continuing);
	for (;;) {
		if (target_resume(s->target, &ev) < 0)
			return -1;
		/* The terminal echoed ^C where the cursor was: start the report on a line of its own. */
		if (ev.reason == STOP_INTERRUPTED && ctx->src && ctx->src->terminal &&
		    !out_is_json(s->out))
			out_printf(s->out, "\n");
		if (!cmd_handle_stop(s, ctx->name, &ev))
			return 0;
	}
}

static int cmd_exec_interrupt(struct cmd_ctx *ctx)
{
	struct stop_event ev;

	if (target_interrupt(ctx->s->target, &ev) < 0)
		return -1;
	cmd_handle_stop(ctx->s, ctx->name, &ev);
	return 0;
}

/* A composite step asks about every stop it did not plan; breakpoints are judged once. */
struct step_run {
	struct session *s;
	int brk;
};

static enum step_verdict judge_breakpoint(void *arg, const struct stop_event *ev)
{
	struct step_run *r = arg;

	if (stop_judge(r->s, ev, &r->brk))
		return STEP_USER_PASS;
	return r->brk ? STEP_USER_STOP : STEP_NOT_USER;
}

enum step_kind { STEP_INSN, NEXT_INSN, STEP_LINE, NEXT_LINE, UNTIL_NEXT };

static int run_steps(struct cmd_ctx *ctx, enum step_kind kind)
{
	struct session *s = ctx->s;
	struct step_run run = { s, 0 };
	struct stop_event ev;
	struct thread *th = select_thread(s);
	uint64_t count = ctx->arg[0].set ? ctx->arg[0].u : 1;

	if (!th)
		return -1;
	if (count == 0 || count > 1000000) {
		err_set("the count must be between 1 and 1000000");
		return -1;
	}
	for (uint64_t i = 0; i < count; i++) {
		struct step_ctl c = { s->target, th, judge_breakpoint, &run };
		int ret;

		switch (kind) {
		case STEP_INSN:
			ret = step_insn(&c, false, &ev);
			break;
		case NEXT_INSN:
			ret = step_insn(&c, true, &ev);
			break;
		case STEP_LINE:
			ret = step_line(&c, false, &ev);
			break;
		case UNTIL_NEXT:
			ret = step_until_next(&c, &ev);
			break;
		default:
			ret = step_line(&c, true, &ev);
			break;
		}
		if (ret < 0)
			return -1;
		/* A watchpoint the step set off has its say: a same-value write goes on. */
		if (ev.reason == STOP_WATCHPOINT) {
			if (stop_judge(s, &ev, &run.brk)) {
				ev.reason = STOP_STEP;
				run.brk = 0;
			} else {
				break;
			}
		}
		if (ev.reason != STOP_STEP || i + 1 == count)
			break;
	}
	cmd_report_stop(s, ctx->name, &ev, run.brk);
	return 0;
}

static int cmd_exec_stepi(struct cmd_ctx *ctx)
{
	return run_steps(ctx, STEP_INSN);
}

static int cmd_exec_nexti(struct cmd_ctx *ctx)
{
	return run_steps(ctx, NEXT_INSN);
}

static int cmd_exec_step(struct cmd_ctx *ctx)
{
	return run_steps(ctx, STEP_LINE);
}

static int cmd_exec_next(struct cmd_ctx *ctx)
{
	return run_steps(ctx, NEXT_LINE);
}

/*
 * The selected frame's caller: where it returns and the stack pointer it
 * returns with. The caller of an inlined call's frame is the machine
 * frame's caller, as gdb takes it for until: inlined code does not return.
 */
static int caller_of_selected(struct session *s, struct thread **th, uint64_t *ret,
			      uint64_t *caller_sp, uint64_t *func_pc, int *level_out)
{
	const struct frame *frames;
	int n, level = select_frame(s, th, &frames, &n);
	int sp = target_arch(s->target)->sp->dwarf, caller = level + 1;

	if (level < 0)
		return -1;
	while (caller < n && frames[caller].phys == frames[level].phys)
		caller++;
	if (caller >= n || !(frames[caller].regs_known & (1u << sp))) {
		err_set("\"finish\" not meaningful in the outermost frame");
		return -1;
	}
	*ret = frames[caller].pc;
	*caller_sp = frames[caller].regs[sp];
	*func_pc = frames[level].pc - (frames[level].phys > 0 ? 1 : 0);
	*level_out = level;
	return 0;
}

static void render_returned(struct out *o, const struct rec *rec)
{
	if (rec_has(rec, "value"))
		out_printf(o, "Value returned: %s (%s)\n", rec_str(rec, "value"),
			   rec_str(rec, "type"));
	else
		out_printf(o, "Value returned is a %s that cannot be shown: %s\n",
			   rec_str(rec, "type"), rec_str(rec, "note"));
}

/*
 * The value the function at func_pc just returned, as the ABI returns its
 * type. A value that cannot be known is said so, with why; a function
 * without debug information shows nothing, as in gdb.
 */
static void emit_returned(struct session *s, const char *cmd, struct thread *th, uint64_t func_pc)
{
	struct strbuf value = STRBUF_INIT, type = STRBUF_INIT;
	struct rec *rec;
	int n = value_returned(&(struct frame_ctx){ s->target, th, 0 }, func_pc, &value, &type);

	if (n > 0 || (n < 0 && type.len)) {
		rec = rec_obj();
		rec_set_str(rec, "type", sb_str(&type));
		if (n > 0)
			rec_set_str(rec, "value", sb_str(&value));
		else
			rec_set_str(rec, "note", err_get());
		out_emit(s->out, cmd, rec, render_returned);
	}
	err_clear();
	sb_free(&value);
	sb_free(&type);
}

static void render_run_till(struct out *o, const struct rec *rec)
{
	out_printf(o, "Run till exit from ");
	report_render_frame(o, rec_get(rec, "frame"));
}

/*
 * finish in the frame of an inlined call: no return to wait for, the
 * thread runs until its code leaves the call, and no value is shown, as in
 * gdb. In a caller's machine frame, the calls inside it return first.
 */
static int finish_inline(struct cmd_ctx *ctx, struct thread *th, const struct frame *frames, int n,
			 int level)
{
	struct session *s = ctx->s;
	struct step_run run = { s, 0 };
	struct step_ctl ctl = { s->target, th, judge_breakpoint, &run };
	int phys = frames[level].phys, sp = target_arch(s->target)->sp->dwarf;
	int depth = -1, inner = level;
	uint64_t ret, caller_sp;
	struct stop_event ev;
	struct rec *rec;

	/* The inlined calls around the selected one: what the thread runs back to. */
	for (int k = level; k < n && frames[k].phys == phys && frames[k].inline_func; k++)
		depth++;
	/* The innermost frame of the machine frame: where the calls inside return to. */
	while (inner > 0 && frames[inner - 1].phys == phys)
		inner--;
	ret = frames[inner].pc;
	if (phys > 0 && !(frames[inner].regs_known & (1u << sp))) {
		err_set("\"finish\": the stack pointer of frame %d is not known", inner);
		return -1;
	}
	caller_sp = frames[inner].regs[sp];
	if (!out_is_json(s->out)) {
		rec = rec_obj();
		rec_set_take(rec, "frame", report_frame(s, th, &frames[level], level));
		out_emit(s->out, ctx->name, rec, render_run_till);
	}
	if (phys > 0) {
		if (step_finish(&ctl, ret, caller_sp, &ev) < 0)
			return -1;
		if (ev.reason != STOP_STEP) {
			cmd_report_stop(s, ctx->name, &ev, run.brk);
			return 0;
		}
	}
	if (step_out_inline(&ctl, depth, &ev) < 0)
		return -1;
	cmd_report_stop(s, ctx->name, &ev, run.brk);
	return 0;
}

static int cmd_exec_finish(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct step_run run = { s, 0 };
	struct thread *th;
	const struct frame *frames;
	struct stop_event ev;
	uint64_t ret, caller_sp, func_pc;
	int level, n;
	struct rec *rec;

	level = select_frame(s, &th, &frames, &n);
	if (level < 0)
		return -1;
	if (frames[level].inline_func)
		return finish_inline(ctx, th, frames, n, level);
	if (caller_of_selected(s, &th, &ret, &caller_sp, &func_pc, &level) < 0)
		return -1;
	if (!out_is_json(s->out) && target_frames(s->target, th, &frames) > level) {
		rec = rec_obj();
		rec_set_take(rec, "frame", report_frame(s, th, &frames[level], level));
		out_emit(s->out, ctx->name, rec, render_run_till);
	}
	n = step_finish(&(struct step_ctl){ s->target, th, judge_breakpoint, &run }, ret, caller_sp,
			&ev);
	if (n < 0)
		return -1;
	cmd_report_stop(s, ctx->name, &ev, run.brk);
	if (ev.reason == STOP_STEP)
		emit_returned(s, ctx->name, th, func_pc);
	return 0;
}

/*
 * The selected frame as until and advance start from it: where it returns,
 * and (until) its CFA and function, so that only this frame reaching a
 * place in its own function counts.
 */
static struct thread *starting_frame(struct session *s, bool this_frame_only, struct step_frame *sf)
{
	struct thread *th;
	uint64_t func_pc;
	char func[256];
	int level;

	memset(sf, 0, sizeof(*sf));
	if (caller_of_selected(s, &th, &sf->return_addr, &sf->caller_sp, &func_pc, &level) < 0) {
		/* The outermost frame: only the location stops it. */
		err_clear();
		return select_thread(s);
	}
	if (this_frame_only &&
	    (frame_cfa(&(struct frame_ctx){ s->target, th, level }, &sf->cfa) < 0 ||
	     sym_func_range(target_sym(s->target), func_pc, &sf->func_lo, &sf->func_hi, func,
			    sizeof(func)) < 0)) {
		err_clear();
		sf->cfa = 0;
	}
	return th;
}

/* until LOC / advance LOC: run to LOC or until the selected frame returns. */
static int run_to_location(struct cmd_ctx *ctx, bool this_frame_only)
{
	struct session *s = ctx->s;
	struct step_run run = { s, 0 };
	struct step_frame sf;
	struct thread *th;
	struct stop_event ev;
	struct loc_list ll;
	int n;

	n = loc_resolve(s, ctx->arg[0].s, &ll);
	if (n <= 0) {
		loc_list_free(&ll);
		return -1;
	}
	th = starting_frame(s, this_frame_only, &sf);
	if (!th) {
		loc_list_free(&ll);
		return -1;
	}
	n = step_until(&(struct step_ctl){ s->target, th, judge_breakpoint, &run }, ll.addrs, ll.n,
		       &sf, &ev);
	loc_list_free(&ll);
	if (n < 0)
		return -1;
	cmd_report_stop(s, ctx->name, &ev, run.brk);
	return 0;
}

static int cmd_exec_until(struct cmd_ctx *ctx)
{
	if (!ctx->arg[0].set)
		return run_steps(ctx, UNTIL_NEXT);
	return run_to_location(ctx, true);
}

static int cmd_exec_advance(struct cmd_ctx *ctx)
{
	return run_to_location(ctx, false);
}

static const struct cmd_entry stepi_entry = {
	.name = "stepi",
	.aliases = "si",
	.args = "[N:uint]",
	.usage = "stepi [N]",
	.summary = "one machine instruction (N of them) in the selected thread; the others stay "
		   "stopped",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_REPEAT,
	.handler = cmd_exec_stepi,
};
static const struct cmd_entry nexti_entry = {
	.name = "nexti",
	.aliases = "ni",
	.args = "[N:uint]",
	.usage = "nexti [N]",
	.summary = "one machine instruction, a call run to its return",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_REPEAT,
	.handler = cmd_exec_nexti,
};
static const struct cmd_entry step_entry = {
	.name = "step",
	.aliases = "s",
	.args = "[N:uint]",
	.usage = "step [N]",
	.summary = "to the next source line, into functions that have line information",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_REPEAT,
	.handler = cmd_exec_step,
};
static const struct cmd_entry next_entry = {
	.name = "next",
	.aliases = "n",
	.args = "[N:uint]",
	.usage = "next [N]",
	.summary = "to the next source line, over calls",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_REPEAT,
	.handler = cmd_exec_next,
};
static const struct cmd_entry finish_entry = {
	.name = "finish",
	.aliases = "fin",
	.usage = "finish",
	.summary = "run until the selected frame's function returns; show the value it returned",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_exec_finish,
};
static const struct cmd_entry until_entry = {
	.name = "until",
	.aliases = "u",
	.args = "[LOC:rest]",
	.usage = "until [LOC]",
	.summary = "run until LOC in the selected frame, or until that frame returns (no LOC: "
		   "next)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	.handler = cmd_exec_until,
};
static const struct cmd_entry advance_entry = {
	.name = "advance",
	.args = "LOC:rest",
	.usage = "advance LOC",
	.summary = "run until LOC is reached in any frame, or until the selected frame returns",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	.handler = cmd_exec_advance,
};
static void render_signals(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "signals");

	out_printf(o, "%-12s %-5s %-6s %-16s %s\n", "Signal", "Stop", "Print", "Pass to program",
		   "Description");
	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *g = rec_at(arr, i);

		out_printf(o, "%-12s %-5s %-6s %-16s %s\n", rec_str(g, "signal"),
			   rec_bool(g, "stop") ? "Yes" : "No", rec_bool(g, "print") ? "Yes" : "No",
			   rec_bool(g, "pass") ? "Yes" : "No", rec_str(g, "description"));
	}
}

static void add_signal(struct rec *arr, int sig, const struct sig_disposition *d)
{
	struct rec *g = rec_push_obj(arr);

	rec_set_str(g, "signal", proc_signame(sig));
	rec_set_bool(g, "stop", d->stop);
	rec_set_bool(g, "print", d->print);
	rec_set_bool(g, "pass", d->pass);
	rec_set_str(g, "description", strsignal(sig));
}

/* The signals a word names: one ("SIGUSR1", "usr1", "10") or every one ("all"). */
static int signal_range(const char *word, int *lo, int *hi)
{
	int sig;

	if (!strcmp(word, "all")) {
		*lo = 1;
		*hi = NSIG - 1;
		return 0;
	}
	sig = proc_signum(word);
	if (sig <= 0 || sig >= NSIG) {
		err_set("\"%s\" is not a signal (SIGUSR1, usr1, 10 or all)", word);
		return -1;
	}
	*lo = *hi = sig;
	return 0;
}

static int cmd_exec_handle(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *p = ctx->arg[0].s;
	const char *w;
	size_t len = next_word(&p, &w);
	char word[32];
	int lo, hi;
	struct rec *rec, *arr;

	snprintf(word, sizeof(word), "%.*s", (int)(len < 31 ? len : 31), w);
	if (signal_range(word, &lo, &hi) < 0)
		return -1;
	/* Check every keyword before changing anything. */
	for (const char *q = p; (len = next_word(&q, &w)) > 0;) {
		snprintf(word, sizeof(word), "%.*s", (int)(len < 31 ? len : 31), w);
		if (strcmp(word, "stop") && strcmp(word, "nostop") && strcmp(word, "print") &&
		    strcmp(word, "noprint") && strcmp(word, "pass") && strcmp(word, "nopass") &&
		    strcmp(word, "ignore") && strcmp(word, "noignore")) {
			err_set("unknown keyword \"%s\" (stop, nostop, print, noprint, pass, "
				"nopass)",
				word);
			return -1;
		}
	}
	rec = rec_obj();
	arr = rec_set_arr(rec, "signals");
	for (int sig = lo; sig <= hi; sig++) {
		struct sig_disposition d = *target_sigdisp(s->target, sig);
		const char *q = p;

		/* lurk's own traps are not the user's to hand to the program. */
		if (lo != hi && (sig == SIGTRAP || sig == SIGKILL || sig == SIGSTOP))
			continue;
		while ((len = next_word(&q, &w)) > 0) {
			snprintf(word, sizeof(word), "%.*s", (int)(len < 31 ? len : 31), w);
			/* As gdb: stop implies print, noprint implies nostop. */
			if (!strcmp(word, "stop"))
				d.stop = d.print = true;
			else if (!strcmp(word, "nostop"))
				d.stop = false;
			else if (!strcmp(word, "print"))
				d.print = true;
			else if (!strcmp(word, "noprint"))
				d.print = d.stop = false;
			else if (!strcmp(word, "pass") || !strcmp(word, "noignore"))
				d.pass = true;
			else
				d.pass = false;
		}
		target_set_sigdisp(s->target, sig, &d);
		add_signal(arr, sig, &d);
	}
	out_emit(s->out, ctx->name, rec, render_signals);
	return 0;
}

static int cmd_exec_info_signals(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, "signals");
	int lo = 1, hi = NSIG - 1;

	if (ctx->arg[0].set && signal_range(ctx->arg[0].s, &lo, &hi) < 0) {
		rec_free(rec);
		return -1;
	}
	for (int sig = lo; sig <= hi; sig++)
		if (sig < 32 || lo == hi)
			add_signal(arr, sig, target_sigdisp(s->target, sig));
	out_emit(s->out, ctx->name, rec, render_signals);
	return 0;
}

static const struct cmd_entry handle_entry = {
	.name = "handle",
	.args = "ARGS:rest",
	.usage = "handle SIGNAL [stop|nostop] [print|noprint] [pass|nopass]",
	.summary = "what a signal the program receives does: stop lurk's continue, be printed, "
		   "reach the program",
	.handler = cmd_exec_handle,
};
const struct cmd_entry cmd_info_signals_entry = {
	.name = "signals",
	.aliases = "handle",
	.args = "[SIGNAL:word]",
	.usage = "info signals [SIGNAL]",
	.summary = "how each signal is handled (see handle)",
	.handler = cmd_exec_info_signals,
};

static const struct cmd_entry continue_entry = {
	.name = "continue",
	.aliases = "c fg",
	.args = "[N:uint] {&}",
	.usage = "continue [N] [&]",
	.summary = "resume all threads until something stops one (N: pass this breakpoint N-1 "
		   "times; & returns to the prompt at once)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_REPEAT,
	.handler = cmd_exec_continue,
};
static const struct cmd_entry interrupt_entry = {
	.name = "interrupt",
	.usage = "interrupt",
	.summary = "stop a program running in the background",
	.flags = CMD_NEED_PROCESS,
	.handler = cmd_exec_interrupt,
};

const struct cmd_entry *const cmd_group_exec[] = {
	&continue_entry, &interrupt_entry, &step_entry,	  &next_entry,
	&stepi_entry,	 &nexti_entry,	   &finish_entry, &until_entry,
	&advance_entry,	 &handle_entry,	   NULL,
};
