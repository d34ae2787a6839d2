/* target-step.c - move one thread past one instruction: single-stepped, or run out of line */
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"
#include "procfs.h"
#include "sig.h"
#include "target-int.h"
#include "util.h"

/*
 * Wait for the stepped thread th, which may sleep in a system call that only
 * another (held) thread can end: Ctrl-C or a signal telling lurk to leave
 * must still get through. Then the step is abandoned where the thread is.
 * 1 with *w, -1 on error (err set: "interrupted" when the user stopped it).
 */
static int wait_stepped(struct target *t, struct thread *th, struct wait_event *w)
{
	/* Leaving already (SIGTERM came): steps of the way out wait, two seconds at most. */
	bool leaving = sig_terminate_signal() != 0;
	uint64_t give_up = now_ns() + 2000000000u;

	for (;;) {
		int r = proc_wait(th->tid, false, w);
		unsigned e;

		if (r != 0)
			return r;
		e = leaving ? sig_wait_any(-1, 100) : sig_wait(-1, 100);
		if (!(e & SIGEV_INTERRUPT) && (leaving || !(e & SIGEV_TERMINATE)) &&
		    !(leaving && now_ns() > give_up))
			continue;
		proc_interrupt(th->tid);
		while ((r = proc_wait(th->tid, true, w)) == 1 && w->kind == W_SIGNAL) {
			/* A signal that came first is kept for the program, as in target_step_once. */
			if (t->sigdisp[w->sig].pass && !th->pending_sig && w->sig != SIGTRAP &&
			    !(w->sig == SIGSEGV && sw_owns_fault(t, th->tid)))
				th->pending_sig = w->sig;
			if (w->sig == SIGTRAP)
				return 1; /* the step finished after all */
			proc_interrupt(th->tid);
			if (proc_cont(th->tid, 0) < 0)
				return -1;
		}
		if (r != 1)
			return -1;
		if (w->kind != W_INTERRUPT)
			return 1;
		/*
		 * Interrupted in its system call, the thread also reports the
		 * step's trap as it leaves it: a queued SIGTRAP the program must
		 * never get. Taking it leaves the thread stopped where it was.
		 */
		if (proc_signal_queued(th->tid, SIGTRAP) && proc_cont(th->tid, 0) == 0 &&
		    proc_wait(th->tid, true, w) == 1 &&
		    !(w->kind == W_SIGNAL && w->sig == SIGTRAP)) {
			if (w->kind == W_SIGNAL && t->sigdisp[w->sig].pass && !th->pending_sig)
				th->pending_sig = w->sig;
		}
		err_set("interrupted: thread %d is blocked in a system call that another thread "
			"would end, and the others are held while it steps; it stays where it was",
			th->num);
		return -1;
	}
}

/*
 * One PTRACE_SINGLESTEP of th: 0 when its step trap came, 1 when another
 * event stopped it (*w), -1 on error. Signals that arrive meanwhile are kept
 * for the next resume and the step is tried again.
 */
int target_step_once(struct target *t, struct thread *th, struct wait_event *w)
{
	for (;;) {
		th->stepped = true;
		if (th->agent_at)
			target_agent_enter(t, th);
		if (proc_step(th->tid, 0) < 0 || wait_stepped(t, th, w) != 1)
			return -1;
		if (w->kind == W_SIGNAL && w->sig == SIGTRAP) {
			/* The stepped instruction may also have touched a watched place. */
			th->step_watch = target_hw_fired(t, th);
			return 0;
		}
		if (w->kind == W_SIGNAL) {
			/* A fault on a page lurk protects was queued before: the program never sees it. */
			if (w->sig == SIGSEGV && sw_owns_fault(t, th->tid))
				continue;
			if (t->sigdisp[w->sig].pass && !th->pending_sig)
				th->pending_sig = w->sig;
			continue;
		}
		if (w->kind != W_INTERRUPT)
			return 1;
	}
}

/*
 * Single-step th while every other thread stays stopped. If th sits on a
 * trap, the original bytes go back for that one instruction. Signals that
 * arrive meanwhile are kept for delivery on the next resume. Returns 0 when
 * the step finished, 1 when the thread or process is gone, -1 on error.
 */
int target_step_over(struct target *t, struct thread *th)
{
	struct regs r;
	bool lifted = false;
	int ret = -1;

	if (regs_read(th->tid, &r) < 0)
		return -1;
	if (site_at(&t->sites, regs_pc(t->arch, &r))) {
		if (site_lift(&t->sites, t->pid, th->tid, regs_pc(t->arch, &r)) < 0)
			return -1;
		lifted = true;
	}
	th->at_site = false;
	t->epoch++;
	target_hw_apply(t, th);
	{
		struct wait_event w;
		int got = target_step_once(t, th, &w);

		if (got == 0) {
			ret = 0;
			/* A step into a trampoline is shown at the place it stands for. */
			target_agent_step_done(t, th);
			/* The step may have written a software-watched place (the pages are open now). */
			if (t->sw.nw && sw_stepped(t, th))
				th->step_watch |= STEP_WATCH_SOFT;
		} else if (got == 1) {
			/* Exit, exec, clone or fork in the stepped instruction: the
			 * engine's usual handling, with the thread kept stopped. */
			t->stopping = true;
			target_handle(t, &w);
			t->stopping = false;
			ret = t->gone || !target_find_tid(t, w.tid) ? 1 : 0;
		}
	}
	if (lifted && !t->gone)
		site_lower(&t->sites, t->pid, target_stopped_tid(t), regs_pc(t->arch, &r));
	if (!t->gone)
		target_hw_disarm(t);
	return ret;
}

