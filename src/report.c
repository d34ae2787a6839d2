/* report.c - results several command groups share: frames, thread tables, stop events, notices */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "brk.h"
#include "err.h"
#include "frame-args.h"
#include "frame.h"
#include "inspect.h"
#include "out.h"
#include "plugin-host.h"
#include "proc.h"
#include "regs.h"
#include "report.h"
#include "session.h"
#include "source.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"

static void describe_loc(struct rec *o, const struct sym_loc *loc)
{
	if (loc->func) {
		rec_set_str(o, "func", loc->func);
		if (loc->inlined)
			rec_set_bool(o, "inlined", true);
		else
			rec_set_uint(o, "offset", loc->off);
	}
	if (loc->file) {
		rec_set_str(o, "file", loc->file);
		rec_set_int(o, "line", loc->line);
	}
	if (loc->module) {
		rec_set_str(o, "module", loc->module);
		if (loc->main_module)
			rec_set_bool(o, "main_module", true);
	}
}

/* The arguments of the frame's function, when its debug information lists them. */
static void add_args(const struct session *s, const struct thread *th, int level, struct rec *o)
{
	/* The frame context only reads the thread, for its registers. */
	const struct frame_ctx fc = { .target = s->target,
				      .thread = (struct thread *)th,
				      .level = level };
	struct rec *args = rec_arr();

	if (frame_args_collect(&fc, s->frame_args, args) < 0) {
		err_clear();
		rec_free(args);
		return;
	}
	rec_set_take(o, "args", args);
	if (s->frame_args == FRAME_ARGS_PRESENCE)
		rec_set_bool(o, "args_presence", true);
}

struct rec *report_frame(const struct session *s, const struct thread *th, const struct frame *f,
			 int level)
{
	struct rec *o = rec_obj();

	rec_set_int(o, "level", level);
	rec_set_addr(o, "addr", f->pc);
	if (target_sym(s->target)) {
		struct sym_loc loc;

		/* As the user sees the frame: an inlined call's function and line. */
		unwind_describe(target_sym(s->target), f, &loc);
		describe_loc(o, &loc);
	}
	if (f->no_cfi)
		rec_set_str(o, "unwound_by", "frame pointer");
	else if (f->from_sp)
		rec_set_str(o, "unwound_by", "return address at sp");
	if (th)
		inspect_frame(s, th, f, level, o);
	/* A renamed frame is not the native function: its arguments would mislead. */
	if (th && !rec_has(o, "native_func"))
		add_args(s, th, level, o);
	return o;
}

void report_add_source(struct rec *frame)
{
	const char *text = source_line(rec_str(frame, "file"), (int)rec_int(frame, "line", 0));

	if (text)
		rec_set_str(frame, "source", text);
}

/* Logical frame i of frame f: "#3.0 handle (main.py:40) [python]". */
void report_render_logical(struct out *o, const struct rec *f, size_t i)
{
	const struct rec *lf = rec_at(rec_get(f, "logical"), i);
	char num[32];

	if (!lf)
		return;
	snprintf(num, sizeof(num), "%" PRId64 ".%zu", rec_int(f, "level", 0), i);
	out_printf(o, "#%-4s %s%s%s", num, out_style(o, STYLE_FUNC), rec_str(lf, "func"),
		   out_style(o, STYLE_RESET));
	if (rec_has(lf, "file"))
		out_printf(o, " (%s%s:%" PRId64 "%s)", out_style(o, STYLE_FILE),
			   rec_str(lf, "file"), rec_int(lf, "line", 0), out_style(o, STYLE_RESET));
	if (rec_has(lf, "kind"))
		out_printf(o, " [%s]", rec_str(lf, "kind"));
	if (rec_has(lf, "note"))
		out_printf(o, " %s", rec_str(lf, "note"));
	out_printf(o, "\n");
}

