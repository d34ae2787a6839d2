/* frame.c - one frame of a stopped thread for the value engine, unwound only as deep as asked */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "frame.h"
#include "regs.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"

static int frames_to(const struct frame_ctx *fc, int depth, const struct frame **frames)
{
	int n;

	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	n = target_frames_upto(fc->target, fc->thread, depth, frames);
	if (n < 0)
		return -1;
	if (n < depth) {
		err_set("no frame at level %d", depth - 1);
		return -1;
	}
	return n;
}

int frame_inline(const struct frame_ctx *fc, int *phys, int *skip)
{
	const struct frame *frames;

	/*
	 * The innermost frame is the executing machine frame's innermost
	 * inlined call, unless a step stopped in front of some.
	 */
	if (fc->level == 0) {
		*phys = 0;
		*skip = fc->thread ? target_th_inline_hidden(fc->target, fc->thread) : 0;
		return 0;
	}
	if (frames_to(fc, fc->level + 1, &frames) < 0)
		return -1;
	*phys = frames[fc->level].phys;
	*skip = frames[fc->level].inline_skip;
	return 0;
}

/* Whether the frame at level is the executing machine frame, with every register live. */
static bool is_live(const struct frame_ctx *fc)
{
	int phys, skip;

	if (fc->level == 0)
		return true;
	if (frame_inline(fc, &phys, &skip) < 0) {
		err_clear();
		return false;
	}
	return phys == 0;
}

int frame_pc(const struct frame_ctx *fc, uint64_t *pc)
{
	const struct frame *frames;

	if (fc->level == 0)
		return frame_reg(fc, target_arch(fc->target)->pc, pc);
	if (frames_to(fc, fc->level + 1, &frames) < 0)
		return -1;
	*pc = frames[fc->level].pc;
	return 0;
}

int frame_reg(const struct frame_ctx *fc, const struct arch_reg *reg, uint64_t *value)
{
	const struct frame *frames;
	struct regs r;

	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	if (is_live(fc)) {
		if (target_regs(fc->target, fc->thread, &r) < 0)
			return -1;
		*value = regs_get(&r, reg);
		return 0;
	}
	if (frames_to(fc, fc->level + 1, &frames) < 0)
		return -1;
	if (reg == target_arch(fc->target)->pc) {
		*value = frames[fc->level].pc;
		return 0;
	}
	if (reg->dwarf >= 0 && reg->dwarf < UNWIND_NREGS &&
	    (frames[fc->level].regs_known & (1u << reg->dwarf))) {
		*value = frames[fc->level].regs[reg->dwarf];
		return 0;
	}
	err_set("%s is not saved in frame %d", reg->name, fc->level);
	return -1;
}

int frame_vector(const struct frame_ctx *fc, int n, uint64_t *low)
{
	struct regs_fp fp;
	unsigned char bytes[16];

	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	if (!is_live(fc)) {
		err_set("%s%d is not saved in frame %d", target_arch(fc->target)->vector_name, n,
			fc->level);
		return -1;
	}
	if (n < 0 || n > 15) {
		err_set("no register %s%d", target_arch(fc->target)->vector_name, n);
		return -1;
	}
	if (target_fpregs(fc->target, fc->thread, &fp) < 0)
		return -1;
	regs_fp_vector(&fp, n, bytes);
	memcpy(low, bytes, sizeof(*low));
	return 0;
}

int frame_fp(const struct frame_ctx *fc, struct regs_fp *fp)
{
	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	if (!is_live(fc)) {
		err_set("floating-point registers are not saved in frame %d", fc->level);
		return -1;
	}
	return target_fpregs(fc->target, fc->thread, fp);
}

/*
 * The level of the machine frame that called the one at level (frames of
 * inlined calls share their machine frame), or -1 when there is none.
 */
static int machine_caller(const struct frame_ctx *fc, int level, const struct frame **frames)
{
	int n, depth = level + 2;

	for (;;) {
		n = fc->thread ? target_frames_upto(fc->target, fc->thread, depth, frames) : -1;
		if (n < 0) {
			err_clear();
			return -1;
		}
		if (n <= level)
			return -1;
		for (int k = level + 1; k < n; k++)
			if ((*frames)[k].phys != (*frames)[level].phys)
				return k;
		if (n < depth)
			return -1; /* the whole stack is unwound */
		depth = n + 1;
	}
}

int frame_cfa(const struct frame_ctx *fc, uint64_t *cfa)
{
	int sp = target_arch(fc->target)->sp->dwarf;
	const struct frame *frames;
	int caller = machine_caller(fc, fc->level, &frames);

	if (caller < 0 || !(frames[caller].regs_known & (1u << sp))) {
		err_set("the frame's CFA is not known (no caller frame)");
		return -1;
	}
	*cfa = frames[caller].regs[sp];
	return 0;
}

struct sym *frame_sym(const struct frame_ctx *fc)
{
	return target_sym(fc->target);
}

const struct arch *frame_arch(const struct frame_ctx *fc)
{
	return target_arch(fc->target);
}

ssize_t frame_read(const struct frame_ctx *fc, uint64_t addr, void *buf, size_t len)
{
	return target_read(fc->target, addr, buf, len);
}

int frame_write(const struct frame_ctx *fc, uint64_t addr, const void *buf, size_t len)
{
	return target_write_data(fc->target, addr, buf, len);
}

int frame_set_reg(const struct frame_ctx *fc, const struct arch_reg *reg, uint64_t value)
{
	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	return target_set_reg(fc->target, fc->thread, reg, value);
}

