/* cmd-stack.c - threads, backtraces and frame selection */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "frame-args.h"
#include "frame.h"
#include "inspect.h"
#include "out.h"
#include "regs.h"
#include "report.h"
#include "select.h"
#include "session.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"

#define BT_ALL	    1u /* keyword bits of the backtrace template */
#define BT_FULL	    2u
#define BT_RAW	    4u
#define BT_NO_ARGS  8u
#define BT_ARG_MODE 1 /* the argument slot of -frame-arguments */

static void render_thread_head(struct out *o, const struct rec *rec)
{
	out_printf(o, "%sThread %" PRId64 "%s (tid %" PRId64 ")", out_style(o, STYLE_THREAD),
		   rec_int(rec, "thread", 0), out_style(o, STYLE_RESET), rec_int(rec, "tid", 0));
	if (rec_has(rec, "name"))
		out_printf(o, " \"%s\"", rec_str(rec, "name"));
	/* In a core: the thread the fatal signal came to. */
	if (rec_has(rec, "signal"))
		out_printf(o, " received %s", rec_str(rec, "signal"));
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

/*
 * One thread's stack as a result. count > 0: the innermost count frames;
 * count < 0: the outermost -count; 0: all.
 */
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
	int saved_args = s->frame_args;
	int ret = 0;

	/* For this backtrace only, as gdb's options: the settings stay. */
	if (ctx->arg[BT_ARG_MODE].set) {
		int mode = frame_args_mode_parse(ctx->arg[BT_ARG_MODE].s);

		if (mode < 0)
			return -1;
		s->frame_args = mode;
	}
	if (ctx->kw & BT_NO_ARGS)
		s->frame_args = FRAME_ARGS_NONE;
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
	s->frame_args = saved_args;
	return ret;
}

static void render_frame_selected(struct out *o, const struct rec *rec)
{
	const struct rec *f = rec_get(rec, "frame");

	if (rec_has(rec, "switched"))
		out_printf(o, "[Switching to thread %" PRId64 " (tid %" PRId64 ")]\n",
			   rec_int(rec, "thread", 0), rec_int(rec, "tid", 0));
	else if (rec_has(rec, "current_thread"))
		out_printf(o, "[Current thread is %" PRId64 " (tid %" PRId64 ")]\n",
			   rec_int(rec, "thread", 0), rec_int(rec, "tid", 0));
	if (rec_has(rec, "logical_index")) {
		const struct rec *lf =
			rec_at(rec_get(f, "logical"), (size_t)rec_int(rec, "logical_index", 0));

		report_render_logical(o, f, (size_t)rec_int(rec, "logical_index", 0));
		if (rec_has(lf, "source"))
			out_printf(o, "%" PRId64 "\t%s\n", rec_int(lf, "line", 0),
				   rec_str(lf, "source"));
		return;
	}
	report_render_frame_source(o, f);
}

/* How show_frame introduces the frame: not at all, or with which thread it is in. */
enum frame_intro { INTRO_NONE, INTRO_SWITCHED, INTRO_CURRENT };

/*
 * Select frame level of the selected thread and show it. A frame an
 * inspector expands into logical frames (bt's #N.M) is shown, and selected,
 * as its logical frame logical (the first one when logical is -1), so that
 * info locals reads that frame's.
 */
static int show_frame(struct cmd_ctx *ctx, int level, int logical, enum frame_intro intro)
{
	struct session *s = ctx->s;
	struct thread *th;
	const struct frame *frames;
	int n;
	size_t nlogical;
	struct rec *rec, *f;

	if (select_frame(s, &th, &frames, &n) < 0)
		return -1;
	if (level >= n) {
		err_set("no frame %d (the stack has %d)", level, n);
		return -1;
	}
	f = report_frame(s, th, &frames[level], level);
	nlogical = rec_len(rec_get(f, "logical"));
	if (logical >= 0 && (size_t)logical >= nlogical) {
		if (nlogical)
			err_set("no frame %d.%d (frame %d shows %zu)", level, logical, level,
				nlogical);
		else
			err_set("no frame %d.%d (frame %d has no logical frames)", level, logical,
				level);
		rec_free(f);
		return -1;
	}
	if (logical < 0 && nlogical)
		logical = 0;
	s->cur_frame = level;
	s->list_next = 0;
	select_logical(s, logical);
	rec = rec_obj();
	report_thread_fields(s, rec, th);
	if (intro == INTRO_SWITCHED)
		rec_set_bool(rec, "switched", true);
	else if (intro == INTRO_CURRENT)
		rec_set_bool(rec, "current_thread", true);
	if (logical >= 0) {
		/* The Python (or other) source the logical frame is at. */
		report_add_source((struct rec *)rec_at(rec_get(f, "logical"), (size_t)logical));
		rec_set_int(rec, "logical_index", logical);
	} else {
		report_add_source(f);
	}
	rec_set_take(rec, "frame", f);
	out_emit(s->out, ctx->name, rec, render_frame_selected);
	return 0;
}

