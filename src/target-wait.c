/* target-wait.c - the event loop: decode each wait status, queue the stops to report, stop all */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "mem.h"
#include "procfs.h"
#include "sig.h"
#include "target-int.h"
#include "util.h"

void target_resume_thread(struct target *t, struct thread *th, int sig)
{
	if (th->agent_at)
		target_agent_enter(t, th);
	if (sig && t->signal_hook)
		t->signal_hook(t->signal_hook_arg, th, sig);
	/* ESRCH: it died meanwhile; its exit will be reaped, so count it as running. */
	th->stepped = sw_stepping(t);
	if (th->stepped)
		proc_step(th->tid, sig);
	else if (t->syscall_stops || t->catch_syscalls || sw_wants_syscalls(t))
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

/* A thread stopped at an event lurk handles itself: hold it if we are stopping, else go on. */
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
		site_restore_in(&t->sites, child);
	if (!shares_memory)
		target_agent_restore_in(t, child);
	/* lurk leaves the child at once: its copies of the bytes that say lurk is there say it is not. */
	for (size_t i = 0; !shares_memory && i < t->nleave_zero; i++)
		mem_write(child, child, t->leave_zero[i], "", 1);
	if (!shares_memory)
		sw_release_child(t, child);
	else if (t->sw.applied)
		sw_vfork_begin(t, parent, child);
	proc_detach(child, 0);
	target_notify(t, NOTE_FORK_DETACHED, NULL, 0, child, NULL);
}

/* Another program replaced the process image: one thread, new symbols, no traps. */
static void handle_exec(struct target *t, struct thread *th)
{
	for (size_t i = t->nthreads; i-- > 0;)
		if (t->threads[i] != th)
			target_remove_thread(t, t->threads[i]);
	th->tid = t->pid;
	target_drop_symbols(t);
	site_forget_all(&t->sites);
	target_agent_forget(t);
	t->nleave_zero = 0; /* the bytes were the old image's */
	/* A new address space: nothing lurk protected or armed is there any more. */
	sw_reset(t);
	t->dr7 = 0;
	t->dr_gen++;
	free(t->exe);
	t->exe = procfs_exe(t->pid);
	t->epoch++;
	target_notify(t, NOTE_EXEC, th, 0, 0, t->exe);
}

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
	if (!site_at(&t->sites, th->site_addr)) {
		regs_write_one(th->tid, r, t->arch->pc);
		th->regs_epoch = ~0u;
		th->at_site = false;
		target_resume_thread(t, th, 0);
		return true;
	}
	if (!target_resume_through_slot(t, th, r))
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

	if (proc_getsiginfo(th->tid, &si) < 0) {
		err_clear();
		si.si_code = 0;
	}
	/* With single-stepping on, a step that also set off a debug register says TRAP_TRACE. */
	if (si.si_code == TRAP_HWBKPT || (si.si_code == TRAP_TRACE && sw_stepping(t))) {
		unsigned fired = target_hw_fired(t, th);

		if (fired) {
			target_queue_event(t, th, STOP_WATCHPOINT, SIGTRAP, fired);
			return;
		}
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
		if (site_at(&t->sites, pc)) {
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
		if (t->agent.nfns && target_agent_hit(t, th, &r, pc, &pc)) {
			/*
			 * A guard's condition was true: a traced call's entry (the
			 * hook records it and the thread goes on past the guard),
			 * or the breakpoint's hit, at its place.
			 */
			th->running = false;
			th->regs = r;
			th->regs_epoch = t->epoch;
			th->site_addr = pc;
			handled = t->trap_hook && t->trap_hook(t->trap_arg, th, pc, &r);
			th->frames_epoch = ~0u;
			if (handled && pass_trap(t, th, &r))
				return;
			target_queue_event(t, th, STOP_BREAKPOINT, SIGTRAP, pc);
			return;
		}
		if (target_trap_removed_lately(t, pc)) {
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
		LOG(LOG_WATCH, "thread %d: SIGSEGV code %d at %p is the program's", th->num,
		    si.si_code, si.si_addr);
		err_clear();
	}
	if (!d->stop && !t->caught_signals[sig]) {
		if (d->print)
			target_notify(t, NOTE_SIGNAL_PASSED, th, sig, 0, NULL);
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

/*
 * A syscall stop a syscall catchpoint wants: *nr and whether it is the
 * entry (else the exit). orig_rax holds the number at both stops.
 */
static bool syscall_caught(struct target *t, struct thread *th, int64_t *nr, bool *entry)
{
	/* Zeroed: tools like valgrind cannot see what the kernel writes into it. */
	struct __ptrace_syscall_info info = { 0 };
	struct regs r;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, th->tid, (void *)sizeof(info), &info) <= 0 ||
	    (info.op != PTRACE_SYSCALL_INFO_ENTRY && info.op != PTRACE_SYSCALL_INFO_EXIT) ||
	    regs_read(th->tid, &r) < 0) {
		err_clear();
		return false;
	}
	*entry = info.op == PTRACE_SYSCALL_INFO_ENTRY;
	*nr = t->arch->syscall_nr(&r);
	if (*nr < 0)
		return false;
	if (t->catch_any_syscall)
		return true;
	return *nr < TARGET_NSYSCALLS && (t->caught_syscalls[*nr / 64] >> (*nr % 64)) & 1;
}

void target_catch_syscalls(struct target *t, bool on, const uint64_t *nrs)
{
	t->catch_syscalls = on;
	t->catch_any_syscall = on && !nrs;
	memset(t->caught_syscalls, 0, sizeof(t->caught_syscalls));
	if (on && nrs)
		memcpy(t->caught_syscalls, nrs, sizeof(t->caught_syscalls));
}

void target_catch_signal(struct target *t, int sig, bool on)
{
	if (sig > 0 && sig < NSIG)
		t->caught_signals[sig] = on;
}

void target_set_resume_signal(struct target *t, struct thread *th, int sig)
{
	(void)t;
	th->pending_sig = sig;
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
			th = target_add_thread(t, w->tid);
			target_hw_apply(t, th);
			target_notify(t, NOTE_NEW_THREAD, th, 0, 0, NULL);
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
		target_notify(t, NOTE_THREAD_EXITED, th, 0, 0, NULL);
		target_remove_thread(t, th);
		return;
	case W_EXIT:
		/*
		 * What the agent recorded is read while the thread, and its
		 * memory, are still there: its records name it by its thread block.
		 */
		if (t->ticker)
			t->ticker(t->ticker_arg);
		/* About to exit: let it. A main thread that called pthread_exit()
		 * stays a zombie until the whole process ends; nobody waits for it. */
		target_resume_thread(t, th, 0);
		th->exiting = true;
		return;
	case W_CLONE:
		/* The new thread may have stopped, exited and been reaped already,
		 * before this event of its creator's: then there is nothing to add. */
		if (!target_find_tid(t, (pid_t)w->msg) && task_exists(t, (pid_t)w->msg)) {
			struct thread *nt = target_add_thread(t, (pid_t)w->msg);

			nt->running = true; /* its first stop is on the way */
			target_notify(t, NOTE_NEW_THREAD, nt, 0, 0, NULL);
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
		/* The old program's records first, while lurk still knows its threads. */
		if (t->ticker)
			t->ticker(t->ticker_arg);
		handle_exec(t, th);
		continue_or_hold(t, th);
		return;
	case W_INTERRUPT:
		if (th->stop_wanted || t->stopping) {
			target_mark_stopped(th);
			return;
		}
		/* A new thread's first stop, or an interrupt that arrived late: not ours to show. */
		target_hw_apply(t, th);
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
		if (t->syscall_stops && t->sampler && !t->stopping && !th->stop_wanted &&
		    memory_syscall_done(t, th) && t->sampler(t->sampler_arg)) {
			target_mark_stopped(th);
			target_queue_event(t, th, STOP_SAMPLED, 0, 0);
			return;
		}
		if (t->catch_syscalls) {
			int64_t nr;
			bool entry;

			if (syscall_caught(t, th, &nr, &entry)) {
				target_queue_event(t, th,
						   entry ? STOP_SYSCALL_CALL : STOP_SYSCALL_RETURN,
						   0, 0);
				th->event.code = (int)nr;
				/* Held inside its system call: no system call can be injected here. */
				th->in_event = true;
				return;
			}
		}
		continue_or_hold(t, th);
		return;
	default:
		continue_or_hold(t, th);
		return;
	}
}

bool target_any_running(const struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->running && !t->threads[i]->exiting)
			return true;
	return false;
}