int frame_call(const struct frame_ctx *fc, const struct target_call *call,
	       struct target_call_result *res)
{
	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	return target_call_function(fc->target, fc->thread, call, res);
}

/* The address of the CFI rule offset(N) in ops (CFA + N), or false for any other rule. */
static bool saved_at(const Dwarf_Op *ops, size_t nops, uint64_t cfa, uint64_t *addr)
{
	if (nops < 1 || ops[0].atom != DW_OP_call_frame_cfa)
		return false;
	if (nops == 1) {
		*addr = cfa;
		return true;
	}
	if (nops == 2 && ops[1].atom == DW_OP_plus_uconst) {
		*addr = cfa + ops[1].number;
		return true;
	}
	if (nops == 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) &&
	    ops[2].atom == DW_OP_plus) {
		*addr = cfa + ops[1].number;
		return true;
	}
	return false;
}

/* What frame k's CFI says of its caller's register dwarf_reg. */
enum cfi_rule { RULE_SAVED, RULE_SAME, RULE_OTHER, RULE_NO_CFI };

static enum cfi_rule cfi_rule(const struct frame_ctx *fc, int k, int dwarf_reg, uint64_t *addr)
{
	struct sym *sym = target_sym(fc->target);
	uint32_t preserved = target_arch(fc->target)->preserved_dwarf;
	struct frame_ctx inner = { fc->target, fc->thread, k };
	uint64_t pc, cfa;
	int phys, skip;
	Dwfl_Module *mod;
	Dwarf_CFI *cfi;
	Dwarf_Addr bias;
	Dwarf_Frame *frame = NULL;
	Dwarf_Op ops_mem[3], *ops = NULL;
	size_t nops = 0;
	enum cfi_rule rule = RULE_OTHER;
	int rc;

	if (frame_pc(&inner, &pc) < 0 || frame_cfa(&inner, &cfa) < 0 ||
	    frame_inline(&inner, &phys, &skip) < 0)
		return RULE_NO_CFI;
	/* A caller's pc is its return address: the call itself is the byte before. */
	if (phys > 0)
		pc--;
	mod = sym ? sym_module_at(sym, pc) : NULL;
	cfi = mod ? dwfl_module_eh_cfi(mod, &bias) : NULL;
	if (!cfi && mod)
		cfi = dwfl_module_dwarf_cfi(mod, &bias);
	rc = cfi ? dwarf_cfi_addrframe(cfi, pc - bias, &frame) : -1;
	if (rc < 0) {
		err_set("frame %d has no call frame information", k);
		return RULE_NO_CFI;
	}
	rc = dwarf_frame_register(frame, dwarf_reg, ops_mem, &ops, &nops);
	/*
	 * Same value: the register still holds it further in. A callee-saved
	 * register the CFI does not mention is left alone too, as the ABI
	 * promises (libdw may call it undefined without the ABI's rules).
	 */
	if (rc == 0 && nops == 0 && (!ops || (dwarf_reg < 32 && (preserved & (1u << dwarf_reg)))))
		rule = RULE_SAME;
	else if (rc == 0 && saved_at(ops, nops, cfa, addr))
		rule = RULE_SAVED;
	free(frame);
	return rule;
}

int frame_reg_slot(const struct frame_ctx *fc, int dwarf_reg, uint64_t *addr)
{
	const struct frame *frames;
	int phys, skip;

	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	if (frame_inline(fc, &phys, &skip) < 0)
		return -1;
	if (phys == 0)
		return 1; /* the executing machine frame: its registers are live */
	if (frames_to(fc, fc->level + 1, &frames) < 0)
		return -1;
	/*
	 * Each machine frame inside says where its caller's register went:
	 * saved, or left alone. Frames of inlined calls share their machine
	 * frame's registers: only the outermost of each is asked.
	 */
	for (int k = fc->level - 1; k >= 0; k--) {
		enum cfi_rule rule;

		if (frames[k].phys == phys || frames[k + 1].phys == frames[k].phys)
			continue;
		rule = cfi_rule(fc, k, dwarf_reg, addr);
		if (rule == RULE_SAME)
			continue;
		if (rule == RULE_SAVED)
			return 0;
		err_set("the register's value in frame %d cannot be changed: frame %d %s",
			fc->level, k,
			rule == RULE_NO_CFI ? "has no call frame information" : "does not keep it");
		return -1;
	}
	return 1;
}

int frame_saved_reg(const struct frame_ctx *fc, int dwarf_reg, uint64_t *addr)
{
	const struct frame *frames;

	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	/* An inlined call saves nothing: its caller is its own machine frame. */
	if (target_frames_upto(fc->target, fc->thread, fc->level + 2, &frames) >= fc->level + 2 &&
	    frames[fc->level].phys == frames[fc->level + 1].phys)
		return 1;
	err_clear();
	switch (cfi_rule(fc, fc->level, dwarf_reg, addr)) {
	case RULE_SAVED:
		return 0;
	case RULE_NO_CFI:
		return -1;
	default:
		err_clear();
		return 1;
	}
}

const char *frame_language(const struct frame_ctx *fc)
{
	Dwarf_Die cu_die, *cu;
	Dwarf_Addr bias;
	uint64_t pc;

	if (frame_pc(fc, &pc) < 0) {
		err_clear();
		return NULL;
	}
	if (fc->level > 0)
		pc--;
	cu = sym_cu_at(target_sym(fc->target), pc, &cu_die, &bias);
	if (!cu)
		return NULL;
	return sym_language_name(dwarf_srclang(cu));
}
