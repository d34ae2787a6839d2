/* eval.c - expressions evaluated in the selected frame */
#include "err.h"
#include "eval.h"
#include "expr.h"
#include "regs.h"
#include "select.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"

int eval_frame_reg(struct session *s, const struct arch_reg *reg, uint64_t *value)
{
	const struct arch *a = target_arch(s->target);
	struct thread *th;
	const struct frame *frames;
	struct regs r;
	int n, level = select_frame(s, &th, &frames, &n);

	if (level < 0)
		return -1;
	if (level == 0) {
		if (target_regs(s->target, th, &r) < 0)
			return -1;
		*value = regs_get(&r, reg);
		return 0;
	}
	if (reg == a->pc) {
		*value = frames[level].pc;
		return 0;
	}
	if (reg->dwarf >= 0 && reg->dwarf < UNWIND_NREGS &&
	    (frames[level].regs_known & (1u << reg->dwarf))) {
		*value = frames[level].regs[reg->dwarf];
		return 0;
	}
	err_set("%s is not saved in frame %d", reg->name, level);
	return -1;
}

static int env_reg(void *arg, const char *name, uint64_t *value)
{
	struct session *s = arg;
	const struct arch_reg *reg = regs_find(target_arch(s->target), name);

	if (!reg) {
		err_set("no register $%s", name);
		return -1;
	}
	return eval_frame_reg(s, reg, value);
}

static int env_sym(void *arg, const char *name, bool addr_of, uint64_t *value)
{
	struct session *s = arg;
	struct sym *sym = target_sym(s->target);
	struct sym_found f;

	if (!sym || sym_lookup(sym, name, NULL, &f) < 0)
		return -1;
	if (!addr_of && f.kind != SYM_FUNC) {
		err_set("\"%s\" is a variable: use &%s for its address", name, name);
		return -1;
	}
	*value = f.addr;
	return 0;
}

int eval_int(struct session *s, const char *text, uint64_t *value)
{
	struct expr_env env = { env_reg, env_sym, s };

	if (!target_live(s->target)) {
		/* Plain numbers need no process. */
		env.reg = NULL;
		env.sym = NULL;
	}
	return expr_value(text, &env, value);
}
