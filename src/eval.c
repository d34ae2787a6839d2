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
#include "util.h"
#include "value.h"

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

/* A bare name, as in "x counter": its value is data, not an address. */
static bool is_bare_name(const char *text)
{
	struct expr *e = expr_parse(text);
	bool bare = e && expr_kind(e) == EXPR_NAME;

	expr_free(e);
	err_clear();
	return bare;
}

int eval_int(struct session *s, const char *text, uint64_t *value)
{
	struct value *v;
	int ret;

	if (!target_live(s->target)) {
		/* Plain numbers need no process. */
		struct expr_env env = { NULL, NULL, s };

		return expr_value(text, &env, value);
	}
	v = value_eval(s, text);
	if (!v)
		return -1;
	if (value_is_plain_data(v) && is_bare_name(text)) {
		const char *name = skip_ws(text);

		err_set("\"%s\" is a variable: use &%s for its address", name, name);
		value_free(v);
		return -1;
	}
	ret = value_to_int(s, v, value);
	value_free(v);
	return ret;
}

int eval_condition(struct session *s, const char *text, bool *holds)
{
	struct value *v = value_eval(s, text);
	uint64_t n;
	int ret;

	if (!v)
		return -1;
	ret = value_to_int(s, v, &n);
	value_free(v);
	if (ret == 0)
		*holds = n != 0;
	return ret;
}
