/* report.c - results several command groups share: frames, thread tables, stop events, notices */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "brk.h"
#include "err.h"
#include "inspect.h"
#include "out.h"
#include "proc.h"
#include "regs.h"
#include "report.h"
#include "session.h"
#include "source.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"

static void describe_addr(struct ov *o, struct sym *sym, uint64_t addr, bool return_addr)
{
	struct sym_loc loc;

	if (!sym)
		return;
	sym_describe(sym, addr, return_addr, &loc);
	if (loc.func) {
		ov_set_str(o, "func", loc.func);
		ov_set_uint(o, "offset", loc.off);
	}
	if (loc.file) {
		ov_set_str(o, "file", loc.file);
		ov_set_int(o, "line", loc.line);
	}
	if (loc.module) {
		ov_set_str(o, "module", loc.module);
		if (loc.main_module)
			ov_set_bool(o, "main_module", true);
	}
}

struct ov *report_frame(const struct session *s, const struct thread *th, const struct frame *f,
			int level)
{
	struct ov *o = ov_obj();

	ov_set_int(o, "level", level);
	ov_set_addr(o, "addr", f->pc);
	describe_addr(o, target_sym(s->target), f->pc, !f->activation);
	if (f->no_cfi)
		ov_set_str(o, "unwound_by", "frame pointer");
	else if (f->from_sp)
		ov_set_str(o, "unwound_by", "return address at sp");
	if (th)
		inspect_frame(s, th, f, level, o);
	return o;
}

void report_add_source(struct ov *frame)
{
	const char *text = source_line(ov_str(frame, "file"), (int)ov_int(frame, "line", 0));

	if (text)
		ov_set_str(frame, "source", text);
}

/* Logical frames an inspector shows in place of a native one: "#3.0 handle (main.py:40) [python]". */
static void render_logical(struct out *o, const struct ov *f)
{
	const struct ov *logical = ov_get(f, "logical");

	for (size_t i = 0; i < ov_len(logical); i++) {
		const struct ov *lf = ov_at(logical, i);
		char num[32];

		snprintf(num, sizeof(num), "%" PRId64 ".%zu", ov_int(f, "level", 0), i);
		out_printf(o, "#%-4s %s%s%s", num, out_style(o, STYLE_FUNC), ov_str(lf, "func"),
			   out_style(o, STYLE_RESET));
		if (ov_has(lf, "file"))
			out_printf(o, " (%s%s:%" PRId64 "%s)", out_style(o, STYLE_FILE),
				   ov_str(lf, "file"), ov_int(lf, "line", 0), out_style(o, STYLE_RESET));
		if (ov_has(lf, "kind"))
			out_printf(o, " [%s]", ov_str(lf, "kind"));
		if (ov_has(lf, "note"))
			out_printf(o, " %s", ov_str(lf, "note"));
		out_printf(o, "\n");
	}
}

void report_render_frame(struct out *o, const struct ov *f)
{
	const char *func = ov_str(f, "func");
	const char *file = ov_str(f, "file");
	const char *module = ov_str(f, "module");
	uint64_t off = ov_uint(f, "offset", 0);

	if (ov_has(f, "logical")) {
		render_logical(o, f);
		return;
	}
	out_printf(o, "#%-2" PRId64 " %s0x%016" PRIx64 "%s in %s%s%s", ov_int(f, "level", 0),
		   out_style(o, STYLE_ADDR), ov_uint(f, "addr", 0), out_style(o, STYLE_RESET),
		   out_style(o, STYLE_FUNC), func ? func : "??", out_style(o, STYLE_RESET));
	/* A renamed frame's offset belongs to the native function, not the new name. */
	if (func && off && !ov_has(f, "native_func"))
		out_printf(o, "+0x%" PRIx64, off);
	if (ov_has(f, "note"))
		out_printf(o, " [%s]", ov_str(f, "note"));
	if (file)
		out_printf(o, " (%s%s:%" PRId64 "%s)", out_style(o, STYLE_FILE), path_base(file),
			   ov_int(f, "line", 0), out_style(o, STYLE_RESET));
	if (module && !ov_bool(f, "main_module"))
		out_printf(o, " from %s", path_base(module));
	if (ov_has(f, "unwound_by"))
		out_printf(o, " [%s]", ov_str(f, "unwound_by"));
	out_printf(o, "\n");
}

void report_render_frame_source(struct out *o, const struct ov *f)
{
	report_render_frame(o, f);
	if (ov_has(f, "source"))
		out_printf(o, "%" PRId64 "\t%s\n", ov_int(f, "line", 0), ov_str(f, "source"));
}

