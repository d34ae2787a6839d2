/* frame.c - one frame of a stopped thread for the value engine, unwound only as deep as asked */
#include "err.h"
#include "frame.h"
#include "regs.h"
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
	if (fc->level == 0) {
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
	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	if (fc->level != 0) {
		err_set("%s%d is not saved in frame %d", target_arch(fc->target)->vector_name, n,
			fc->level);
		return -1;
	}
	return regs_read_vector(target_th_tid(fc->thread), n, low);
}

int frame_fp(const struct frame_ctx *fc, struct regs_fp *fp)
{
	if (!fc->thread) {
		err_set("the program is not being run");
		return -1;
	}
	if (fc->level != 0) {
		err_set("floating-point registers are not saved in frame %d", fc->level);
		return -1;
	}
	return regs_read_fp(target_th_tid(fc->thread), fp);
}

int frame_cfa(const struct frame_ctx *fc, uint64_t *cfa)
{
	int sp = target_arch(fc->target)->sp->dwarf;
	const struct frame *frames;
	int n = fc->thread ? target_frames_upto(fc->target, fc->thread, fc->level + 2, &frames)
			   : -1;

	if (n < 0)
		err_clear();
	if (n < fc->level + 2 || !(frames[fc->level + 1].regs_known & (1u << sp))) {
		err_set("the frame's CFA is not known (no caller frame)");
		return -1;
	}
	*cfa = frames[fc->level + 1].regs[sp];
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