/* Logical frames an inspector shows in place of a native one. */
static void render_logical(struct out *o, const struct rec *f)
{
	for (size_t i = 0; i < rec_len(rec_get(f, "logical")); i++)
		report_render_logical(o, f, i);
}

/* "(a=1, s=0x4006f4 \"hi\", p=...)": print frame-arguments presence shows "(...)". */
static void render_args(struct out *o, const struct rec *f)
{
	const struct rec *args = rec_get(f, "args");

	out_printf(o, " (");
	if (rec_len(args) && rec_bool(f, "args_presence")) {
		out_printf(o, "...)");
		return;
	}
	for (size_t i = 0; i < rec_len(args); i++)
		out_printf(o, "%s%s=%s", i ? ", " : "", rec_str(rec_at(args, i), "name"),
			   rec_str(rec_at(args, i), "value"));
	out_printf(o, ")");
}

/*
 * gdb's frame line, except that the address is always shown (gdb leaves it
 * out when frame 0 is at the start of a line): "in FUNC (ARGS) at FILE:LINE",
 * or "from LIBRARY" for code without line information.
 */
void report_render_frame(struct out *o, const struct rec *f)
{
	const char *func = rec_str(f, "func");
	const char *file = rec_str(f, "file");
	const char *module = rec_str(f, "module");

	if (rec_has(f, "logical")) {
		render_logical(o, f);
		return;
	}
	out_printf(o, "#%-2" PRId64 " %s0x%016" PRIx64 "%s in %s%s%s", rec_int(f, "level", 0),
		   out_style(o, STYLE_ADDR), rec_uint(f, "addr", 0), out_style(o, STYLE_RESET),
		   out_style(o, STYLE_FUNC), func ? func : "??", out_style(o, STYLE_RESET));
	if (rec_has(f, "note"))
		out_printf(o, " [%s]", rec_str(f, "note"));
	/* A name an inspector gave the frame is not a C function with arguments. */
	if (!rec_has(f, "native_func"))
		render_args(o, f);
	if (file)
		out_printf(o, " at %s%s:%" PRId64 "%s", out_style(o, STYLE_FILE), path_base(file),
			   rec_int(f, "line", 0), out_style(o, STYLE_RESET));
	else if (module && !rec_bool(f, "main_module"))
		out_printf(o, " from %s", path_base(module));
	if (rec_has(f, "unwound_by"))
		out_printf(o, " [%s]", rec_str(f, "unwound_by"));
	out_printf(o, "\n");
}

void report_render_frame_source(struct out *o, const struct rec *f)
{
	report_render_frame(o, f);
	if (rec_has(f, "source"))
		out_printf(o, "%" PRId64 "\t%s\n", rec_int(f, "line", 0), rec_str(f, "source"));
}

void report_thread_fields(const struct session *s, struct rec *rec, const struct thread *th)
{
	char name[64];

	/* The program's own name for it where a plugin knows one (Python's "worker-1"). */
	if (plugin_thread_name(s, target_th_num(th), name, sizeof(name)) < 0)
		target_thread_name(s->target, th, name, sizeof(name));
	rec_set_int(rec, "thread", target_th_num(th));
	rec_set_int(rec, "tid", target_th_tid(th));
	if (name[0])
		rec_set_str(rec, "name", name);
	if (target_th_core_signal(s->target, th) > 0)
		rec_set_str(rec, "signal", proc_signame(target_th_core_signal(s->target, th)));
}

/*
 * What the thread was doing when it stopped: inside a system call (orig_rax
 * holds its number; a syscall interrupted by the stop restarts on resume)
 * or running its own code.
 */
