/* target-swatch.c - software watchpoints: watched pages protected, the touching instruction stepped */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "disas.h"
#include "err.h"
#include "log.h"
#include "mem.h"
#include "procfs.h"
#include "sig.h"
#include "target-int.h"
#include "util.h"

/*
 * How it works. While the program runs, the pages holding watched bytes
 * carry lurk's protection: read-only for write watches, none for read and
 * access watches. A thread that touches them gets SIGSEGV, which lurk takes
 * instead of the program: the other threads are held (the protection is the
 * whole process's), the pages get the program's protection back for one
 * single-step of the faulting instruction, then lurk's again, and the
 * watched bytes are compared with the copy lurk keeps. Only a change (or,
 * for read and access watches, an access that overlapped the bytes) stops
 * the program; a write elsewhere on the page costs the step and nothing
 * more.
 *
 * The kernel does not fault: a read(2) into a protected page fails with
 * EFAULT. So while pages are protected, threads resume with PTRACE_SYSCALL
 * and every system call that would read or write them (by a table of the
 * calls that take buffers; unknown calls by any argument that points near
 * the pages) runs with the pages open, lurk comparing after it. The pages
 * are opened and closed by mprotect calls the calling thread itself makes
 * at its system-call stops: at the entry stop its call is turned into
 * mprotect and then run again; at the exit stop mprotect runs through the
 * same instruction and the call's registers come back.
 *
 * While every thread is stopped (at the prompt) the pages carry the
 * program's protection: a lurk killed there leaves nothing behind.
 */

#define PAGE	     4096ull
#define PAGE_DOWN(a) ((a) & ~(PAGE - 1))
#define PAGE_UP(a)   (((a) + PAGE - 1) & ~(PAGE - 1))
/* What an unknown system call's pointer argument is taken to cover. */
#define GENERIC_SPAN PAGE

void sw_init(struct target *t)
{
	t->sw.mem_fd = -1;
}

static void set_all(struct target *t, bool lurks);

static void forget_pieces(struct swatch *sw)
{
	free(sw->p);
	sw->p = NULL;
	sw->np = 0;
	sw->applied = false;
}

void sw_reset(struct target *t)
{
	struct swatch *sw = &t->sw;

	for (size_t i = 0; i < sw->nw; i++)
		free(sw->w[i].snap);
	free(sw->w);
	sw->w = NULL;
	sw->nw = 0;
	forget_pieces(sw);
	sw->stepping = false;
	sw->busy = false;
	sw->open_calls = 0;
	if (sw->mem_fd >= 0)
		close(sw->mem_fd);
	sw->mem_fd = -1;
	for (size_t i = 0; i < t->nthreads; i++) {
		t->threads[i]->sw_call = SW_CALL_NONE;
		t->threads[i]->sw_held = false;
	}
}

bool sw_wants_syscalls(const struct target *t)
{
	return t->sw.np > 0 && !t->sw.stepping;
}

bool sw_stepping(const struct target *t)
{
	return t->sw.nw > 0 && t->sw.stepping;
}

const char *target_sw_method(const struct target *t)
{
	return t->sw.stepping ? "single-stepping" : "page protection";
}

/* Read target memory through /proc/PID/mem, which reads protected pages too. */
static int read_forced(struct target *t, uint64_t addr, void *buf, size_t len)
{
	if (t->sw.mem_fd < 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/mem", (int)t->pid);
		t->sw.mem_fd = open(path, O_RDWR | O_CLOEXEC);
		if (t->sw.mem_fd < 0) {
			err_set("cannot open %s: %s", path, strerror(errno));
			return -1;
		}
	}
	if (pread(t->sw.mem_fd, buf, len, (off_t)addr) != (ssize_t)len) {
		err_set("cannot read %zu bytes at 0x%" PRIx64, len, addr);
		return -1;
	}
	return 0;
}

static int prot_of(const char *perms)
{
	return (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
	       (perms[2] == 'x' ? PROT_EXEC : 0);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The protection lurk gives [start, end): none where a read or access watch is. */
static int lurk_prot(const struct swatch *sw, uint64_t start, uint64_t end, int orig)
{
	for (size_t i = 0; i < sw->nw; i++)
		if (sw->w[i].kind != TARGET_SW_WRITE &&
		    overlaps(PAGE_DOWN(sw->w[i].addr),
			     PAGE_UP(sw->w[i].addr + sw->w[i].len) - PAGE_DOWN(sw->w[i].addr),
			     start, end - start))
			return PROT_NONE;
	return orig & ~PROT_WRITE;
}

/*
 * The pieces: the watched pages, split where mappings end, each with the
 * program's protection (from /proc/PID/maps, read while the pages carry the
 * program's protection) and lurk's.
 */
static int rebuild(struct target *t)
{
	struct swatch *sw = &t->sw;
	struct maps maps;

	/* Pages still carrying lurk's protection get the program's back first. */
	if (sw->applied)
		set_all(t, false);
	forget_pieces(sw);
	if (!sw->nw || sw->stepping)
		return 0;
	if (procfs_maps_read(t->pid, &maps) < 0)
		return -1;
	for (size_t m = 0; m < maps.n; m++) {
		const struct map *mp = &maps.v[m];

		for (uint64_t pg = mp->start; pg < mp->end; pg += PAGE) {
			bool watched = false;

			for (size_t i = 0; i < sw->nw && !watched; i++)
				watched = overlaps(pg, PAGE, sw->w[i].addr, sw->w[i].len);
			if (!watched)
				continue;
			if (sw->np && sw->p[sw->np - 1].end == pg &&
			    sw->p[sw->np - 1].orig_prot == prot_of(mp->perms)) {
				sw->p[sw->np - 1].end = pg + PAGE;
			} else {
				sw->p = xrealloc(sw->p, (sw->np + 1) * sizeof(*sw->p));
				sw->p[sw->np++] =
					(struct sw_piece){ pg, pg + PAGE, prot_of(mp->perms), 0 };
			}
		}
	}
	procfs_maps_free(&maps);
	for (size_t i = 0; i < sw->np; i++)
		sw->p[i].prot = lurk_prot(sw, sw->p[i].start, sw->p[i].end, sw->p[i].orig_prot);
	return 0;
}

/* Whether [addr, addr + len) shares a page with a thread's stack or its rseq area. */
static bool needs_stepping(struct target *t, uint64_t addr, uint64_t len, const struct maps *maps,
			   char *why, size_t whylen)
{
	uint64_t lo = PAGE_DOWN(addr), hi = PAGE_UP(addr + len);

	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		struct regs r;
		struct __ptrace_rseq_configuration rseq = { 0 };

		if (th->exiting || th->running)
			continue;
		if (target_regs(t, th, &r) == 0) {
			uint64_t sp = regs_sp(t->arch, &r);

			for (size_t m = 0; m < maps->n; m++)
				if (sp >= maps->v[m].start && sp < maps->v[m].end &&
				    overlaps(lo, hi - lo, maps->v[m].start,
					     maps->v[m].end - maps->v[m].start)) {
					snprintf(why, whylen, "it is on thread %d's stack",
						 th->num);
					return true;
				}
		}
		/* The kernel writes a thread's rseq area when it reschedules it: never protect it. */
		if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, th->tid, (void *)sizeof(rseq), &rseq) >
			    0 &&
		    rseq.rseq_abi_pointer &&
		    overlaps(lo, hi - lo, PAGE_DOWN(rseq.rseq_abi_pointer), PAGE)) {
			snprintf(why, whylen, "it shares a page with thread %d's rseq area",
				 th->num);
			return true;
		}
	}
	for (size_t m = 0; m < maps->n; m++)
		if (!strcmp(maps->v[m].path, "[stack]") &&
		    overlaps(lo, hi - lo, maps->v[m].start, maps->v[m].end - maps->v[m].start)) {
			snprintf(why, whylen, "it is on the main thread's stack");
			return true;
		}
	err_clear();
	return false;
}

