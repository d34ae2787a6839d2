/* expr.c - C-like expressions over integers, registers and symbol addresses */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "expr.h"
#include "util.h"

enum node_kind {
	N_NUM,
	N_FLOAT, /* fnum, of fsize bytes: 4 float, 8 double, 16 long double */
	N_REG,
	N_SYM,
	N_ADDR_OF, /* &name (name set) or &lvalue (l set) */
	N_UNARY,
	N_BINARY,
	N_DEREF,  /* *l */
	N_MEMBER, /* l.name */
	N_ARROW,  /* l->name */
	N_INDEX,  /* l[r] */
	N_CAST,	  /* (name)l */
	N_REPEAT, /* l@r */
	N_SIZEOF, /* sizeof l, sizeof(name) for a type */
	N_CALL,	  /* l(args): r is the first N_ARG, or NULL */
	N_ARG,	  /* one argument l, r the next N_ARG */
	N_ASSIGN, /* l = r, or l op= r with op the binary operator */
	N_COND,	  /* l ? r : x */
	N_COMMA,  /* l, r */
};

/* Operators are their C spelling; two-character ones are packed as c1 | c2 << 8. */
#define OP2(a, b) ((a) | ((b) << 8))

struct expr {
	enum node_kind kind;
	int op;
	uint64_t num;
	long double fnum;
	unsigned fsize;
	enum expr_lit lit; /* N_NUM */
	char *name;
	struct expr *l, *r, *x; /* x: the third operand, ?:'s last */
};

struct parser {
	const char *text;
	const char *p;
	/*
	 * The current token: an operator, 'n' number, 'f' floating number,
	 * 'i' identifier, '$' register, '=' assignment (op= with assign_op
	 * its operator), 0 end.
	 */
	int tok;
	int assign_op;
	uint64_t num;
	long double fnum;
	unsigned fsize;
	enum expr_lit lit;
	char ident[256];
	const char *tok_start;
	int depth; /* nesting of unary operators and parentheses now */
};

/*
 * The parser, the evaluator and expr_free recurse once per nesting level
 * and per operand of a chain: both are bounded so that no input, however
 * long, can exhaust lurk's stack.
 */
enum { MAX_NESTING = 256, MAX_TEXT = 16384 };

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
	expr_free(e->x);
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

/*
 * A floating literal as C writes it: 1.5, .5, 1e3, 2.f, 1.5L, 0x1.8p1.
 * The suffix picks the type (f float, l long double, none double); the
 * value is rounded to that type here, as a compiler would.
 */
static int lex_float(struct parser *ps)
{
	const char *s = ps->p;
	char *end;
	long double v;

	errno = 0;
	v = strtold(s, &end);
	if (end == s) {
		err_set("bad number \"%.20s\"", s);
		return -1;
	}
	ps->fsize = 8;
	if (*end == 'f' || *end == 'F') {
		ps->fsize = 4;
		end++;
	} else if (*end == 'l' || *end == 'L') {
		ps->fsize = 16;
		end++;
	}
	if (isalnum((unsigned char)*end) || *end == '_' || *end == '.') {
		err_set("bad number \"%.*s\"", (int)(end - s + 1), s);
		return -1;
	}
	ps->fnum = ps->fsize == 4 ? (float)v : ps->fsize == 8 ? (double)v : v;
	ps->p = end;
	ps->tok = 'f';
	return 0;
}

/* Whether the number at s is floating: a point, or an exponent (p for hexadecimal). */
static bool is_float_number(const char *s)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	size_t n = hex ? 2 : 0;

	for (; isalnum((unsigned char)s[n]) || s[n] == '.'; n++) {
		char c = (char)tolower((unsigned char)s[n]);

		if (c == '.' || (hex ? c == 'p' : c == 'e'))
			return true;
	}
	return false;
}

/*
 * The suffix of the literal in buf (cut off there): its type before the
 * value has its say. Returns 0, or -1 with err set for a suffix C has not.
 */