/* "N" or "N.M" (bt's number of a logical frame) into *level and *logical (-1 for none). */
static int parse_frame_number(const char *text, int *level, int *logical)
{
	const char *dot = strchr(text, '.');
	char num[32];
	uint64_t v;

	*logical = -1;
	if (strlen(text) >= sizeof(num))
		goto bad;
	snprintf(num, sizeof(num), "%.*s", dot ? (int)(dot - text) : (int)strlen(text), text);
	if (parse_u64(num, &v) < 0 || v > 100000)
		goto bad;
	*level = (int)v;
	if (dot) {
		if (parse_u64(dot + 1, &v) < 0 || v > 100000)
			goto bad;
		*logical = (int)v;
	}
	return 0;
bad:
	err_clear();
	err_set("\"%s\" is not a number (LEVEL or LEVEL.K)", text);
	return -1;
}

static int cmd_stack_frame(struct cmd_ctx *ctx)
{
	int level = ctx->s->cur_frame, logical = select_logical_index(ctx->s);

	if (ctx->arg[0].set && parse_frame_number(ctx->arg[0].s, &level, &logical) < 0)
		return -1;
	return show_frame(ctx, level, logical, INTRO_NONE);
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
	return show_frame(ctx, level, -1, INTRO_NONE);
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
		return show_frame(ctx, s->cur_frame, select_logical_index(s), INTRO_CURRENT);
	}
	th = ctx->arg[0].u <= INT32_MAX ? target_thread_num(s->target, (int)ctx->arg[0].u) : NULL;
	if (!th || target_th_exiting(th)) {
		err_set("no thread %s (see \"info threads\")", ctx->arg[0].s);
		return -1;
	}
	s->cur_thread = target_th_num(th);
	s->cur_frame = 0;
	return show_frame(ctx, 0, -1, INTRO_SWITCHED);
}

static void render_apply_head(struct out *o, const struct rec *rec)
{
	out_printf(o, "\n");
	render_thread_head(o, rec);
}

/*
 * The thread IDs "thread apply" starts with: "all", or numbers and ranges
 * (N-M) separated by spaces or commas. *p is left after them. 0 with *nums,
 * or -1 with err set when there are none.
 */
static int parse_thread_ids(struct session *s, const char **p, int **nums, size_t *n)
{
	size_t cap = 0, len;
	const char *w;

	*nums = NULL;
	*n = 0;
	len = next_word(p, &w);
	if (len == 3 && strncmp(w, "all", 3) == 0) {
		/* A thread past its exit (a zombie not yet reaped) is no longer one of "all". */
		for (size_t i = 0; i < target_nthreads(s->target); i++) {
			if (target_th_exiting(target_thread_at(s->target, i)))
				continue;
			VEC_GROW(*nums, *n, cap);
			(*nums)[(*n)++] = target_th_num(target_thread_at(s->target, i));
		}
		return 0;
	}
	while (len) {
		const char *item = w, *end = w + len;
		size_t before = *n;

		while (item < end) {
			char *stop;
			long lo = strtol(item, &stop, 10), hi = lo;

			if (stop == item || lo <= 0)
				break;
			if (*stop == '-' && stop + 1 < end) {
				hi = strtol(stop + 1, &stop, 10);
				if (hi < lo)
					break;
			}
			if (stop != end && *stop != ',')
				break;
			for (long v = lo; v <= hi && v <= INT32_MAX; v++) {
				VEC_GROW(*nums, *n, cap);
				(*nums)[(*n)++] = (int)v;
			}
			item = stop + (stop < end);
		}
		if (item < end) {
			/* Not an ID: the command starts here. */
			*n = before;
			*p = w;
			break;
		}
		len = next_word(p, &w);
	}
	if (!*n) {
		free(*nums);
		*nums = NULL;
		err_set("no thread IDs (all, N, N-M, N,M)");
		return -1;
	}
	return 0;
}