int target_sw_add(struct target *t, int id, uint64_t addr, uint64_t len, unsigned kind)
{
	struct swatch *sw = &t->sw;
	struct maps maps;
	struct sw_watch w = { .id = id, .addr = addr, .len = len, .kind = kind };
	char why[128] = "";
	bool step;

	if (target_need_process(t) < 0)
		return -1;
	if (len == 0 || len > TARGET_SW_MAX_LEN) {
		err_set("%" PRIu64 " bytes at 0x%" PRIx64
			": a software watchpoint covers 1 byte to "
			"%llu MiB",
			len, addr, TARGET_SW_MAX_LEN >> 20);
		return -1;
	}
	if (procfs_maps_read(t->pid, &maps) < 0)
		return -1;
	/* Every byte must be mapped: a watch on a hole would never see anything. */
	for (uint64_t a = addr; a < addr + len;) {
		const struct map *mp = NULL;

		for (size_t m = 0; m < maps.n && !mp; m++)
			if (a >= maps.v[m].start && a < maps.v[m].end)
				mp = &maps.v[m];
		if (!mp) {
			procfs_maps_free(&maps);
			err_set("0x%" PRIx64 " is not mapped in the process", a);
			return -1;
		}
		a = mp->end;
	}
	step = needs_stepping(t, addr, len, &maps, why, sizeof(why));
	procfs_maps_free(&maps);
	if (step && kind != TARGET_SW_WRITE) {
		err_set("0x%" PRIx64 " cannot be watched for reads without debug registers: %s "
			"(its pages cannot be protected, and single-stepping sees only changes)",
			addr, why);
		return -1;
	}
	if (step && sw->nw && !sw->stepping) {
		for (size_t i = 0; i < sw->nw; i++)
			if (sw->w[i].kind != TARGET_SW_WRITE) {
				err_set("0x%" PRIx64
					" needs single-stepping (%s), which cannot serve "
					"software read watchpoint %d; delete it first",
					addr, why, sw->w[i].id);
				return -1;
			}
	}
	w.snap = xmalloc(len);
	if (read_forced(t, addr, w.snap, len) < 0) {
		free(w.snap);
		return -1;
	}
	sw->w = xrealloc(sw->w, (sw->nw + 1) * sizeof(*sw->w));
	sw->w[sw->nw++] = w;
	/* One watch that needs stepping makes every one of them stepped: protected pages and
	 * single-stepping threads do not mix (a stepped thread makes no system-call stops). */
	if (step)
		sw->stepping = true;
	if (step)
		LOG(LOG_WATCH, "watch %d: single-stepping: %s", id, why);
	return rebuild(t);
}

void target_sw_remove(struct target *t, int id)
{
	struct swatch *sw = &t->sw;

	for (size_t i = 0; i < sw->nw; i++) {
		if (sw->w[i].id != id)
			continue;
		free(sw->w[i].snap);
		memmove(&sw->w[i], &sw->w[i + 1], (sw->nw - i - 1) * sizeof(sw->w[0]));
		sw->nw--;
		break;
	}
	if (!sw->nw)
		sw->stepping = false;
	if (t->live && rebuild(t) < 0)
		err_clear();
}

int target_sw_hit(struct target *t, int id, struct target_sw_hit *hit)
{
	for (size_t i = 0; i < t->sw.nw; i++)
		if (t->sw.w[i].id == id && t->sw.w[i].hit.hit) {
			*hit = t->sw.w[i].hit;
			t->sw.w[i].hit.hit = false;
			return 1;
		}
	return 0;
}

int target_sw_gone(struct target *t, int id, struct target_sw_hit *hit)
{
	for (size_t i = 0; i < t->sw.nw; i++)
		if (t->sw.w[i].id == id && t->sw.w[i].hit.hit && t->sw.w[i].hit.gone)
			return target_sw_hit(t, id, hit);
	return 0;
}

/*
 * Compare the watched bytes in [lo, hi) with lurk's copy (the copy is
 * updated). access/alen: what the instruction or call touched, for read
 * and access watches (alen 0: nothing known). Returns true when a
 * watchpoint is hit.
 */
static bool compare(struct target *t, uint64_t lo, uint64_t hi, uint64_t access, uint64_t alen,
		    long sysno)
{
	struct swatch *sw = &t->sw;
	bool any = false;

	for (size_t i = 0; i < sw->nw; i++) {
		struct sw_watch *w = &sw->w[i];
		uint64_t from = w->addr > lo ? w->addr : lo;
		uint64_t to = w->addr + w->len < hi ? w->addr + w->len : hi;
		unsigned char *now;
		uint64_t last = 0;
		bool changed = false, accessed;

		if (from >= to)
			continue;
		now = xmalloc(to - from);
		if (read_forced(t, from, now, to - from) < 0) {
			free(now);
			err_clear();
			continue;
		}
		w->hit.first = 0;
		w->hit.nchanged = 0;
		for (uint64_t k = 0; k < to - from; k++) {
			unsigned char *old = &w->snap[from - w->addr + k];

			if (*old == now[k])
				continue;
			if (!changed) {
				w->hit.first = from - w->addr + k;
				w->hit.nshown = to - from - k < 8 ? (unsigned)(to - from - k) : 8;
				memcpy(w->hit.was, old, w->hit.nshown);
				memcpy(w->hit.now, &now[k], w->hit.nshown);
			}
			changed = true;
			w->hit.nchanged++;
			last = from - w->addr + k;
			*old = now[k];
		}
		/* Show the changed run, not the unchanged bytes after it. */
		if (changed && last - w->hit.first + 1 < w->hit.nshown)
			w->hit.nshown = (unsigned)(last - w->hit.first + 1);
		free(now);
		accessed = alen && overlaps(access, alen, w->addr, w->len);
		w->hit.changed = changed;
		w->hit.accessed = accessed;
		w->hit.sysno = sysno;
		w->hit.gone = false;
		w->hit.hit = (w->kind == TARGET_SW_WRITE && changed) ||
			     (w->kind == TARGET_SW_READ && accessed && !changed) ||
			     (w->kind == TARGET_SW_ACCESS && (accessed || changed));
		any |= w->hit.hit;
	}
	return any;
}

