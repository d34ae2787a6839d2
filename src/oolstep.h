/* oolstep.h - out-of-line execution of a breakpoint's original instruction */
#ifndef LURK_OOLSTEP_H
#define LURK_OOLSTEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct site;
struct disas;

/*
 * Pages of the target's own memory (mapped by lurk with an injected mmap)
 * hold, for each breakpoint site, a copy of the instruction the trap
 * replaced, relocated if it addresses relative to the pc, and a jump back
 * to the instruction after it. Resuming a thread that sits on a trap at its
 * slot runs the instruction without removing the trap and without a
 * single-step stop, while other threads run freely past the trap.
 */
struct ool {
	struct ool_page {
		uint64_t base;
		size_t used;
	} pages[16];
	size_t npages;
};

/* How ool reaches into the target: the target module implements these. */
struct ool_ops {
	/* Map one page read+execute at exactly hint (MAP_FIXED_NOREPLACE); the address or 0. */
	uint64_t (*map_page)(void *arg, uint64_t hint);
	/* Read trap-free memory; write memory (even read-only text). */
	ssize_t (*read)(void *arg, uint64_t addr, void *buf, size_t len);
	int (*write)(void *arg, uint64_t addr, const void *buf, size_t len);
	/* Free page-aligned gaps: fn(arg, start, end) for each, in address order. */
	void (*gaps)(void *arg, void (*fn)(void *farg, uint64_t start, uint64_t end), void *farg);
	struct disas *(*disas)(void *arg);
	void *arg;
};

/*
 * The slot for site, made on first use. Returns its address, or 0 when the
 * instruction cannot run elsewhere (calls, jumps, returns, system calls, no
 * room within reach): the caller steps over the trap instead.
 */
uint64_t ool_slot(struct ool *o, const struct ool_ops *ops, struct site *site);

/*
 * A thread stopped inside a slot, before or after the copied instruction:
 * the pc it stands for in the original code (the site, or the instruction
 * after it). Returns false when pc is in no slot.
 */
bool ool_map_back(const struct ool *o, const struct site *sites, size_t nsites, uint64_t pc,
		  uint64_t *orig_pc);
bool ool_contains(const struct ool *o, uint64_t pc);

#endif
