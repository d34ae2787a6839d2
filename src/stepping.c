/* stepping.c - composite steps built on the target's primitives: stepi, nexti, step, next, finish, until */
#include <inttypes.h>
#include <signal.h>
#include <string.h>

#include "disas.h"
#include "err.h"
#include "frame.h"
#include "regs.h"
#include "sig.h"
#include "stepping.h"
#include "sym.h"
#include "target.h"

/* A line step that has not reached another line after this many instructions gives up. */
#define MAX_LINE_STEPS 5000000u
/* Inlined calls nested deeper than this at one pc are not told apart. */
#define MAX_INLINE_CALLS 16

static int pc_sp(const struct step_ctl *c, uint64_t *pc, uint64_t *sp)
{
	struct regs r;

	if (target_regs(c->t, c->th, &r) < 0)
		return -1;
	*pc = regs_pc(target_arch(c->t), &r);
	if (sp)
		*sp = regs_sp(target_arch(c->t), &r);
	return 0;
}

static int decode_at(const struct step_ctl *c, uint64_t pc, struct disas_insn *insn)
{
	struct disas *d = target_disas(c->t);
	unsigned char code[16];
	ssize_t got;

	if (!d)
		return -1;
	got = target_read(c->t, pc, code, sizeof(code));
	if (got <= 0)
		return -1;
	return disas_one(d, code, (size_t)got, pc, insn) ? 0 : -1;
}

struct stop_at {
	uint64_t addr;
	uint64_t min_sp; /* only a stop with the stack pointer at or above this counts */
	uint64_t cfa;	 /* not 0: only a stop in the frame with this CFA counts (until) */
};

/* Whether the stepping thread's innermost frame is the one with this CFA. */
static bool in_frame(const struct step_ctl *c, uint64_t cfa)
{
	uint64_t now;

	if (frame_cfa(&(struct frame_ctx){ c->t, c->th, 0 }, &now) < 0) {
		err_clear();
		return false;
	}
	return now == cfa;
}

/*
 * Run every thread until c->th reaches one of the places (with its stack
 * pointer high enough: recursion does not count). Breakpoint stops go to
 * c->judge: a user breakpoint that stops ends the run; other threads (or a
 * deeper recursion) at the step's own traps go on. Any other stop (a
 * signal, Ctrl-C, the end of the process) ends the run.
 */
static int run_until(const struct step_ctl *c, const struct stop_at *at, size_t n,
		     struct stop_event *ev)
{
	size_t inserted = 0;
	int ret = 0;

	for (; inserted < n; inserted++)
		if (target_insert_trap(c->t, at[inserted].addr) < 0) {
			ret = -1;
			break;
		}
	while (ret == 0) {
		bool ours = false;

		if (target_resume(c->t, ev) < 0) {
			ret = -1;
			break;
		}
		if (ev->reason == STOP_BREAKPOINT && ev->thread == target_th_num(c->th)) {
			uint64_t pc, sp;

			if (pc_sp(c, &pc, &sp) < 0) {
				ret = -1;
				break;
			}
			for (size_t i = 0; i < n; i++)
				ours |= at[i].addr == ev->addr && sp >= at[i].min_sp &&
					(!at[i].cfa || in_frame(c, at[i].cfa));
		}
		/* Ctrl-C during the step: the stepping thread stays the one the user looks at. */
		if (ev->reason == STOP_INTERRUPTED) {
			ev->thread = target_th_num(c->th);
			ev->tid = target_th_tid(c->th);
		}
		/* Catchpoints have their say: a stop they pass over lets the run go on. */
		if (ev->reason == STOP_SYSCALL_CALL || ev->reason == STOP_SYSCALL_RETURN ||
		    ev->reason == STOP_SIGNAL) {
			if (c->judge(c->arg, ev) == STEP_USER_PASS)
				continue;
			break;
		}
		if (ev->reason != STOP_BREAKPOINT)
			break;
		/* A user's breakpoint at the same place has its say too. */
		if (c->judge(c->arg, ev) == STEP_USER_STOP)
			break;
		if (ours) {
			ev->reason = STOP_STEP;
			ev->addr = 0;
			break;
		}
	}
	if (target_live(c->t))
		for (size_t i = 0; i < inserted; i++)
			target_remove_trap(c->t, at[i].addr);
	return ret;
}