static void report_hit(struct target *t, struct thread *th)
{
	target_queue_event(t, th, STOP_WATCHPOINT, SIGTRAP, 0);
	th->event.code = 1;
}

/* ---- while every thread is stopped: the program's protection at the prompt ---- */

static int mprotect_by(struct target *t, struct thread *th, uint64_t start, uint64_t len, int prot)
{
	const uint64_t args[6] = { start, len, (uint64_t)prot, 0, 0, 0 };
	uint64_t ret;

	if (target_inject_syscall(t, th, SYS_mprotect, args, &ret) < 0)
		return -1;
	if ((int64_t)ret < 0) {
		err_set("mprotect 0x%" PRIx64 ": %s", start, strerror((int)-(int64_t)ret));
		return -1;
	}
	return 0;
}

static void set_pieces(struct target *t, struct thread *th, bool lurks);
static int set_at_syscall_stop(struct target *t, struct thread *th, bool lurks);

static void set_all(struct target *t, bool lurks)
{
	struct thread *th = target_injectable_thread(t);

	if (th) {
		set_pieces(t, th, lurks);
		err_clear();
		t->sw.applied = lurks;
		return;
	}
	/*
	 * Threads resume with PTRACE_SYSCALL while pages are protected, so all
	 * of them may be held at system-call stops, where no call can be
	 * injected the usual way: one runs mprotect through its own call.
	 */
	for (size_t i = 0; i < t->nthreads; i++) {
		th = t->threads[i];
		if (th->running || th->exiting || th->listening || !th->in_event)
			continue;
		if (set_at_syscall_stop(t, th, lurks) == 0) {
			err_clear();
			t->sw.applied = lurks;
			return;
		}
	}
	err_clear();
	LOG(LOG_WATCH, "no thread can change the watched pages' protection now");
}

void sw_protect(struct target *t)
{
	/* Calls still running with the pages open (blocked, then interrupted) keep them open. */
	t->sw.open_calls = 0;
	for (size_t i = 0; i < t->nthreads; i++)
		t->sw.open_calls += t->threads[i]->sw_call == SW_CALL_OPEN;
	if (t->sw.np && !t->sw.stepping && !t->sw.applied && !t->sw.open_calls &&
	    !t->sw.vfork_child)
		set_all(t, true);
}

void sw_unprotect(struct target *t)
{
	if (t->sw.applied)
		set_all(t, false);
}

/* ---- a fault in a protected page ---- */

/* Whether addr is in a page lurk protects (and the program does not). */
static const struct sw_piece *piece_at(const struct swatch *sw, uint64_t addr)
{
	for (size_t i = 0; i < sw->np; i++)
		if (addr >= sw->p[i].start && addr < sw->p[i].end &&
		    sw->p[i].prot != sw->p[i].orig_prot)
			return &sw->p[i];
	return NULL;
}

static void set_pieces(struct target *t, struct thread *th, bool lurks)
{
	for (size_t i = 0; i < t->sw.np; i++) {
		const struct sw_piece *p = &t->sw.p[i];

		if (p->prot != p->orig_prot && mprotect_by(t, th, p->start, p->end - p->start,
							   lurks ? p->prot : p->orig_prot) < 0)
			LOG(LOG_WATCH, "%s", err_get());
	}
}

/*
 * Hold every other running thread: the pages are about to be open for the
 * whole process. Their stops are handled as usual (a breakpoint hit is kept
 * for later; a fault on our pages is simply retried after).
 */
static void hold_others(struct target *t, struct thread *self)
{
	uint64_t deadline = now_ns() + 2000000000ull;
	bool was = t->stopping;
	unsigned seen = 0;

	t->stopping = true;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (th == self || !th->running || th->exiting || th->listening)
			continue;
		if (!th->stop_wanted)
			proc_interrupt(th->tid);
		th->stop_wanted = true;
		th->sw_held = true;
	}
	for (;;) {
		struct wait_event w;
		bool waiting = false;
		int r;

		for (size_t i = 0; i < t->nthreads; i++)
			waiting |= t->threads[i] != self && t->threads[i]->sw_held &&
				   t->threads[i]->running && !t->threads[i]->exiting;
		if (!waiting || t->gone)
			break;
		r = proc_wait(-1, false, &w);
		if (r == 1) {
			target_handle(t, &w);
			continue;
		}
		/* One in uninterruptible sleep cannot stop: go on without it. */
		if (r < 0 || now_ns() > deadline)
			break;
		seen |= sig_wait(-1, 10);
	}
	/* A Ctrl-C meanwhile is the next wait's: lost here, it stopped nothing. */
	sig_defer(seen & SIGEV_INTERRUPT);
	t->stopping = was;
}

/* After a hit the held threads stay stopped: all-stop follows. */
static void keep_others(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++)
		t->threads[i]->sw_held = false;
}

static void release_others(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (!th->sw_held)
			continue;
		th->sw_held = false;
		if (th->running || th->exiting || th->has_event || t->stopping)
			continue;
		target_resume_thread(t, th, th->pending_sig);
		th->pending_sig = 0;
	}
}

/* Single-step th over the instruction at its pc. 0 done, 1 the program's own fault, -1 gone. */
static int step_over(struct target *t, struct thread *th, int *deferred)
{
	for (;;) {
		struct wait_event w;

		th->stepped = true;
		if (proc_step(th->tid, 0) < 0 || proc_wait(th->tid, true, &w) != 1)
			return -1;
		if (w.kind == W_SIGNAL && w.sig == SIGTRAP)
			return 0;
		if (w.kind == W_SIGNAL && w.sig == SIGSEGV)
			return 1; /* it faults with the program's own protection too */
		if (w.kind == W_SIGNAL) {
			if (!*deferred)
				*deferred = w.sig;
			continue;
		}
		if (w.kind == W_INTERRUPT)
			continue;
		target_handle(t, &w);
		return -1;
	}
}

/* The widest memory access of the instruction at pc, for read watches. */
/*
 * The instruction at pc, decoded. A loop faults at the same pc again and
 * again: it is decoded again only when another pc faults, or after a stop
 * (the code may have changed). NULL when it cannot be read or decoded.
 */
