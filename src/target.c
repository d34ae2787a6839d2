/* target.c - one debugged process: threads, resume and all-stop, stop events, symbols and frames */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bp.h"
#include "disas.h"
#include "err.h"
#include "log.h"
#include "mem.h"
#include "oolstep.h"
#include "preflight.h"
#include "proc.h"
#include "procfs.h"
#include "sig.h"
#include "sym.h"
#include "target.h"
#include "target-int.h"
#include "unwind.h"
#include "util.h"

#define MAX_FRAMES	256
#define STOP_TIMEOUT_MS 3000

static void notify(struct target *t, enum target_note kind, const struct thread *th, int sig,
		   pid_t child, const char *path)
{
	struct target_notice n = { kind, th ? th->num : 0, th ? th->tid : 0, child, sig, 0, path };

	if (t->notify)
		t->notify(t->notify_arg, &n);
}

/* gdb's defaults: quiet for signals programs use routinely, stop for everything else. */
static void init_sigdisp(struct target *t)
{
	static const int quiet[] = { SIGALRM, SIGURG,	SIGCHLD, SIGIO, SIGVTALRM,
				     SIGPROF, SIGWINCH, SIGCONT, SIGPWR };

	for (int s = 1; s < NSIG; s++)
		t->sigdisp[s] = (struct sig_disposition){ true, true, true };
	for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
		t->sigdisp[quiet[i]] = (struct sig_disposition){ false, false, true };
	/* glibc's internal real-time signals (thread cancellation, setxid). */
	t->sigdisp[SIGRTMIN - 2] = (struct sig_disposition){ false, false, true };
	t->sigdisp[SIGRTMIN - 1] = (struct sig_disposition){ false, false, true };
	/* Ctrl-C belongs to the debugger; a trap is never the program's to see. */
	t->sigdisp[SIGINT].pass = false;
	t->sigdisp[SIGTRAP].pass = false;
}

struct target *target_new(const struct arch *arch)
{
	struct target *t = xcalloc(1, sizeof(*t));

	t->arch = arch;
	t->epoch = 1;
	bp_sites_init(&t->sites, arch);
	sw_init(t);
	init_sigdisp(t);
	return t;
}

static void free_threads(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		free(t->threads[i]->frames);
		free(t->threads[i]);
	}
	t->nthreads = 0;
}

static void free_early(struct target *t)
{
	while (t->early) {
		struct early_stop *e = t->early;

		t->early = e->next;
		free(e);
	}
}

static void drop_symbols(struct target *t)
{
	unwind_free(t->unwinder);
	t->unwinder = NULL;
	sym_free(t->sym);
	t->sym = NULL;
}

/*
 * Forget the process after it is gone or we left it. Keeps exe for "run"
 * again, and the symbol session until another process needs one: freeing
 * libc's DWARF costs half a millisecond that lurk exiting right after a
 * detach need not pay.
 */
static void reset(struct target *t)
{
	free_threads(t);
	free_early(t);
	bp_forget_all(&t->sites);
	t->live = false;
	t->background = false;
	t->stopping = false;
	t->gone = false;
	t->job_stopped = false;
	memset(&t->ool, 0, sizeof(t->ool));
	t->syscall_insn = 0;
	t->nmoribund = 0;
	t->dr7 = 0;
	sw_reset(t);
	t->pid = 0;
	t->epoch++;
}

void target_free(struct target *t)
{
	if (!t)
		return;
	reset(t);
	drop_symbols(t);
	free(t->threads);
	bp_sites_free(&t->sites);
	disas_free(t->disas);
	free(t->exe);
	free(t);
}

void target_set_notify(struct target *t, target_notify_fn fn, void *arg)
{
	t->notify = fn;
	t->notify_arg = arg;
}

struct thread *target_find_tid(const struct target *t, pid_t tid)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->tid == tid)
			return t->threads[i];
	return NULL;
}

static struct thread *add_thread(struct target *t, pid_t tid)
{
	struct thread *th = xcalloc(1, sizeof(*th));

	th->num = ++t->next_num;
	th->tid = tid;
	VEC_GROW(t->threads, t->nthreads, t->cap);
	t->threads[t->nthreads++] = th;
	return th;
}

static void remove_thread(struct target *t, struct thread *th)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		if (t->threads[i] != th)
			continue;
		memmove(&t->threads[i], &t->threads[i + 1],
			(t->nthreads - i - 1) * sizeof(t->threads[0]));
		t->nthreads--;
		free(th->frames);
		free(th);
		return;
	}
}

void target_resume_thread(struct target *t, struct thread *th, int sig)
{
	/* ESRCH: it died meanwhile; its exit will be reaped, so count it as running. */
	th->stepped = sw_stepping(t);
	if (th->stepped)
		proc_step(th->tid, sig);
	else if (t->syscall_stops || sw_wants_syscalls(t))
		proc_syscall(th->tid, sig);
	else
		proc_cont(th->tid, sig);
	th->running = true;
	th->listening = false;
	th->in_event = false;
}

void target_mark_stopped(struct thread *th)
{
	th->running = false;
	th->stop_wanted = false;
}

/* A thread stopped at an event lurk handles itself: keep it stopped if we are stopping, else go on. */
static void continue_or_hold(struct target *t, struct thread *th)
{
	if (th->stop_wanted || t->stopping) {
		target_mark_stopped(th);
		/* Held inside its system call: no system call can be injected here. */
		th->in_event = true;
	} else {
		target_resume_thread(t, th, 0);
	}
}

void target_queue_event(struct target *t, struct thread *th, enum stop_reason reason, int sig,
			uint64_t addr)
{
	target_mark_stopped(th);
	th->has_event = true;
	th->event = (struct stop_event){ reason, th->num, th->tid, sig, 0, addr };
	th->event_seq = ++t->event_seq;
}

static bool belongs_to(const struct target *t, pid_t tid)
{
	char buf[32];

	return procfs_status_field(t->pid, tid, "Tgid", buf, sizeof(buf)) == 0 &&
	       atoi(buf) == t->pid;
}

static bool task_exists(const struct target *t, pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)t->pid, (int)tid);
	return access(path, F_OK) == 0;
}

static bool take_early_stop(struct target *t, pid_t pid)
{
	for (struct early_stop **p = &t->early; *p; p = &(*p)->next) {
		if ((*p)->pid == pid) {
			struct early_stop *e = *p;

			*p = e->next;
			free(e);
			return true;
		}
	}
	return false;
}

/*
 * The target forked: the child is traced too (PTRACE_O_TRACEFORK) so that
 * it cannot run into a breakpoint of ours unattended. Give it back its
 * original text and let it go. A vfork child shares the parent's memory,
 * so its text is the parent's and must keep the traps.
 */
static void release_child(struct target *t, struct thread *parent, pid_t child, bool shares_memory)
{
	struct wait_event w;

	if (!take_early_stop(t, child)) {
		while (proc_wait(child, true, &w) == 1) {
			if (w.kind == W_EXITED || w.kind == W_KILLED)
				return;
			if (w.kind == W_INTERRUPT || w.kind == W_GROUP_STOP || w.kind == W_SIGNAL)
				break;
			proc_cont(child, 0);
		}
	}
	if (!shares_memory && t->sites.n)
		bp_restore_in(&t->sites, child);
	if (!shares_memory)
		sw_release_child(t, child);
	else if (t->sw.applied)
		sw_vfork_begin(t, parent, child);
	proc_detach(child, 0);
	notify(t, NOTE_FORK_DETACHED, NULL, 0, child, NULL);
}