/*
 * A step that ends where a trap sits has not run it: the thread passes over
 * it when it resumes. A user breakpoint there stops the step and is
 * reported as hit, as gdb does (its condition and ignore count have their
 * say). Returns true when *ev became that breakpoint's stop.
 */
static bool landed_on_breakpoint(const struct step_ctl *c, struct stop_event *ev)
{
	struct stop_event hit;
	uint64_t pc;

	if (ev->reason != STOP_STEP || pc_sp(c, &pc, NULL) < 0) {
		err_clear();
		return false;
	}
	if (!target_standing_on_trap(c->t, c->th, pc))
		return false;
	hit = (struct stop_event){ .reason = STOP_BREAKPOINT,
				   .thread = target_th_num(c->th),
				   .tid = target_th_tid(c->th),
				   .sig = SIGTRAP,
				   .addr = pc };
	if (c->judge(c->arg, &hit) != STEP_USER_STOP)
		return false;
	*ev = hit;
	return true;
}

int step_insn(const struct step_ctl *c, bool over_calls, struct stop_event *ev)
{
	uint64_t pc, sp;
	struct disas_insn insn;

	if (pc_sp(c, &pc, &sp) < 0)
		return -1;
	if (over_calls && decode_at(c, pc, &insn) == 0 && insn.is_call) {
		struct stop_at back = { .addr = pc + insn.size, .min_sp = sp };

		return run_until(c, &back, 1, ev);
	}
	err_clear();
	if (target_step_insn(c->t, c->th, ev) < 0)
		return -1;
	landed_on_breakpoint(c, ev);
	return 0;
}

struct line_pos {
	const char *file; /* borrowed from the symbol session */
	int line;
	uint64_t func_lo, func_hi;
};

static void where(const struct step_ctl *c, uint64_t pc, struct line_pos *p, struct sym_loc *buf)
{
	struct sym *sym = target_sym(c->t);
	char name[256];

	memset(p, 0, sizeof(*p));
	if (!sym)
		return;
	sym_describe(sym, pc, false, buf);
	p->file = buf->file;
	p->line = buf->line;
	if (sym_func_range(sym, pc, &p->func_lo, &p->func_hi, name, sizeof(name)) < 0) {
		err_clear();
		p->func_lo = p->func_hi = pc;
	}
}

static bool same_line(const struct line_pos *a, const struct line_pos *b)
{
	return a->line == b->line && a->file && b->file && strcmp(a->file, b->file) == 0;
}

/* The inlined calls at pc, innermost first, into calls. Returns how many. */
static int inline_calls_at(const struct step_ctl *c, uint64_t pc, struct sym_inline *calls)
{
	struct sym *sym = target_sym(c->t);
	int n = sym ? sym_inline_calls(sym, pc, calls, MAX_INLINE_CALLS) : 0;

	err_clear();
	return n;
}

/*
 * The outermost depth of the inlined calls at pc, outermost first, by
 * where their code starts (which call each is, into chain). Returns how
 * many it could name (depth, or fewer when pc is inside fewer calls).
 */
static int inline_chain_at(const struct step_ctl *c, uint64_t pc, int depth, uint64_t *chain)
{
	struct sym_inline calls[MAX_INLINE_CALLS];
	int n = inline_calls_at(c, pc, calls), i;

	for (i = 0; i < depth && i < n; i++)
		chain[i] = calls[n - 1 - i].entry;
	return i;
}

/*
 * Stopped at pc in a frame inside depth inlined calls: leave out the frames
 * of the inlined calls made from it whose code starts at pc, so that the
 * stop is at their call, as gdb stops.
 */
static void hide_inline_entries(const struct step_ctl *c, uint64_t pc, int depth)
{
	struct sym_inline calls[MAX_INLINE_CALLS];
	int n = inline_calls_at(c, pc, calls), k = 0;

	while (k < n - depth && calls[k].entry == pc)
		k++;
	target_th_set_inline_hidden(c->t, c->th, k);
}

