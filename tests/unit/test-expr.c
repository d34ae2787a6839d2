/* test-expr.c - expression parsing and integer evaluation against a fake target */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "expr.h"

static int fake_reg(void *arg, const char *name, uint64_t *v)
{
	(void)arg;
	if (!strcmp(name, "rsp")) {
		*v = 0x7ffc1000;
		return 0;
	}
	if (!strcmp(name, "rip")) {
		*v = 0x401000;
		return 0;
	}
	err_set("no register $%s", name);
	return -1;
}

static int sym_calls;

static int fake_sym(void *arg, const char *name, bool addr_of, uint64_t *v)
{
	(void)arg;
	sym_calls++;
	if (!strcmp(name, "main")) {
		*v = 0x401100;
		return 0;
	}
	if (!strcmp(name, "counter")) {
		if (!addr_of) {
			err_set("\"counter\" is a variable: use &counter for its address");
			return -1;
		}
		*v = 0x404010;
		return 0;
	}
	err_set("no symbol \"%s\"", name);
	return -1;
}

static const struct expr_env env = { fake_reg, fake_sym, NULL };

static uint64_t eval(const char *text)
{
	uint64_t v = 0xdeadbeef;

	if (expr_value(text, &env, &v) < 0) {
		fprintf(stderr, "eval \"%s\": %s\n", text, err_get());
		check_failures++;
	}
	return v;
}

static void fails(const char *text, const char *why)
{
	uint64_t v;

	CHECK(expr_value(text, &env, &v) < 0);
	CHECK_CONTAINS(err_get(), why);
}

static char tree[256];

static void add(const char *s)
{
	strncat(tree, s, sizeof(tree) - strlen(tree) - 1);
}

static void show(const struct expr *e)
{
	char num[24], op[3] = { (char)(expr_op(e) & 0xff), (char)(expr_op(e) >> 8), 0 };

	switch (expr_kind(e)) {
	case EXPR_NUM:
		snprintf(num, sizeof(num), "%" PRIu64, expr_num(e));
		add(num);
		break;
	case EXPR_FLOAT: {
		unsigned size;
		long double x = expr_float(e, &size);

		snprintf(num, sizeof(num), "%.9Lg%s", x, size == 4 ? "f" : size == 16 ? "L" : "");
		add(num);
		break;
	}
	case EXPR_NAME:
		add(expr_name(e));
		break;
	case EXPR_DEREF:
		add("*");
		show(expr_left(e));
		break;
	case EXPR_INDEX:
		show(expr_left(e));
		add("[");
		show(expr_right(e));
		add("]");
		break;
	case EXPR_BINARY:
	case EXPR_REPEAT:
		add("(");
		show(expr_left(e));
		add(" ");
		add(expr_kind(e) == EXPR_REPEAT ? "@" : op);
		add(" ");
		show(expr_right(e));
		add(")");
		break;
	case EXPR_REG:
		add("$");
		add(expr_name(e));
		break;
	case EXPR_ASSIGN:
		add("(");
		show(expr_left(e));
		add(" ");
		add(op[0] ? op : "");
		add("= ");
		show(expr_right(e));
		add(")");
		break;
	case EXPR_SIZEOF:
		add("sizeof(");
		if (expr_name(e))
			add(expr_name(e));
		else
			show(expr_left(e));
		add(")");
		break;
	default:
		add("?");
	}
}

/* How text parses, every binary operator in parentheses: "a@2+1" is "(a @ (2 + 1))". */
static const char *parsed(const char *text)
{
	struct expr *e = expr_parse(text);

	tree[0] = '\0';
	if (!e) {
		snprintf(tree, sizeof(tree), "error: %s", err_get());
		return tree;
	}
	show(e);
	expr_free(e);
	return tree;
}