static void thread_state(const struct session *s, struct thread *th, struct rec *rec)
{
	const struct arch *a = target_arch(s->target);
	struct regs r;
	int64_t nr;

	if (target_th_exiting(th)) {
		rec_set_str(rec, "state", "exiting");
		return;
	}
	if (target_regs(s->target, th, &r) < 0) {
		rec_set_str(rec, "state", "unknown");
		return;
	}
	nr = a->syscall_nr(&r);
	if (nr >= 0) {
		const char *name = a->syscall_name(nr);

		rec_set_str(rec, "state", "syscall");
		if (name)
			rec_set_str(rec, "syscall", name);
		else
			rec_set_strf(rec, "syscall", "syscall_%" PRId64, nr);
	} else {
		rec_set_str(rec, "state", "user");
	}
}

/* The State column: the system call a thread sleeps in, else its run state. */
static void thread_state_text(const struct rec *t, char *buf, size_t size)
{
	const char *state = rec_str(t, "state");

	if (rec_has(t, "syscall"))
		snprintf(buf, size, "%s()", rec_str(t, "syscall"));
	else if (state && !strcmp(state, "user"))
		snprintf(buf, size, "user code");
	else
		snprintf(buf, size, "%s", state ? state : "");
}

static void render_threads(struct out *o, const struct rec *rec)
{
	const struct rec *threads = rec_get(rec, "threads");
	int name_w = 16, state_w = 16;
	char st[64];

	/* Columns as wide as their widest cell, so long names never shift a row. */
	for (size_t i = 0; i < rec_len(threads); i++) {
		const struct rec *t = rec_at(threads, i);
		const char *name = rec_str(t, "name");

		thread_state_text(t, st, sizeof(st));
		if (name && (int)strlen(name) > name_w)
			name_w = (int)strlen(name);
		if ((int)strlen(st) > state_w)
			state_w = (int)strlen(st);
	}
	if (rec_has(rec, "heading"))
		out_printf(o, "%s\n", rec_str(rec, "heading"));
	out_printf(o, "  %-4s %-8s %-*s %-*s %s\n", "Id", "TID", name_w, "Name", state_w, "State",
		   "Frame");
	for (size_t i = 0; i < rec_len(threads); i++) {
		const struct rec *t = rec_at(threads, i);
		const struct rec *f = rec_get(t, "frame");
		const char *func = rec_str(f, "func");

		thread_state_text(t, st, sizeof(st));
		out_printf(o, "%s %-4" PRId64 " %-8" PRId64 " %-*s %-*s ",
			   rec_bool(t, "current") ? "*" : " ", rec_int(t, "thread", 0),
			   rec_int(t, "tid", 0), name_w,
			   rec_str(t, "name") ? rec_str(t, "name") : "", state_w, st);
		if (!f) {
			out_printf(o, "(no frame)\n");
			continue;
		}
		out_printf(o, "0x%016" PRIx64 " in %s%s%s", rec_uint(f, "addr", 0),
			   out_style(o, STYLE_FUNC), func ? func : "??", out_style(o, STYLE_RESET));
		if (rec_has(f, "file"))
			out_printf(o, " (%s:%" PRId64 ")", path_base(rec_str(f, "file")),
				   rec_int(f, "line", 0));
		else if (rec_has(f, "module") && !rec_bool(f, "main_module"))
			out_printf(o, " from %s", path_base(rec_str(f, "module")));
		out_printf(o, "\n");
	}
}

void report_threads(const struct session *s, const char *cmd, const char *heading)
{
	struct rec *rec = rec_obj();
	struct rec *arr;
	const struct arch *a = target_arch(s->target);
	struct sym *sym = target_sym(s->target);

	if (heading)
		rec_set_str(rec, "heading", heading);
	rec_set_int(rec, "pid", target_pid(s->target));
	arr = rec_set_arr(rec, "threads");
	for (size_t i = 0; i < target_nthreads(s->target); i++) {
		struct thread *th = target_thread_at(s->target, i);
		struct rec *t = rec_push_obj(arr);
		struct regs r;

		report_thread_fields(s, t, th);
		if (target_th_num(th) == s->cur_thread)
			rec_set_bool(t, "current", true);
		thread_state(s, th, t);
		/* Frame 0 straight from the registers: no unwinding needed for a list. */
		if (!target_th_exiting(th) && target_regs(s->target, th, &r) == 0) {
			struct rec *f = rec_set_obj(t, "frame");

			rec_set_int(f, "level", 0);
			rec_set_addr(f, "addr", regs_pc(a, &r));
			if (sym) {
				struct frame f0;
				struct sym_loc loc;

				/* Named as bt names it: an inlined call's function. */
				unwind_frame0(sym, regs_pc(a, &r),
					      target_th_inline_hidden(s->target, th), &f0);
				unwind_describe(sym, &f0, &loc);
				describe_loc(f, &loc);
			}
		}
	}
	out_emit(s->out, cmd, rec, render_threads);
}