static int literal_type(char *buf, enum expr_lit *lit)
{
	static const struct {
		const char *suffix;
		enum expr_lit lit;
	} suffixes[] = {
		{ "u", EXPR_LIT_UINT },	    { "l", EXPR_LIT_LONG },   { "ul", EXPR_LIT_ULONG },
		{ "lu", EXPR_LIT_ULONG },   { "ll", EXPR_LIT_LLONG }, { "ull", EXPR_LIT_ULLONG },
		{ "llu", EXPR_LIT_ULLONG },
	};
	size_t n = strlen(buf), at = n;
	bool hex = buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X');

	*lit = EXPR_LIT_INT;
	/* In hexadecimal no suffix letter is a digit, so the suffix is the u and l at the end. */
	while (at > 1 && strchr("uUlL", buf[at - 1]) && (!hex || at > 2))
		at--;
	if (at == n)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		if (strcasecmp(buf + at, suffixes[i].suffix) == 0) {
			*lit = suffixes[i].lit;
			buf[at] = '\0';
			return 0;
		}
	}
	err_set("invalid suffix \"%s\" on integer constant", buf + at);
	return -1;
}

/* The literal's type widened until its value fits, in C's order for its base. */
static void literal_widen(uint64_t v, bool not_decimal, enum expr_lit *lit)
{
	bool is_unsigned =
		*lit == EXPR_LIT_UINT || *lit == EXPR_LIT_ULONG || *lit == EXPR_LIT_ULLONG;

	if ((*lit == EXPR_LIT_INT || *lit == EXPR_LIT_UINT) && v > UINT32_MAX)
		*lit = is_unsigned ? EXPR_LIT_ULONG : EXPR_LIT_LONG;
	else if (*lit == EXPR_LIT_INT && v > INT32_MAX)
		*lit = not_decimal ? EXPR_LIT_UINT : EXPR_LIT_LONG;
	if (v > INT64_MAX) {
		if (*lit == EXPR_LIT_LONG)
			*lit = EXPR_LIT_ULONG;
		else if (*lit == EXPR_LIT_LLONG)
			*lit = EXPR_LIT_ULLONG;
	}
}

static int lex_number(struct parser *ps)
{
	const char *s = ps->p;
	char buf[80];
	size_t n = 0;

	if (is_float_number(s))
		return lex_float(ps);
	while (isalnum((unsigned char)s[n]))
		n++;
	if (n >= sizeof(buf)) {
		err_set("number \"%.20s...\" is too long", s);
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (literal_type(buf, &ps->lit) < 0 || parse_u64(buf, &ps->num) < 0)
		return -1;
	literal_widen(ps->num, buf[0] == '0' && buf[1], &ps->lit);
	ps->p += n;
	ps->tok = 'n';
	return 0;
}

/*
 * A C escape at *s (its backslash) as the byte it stands for, *s moved past
 * it: \n \t \r \a \b \f \v \e \\ \' \" \?, octal \141 (up to three
 * digits) and hexadecimal \x41. 0, or -1 with err set.
 */
static int escape(const char **s, unsigned char *c)
{
	static const char from[] = "ntrabfve\\'\"?", to[] = "\n\t\r\a\b\f\v\033\\'\"?";
	const char *p = *s + 1, *m;
	unsigned v = 0;
	int n = 0;

	if (*p >= '0' && *p <= '7') {
		for (; n < 3 && *p >= '0' && *p <= '7'; n++)
			v = v * 8 + (unsigned)(*p++ - '0');
	} else if (*p == 'x' && isxdigit((unsigned char)p[1])) {
		for (p++; isxdigit((unsigned char)*p) && v <= 0xff; p++)
			v = v * 16 + (unsigned)(isdigit((unsigned char)*p)
							? *p - '0'
							: tolower((unsigned char)*p) - 'a' + 10);
	} else if (*p && (m = strchr(from, *p))) {
		v = (unsigned char)to[m - from];
		p++;
	} else {
		err_set("unknown escape in character literal");
		return -1;
	}
	if (v > 0xff) {
		err_set("character literal escape out of range");
		return -1;
	}
	*c = (unsigned char)v;
	*s = p;
	return 0;
}

static int lex_char(struct parser *ps)
{
	const char *s = ps->p + 1;
	unsigned char c;

	if (*s == '\\') {
		if (escape(&s, &c) < 0)
			return -1;
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
	ps->lit = EXPR_LIT_CHAR;
	ps->p = s + 1;
	ps->tok = 'n';
	return 0;
}

/* = and the compound assignments (+= <<= ...), not == <= >= !=. */
static bool lex_assign(struct parser *ps, const char *s)
{
	static const char *const ops[] = { "<<=", ">>=", "+=", "-=", "*=", "/=",
					   "%=",  "&=",	 "|=", "^=", "=" };

	if (s[0] == '=' && s[1] == '=')
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i]);

		if (strncmp(s, ops[i], n) != 0)
			continue;
		ps->tok = '=';
		ps->assign_op = n == 1 ? 0 : n == 2 ? s[0] : OP2(s[0], s[1]);
		ps->p = s + n;
		return true;
	}
	return false;
}

