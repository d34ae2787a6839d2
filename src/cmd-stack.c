/* cmd-stack.c - threads, backtraces and frame selection */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "frame.h"
#include "inspect.h"
#include "out.h"
#include "report.h"
#include "select.h"
#include "session.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"

#define BT_ALL	1u /* keyword bits of the backtrace template */
#define BT_FULL 2u
#define BT_RAW	4u

static void render_thread_head(struct out *o, const struct rec *rec)
{
	out_printf(o, "%sThread %" PRId64 "%s (tid %" PRId64 ")", out_style(o, STYLE_THREAD),
		   rec_int(rec, "thread", 0), out_style(o, STYLE_RESET), rec_int(rec, "tid", 0));
	if (rec_has(rec, "name"))
		out_printf(o, " \"%s\"", rec_str(rec, "name"));
	out_printf(o, ":\n");
}

static void render_frames(struct out *o, const struct rec *rec)
{
	const struct rec *frames = rec_get(rec, "frames");

	for (size_t i = 0; i < rec_len(frames); i++) {
		const struct rec *locals = rec_get(rec_at(frames, i), "locals");

		report_render_frame(o, rec_at(frames, i));
		for (size_t k = 0; k < rec_len(locals); k++)
			out_printf(o, "        %s = %s\n", rec_str(rec_at(locals, k), "name"),
				   rec_str(rec_at(locals, k), "value"));
		if (locals && rec_kind(locals) == REC_NULL)
			out_printf(o, "        No symbol table info available.\n");
		else if (locals && rec_len(locals) == 0)
			out_printf(o, "        No locals.\n");
	}
	if (rec_has(rec, "error"))
		out_printf(o, "(%s)\n", rec_str(rec, "error"));
	if (rec_bool(rec, "truncated"))
		out_printf(o, "(more stack frames follow...)\n");
}

/* One thread of "bt all": a header naming the thread, a blank line after. */
static void render_thread_backtrace(struct out *o, const struct rec *rec)
{
	render_thread_head(o, rec);
	render_frames(o, rec);
	out_printf(o, "\n");
}

/*
 * One thread's stack as a result. count > 0: the innermost count frames;
 * count < 0: the outermost -count; 0: all.
 */
struct frame_locals {
	const struct frame_ctx *fc;
	struct rec *arr;
};

static void add_local(void *arg, const char *name, const struct value *v)
{
	struct frame_locals *fl = arg;
	struct rec *o = rec_push_obj(fl->arr);
	struct strbuf text = STRBUF_INIT;

	if (value_format(fl->fc, v, 0, &text) < 0) {
		sb_reset(&text);
		sb_addf(&text, "<error: %s>", err_get());
		err_clear();
	}
	rec_set_str(o, "name", name);
	rec_set_str(o, "value", sb_str(&text));
	sb_free(&text);
}

/* bt full: each frame's locals, evaluated in that frame (the selection stays). */
static void add_frame_locals(struct session *s, struct thread *th, int level, struct rec *frame)
{
	const struct frame_ctx fc = { .target = s->target, .thread = th, .level = level };
	struct frame_locals fl = { &fc, rec_arr() };

	if (value_frame_vars(&fc, false, add_local, &fl) < 0) {
		/* A frame without debug information has no locals to show. */
		err_clear();
		rec_free(fl.arr);
		rec_set_null(frame, "locals");
	} else {
		rec_set_take(frame, "locals", fl.arr);
	}
}

static void emit_backtrace(struct session *s, const char *cmd, struct thread *th, int64_t count,
			   bool with_header, bool full)
{
	struct rec *rec = rec_obj();
	struct rec *arr;
	const struct frame *frames;
	int n = target_frames(s->target, th, &frames);
	int first = 0, last = n;

	out_render_fn render = with_header ? render_thread_backtrace : render_frames;

	report_thread_fields(s, rec, th);
	arr = rec_set_arr(rec, "frames");
	if (n < 0) {
		rec_set_str(rec, "error", err_get());
		out_emit(s->out, cmd, rec, render);
		return;
	}
	if (count > 0 && count < n) {
		last = (int)count;
		rec_set_bool(rec, "truncated", true);
	} else if (count < 0 && -count < n) {
		first = n + (int)count;
	}
	for (int i = first; i < last; i++) {
		struct rec *f;

		/* Plumbing an inspector hides; bt -raw shows it. */
		if (inspect_elide(s, th, &frames[i], i))
			continue;
		f = report_frame(s, th, &frames[i], i);

		if (full)
			add_frame_locals(s, th, i, f);
		rec_push_take(arr, f);
	}
	out_emit(s->out, cmd, rec, render);
}