/*
 * "thread apply all CMD" / "thread apply 1-3,5 [-q] CMD": run CMD with each
 * thread selected, after a header naming it (-q: none).
 */
static int cmd_stack_thread_apply(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *p = ctx->arg[0].s;
	int *nums;
	size_t n;
	bool quiet = false;
	int saved_thread = s->cur_thread, saved_frame = s->cur_frame, failed = 0;

	if (parse_thread_ids(s, &p, &nums, &n) < 0) {
		err_set("usage: %s", ctx->entry->usage);
		return -1;
	}
	p = skip_ws(p);
	if (strncmp(p, "-q", 2) == 0 && (p[2] == ' ' || p[2] == '\t')) {
		quiet = true;
		p = skip_ws(p + 2);
	}
	if (!*p) {
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
		if (!quiet) {
			rec = rec_obj();
			report_thread_fields(s, rec, th);
			out_emit(s->out, ctx->name, rec, render_apply_head);
		}
		if (cmd_execute(s, p, NULL) < 0)
			failed++;
	}
	free(nums);
	s->cur_thread = saved_thread;
	s->cur_frame = saved_frame;
	return failed ? CMD_FAILED_REPORTED : 0;
}

/* "thread name [NAME]": lurk's name for the selected thread, shown in place of its comm. */
static int cmd_stack_thread_name(struct cmd_ctx *ctx)
{
	struct thread *th = select_thread(ctx->s);

	if (!th)
		return -1;
	return target_set_th_user_name(th,
				       ctx->arg[0].set && *ctx->arg[0].s ? ctx->arg[0].s : NULL);
}

static void render_found(struct out *o, const struct rec *rec)
{
	const struct rec *list = rec_get(rec, "threads");

	if (!rec_len(list))
		out_printf(o, "No threads match '%s'\n", rec_str(rec, "regex"));
	for (size_t i = 0; i < rec_len(list); i++) {
		const struct rec *t = rec_at(list, i);

		out_printf(o, "Thread %" PRId64 " has %s '%s'\n", rec_int(t, "thread", 0),
			   rec_str(t, "field"), rec_str(t, "value"));
	}
}

static void add_found(struct rec *list, const struct thread *th, const char *field,
		      const char *value)
{
	struct rec *t = rec_push_obj(list);

	rec_set_int(t, "thread", target_th_num(th));
	rec_set_str(t, "field", field);
	rec_set_str(t, "value", value);
}

/* "thread find REGEX": threads whose name, comm or tid matches, as gdb says it. */
static int cmd_stack_thread_find(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct rec *rec, *list;
	regex_t re;
	int rc = regcomp(&re, ctx->arg[0].s, REG_EXTENDED | REG_NOSUB);

	if (rc) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		err_set("bad regular expression \"%s\": %s", ctx->arg[0].s, msg);
		return -1;
	}
	rec = rec_obj();
	rec_set_str(rec, "regex", ctx->arg[0].s);
	list = rec_set_arr(rec, "threads");
	for (size_t i = 0; i < target_nthreads(s->target); i++) {
		const struct thread *th = target_thread_at(s->target, i);
		const char *name = target_th_user_name(th);
		char comm[64], id[32];

		if (target_th_exiting(th))
			continue;
		target_thread_comm(s->target, th, comm, sizeof(comm));
		snprintf(id, sizeof(id), "tid %d", (int)target_th_tid(th));
		if (name && regexec(&re, name, 0, NULL, 0) == 0)
			add_found(list, th, "name", name);
		else if (comm[0] && regexec(&re, comm, 0, NULL, 0) == 0)
			add_found(list, th, "target name", comm);
		else if (regexec(&re, id, 0, NULL, 0) == 0)
			add_found(list, th, "target id", id);
	}
	regfree(&re);
	out_emit(s->out, ctx->name, rec, render_found);
	return 0;
}