/*
 * A line step of the frame inside depth inlined calls reached pc, on
 * another line than start: whether it stops there, as gdb decides. The
 * first instruction of inlined calls made from the frame is the call
 * itself, in the frame: a step stops there, at the call's line, leaving
 * the calls' frames out until "step" enters them; a next stops there only
 * when the call is on another line, and runs the rest of an inlined call's
 * code as it runs a real call. Returns 0 to go on, else to stop: how many
 * frames to leave out (-1 none).
 */
static int entered_inline(const struct step_ctl *c, uint64_t pc, int depth, const uint64_t *chain,
			  const struct line_pos *start, bool over_calls)
{
	struct sym_inline calls[MAX_INLINE_CALLS];
	int n = inline_calls_at(c, pc, calls), k = 0, same = 0;
	struct line_pos call;
	char buf[1024];

	/* Which of the frame's inlined calls the code is still inside. */
	while (same < depth && same < n && calls[n - 1 - same].entry == chain[same])
		same++;
	if (same < depth) {
		/*
		 * Out of the frame's inlined call, back in its caller: stop, at
		 * the call of a next inlined call that starts right here.
		 */
		while (k < n - same && calls[k].entry == pc)
			k++;
		return k ? k : -1;
	}
	if (n <= depth)
		return -1;
	while (k < n - depth && calls[k].entry == pc)
		k++;
	if (k < n - depth)
		return over_calls ? 0 : k ? k : -1; /* inside an inlined call's code */
	memset(&call, 0, sizeof(call));
	call.line = calls[k - 1].call_line;
	call.file = calls[k - 1].call_file ? sym_call_path(calls[k - 1].call_file,
							   calls[k - 1].call_dir, buf, sizeof(buf))
					   : NULL;
	if (!same_line(&call, start))
		return k;
	/* A call on the line being stepped: next goes on, step enters the call. */
	return over_calls ? 0 : -1;
}

/* Entered a function by a call: stop after its prologue if it has lines, else leave it. */
static int entered_function(const struct step_ctl *c, uint64_t entry_sp, bool *done,
			    struct stop_event *ev)
{
	struct sym *sym = target_sym(c->t);
	uint64_t pc, ret;
	struct sym_loc loc;

	*done = false;
	if (pc_sp(c, &pc, NULL) < 0 || !sym)
		return -1;
	sym_describe(sym, pc, false, &loc);
	if (loc.file) {
		uint64_t body = sym_after_prologue(sym, pc);
		struct stop_at at = { .addr = body, .min_sp = 0 };

		*done = true;
		if (body == pc) {
			*ev = (struct stop_event){ .reason = STOP_STEP,
						   .thread = target_th_num(c->th),
						   .tid = target_th_tid(c->th) };
			landed_on_breakpoint(c, ev);
		} else if (run_until(c, &at, 1, ev) < 0) {
			return -1;
		}
		/* A body that starts with an inlined call stops at the call first. */
		if (ev->reason == STOP_STEP)
			hide_inline_entries(c, body, 0);
		return 0;
	}
	/* No line information (a PLT stub, a library without debug info): run to the return. */
	if (target_read(c->t, entry_sp, &ret, sizeof(ret)) != (ssize_t)sizeof(ret))
		return -1;
	struct stop_at back = { .addr = ret, .min_sp = entry_sp + 8 };

	return run_until(c, &back, 1, ev);
}

/*
 * The line a step starts from: the frame's, which is the line of an
 * inlined call it stopped in front of (see entered_inline).
 * Returns how many inlined calls the frame is inside, which calls into chain
 * (see inline_chain_at).
 */
static int step_start(const struct step_ctl *c, uint64_t pc, struct line_pos *start,
		      struct sym_loc *buf, uint64_t *chain)
{
	struct sym_inline calls[MAX_INLINE_CALLS];
	int hidden = target_th_inline_hidden(c->t, c->th);
	int n = inline_calls_at(c, pc, calls);

	where(c, pc, start, buf);
	if (hidden > n)
		hidden = n;
	if (hidden > 0 && calls[hidden - 1].call_file) {
		start->file = sym_call_path(calls[hidden - 1].call_file, calls[hidden - 1].call_dir,
					    buf->file_buf, sizeof(buf->file_buf));
		start->line = calls[hidden - 1].call_line;
	}
	for (int i = 0; i < n - hidden; i++)
		chain[i] = calls[n - 1 - i].entry;
	return n - hidden;
}

