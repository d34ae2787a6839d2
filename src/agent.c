/* agent.c - calls counted inside the program: the trampoline of a patched function */
#include <inttypes.h>
#include <string.h>

#include "agent.h"
#include "disas.h"
#include "err.h"

/* lock incq disp32(%rip) */
static const unsigned char count_insn[] = { 0xf0, 0x48, 0xff, 0x05 };
#define COUNT_LEN 8u

static bool put_rel32(unsigned char *at, uint64_t from_end, uint64_t to)
{
	int64_t rel = (int64_t)(to - from_end);
	int32_t r32 = (int32_t)rel;

	if (rel != r32)
		return false;
	memcpy(at, &r32, 4);
	return true;
}

int agent_build(struct disas *d, uint64_t func, uint64_t fn_size, const unsigned char *code,
		size_t code_len, uint64_t tramp, uint64_t counter_addr, struct agent_fn *fn,
		unsigned char out[AGENT_TRAMP_MAX])
{
	unsigned len = 0, pos = COUNT_LEN;

	memset(fn, 0, sizeof(*fn));
	memset(out, 0xcc, AGENT_TRAMP_MAX);
	if (fn_size == 0) {
		err_set("its symbol gives no size");
		return -1;
	}
	if (fn_size < AGENT_JMP_LEN) {
		err_set("it is %" PRIu64 " byte%s long, shorter than the %u-byte jump", fn_size,
			fn_size == 1 ? "" : "s", AGENT_JMP_LEN);
		return -1;
	}
	memcpy(out, count_insn, sizeof(count_insn));
	if (!put_rel32(out + 4, tramp + COUNT_LEN, counter_addr)) {
		err_set("its counter is out of reach");
		return -1;
	}
	while (len < AGENT_JMP_LEN) {
		struct disas_insn insn;
		/* A direct jump is written again as jmp rel32 (5 bytes); the rest keep their size. */
		unsigned size;
		bool jump;

		if (len >= code_len ||
		    !disas_one(d, code + len, code_len - len, func + len, &insn)) {
			err_prefix("its first instructions cannot be decoded");
			return -1;
		}
		if (len + insn.size > fn_size) {
			err_set("its instructions end before the %u-byte jump does", AGENT_JMP_LEN);
			return -1;
		}
		/*
		 * A return runs the same anywhere, and a direct jump (a tail
		 * call) is written again to its target: a function shorter
		 * than the jump is moved whole. A call would return into lurk's
		 * page; other jumps, system calls and what depends on where it
		 * runs from, beyond a pc-relative operand, stay put.
		 */
		jump = insn.is_jump && insn.has_target && !strcmp(insn.mnemonic, "jmp");
		if (!insn.is_ret && !jump &&
		    (insn.is_call || insn.is_jump || insn.is_syscall ||
		     (insn.has_rip_mem && insn.rip_disp_offset < 0))) {
			err_set("its first bytes hold \"%s%s%s\" at +%u, which cannot run "
				"elsewhere",
				insn.mnemonic, insn.operands[0] ? " " : "", insn.operands, len);
			return -1;
		}
		size = jump ? 5 : insn.size;
		if (fn->ninsn == sizeof(fn->at) || pos + size + AGENT_JMP_LEN > AGENT_TRAMP_MAX) {
			err_set("its first instructions are too many to move");
			return -1;
		}
		if (jump) {
			out[pos] = 0xe9;
			if (!put_rel32(out + pos + 1, tramp + pos + 5, insn.target)) {
				err_set("its jump at +%u cannot reach its target from lurk's page",
					len);
				return -1;
			}
		} else {
			memcpy(out + pos, insn.bytes, insn.size);
		}
		if (insn.has_rip_mem && !jump) {
			int32_t disp;
			int64_t moved;

			memcpy(&disp, out + pos + insn.rip_disp_offset, 4);
			moved = (int64_t)disp + (int64_t)(func + len - (tramp + pos));
			if (moved != (int32_t)moved) {
				err_set("its operand at +%u cannot reach its data from lurk's page",
					len);
				return -1;
			}
			disp = (int32_t)moved;
			memcpy(out + pos + insn.rip_disp_offset, &disp, 4);
		}
		fn->at[fn->ninsn] = (unsigned char)len;
		fn->copied[fn->ninsn] = (unsigned char)pos;
		fn->ninsn++;
		len += insn.size;
		pos += size;
	}
	/* jmp rel32 back to the first instruction not moved */
	out[pos] = 0xe9;
	if (!put_rel32(out + pos + 1, tramp + pos + AGENT_JMP_LEN, func + len)) {
		err_set("the function is out of reach of lurk's page");
		return -1;
	}
	fn->func = func;
	fn->len = len;
	memcpy(fn->orig, code, len);
	fn->tramp = tramp;
	fn->tramp_len = pos + AGENT_JMP_LEN;
	return 0;
}

int agent_check_jumps(struct disas *d, uint64_t func, const unsigned char *code, size_t size,
		      unsigned len)
{
	size_t at = 0;

	while (at < size) {
		struct disas_insn insn;
		unsigned n = disas_one(d, code + at, size - at, func + at, &insn);

		if (!n) {
			err_set("its code at +%zu does not decode (data in the function?)", at);
			return -1;
		}
		if (insn.has_target && insn.target > func && insn.target < func + len) {
			err_set("the %s at +%zu lands inside its first %u bytes", insn.mnemonic, at,
				len);
			return -1;
		}
		at += n;
	}
	return 0;
}

bool agent_map_back(const struct agent_fn *fn, uint64_t pc, uint64_t *orig_pc)
{
	if (pc < fn->tramp || pc >= fn->tramp + fn->tramp_len)
		return false;
	/* Before the increment: the call has not been counted; it will be again. */
	if (pc < fn->tramp + COUNT_LEN) {
		*orig_pc = fn->func;
		return true;
	}
	for (unsigned i = 0; i < fn->ninsn; i++)
		if (pc == fn->tramp + fn->copied[i]) {
			*orig_pc = fn->func + fn->at[i];
			return true;
		}
	/* On the jump back (a thread only stops between instructions). */
	*orig_pc = fn->func + fn->len;
	return true;
}
