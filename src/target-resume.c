/* target-resume.c - resume every thread, then wait for the stop to report (or poll for it) */
#include <sys/syscall.h>

#include "err.h"
#include "procfs.h"
#include "sig.h"
#include "target-int.h"
#include "util.h"

static bool any_event(const struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->has_event)
			return true;
	return false;
}

static void resume_all(struct target *t)
{
	site_all_in(&t->sites, t->pid, target_stopped_tid(t));
	target_agent_guards_in(t, target_stopped_tid(t));
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
		target_notify(t, NOTE_JOB_CONTINUED, NULL, 0, t->pid, NULL);
	}
	/*
	 * A thread on a trap runs its original instruction out of line, or, where
	 * that cannot be, steps over it alone with the trap lifted and the
	 * others held.
	 */
	for (size_t i = 0; i < t->nthreads && !t->gone; i++) {
		struct thread *th = t->threads[i];

		if (th->at_site && !th->running && !th->exiting &&
		    site_at(&t->sites, th->site_addr) && !target_resume_through_slot(t, th, NULL))
			target_step_over(t, th);
		th->at_site = false;
	}
	t->epoch++;
	for (size_t i = 0; i < t->nthreads && !t->gone; i++) {
		struct thread *th = t->threads[i];

		if (th->running || th->exiting)
			continue;
		/* A thread that appeared while all stopped gets the watchpoints too. */
		target_hw_apply(t, th);
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
		    !site_at(&t->sites, first->event.addr) &&
		    !target_agent_guards(t, first->event.addr))
			continue;
		*ev = first->event;
		return true;
	}
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
		target_finish_gone(t, ev);
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

static void tick_if_due(struct target *t)
{
	if (!t->ticker || now_ns() < t->tick_due_ns)
		return;
	t->ticker(t->ticker_arg);
	t->tick_due_ns = now_ns() + (uint64_t)t->ticker_period_ms * 1000000u;
}

/* Milliseconds from now until due (0 when it is past), rounded up. */
static int ms_until(uint64_t due)
{
	uint64_t now = now_ns();

	return now >= due ? 0 : (int)((due - now + 999999) / 1000000);
}

/* The shorter of two waits, -1 being none. */
static int sooner(int ms, int other)
{
	return ms < 0 || (other >= 0 && other < ms) ? other : ms;
}

/* How long a wait may last: the sampler's period, and the ticker's next tick. */
static int wait_ms(const struct target *t)
{
	int ms = t->sampler ? t->sampler_period_ms : -1;

	return t->ticker ? sooner(ms, ms_until(t->tick_due_ns)) : ms;
}

/* Wait for a reportable stop, then stop everything. */
static int wait_stop(struct target *t, struct stop_event *ev)
{
	int term = 0;
	bool sampled = false;

	for (;;) {
		unsigned e;

		target_drain(t);
		if (t->gone || any_event(t))
			break;
		tick_if_due(t);
		e = sig_wait(-1, wait_ms(t));
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
		target_stop_all(t);
	stopped_event(t, ev, term, sampled);
	return 0;
}

int target_resume(struct target *t, struct stop_event *ev)
{
	if (target_need_process(t) < 0)
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
	if (target_need_process(t) < 0)
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
	target_drain(t);
	if (t->gone || any_event(t))
		return wait_stop(t, ev) == 0 ? 1 : 0;
	tick_if_due(t);
	if (!sample_if_due(t))
		return 0;
	target_stop_all(t);
	stopped_event(t, ev, 0, true);
	return 1;
}

int target_poll_timeout(const struct target *t)
{
	int ms;

	if (!t->live || !t->background)
		return -1;
	ms = t->sampler ? ms_until(t->sample_due_ns) : -1;
	return t->ticker ? sooner(ms, ms_until(t->tick_due_ns)) : ms;
}

int target_interrupt(struct target *t, struct stop_event *ev)
{
	bool sampled = false;

	if (target_need_process(t) < 0)
		return -1;
	if (!t->background) {
		err_set("the program is not running");
		return -1;
	}
	target_drain(t);
	if (!t->gone)
		target_stop_all(t);
	/* A crossing since the last sample is the stop's real cause: read the metric, now still. */
	if (!t->gone && !any_event(t) && t->sampler)
		sampled = t->sampler(t->sampler_arg);
	stopped_event(t, ev, 0, sampled);
	return 0;
}

/* Nothing of lurk's is in the program that needs every thread held to be handled. */
static bool stops_in_part(const struct target *t)
{
	return t->background && !t->gone && !any_event(t) && t->sites.n == 0 && t->sw.nw == 0 &&
	       !t->dr7 && !t->sampler && !t->syscall_stops && !t->catch_syscalls && !t->trap_hook;
}

int target_interrupt_busy(struct target *t)
{
	uint64_t deadline = now_ns() + (uint64_t)STOP_TIMEOUT_MS * 1000000u;
	bool waiting = false;
	unsigned seen = 0;

	if (target_need_process(t) < 0)
		return -1;
	target_drain(t);
	if (!stops_in_part(t))
		return 1;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		char state;

		if (!th->running || th->stop_wanted || th->exiting)
			continue;
		state = procfs_thread_state(t->pid, th->tid);
		if (state != 'R' && state != 'D')
			continue;
		proc_interrupt(th->tid);
		th->stop_wanted = true;
		waiting = true;
	}
	while (waiting && !t->gone) {
		waiting = false;
		if (target_drain(t) < 0)
			break;
		for (size_t i = 0; i < t->nthreads; i++)
			waiting |= t->threads[i]->stop_wanted && t->threads[i]->running &&
				   !t->threads[i]->exiting;
		if (waiting) {
			unsigned e = sig_wait(-1, 100);

			seen |= e;
			if (e & SIGEV_TIMEOUT && now_ns() > deadline)
				break;
		}
	}
	/* A Ctrl-C meanwhile is the next wait's: lost here, it stopped nothing. */
	sig_defer(seen & SIGEV_INTERRUPT);
	/*
	 * A thread that stopped for something else meanwhile (a signal, a new
	 * thread) has an event: the others go on, and the caller stops it all
	 * as target_interrupt does, which reports it.
	 */
	if (any_event(t) || t->gone) {
		target_resume_busy(t);
		return 1;
	}
	t->epoch++;
	return 0;
}

void target_resume_busy(struct target *t)
{
	for (size_t i = 0; i < t->nthreads && !t->gone; i++) {
		struct thread *th = t->threads[i];

		if (th->running || th->exiting || th->has_event)
			continue;
		target_resume_thread(t, th, th->pending_sig);
		th->pending_sig = 0;
	}
	t->epoch++;
}