static int lex(struct parser *ps)
{
	static const char *const two[] = { "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->" };
	const char *s = skip_ws(ps->p);

	ps->p = s;
	ps->tok_start = s;
	if (!*s) {
		ps->tok = 0;
		return 0;
	}
	if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1])))
		return lex_number(ps);
	if (*s == '\'')
		return lex_char(ps);
	if (isalpha((unsigned char)*s) || *s == '_' || *s == '$') {
		size_t n = 1;

		/*
		 * A name ends at '@', gdb's artificial-array operator (*p@len,
		 * a[1]@n). No name lurk can look up holds one: symbols are
		 * found without their version (memcpy, not memcpy@GLIBC_2.14)
		 * and "memcpy@plt" is only how disassembly labels PLT entries.
		 */
		/* $$ and $$N count back through gdb's value history. */
		if (s[0] == '$' && s[1] == '$')
			for (n = 2; isdigit((unsigned char)s[n]);)
				n++;
		else
			while (isalnum((unsigned char)s[n]) || s[n] == '_')
				n++;
		if (n >= sizeof(ps->ident)) {
			err_set("name \"%.20s...\" is too long", s);
			return -1;
		}
		memcpy(ps->ident, s, n);
		ps->ident[n] = '\0';
		ps->tok = *s == '$' ? '$' : 'i';
		ps->p = s + n;
		return 0;
	}
	if (lex_assign(ps, s))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(two); i++) {
		if (s[0] == two[i][0] && s[1] == two[i][1]) {
			ps->tok = OP2(s[0], s[1]);
			ps->p = s + 2;
			return 0;
		}
	}
	if (strchr("+-*/%&|^!~()<>.[]@,?:", *s)) {
		ps->tok = *s;
		ps->p = s + 1;
		return 0;
	}
	err_set("unexpected character '%c' in \"%s\"", *s, ps->text);
	return -1;
}

static struct expr *parse_binary(struct parser *ps, int level);
static struct expr *parse_assign(struct parser *ps);
static struct expr *parse_comma(struct parser *ps);

/* A call's arguments, from after "(" to past ")": a list of N_ARG, NULL for none. */
static int parse_args(struct parser *ps, struct expr **first)
{
	struct expr **next = first;

	*first = NULL;
	if (ps->tok == ')')
		return lex(ps);
	for (;;) {
		struct expr *arg = node(N_ARG);

		*next = arg;
		next = &arg->r;
		/* Between the commas, each argument is an assignment expression, as in C. */
		if (!(arg->l = parse_assign(ps)))
			return -1;
		if (ps->tok == ')')
			return lex(ps);
		if (ps->tok != ',') {
			syntax_error(ps);
			return -1;
		}
		if (lex(ps) < 0)
			return -1;
	}
}