static void render_info_frame(struct out *o, const struct rec *rec)
{
	const struct rec *f = rec_get(rec, "frame");
	const struct rec *args = rec_get(f, "args");
	const struct rec *saved = rec_get(rec, "saved_registers");
	const char *func = rec_str(f, "func");

	out_printf(o, "Stack level %" PRId64, rec_int(f, "level", 0));
	if (rec_has(rec, "cfa"))
		out_printf(o, ", frame at 0x%" PRIx64, rec_uint(rec, "cfa", 0));
	out_printf(o, ":\n rip = 0x%" PRIx64, rec_uint(f, "addr", 0));
	if (func)
		out_printf(o, " in %s", func);
	if (rec_has(f, "file"))
		out_printf(o, " (%s:%" PRId64 ")", path_base(rec_str(f, "file")),
			   rec_int(f, "line", 0));
	if (rec_has(rec, "saved_pc"))
		out_printf(o, "; saved rip = 0x%" PRIx64, rec_uint(rec, "saved_pc", 0));
	else
		out_printf(o, "; saved rip = <not saved>");
	out_printf(o, "\n");
	if (rec_has(rec, "called_by") || rec_has(rec, "inlined_into") ||
	    rec_has(rec, "caller_of")) {
		if (rec_has(rec, "inlined_into"))
			out_printf(o, " inlined into frame %" PRId64,
				   rec_int(rec, "inlined_into", 0));
		else if (rec_has(rec, "called_by"))
			out_printf(o, " called by frame at 0x%" PRIx64,
				   rec_uint(rec, "called_by", 0));
		if ((rec_has(rec, "called_by") || rec_has(rec, "inlined_into")) &&
		    rec_has(rec, "caller_of"))
			out_printf(o, ",");
		if (rec_has(rec, "caller_of"))
			out_printf(o, " caller of frame at 0x%" PRIx64,
				   rec_uint(rec, "caller_of", 0));
		out_printf(o, "\n");
	}
	if (rec_has(rec, "language"))
		out_printf(o, " source language %s.\n", rec_str(rec, "language"));
	if (rec_has(rec, "cfa")) {
		out_printf(o, " Arglist at 0x%" PRIx64 ", args: ", rec_uint(rec, "arglist", 0));
		for (size_t i = 0; i < rec_len(args); i++)
			out_printf(o, "%s%s=%s", i ? ", " : "", rec_str(rec_at(args, i), "name"),
				   rec_str(rec_at(args, i), "value"));
		out_printf(o, "\n Locals at 0x%" PRIx64 ", Previous frame's sp is 0x%" PRIx64 "\n",
			   rec_uint(rec, "arglist", 0), rec_uint(rec, "cfa", 0));
	}
	if (rec_len(saved)) {
		out_printf(o, " Saved registers:\n ");
		for (size_t i = 0; i < rec_len(saved); i++)
			out_printf(o, "%s %s at 0x%" PRIx64, i ? "," : "",
				   rec_str(rec_at(saved, i), "name"),
				   rec_uint(rec_at(saved, i), "addr", 0));
		out_printf(o, "\n");
	}
}

/* The registers the frame saved for its caller, in the order info registers lists them. */
static void add_saved_registers(const struct frame_ctx *fc, struct rec *rec)
{
	const struct arch *a = target_arch(fc->target);
	struct rec *arr = rec_set_arr(rec, "saved_registers");

	for (size_t i = 0; i < a->nregs; i++) {
		const struct arch_reg *reg = &a->regs[i];
		uint64_t addr;
		int rc;

		if (reg->dwarf < 0 || reg->dwarf >= (int)a->ndwarf)
			continue;
		rc = frame_saved_reg(fc, reg->dwarf, &addr);
		if (rc < 0) {
			/* No CFI: nothing to say about any register. */
			err_clear();
			return;
		}
		if (rc == 0) {
			struct rec *o = rec_push_obj(arr);

			rec_set_str(o, "name", reg->name);
			rec_set_addr(o, "addr", addr);
		}
	}
}

/*
 * gdb's info frame. The frame is at its CFA (the caller's stack pointer at
 * the call); "Arglist at" and "Locals at" are where a frame pointer set up
 * by the usual prologue points, 16 bytes below it, as gdb gives them for
 * such a function.
 */
