/* expr.c - C-like expressions over integers, registers and symbol addresses */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "util.h"

enum node_kind { N_NUM, N_REG, N_SYM, N_ADDR_OF, N_UNARY, N_BINARY };

/* Operators are their C spelling; two-character ones are packed as c1 | c2 << 8. */
#define OP2(a, b) ((a) | ((b) << 8))

struct expr {
	enum node_kind kind;
	int op;
	uint64_t num;
	char *name;
	struct expr *l, *r;
};

struct parser {
	const char *text;
	const char *p;
	int tok; /* current token: an operator, 'n' number, 'i' identifier, '$' register, 0 end */
	uint64_t num;
	char ident[256];
	const char *tok_start;
};

static int lex(struct parser *ps);

static struct expr *node(enum node_kind kind)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->kind = kind;
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	expr_free(e->l);
	expr_free(e->r);
	free(e->name);
	free(e);
}

static int syntax_error(struct parser *ps)
{
	if (ps->tok == 0)
		err_set("expression \"%s\" ends too early", ps->text);
	else
		err_set("syntax error in \"%s\" at \"%.20s\"", ps->text, ps->tok_start);
	return -1;
}

static int lex_number(struct parser *ps)
{
	const char *s = ps->p;
	char buf[80];
	size_t n = 0;

	while (isalnum((unsigned char)s[n]))
		n++;
	if (n >= sizeof(buf)) {
		err_set("number \"%.20s...\" is too long", s);
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_u64(buf, &ps->num) < 0)
		return -1;
	ps->p += n;
	ps->tok = 'n';
	return 0;
}

static int lex_char(struct parser *ps)
{
	const char *s = ps->p + 1;
	unsigned char c;

	if (*s == '\\') {
		static const char esc[] = "n\nt\tr\r0\0\\\\''\"\"a\ab\bf\fv\v";
		const char *m = s[1] ? strchr(esc, s[1]) : NULL;

		if (!m || (m - esc) % 2) {
			err_set("unknown escape in character literal");
			return -1;
		}
		c = (unsigned char)m[1];
		s += 2;
	} else if (*s && *s != '\'') {
		c = (unsigned char)*s++;
	} else {
		err_set("empty character literal");
		return -1;
	}
	if (*s != '\'') {
		err_set("unterminated character literal");
		return -1;
	}
	ps->num = c;
	ps->p = s + 1;
	ps->tok = 'n';
	return 0;
}

static int lex(struct parser *ps)
{
	static const char *const two[] = { "<<", ">>", "<=", ">=", "==", "!=", "&&", "||" };
	const char *s = skip_ws(ps->p);

	ps->p = s;
	ps->tok_start = s;
	if (!*s) {
		ps->tok = 0;
		return 0;
	}
	if (isdigit((unsigned char)*s))
		return lex_number(ps);
	if (*s == '\'')
		return lex_char(ps);
	if (isalpha((unsigned char)*s) || *s == '_' || *s == '$') {
		size_t n = 1;

		while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '@')
			n++;
		if (n >= sizeof(ps->ident)) {
			err_set("name \"%.20s...\" is too long", s);
			return -1;
		}
		memcpy(ps->ident, s, n);
		ps->ident[n] = '\0';
		ps->tok = *s == '$' ? '$' : 'i';
		if (ps->tok == '$' && n == 1) {
			err_set("\"$\" needs a register name, as in $rip");
			return -1;
		}
		ps->p = s + n;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(two); i++) {
		if (s[0] == two[i][0] && s[1] == two[i][1]) {
			ps->tok = OP2(s[0], s[1]);
			ps->p = s + 2;
			return 0;
		}
	}
	if (strchr("+-*/%&|^!~()<>", *s)) {
		ps->tok = *s;
		ps->p = s + 1;
		return 0;
	}
	err_set("unexpected character '%c' in \"%s\"", *s, ps->text);
	return -1;
}

static struct expr *parse_binary(struct parser *ps, int level);

static struct expr *parse_unary(struct parser *ps)
{
	struct expr *e;
	int op = ps->tok;

	switch (op) {
	case '-':
	case '+':
	case '!':
	case '~':
		if (lex(ps) < 0)
			return NULL;
		e = parse_unary(ps);
		if (!e)
			return NULL;
		if (op == '+')
			return e;
		{
			struct expr *u = node(N_UNARY);

			u->op = op;
			u->l = e;
			return u;
		}
	case '&':
		if (lex(ps) < 0)
			return NULL;
		if (ps->tok != 'i') {
			err_set("\"&\" takes the address of a name, as in &counter");
			return NULL;
		}
		e = node(N_ADDR_OF);
		e->name = xstrdup(ps->ident);
		if (lex(ps) < 0) {
			expr_free(e);
			return NULL;
		}
		return e;
	case '*':
		err_set("\"*\" needs type information to read memory; use x ADDR instead");
		return NULL;
	case '(':
		if (lex(ps) < 0)
			return NULL;
		e = parse_binary(ps, 0);
		if (!e)
			return NULL;
		if (ps->tok != ')') {
			syntax_error(ps);
			expr_free(e);
			return NULL;
		}
		if (lex(ps) < 0) {
			expr_free(e);
			return NULL;
		}
		return e;
	case 'n':
		e = node(N_NUM);
		e->num = ps->num;
		break;
	case '$':
		e = node(N_REG);
		e->name = xstrdup(ps->ident + 1);
		break;
	case 'i':
		e = node(N_SYM);
		e->name = xstrdup(ps->ident);
		break;
	default:
		syntax_error(ps);
		return NULL;
	}
	if (lex(ps) < 0) {
		expr_free(e);
		return NULL;
	}
	return e;
}