/* Another program replaced the process image: one thread, new symbols, no traps. */
static void handle_exec(struct target *t, struct thread *th)
{
	for (size_t i = t->nthreads; i-- > 0;)
		if (t->threads[i] != th)
			remove_thread(t, t->threads[i]);
	th->tid = t->pid;
	drop_symbols(t);
	bp_forget_all(&t->sites);
	/* A new address space: nothing lurk protected or armed is there any more. */
	sw_reset(t);
	t->dr7 = 0;
	t->dr_gen++;
	free(t->exe);
	t->exe = procfs_exe(t->pid);
	t->epoch++;
	notify(t, NOTE_EXEC, th, 0, 0, t->exe);
}

/* While every thread is stopped the debug registers are off: each thread gets them back on resume. */
static void disarm_debugregs(struct target *t)
{
	if (!t->dr7)
		return;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (!th->running && !th->exiting && th->dr_gen) {
			proc_set_debugreg(th->tid, 7, 0);
			th->dr_gen = 0;
		}
	}
	err_clear();
}

/* Give a stopped thread lurk's debug registers (a new thread starts without them). */
static void apply_debugregs(struct target *t, struct thread *th)
{
	if (th->dr_gen == t->dr_gen)
		return;
	for (int i = 0; i < 4; i++)
		if (t->dr7 & (3ull << (2 * i)))
			proc_set_debugreg(th->tid, i, t->dr_addr[i]);
	proc_set_debugreg(th->tid, 7, t->dr7);
	th->dr_gen = t->dr_gen;
	err_clear();
}

static bool was_trap(struct target *t, uint64_t addr)
{
	for (unsigned i = 0; i < t->nmoribund; i++)
		if (t->moribund[i].addr == addr && t->moribund[i].until_epoch > t->epoch)
			return true;
	return false;
}

static bool resume_through_slot(struct target *t, struct thread *th, struct regs *r);

/*
 * A trap the hook handled (a traced call): the thread goes on at once
 * through the out-of-line copy while the others keep running, or stays
 * stopped on the site when every thread is being stopped. False when the
 * instruction cannot run out of line: then the hit is queued, reported as
 * a breakpoint stop that the session lets pass, and stepped over with the
 * other threads held.
 */
static bool pass_trap(struct target *t, struct thread *th, struct regs *r)
{
	if (th->stop_wanted || t->stopping) {
		regs_write_one(th->tid, r, t->arch->pc);
		target_mark_stopped(th);
		return true;
	}
	/* The hook removed this very trap: the original instruction is back in place. */
	if (!bp_site_at(&t->sites, th->site_addr)) {
		regs_write_one(th->tid, r, t->arch->pc);
		th->regs_epoch = ~0u;
		th->at_site = false;
		target_resume_thread(t, th, 0);
		return true;
	}
	if (!resume_through_slot(t, th, r))
		return false;
	th->at_site = false;
	target_resume_thread(t, th, 0);
	return true;
}

static void handle_sigtrap(struct target *t, struct thread *th)
{
	siginfo_t si;
	struct regs r;
	uint64_t pc;
	bool handled;

	/* A debug register fired: DR6 says which; clear it for the next one. */
	if (proc_getsiginfo(th->tid, &si) < 0) {
		err_clear();
		si.si_code = 0;
	}
	/* With single-stepping on, a step that also set off a debug register says TRAP_TRACE. */
	if (t->dr7 && (si.si_code == TRAP_HWBKPT || (si.si_code == TRAP_TRACE && sw_stepping(t)))) {
		uint64_t dr6 = 0;

		if (proc_get_debugreg(th->tid, 6, &dr6) == 0 && (dr6 & 0xf)) {
			proc_set_debugreg(th->tid, 6, 0);
			target_queue_event(t, th, STOP_WATCHPOINT, SIGTRAP, dr6 & 0xf);
			return;
		}
		err_clear();
	}
	/* Software watchpoints by single-stepping: every step ends here (a step over a
	 * system call instruction reports TRAP_BRKPT; an int3 on x86_64 SI_KERNEL). */
	if ((si.si_code == TRAP_TRACE || si.si_code == TRAP_BRKPT) && sw_stepping(t)) {
		if (th->stop_wanted || t->stopping) {
			target_mark_stopped(th);
		} else if (sw_stepped(t, th)) {
			target_queue_event(t, th, STOP_WATCHPOINT, SIGTRAP, 0);
			th->event.code = 1;
		} else {
			target_resume_thread(t, th, 0);
		}
		return;
	}
	/* int3 reports si_code SI_KERNEL on x86_64; TRAP_BRKPT elsewhere. */
	if ((si.si_code == SI_KERNEL || si.si_code == TRAP_BRKPT) && regs_read(th->tid, &r) == 0) {
		pc = regs_pc(t->arch, &r) - t->arch->trap_pc_adjust;
		if (bp_site_at(&t->sites, pc)) {
			/*
			 * Back up over the trap so the original instruction runs on
			 * resume. A traced call writes the registers once, when it
			 * moves on through the slot: each ptrace call here is a
			 * measurable share of a traced call's cost.
			 */
			regs_set(&r, t->arch->pc, pc);
			th->at_site = true;
			th->site_addr = pc;
			/* It is stopped while the hook looks at it (plugins read its registers). */
			th->running = false;
			th->regs = r;
			th->regs_epoch = t->epoch;
			handled = t->trap_hook && t->trap_hook(t->trap_arg, th, pc, &r);
			/* What the hook saw (plugins unwind) is gone once the thread moves on. */
			th->frames_epoch = ~0u;
			if (handled && pass_trap(t, th, &r))
				return;
			th->regs_epoch = ~0u;
			regs_write_one(th->tid, &r, t->arch->pc);
			target_queue_event(t, th, STOP_BREAKPOINT, SIGTRAP, pc);
			return;
		}
		if (was_trap(t, pc)) {
			/* The original instruction is back: run it as if nothing happened. */
			regs_set(&r, t->arch->pc, pc);
			regs_write(th->tid, &r);
			continue_or_hold(t, th);
			th->in_event = false;
			return;
		}
	}
	th->pending_sig = t->sigdisp[SIGTRAP].pass ? SIGTRAP : 0;
	target_queue_event(t, th, STOP_SIGNAL, SIGTRAP, 0);
}

static void handle_signal(struct target *t, struct thread *th, int sig)
{
	const struct sig_disposition *d = &t->sigdisp[sig];

	if (sig == SIGTRAP) {
		handle_sigtrap(t, th);
		return;
	}
	if (sig == SIGSEGV && t->sw.np) {
		siginfo_t si;

		if (proc_getsiginfo(th->tid, &si) == 0 && sw_fault(t, th, &si))
			return;
		LOG(LOG_WATCH, "thread %d: SIGSEGV code %d at %p is the program's", th->num, si.si_code,
		    si.si_addr);
		err_clear();
	}
	if (!d->stop) {
		if (d->print)
			notify(t, NOTE_SIGNAL_PASSED, th, sig, 0, NULL);
		if (th->stop_wanted || t->stopping) {
			target_mark_stopped(th);
			th->pending_sig = d->pass ? sig : 0;
		} else {
			target_resume_thread(t, th, d->pass ? sig : 0);
		}
		return;
	}
	th->pending_sig = d->pass ? sig : 0;
	target_queue_event(t, th, STOP_SIGNAL, sig, 0);
}

static void process_gone(struct target *t, const struct wait_event *w)
{
	t->gone = true;
	if (w->kind == W_KILLED)
		t->gone_event = (struct stop_event){ .reason = STOP_KILLED, .sig = w->sig };
	else
		t->gone_event = (struct stop_event){ .reason = STOP_EXITED, .code = w->status };
	t->gone_event.tid = t->pid;
}