/* .member, ->member, [index] and (arguments) after a primary expression, left to right. */
static struct expr *parse_postfix(struct parser *ps, struct expr *e)
{
	for (;;) {
		struct expr *p;
		int tok = ps->tok;

		if (tok == '.' || tok == OP2('-', '>')) {
			if (lex(ps) < 0 || ps->tok != 'i') {
				if (!err_isset())
					syntax_error(ps);
				expr_free(e);
				return NULL;
			}
			p = node(tok == '.' ? N_MEMBER : N_ARROW);
			p->l = e;
			p->name = xstrdup(ps->ident);
			e = p;
			if (lex(ps) < 0) {
				expr_free(e);
				return NULL;
			}
		} else if (tok == '[') {
			p = node(N_INDEX);
			p->l = e;
			e = p;
			if (lex(ps) < 0 || !(p->r = parse_comma(ps))) {
				expr_free(e);
				return NULL;
			}
			if (ps->tok != ']') {
				syntax_error(ps);
				expr_free(e);
				return NULL;
			}
			if (lex(ps) < 0) {
				expr_free(e);
				return NULL;
			}
		} else if (tok == '(') {
			p = node(N_CALL);
			p->l = e;
			e = p;
			if (lex(ps) < 0 || parse_args(ps, &p->r) < 0) {
				expr_free(e);
				return NULL;
			}
		} else {
			return e;
		}
	}
}

static bool is_type_word(const char *w, size_t n)
{
	static const char *const words[] = { "char",   "short",	   "int",   "long",
					     "signed", "unsigned", "float", "double",
					     "void",   "_Bool",	   "bool",  "struct",
					     "union",  "enum",	   "const", "volatile" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == n && strncmp(w, words[i], n) == 0)
			return true;
	return false;
}

/*
 * At "(": if what follows up to ")" is a type name (words, then stars and
 * their qualifiers) and it reads as a cast, return it ("char *", "struct
 * point *", "counter_t", "char * const") and leave the parser on the ")".
 * A lone name is a cast only when an operand follows it: "(counter_t)x",
 * but "(x) - 1" stays a parenthesised name.
 */
static char *cast_type(struct parser *ps)
{
	const char *p = skip_ws(ps->p), *start = p, *end;
	bool keyword = false, stars = false;
	size_t words = 0;

	while (isalpha((unsigned char)*p) || *p == '_') {
		const char *w = p;

		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		keyword |= is_type_word(w, (size_t)(p - w));
		words++;
		p = skip_ws(p);
	}
	/* Stars, each with its own qualifiers: "char * const", "int * volatile *". */
	while (*p == '*') {
		stars = true;
		p = skip_ws(p + 1);
		while (!strncmp(p, "const", 5) || !strncmp(p, "volatile", 8)) {
			size_t n = p[0] == 'c' ? 5 : 8;

			if (isalnum((unsigned char)p[n]) || p[n] == '_')
				break;
			p = skip_ws(p + n);
		}
	}
	if (!words || *p != ')')
		return NULL;
	end = p;
	if (!keyword && !stars) {
		const char *next = skip_ws(p + 1);

		if (!*next || !(isalnum((unsigned char)*next) || strchr("_$('&", *next)))
			return NULL;
	}
	ps->p = end; /* lex() reads the ")" next */
	if (lex(ps) < 0)
		return NULL;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	return xstrndup(start, (size_t)(end - start));
}

static struct expr *parse_unary_nested(struct parser *ps);

static struct expr *parse_unary(struct parser *ps)
{
	struct expr *e;

	if (ps->depth >= MAX_NESTING) {
		err_set("expression \"%.40s...\" is nested too deeply (more than %d levels)",
			ps->text, MAX_NESTING);
		return NULL;
	}
	ps->depth++;
	e = parse_unary_nested(ps);
	ps->depth--;
	return e;
}

/* After "sizeof": a type in parentheses, or an operand as unary operators take one. */
static struct expr *parse_sizeof(struct parser *ps)
{
	struct expr *e = node(N_SIZEOF);