static const struct disas_insn *decode_at(struct target *t, uint64_t pc)
{
	unsigned char code[16];
	struct disas *d;

	if (t->sw.insn_pc == pc && t->sw.insn_epoch == t->epoch)
		return &t->sw.insn;
	t->sw.insn_pc = 0;
	if (!(d = target_disas(t)) || read_forced(t, pc, code, sizeof(code)) < 0 ||
	    !disas_one(d, code, sizeof(code), pc, &t->sw.insn)) {
		err_clear();
		return NULL;
	}
	t->sw.insn_pc = pc;
	t->sw.insn_epoch = t->epoch;
	return &t->sw.insn;
}

static unsigned access_size(struct target *t, uint64_t pc)
{
	const struct disas_insn *insn = decode_at(t, pc);

	return insn && insn->mem_size ? insn->mem_size : 64;
}

/*
 * The commonest fault is a plain mov to the page. lurk makes that write
 * itself through /proc/PID/mem (which writes through its own protection)
 * and moves the thread past the instruction: one stop instead of an
 * mprotect, a step and an mprotect. Only where the program may write the
 * page itself, in a private mapping (/proc/PID/mem refuses a read-only
 * shared one, and then the step does it). 0, or -1 when it cannot.
 */
static int emulate_store(struct target *t, struct thread *th, struct regs *r, uint64_t addr,
			 unsigned *size)
{
	const struct sw_piece *p = piece_at(&t->sw, addr);
	uint64_t pc = regs_pc(t->arch, r), value;
	const struct disas_insn *insn;

	if (!p || !(p->orig_prot & PROT_WRITE) || !(insn = decode_at(t, pc)))
		return -1;
	if (!insn->plain_store || PAGE_DOWN(addr) != PAGE_DOWN(addr + insn->store_size - 1))
		return -1;
	value = insn->store_reg ? regs_get(r, regs_find(t->arch, insn->store_reg))
				: insn->store_imm;
	/* Little-endian: the low store_size bytes are the ones the mov writes. */
	if (pwrite(t->sw.mem_fd, &value, insn->store_size, (off_t)addr) !=
	    (ssize_t)insn->store_size)
		return -1;
	regs_set(r, t->arch->pc, pc + insn->size);
	th->regs_epoch = ~0u;
	if (regs_write_one(th->tid, r, t->arch->pc) < 0) {
		err_clear();
		return -1;
	}
	*size = insn->store_size;
	return 0;
}

bool sw_owns_fault(struct target *t, pid_t tid)
{
	siginfo_t si;

	if (!t->sw.np || proc_getsiginfo(tid, &si) < 0 || si.si_signo != SIGSEGV) {
		err_clear();
		return false;
	}
	return si.si_code == SEGV_ACCERR && piece_at(&t->sw, (uint64_t)(uintptr_t)si.si_addr);
}

bool sw_fault(struct target *t, struct thread *th, const siginfo_t *si)
{
	struct swatch *sw = &t->sw;
	uint64_t addr = (uint64_t)(uintptr_t)si->si_addr, pc, access = addr;
	struct regs r;
	int deferred = 0, stepped;
	unsigned alen, stored;
	bool hit, opened;

	if (si->si_code != SEGV_ACCERR || !piece_at(sw, addr))
		return false;
	/* Stopping everything, or another thread is being stepped through: it faults again later. */
	if (sw->busy || t->stopping || th->stop_wanted) {
		target_mark_stopped(th);
		return true;
	}
	if (regs_read(th->tid, &r) < 0) {
		err_clear();
		return false;
	}
	target_mark_stopped(th);
	th->sw_held = false;
	pc = regs_pc(t->arch, &r);
	/*
	 * A fault that came while another thread's system call had the pages
	 * open (or just before) needs no opening: the step says whether it was
	 * the program's own.
	 */
	opened = sw->applied;
	sw->busy = true;
	if (opened) {
		/* Held also while lurk writes for a mov: its write must not tear under their reads. */
		hold_others(t, th);
		if (t->gone) {
			sw->busy = false;
			return true;
		}
	}
	if (opened && emulate_store(t, th, &r, addr, &stored) == 0) {
		stepped = 0;
	} else {
		stored = 0;
		if (opened)
			set_pieces(t, th, false);
		stepped = step_over(t, th, &deferred);
		if (opened && stepped >= 0)
			set_pieces(t, th, true);
	}
	err_clear();
	sw->busy = false;
	if (stepped < 0 || t->gone) {
		release_others(t);
		return true;
	}
	LOG(LOG_WATCH, "thread %d: fault at 0x%" PRIx64 " (pc 0x%" PRIx64 ")%s", th->num, addr, pc,
	    stepped == 1 ? ": the program's own"
	    : stored	 ? ": store done by lurk"
			 : "");
	if (stepped == 1) {
		/* Not ours after all: the program's own fault, for it to see. */
		release_others(t);
		if (deferred)
			syscall(SYS_tgkill, t->pid, th->tid, deferred);
		return false;
	}
	alen = stored;
	for (size_t i = 0; i < sw->nw && !alen; i++)
		if (sw->w[i].kind != TARGET_SW_WRITE)
			alen = access_size(t, pc);
	/*
	 * Only the bytes an instruction can reach from the faulting page can
	 * have changed. The faulting address is where the access starts, unless
	 * the access began on the page before (then it is this page's start).
	 */
	if (alen && addr == PAGE_DOWN(addr)) {
		access = addr - alen + 1;
		alen = 2 * alen - 1;
	}
	hit = compare(t, PAGE_DOWN(addr) - PAGE, PAGE_DOWN(addr) + 2 * PAGE, alen ? access : 0,
		      alen, -1);
	if (deferred)
		syscall(SYS_tgkill, t->pid, th->tid, deferred);
	th->regs_epoch = ~0u;
	if (hit) {
		keep_others(t);
		report_hit(t, th);
		return true;
	}
	release_others(t);
	target_resume_thread(t, th, 0);
	return true;
}

/* ---- system calls that read or write the protected pages ---- */

enum { K_READS = 1, K_WRITES = 2, K_BOTH = 3 };

/* A buffer a system call passes: argument ptr, with length argument len or size bytes. */
struct sys_buf {
	long nr;
	unsigned char dir;
	signed char ptr, len; /* len -1: size bytes; -2: ptr is an iovec array, count in arg 2 */
	unsigned size;
};

