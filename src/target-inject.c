/* target-inject.c - system calls run inside the process for lurk (its slot pages, mprotect) */
#include <string.h>
#include <sys/syscall.h>

#include "err.h"
#include "mem.h"
#include "procfs.h"
#include "target-int.h"

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
				size_t len = m->end - a < sizeof(buf) ? (size_t)(m->end - a)
								      : sizeof(buf);
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

bool target_can_inject(struct target *t)
{
	return target_injectable_thread(t) != NULL;
}

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

int target_syscall(struct target *t, long nr, const uint64_t args[6], uint64_t *result)
{
	if (target_need_process(t) < 0)
		return -1;
	if (target_any_running(t)) {
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	return target_inject_any(t, nr, args, result);
}

/* A page for out-of-line slots, mapped by the program's own mmap near hint. */
uint64_t target_map_slot_page(void *arg, uint64_t hint)
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

/* Give the process its memory back: lurk's slot pages are unmapped. */
void target_unmap_slots(struct target *t)
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