	if (lex(ps) < 0)
		goto fail;
	if (ps->tok == '(' && (e->name = cast_type(ps))) {
		if (lex(ps) < 0)
			goto fail;
		return e;
	}
	if (!(e->l = parse_unary(ps)))
		goto fail;
	return e;
fail:
	expr_free(e);
	return NULL;
}

static struct expr *parse_unary_nested(struct parser *ps)
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
	case '*':
		if (lex(ps) < 0)
			return NULL;
		e = parse_unary(ps);
		if (!e)
			return NULL;
		if (op == '&' && e->kind == N_SYM) {
			/* &name: the symbol's address even without debug information. */
			e->kind = N_ADDR_OF;
			return e;
		}
		{
			struct expr *u = node(op == '&' ? N_ADDR_OF : N_DEREF);

			u->l = e;
			return u;
		}
	case '(': {
		char *type = cast_type(ps);

		if (type) {
			struct expr *c = node(N_CAST);

			c->name = type;
			if (lex(ps) < 0 || !(c->l = parse_unary(ps))) {
				expr_free(c);
				return NULL;
			}
			return c;
		}
		if (lex(ps) < 0)
			return NULL;
		e = parse_comma(ps);
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
		return parse_postfix(ps, e);
	}
	case 'n':
		e = node(N_NUM);
		e->num = ps->num;
		e->lit = ps->lit;
		break;
	case 'f':
		e = node(N_FLOAT);
		e->fnum = ps->fnum;
		e->fsize = ps->fsize;
		break;
	case '$':
		e = node(N_REG);
		e->name = xstrdup(ps->ident + 1);
		break;
	case 'i':
		if (strcmp(ps->ident, "sizeof") == 0)
			return parse_sizeof(ps);
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
	return parse_postfix(ps, e);
}

/*
 * Binary operators by precedence level, loosest first. '@' sits between
 * the shifts and + -, as in gdb's grammar: a[0]@n+1 is a[0]@(n+1).
 */