static const char *reason_name(enum stop_reason r)
{
	switch (r) {
	case STOP_ATTACHED:
		return "attached";
	case STOP_EXEC:
		return "exec";
	case STOP_SIGNAL:
		return "signal";
	case STOP_BREAKPOINT:
		return "breakpoint";
	case STOP_INTERRUPTED:
		return "interrupted";
	case STOP_STEP:
		return "step";
	case STOP_WATCHPOINT:
		return "watchpoint";
	case STOP_SAMPLED:
		return "memwatch";
	case STOP_EXITED:
		return "exited";
	case STOP_KILLED:
		return "killed";
	case STOP_TERMINATE:
		return "terminate";
	case STOP_SYSCALL_CALL:
	case STOP_SYSCALL_RETURN:
		return "syscall";
	default:
		return "none";
	}
}

/* ", greet (app.py:12)" and its line: where a plugin's breakpoint stopped, in the program's language. */
static void render_where(struct out *o, const struct rec *rec)
{
	const struct rec *w = rec_get(rec, "where");

	out_printf(o, ", %s%s%s", out_style(o, STYLE_FUNC), rec_str(w, "func"),
		   out_style(o, STYLE_RESET));
	if (rec_has(w, "file"))
		out_printf(o, " (%s%s:%" PRId64 "%s)", out_style(o, STYLE_FILE), rec_str(w, "file"),
			   rec_int(w, "line", 0), out_style(o, STYLE_RESET));
	out_printf(o, "\n");
	if (rec_has(rec, "note"))
		out_printf(o, "%s\n", rec_str(rec, "note"));
	if (rec_has(w, "source"))
		out_printf(o, "%" PRId64 "\t%s\n", rec_int(w, "line", 0), rec_str(w, "source"));
}