/* A syscall-exit stop of brk, mmap, mremap or munmap. */
static bool memory_syscall_done(struct target *t, struct thread *th)
{
	struct __ptrace_syscall_info info;
	struct regs r;
	int64_t nr;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, th->tid, (void *)sizeof(info), &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_EXIT || regs_read(th->tid, &r) < 0) {
		err_clear();
		return false;
	}
	nr = t->arch->syscall_nr(&r);
	return nr == SYS_brk || nr == SYS_mmap || nr == SYS_mremap || nr == SYS_munmap;
}

void target_set_syscall_stops(struct target *t, bool on)
{
	t->syscall_stops = on;
}

/* Handle one wait status. Reportable stops end up queued on their thread. */
void target_handle(struct target *t, const struct wait_event *w)
{
	struct thread *th = target_find_tid(t, w->tid);

	if (!th) {
		if (w->kind == W_EXITED || w->kind == W_KILLED)
			return; /* a thread or child we already let go */
		if (belongs_to(t, w->tid)) {
			/* A new thread's first stop, before its creator's clone event. */
			th = add_thread(t, w->tid);
			apply_debugregs(t, th);
			notify(t, NOTE_NEW_THREAD, th, 0, 0, NULL);
		} else {
			struct early_stop *e = xcalloc(1, sizeof(*e));

			e->pid = w->tid;
			e->next = t->early;
			t->early = e;
			return;
		}
	}
	switch (w->kind) {
	case W_EXITED:
	case W_KILLED:
		if (th->tid == t->pid) {
			process_gone(t, w);
			return;
		}
		notify(t, NOTE_THREAD_EXITED, th, 0, 0, NULL);
		remove_thread(t, th);
		return;
	case W_EXIT:
		/* About to exit: let it. A main thread that called pthread_exit()
		 * stays a zombie until the whole process ends; nobody waits for it. */
		target_resume_thread(t, th, 0);
		th->exiting = true;
		return;
	case W_CLONE:
		/* The new thread may have stopped, exited and been reaped already,
		 * before this event of its creator's: then there is nothing to add. */
		if (!target_find_tid(t, (pid_t)w->msg) && task_exists(t, (pid_t)w->msg)) {
			struct thread *nt = add_thread(t, (pid_t)w->msg);

			nt->running = true; /* its first stop is on the way */
			notify(t, NOTE_NEW_THREAD, nt, 0, 0, NULL);
		}
		continue_or_hold(t, th);
		return;
	case W_FORK:
	case W_VFORK:
		release_child(t, th, (pid_t)w->msg, w->kind == W_VFORK);
		continue_or_hold(t, th);
		return;
	case W_VFORK_DONE:
		if (sw_vfork_done(t, th))
			return;
		continue_or_hold(t, th);
		return;
	case W_EXEC:
		handle_exec(t, th);
		continue_or_hold(t, th);
		return;
	case W_INTERRUPT:
		if (th->stop_wanted || t->stopping) {
			target_mark_stopped(th);
			return;
		}
		/* A new thread's first stop, or an interrupt that arrived late: not ours to show. */
		apply_debugregs(t, th);
		target_resume_thread(t, th, 0);
		return;
	case W_GROUP_STOP:
		if (th->stop_wanted || t->stopping) {
			target_mark_stopped(th);
			return;
		}
		/* Job control stopped the process: keep it stopped, but hear about SIGCONT. */
		proc_listen(th->tid);
		th->running = true;
		th->listening = true;
		return;
	case W_SIGNAL:
		handle_signal(t, th, w->sig);
		return;
	case W_SYSCALL:
		if (sw_syscall(t, th))
			return;
		/* At the end of a system call that changes memory, ask the sampler now. */
		if (t->syscall_stops && t->sampler && !t->stopping && !th->stop_wanted && memory_syscall_done(t, th) &&
		    t->sampler(t->sampler_arg)) {
			target_mark_stopped(th);
			target_queue_event(t, th, STOP_SAMPLED, 0, 0);
			return;
		}
		continue_or_hold(t, th);
		return;
	default:
		continue_or_hold(t, th);
		return;
	}
}

static bool any_running(const struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->running && !t->threads[i]->exiting)
			return true;
	return false;
}

static bool any_event(const struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->has_event)
			return true;
	return false;
}

/* Reap every status that is ready. Returns -1 when nothing is left to wait for. */
static int drain(struct target *t)
{
	struct wait_event w;
	int r;

	while ((r = proc_wait(-1, false, &w)) == 1)
		target_handle(t, &w);
	if (r < 0 && !t->gone && t->live) {
		/* ECHILD: every thread vanished without a status we could see. */
		t->gone = true;
		t->gone_event = (struct stop_event){ .reason = STOP_KILLED, .sig = SIGKILL };
	}
	return r;
}

static void leave_slots(struct target *t);

pid_t target_stopped_tid(const struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (!t->threads[i]->running)
			return t->threads[i]->tid;
	return t->pid;
}

/*
 * All-stop: interrupt every running thread and wait until each has stopped
 * (or exited). Stops that arrive meanwhile for other reasons are kept as
 * pending events, reported one by one on later resumes.
 */
/*
 * A thread interrupted right after it executed a trap can stop for the
 * interrupt with the trap's SIGTRAP still queued, not yet taken. Left so,
 * the signal would reach the program once lurk detached or was killed,
 * when the trap byte is gone. Each such thread takes it now: resumed, it
 * stops at once for the queued signal (before running any code), which is
 * then handled like any trap, or kept for the program if it was not ours.
 */
static void take_queued_traps(struct target *t)
{
	for (size_t i = 0; i < t->nthreads && !t->gone; i++) {
		struct thread *th = t->threads[i];

		for (int tries = 0; tries < 4; tries++) {
			struct wait_event w;

			if (th->running || th->exiting || th->has_event || th->listening ||
			    th->in_event || th->pending_sig ||
			    !(proc_signal_queued(th->tid, SIGTRAP) ||
			      (t->sw.np && proc_signal_queued(th->tid, SIGSEGV))))
				break;
			if (proc_cont(th->tid, 0) < 0)
				break;
			th->stepped = false;
			th->running = true;
			th->stop_wanted = true;
			if (proc_wait(th->tid, true, &w) != 1)
				break;
			target_handle(t, &w);
			if (th->running) {
				/* Not a stop (it cannot be, with a signal queued): hold it again. */
				proc_interrupt(th->tid);
				if (proc_wait(th->tid, true, &w) == 1)
					target_handle(t, &w);
			}
		}
	}
	err_clear();
}

static void stop_all(struct target *t)
{
	uint64_t deadline = now_ns() + (uint64_t)STOP_TIMEOUT_MS * 1000000u;

	t->stopping = true;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (th->running && !th->stop_wanted && !th->exiting) {
			proc_interrupt(th->tid);
			th->stop_wanted = true;
		}
	}
	while (any_running(t) && !t->gone) {
		if (drain(t) < 0)
			break;
		if (!any_running(t) || t->gone)
			break;
		if (sig_wait(-1, 100) & SIGEV_TIMEOUT && now_ns() > deadline) {
			/* A thread in uninterruptible sleep cannot stop; say so and go on. */
			for (size_t i = 0; i < t->nthreads; i++)
				if (t->threads[i]->running && !t->threads[i]->exiting)
					notify(t, NOTE_THREAD_STUCK, t->threads[i], 0, 0, NULL);
			break;
		}
	}
	take_queued_traps(t);
	t->stopping = false;
	leave_slots(t);
	target_settle(t);
	/* Nothing runs until the next resume: a lurk killed meanwhile leaves no trap behind, */
	if (!t->gone && t->live) {
		bp_all_out(&t->sites, t->pid, target_stopped_tid(t));
		/* no armed debug register and no page with lurk's protection. */
		disarm_debugregs(t);
		sw_unprotect(t);
	}
	err_clear();
}