static const int levels[][6] = {
	{ OP2('|', '|') },
	{ OP2('&', '&') },
	{ '|' },
	{ '^' },
	{ '&' },
	{ OP2('=', '='), OP2('!', '=') },
	{ '<', '>', OP2('<', '='), OP2('>', '=') },
	{ OP2('<', '<'), OP2('>', '>') },
	{ '@' },
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
		struct expr *b = node(ps->tok == '@' ? N_REPEAT : N_BINARY);

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

/* Assignment, loosest of all and right to left: $a = $b = 1. */
/* c ? a : b, right to left, its middle any expression (as in C). */
static struct expr *parse_cond(struct parser *ps)
{
	struct expr *c = parse_binary(ps, 0), *e;

	if (!c || ps->tok != '?')
		return c;
	e = node(N_COND);
	e->l = c;
	if (lex(ps) < 0 || !(e->r = parse_comma(ps)))
		goto fail;
	if (ps->tok != ':') {
		syntax_error(ps);
		goto fail;
	}
	if (lex(ps) < 0 || !(e->x = parse_cond(ps)))
		goto fail;
	return e;
fail:
	expr_free(e);
	return NULL;
}

/* a, b: both evaluated, the value is b's. The loosest of all. */
static struct expr *parse_comma(struct parser *ps)
{
	struct expr *l = parse_assign(ps);

	while (l && ps->tok == ',') {
		struct expr *c = node(N_COMMA);

		c->l = l;
		l = c;
		if (lex(ps) < 0 || !(c->r = parse_assign(ps))) {
			expr_free(l);
			return NULL;
		}
	}
	return l;
}

static struct expr *parse_assign(struct parser *ps)
{
	struct expr *l = parse_cond(ps), *a;

	if (!l || ps->tok != '=')
		return l;
	a = node(N_ASSIGN);
	a->op = ps->assign_op;
	a->l = l;
	if (lex(ps) < 0 || !(a->r = parse_assign(ps))) {
		expr_free(a);
		return NULL;
	}
	return a;
}

struct expr *expr_parse(const char *text)
{
	struct parser ps = { .text = text, .p = text };
	struct expr *e;

	if (!*skip_ws(text)) {
		err_set("expected an expression");
		return NULL;
	}
	if (strlen(text) > MAX_TEXT) {
		err_set("expression of %zu characters is too long (at most %d)", strlen(text),
			MAX_TEXT);
		return NULL;
	}
	if (lex(&ps) < 0)
		return NULL;
	e = parse_comma(&ps);
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
	case N_FLOAT:
		err_set("floating-point values need a process with debug information");
		return -1;
	case N_REG:
		if (!env->reg) {
			err_set("no registers here");
			return -1;
		}
		return env->reg(env->arg, e->name, value);
	case N_SYM:
	case N_ADDR_OF:
		if (e->kind == N_ADDR_OF && !e->name) {
			err_set("\"&\" of an expression needs debug information");
			return -1;
		}
		if (!env->sym) {
			err_set("no symbols here");
			return -1;
		}
		return env->sym(env->arg, e->name, e->kind == N_ADDR_OF, value);
	case N_DEREF:
	case N_MEMBER:
	case N_ARROW:
	case N_INDEX:
	case N_REPEAT:
	case N_SIZEOF:
	case N_ASSIGN:
		err_set("this expression reads typed values: it needs a process with debug "
			"information");
		return -1;
	case N_COND:
		if (expr_eval(e->l, env, &a) < 0)
			return -1;
		return expr_eval(a ? e->r : e->x, env, value);
	case N_COMMA:
		if (expr_eval(e->l, env, &a) < 0)
			return -1;
		return expr_eval(e->r, env, value);
	case N_CALL:
	case N_ARG:
		err_set("a function call needs a process to run it in");
		return -1;
	case N_CAST:
		/* Without types a cast changes nothing an integer could show. */
		return expr_eval(e->l, env, value);
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

enum expr_kind expr_kind(const struct expr *e)
{
	switch (e->kind) {
	case N_NUM:
		return EXPR_NUM;
	case N_FLOAT:
		return EXPR_FLOAT;
	case N_REG:
		return EXPR_REG;
	case N_SYM:
		return EXPR_NAME;
	case N_ADDR_OF:
		return EXPR_ADDR_OF;
	case N_UNARY:
		return EXPR_UNARY;
	case N_BINARY:
		return EXPR_BINARY;
	case N_DEREF:
		return EXPR_DEREF;
	case N_MEMBER:
		return EXPR_MEMBER;
	case N_ARROW:
		return EXPR_ARROW;
	case N_CAST:
		return EXPR_CAST;
	case N_REPEAT:
		return EXPR_REPEAT;
	case N_SIZEOF:
		return EXPR_SIZEOF;
	case N_CALL:
		return EXPR_CALL;
	case N_ARG:
		return EXPR_ARG;
	case N_ASSIGN:
		return EXPR_ASSIGN;
	case N_COND:
		return EXPR_COND;
	case N_COMMA:
		return EXPR_COMMA;
	default:
		return EXPR_INDEX;
	}
}

int expr_op(const struct expr *e)
{
	return e->op;
}

uint64_t expr_num(const struct expr *e)
{
	return e->num;
}

long double expr_float(const struct expr *e, unsigned *size)
{
	*size = e->fsize;
	return e->fnum;
}

enum expr_lit expr_num_type(const struct expr *e)
{
	return e->lit;
}

const char *expr_name(const struct expr *e)
{
	return e->name;
}

const struct expr *expr_left(const struct expr *e)
{
	return e->l;
}

const struct expr *expr_right(const struct expr *e)
{
	return e->r;
}

const struct expr *expr_third(const struct expr *e)
{
	return e->x;
}

int expr_binary(int op, uint64_t a, uint64_t b, uint64_t *v)
{
	return eval_binary(op, a, b, v);
}
