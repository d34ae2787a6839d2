/* target-freeze.c - a sample of a running program: registers and memory copied while it was stopped */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "regs.h"
#include "target-int.h"
#include "util.h"

/*
 * Each thread's stack is copied from its stack pointer up this far: an
 * unwind of the usual depth reads nothing above it. Frames further out
 * (a deep recursion's outermost ones) are read live, as they are when
 * the copy is read: the outermost frames of a thread change least.
 */
#define FREEZE_STACK (32u * 1024)
/* Below the stack pointer, the red zone a leaf function may keep data in (x86-64). */
#define FREEZE_RED_ZONE 128u
/* The most one sample copies in all: what would pass it is not copied. */
#define FREEZE_MAX (16u << 20)

struct frozen_range {
	uint64_t addr;
	size_t len;
	unsigned char *data;
};

struct freeze {
	struct frozen_range *v;
	size_t n, cap;
	size_t bytes; /* copied in all */
};

bool target_frozen(const struct target *t)
{
	return t->freeze != NULL;
}

void target_freeze_add(struct target *t, uint64_t addr, uint64_t len)
{
	struct freeze *f = t->freeze;
	struct frozen_range *r;
	ssize_t got;

	if (!f || !len || len > FREEZE_MAX - f->bytes || addr + len < addr)
		return;
	VEC_GROW(f->v, f->n, f->cap);
	r = &f->v[f->n];
	r->data = xmalloc((size_t)len);
	got = mem_read(t->pid, addr, r->data, (size_t)len);
	if (got <= 0) {
		err_clear();
		free(r->data);
		return;
	}
	r->addr = addr;
	r->len = (size_t)got;
	f->bytes += (size_t)got;
	f->n++;
}

int target_freeze(struct target *t)
{
	if (t->freeze) {
		err_set("a sample is already frozen");
		return -1;
	}
	if (target_need_process(t) < 0)
		return -1;
	/* In the background only the threads target_interrupt_busy() stopped are copied. */
	if (target_any_running(t) && !t->background) {
		err_set("the program is running; a sample is taken with its threads stopped");
		return -1;
	}
	t->freeze = xcalloc(1, sizeof(*t->freeze));
	/* Read once while the copy is read: modules loaded since the stop are rare, and harmless. */
	t->freeze_synced = false;
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		uint64_t sp;

		if (th->exiting || th->running || target_regs(t, th, &th->frozen_regs) < 0) {
			err_clear();
			continue;
		}
		th->frozen = true;
		sp = regs_sp(t->arch, &th->frozen_regs);
		if (sp > FREEZE_RED_ZONE)
			target_freeze_add(t, sp - FREEZE_RED_ZONE, FREEZE_RED_ZONE + FREEZE_STACK);
	}
	return 0;
}

void target_thaw(struct target *t)
{
	if (!t->freeze)
		return;
	for (size_t i = 0; i < t->freeze->n; i++)
		free(t->freeze->v[i].data);
	free(t->freeze->v);
	free(t->freeze);
	t->freeze = NULL;
	for (size_t i = 0; i < t->nthreads; i++)
		t->threads[i]->frozen = false;
	/* Frames and values worked out from the copy are not the program's state now. */
	t->epoch++;
}

ssize_t target_frozen_read(const struct target *t, uint64_t addr, void *buf, size_t len,
			   uint64_t *live_len)
{
	const struct freeze *f = t->freeze;
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < f->n; i++) {
		const struct frozen_range *r = &f->v[i];

		if (addr >= r->addr && addr - r->addr < r->len) {
			size_t n = r->len - (size_t)(addr - r->addr);

			if (n > len)
				n = len;
			memcpy(buf, r->data + (addr - r->addr), n);
			return (ssize_t)n;
		}
		if (r->addr > addr && r->addr < next)
			next = r->addr;
	}
	/* Not copied: read live, up to the next copied range. */
	*live_len = next - addr < len ? next - addr : len;
	return 0;
}