static void render_stop(struct out *o, const struct rec *rec)
{
	const char *reason = rec_str(rec, "reason");
	const struct rec *f = rec_get(rec, "frame");

	if (!strcmp(reason, "exited")) {
		out_printf(o, "[process %" PRId64 " exited with code %" PRId64 "]\n",
			   rec_int(rec, "pid", 0), rec_int(rec, "code", 0));
		return;
	}
	if (!strcmp(reason, "terminate")) {
		out_printf(o, "lurk received %s: leaving the program as it was\n",
			   rec_str(rec, "signal"));
		return;
	}
	if (!strcmp(reason, "killed")) {
		out_printf(o, "[process %" PRId64 " killed by signal %s]\n", rec_int(rec, "pid", 0),
			   rec_str(rec, "signal"));
		return;
	}
	/* A finished step shows where it got to, as gdb does: the frame and its line. */
	if (!strcmp(reason, "step")) {
		if (f)
			report_render_frame_source(o, f);
		return;
	}
	out_printf(o, "%sThread %" PRId64 "%s (tid %" PRId64 ")", out_style(o, STYLE_THREAD),
		   rec_int(rec, "thread", 0), out_style(o, STYLE_RESET), rec_int(rec, "tid", 0));
	if (rec_has(rec, "name"))
		out_printf(o, " \"%s\"", rec_str(rec, "name"));
	if (rec_has(rec, "catchpoint") && !strcmp(reason, "signal"))
		out_printf(o, " hit Catchpoint %" PRId64 " (signal %s)",
			   rec_int(rec, "catchpoint", 0), rec_str(rec, "signal"));
	else if (rec_has(rec, "catchpoint") && !strcmp(reason, "syscall"))
		out_printf(o, " hit Catchpoint %" PRId64 " (%s syscall %s)",
			   rec_int(rec, "catchpoint", 0),
			   strcmp(rec_str(rec, "event"), "call") ? "returned from" : "call to",
			   rec_str(rec, "syscall"));
	else if (!strcmp(reason, "signal"))
		out_printf(o, " received signal %s (%s)", rec_str(rec, "signal"),
			   rec_str(rec, "description"));
	else if (!strcmp(reason, "breakpoint") && rec_has(rec, "breakpoint"))
		out_printf(o, " hit %s %" PRId64,
			   rec_has(rec, "title")	? rec_str(rec, "title")
			   : rec_bool(rec, "temporary") ? "Temporary breakpoint"
							: "Breakpoint",
			   rec_int(rec, "breakpoint", 0));
	else if (!strcmp(reason, "memwatch") && rec_has(rec, "memwatch")) {
		out_printf(o, " hit Memory watchpoint %" PRId64 ": %s\n",
			   rec_int(rec, "memwatch", 0), rec_str(rec, "expr"));
		out_printf(o, "%s = %.1f MiB (threshold %.1f MiB, over by %.1f MiB)",
			   rec_str(rec, "metric"), (double)rec_uint(rec, "value", 0) / 1048576.0,
			   (double)rec_uint(rec, "threshold", 0) / 1048576.0,
			   (double)rec_uint(rec, "overshoot", 0) / 1048576.0);
	} else if (!strcmp(reason, "watchpoint") && rec_has(rec, "watchpoint")) {
		out_printf(o, " hit %s %" PRId64 ": %s\n\n", rec_str(rec, "title"),
			   rec_int(rec, "watchpoint", 0), rec_str(rec, "expr"));
		if (rec_has(rec, "old"))
			out_printf(o, "Old value = %s\nNew value = %s", rec_str(rec, "old"),
				   rec_str(rec, "new"));
		else
			out_printf(o, "Value = %s", rec_str(rec, "new"));
		if (rec_has(rec, "note"))
			out_printf(o, "\n%s", rec_str(rec, "note"));
	} else if (!strcmp(reason, "interrupted"))
		out_printf(o, " interrupted");
	else if (!strcmp(reason, "exec"))
		out_printf(o, " stopped at the start of the program");
	else
		out_printf(o, " stopped");
	if (rec_has(rec, "where")) {
		render_where(o, rec);
		return;
	}
	out_printf(o, "\n");
	if (f)
		report_render_frame_source(o, f);
	for (size_t i = 0; i < rec_len(rec_get(rec, "stack")); i++)
		report_render_frame(o, rec_at(rec_get(rec, "stack"), i));
}

