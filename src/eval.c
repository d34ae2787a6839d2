/* eval.c - addresses, integers and conditions evaluated in a frame */
#include "err.h"
#include "eval.h"
#include "expr.h"
#include "frame.h"
#include "target.h"
#include "util.h"
#include "value.h"

/* A bare name, as in "x counter": its value is data, not an address. */
static bool is_bare_name(const char *text)
{
	struct expr *e = expr_parse(text);
	bool bare = e && expr_kind(e) == EXPR_NAME;

	expr_free(e);
	err_clear();
	return bare;
}

int eval_int(const struct frame_ctx *fc, const char *text, uint64_t *value)
{
	struct value *v;
	int ret;

	if (!target_live(fc->target)) {
		/* Plain numbers need no process. */
		struct expr_env env = { NULL, NULL, NULL };

		return expr_value(text, &env, value);
	}
	v = value_eval(fc, text);
	if (!v)
		return -1;
	if (value_is_plain_data(v) && is_bare_name(text)) {
		const char *name = skip_ws(text);

		err_set("\"%s\" is a variable: use &%s for its address", name, name);
		value_free(v);
		return -1;
	}
	ret = value_to_int(fc, v, value);
	value_free(v);
	return ret;
}

int eval_condition(const struct frame_ctx *fc, const struct expr *e, bool *holds)
{
	struct value *v = value_eval_expr(fc, e);
	int ret;

	if (!v)
		return -1;
	ret = value_truth(fc, v, holds);
	value_free(v);
	return ret;
}
