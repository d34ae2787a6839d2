/* target-hw.c - hardware watchpoints: the debug registers every thread gets, armed and disarmed */
#include "err.h"
#include "target-int.h"

/* While every thread is stopped the debug registers are off: each gets them back on resume. */
void target_hw_disarm(struct target *t)
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
void target_hw_apply(struct target *t, struct thread *th)
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

int target_hw_set(struct target *t, int slot, uint64_t addr, unsigned len, unsigned kind)
{
	/* DR7 length bits: 00 one byte, 01 two, 11 four, 10 eight. */
	static const unsigned len_bits[9] = { 0, 0, 1, 0, 3, 0, 0, 0, 2 };
	uint64_t dr7;

	if (target_need_process(t) < 0)
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
		if (proc_set_debugreg(th->tid, slot, addr) < 0 ||
		    proc_set_debugreg(th->tid, 7, dr7) < 0)
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

unsigned target_hw_fired(struct target *t, struct thread *th)
{
	uint64_t dr6 = 0;
	unsigned fired = 0;

	if (!t->dr7)
		return 0;
	/* DR6 keeps its bits until cleared: left set, the next trap would blame them too. */
	if (proc_get_debugreg(th->tid, 6, &dr6) == 0 && (dr6 & 0xf)) {
		fired = (unsigned)(dr6 & 0xf);
		proc_set_debugreg(th->tid, 6, 0);
	}
	err_clear();
	return fired;
}

void target_hw_release(struct target *t)
{
	if (!t->dr7)
		return;
	for (size_t i = 0; i < t->nthreads; i++)
		if (!t->threads[i]->exiting)
			proc_set_debugreg(t->threads[i]->tid, 7, 0);
	t->dr7 = 0;
	err_clear();
}