void report_stop(const struct session *s, const char *cmd, const struct stop_event *ev, int brk)
{
	struct rec *rec = rec_obj();
	struct thread *th = ev->thread ? target_thread_num(s->target, ev->thread) : NULL;

	rec_set_str(rec, "reason", reason_name(ev->reason));
	if (ev->reason == STOP_TERMINATE) {
		rec_set_str(rec, "signal", proc_signame(ev->sig));
		out_emit(s->out, cmd, rec, render_stop);
		return;
	}
	if (ev->reason == STOP_EXITED || ev->reason == STOP_KILLED) {
		rec_set_int(rec, "pid", ev->tid);
		if (ev->reason == STOP_EXITED)
			rec_set_int(rec, "code", ev->code);
		else
			rec_set_str(rec, "signal", proc_signame(ev->sig));
		out_emit(s->out, cmd, rec, render_stop);
		return;
	}
	if (th) {
		const struct frame *frames;
		int n;

		report_thread_fields(s, rec, th);
		if (ev->reason == STOP_SIGNAL) {
			rec_set_str(rec, "signal", proc_signame(ev->sig));
			rec_set_str(rec, "description", strsignal(ev->sig));
			if (brk)
				rec_set_int(rec, "catchpoint", brk);
		}
		if (ev->reason == STOP_SYSCALL_CALL || ev->reason == STOP_SYSCALL_RETURN) {
			const char *name = target_arch(s->target)->syscall_name(ev->code);

			rec_set_str(rec, "event",
				    ev->reason == STOP_SYSCALL_CALL ? "call" : "return");
			if (name)
				rec_set_str(rec, "syscall", name);
			else
				rec_set_strf(rec, "syscall", "%d", ev->code);
			rec_set_int(rec, "syscall_nr", ev->code);
			if (brk)
				rec_set_int(rec, "catchpoint", brk);
		}
		if (ev->reason == STOP_BREAKPOINT) {
			const struct brk *b = brk ? brk_find(s, brk) : NULL;

			err_clear();
			rec_set_addr(rec, "breakpoint_addr", ev->addr);
			if (brk)
				rec_set_int(rec, "breakpoint", brk);
			if (brk && brk == s->last_brk && s->last_brk_temporary)
				rec_set_bool(rec, "temporary", true);
			/* A plugin's breakpoint stops in the program's language: its plugin says where. */
			if (b && b->type == BRK_PLUGIN)
				plugin_brk_where((struct session *)s, b, th, rec);
		}
		if (ev->reason == STOP_SAMPLED && brk) {
			const struct brk *b = brk_find(s, brk);
			const struct frame *stack_frames;
			int nf = target_frames(s->target, th, &stack_frames);
			struct rec *stack = rec_set_arr(rec, "stack");

			/* Where the memory went: the whole stack of the thread, not just its frame. */
			for (int i = 1; i < nf; i++)
				rec_push_take(stack, report_frame(s, th, &stack_frames[i], i));
			err_clear();

			rec_set_int(rec, "memwatch", brk);
			if (b) {
				uint64_t limit = b->op == '+' ? b->mbase + b->msize : b->msize;

				rec_set_str(rec, "expr", b->spec);
				rec_set_str(rec, "metric", b->metric_name);
				rec_set_uint(rec, "value", b->mfired);
				rec_set_uint(rec, "threshold", limit);
				rec_set_uint(rec, "overshoot", b->mfired - limit);
			}
		}
		if (ev->reason == STOP_WATCHPOINT && brk) {
			const struct brk *b = brk_find(s, brk);

			rec_set_int(rec, "watchpoint", brk);
			if (b) {
				rec_set_str(rec, "title", brk_title(b));
				rec_set_str(rec, "expr", b->spec);
				rec_set_str(rec, "kind",
					    b->type == BRK_WATCH    ? "write"
					    : b->type == BRK_RWATCH ? "read"
								    : "access");
			}
			if (s->watch_old)
				rec_set_str(rec, "old", s->watch_old);
			if (s->watch_new)
				rec_set_str(rec, "new", s->watch_new);
			if (s->watch_note)
				rec_set_str(rec, "note", s->watch_note);
		}
		n = target_frames(s->target, th, &frames);
		if (n > 0) {
			struct rec *f = report_frame(s, th, &frames[0], 0);

			report_add_source(f);
			rec_set_take(rec, "frame", f);
		}
	}
	out_emit(s->out, cmd, rec, render_stop);
}