#define IOV (-2)
static const struct sys_buf sys_bufs[] = {
	{ SYS_read, K_WRITES, 1, 2, 0 },
	{ SYS_pread64, K_WRITES, 1, 2, 0 },
	{ SYS_readv, K_WRITES, 1, IOV, 0 },
	{ SYS_preadv, K_WRITES, 1, IOV, 0 },
	{ SYS_preadv2, K_WRITES, 1, IOV, 0 },
	{ SYS_write, K_READS, 1, 2, 0 },
	{ SYS_pwrite64, K_READS, 1, 2, 0 },
	{ SYS_writev, K_READS, 1, IOV, 0 },
	{ SYS_pwritev, K_READS, 1, IOV, 0 },
	{ SYS_pwritev2, K_READS, 1, IOV, 0 },
	{ SYS_recvfrom, K_WRITES, 1, 2, 0 },
	{ SYS_recvfrom, K_WRITES, 4, -1, 128 },
	{ SYS_recvfrom, K_BOTH, 5, -1, 4 },
	{ SYS_sendto, K_READS, 1, 2, 0 },
	{ SYS_sendto, K_READS, 4, 5, 0 },
	{ SYS_getdents64, K_WRITES, 1, 2, 0 },
	{ SYS_getrandom, K_WRITES, 0, 1, 0 },
	{ SYS_readlink, K_WRITES, 1, 2, 0 },
	{ SYS_readlinkat, K_WRITES, 2, 3, 0 },
	{ SYS_getcwd, K_WRITES, 0, 1, 0 },
	{ SYS_pipe, K_WRITES, 0, -1, 8 },
	{ SYS_pipe2, K_WRITES, 0, -1, 8 },
	{ SYS_socketpair, K_WRITES, 3, -1, 8 },
	{ SYS_wait4, K_WRITES, 1, -1, 4 },
	{ SYS_wait4, K_WRITES, 3, -1, 144 },
	{ SYS_fstat, K_WRITES, 1, -1, 144 },
	{ SYS_stat, K_WRITES, 1, -1, 144 },
	{ SYS_lstat, K_WRITES, 1, -1, 144 },
	{ SYS_newfstatat, K_WRITES, 2, -1, 144 },
	{ SYS_statx, K_WRITES, 4, -1, 256 },
	{ SYS_clock_gettime, K_WRITES, 1, -1, 16 },
	{ SYS_gettimeofday, K_WRITES, 0, -1, 16 },
	{ SYS_nanosleep, K_READS, 0, -1, 16 },
	{ SYS_nanosleep, K_WRITES, 1, -1, 16 },
	{ SYS_clock_nanosleep, K_READS, 2, -1, 16 },
	{ SYS_clock_nanosleep, K_WRITES, 3, -1, 16 },
	{ SYS_rt_sigaction, K_READS, 1, -1, 32 },
	{ SYS_rt_sigaction, K_WRITES, 2, -1, 32 },
	{ SYS_rt_sigprocmask, K_READS, 1, -1, 8 },
	{ SYS_rt_sigprocmask, K_WRITES, 2, -1, 8 },
	{ SYS_poll, K_BOTH, 0, -1, 0 }, /* nfds * 8: see call_touches */
	{ SYS_ppoll, K_BOTH, 0, -1, 0 },
	{ SYS_epoll_wait, K_WRITES, 1, -1, 0 }, /* maxevents * 12 */
	{ SYS_epoll_pwait, K_WRITES, 1, -1, 0 },
	{ SYS_epoll_ctl, K_READS, 3, -1, 12 },
	{ SYS_select, K_BOTH, 1, -1, 128 },
	{ SYS_select, K_BOTH, 2, -1, 128 },
	{ SYS_select, K_BOTH, 3, -1, 128 },
	{ SYS_select, K_BOTH, 4, -1, 16 },
	{ SYS_accept, K_WRITES, 1, -1, 128 },
	{ SYS_accept, K_BOTH, 2, -1, 4 },
	{ SYS_accept4, K_WRITES, 1, -1, 128 },
	{ SYS_accept4, K_BOTH, 2, -1, 4 },
	{ SYS_getsockname, K_WRITES, 1, -1, 128 },
	{ SYS_getsockname, K_BOTH, 2, -1, 4 },
	{ SYS_getpeername, K_WRITES, 1, -1, 128 },
	{ SYS_getpeername, K_BOTH, 2, -1, 4 },
	{ SYS_connect, K_READS, 1, 2, 0 },
	{ SYS_bind, K_READS, 1, 2, 0 },
	{ SYS_uname, K_WRITES, 0, -1, 390 },
	{ SYS_sysinfo, K_WRITES, 0, -1, 112 },
	{ SYS_times, K_WRITES, 0, -1, 32 },
	{ SYS_getrusage, K_WRITES, 1, -1, 144 },
	{ SYS_getrlimit, K_WRITES, 1, -1, 16 },
	{ SYS_prlimit64, K_READS, 2, -1, 16 },
	{ SYS_prlimit64, K_WRITES, 3, -1, 16 },
	{ SYS_sched_getaffinity, K_WRITES, 2, 1, 0 },
	{ SYS_clone, K_BOTH, 2, -1, 4 },
	{ SYS_clone, K_BOTH, 3, -1, 4 },
};

/* Calls that take no user memory lurk could have protected. */
static const long sys_none[] = {
	SYS_close,
	SYS_lseek,
	SYS_dup,
	SYS_dup2,
	SYS_dup3,
	SYS_getpid,
	SYS_gettid,
	SYS_getppid,
	SYS_getuid,
	SYS_geteuid,
	SYS_getgid,
	SYS_getegid,
	SYS_kill,
	SYS_tgkill,
	SYS_tkill,
	SYS_sched_yield,
	SYS_exit,
	SYS_exit_group,
	SYS_fsync,
	SYS_fdatasync,
	SYS_ftruncate,
	SYS_shutdown,
	SYS_listen,
	SYS_socket,
	SYS_eventfd2,
	SYS_timerfd_create,
	SYS_epoll_create1,
	SYS_alarm,
	SYS_set_robust_list,
	SYS_madvise,
	SYS_rt_sigreturn,
	SYS_set_tid_address,
	SYS_mmap,
	SYS_brk,
	SYS_pause,
};

/* Calls that change mappings: the pieces they touch are looked at again afterwards. */
static bool changes_maps(long nr, const uint64_t a[6], uint64_t *lo, uint64_t *hi)
{
	switch (nr) {
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_pkey_mprotect:
	case SYS_mremap:
		*lo = PAGE_DOWN(a[0]);
		*hi = PAGE_UP(a[0] + a[1]);
		return true;
	case SYS_mmap:
		if (!(a[3] & MAP_FIXED))
			return false;
		*lo = PAGE_DOWN(a[0]);
		*hi = PAGE_UP(a[0] + a[1]);
		return true;
	case SYS_brk:
		/* A lower break unmaps the heap above it. */
		*lo = PAGE_UP(a[0]);
		*hi = UINT64_MAX / 2;
		return a[0] != 0;
	default:
		return false;
	}
}

/* Whether a buffer the kernel accesses (dir) collides with lurk's protection. */
static bool collides(const struct swatch *sw, uint64_t addr, uint64_t len, unsigned dir)
{
	if (!addr || !len)
		return false;
	for (size_t i = 0; i < sw->np; i++) {
		const struct sw_piece *p = &sw->p[i];

		if (p->prot == p->orig_prot || !overlaps(addr, len, p->start, p->end - p->start))
			continue;
		/* A write watch leaves the pages readable: the kernel may read them. */
		if ((dir & K_WRITES) || p->prot == PROT_NONE)
			return true;
	}
	return false;
}