void report_thread_fields(const struct session *s, struct ov *rec, const struct thread *th)
{
	char name[64];

	target_thread_name(s->target, th, name, sizeof(name));
	ov_set_int(rec, "thread", target_th_num(th));
	ov_set_int(rec, "tid", target_th_tid(th));
	if (name[0])
		ov_set_str(rec, "name", name);
}

/*
 * What the thread was doing when it stopped: inside a system call (orig_rax
 * holds its number; a syscall interrupted by the stop restarts on resume)
 * or running its own code.
 */
static void thread_state(const struct session *s, struct thread *th, struct ov *rec)
{
	const struct arch *a = target_arch(s->target);
	struct regs r;
	int64_t nr;

	if (target_th_exiting(th)) {
		ov_set_str(rec, "state", "exiting");
		return;
	}
	if (target_regs(s->target, th, &r) < 0) {
		ov_set_str(rec, "state", "unknown");
		return;
	}
	nr = a->syscall_nr(&r);
	if (nr >= 0) {
		const char *name = a->syscall_name(nr);

		ov_set_str(rec, "state", "syscall");
		if (name)
			ov_set_str(rec, "syscall", name);
		else
			ov_set_strf(rec, "syscall", "syscall_%" PRId64, nr);
	} else {
		ov_set_str(rec, "state", "user");
	}
}

/* The State column: the system call a thread sleeps in, else its run state. */
static void thread_state_text(const struct ov *t, char *buf, size_t size)
{
	const char *state = ov_str(t, "state");

	if (ov_has(t, "syscall"))
		snprintf(buf, size, "%s()", ov_str(t, "syscall"));
	else if (state && !strcmp(state, "user"))
		snprintf(buf, size, "user code");
	else
		snprintf(buf, size, "%s", state ? state : "");
}

static void render_threads(struct out *o, const struct ov *rec)
{
	const struct ov *threads = ov_get(rec, "threads");
	int name_w = 16, state_w = 16;
	char st[64];

	/* Columns as wide as their widest cell, so long names never shift a row. */
	for (size_t i = 0; i < ov_len(threads); i++) {
		const struct ov *t = ov_at(threads, i);
		const char *name = ov_str(t, "name");

		thread_state_text(t, st, sizeof(st));
		if (name && (int)strlen(name) > name_w)
			name_w = (int)strlen(name);
		if ((int)strlen(st) > state_w)
			state_w = (int)strlen(st);
	}
	if (ov_has(rec, "heading"))
		out_printf(o, "%s\n", ov_str(rec, "heading"));
	out_printf(o, "  %-4s %-8s %-*s %-*s %s\n", "Id", "TID", name_w, "Name", state_w, "State",
		   "Frame");
	for (size_t i = 0; i < ov_len(threads); i++) {
		const struct ov *t = ov_at(threads, i);
		const struct ov *f = ov_get(t, "frame");
		const char *func = ov_str(f, "func");

		thread_state_text(t, st, sizeof(st));
		out_printf(o, "%s %-4" PRId64 " %-8" PRId64 " %-*s %-*s ",
			   ov_bool(t, "current") ? "*" : " ", ov_int(t, "thread", 0),
			   ov_int(t, "tid", 0), name_w, ov_str(t, "name") ? ov_str(t, "name") : "",
			   state_w, st);
		if (!f) {
			out_printf(o, "(no frame)\n");
			continue;
		}
		out_printf(o, "0x%016" PRIx64 " in %s%s%s", ov_uint(f, "addr", 0),
			   out_style(o, STYLE_FUNC), func ? func : "??", out_style(o, STYLE_RESET));
		if (ov_has(f, "file"))
			out_printf(o, " (%s:%" PRId64 ")", path_base(ov_str(f, "file")),
				   ov_int(f, "line", 0));
		else if (ov_has(f, "module") && !ov_bool(f, "main_module"))
			out_printf(o, " from %s", path_base(ov_str(f, "module")));
		out_printf(o, "\n");
	}
}

