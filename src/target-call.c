/* target-call.c - a function of the program run on a stopped thread for the user (inferior calls) */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "proc.h"
#include "sig.h"
#include "target-int.h"
#include "util.h"

/*
 * The function returns to address 0: the return faults at once with the
 * pc at 0 and the stack pointer just above the return address, which no
 * fault inside the function looks like. Nothing is written into the
 * program's code for it, and the fault never reaches the program.
 */
#define RETURN_ADDR 0

/* The direction flag, clear at every call as the calling convention wants. */
#define FLAGS_DF (1u << 10)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The call stops here for good: stop th if it runs, and wait for its stop. */
static void halt(struct thread *th)
{
	struct wait_event w;

	if (proc_interrupt(th->tid) < 0)
		return;
	while (proc_wait(th->tid, true, &w) == 1) {
		if (w.kind == W_INTERRUPT || w.kind == W_GROUP_STOP || w.kind == W_SIGNAL ||
		    w.kind == W_EXITED || w.kind == W_KILLED || w.kind == W_EXIT)
			return;
		/* Another event stop first: its thread goes on until the interrupt lands. */
		proc_cont(th->tid, 0);
	}
}

/* Why a signal stop ends the call, in err. */
static void signal_reason(struct target *t, struct thread *th, int sig)
{
	struct regs r;
	uint64_t pc = 0;

	if (regs_read(th->tid, &r) == 0)
		pc = regs_get(&r, t->arch->pc);
	if (sig == SIGTRAP && site_at(&t->sites, pc - t->arch->trap_pc_adjust))
		err_set("it stopped at a breakpoint at 0x%" PRIx64, pc - t->arch->trap_pc_adjust);
	else if (sig == SIGTRAP)
		err_set("it stopped at a trap (a watchpoint, or a breakpoint instruction of its "
			"own) "
			"at 0x%" PRIx64,
			pc);
	else
		err_set("it received signal SIG%s (%s) at 0x%" PRIx64,
			sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", strsignal(sig), pc);
}

/* Whether th stopped at the fault of its return to RETURN_ADDR. */
static bool returned(struct target *t, struct thread *th, const struct target_call *call)
{
	struct regs r;

	return regs_read(th->tid, &r) == 0 && regs_get(&r, t->arch->pc) == RETURN_ADDR &&
	       regs_get(&r, t->arch->sp) == call->sp;
}

/* Signals that come of what the function does: they end the call wherever they stop. */
static bool synchronous(int sig)
{
	return sig == SIGTRAP || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	       sig == SIGFPE || sig == SIGABRT || sig == SIGSYS;
}

/*
 * Wait for the call to return. 0 returned (th stopped at the return fault);
 * -1 abandoned with th stopped and err set; -2 when th can no longer be put
 * back (it exited, or the process changed its image), err set. An
 * uninterruptible call's Ctrl-C and SIGTERM go into *held, for later.
 */
static int run(struct target *t, struct thread *th, const struct target_call *call, unsigned *held)
{
	uint64_t deadline = call->timeout_ms > 0 ? now_ms() + (uint64_t)call->timeout_ms : 0;
	bool resume = true;
	int cont_sig = 0;

	for (;;) {
		struct wait_event w;
		int got;

		if (resume) {
			th->running = true;
			if (proc_cont(th->tid, cont_sig) < 0)
				return -1;
		}
		resume = true;
		cont_sig = 0;
		while ((got = proc_wait(th->tid, false, &w)) == 0) {
			uint64_t now = now_ms();
			int wait_ms = 100;
			unsigned ev;

			if (deadline && now >= deadline) {
				halt(th);
				target_mark_stopped(th);
				err_set("it did not return within %d ms", call->timeout_ms);
				return -1;
			}
			if (deadline && deadline - now < (uint64_t)wait_ms)
				wait_ms = (int)(deadline - now);
			ev = sig_wait_any(-1, wait_ms);
			if (call->uninterruptible) {
				/* Kept for the wait after the call: lost, it would stop nothing. */
				*held |= ev & (SIGEV_INTERRUPT | SIGEV_TERMINATE);
				continue;
			}
			if (ev & (SIGEV_INTERRUPT | SIGEV_TERMINATE)) {
				halt(th);
				target_mark_stopped(th);
				err_set(ev & SIGEV_INTERRUPT
						? "it was interrupted"
						: "lurk was told to leave while it ran");
				return -1;
			}
		}
		if (got < 0)
			return -1;
		switch (w.kind) {
		case W_SIGNAL:
			target_mark_stopped(th);
			if (w.sig == SIGSEGV && returned(t, th, call))
				return 0;
			/* A signal the program takes in its stride does not end the call. */
			if (!synchronous(w.sig) && !t->sigdisp[w.sig].stop) {
				cont_sig = t->sigdisp[w.sig].pass ? w.sig : 0;
				continue;
			}
			signal_reason(t, th, w.sig);
			return -1;
		case W_GROUP_STOP:
			target_mark_stopped(th);
			err_set("it was stopped by signal SIG%s", sigabbrev_np(w.sig));
			return -1;
		case W_CLONE:
		case W_FORK:
		case W_VFORK:
		case W_VFORK_DONE:
			/* Threads and children it makes are the program's: lurk takes them as always. */
			target_handle(t, &w);
			resume = !th->running;
			continue;
		case W_EXEC:
		case W_EXIT:
		case W_EXITED:
		case W_KILLED:
			target_handle(t, &w);
			err_set(w.kind == W_EXEC ? "the program started a new program while it ran"
						 : "the thread exited while it ran");
			return -2;
		default:
			continue;
		}
	}
}

int target_call_function(struct target *t, struct thread *th, const struct target_call *call,
			 struct target_call_result *res)
{
	const struct arch *a = t->arch;
	const struct arch_reg *flags = NULL;
	struct regs saved, r;
	struct regs_fp fsaved, f;
	uint64_t ret = RETURN_ADDR;
	unsigned held = 0;
	int rc;

	if (target_need_process(t) < 0)
		return -1;
	if (th->running || th->exiting || th->in_event || th->listening) {
		err_set("thread %d cannot run a function now: it is %s", th->num,
			th->running ? "running" : "held at a system call event");
		return -1;
	}
	if (call->nints > a->ncall_args || call->nints > 6 || call->nvecs > 8 || call->sp % 16) {
		err_set("a call the calling convention cannot make");
		return -1;
	}
	for (size_t i = 0; i < a->nregs; i++)
		if (a->regs[i].is_flags)
			flags = &a->regs[i];
	if (regs_read(th->tid, &saved) < 0 || regs_read_fp(th->tid, &fsaved) < 0)
		return -1;
	/* The stack below the thread's stack pointer's red zone (128 bytes) is free for the call. */
	if (call->sp + 128 + 8 > regs_get(&saved, a->sp) || call->sp < 4096) {
		err_set("no room on thread %d's stack for the call", th->num);
		return -1;
	}
	if ((call->stack_len && target_write_data(t, call->sp, call->stack, call->stack_len) < 0) ||
	    target_write_data(t, call->sp - 8, &ret, sizeof(ret)) < 0)
		return -1;
	r = saved;
	f = fsaved;
	regs_set(&r, a->pc, call->func);
	regs_set(&r, a->sp, call->sp - 8);
	/* Not inside a system call any more: the kernel must not restart one on the way out. */
	regs_set(&r, a->sys_stop_nr, (uint64_t)-1);
	for (int i = 0; i < call->nints; i++)
		regs_set(&r, a->call_args[i], call->ints[i]);
	/* A variadic function learns from al how many vector registers carry arguments. */
	regs_set(&r, a->call_ret, (uint64_t)call->nvecs);
	if (flags)
		regs_set(&r, flags, regs_get(&r, flags) & ~(uint64_t)FLAGS_DF);
	for (int i = 0; i < call->nvecs; i++)
		regs_fp_set_vector(&f, i, call->vecs[i]);
	if (regs_write(th->tid, &r) < 0 || regs_write_fp(th->tid, &f) < 0) {
		regs_write(th->tid, &saved);
		regs_write_fp(th->tid, &fsaved);
		return -1;
	}
	th->regs_epoch = ~0u;
	/* Breakpoints are in only while the program runs: the call runs with them. */
	site_all_in(&t->sites, t->pid, th->tid);
	target_agent_guards_in(t, th->tid);
	rc = run(t, th, call, &held);
	sig_defer(held);
	if (rc != -2 && !t->gone) {
		site_all_out(&t->sites, t->pid, th->tid);
		target_agent_guards_out(t, th->tid);
	}
	if (rc == 0 && (regs_read(th->tid, &r) < 0 || regs_read_fp(th->tid, &f) < 0))
		rc = -1;
	if (rc == 0) {
		memset(res, 0, sizeof(*res));
		res->ints[0] = regs_get(&r, a->call_ret);
		res->ints[1] = regs_get(&r, a->call_ret2);
		regs_fp_vector(&f, 0, res->vecs[0]);
		regs_fp_vector(&f, 1, res->vecs[1]);
		regs_fp_st0(&f, res->st0);
	}
	if (rc != -2) {
		/* Put back even when the call failed: the thread must go on as if nothing ran. */
		char *why = rc < 0 ? xstrdup(err_get()) : NULL;

		if (regs_write(th->tid, &saved) < 0 || regs_write_fp(th->tid, &fsaved) < 0)
			rc = -1;
		if (why) {
			err_set("%s", why);
			free(why);
		}
	}
	th->regs_epoch = ~0u;
	/* Threads it made are stopped with the rest before the session looks again. */
	if (target_any_running(t))
		target_stop_all(t);
	return rc < 0 ? -1 : 0;
}