/*
 * One PTRACE_SINGLESTEP of th: 0 when its step trap came, 1 when another
 * event stopped it (*w), -1 on error. Signals that arrive meanwhile are kept
 * for the next resume and the step is tried again.
 */
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
		    proc_wait(th->tid, true, w) == 1 && !(w->kind == W_SIGNAL && w->sig == SIGTRAP)) {
			if (w->kind == W_SIGNAL && t->sigdisp[w->sig].pass && !th->pending_sig)
				th->pending_sig = w->sig;
		}
		err_set("interrupted: thread %d is blocked in a system call that another thread would "
			"end, and the others are held while it steps; it stays where it was",
			th->num);
		return -1;
	}
}

int target_step_once(struct target *t, struct thread *th, struct wait_event *w)
{
	for (;;) {
		th->stepped = true;
		if (proc_step(th->tid, 0) < 0 || wait_stepped(t, th, w) != 1)
			return -1;
		if (w->kind == W_SIGNAL && w->sig == SIGTRAP) {
			/* The stepped instruction may also have touched a watched place. */
			uint64_t dr6 = 0;

			th->step_watch = 0;
			if (t->dr7 && proc_get_debugreg(th->tid, 6, &dr6) == 0 && (dr6 & 0xf)) {
				th->step_watch = (unsigned)(dr6 & 0xf);
				proc_set_debugreg(th->tid, 6, 0);
			}
			err_clear();
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
static int step_thread(struct target *t, struct thread *th)
{
	struct regs r;
	bool lifted = false;
	int ret = -1;

	if (regs_read(th->tid, &r) < 0)
		return -1;
	if (bp_site_at(&t->sites, regs_pc(t->arch, &r))) {
		if (bp_site_lift(&t->sites, t->pid, th->tid, regs_pc(t->arch, &r)) < 0)
			return -1;
		lifted = true;
	}
	th->at_site = false;
	t->epoch++;
	apply_debugregs(t, th);
	{
		struct wait_event w;
		int got = target_step_once(t, th, &w);

		if (got == 0) {
			ret = 0;
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
		bp_site_lower(&t->sites, t->pid, target_stopped_tid(t), regs_pc(t->arch, &r));
	if (!t->gone)
		disarm_debugregs(t);
	return ret;
}

/* A system call instruction in executable memory of the process: the vDSO's or the C library's. */
static uint64_t find_syscall_insn(struct target *t)
{
	const unsigned char *insn = t->arch->syscall_insn;
	size_t insn_len = t->arch->syscall_insn_len;
	struct maps maps;
	unsigned char buf[65536];

	if (t->syscall_insn)
		return t->syscall_insn;
	if (procfs_maps_read(t->pid, &maps) < 0)
		return 0;
	for (int pass = 0; pass < 2 && !t->syscall_insn; pass++) {
		for (size_t i = 0; i < maps.n && !t->syscall_insn; i++) {
			const struct map *m = &maps.v[i];
			bool vdso = strcmp(m->path, "[vdso]") == 0;

			if (m->perms[2] != 'x' || (pass == 0) != vdso)
				continue;
			/* The chunks overlap: an instruction across a boundary is found too. */
			for (uint64_t a = m->start; a < m->end && !t->syscall_insn;
			     a += sizeof(buf) - (insn_len - 1)) {
				size_t len = m->end - a < sizeof(buf) ? (size_t)(m->end - a) : sizeof(buf);
				ssize_t got = mem_read(t->pid, a, buf, len);
				const unsigned char *at =
					got > 0 ? memmem(buf, (size_t)got, insn, insn_len) : NULL;

				if (at)
					t->syscall_insn = a + (uint64_t)(at - buf);
			}
		}
	}
	procfs_maps_free(&maps);
	err_clear();
	return t->syscall_insn;
}

/*
 * The single-step of an injected system call. Those calls never block, so
 * the wait does not give up for Ctrl-C or a signal telling lurk to leave (as
 * a user's step does): half-done, the call would leave a page protected or a
 * mapping behind. 0 when the step's trap came, 1 when another event stopped
 * th (*w), -1 on error.
 */
static int step_injected(struct target *t, struct thread *th, struct wait_event *w)
{
	for (;;) {
		th->stepped = true;
		if (proc_step(th->tid, 0) < 0 || proc_wait(th->tid, true, w) != 1)
			return -1;
		if (w->kind == W_SIGNAL && w->sig == SIGTRAP)
			return 0;
		if (w->kind == W_INTERRUPT)
			continue;
		if (w->kind != W_SIGNAL)
			return 1;
		/* A signal that came first is kept for the program; a fault lurk caused, dropped. */
		if (!(w->sig == SIGSEGV && sw_owns_fault(t, th->tid)) && t->sigdisp[w->sig].pass &&
		    !th->pending_sig)
			th->pending_sig = w->sig;
	}
}

/*
 * Make stopped thread th run one system call for lurk, as gdb does for
 * inferior calls: its registers are saved, set to the call and restored, so
 * the program sees nothing (a system call it was in restarts as it would).
 */
int target_inject_syscall(struct target *t, struct thread *th, long nr, const uint64_t args[6],
			  uint64_t *result)
{
	const struct arch *a = t->arch;
	struct regs saved, r;
	struct wait_event w;
	uint64_t insn = find_syscall_insn(t);
	int ret = -1;

	if (!insn) {
		err_set("no system call instruction found in the process");
		return -1;
	}
	if (regs_read(th->tid, &saved) < 0)
		return -1;
	r = saved;
	regs_set(&r, a->sys_nr, (uint64_t)nr);
	regs_set(&r, a->sys_stop_nr, (uint64_t)-1);
	for (int i = 0; i < 6; i++)
		regs_set(&r, a->sys_args[i], args[i]);
	regs_set(&r, a->pc, insn);
	if (regs_write(th->tid, &r) < 0)
		return -1;
	switch (step_injected(t, th, &w)) {
	case 0:
		if (regs_read(th->tid, &r) == 0) {
			*result = regs_get(&r, a->sys_ret);
			ret = 0;
		}
		break;
	case 1:
		err_set("thread %d changed state during an injected system call", th->num);
		break;
	default:
		break;
	}
	regs_write(th->tid, &saved);
	th->regs_epoch = ~0u;
	return ret;
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

/*
 * A thread that can run an injected system call: stopped, and not held
 * inside a system call of its own at a clone, fork, exec or exit event (a
 * clone there would hand the new thread lurk's registers).
 */
struct thread *target_injectable_thread(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (!th->running && !th->exiting && !th->in_event && !th->listening)
			return th;
	}
	return NULL;
}

static uint64_t ool_map_page(void *arg, uint64_t hint)
{
	struct target *t = arg;
	struct thread *th = target_injectable_thread(t);
	uint64_t addr;
	/* PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE */
	const uint64_t args[6] = { hint, 4096, 0x1 | 0x4, 0x02 | 0x20 | 0x100000, (uint64_t)-1, 0 };

	if (!th || target_inject_syscall(t, th, SYS_mmap, args, &addr) < 0)
		return 0;
	return addr;
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

static void ool_gaps(void *arg, void (*fn)(void *farg, uint64_t start, uint64_t end), void *farg)
{
	struct target *t = arg;
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

static struct disas *ool_disas(void *arg)
{
	return target_disas(arg);
}

/*
 * Resume th from the trap it sits on by running the original instruction
 * out of line. r, when given, holds its registers with the pc on the site.
 */
static bool resume_through_slot(struct target *t, struct thread *th, struct regs *r)
{
	const struct ool_ops ops = { ool_map_page, ool_read, ool_write, ool_gaps, ool_disas, t };
	struct bp_site *site = (struct bp_site *)bp_site_at(&t->sites, th->site_addr);
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
static void leave_slots(struct target *t)
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
			if (bp_site_at(&t->sites, orig)) {
				th->at_site = true;
				th->site_addr = orig;
			}
		}
	}
	err_clear();
}

/* Give the process its memory back: lurk's slot pages are unmapped. */
int target_inject_any(struct target *t, long nr, const uint64_t args[6], uint64_t *result)
{
	struct thread *th = target_injectable_thread(t);

	if (th)
		return target_inject_syscall(t, th, nr, args, result);
	/* Every thread may be held at a system-call stop: one makes the call through its own. */
	for (size_t i = 0; i < t->nthreads; i++) {
		th = t->threads[i];
		if (th->running || th->exiting || th->listening || !th->in_event)
			continue;
		if (target_inject_at_syscall_stop(t, th, nr, args, result) == 0)
			return 0;
	}
	err_set("no thread can make a system call for lurk now");
	return -1;
}

static void unmap_slots(struct target *t)
{
	for (size_t i = 0; i < t->ool.npages; i++) {
		const uint64_t args[6] = { t->ool.pages[i].base, 4096, 0, 0, 0, 0 };
		uint64_t ret;

		if (target_inject_any(t, SYS_munmap, args, &ret) < 0)
			break;
	}
	memset(&t->ool, 0, sizeof(t->ool));
	err_clear();
}

static void resume_all(struct target *t)
{
	bp_all_in(&t->sites, t->pid, target_stopped_tid(t));
	sw_protect(t);
	err_clear();
	/*
	 * A process stopped by job control before lurk came stays stopped on a
	 * plain detach; but "continue" means run, and its threads would only
	 * go back into the job-control stop: wake it as the shell's "bg" would.
	 */
	if (t->job_stopped) {
		t->job_stopped = false;
		kill(t->pid, SIGCONT);
		notify(t, NOTE_JOB_CONTINUED, NULL, 0, t->pid, NULL);
	}
	/*
	 * A thread on a trap runs its original instruction out of line, or, where
	 * that cannot be, steps over it alone with the trap lifted and the
	 * others held.
	 */
	for (size_t i = 0; i < t->nthreads && !t->gone; i++) {
		struct thread *th = t->threads[i];

		if (th->at_site && !th->running && !th->exiting &&
		    bp_site_at(&t->sites, th->site_addr) && !resume_through_slot(t, th, NULL))
			step_thread(t, th);
		th->at_site = false;
	}
	t->epoch++;
	unwind_forget(t->unwinder);
	for (size_t i = 0; i < t->nthreads && !t->gone; i++) {
		struct thread *th = t->threads[i];

		if (th->running || th->exiting)
			continue;
		/* A thread that appeared while all stopped gets the watchpoints too. */
		apply_debugregs(t, th);
		target_resume_thread(t, th, th->pending_sig);
		th->pending_sig = 0;
	}
}

/* The earliest collected stop, if any; a breakpoint stop whose site is gone is dropped. */
static bool take_pending(struct target *t, struct stop_event *ev)
{
	for (;;) {
		struct thread *first = NULL;

		for (size_t i = 0; i < t->nthreads; i++) {
			struct thread *th = t->threads[i];

			if (th->has_event && (!first || th->event_seq < first->event_seq))
				first = th;
		}
		if (!first)
			return false;
		first->has_event = false;
		if (first->event.reason == STOP_BREAKPOINT &&
		    !bp_site_at(&t->sites, first->event.addr))
			continue;
		*ev = first->event;
		return true;
	}
}

static void finish_gone(struct target *t, struct stop_event *ev)
{
	*ev = t->gone_event;
	/* Reap whatever is left (zombie threads), then forget the process. */
	drain(t);
	reset(t);
}

/* The thread a sampled stop is reported in: the likeliest to have grown memory. */
static struct thread *sampled_thread(struct target *t)
{
	struct thread *user = NULL;

	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		struct regs r;
		int64_t nr;

		if (th->running || th->exiting || regs_read(th->tid, &r) < 0)
			continue;
		nr = t->arch->syscall_nr(&r);
		if (nr == SYS_brk || nr == SYS_mmap || nr == SYS_mremap)
			return th;
		if (nr < 0 && !user)
			user = th;
	}
	err_clear();
	return user ? user : t->nthreads ? t->threads[0] : NULL;
}

/*
 * Every thread is stopped (or the process is gone): the stop to report.
 * Stops collected on the way come first, then the sampler's, else it was
 * an interrupt.
 */
static void stopped_event(struct target *t, struct stop_event *ev, int term, bool sampled)
{
	t->background = false;
	if (t->gone) {
		finish_gone(t, ev);
		return;
	}
	if (term) {
		*ev = (struct stop_event){ .reason = STOP_TERMINATE, .sig = term };
		return;
	}
	if (take_pending(t, ev))
		return;
	if (sampled) {
		struct thread *th = sampled_thread(t);

		*ev = (struct stop_event){ .reason = STOP_SAMPLED };
		if (th) {
			ev->thread = th->num;
			ev->tid = th->tid;
		}
		return;
	}
	*ev = (struct stop_event){ .reason = STOP_INTERRUPTED };
	if (t->nthreads) {
		ev->thread = t->threads[0]->num;
		ev->tid = t->threads[0]->tid;
	}
}

/* Wait for a reportable stop, then stop everything. */
static int wait_stop(struct target *t, struct stop_event *ev)
{
	int term = 0;
	bool sampled = false;

	for (;;) {
		unsigned e;

		drain(t);
		if (t->gone || any_event(t))
			break;
		e = sig_wait(-1, t->sampler ? t->sampler_period_ms : -1);
		if (e & SIGEV_TERMINATE) {
			term = sig_terminate_signal();
			break;
		}
		if (e & SIGEV_INTERRUPT)
			break;
		if (t->sampler && t->sampler(t->sampler_arg)) {
			sampled = true;
			break;
		}
	}
	if (!t->gone)
		stop_all(t);
	stopped_event(t, ev, term, sampled);
	return 0;
}

static int need_live(const struct target *t)
{
	if (!t->live) {
		err_set("the program is not being run");
		return -1;
	}
	return 0;
}

int target_resume(struct target *t, struct stop_event *ev)
{
	if (need_live(t) < 0)
		return -1;
	if (t->background) {
		err_set("the program is already running");
		return -1;
	}
	if (take_pending(t, ev))
		return 0;
	resume_all(t);
	return wait_stop(t, ev);
}

int target_resume_background(struct target *t)
{
	if (need_live(t) < 0)
		return -1;
	if (t->background) {
		err_set("the program is already running");
		return -1;
	}
	/*
	 * A stop collected earlier and not yet reported comes first, as in
	 * target_resume(): resuming its thread would move it off the trap the
	 * event names, and the event, reported later, would describe a thread
	 * that is somewhere else (with a newer trap of its own still queued).
	 */
	if (!any_event(t))
		resume_all(t);
	t->background = true;
	return 0;
}

/*
 * In the background nobody waits in wait_stop() to sample: whoever polls
 * (the prompt, at target_poll_timeout(); each command of a script) runs the
 * sampler once its period has passed since the last time.
 */
static bool sample_if_due(struct target *t)
{
	bool fired;

	if (!t->sampler || now_ns() < t->sample_due_ns)
		return false;
	fired = t->sampler(t->sampler_arg);
	/* The sampler may have set its next period. */
	t->sample_due_ns = now_ns() + (uint64_t)t->sampler_period_ms * 1000000u;
	return fired;
}

int target_poll(struct target *t, struct stop_event *ev)
{
	if (!t->live || !t->background)
		return 0;
	drain(t);
	if (t->gone || any_event(t))
		return wait_stop(t, ev) == 0 ? 1 : 0;
	if (!sample_if_due(t))
		return 0;
	stop_all(t);
	stopped_event(t, ev, 0, true);
	return 1;
}

int target_poll_timeout(const struct target *t)
{
	uint64_t now = now_ns();

	if (!t->live || !t->background || !t->sampler)
		return -1;
	if (now >= t->sample_due_ns)
		return 0;
	return (int)((t->sample_due_ns - now + 999999) / 1000000);
}

int target_interrupt(struct target *t, struct stop_event *ev)
{
	bool sampled = false;

	if (need_live(t) < 0)
		return -1;
	if (!t->background) {
		err_set("the program is not running");
		return -1;
	}
	drain(t);
	if (!t->gone)
		stop_all(t);
	/* A crossing since the last sample is the stop's real cause: read the metric, now still. */
	if (!t->gone && !any_event(t) && t->sampler)
		sampled = t->sampler(t->sampler_arg);
	stopped_event(t, ev, 0, sampled);
	return 0;
}

int target_step_insn(struct target *t, struct thread *th, struct stop_event *ev)
{
	int r;

	if (need_live(t) < 0)
		return -1;
	if (t->background) {
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	r = step_thread(t, th);
	if (r < 0)
		return -1;
	if (t->gone) {
		finish_gone(t, ev);
		return 0;
	}
	if (r == 1) {
		err_set("thread %d exited", th->num);
		return -1;
	}
	unwind_forget(t->unwinder);
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

int target_hw_set(struct target *t, int slot, uint64_t addr, unsigned len, unsigned kind)
{
	/* DR7 length bits: 00 one byte, 01 two, 11 four, 10 eight. */
	static const unsigned len_bits[9] = { 0, 0, 1, 0, 3, 0, 0, 0, 2 };
	uint64_t dr7;

	if (need_live(t) < 0)
		return -1;
	if (slot < 0 || slot >= 4 || len > 8 || (len != 1 && len != 2 && len != 4 && len != 8) ||
	    addr % len) {
		err_set("a hardware watchpoint covers 1, 2, 4 or 8 aligned bytes");
		return -1;
	}
	dr7 = t->dr7 & ~((3ull << (2 * slot)) | (0xfull << (16 + 4 * slot)));
	dr7 |= 1ull << (2 * slot);
	dr7 |= (uint64_t)((kind & 3) | (len_bits[len] << 2)) << (16 + 4 * slot);
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (th->running || th->exiting)
			continue;
		/* The address first, then the enable bits that arm it. */
		if (proc_set_debugreg(th->tid, slot, addr) < 0 || proc_set_debugreg(th->tid, 7, dr7) < 0)
			return -1;
	}
	t->dr_addr[slot] = addr;
	t->dr7 = dr7;
	t->dr_gen++;
	for (size_t i = 0; i < t->nthreads; i++)
		if (!t->threads[i]->running && !t->threads[i]->exiting)
			t->threads[i]->dr_gen = t->dr_gen;
	return 0;
}

int target_hw_clear(struct target *t, int slot)
{
	if (slot < 0 || slot >= 4)
		return -1;
	t->dr7 &= ~((3ull << (2 * slot)) | (0xfull << (16 + 4 * slot)));
	t->dr_gen++;
	if (!t->live)
		return 0;
	for (size_t i = 0; i < t->nthreads; i++)
		if (!t->threads[i]->running && !t->threads[i]->exiting) {
			proc_set_debugreg(t->threads[i]->tid, 7, t->dr7);
			t->threads[i]->dr_gen = t->dr_gen;
		}
	err_clear();
	return 0;
}

int target_insert_trap(struct target *t, uint64_t addr)
{
	if (need_live(t) < 0)
		return -1;
	return bp_site_add(&t->sites, t->pid, target_stopped_tid(t), addr);
}

int target_insert_trap_by(struct target *t, struct thread *th, uint64_t addr)
{
	if (need_live(t) < 0)
		return -1;
	return bp_site_add(&t->sites, t->pid, th->tid, addr);
}

static void remember_removed(struct target *t, uint64_t addr);

int target_remove_trap_by(struct target *t, struct thread *th, uint64_t addr)
{
	if (need_live(t) < 0)
		return -1;
	if (bp_site_del(&t->sites, t->pid, th->tid, addr) < 0)
		return -1;
	remember_removed(t, addr);
	return 0;
}

int target_remove_trap(struct target *t, uint64_t addr)
{
	if (need_live(t) < 0)
		return -1;
	if (bp_site_del(&t->sites, t->pid, target_stopped_tid(t), addr) < 0)
		return -1;
	remember_removed(t, addr);
	return 0;
}

/* A thread may have hit the trap just before it went: its SIGTRAP is undone, not reported. */
static void remember_removed(struct target *t, uint64_t addr)
{
	if (!bp_site_at(&t->sites, addr)) {
		unsigned slot = t->nmoribund < 16 ? t->nmoribund++ : t->epoch % 16;

		/* Each resume advances the epoch by one or two: a few resumes' grace. */
		t->moribund[slot] = (struct moribund){ addr, t->epoch + 8 };
	}
}

bool target_trap_present(struct target *t, uint64_t addr)
{
	unsigned char raw[16];
	size_t len = t->arch->trap_len;
	const struct bp_site *site = t->live ? bp_site_at(&t->sites, addr) : NULL;

	/* While the traps are out (all stopped), the code is there if its original bytes are. */
	return site && mem_read(t->pid, addr, raw, len) == (ssize_t)len &&
	       memcmp(raw, t->sites.out ? site->orig : t->arch->trap, len) == 0;
}

void target_forget_trap(struct target *t, uint64_t addr)
{
	bp_site_forget(&t->sites, addr);
}

static bool job_control_stopped(pid_t pid)
{
	char buf[32];

	return procfs_status_field(pid, 0, "State", buf, sizeof(buf)) == 0 && buf[0] == 'T';
}

static bool traced_by_us(pid_t pid, pid_t tid)
{
	char buf[32];

	return procfs_status_field(pid, tid, "TracerPid", buf, sizeof(buf)) == 0 &&
	       atoi(buf) == getpid();
}

/* Seize every task until a pass over /proc/PID/task finds no new one. */
static int seize_all(struct target *t, pid_t pid)
{
	bool changed = true;

	while (changed) {
		pid_t *tids;
		int n = procfs_tasks(pid, &tids);

		if (n < 0) {
			err_set("no such process %d", pid);
			return -1;
		}
		changed = false;
		for (int i = 0; i < n; i++) {
			struct thread *th;

			if (target_find_tid(t, tids[i]))
				continue;
			if (proc_seize(tids[i], PROC_TRACE_OPTIONS) < 0) {
				int e = errno;

				if (e == ESRCH && tids[i] != pid)
					continue; /* exited between listing and seizing */
				if (e == EPERM && tids[i] != pid && traced_by_us(pid, tids[i])) {
					/* Created by a thread already seized: the kernel attached
					 * it for us (PTRACE_O_TRACECLONE); its first stop is on the way. */
					th = add_thread(t, tids[i]);
					th->running = true;
					changed = true;
					continue;
				}
				free(tids);
				if (e == EPERM)
					preflight_explain_eperm(pid);
				else if (e == ESRCH)
					err_set("no such process %d", pid);
				else if (preflight_check(pid) == 0)
					err_set("cannot attach to process %d: %s", pid,
						strerror(e));
				return -1;
			}
			th = add_thread(t, tids[i]);
			th->running = true;
			changed = true;
		}
		free(tids);
	}
	return 0;
}

static void order_main_first(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		if (t->threads[i]->tid != t->pid)
			continue;
		/* Renumber so that the main thread is 1 and the rest follow in TID order. */
		struct thread *main_th = t->threads[i];

		memmove(&t->threads[1], &t->threads[0], i * sizeof(t->threads[0]));
		t->threads[0] = main_th;
		break;
	}
	for (size_t i = 0; i < t->nthreads; i++)
		t->threads[i]->num = (int)i + 1;
	t->next_num = (int)t->nthreads;
}

static ssize_t sym_reader(void *arg, uint64_t addr, void *buf, size_t len)
{
	return target_read(arg, addr, buf, len);
}

int target_attach(struct target *t, pid_t pid, struct stop_event *ev)
{
	if (t->live) {
		err_set("already debugging process %d; detach first", t->pid);
		return -1;
	}
	if (preflight_check(pid) < 0)
		return -1;
	drop_symbols(t);
	t->pid = pid;
	t->next_num = 0;
	t->job_stopped = job_control_stopped(pid);
	if (seize_all(t, pid) < 0) {
		for (size_t i = 0; i < t->nthreads; i++)
			proc_detach(t->threads[i]->tid, 0);
		free_threads(t);
		t->pid = 0;
		return -1;
	}
	t->live = true;
	t->attached = true;
	order_main_first(t);
	stop_all(t);
	if (t->gone) {
		finish_gone(t, ev);
		err_set("process %d exited while lurk attached", pid);
		return -1;
	}
	free(t->exe);
	t->exe = procfs_exe(pid);
	t->sym = sym_new(pid, sym_reader, t);
	t->epoch++;
	*ev = (struct stop_event){ STOP_ATTACHED, 1, pid, 0, 0, 0 };
	return 0;
}

int target_launch(struct target *t, const char *path, char *const argv[], char *const envp[],
		  bool no_aslr, struct stop_event *ev)
{
	pid_t pid;
	struct thread *th;

	if (t->live) {
		err_set("process %d is already running; kill or detach it first", t->pid);
		return -1;
	}
	pid = proc_spawn(path, argv, envp, no_aslr, PROC_TRACE_OPTIONS | PTRACE_O_EXITKILL);
	if (pid < 0)
		return -1;
	drop_symbols(t);
	t->pid = pid;
	t->live = true;
	t->attached = false;
	t->next_num = 0;
	th = add_thread(t, pid);
	target_mark_stopped(th);
	free(t->exe);
	t->exe = procfs_exe(pid);
	if (!t->exe)
		t->exe = xstrdup(path);
	t->sym = sym_new(pid, sym_reader, t);
	t->epoch++;
	*ev = (struct stop_event){ STOP_EXEC, th->num, pid, 0, 0, 0 };
	return 0;
}

int target_detach(struct target *t)
{
	int ret = 0;

	if (need_live(t) < 0)
		return -1;
	/*
	 * Leaving: events still queued (a traced call's trap, say) are taken
	 * with every thread held where it stops, none sent on its way again:
	 * a thread resumed now would run into the next trap as lurk lets go.
	 */
	t->stopping = true;
	drain(t);
	if (!t->gone && any_running(t))
		stop_all(t);
	t->stopping = false;
	if (t->gone) {
		reset(t);
		return 0;
	}
	/* A trap a thread hit just before it was stopped must not reach the program. */
	take_queued_traps(t);
	leave_slots(t);
	sw_unprotect(t);
	unmap_slots(t);
	if (t->dr7) {
		/* The program gets its debug registers back unarmed. */
		for (size_t i = 0; i < t->nthreads; i++)
			if (!t->threads[i]->exiting)
				proc_set_debugreg(t->threads[i]->tid, 7, 0);
		t->dr7 = 0;
		err_clear();
	}
	if (bp_remove_all(&t->sites, t->pid, target_stopped_tid(t)) < 0)
		ret = -1;
	/* Each thread leaves with the signal it was about to receive; a thread
	 * that was in a job-control stop goes back into it (the kernel's rule). */
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (!th->exiting)
			proc_detach(th->tid, th->pending_sig);
	}
	reset(t);
	if (ret < 0)
		err_prefix("detach");
	return ret;
}

int target_kill(struct target *t)
{
	struct wait_event w;

	if (need_live(t) < 0)
		return -1;
	kill(t->pid, SIGKILL);
	/* SIGKILL wakes ptrace-stopped threads too; reap until the main thread is gone. */
	while (!t->gone && proc_wait(-1, true, &w) == 1)
		target_handle(t, &w);
	reset(t);
	return 0;
}

void target_leave(struct target *t)
{
	if (!t->live)
		return;
	if (t->attached)
		target_detach(t);
	else
		target_kill(t);
}

/*
 * Whether the process is dying: a held thread exited (it cannot on its own),
 * or every thread left is past its exit stop. A main thread that only called
 * pthread_exit() is exiting too, but the others still run: not dying.
 */
static bool dying(const struct target *t, size_t nthreads_before)
{
	if (t->nthreads < nthreads_before)
		return true;
	for (size_t i = 0; i < t->nthreads; i++)
		if (!t->threads[i]->exiting)
			return false;
	return t->nthreads > 0;
}

int target_sync(struct target *t, struct stop_event *ev)
{
	size_t before = t->nthreads;

	if (!t->live || t->background)
		return 0;
	drain(t);
	/*
	 * Held threads cannot exit on their own: if one did, the process was
	 * killed (SIGKILL) and the rest of its death is on the way. The main
	 * thread's status comes last, once every other thread is reaped; wait
	 * for it rather than report a half-dead process.
	 */
	if (!t->gone && dying(t, before)) {
		uint64_t deadline = now_ns() + (uint64_t)STOP_TIMEOUT_MS * 1000000u;

		while (!t->gone && now_ns() < deadline) {
			usleep(1000);
			drain(t);
		}
	}
	if (!t->gone)
		return 0;
	finish_gone(t, ev);
	return 1;
}

bool target_live(const struct target *t)
{
	return t->live;
}

bool target_is_attached(const struct target *t)
{
	return t->live && t->attached;
}

bool target_running(const struct target *t)
{
	return t->live && t->background;
}

pid_t target_pid(const struct target *t)
{
	return t->pid;
}

const char *target_exe(const struct target *t)
{
	return t->exe;
}

unsigned target_epoch(const struct target *t)
{
	return t->epoch;
}

size_t target_nthreads(const struct target *t)
{
	return t->nthreads;
}

struct thread *target_thread_at(const struct target *t, size_t i)
{
	return i < t->nthreads ? t->threads[i] : NULL;
}

struct thread *target_thread_num(const struct target *t, int num)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->num == num)
			return t->threads[i];
	return NULL;
}

void target_thread_name(const struct target *t, const struct thread *th, char *buf, size_t len)
{
	procfs_thread_name(t->pid, th->tid, buf, len);
}

int target_th_num(const struct thread *th)
{
	return th->num;
}

pid_t target_th_tid(const struct thread *th)
{
	return th->tid;
}

bool target_th_running(const struct thread *th)
{
	return th->running;
}

bool target_th_exiting(const struct thread *th)
{
	return th->exiting;
}

const struct arch *target_arch(const struct target *t)
{
	return t->arch;
}

const struct sig_disposition *target_sigdisp(const struct target *t, int sig)
{
	return sig > 0 && sig < NSIG ? &t->sigdisp[sig] : NULL;
}

void target_set_sigdisp(struct target *t, int sig, const struct sig_disposition *d)
{
	if (sig > 0 && sig < NSIG)
		t->sigdisp[sig] = *d;
}

int target_regs(struct target *t, struct thread *th, struct regs *out)
{
	if (th->running) {
		err_set("thread %d is running", th->num);
		return -1;
	}
	if (th->regs_epoch != t->epoch) {
		if (regs_read(th->tid, &th->regs) < 0)
			return -1;
		th->regs_epoch = t->epoch;
	}
	*out = th->regs;
	return 0;
}

ssize_t target_read(struct target *t, uint64_t addr, void *buf, size_t len)
{
	ssize_t n;

	if (need_live(t) < 0)
		return -1;
	n = mem_read(t->pid, addr, buf, len);
	if (n > 0)
		bp_hide(&t->sites, addr, buf, (size_t)n);
	return n;
}

/* For the unwinder: whether addr is a return address, the end of a call instruction. */
static bool follows_call(void *arg, uint64_t addr)
{
	struct target *t = arg;
	struct disas *d = target_disas(t);
	unsigned char code[16];
	/* Call encodings are 2 to 7 bytes long (with a prefix, up to 8). */
	static const unsigned lengths[] = { 5, 2, 3, 6, 7, 4, 8 };

	if (!d || addr < sizeof(code) || target_read(t, addr - sizeof(code), code, sizeof(code)) !=
						   (ssize_t)sizeof(code))
		return false;
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		struct disas_insn insn;
		size_t at = sizeof(code) - lengths[i];

		if (disas_one(d, code + at, lengths[i], addr - lengths[i], &insn) == lengths[i] &&
		    insn.is_call)
			return true;
	}
	err_clear();
	return false;
}