static int cmd_stack_backtrace(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	int64_t count = ctx->arg[0].set ? ctx->arg[0].i : 0;
	struct thread *th;
	bool saved_raw = s->raw_frames;
	int ret = 0;

	s->raw_frames = saved_raw || (ctx->kw & BT_RAW);
	if (ctx->kw & BT_ALL) {
		for (size_t i = 0; i < target_nthreads(s->target); i++) {
			th = target_thread_at(s->target, i);
			if (!target_th_exiting(th))
				emit_backtrace(s, ctx->name, th, count, true, ctx->kw & BT_FULL);
		}
	} else if ((th = select_thread(s)) != NULL) {
		emit_backtrace(s, ctx->name, th, count, false, ctx->kw & BT_FULL);
	} else {
		ret = -1;
	}
	s->raw_frames = saved_raw;
	return ret;
}

static void render_frame_selected(struct out *o, const struct rec *rec)
{
	if (rec_has(rec, "switched"))
		out_printf(o, "[Switching to thread %" PRId64 " (tid %" PRId64 ")]\n",
			   rec_int(rec, "thread", 0), rec_int(rec, "tid", 0));
	else if (rec_has(rec, "current_thread"))
		out_printf(o, "[Current thread is %" PRId64 " (tid %" PRId64 ")]\n",
			   rec_int(rec, "thread", 0), rec_int(rec, "tid", 0));
	report_render_frame_source(o, rec_get(rec, "frame"));
}

/* How show_frame introduces the frame: not at all, or with which thread it is in. */
enum frame_intro { INTRO_NONE, INTRO_SWITCHED, INTRO_CURRENT };

/* Select frame level of the selected thread and show it. */
static int show_frame(struct cmd_ctx *ctx, int level, enum frame_intro intro)
{
	struct session *s = ctx->s;
	struct thread *th;
	const struct frame *frames;
	int n;
	struct rec *rec, *f;

	if (select_frame(s, &th, &frames, &n) < 0)
		return -1;
	if (level >= n) {
		err_set("no frame %d (the stack has %d)", level, n);
		return -1;
	}
	s->cur_frame = level;
	s->list_next = 0;
	rec = rec_obj();
	report_thread_fields(s, rec, th);
	if (intro == INTRO_SWITCHED)
		rec_set_bool(rec, "switched", true);
	else if (intro == INTRO_CURRENT)
		rec_set_bool(rec, "current_thread", true);
	f = report_frame(s, th, &frames[level], level);
	report_add_source(f);
	rec_set_take(rec, "frame", f);
	out_emit(s->out, ctx->name, rec, render_frame_selected);
	return 0;
}

static int cmd_stack_frame(struct cmd_ctx *ctx)
{
	int level = ctx->s->cur_frame;

	if (ctx->arg[0].set) {
		if (ctx->arg[0].u > 100000) {
			err_set("no frame %s", ctx->arg[0].s);
			return -1;
		}
		level = (int)ctx->arg[0].u;
	}
	return show_frame(ctx, level, INTRO_NONE);
}

static int move_frame(struct cmd_ctx *ctx, int dir)
{
	struct session *s = ctx->s;
	struct thread *th;
	const struct frame *frames;
	int n, level;
	uint64_t by = ctx->arg[0].set ? ctx->arg[0].u : 1;

	level = select_frame(s, &th, &frames, &n);
	if (level < 0)
		return -1;
	if (dir > 0 && level + 1 >= n) {
		err_set("initial frame selected; you cannot go up");
		return -1;
	}
	if (dir < 0 && level == 0) {
		err_set("bottom (innermost) frame selected; you cannot go down");
		return -1;
	}
	if (dir > 0)
		level = by >= (uint64_t)(n - 1 - level) ? n - 1 : level + (int)by;
	else
		level = by >= (uint64_t)level ? 0 : level - (int)by;
	return show_frame(ctx, level, INTRO_NONE);
}

static int cmd_stack_up(struct cmd_ctx *ctx)
{
	return move_frame(ctx, 1);
}

static int cmd_stack_down(struct cmd_ctx *ctx)
{
	return move_frame(ctx, -1);
}

static int cmd_stack_thread(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct thread *th;

	if (!ctx->arg[0].set) {
		th = select_thread(s);
		if (!th)
			return -1;
		return show_frame(ctx, s->cur_frame, INTRO_CURRENT);
	}
	th = ctx->arg[0].u <= INT32_MAX ? target_thread_num(s->target, (int)ctx->arg[0].u) : NULL;
	if (!th || target_th_exiting(th)) {
		err_set("no thread %s (see \"info threads\")", ctx->arg[0].s);
		return -1;
	}
	s->cur_thread = target_th_num(th);
	s->cur_frame = 0;
	return show_frame(ctx, 0, INTRO_SWITCHED);
}

