/*
 * fuzz-expr.c - the expression parser and integer evaluator (expr_parse,
 * expr_eval, the tree accessors value.c walks) with a fake environment:
 * a few registers and symbols have fixed values, every other name is an error.
 */
#include "fuzz.h"

#include "err.h"
#include "expr.h"

static const struct {
	const char *name;
	uint64_t value;
} regs[] = {
	{ "rip", 0x401000 }, { "pc", 0x401000 },    { "rsp", 0x7ffffffde000 }, { "sp", 0x7ffffffde000 },
	{ "rbp", 0x7ffffffde010 }, { "rax", 0 }, { "rdi", 1 }, { "eflags", 0x246 }, { "r15", UINT64_MAX },
};

static const struct {
	const char *name;
	uint64_t value, addr;
} syms[] = {
	{ "main", 0x401126, 0x401126 },
	{ "counter", 42, 0x404028 },
	{ "neg", (uint64_t)-1, 0x404030 },
	{ "big", 0x8000000000000000ull, 0x404038 },
	{ "zero", 0, 0x404040 },
};

static int fake_reg(void *arg, const char *name, uint64_t *value)
{
	FUZZ_CHECK(arg == (void *)regs && name);
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (!strcmp(regs[i].name, name)) {
			*value = regs[i].value;
			return 0;
		}
	}
	err_set("no register \"$%s\"", name);
	return -1;
}

static int fake_sym(void *arg, const char *name, bool addr_of, uint64_t *value)
{
	FUZZ_CHECK(arg == (void *)regs && name);
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if (!strcmp(syms[i].name, name)) {
			*value = addr_of ? syms[i].addr : syms[i].value;
			return 0;
		}
	}
	err_set("no symbol \"%s\" in the current context", name);
	return -1;
}

/* The tree is what expr.h says it is: every kind has the operands it should. */
static size_t walk(const struct expr *e, unsigned depth)
{
	const struct expr *l = expr_left(e), *r = expr_right(e);
	const char *name = expr_name(e);
	size_t nodes = 1;

	switch (expr_kind(e)) {
	case EXPR_NUM:
		FUZZ_CHECK(!l && !r && !name);
		break;
	case EXPR_FLOAT: {
		unsigned fsize;

		(void)expr_float(e, &fsize);
		FUZZ_CHECK(!l && !r && !name && (fsize == 4 || fsize == 8 || fsize == 16));
		break;
	}
	case EXPR_REG:
		/* "" is gdb's $, the last history value. */
		FUZZ_CHECK(!l && !r && name);
		break;
	case EXPR_NAME:
		FUZZ_CHECK(!l && !r && name && name[0]);
		break;
	case EXPR_ADDR_OF:
		FUZZ_CHECK(!r && (!name != !l));
		break;
	case EXPR_UNARY:
		FUZZ_CHECK(l && !r && !name && strchr("-!~", expr_op(e)));
		break;
	case EXPR_BINARY:
		FUZZ_CHECK(l && r && !name && expr_op(e));
		break;
	case EXPR_DEREF:
		FUZZ_CHECK(l && !r && !name);
		break;
	case EXPR_MEMBER:
	case EXPR_ARROW:
		FUZZ_CHECK(l && !r && name && name[0]);
		break;
	case EXPR_INDEX:
	case EXPR_REPEAT:
		FUZZ_CHECK(l && r && !name);
		break;
	case EXPR_CAST:
		FUZZ_CHECK(l && !r && name && name[0]);
		break;
	case EXPR_SIZEOF:
		FUZZ_CHECK(!r && (!name != !l));
		break;
	case EXPR_CALL:
	case EXPR_ARG:
		/* The arguments hang off r, one EXPR_ARG each. */
		FUZZ_CHECK(l && !name && (!r || expr_kind(r) == EXPR_ARG));
		break;
	case EXPR_COND:
		FUZZ_CHECK(l && r && expr_third(e) && !name);
		nodes += walk(expr_third(e), depth + 1);
		break;
	case EXPR_COMMA:
		FUZZ_CHECK(l && r && !name);
		break;
	case EXPR_ASSIGN:
		FUZZ_CHECK(l && r && !name);
		break;
	default:
		FUZZ_CHECK(!"unknown kind");
	}
	if (l)
		nodes += walk(l, depth + 1);
	if (r)
		nodes += walk(r, depth + 1);
	return nodes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct expr_env env = { fake_reg, fake_sym, (void *)regs };
	const struct expr_env none = { NULL, NULL, NULL };
	char *text = fuzz_cstr(data, size);
	struct expr *e;
	uint64_t v1 = 0, v2 = 0, v3 = 0;
	int r1, r2;

	err_clear();
	e = expr_parse(text);
	if (!e) {
		FUZZ_CHECK(err_isset());
		free(text);
		return 0;
	}
	walk(e, 0);
	err_clear();
	r1 = expr_eval(e, &env, &v1);
	FUZZ_CHECK(r1 == 0 || err_isset());
	/* Deterministic: the same tree in the same environment gives the same answer. */
	r2 = expr_eval(e, &env, &v2);
	FUZZ_CHECK(r1 == r2 && (r1 < 0 || v1 == v2));
	/* No registers or symbols at all (eval_int without a process). */
	err_clear();
	if (expr_eval(e, &none, &v3) < 0)
		FUZZ_CHECK(err_isset());
	else
		FUZZ_CHECK(r1 == 0 && v3 == v1);
	if (expr_kind(e) == EXPR_BINARY) {
		uint64_t a = 0, b = 0, v;

		if (expr_eval(expr_left(e), &env, &a) == 0 && expr_eval(expr_right(e), &env, &b) == 0)
			(void)expr_binary(expr_op(e), a, b, &v);
	}
	expr_free(e);

	/* expr_value is parse + eval + free. */
	err_clear();
	r2 = expr_value(text, &env, &v2);
	FUZZ_CHECK(r1 == r2 && (r1 < 0 || v1 == v2));
	free(text);
	return 0;
}