void report_threads(const struct session *s, const char *cmd, const char *heading)
{
	struct ov *rec = ov_obj();
	struct ov *arr;
	const struct arch *a = target_arch(s->target);
	struct sym *sym = target_sym(s->target);

	if (heading)
		ov_set_str(rec, "heading", heading);
	ov_set_int(rec, "pid", target_pid(s->target));
	arr = ov_set_arr(rec, "threads");
	for (size_t i = 0; i < target_nthreads(s->target); i++) {
		struct thread *th = target_thread_at(s->target, i);
		struct ov *t = ov_push_obj(arr);
		struct regs r;

		report_thread_fields(s, t, th);
		if (target_th_num(th) == s->cur_thread)
			ov_set_bool(t, "current", true);
		thread_state(s, th, t);
		/* Frame 0 straight from the registers: no unwinding needed for a list. */
		if (!target_th_exiting(th) && target_regs(s->target, th, &r) == 0) {
			struct ov *f = ov_set_obj(t, "frame");

			ov_set_int(f, "level", 0);
			ov_set_addr(f, "addr", regs_pc(a, &r));
			describe_addr(f, sym, regs_pc(a, &r), false);
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
	default:
		return "none";
	}
}

static void render_stop(struct out *o, const struct ov *rec)
{
	const char *reason = ov_str(rec, "reason");
	const struct ov *f = ov_get(rec, "frame");

	if (!strcmp(reason, "exited")) {
		out_printf(o, "[process %" PRId64 " exited with code %" PRId64 "]\n",
			   ov_int(rec, "pid", 0), ov_int(rec, "code", 0));
		return;
	}
	if (!strcmp(reason, "terminate")) {
		out_printf(o, "lurk received %s: leaving the program as it was\n",
			   ov_str(rec, "signal"));
		return;
	}
	if (!strcmp(reason, "killed")) {
		out_printf(o, "[process %" PRId64 " killed by signal %s]\n", ov_int(rec, "pid", 0),
			   ov_str(rec, "signal"));
		return;
	}
	/* A finished step shows where it got to, as gdb does: the frame and its line. */
	if (!strcmp(reason, "step")) {
		if (f)
			report_render_frame_source(o, f);
		return;
	}
	out_printf(o, "%sThread %" PRId64 "%s (tid %" PRId64 ")", out_style(o, STYLE_THREAD),
		   ov_int(rec, "thread", 0), out_style(o, STYLE_RESET), ov_int(rec, "tid", 0));
	if (ov_has(rec, "name"))
		out_printf(o, " \"%s\"", ov_str(rec, "name"));
	if (!strcmp(reason, "signal"))
		out_printf(o, " received signal %s (%s)", ov_str(rec, "signal"),
			   ov_str(rec, "description"));
	else if (!strcmp(reason, "breakpoint") && ov_has(rec, "breakpoint"))
		out_printf(o, " hit Breakpoint %" PRId64, ov_int(rec, "breakpoint", 0));
	else if (!strcmp(reason, "memwatch") && ov_has(rec, "memwatch")) {
		out_printf(o, " hit Memory watchpoint %" PRId64 ": %s\n", ov_int(rec, "memwatch", 0),
			   ov_str(rec, "expr"));
		out_printf(o, "%s = %.1f MiB (threshold %.1f MiB, over by %.1f MiB)",
			   ov_str(rec, "metric"), (double)ov_uint(rec, "value", 0) / 1048576.0,
			   (double)ov_uint(rec, "threshold", 0) / 1048576.0,
			   (double)ov_uint(rec, "overshoot", 0) / 1048576.0);
	} else if (!strcmp(reason, "watchpoint") && ov_has(rec, "watchpoint")) {
		out_printf(o, " hit %s %" PRId64 ": %s\n\n", ov_str(rec, "title"),
			   ov_int(rec, "watchpoint", 0), ov_str(rec, "expr"));
		if (ov_has(rec, "old"))
			out_printf(o, "Old value = %s\nNew value = %s", ov_str(rec, "old"),
				   ov_str(rec, "new"));
		else
			out_printf(o, "Value = %s", ov_str(rec, "new"));
		if (ov_has(rec, "note"))
			out_printf(o, "\n%s", ov_str(rec, "note"));
	}
	else if (!strcmp(reason, "interrupted"))
		out_printf(o, " interrupted");
	else if (!strcmp(reason, "exec"))
		out_printf(o, " stopped at the start of the program");
	else
		out_printf(o, " stopped");
	out_printf(o, "\n");
	if (f)
		report_render_frame_source(o, f);
	for (size_t i = 0; i < ov_len(ov_get(rec, "stack")); i++)
		report_render_frame(o, ov_at(ov_get(rec, "stack"), i));
}

void report_stop(const struct session *s, const char *cmd, const struct stop_event *ev, int brk)
{
	struct ov *rec = ov_obj();
	struct thread *th = ev->thread ? target_thread_num(s->target, ev->thread) : NULL;

	ov_set_str(rec, "reason", reason_name(ev->reason));
	if (ev->reason == STOP_TERMINATE) {
		ov_set_str(rec, "signal", proc_signame(ev->sig));
		out_emit(s->out, cmd, rec, render_stop);
		return;
	}
	if (ev->reason == STOP_EXITED || ev->reason == STOP_KILLED) {
		ov_set_int(rec, "pid", ev->tid);
		if (ev->reason == STOP_EXITED)
			ov_set_int(rec, "code", ev->code);
		else
			ov_set_str(rec, "signal", proc_signame(ev->sig));
		out_emit(s->out, cmd, rec, render_stop);
		return;
	}
	if (th) {
		const struct frame *frames;
		int n;

		report_thread_fields(s, rec, th);
		if (ev->reason == STOP_SIGNAL) {
			ov_set_str(rec, "signal", proc_signame(ev->sig));
			ov_set_str(rec, "description", strsignal(ev->sig));
		}
		if (ev->reason == STOP_BREAKPOINT) {
			ov_set_addr(rec, "breakpoint_addr", ev->addr);
			if (brk)
				ov_set_int(rec, "breakpoint", brk);
		}
		if (ev->reason == STOP_SAMPLED && brk) {
			const struct brk *b = brk_find(s, brk);
			const struct frame *stack_frames;
			int nf = target_frames(s->target, th, &stack_frames);
			struct ov *stack = ov_set_arr(rec, "stack");

			/* Where the memory went: the whole stack of the thread, not just its frame. */
			for (int i = 1; i < nf; i++)
				ov_push_take(stack, report_frame(s, th, &stack_frames[i], i));
			err_clear();

			ov_set_int(rec, "memwatch", brk);
			if (b) {
				uint64_t limit = b->op == '+' ? b->mbase + b->msize : b->msize;

				ov_set_str(rec, "expr", b->spec);
				ov_set_str(rec, "metric", b->metric_name);
				ov_set_uint(rec, "value", b->mfired);
				ov_set_uint(rec, "threshold", limit);
				ov_set_uint(rec, "overshoot", b->mfired - limit);
			}
		}
		if (ev->reason == STOP_WATCHPOINT && brk) {
			const struct brk *b = brk_find(s, brk);

			ov_set_int(rec, "watchpoint", brk);
			if (b) {
				ov_set_str(rec, "title", brk_title(b));
				ov_set_str(rec, "expr", b->spec);
				ov_set_str(rec, "kind", b->type == BRK_WATCH	 ? "write" :
							b->type == BRK_RWATCH ? "read" :
										"access");
			}
			if (s->watch_old)
				ov_set_str(rec, "old", s->watch_old);
			if (s->watch_new)
				ov_set_str(rec, "new", s->watch_new);
			if (s->watch_note)
				ov_set_str(rec, "note", s->watch_note);
		}
		n = target_frames(s->target, th, &frames);
		if (n > 0) {
			struct ov *f = report_frame(s, th, &frames[0], 0);

			report_add_source(f);
			ov_set_take(rec, "frame", f);
		}
	}
	out_emit(s->out, cmd, rec, render_stop);
}

static void render_notice(struct out *o, const struct ov *rec)
{
	const char *ev = ov_str(rec, "event");

	if (!strcmp(ev, "new-thread"))
		out_printf(o, "[new thread %" PRId64 " (tid %" PRId64 ")]\n",
			   ov_int(rec, "thread", 0), ov_int(rec, "tid", 0));
	else if (!strcmp(ev, "thread-exited"))
		out_printf(o, "[thread %" PRId64 " (tid %" PRId64 ") exited]\n",
			   ov_int(rec, "thread", 0), ov_int(rec, "tid", 0));
	else if (!strcmp(ev, "exec"))
		out_printf(o, "[process is executing new program: %s]\n", ov_str(rec, "path"));
	else if (!strcmp(ev, "fork-detached"))
		out_printf(o, "[detached from child process %" PRId64 " after fork]\n",
			   ov_int(rec, "child", 0));
	else if (!strcmp(ev, "signal-passed"))
		out_printf(o, "[thread %" PRId64 " received %s, passed to the program]\n",
			   ov_int(rec, "thread", 0), ov_str(rec, "signal"));
	else if (!strcmp(ev, "thread-stuck"))
		out_printf(o,
			   "[thread %" PRId64 " (tid %" PRId64
			   ") does not stop: uninterruptible sleep? it is left running]\n",
			   ov_int(rec, "thread", 0), ov_int(rec, "tid", 0));
	else if (!strcmp(ev, "job-continued"))
		out_printf(o, "[process %" PRId64 " was stopped by job control: sent it SIGCONT]\n",
			   ov_int(rec, "child", 0));
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
	struct ov *rec = ov_obj();

	ov_set_str(rec, "event", names[n->kind]);
	if (n->thread) {
		ov_set_int(rec, "thread", n->thread);
		ov_set_int(rec, "tid", n->tid);
	}
	if (n->child)
		ov_set_int(rec, "child", n->child);
	if (n->sig)
		ov_set_str(rec, "signal", proc_signame(n->sig));
	if (n->path)
		ov_set_str(rec, "path", n->path);
	out_emit(s->out, "event", rec, render_notice);
}

static void render_scope_end(struct out *o, const struct ov *rec)
{
	out_printf(o, "\nWatchpoint %" PRId64 " deleted because the program has left the block in\n"
		      "which its expression is valid.\n",
		   ov_int(rec, "number", 0));
}

static void render_unmapped(struct out *o, const struct ov *rec)
{
	out_printf(o, "\nWatchpoint %" PRId64 " deleted: the program unmapped the memory it watched.\n",
		   ov_int(rec, "number", 0));
}

static void render_resolved(struct out *o, const struct ov *rec)
{
	out_printf(o, "[breakpoint %" PRId64 " (%s) placed: %" PRId64 " location%s]\n",
		   ov_int(rec, "number", 0), ov_str(rec, "spec"), ov_int(rec, "locations", 0),
		   ov_int(rec, "locations", 0) == 1 ? "" : "s");
}

static void render_watch_gone(struct out *o, const struct ov *rec)
{
	out_printf(o, "[watchpoint %" PRId64 " (%s) deleted: the process it watched is gone]\n",
		   ov_int(rec, "number", 0), ov_str(rec, "spec"));
}

static void render_watch_exec(struct out *o, const struct ov *rec)
{
	out_printf(o, "[watchpoint %" PRId64 " (%s) deleted: exec replaced the program it watched]\n",
		   ov_int(rec, "number", 0), ov_str(rec, "spec"));
}

static void render_trace_ended(struct out *o, const struct ov *rec)
{
	bool exec = !strcmp(ov_str(rec, "why"), "exec");

	out_printf(o, "Tracing ended %s: %" PRId64 " call%s recorded (see info trace)%s.\n",
		   exec ? "at exec" : "with the process", ov_int(rec, "calls", 0),
		   ov_int(rec, "calls", 0) == 1 ? "" : "s",
		   exec ? "; trace again to follow the new program" : "");
}

/* A traced call: its line, or its record for JSON output, flushed at once. */
static void report_trace_call(const struct session *s, struct session_news *n)
{
	if (out_is_json(s->out) && n->rec) {
		out_emit(s->out, n->cmd, n->rec, NULL);
	} else {
		out_printf(s->out, "%s", n->msg);
		ov_free(n->rec);
	}
	/* Whole lines, at once: the program may write to the same terminal or pipe. */
	out_flush(s->out);
}

void report_news(const struct session *s, struct session_news *n)
{
	static const out_render_fn renders[] = {
		[NEWS_BRK_PLACED] = render_resolved,	 [NEWS_WATCH_SCOPE] = render_scope_end,
		[NEWS_WATCH_UNMAPPED] = render_unmapped, [NEWS_WATCH_GONE] = render_watch_gone,
		[NEWS_WATCH_EXEC] = render_watch_exec,	 [NEWS_TRACE_ENDED] = render_trace_ended,
	};

	if (n->kind == NEWS_WARNING)
		out_warn(s->out, n->cmd, n->msg);
	else if (n->kind == NEWS_TRACE_CALL)
		report_trace_call(s, n);
	else
		out_emit(s->out, n->cmd, n->rec, renders[n->kind]);
}

static void render_display(struct out *o, const struct ov *rec)
{
	const char *fmt = ov_str(rec, "format");

	out_printf(o, "%" PRId64 ": %s%s%s%s = %s\n", ov_int(rec, "number", 0), fmt ? "/" : "",
		   fmt ? fmt : "", fmt ? " " : "", ov_str(rec, "expr"), ov_str(rec, "value"));
}

void report_display(const struct session *s, struct ov *rec)
{
	out_emit(s->out, "display", rec, render_display);
}

void report_render_help(struct out *o, const struct ov *rec)
{
	const struct ov *cmds = ov_get(rec, "commands");

	if (ov_has(rec, "topic"))
		out_printf(o, "%s subcommands:\n", ov_str(rec, "topic"));
	for (size_t i = 0; i < ov_len(cmds); i++) {
		const struct ov *c = ov_at(cmds, i);

		if (ov_has(c, "group"))
			out_printf(o, "%s%s:\n", i ? "\n" : "", ov_str(c, "group"));
		else
			out_printf(o, "  %-28s %s\n", ov_str(c, "usage"), ov_str(c, "summary"));
	}
}