/* Whether pc is in the frame a step started in, inside the same inlined calls (chain). */
static bool same_inline_frame(const struct step_ctl *c, uint64_t pc, int depth,
			      const uint64_t *chain)
{
	struct sym_inline calls[MAX_INLINE_CALLS];
	int n = inline_calls_at(c, pc, calls);

	if (n != depth)
		return false;
	for (int i = 0; i < depth; i++)
		if (calls[n - 1 - i].entry != chain[i])
			return false;
	return true;
}

/*
 * until without LOC is next that does not go back: anything from the
 * function's start to the end of the current line's row counts as that
 * line still, so a jump back to a loop's head runs on (gdb's until).
 */
static int line_step(const struct step_ctl *c, bool over_calls, bool until, struct stop_event *ev)
{
	struct sym_loc buf0, buf;
	struct line_pos start, now;
	uint64_t pc, sp, start_sp, until_end = 0, chain[MAX_INLINE_CALLS];
	int hidden = target_th_inline_hidden(c->t, c->th), depth;

	if (pc_sp(c, &pc, &start_sp) < 0)
		return -1;
	/* In front of an inlined call: step enters it without running, as gdb does. */
	if (!over_calls && hidden > 0) {
		target_th_set_inline_hidden(c->t, c->th, hidden - 1);
		*ev = (struct stop_event){ .reason = STOP_STEP,
					   .thread = target_th_num(c->th),
					   .tid = target_th_tid(c->th) };
		return 0;
	}
	depth = step_start(c, pc, &start, &buf0, chain);
	if (!start.file) {
		err_set("no line information at 0x%" PRIx64 ": use stepi, nexti or finish", pc);
		return -1;
	}
	if (until)
		until_end = sym_line_end(target_sym(c->t), pc);
	for (unsigned n = 0; n < MAX_LINE_STEPS; n++) {
		struct disas_insn insn;
		bool is_call;

		if ((n & 1023) == 1023 && (sig_poll() & SIGEV_INTERRUPT)) {
			*ev = (struct stop_event){ .reason = STOP_INTERRUPTED,
						   .thread = target_th_num(c->th),
						   .tid = target_th_tid(c->th) };
			return 0;
		}
		if (pc_sp(c, &pc, &sp) < 0)
			return -1;
		is_call = decode_at(c, pc, &insn) == 0 && insn.is_call;
		err_clear();
		if (is_call && over_calls) {
			struct stop_at back = { .addr = pc + insn.size, .min_sp = sp };

			if (run_until(c, &back, 1, ev) < 0)
				return -1;
		} else {
			if (target_step_insn(c->t, c->th, ev) < 0)
				return -1;
			if (landed_on_breakpoint(c, ev))
				return 0;
			if (ev->reason == STOP_STEP && is_call) {
				bool done;

				if (entered_function(c, sp - 8, &done, ev) < 0)
					return -1;
				if (done || ev->reason != STOP_STEP)
					return 0;
			}
		}
		if (ev->reason != STOP_STEP)
			return 0;
		if (pc_sp(c, &pc, &sp) < 0)
			return -1;
		where(c, pc, &now, &buf);
		if (pc < start.func_lo || pc >= start.func_hi) {
			/*
			 * Returned into the caller where a row of the line table
			 * starts (a statement or not): stop there, as gdb does. A row
			 * gdb does not keep is no start (see sym_row_at).
			 */
			if (sp > start_sp && now.file && sym_row_at(target_sym(c->t), pc) >= 0)
				return 0;
			if (sp > start_sp && now.file) {
				depth = inline_chain_at(c, pc - 1, MAX_INLINE_CALLS, chain);
				/* Returned into the caller, in the middle of its line: go on to
				 * the next line there, as gdb does. */
				buf0 = buf;
				start = now;
				/* The name may live in the sym_loc itself: point into the copy. */
				start.file = buf.file == buf.file_buf ? buf0.file_buf : buf.file;
				start_sp = sp;
				/* until's reach back was the callee's: in the caller it is next. */
				until_end = 0;
				continue;
			}
			return 0;
		}
		if (until_end && sp == start_sp && pc >= start.func_lo && pc < until_end)
			continue;
		if (now.file && !same_line(&now, &start)) {
			int row = sym_row_at(target_sym(c->t), pc), entered;

			/*
			 * As gdb: another line counts where one of its statement rows
			 * starts. In the middle of one (in the same frame), that line
			 * is the one being stepped now; at a row that is no
			 * statement, step on.
			 */
			if (row < 0 && same_inline_frame(c, pc, depth, chain)) {
				buf0 = buf;
				start.file = buf.file == buf.file_buf ? buf0.file_buf : buf.file;
				start.line = now.line;
				continue;
			}
			if (row == 0)
				continue;
			entered = entered_inline(c, pc, depth, chain, &start, over_calls);
			if (entered == 0)
				continue;
			target_th_set_inline_hidden(c->t, c->th, entered < 0 ? 0 : entered);
			return 0;
		}
	}
	err_set("no new line after %u instructions (a loop on one line?)", MAX_LINE_STEPS);
	return -1;
}