static void widen(uint64_t *lo, uint64_t *hi, uint64_t addr, uint64_t len)
{
	if (addr < *lo)
		*lo = addr;
	if (addr + len > *hi)
		*hi = addr + len;
}

/* Whether call nr with args a touches the protected pages; [lo, hi) what it touches there. */
static bool call_touches(struct target *t, long nr, const uint64_t a[6], uint64_t *lo, uint64_t *hi)
{
	const struct swatch *sw = &t->sw;
	bool known = false, hits = false;

	*lo = UINT64_MAX;
	*hi = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sys_none); i++)
		if (sys_none[i] == nr)
			return false;
	if (nr == SYS_futex) {
		/* A wait only reads the word, fine under a write watch; the PI and wake-op
		 * operations write it. */
		unsigned op = (unsigned)a[1] & 127;
		unsigned dir = (op >= 6 && op <= 8) || op >= 11 ? K_BOTH : K_READS;

		if (collides(sw, a[0], 4, dir)) {
			widen(lo, hi, a[0], 4);
			hits = true;
		}
		if (op == 5 && collides(sw, a[4], 4, K_BOTH)) {
			widen(lo, hi, a[4], 4);
			hits = true;
		}
		return hits;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sys_bufs); i++) {
		const struct sys_buf *b = &sys_bufs[i];
		uint64_t ptr, len;

		if (b->nr != nr)
			continue;
		known = true;
		ptr = a[b->ptr];
		if (b->len == IOV) {
			/* Each iovec's buffer; the array itself is read too. */
			uint64_t n = a[2] > 64 ? 64 : a[2];
			uint64_t iov[128];

			if (collides(sw, ptr, n * 16, K_READS)) {
				widen(lo, hi, ptr, n * 16);
				hits = true;
			}
			if (read_forced(t, ptr, iov, n * 16) < 0) {
				err_clear();
				continue;
			}
			for (uint64_t k = 0; k < n; k++)
				if (collides(sw, iov[2 * k], iov[2 * k + 1], b->dir)) {
					widen(lo, hi, iov[2 * k], iov[2 * k + 1]);
					hits = true;
				}
			continue;
		}
		if (b->len >= 0)
			len = a[b->len];
		else if (nr == SYS_poll || nr == SYS_ppoll)
			len = a[1] * 8;
		else if (nr == SYS_epoll_wait || nr == SYS_epoll_pwait)
			len = a[2] * 12;
		else
			len = b->size;
		if (collides(sw, ptr, len, b->dir)) {
			widen(lo, hi, ptr, len);
			hits = true;
		}
	}
	if (known)
		return hits;
	/* Unknown: every argument that could be a pointer near the pages. */
	for (int i = 0; i < 6; i++)
		if (a[i] >= PAGE && collides(sw, a[i], GENERIC_SPAN, K_BOTH)) {
			widen(lo, hi, a[i], GENERIC_SPAN);
			hits = true;
		}
	return hits;
}

/* What came while lurk ran calls at a thread's system-call stops. */
struct carry {
	int sig; /* a signal, raised again afterwards */
};

/* Wait for th's next system-call stop, keeping signals for afterwards. 0, or -1 when it is gone. */
static int wait_syscall_stop(struct target *t, struct thread *th, struct carry *carry)
{
	for (;;) {
		struct wait_event w;

		if (proc_wait(th->tid, true, &w) != 1)
			return -1;
		if (w.kind == W_SYSCALL)
			return 0;
		if (w.kind == W_SIGNAL || w.kind == W_INTERRUPT) {
			if (w.kind == W_SIGNAL && !carry->sig)
				carry->sig = w.sig;
			if (proc_syscall(th->tid, 0) < 0)
				return -1;
			continue;
		}
		target_handle(t, &w);
		return -1;
	}
}

static void set_call(struct target *t, struct regs *r, long nr, const uint64_t a[6])
{
	regs_set(r, t->arch->sys_nr, (uint64_t)nr);
	for (int i = 0; i < 6; i++)
		regs_set(r, t->arch->sys_args[i], a[i]);
}

/*
 * Give th, at the exit stop of a call lurk ran, the registers of the exit
 * stop it was at (base). When base is the exit of a call cut short to be
 * restarted, the kernel had its one chance to restart it on the way out
 * of that stop, with lurk's registers in place (a PTRACE_INTERRUPT taken
 * meanwhile, or the signal or interrupt that cut the call short), and let
 * it be: lurk restarts it itself, as the kernel does when no handler runs.
 * Left with the restart code as its result, the program would see it
 * (glibc aborts on it in a futex wait).
 */
static int restore_exit_regs(struct target *t, struct thread *th, const struct regs *base)
{
	struct regs r = *base;
	int64_t ret = (int64_t)regs_get(&r, t->arch->sys_ret);
	int64_t nr = (int64_t)regs_get(&r, t->arch->sys_stop_nr);

	if (nr >= 0 && ret <= -512 && ret >= -516 && ret != -515) {
		regs_set(&r, t->arch->sys_nr,
			 ret == -516 ? (uint64_t)SYS_restart_syscall : (uint64_t)nr);
		regs_set(&r, t->arch->pc, regs_pc(t->arch, &r) - t->arch->syscall_insn_len);
	}
	return regs_write(th->tid, &r);
}

/*
 * th is at a system-call stop (entry when at_entry, else exit): run
 * mprotect over the pieces (lurk's protection or the program's), through the
 * system call instruction at insn, then leave th with registers base at an
 * exit stop. At an entry stop the first mprotect takes the place of the
 * call; the caller runs the call again.
 */