static void render_notice(struct out *o, const struct rec *rec)
{
	const char *ev = rec_str(rec, "event");

	if (!strcmp(ev, "new-thread"))
		out_printf(o, "[new thread %" PRId64 " (tid %" PRId64 ")]\n",
			   rec_int(rec, "thread", 0), rec_int(rec, "tid", 0));
	else if (!strcmp(ev, "thread-exited"))
		out_printf(o, "[thread %" PRId64 " (tid %" PRId64 ") exited]\n",
			   rec_int(rec, "thread", 0), rec_int(rec, "tid", 0));
	else if (!strcmp(ev, "exec"))
		out_printf(o, "[process is executing new program: %s]\n", rec_str(rec, "path"));
	else if (!strcmp(ev, "fork-detached"))
		out_printf(o, "[detached from child process %" PRId64 " after fork]\n",
			   rec_int(rec, "child", 0));
	else if (!strcmp(ev, "signal-passed"))
		out_printf(o, "[thread %" PRId64 " received %s, passed to the program]\n",
			   rec_int(rec, "thread", 0), rec_str(rec, "signal"));
	else if (!strcmp(ev, "thread-stuck"))
		out_printf(o,
			   "[thread %" PRId64 " (tid %" PRId64
			   ") does not stop: uninterruptible sleep? it is left running]\n",
			   rec_int(rec, "thread", 0), rec_int(rec, "tid", 0));
	else if (!strcmp(ev, "job-continued"))
		out_printf(o, "[process %" PRId64 " was stopped by job control: sent it SIGCONT]\n",
			   rec_int(rec, "child", 0));
}

void report_notice(const struct session *s, const struct target_notice *n)
{
	static const char *const names[] = {
		[NOTE_NEW_THREAD] = "new-thread",
		[NOTE_THREAD_EXITED] = "thread-exited",
		[NOTE_EXEC] = "exec",
		[NOTE_FORK_DETACHED] = "fork-detached",
		[NOTE_SIGNAL_PASSED] = "signal-passed",
		[NOTE_THREAD_STUCK] = "thread-stuck",
		[NOTE_JOB_CONTINUED] = "job-continued",
	};
	struct rec *rec = rec_obj();

	rec_set_str(rec, "event", names[n->kind]);
	if (n->thread) {
		rec_set_int(rec, "thread", n->thread);
		rec_set_int(rec, "tid", n->tid);
	}
	if (n->child)
		rec_set_int(rec, "child", n->child);
	if (n->sig)
		rec_set_str(rec, "signal", proc_signame(n->sig));
	if (n->path)
		rec_set_str(rec, "path", n->path);
	out_emit(s->out, "event", rec, render_notice);
}

static void render_scope_end(struct out *o, const struct rec *rec)
{
	out_printf(o,
		   "\nWatchpoint %" PRId64 " deleted because the program has left the block in\n"
		   "which its expression is valid.\n",
		   rec_int(rec, "number", 0));
}

static void render_unmapped(struct out *o, const struct rec *rec)
{
	out_printf(o,
		   "\nWatchpoint %" PRId64
		   " deleted: the program unmapped the memory it watched.\n",
		   rec_int(rec, "number", 0));
}

static void render_resolved(struct out *o, const struct rec *rec)
{
	out_printf(o, "[breakpoint %" PRId64 " (%s) placed: %" PRId64 " location%s]\n",
		   rec_int(rec, "number", 0), rec_str(rec, "spec"), rec_int(rec, "locations", 0),
		   rec_int(rec, "locations", 0) == 1 ? "" : "s");
}

static void render_watch_gone(struct out *o, const struct rec *rec)
{
	out_printf(o, "[watchpoint %" PRId64 " (%s) deleted: the process it watched is gone]\n",
		   rec_int(rec, "number", 0), rec_str(rec, "spec"));
}

static void render_watch_exec(struct out *o, const struct rec *rec)
{
	out_printf(o,
		   "[watchpoint %" PRId64 " (%s) deleted: exec replaced the program it watched]\n",
		   rec_int(rec, "number", 0), rec_str(rec, "spec"));
}