int target_step_insn(struct target *t, struct thread *th, struct stop_event *ev)
{
	int r;

	if (target_need_process(t) < 0)
		return -1;
	if (t->background) {
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	r = target_step_over(t, th);
	if (r < 0)
		return -1;
	if (t->gone) {
		target_finish_gone(t, ev);
		return 0;
	}
	if (r == 1) {
		err_set("thread %d exited", th->num);
		return -1;
	}
	*ev = (struct stop_event){ .reason = STOP_STEP, .thread = th->num, .tid = th->tid };
	if (th->step_watch) {
		/* The step wrote (or read) a watched place: that is what to report. */
		ev->reason = STOP_WATCHPOINT;
		ev->sig = SIGTRAP;
		ev->addr = th->step_watch & 0xf;
		ev->code = th->step_watch & STEP_WATCH_SOFT ? 1 : 0;
		th->step_watch = 0;
	}
	return 0;
}

/*
 * Only a resume clears the trap flag, and a resume must run none of the
 * program's code: the thread is sent SIGSTOP, which it takes (a ptrace stop
 * lurk swallows) before it could leave the kernel. A thread with other
 * signals queued is left alone: they would come first.
 */
void target_settle(struct target *t)
{
	if (!t->live || t->gone)
		return;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		struct wait_event w;

		if (!th->stepped || th->running || th->exiting || th->in_event || th->listening ||
		    proc_any_signal_queued(th->tid))
			continue;
		if (syscall(SYS_tgkill, t->pid, th->tid, SIGSTOP) < 0 || proc_cont(th->tid, 0) < 0)
			continue;
		th->stepped = false;
		while (proc_wait(th->tid, true, &w) == 1) {
			if (w.kind == W_SIGNAL && w.sig == SIGSTOP)
				break;
			if (w.kind != W_SIGNAL && w.kind != W_INTERRUPT) {
				/* Exit or exec: the event loop's business. */
				t->stopping = true;
				target_handle(t, &w);
				t->stopping = false;
				break;
			}
			if (w.sig != SIGTRAP && !(w.sig == SIGSEGV && sw_owns_fault(t, th->tid)) &&
			    t->sigdisp[w.sig].pass && !th->pending_sig)
				th->pending_sig = w.sig;
			proc_cont(th->tid, 0);
		}
		th->regs_epoch = ~0u;
	}
	err_clear();
}

static ssize_t ool_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return target_read(arg, addr, buf, len);
}

static int ool_write(void *arg, uint64_t addr, const void *buf, size_t len)
{
	struct target *t = arg;

	return mem_write(t->pid, target_stopped_tid(t), addr, buf, len);
}

void target_gaps(struct target *t, void (*fn)(void *farg, uint64_t start, uint64_t end), void *farg)
{
	struct maps maps;
	uint64_t prev = 0x10000;

	if (procfs_maps_read(t->pid, &maps) < 0) {
		err_clear();
		return;
	}
	for (size_t i = 0; i < maps.n; i++) {
		if (maps.v[i].start > prev)
			fn(farg, prev, maps.v[i].start);
		if (maps.v[i].end > prev)
			prev = maps.v[i].end;
	}
	procfs_maps_free(&maps);
}

static void ool_gaps(void *arg, void (*fn)(void *farg, uint64_t start, uint64_t end), void *farg)
{
	target_gaps(arg, fn, farg);
}

static struct disas *ool_disas(void *arg)
{
	return target_disas(arg);
}

/*
 * Resume th from the trap it sits on by running the original instruction
 * out of line. r, when given, holds its registers with the pc on the site.
 */
bool target_resume_through_slot(struct target *t, struct thread *th, struct regs *r)
{
	const struct ool_ops ops = {
		target_map_slot_page, ool_read, ool_write, ool_gaps, ool_disas, t
	};
	struct site *site = (struct site *)site_at(&t->sites, th->site_addr);
	struct regs own;
	uint64_t slot;

	if (!r) {
		if (regs_read(th->tid, &own) < 0)
			return false;
		r = &own;
	}
	if (!site || regs_pc(t->arch, r) != site->addr)
		return false;
	slot = ool_slot(&t->ool, &ops, site);
	if (!slot)
		return false;
	regs_set(r, t->arch->pc, slot);
	th->regs_epoch = ~0u;
	if (regs_write_one(th->tid, r, t->arch->pc) < 0) {
		regs_set(r, t->arch->pc, site->addr);
		return false;
	}
	return true;
}

/*
 * A thread stopped inside an out-of-line slot is shown, and left, at the
 * place in the original code it stands for.
 */
void target_leave_slots(struct target *t)
{
	if (!t->ool.npages)
		return;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		struct regs r;
		uint64_t orig;

		if (th->running || th->exiting || regs_read(th->tid, &r) < 0)
			continue;
		if (ool_map_back(&t->ool, t->sites.v, t->sites.n, regs_pc(t->arch, &r), &orig)) {
			regs_set(&r, t->arch->pc, orig);
			regs_write(th->tid, &r);
			th->regs_epoch = ~0u;
			/* Back on the trap it has already passed: through the slot again, not a new hit. */
			if (site_at(&t->sites, orig)) {
				th->at_site = true;
				th->site_addr = orig;
			}
		}
	}
	err_clear();
}