static int protect_at_stop(struct target *t, struct thread *th, bool at_entry, uint64_t insn,
			   const struct regs *base, bool lurks, struct carry *carry)
{
	bool first = at_entry;

	for (size_t i = 0; i < t->sw.np; i++) {
		const struct sw_piece *p = &t->sw.p[i];
		uint64_t a[6] = { p->start,
				  p->end - p->start,
				  (uint64_t)(lurks ? p->prot : p->orig_prot),
				  0,
				  0,
				  0 };
		struct regs r = *base;

		if (p->prot == p->orig_prot)
			continue;
		if (first) {
			/* At the entry stop: the kernel runs whatever sys_stop_nr says. */
			set_call(t, &r, SYS_mprotect, a);
			regs_set(&r, t->arch->sys_stop_nr, SYS_mprotect);
			first = false;
			if (regs_write(th->tid, &r) < 0 || proc_syscall(th->tid, 0) < 0 ||
			    wait_syscall_stop(t, th, carry) < 0)
				return -1;
			continue;
		}
		/* From an exit stop: through the instruction again, to its entry and exit. */
		set_call(t, &r, SYS_mprotect, a);
		regs_set(&r, t->arch->pc, insn);
		if (regs_write(th->tid, &r) < 0 || proc_syscall(th->tid, 0) < 0 ||
		    wait_syscall_stop(t, th, carry) < 0 || proc_syscall(th->tid, 0) < 0 ||
		    wait_syscall_stop(t, th, carry) < 0)
			return -1;
	}
	if (first) {
		/* Nothing ran: turn the entry into a call that does nothing, to reach its exit. */
		struct regs r = *base;

		regs_set(&r, t->arch->sys_stop_nr, (uint64_t)-1);
		if (regs_write(th->tid, &r) < 0 || proc_syscall(th->tid, 0) < 0 ||
		    wait_syscall_stop(t, th, carry) < 0)
			return -1;
	}
	th->regs_epoch = ~0u;
	if (at_entry)
		return regs_write(th->tid, base);
	return restore_exit_regs(t, th, base);
}

/* The system call instruction th's call came from, or another one lurk found. */
static uint64_t call_insn(struct target *t, struct thread *th, uint64_t pc, bool *elsewhere)
{
	size_t len = t->arch->syscall_insn_len;
	unsigned char b[16];

	*elsewhere = false;
	if (mem_read(t->pid, pc - len, b, len) == (ssize_t)len &&
	    memcmp(b, t->arch->syscall_insn, len) == 0)
		return pc - len;
	err_clear();
	*elsewhere = true;
	return t->syscall_insn;
}

/* Entry of a call that touches the pages: open them (unless open), then let the call run. */
static bool open_for_call(struct target *t, struct thread *th, long nr, uint64_t lo, uint64_t hi)
{
	struct regs entry, r;
	uint64_t pc, insn;
	struct carry carry = { 0 };
	bool elsewhere;

	th->sw_call = SW_CALL_OPEN;
	th->sw_call_lo = lo;
	th->sw_call_hi = hi;
	th->sw_call_pc = 0;
	if (t->sw.open_calls++ || !t->sw.applied || t->stopping || th->stop_wanted) {
		/* Already open, or everything is being stopped: the prompt opens them anyway. */
		return false;
	}
	if (regs_read(th->tid, &entry) < 0)
		return false;
	pc = regs_pc(t->arch, &entry);
	insn = call_insn(t, th, pc, &elsewhere);
	if (!insn)
		return false;
	if (protect_at_stop(t, th, true, insn, &entry, false, &carry) < 0)
		return true;
	t->sw.applied = false;
	/* Run the call itself again, from its instruction. */
	r = entry;
	regs_set(&r, t->arch->sys_nr, (uint64_t)nr);
	regs_set(&r, t->arch->pc, insn);
	if (elsewhere)
		th->sw_call_pc = pc;
	if (regs_write(th->tid, &r) < 0 || proc_syscall(th->tid, 0) < 0 ||
	    wait_syscall_stop(t, th, &carry) < 0)
		return true;
	if (carry.sig)
		syscall(SYS_tgkill, t->pid, th->tid, carry.sig);
	return false;
}

int target_inject_at_syscall_stop(struct target *t, struct thread *th, long nr, const uint64_t a[6],
				  uint64_t *result)
{
	struct __ptrace_syscall_info info = { 0 };
	struct regs base, r;
	struct carry carry = { 0 };
	uint64_t insn;
	int ret = -1;
	bool elsewhere, entry;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, th->tid, (void *)sizeof(info), &info) <= 0 ||
	    (info.op != PTRACE_SYSCALL_INFO_ENTRY && info.op != PTRACE_SYSCALL_INFO_EXIT) ||
	    regs_read(th->tid, &base) < 0) {
		err_set("thread %d is not at a system-call stop", th->num);
		return -1;
	}
	entry = info.op == PTRACE_SYSCALL_INFO_ENTRY;
	insn = call_insn(t, th, regs_pc(t->arch, &base), &elsewhere);
	/* At an entry the call runs again from its instruction: it must be where it was. */
	if (!insn || (entry && elsewhere)) {
		err_set("thread %d's system call cannot be made again", th->num);
		return -1;
	}
	r = base;
	set_call(t, &r, nr, a);
	if (entry) {
		/* The kernel runs whatever sys_stop_nr says: lurk's call takes the thread's place. */
		regs_set(&r, t->arch->sys_stop_nr, (uint64_t)nr);
		if (regs_write(th->tid, &r) < 0 || proc_syscall(th->tid, 0) < 0 ||
		    wait_syscall_stop(t, th, &carry) < 0)
			goto out;
	} else {
		/* From the exit stop: through the instruction again, to its entry and exit. */
		regs_set(&r, t->arch->pc, insn);
		if (regs_write(th->tid, &r) < 0 || proc_syscall(th->tid, 0) < 0 ||
		    wait_syscall_stop(t, th, &carry) < 0 || proc_syscall(th->tid, 0) < 0 ||
		    wait_syscall_stop(t, th, &carry) < 0)
			goto out;
	}
	if (regs_read(th->tid, &r) < 0)
		goto out;
	*result = regs_get(&r, t->arch->sys_ret);
	if (entry) {
		/* Then the thread's own call again, to its entry stop. */
		r = base;
		regs_set(&r, t->arch->sys_nr, regs_get(&base, t->arch->sys_stop_nr));
		regs_set(&r, t->arch->pc, insn);
		if (regs_write(th->tid, &r) < 0 || proc_syscall(th->tid, 0) < 0 ||
		    wait_syscall_stop(t, th, &carry) < 0)
			goto out;
		ret = 0;
	} else {
		ret = restore_exit_regs(t, th, &base);
	}
out:
	th->regs_epoch = ~0u;
	if (carry.sig)
		syscall(SYS_tgkill, t->pid, th->tid, carry.sig);
	return ret;
}

/* th is held at a system-call stop: mprotect the pieces from there. 0, or -1 (th unusable). */
static int set_at_syscall_stop(struct target *t, struct thread *th, bool lurks)
{
	for (size_t i = 0; i < t->sw.np; i++) {
		const struct sw_piece *p = &t->sw.p[i];
		const uint64_t a[6] = { p->start,
					p->end - p->start,
					(uint64_t)(lurks ? p->prot : p->orig_prot),
					0,
					0,
					0 };
		uint64_t ret;

		if (p->prot != p->orig_prot &&
		    target_inject_at_syscall_stop(t, th, SYS_mprotect, a, &ret) < 0)
			return -1;
	}
	return 0;
}