static void render_apply_head(struct out *o, const struct rec *rec)
{
	out_printf(o, "\n");
	render_thread_head(o, rec);
}

/* "thread apply all CMD" / "thread apply 1 3 CMD": run CMD with each thread selected. */
static int cmd_stack_thread_apply(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *p = ctx->arg[0].s;
	const char *w;
	size_t len;
	int *nums = NULL;
	size_t n = 0, cap = 0;
	int saved_thread = s->cur_thread, saved_frame = s->cur_frame, failed = 0;

	len = next_word(&p, &w);
	if (len == 3 && strncmp(w, "all", 3) == 0) {
		for (size_t i = 0; i < target_nthreads(s->target); i++) {
			VEC_GROW(nums, n, cap);
			nums[n++] = target_th_num(target_thread_at(s->target, i));
		}
	} else {
		p = ctx->arg[0].s;
		for (;;) {
			const char *before = p;
			uint64_t v;
			char buf[32];

			len = next_word(&p, &w);
			if (!len || len >= sizeof(buf))
				break;
			memcpy(buf, w, len);
			buf[len] = '\0';
			if (parse_u64(buf, &v) < 0) {
				err_clear();
				p = before;
				break;
			}
			VEC_GROW(nums, n, cap);
			nums[n++] = (int)v;
		}
	}
	if (!n || !*skip_ws(p)) {
		free(nums);
		err_set("usage: %s", ctx->entry->usage);
		return -1;
	}
	for (size_t i = 0; i < n && !s->quit; i++) {
		struct thread *th = target_thread_num(s->target, nums[i]);
		struct rec *rec;

		if (!th || target_th_exiting(th)) {
			err_set("no thread %d", nums[i]);
			out_error(s->out, ctx->name, err_get());
			failed++;
			continue;
		}
		s->cur_thread = target_th_num(th);
		s->cur_frame = 0;
		rec = rec_obj();
		report_thread_fields(s, rec, th);
		out_emit(s->out, ctx->name, rec, render_apply_head);
		if (cmd_execute(s, skip_ws(p), NULL) < 0)
			failed++;
	}
	free(nums);
	s->cur_thread = saved_thread;
	s->cur_frame = saved_frame;
	return failed ? CMD_FAILED_REPORTED : 0;
}

static int cmd_stack_info_threads(struct cmd_ctx *ctx)
{
	select_thread(ctx->s);
	report_threads(ctx->s, ctx->name, NULL);
	return 0;
}

static const struct cmd_entry backtrace_entry = {
	.name = "backtrace",
	.aliases = "bt where",
	.args = "[COUNT:int] {all|full|-raw}",
	.usage = "backtrace [COUNT] [all] [full] [-raw]",
	.summary = "the stack of the selected thread (all: every thread; full: with each frame's "
		   "locals; -raw: native frames only, no plugin inspectors; COUNT < 0: outermost "
		   "frames)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_stack_backtrace,
};
static const struct cmd_entry frame_entry = {
	.name = "frame",
	.aliases = "f",
	.args = "[LEVEL:uint]",
	.usage = "frame [LEVEL]",
	.summary = "select and show a frame of the stack",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_stack_frame,
};
static const struct cmd_entry up_entry = {
	.name = "up",
	.args = "[N:uint]",
	.usage = "up [N]",
	.summary = "select the frame N levels out (callers)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_stack_up,
};
static const struct cmd_entry down_entry = {
	.name = "down",
	.aliases = "do",
	.args = "[N:uint]",
	.usage = "down [N]",
	.summary = "select the frame N levels in (callees)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_stack_down,
};
static const struct cmd_entry thread_apply_entry = {
	.name = "apply",
	.args = "SPEC:rest",
	.usage = "thread apply all|ID... COMMAND",
	.summary = "run COMMAND with each of the threads selected",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_stack_thread_apply,
};
static const struct cmd_entry *const thread_sub[] = { &thread_apply_entry, NULL };
static const struct cmd_entry thread_entry = {
	.name = "thread",
	.aliases = "t",
	.args = "[ID:uint]",
	.usage = "thread [ID]",
	.summary = "select a thread, or show the selected one",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.sub = thread_sub,
	.handler = cmd_stack_thread,
};
const struct cmd_entry cmd_info_threads_entry = {
	.name = "threads",
	.usage = "info threads",
	.summary = "every thread: id, tid, name, what it is doing, where it is",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_stack_info_threads,
};

const struct cmd_entry *const cmd_group_stack[] = {
	&backtrace_entry, &frame_entry, &up_entry, &down_entry, &thread_entry, NULL,
};