/* For the unwinder: whether pc's function has left the stack pointer alone so far. */
static int sp_untouched(void *arg, uint64_t pc)
{
	struct target *t = arg;
	struct disas *d = target_disas(t);
	struct sym *sym = target_sym(t);
	uint64_t low, high, at;
	char name[256];
	unsigned char code[512];
	ssize_t got;

	if (!d || !sym || sym_func_range(sym, pc, &low, &high, name, sizeof(name)) < 0 ||
	    pc - low > sizeof(code)) {
		err_clear();
		return -1;
	}
	got = target_read(t, low, code, (size_t)(pc - low));
	if (got != (ssize_t)(pc - low)) {
		err_clear();
		return -1;
	}
	for (at = low; at < pc;) {
		struct disas_insn insn;

		if (!disas_one(d, code + (at - low), (size_t)(pc - at), at, &insn)) {
			err_clear();
			return -1;
		}
		/* A call returns with the stack pointer as it was. */
		if (insn.writes_sp && !insn.is_call)
			return 0;
		at += insn.size;
	}
	return at == pc ? 1 : -1;
}

int target_write_data(struct target *t, uint64_t addr, const void *buf, size_t len)
{
	struct maps maps;
	bool writable = false;
	char where[300] = "unmapped";

	if (need_live(t) < 0)
		return -1;
	if (procfs_maps_read(t->pid, &maps) < 0)
		return -1;
	for (size_t i = 0; i < maps.n; i++) {
		const struct map *m = &maps.v[i];

		if (addr >= m->start && addr < m->end) {
			writable = m->perms[1] == 'w' && addr + len <= m->end;
			snprintf(where, sizeof(where), "%s %s", m->perms, m->path[0] ? m->path : "anonymous");
			break;
		}
	}
	procfs_maps_free(&maps);
	if (!writable) {
		err_set("cannot write to 0x%" PRIx64 ": the program cannot either (%s)", addr, where);
		return -1;
	}
	for (size_t i = 0; i < t->sites.n; i++)
		if (t->sites.v[i].addr + t->arch->trap_len > addr && t->sites.v[i].addr < addr + len) {
			err_set("cannot write to 0x%" PRIx64 ": a breakpoint is there", addr);
			return -1;
		}
	if (mem_write(t->pid, target_stopped_tid(t), addr, buf, len) < 0)
		return -1;
	t->epoch++;
	return 0;
}