static void render_trace_ended(struct out *o, const struct rec *rec)
{
	bool exec = !strcmp(rec_str(rec, "why"), "exec");

	out_printf(o, "Tracing ended %s: %" PRId64 " call%s recorded (see info trace)%s.\n",
		   exec ? "at exec" : "with the process", rec_int(rec, "calls", 0),
		   rec_int(rec, "calls", 0) == 1 ? "" : "s",
		   exec ? "; trace again to follow the new program" : "");
}

static void render_trace_started(struct out *o, const struct rec *rec)
{
	if (rec_bool(rec, "count")) {
		out_printf(o, "Counting the calls of %" PRId64 " function%s (%s).\n",
			   rec_int(rec, "functions", 0),
			   rec_int(rec, "functions", 0) == 1 ? "" : "s", rec_str(rec, "patterns"));
		return;
	}
	out_printf(o, "Tracing %" PRId64 " function%s (%s)%s%s.\n", rec_int(rec, "functions", 0),
		   rec_int(rec, "functions", 0) == 1 ? "" : "s", rec_str(rec, "patterns"),
		   rec_has(rec, "output") ? " to " : "",
		   rec_has(rec, "output") ? rec_str(rec, "output") : "");
}

/* A traced call: its line, or its record for JSON output, flushed at once. */
static void report_trace_call(const struct session *s, struct session_news *n)
{
	if (out_is_json(s->out) && n->rec) {
		out_emit(s->out, n->cmd, n->rec, NULL);
	} else {
		out_printf(s->out, "%s", n->msg);
		rec_free(n->rec);
	}
	/* Whole lines, at once: the program may write to the same terminal or pipe. */
	out_flush(s->out);
}

void report_news(const struct session *s, struct session_news *n)
{
	static const out_render_fn renders[] = {
		[NEWS_BRK_PLACED] = render_resolved,
		[NEWS_WATCH_SCOPE] = render_scope_end,
		[NEWS_WATCH_UNMAPPED] = render_unmapped,
		[NEWS_WATCH_GONE] = render_watch_gone,
		[NEWS_WATCH_EXEC] = render_watch_exec,
		[NEWS_TRACE_ENDED] = render_trace_ended,
		[NEWS_TRACE_STARTED] = render_trace_started,
	};

	if (n->kind == NEWS_WARNING)
		out_warn(s->out, n->cmd, n->msg);
	else if (n->kind == NEWS_TRACE_CALL)
		report_trace_call(s, n);
	else
		out_emit(s->out, n->cmd, n->rec, renders[n->kind]);
}

static void render_display(struct out *o, const struct rec *rec)
{
	const char *fmt = rec_str(rec, "format");

	if (rec_has(rec, "examine")) {
		/* As gdb: one unit (but an instruction) follows on the same line. */
		out_printf(o, "%" PRId64 ": x/%s %s%s", rec_int(rec, "number", 0),
			   rec_str(rec, "examine"), rec_str(rec, "expr"),
			   rec_bool(rec, "inline") ? "  " : "\n");
		return;
	}
	out_printf(o, "%" PRId64 ": %s%s%s%s = %s\n", rec_int(rec, "number", 0), fmt ? "/" : "",
		   fmt ? fmt : "", fmt ? " " : "", rec_str(rec, "expr"), rec_str(rec, "value"));
}

void report_display(const struct session *s, struct rec *rec)
{
	out_emit(s->out, "display", rec, render_display);
}

void report_render_help(struct out *o, const struct rec *rec)
{
	const struct rec *cmds = rec_get(rec, "commands");

	if (rec_has(rec, "topic"))
		out_printf(o, "%s subcommands:\n", rec_str(rec, "topic"));
	for (size_t i = 0; i < rec_len(cmds); i++) {
		const struct rec *c = rec_at(cmds, i);

		if (rec_has(c, "group"))
			out_printf(o, "%s%s:\n", i ? "\n" : "", rec_str(c, "group"));
		else
			out_printf(o, "  %-28s %s\n", rec_str(c, "usage"), rec_str(c, "summary"));
	}
}