/* Reap every status that is ready. Returns -1 when nothing is left to wait for. */
int target_drain(struct target *t)
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

/*
 * A thread interrupted right after it executed a trap can stop for the
 * interrupt with the trap's SIGTRAP still queued, not yet taken. Left so,
 * the signal would reach the program once lurk detached or was killed,
 * when the trap byte is gone. Each such thread takes it now: resumed, it
 * stops at once for the queued signal (before running any code), which is
 * then handled like any trap, or kept for the program if it was not ours.
 */
void target_take_queued_traps(struct target *t)
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

/*
 * All-stop: interrupt every running thread and wait until each has stopped
 * (or exited). Stops that arrive meanwhile for other reasons are kept as
 * pending events, reported one by one on later resumes.
 */
void target_stop_all(struct target *t)
{
	uint64_t deadline = now_ns() + (uint64_t)STOP_TIMEOUT_MS * 1000000u;
	unsigned seen = 0;

	t->stopping = true;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (th->running && !th->stop_wanted && !th->exiting) {
			proc_interrupt(th->tid);
			th->stop_wanted = true;
		}
	}
	while (target_any_running(t) && !t->gone) {
		if (target_drain(t) < 0)
			break;
		if (!target_any_running(t) || t->gone)
			break;
		unsigned e = sig_wait(-1, 100);

		seen |= e;
		if (e & SIGEV_TIMEOUT && now_ns() > deadline) {
			/* A thread in uninterruptible sleep cannot stop; say so and go on. */
			for (size_t i = 0; i < t->nthreads; i++)
				if (t->threads[i]->running && !t->threads[i]->exiting)
					target_notify(t, NOTE_THREAD_STUCK, t->threads[i], 0, 0,
						      NULL);
			break;
		}
	}
	/* A Ctrl-C that came meanwhile is the next wait's: lost here, it stopped nothing. */
	sig_defer(seen & SIGEV_INTERRUPT);
	target_take_queued_traps(t);
	t->stopping = false;
	target_leave_slots(t);
	target_agent_settle(t);
	target_settle(t);
	/* Nothing runs until the next resume: a lurk killed meanwhile leaves no trap behind, */
	if (!t->gone && t->live) {
		site_all_out(&t->sites, t->pid, target_stopped_tid(t));
		target_agent_guards_out(t, target_stopped_tid(t));
		/* no armed debug register and no page with lurk's protection. */
		target_hw_disarm(t);
		sw_unprotect(t);
	}
	err_clear();
}