/* Binary operators by precedence level, loosest first. */
static const int levels[][6] = {
	{ OP2('|', '|') },
	{ OP2('&', '&') },
	{ '|' },
	{ '^' },
	{ '&' },
	{ OP2('=', '='), OP2('!', '=') },
	{ '<', '>', OP2('<', '='), OP2('>', '=') },
	{ OP2('<', '<'), OP2('>', '>') },
	{ '+', '-' },
	{ '*', '/', '%' },
};

static bool at_level(int tok, int level)
{
	for (size_t i = 0; i < ARRAY_SIZE(levels[0]) && levels[level][i]; i++)
		if (levels[level][i] == tok)
			return true;
	return false;
}

static struct expr *parse_binary(struct parser *ps, int level)
{
	struct expr *l;

	if (level == (int)ARRAY_SIZE(levels))
		return parse_unary(ps);
	l = parse_binary(ps, level + 1);
	while (l && at_level(ps->tok, level)) {
		struct expr *b = node(N_BINARY);

		b->op = ps->tok;
		b->l = l;
		l = b;
		if (lex(ps) < 0 || !(b->r = parse_binary(ps, level + 1))) {
			expr_free(l);
			return NULL;
		}
	}
	return l;
}

struct expr *expr_parse(const char *text)
{
	struct parser ps = { .text = text, .p = text };
	struct expr *e;

	if (!*skip_ws(text)) {
		err_set("expected an expression");
		return NULL;
	}
	if (lex(&ps) < 0)
		return NULL;
	e = parse_binary(&ps, 0);
	if (e && ps.tok != 0) {
		syntax_error(&ps);
		expr_free(e);
		return NULL;
	}
	return e;
}

static int eval_binary(int op, uint64_t a, uint64_t b, uint64_t *v)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;

	switch (op) {
	case '+':
		*v = a + b;
		break;
	case '-':
		*v = a - b;
		break;
	case '*':
		*v = a * b;
		break;
	case '/':
	case '%':
		if (b == 0) {
			err_set("division by zero");
			return -1;
		}
		if (sa == INT64_MIN && sb == -1)
			*v = op == '/' ? a : 0;
		else
			*v = (uint64_t)(op == '/' ? sa / sb : sa % sb);
		break;
	case OP2('<', '<'):
		*v = b >= 64 ? 0 : a << b;
		break;
	case OP2('>', '>'):
		*v = (uint64_t)(b >= 64 ? (sa < 0 ? -1 : 0) : sa >> b);
		break;
	case '<':
		*v = sa < sb;
		break;
	case '>':
		*v = sa > sb;
		break;
	case OP2('<', '='):
		*v = sa <= sb;
		break;
	case OP2('>', '='):
		*v = sa >= sb;
		break;
	case OP2('=', '='):
		*v = a == b;
		break;
	case OP2('!', '='):
		*v = a != b;
		break;
	case '&':
		*v = a & b;
		break;
	case '^':
		*v = a ^ b;
		break;
	case '|':
		*v = a | b;
		break;
	default:
		err_set("unknown operator");
		return -1;
	}
	return 0;
}

int expr_eval(const struct expr *e, const struct expr_env *env, uint64_t *value)
{
	uint64_t a, b;

	switch (e->kind) {
	case N_NUM:
		*value = e->num;
		return 0;
	case N_REG:
		if (!env->reg) {
			err_set("no registers here");
			return -1;
		}
		return env->reg(env->arg, e->name, value);
	case N_SYM:
	case N_ADDR_OF:
		if (!env->sym) {
			err_set("no symbols here");
			return -1;
		}
		return env->sym(env->arg, e->name, e->kind == N_ADDR_OF, value);
	case N_UNARY:
		if (expr_eval(e->l, env, &a) < 0)
			return -1;
		*value = e->op == '-' ? 0 - a : e->op == '!' ? !a : ~a;
		return 0;
	case N_BINARY:
		if (expr_eval(e->l, env, &a) < 0)
			return -1;
		/* && and || do not evaluate their right side when the left decides. */
		if (e->op == OP2('&', '&') && !a) {
			*value = 0;
			return 0;
		}
		if (e->op == OP2('|', '|') && a) {
			*value = 1;
			return 0;
		}
		if (expr_eval(e->r, env, &b) < 0)
			return -1;
		if (e->op == OP2('&', '&') || e->op == OP2('|', '|')) {
			*value = b != 0;
			return 0;
		}
		return eval_binary(e->op, a, b, value);
	}
	return -1;
}

int expr_value(const char *text, const struct expr_env *env, uint64_t *value)
{
	struct expr *e = expr_parse(text);
	int ret;

	if (!e)
		return -1;
	ret = expr_eval(e, env, value);
	expr_free(e);
	return ret;
}