int target_set_reg(struct target *t, struct thread *th, const struct arch_reg *reg, uint64_t v)
{
	struct regs r;

	if (th->running) {
		err_set("thread %d is running", th->num);
		return -1;
	}
	if (regs_read(th->tid, &r) < 0)
		return -1;
	regs_set(&r, reg, v);
	if (regs_write(th->tid, &r) < 0)
		return -1;
	/* Frames and values depend on the registers. */
	t->epoch++;
	return 0;
}

void target_set_sampler(struct target *t, target_sample_fn fn, void *arg, int period_ms)
{
	t->sampler = fn;
	t->sampler_arg = arg;
	t->sampler_period_ms = period_ms > 0 ? period_ms : 1;
}

void target_set_trap_hook(struct target *t, target_trap_fn fn, void *arg)
{
	t->trap_hook = fn;
	t->trap_arg = arg;
}

void target_hold_modules(struct target *t, bool hold)
{
	t->hold_modules = hold;
}

struct disas *target_disas(struct target *t)
{
	if (!t->disas)
		t->disas = disas_new(DISAS_ATT);
	return t->disas;
}

struct sym *target_sym(struct target *t)
{
	if (need_live(t) < 0)
		return NULL;
	if (t->sym && sym_pid(t->sym) != t->pid)
		drop_symbols(t);
	if (!t->sym)
		t->sym = sym_new(t->pid, sym_reader, t);
	if ((t->sym_epoch != t->epoch || t->background) && !(t->hold_modules && t->sym_epoch)) {
		if (sym_sync(t->sym) < 0)
			return NULL;
		t->sym_epoch = t->epoch;
	}
	return t->sym;
}