int step_line(const struct step_ctl *c, bool over_calls, struct stop_event *ev)
{
	return line_step(c, over_calls, false, ev);
}

int step_until_next(const struct step_ctl *c, struct stop_event *ev)
{
	return line_step(c, true, true, ev);
}

int step_finish(const struct step_ctl *c, uint64_t return_addr, uint64_t caller_sp,
		struct stop_event *ev)
{
	struct stop_at back = { .addr = return_addr, .min_sp = caller_sp };

	return run_until(c, &back, 1, ev);
}

int step_out_inline(const struct step_ctl *c, int depth, struct stop_event *ev)
{
	struct sym_inline calls[MAX_INLINE_CALLS];
	struct sym_loc buf;
	struct line_pos start;
	uint64_t pc, sp, entry;
	int inlined;

	if (pc_sp(c, &pc, NULL) < 0)
		return -1;
	where(c, pc, &start, &buf);
	inlined = inline_calls_at(c, pc, calls);
	if (inlined <= depth) {
		/* Already out: the call returned to the end of the inlined code. */
		*ev = (struct stop_event){ .reason = STOP_STEP,
					   .thread = target_th_num(c->th),
					   .tid = target_th_tid(c->th) };
		return 0;
	}
	/* The call being finished, told from its neighbours by where its code starts. */
	entry = calls[inlined - 1 - depth].entry;
	for (unsigned n = 0; n < MAX_LINE_STEPS; n++) {
		if ((n & 1023) == 1023 && (sig_poll() & SIGEV_INTERRUPT)) {
			*ev = (struct stop_event){ .reason = STOP_INTERRUPTED,
						   .thread = target_th_num(c->th),
						   .tid = target_th_tid(c->th) };
			return 0;
		}
		if (step_insn(c, true, ev) < 0)
			return -1;
		if (ev->reason != STOP_STEP)
			return 0;
		if (pc_sp(c, &pc, &sp) < 0)
			return -1;
		if (pc < start.func_lo || pc >= start.func_hi)
			return 0;
		inlined = inline_calls_at(c, pc, calls);
		if (inlined > depth && calls[inlined - 1 - depth].entry == entry)
			continue;
		/* Left the call, maybe onto the first instruction of the next one: stop at its call. */
		hide_inline_entries(c, pc, depth);
		return 0;
	}
	err_set("still inside the inlined call after %u instructions", MAX_LINE_STEPS);
	return -1;
}

int step_until(const struct step_ctl *c, const uint64_t *addrs, size_t n,
	       const struct step_frame *frame, struct stop_event *ev)
{
	struct stop_at at[64];
	size_t k = 0;

	for (size_t i = 0; i < n && k < 63; i++) {
		bool here = frame->cfa && addrs[i] >= frame->func_lo && addrs[i] < frame->func_hi;

		at[k++] = (struct stop_at){ .addr = addrs[i], .cfa = here ? frame->cfa : 0 };
	}
	if (frame->return_addr)
		at[k++] =
			(struct stop_at){ .addr = frame->return_addr, .min_sp = frame->caller_sp };
	return run_until(c, at, k, ev);
}