static int cmd_stack_info_frame(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);
	struct frame_ctx fc = { .target = s->target, .thread = th, .level = level };
	struct frame_ctx caller = fc, callee = fc;
	struct rec *rec, *f;
	const char *lang;
	uint64_t cfa, other;
	int machine_caller = level + 1;

	if (level < 0)
		return -1;
	/* The frame of an inlined call returns nowhere: its machine frame's caller has the pc. */
	while (machine_caller < n && frames[machine_caller].phys == frames[level].phys)
		machine_caller++;
	caller.level = level + 1;
	callee.level = level - 1;
	rec = rec_obj();
	report_thread_fields(s, rec, th);
	f = report_frame(s, th, &frames[level], level);
	rec_set_take(rec, "frame", f);
	if (frame_cfa(&fc, &cfa) == 0) {
		rec_set_addr(rec, "cfa", cfa);
		rec_set_addr(rec, "arglist", cfa - 16);
	}
	if (machine_caller < n)
		rec_set_addr(rec, "saved_pc", frames[machine_caller].pc);
	if (machine_caller > level + 1)
		rec_set_int(rec, "inlined_into", level + 1);
	else if (frame_cfa(&caller, &other) == 0)
		rec_set_addr(rec, "called_by", other);
	if (level > 0 && frame_cfa(&callee, &other) == 0)
		rec_set_addr(rec, "caller_of", other);
	err_clear();
	/* As gdb: the language of the source the frame's line is in, if it has one. */
	lang = rec_has(f, "file") ? frame_language(&fc) : NULL;
	if (lang)
		rec_set_str(rec, "language", lang);
	add_saved_registers(&fc, rec);
	out_emit(s->out, ctx->name, rec, render_info_frame);
	return 0;
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
	.args = "[COUNT:int] {all|full|-raw|-no-args} -frame-arguments=MODE:word",
	.usage = "backtrace [COUNT] [all] [full] [-raw] [-no-args] [-frame-arguments MODE]",
	.summary = "the stack of the selected thread (all: every thread; full: with each frame's "
		   "locals; -raw: native frames only, no plugin inspectors; COUNT < 0: outermost "
		   "frames; -no-args or -frame-arguments all|scalars|none|presence: how "
		   "arguments show)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_backtrace,
};
static const struct cmd_entry frame_entry = {
	.name = "frame",
	.aliases = "f",
	.args = "[LEVEL:word]",
	.usage = "frame [LEVEL|LEVEL.K]",
	.summary = "select and show a frame of the stack (LEVEL.K: the logical frame bt shows "
		   "as #LEVEL.K)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_frame,
};
static const struct cmd_entry up_entry = {
	.name = "up",
	.args = "[N:uint]",
	.usage = "up [N]",
	.summary = "select the frame N levels out (callers)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_up,
};
static const struct cmd_entry down_entry = {
	.name = "down",
	.aliases = "do",
	.args = "[N:uint]",
	.usage = "down [N]",
	.summary = "select the frame N levels in (callees)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_down,
};
static const struct cmd_entry thread_apply_entry = {
	.name = "apply",
	.args = "SPEC:rest",
	.usage = "thread apply all|ID|ID-ID[,...] [-q] COMMAND",
	.summary = "run COMMAND with each of the threads selected (-q: without a header)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_thread_apply,
};
static const struct cmd_entry thread_name_entry = {
	.name = "name",
	.args = "[NAME:rest]",
	.usage = "thread name [NAME]",
	.summary = "name the selected thread in lurk's reports (no NAME: its comm again)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_thread_name,
};
static const struct cmd_entry thread_find_entry = {
	.name = "find",
	.args = "REGEX:rest",
	.usage = "thread find REGEX",
	.summary = "the threads whose name, comm or tid matches REGEX",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_thread_find,
};
static const struct cmd_entry *const thread_sub[] = { &thread_apply_entry, &thread_name_entry,
						      &thread_find_entry, NULL };
static const struct cmd_entry thread_entry = {
	.name = "thread",
	.aliases = "t",
	.args = "[ID:uint]",
	.usage = "thread [ID]",
	.summary = "select a thread, or show the selected one",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.sub = thread_sub,
	.handler = cmd_stack_thread,
};
const struct cmd_entry cmd_info_frame_entry = {
	.name = "frame",
	.usage = "info frame",
	.summary = "the selected frame in detail: its CFA, pc and caller's pc, the frames around "
		   "it, language, arguments, and where it saved its caller's registers",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_info_frame,
};
const struct cmd_entry cmd_info_threads_entry = {
	.name = "threads",
	.usage = "info threads",
	.summary = "every thread: id, tid, name, what it is doing, where it is",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_stack_info_threads,
};

const struct cmd_entry *const cmd_group_stack[] = {
	&backtrace_entry, &frame_entry, &up_entry, &down_entry, &thread_entry, NULL,
};
