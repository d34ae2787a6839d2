/* value-return.c - the value a function has just returned, found where the SysV x86-64 ABI puts it */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <string.h>

#include "err.h"
#include "frame.h"
#include "regs.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/* The returned value of type t into out, from the registers or the memory its class says. */
static int locate(const struct frame_ctx *fc, const struct vtype *t, struct value *out)
{
	const struct arch *a = frame_arch(fc);
	struct vabi_regs r;
	struct regs_fp fp;

	memset(&r, 0, sizeof(r));
	if (frame_reg(fc, a->call_ret, &r.ints[0]) < 0 ||
	    frame_reg(fc, a->call_ret2, &r.ints[1]) < 0 || frame_fp(fc, &fp) < 0)
		return -1;
	memcpy(r.vecs[0], fp.raw + REGS_FP_XMM, 16);
	memcpy(r.vecs[1], fp.raw + REGS_FP_XMM + 16, 16);
	memcpy(r.st0, fp.raw + REGS_FP_ST, 10);
	/* A result in memory: the callee returns the caller's buffer's address in rax. */
	return vabi_result(t, &r, r.ints[0], out);
}

int value_returned(const struct frame_ctx *fc, uint64_t func_pc, struct strbuf *value,
		   struct strbuf *type)
{
	struct sym *sym = frame_sym(fc);
	struct vtype t = { .has_die = true };
	struct value v;
	Dwarf_Die fn;

	if (!sym || vtype_function_die(sym, func_pc, &fn) < 0)
		return -1;
	if (!vtype_die_type(&fn, &t.die) || vtype_kind(&t) == VK_VOID)
		return 0;
	if (strcmp(frame_arch(fc)->name, "x86_64") != 0) {
		err_set("returned values are known only for x86_64's calling convention");
		return -1;
	}
	vtype_name(&t, type);
	if (locate(fc, &t, &v) < 0 || value_format_print(fc, &v, 0, value) < 0)
		return -1;
	return 1;
}
