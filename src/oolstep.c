/* oolstep.c - out-of-line execution of a breakpoint's original instruction */
#include <string.h>

#include "site.h"
#include "disas.h"
#include "err.h"
#include "oolstep.h"

#define PAGE  4096u
#define SLOT  32u	   /* 15 bytes of instruction, 5 of jump back, room to spare */
#define REACH (1ull << 30) /* a slot and its site within 1 GiB: rel32 reaches */

static bool near(uint64_t a, uint64_t b)
{
	return (a > b ? a - b : b - a) < REACH;
}

struct gap_pick {
	uint64_t site, best;
	uint64_t best_dist;
};

static void pick_gap(void *arg, uint64_t start, uint64_t end)
{
	struct gap_pick *p = arg;
	/* The page of the gap closest to the site. */
	uint64_t cand = p->site < start	 ? start
			: p->site >= end ? end - PAGE
					 : p->site & ~(uint64_t)(PAGE - 1);
	uint64_t dist;

	if (end - start < PAGE || cand < 0x10000)
		return;
	dist = cand > p->site ? cand - p->site : p->site - cand;
	if (near(cand, p->site) && dist < p->best_dist) {
		p->best = cand;
		p->best_dist = dist;
	}
}

static struct ool_page *page_for(struct ool *o, const struct ool_ops *ops, uint64_t site)
{
	struct gap_pick pick = { site, 0, UINT64_MAX };

	for (size_t i = 0; i < o->npages; i++)
		if (o->pages[i].used + SLOT <= PAGE && near(o->pages[i].base, site))
			return &o->pages[i];
	if (o->npages == sizeof(o->pages) / sizeof(o->pages[0]))
		return NULL;
	ops->gaps(ops->arg, pick_gap, &pick);
	if (!pick.best || ops->map_page(ops->arg, pick.best) != pick.best)
		return NULL;
	o->pages[o->npages] = (struct ool_page){ pick.best, 0 };
	return &o->pages[o->npages++];
}

uint64_t ool_slot(struct ool *o, const struct ool_ops *ops, struct site *site)
{
	struct disas *d = ops->disas(ops->arg);
	struct disas_insn insn;
	unsigned char code[16], slot[SLOT];
	struct ool_page *page;
	uint64_t at;
	int32_t rel;

	if (site->slot || site->slot_tried)
		return site->slot;
	site->slot_tried = true;
	if (!d || ops->read(ops->arg, site->addr, code, sizeof(code)) != (ssize_t)sizeof(code) ||
	    !disas_one(d, code, sizeof(code), site->addr, &insn)) {
		err_clear();
		return 0;
	}
	/* What depends on where it runs from, beyond a pc-relative operand, stays put. */
	if (insn.is_call || insn.is_jump || insn.is_ret || insn.is_syscall ||
	    (insn.has_rip_mem && insn.rip_disp_offset < 0) || insn.size > 15)
		return 0;
	page = page_for(o, ops, site->addr);
	if (!page)
		return 0;
	at = page->base + page->used;
	memset(slot, 0xcc, sizeof(slot));
	memcpy(slot, insn.bytes, insn.size);
	if (insn.has_rip_mem) {
		int32_t disp;
		int64_t moved;

		memcpy(&disp, slot + insn.rip_disp_offset, 4);
		moved = (int64_t)disp + (int64_t)(site->addr - at);
		if (moved != (int32_t)moved)
			return 0;
		disp = (int32_t)moved;
		memcpy(slot + insn.rip_disp_offset, &disp, 4);
	}
	/* jmp rel32 back to the instruction after the site */
	slot[insn.size] = 0xe9;
	rel = (int32_t)((int64_t)(site->addr + insn.size) - (int64_t)(at + insn.size + 5));
	memcpy(slot + insn.size + 1, &rel, 4);
	if (ops->write(ops->arg, at, slot, sizeof(slot)) < 0) {
		err_clear();
		return 0;
	}
	page->used += SLOT;
	site->slot = at;
	site->insn_len = insn.size;
	return at;
}

bool ool_contains(const struct ool *o, uint64_t pc)
{
	for (size_t i = 0; i < o->npages; i++)
		if (pc >= o->pages[i].base && pc < o->pages[i].base + PAGE)
			return true;
	return false;
}

bool ool_map_back(const struct ool *o, const struct site *sites, size_t nsites, uint64_t pc,
		  uint64_t *orig_pc)
{
	if (!ool_contains(o, pc))
		return false;
	for (size_t i = 0; i < nsites; i++) {
		const struct site *s = &sites[i];

		if (!s->slot || pc < s->slot || pc >= s->slot + SLOT)
			continue;
		/* Before the copy: the site itself; after it, at the jump back: the next one. */
		*orig_pc = pc == s->slot ? s->addr : s->addr + s->insn_len;
		return true;
	}
	return false;
}