/* Look at the pieces in [lo, hi) again after the program changed its mappings there. */
static void refresh_after_maps_change(struct target *t, struct thread *th, uint64_t lo, uint64_t hi)
{
	struct swatch *sw = &t->sw;
	struct maps maps;
	bool any = false;

	if (procfs_maps_read(t->pid, &maps) < 0) {
		err_clear();
		return;
	}
	for (size_t i = 0; i < sw->nw; i++) {
		struct sw_watch *w = &sw->w[i];
		bool mapped = true;

		if (!overlaps(w->addr, w->len, lo, hi - lo))
			continue;
		for (uint64_t a = w->addr; a < w->addr + w->len && mapped;) {
			const struct map *mp = NULL;

			for (size_t m = 0; m < maps.n && !mp; m++)
				if (a >= maps.v[m].start && a < maps.v[m].end)
					mp = &maps.v[m];
			mapped = mp != NULL;
			if (mp)
				a = mp->end;
		}
		if (!mapped) {
			w->hit = (struct target_sw_hit){ .hit = true, .gone = true, .sysno = -1 };
			any = true;
		}
	}
	/* The program's new protection of the pages it changed is theirs from now on. */
	for (size_t i = 0; i < sw->np; i++) {
		struct sw_piece *p = &sw->p[i];

		if (!overlaps(p->start, p->end - p->start, lo, hi - lo))
			continue;
		for (size_t m = 0; m < maps.n; m++)
			if (p->start >= maps.v[m].start && p->start < maps.v[m].end) {
				p->orig_prot = prot_of(maps.v[m].perms);
				p->prot = lurk_prot(sw, p->start, p->end, p->orig_prot);
			}
	}
	procfs_maps_free(&maps);
	if (any)
		report_hit(t, th);
}

bool sw_syscall(struct target *t, struct thread *th)
{
	struct __ptrace_syscall_info info = { 0 };
	uint64_t lo, hi;
	long nr;

	if (!t->sw.nw || t->sw.stepping ||
	    ptrace(PTRACE_GET_SYSCALL_INFO, th->tid, (void *)sizeof(info), &info) <= 0) {
		err_clear();
		return false;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		uint64_t a[6];

		nr = (long)info.entry.nr;
		for (int i = 0; i < 6; i++)
			a[i] = info.entry.args[i];
		if (th->sw_call == SW_CALL_OPEN) {
			/* The call again after a restart: its pages are still open. */
			if (t->sw.open_calls)
				return false;
			th->sw_call = SW_CALL_NONE;
		}
		if (changes_maps(nr, a, &lo, &hi)) {
			bool ours = false;

			for (size_t i = 0; i < t->sw.np; i++)
				ours |= overlaps(t->sw.p[i].start,
						 t->sw.p[i].end - t->sw.p[i].start, lo, hi - lo);
			if (ours) {
				th->sw_call = SW_CALL_MAPS;
				th->sw_call_lo = lo;
				th->sw_call_hi = hi;
			}
			return false;
		}
		if (!call_touches(t, nr, a, &lo, &hi))
			return false;
		LOG(LOG_WATCH, "thread %d: %s touches watched pages", th->num,
		    t->arch->syscall_name(nr));
		if (open_for_call(t, th, nr, lo, hi))
			return true; /* gone meanwhile */
		return false;
	}
	if (info.op != PTRACE_SYSCALL_INFO_EXIT || th->sw_call == SW_CALL_NONE)
		return false;
	{
		struct regs exitregs;
		struct carry carry = { 0 };
		bool hit = false, elsewhere;
		unsigned kind = th->sw_call;

		th->sw_call = SW_CALL_NONE;
		if (regs_read(th->tid, &exitregs) < 0) {
			err_clear();
			return false;
		}
		nr = (long)regs_get(&exitregs, t->arch->sys_stop_nr);
		if (th->sw_call_pc) {
			/* The call ran from another instruction: back to where the program made it. */
			regs_set(&exitregs, t->arch->pc, th->sw_call_pc);
			regs_write(th->tid, &exitregs);
			th->sw_call_pc = 0;
		}
		if (kind == SW_CALL_MAPS) {
			refresh_after_maps_change(t, th, th->sw_call_lo, th->sw_call_hi);
			if (t->sw.applied && !t->stopping && !th->stop_wanted) {
				uint64_t insn =
					call_insn(t, th, regs_pc(t->arch, &exitregs), &elsewhere);

				if (insn)
					protect_at_stop(t, th, false, insn, &exitregs, true,
							&carry);
			}
		} else {
			if (t->sw.open_calls && !--t->sw.open_calls && !t->sw.applied &&
			    !t->stopping && !th->stop_wanted) {
				uint64_t insn =
					call_insn(t, th, regs_pc(t->arch, &exitregs), &elsewhere);

				if (insn && protect_at_stop(t, th, false, insn, &exitregs, true,
							    &carry) == 0)
					t->sw.applied = true;
			}
			hit = compare(t, 0, UINT64_MAX, th->sw_call_lo,
				      th->sw_call_hi - th->sw_call_lo, nr);
			/* The end of a vfork: the threads held while the child ran go on. */
			if (th->sw_vfork) {
				th->sw_vfork = false;
				if (hit)
					keep_others(t);
				else
					release_others(t);
			}
		}
		err_clear();
		if (carry.sig)
			syscall(SYS_tgkill, t->pid, th->tid, carry.sig);
		if (th->has_event)
			return true;
		if (hit) {
			report_hit(t, th);
			return true;
		}
	}
	return false;
}

/* ---- single-stepping mode, and the user's own steps ---- */

bool sw_stepped(struct target *t, struct thread *th)
{
	if (!t->sw.nw)
		return false;
	return compare(t, 0, UINT64_MAX, 0, 0, -1);
}

/* ---- fork and vfork ---- */

void sw_vfork_begin(struct target *t, struct thread *th, pid_t child)
{
	struct thread tmp = { .num = 0, .tid = child };

	/* Held: the pages are open for the whole process while the child runs. */
	hold_others(t, th);
	set_pieces(t, &tmp, false);
	err_clear();
	t->sw.applied = false;
	t->sw.vfork_child = child;
}

/*
 * No system call can be injected at the vfork-done stop (the call's return
 * value is written after it): the parent's vfork goes on as a call that had
 * the pages open, protected again and compared at its exit stop.
 */
bool sw_vfork_done(struct target *t, struct thread *th)
{
	if (!t->sw.vfork_child)
		return false;
	t->sw.vfork_child = 0;
	th->sw_call = SW_CALL_OPEN;
	th->sw_call_lo = th->sw_call_hi = 0;
	th->sw_call_pc = 0;
	th->sw_vfork = true;
	t->sw.open_calls++;
	return false;
}

void sw_release_child(struct target *t, pid_t child)
{
	struct thread tmp = { .num = 0, .tid = child };

	if (!t->sw.applied)
		return;
	/* The child has the parent's mappings, with lurk's protection on the watched pages. */
	set_pieces(t, &tmp, false);
	err_clear();
}