int main(void)
{
	CHECK_U64(eval("42"), 42);
	/* Character literals with every C escape. */
	CHECK_U64(eval("'a'"), 97);
	CHECK_U64(eval("'\\141'"), 97);
	CHECK_U64(eval("'\\x41'"), 65);
	CHECK_U64(eval("'\\''"), 39);
	CHECK_U64(eval("'\\\\'"), 92);
	CHECK_U64(eval("'\\\"'"), 34);
	CHECK_U64(eval("'\\t'"), 9);
	CHECK_U64(eval("'\\0'"), 0);
	/* ?: binds looser than ||, right to left; the comma is the loosest of all. */
	CHECK_U64(eval("1 ? 2 : 3"), 2);
	CHECK_U64(eval("0 ? 2 : 0 ? 3 : 4"), 4);
	CHECK_U64(eval("1 || 0 ? 5 : 6"), 5);
	CHECK_U64(eval("0 ? 1, 2 : 3"), 3);
	CHECK_U64(eval("(1, 2) * 3"), 6);
	CHECK_U64(eval("1, 2 + 3"), 5);
	CHECK_U64(eval("0x10 + 0x20"), 0x30);
	CHECK_U64(eval("2 + 3 * 4"), 14);
	CHECK_U64(eval("(2 + 3) * 4"), 20);
	CHECK_U64(eval("10 - 2 - 3"), 5);
	CHECK_U64(eval("-7 / 2"), (uint64_t)-3);
	CHECK_U64(eval("-7 % 2"), (uint64_t)-1);
	CHECK_U64(eval("1 << 4 | 1"), 17);
	CHECK_U64(eval("0xff & ~0xf"), 0xf0);
	CHECK_U64(eval("6 ^ 3"), 5);
	CHECK_U64(eval("-1 < 0"), 1);
	CHECK_U64(eval("3 >= 3 && 2 != 2"), 0);
	CHECK_U64(eval("0 || 5"), 1);
	CHECK_U64(eval("!0 + !7"), 1);
	CHECK_U64(eval("'A' + 1"), 66);
	CHECK_U64(eval("'\\n'"), 10);
	CHECK_U64(eval("$rsp + 8"), 0x7ffc1008);
	CHECK_U64(eval("$rip"), 0x401000);
	CHECK_U64(eval("main + 4"), 0x401104);
	CHECK_U64(eval("&counter"), 0x404010);
	CHECK_U64(eval("-8 >> 1"), (uint64_t)-4);
	CHECK_U64(eval("1 << 64"), 0);
	/* || and && do not evaluate the side that cannot matter */
	sym_calls = 0;
	CHECK_U64(eval("1 || nosuch"), 1);
	CHECK_U64(eval("0 && nosuch"), 0);
	CHECK(sym_calls == 0);

	fails("", "expected an expression");
	fails("1 +", "ends too early");
	fails("(1 + 2", "ends too early");
	fails("1 2", "syntax error");
	fails("'\\q'", "unknown escape");
	fails("'\\x1ff'", "out of range");
	fails("1 ? 2", "ends too early");
	fails("1 ? 2 ; 3", "unexpected character");
	fails("1 / 0", "division by zero");
	fails("$nosuch", "no register $nosuch");
	fails("nosuch", "no symbol \"nosuch\"");
	fails("counter", "use &counter");
	/* Typed operators parse; the integer evaluator says they need typed values. */
	fails("&5", "needs debug information");
	fails("*0x1000", "typed values");
	fails("a.b", "typed values");
	fails("a->b[2]", "typed values");
	fails("a[", "ends too early");
	fails("a.", "ends too early");
	fails("a[1", "ends too early");
	/* Casts parse as casts only where C would read them so. */
	CHECK_U64(eval("(char *)16 + 1"), 17);
	CHECK_U64(eval("(unsigned long)5"), 5);
	CHECK_U64(eval("(2) - 1"), 1);
	CHECK_U64(eval("(char * const)16 + 1"), 17);
	CHECK_U64(eval("(const int * volatile * const)8"), 8);
	fails("(char * constant)1", "syntax error");
	fails("(int)", "ends too early");
	/* gdb's value history: $ the last, $$ the one before, $$N N back, $N the Nth. */
	CHECK_STR(parsed("$ + $$ + $$3 + $4"), "((($ + $$) + $$3) + $4)");
	/* Assignment is loosest and groups right to left; == <= >= stay comparisons. */
	CHECK_STR(parsed("$a = $b = 1 + 2"), "($a = ($b = (1 + 2)))");
	CHECK_STR(parsed("v += a == b"), "(v += (a == b))");
	CHECK_STR(parsed("v <<= 1 <= 2"), "(v <<= (1 <= 2))");
	CHECK_STR(parsed("(v = 1) + 2"), "((v = 1) + 2)");
	fails("= 1", "syntax error");
	/* gdb's artificial arrays: '@' binds looser than + - and tighter than << >>. */
	CHECK_STR(parsed("sizeof a[1] + 2"), "(sizeof(a[1]) + 2)");
	CHECK_STR(parsed("sizeof(struct point) * 2"), "(sizeof(struct point) * 2)");
	CHECK_STR(parsed("sizeof(m) / sizeof(m[0])"), "(sizeof(m) / sizeof(m[0]))");
	CHECK_STR(parsed("sizeof (x) - 1"), "(sizeof(x) - 1)");
	/* Suffixes give a literal its type, not its value. */
	CHECK_U64(eval("10u + 0x10UL + 1ll"), 27);
	fails("1uu", "invalid suffix \"uu\"");
	fails("sizeof 1", "needs a process");
	CHECK_STR(parsed("x@3"), "(x @ 3)");
	CHECK_STR(parsed("arr[1]@3"), "(arr[1] @ 3)");
	CHECK_STR(parsed("*p@len"), "(*p @ len)");
	CHECK_STR(parsed("buf[0]@65536"), "(buf[0] @ 65536)");
	CHECK_STR(parsed("a[0]@2+1"), "(a[0] @ (2 + 1))");
	CHECK_STR(parsed("a[0]@n*2"), "(a[0] @ (n * 2))");
	CHECK_STR(parsed("x@2@3"), "((x @ 2) @ 3)");
	CHECK_STR(parsed("1 << x@2"), "(1 << (x @ 2))");
	CHECK_STR(parsed("x@2 == y"), "((x @ 2) == y)");
	CHECK_STR(parsed("x@"), "error: expression \"x@\" ends too early");
	CHECK_STR(parsed("@3"), "error: syntax error in \"@3\" at \"@3\"");
	fails("1 @ 2", "typed values");
	/* Floating literals as C writes them; the suffix is the type. */
	CHECK_STR(parsed("1.5 * 2"), "(1.5 * 2)");
	CHECK_STR(parsed(".5+1e3"), "(0.5 + 1000)");
	CHECK_STR(parsed("2.f"), "2f");
	CHECK_STR(parsed("1.5L"), "1.5L");
	CHECK_STR(parsed("0.1f"), "0.100000001f");
	CHECK_STR(parsed("1E-2"), "0.01");
	CHECK_STR(parsed("0x1.8p1"), "3");
	CHECK_STR(parsed("010.5"), "10.5");
	CHECK_STR(parsed("010"), "8");
	CHECK_STR(parsed("0x1e"), "30");
	CHECK_STR(parsed("a[1]@2"), "(a[1] @ 2)");
	fails("1.5.5", "bad number");
	fails("1e", "bad number");
	fails("1.5fx", "bad number");
	fails("1.5 + 1", "need a process");
	fails("'ab'", "unterminated character");
	fails("99999999999999999999", "too large");
	/* No input can exhaust the stack: nesting and length are bounded (found by fuzzing). */
	{
		static char deep[40002], signs[20002], chain[20001];

		memset(deep, '(', 20000);
		deep[20000] = '1';
		memset(deep + 20001, ')', 20000);
		fails(deep, "too long");
		deep[1000] = '1';
		memset(deep + 1001, ')', 1000);
		deep[2001] = '\0';
		fails(deep, "nested too deeply");
		memset(signs, '-', 1000);
		signs[1000] = '1';
		fails(signs, "nested too deeply");
		for (int i = 0; i < 20000; i += 2)
			memcpy(chain + i, "1+", 2);
		chain[19999] = '1';
		fails(chain, "too long");
		memset(deep, '(', 200);
		deep[200] = '7';
		memset(deep + 201, ')', 200);
		deep[401] = '\0';
		CHECK_U64(eval(deep), 7);
	}
	CHECK_DONE();
}