static int unwind_regs(void *arg, pid_t tid, struct regs *out)
{
	struct target *t = arg;
	struct thread *th = target_find_tid(t, tid);

	if (!th) {
		err_set("no thread %d", tid);
		return -1;
	}
	return target_regs(t, th, out);
}

int target_frames(struct target *t, struct thread *th, const struct frame **frames)
{
	return target_frames_upto(t, th, MAX_FRAMES, frames);
}

/*
 * Each frame costs a CFI lookup and memory reads: a breakpoint condition
 * that needs frame 0's CFA asks for two frames, not the whole stack. The
 * cache keeps what this stop unwound; a deeper request unwinds again from
 * the top, since a libdwfl walk cannot be resumed.
 */
int target_frames_upto(struct target *t, struct thread *th, int depth, const struct frame **frames)
{
	struct frame *f;
	int n;

	if (th->running) {
		err_set("thread %d is running", th->num);
		return -1;
	}
	if (depth > MAX_FRAMES)
		depth = MAX_FRAMES;
	if (th->frames_epoch == t->epoch && th->frames &&
	    (th->nframes >= depth || th->nframes < th->frames_max)) {
		*frames = th->frames;
		return th->nframes;
	}
	if (!target_sym(t))
		return -1;
	if (!t->unwinder) {
		struct unwind_source src = { unwind_regs, sym_reader, follows_call, sp_untouched, t };

		t->unwinder = unwind_new(t->sym, t->arch, &src);
		if (!t->unwinder)
			return -1;
	}
	n = unwind_thread(t->unwinder, th->tid, depth, &f);
	if (n < 0)
		return -1;
	free(th->frames);
	th->frames = f;
	th->nframes = n;
	th->frames_max = depth;
	th->frames_epoch = t->epoch;
	*frames = f;
	return n;
}
