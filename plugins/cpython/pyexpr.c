/* pyexpr.c - parsing the Python subset py print and py sizeof evaluate into a tree */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

/*
 * A recursive-descent parser over the text itself (no token list): the
 * grammar is Python's, cut down to what lurk can evaluate without running
 * code in the target:
 *
 *   expr       := and ('or' and)*
 *   and        := not ('and' not)*
 *   not        := 'not' not | comparison
 *   comparison := unary (compop unary)*          (chained, as Python chains them)
 *   unary      := '-' unary | '+' unary | postfix
 *   postfix    := atom ('.' NAME | '[' subscript ']' | '(' args ')')*
 *   atom       := NAME | number | string+ | '(' [items] ')' | '[' [items] ']'
 *
 * Calls are parsed so that the evaluator can say why it refuses one.
 */
struct parser {
	const char *text, *p;
	char *err;
	size_t errlen;
	bool failed;
	int depth; /* how deep the descent is: bounded, so that no text can exhaust lurk's stack */
};

/*
 * Nesting deeper than this (brackets, unary operators, not, chains of
 * attributes and subscripts) is refused, as Python refuses 200 parentheses.
 */
#define MAX_NESTING 200

static void fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* A long expression is quoted in part: the reason must fit after it. */
	snprintf(ps->err, ps->errlen, "syntax error at column %d of \"%.60s%s\": %s",
		 (int)(at - ps->text) + 1, ps->text, strlen(ps->text) > 60 ? "..." : "", msg);
}

static struct py_node *node_new(struct parser *ps, enum py_node_kind kind, const char *at)
{
	struct py_node *n = calloc(1, sizeof(*n));

	if (!n) {
		fail(ps, at, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->pos = (int)(at - ps->text) + 1;
	return n;
}

static int add_kid(struct parser *ps, struct py_node *n, struct py_node *kid)
{
	struct py_node **k = realloc(n->kids, (size_t)(n->nkids + 1) * sizeof(*k));

	if (!k) {
		fail(ps, ps->p, "out of memory");
		py_expr_free(kid);
		return -1;
	}
	n->kids = k;
	n->kids[n->nkids++] = kid;
	return 0;
}

void py_expr_free(struct py_node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->nkids; i++)
		py_expr_free(n->kids[i]);
	free(n->kids);
	free(n->ops);
	free(n->text);
	free(n);
}

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

/* The next token is the keyword or punctuation word (not a prefix of a longer name). */
static bool accept(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	skip_space(ps);
	if (strncmp(ps->p, word, n) != 0)
		return false;
	if (isalpha((unsigned char)word[0]) &&
	    (isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_'))
		return false;
	ps->p += n;
	return true;
}

static bool expect(struct parser *ps, const char *word)
{
	if (accept(ps, word))
		return true;
	fail(ps, ps->p, *ps->p ? "expected '%s'" : "expected '%s' before the end", word);
	return false;
}

static struct py_node *parse_expr(struct parser *ps);

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

static bool is_name_char(char c)
{
	return is_name_start(c) || isdigit((unsigned char)c);
}

static char *dup_range(struct parser *ps, const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (!d) {
		fail(ps, s, "out of memory");
		return NULL;
	}
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

static struct py_node *parse_name(struct parser *ps)
{
	const char *start = ps->p;
	struct py_node *n;

	while (is_name_char(*ps->p))
		ps->p++;
	if ((size_t)(ps->p - start) == 4 && !strncmp(start, "None", 4))
		return node_new(ps, PN_NONE, start);
	if ((size_t)(ps->p - start) == 4 && !strncmp(start, "True", 4))
		return node_new(ps, PN_TRUE, start);
	if ((size_t)(ps->p - start) == 5 && !strncmp(start, "False", 5))
		return node_new(ps, PN_FALSE, start);
	static const char *const reserved[] = { "and", "or",   "not", "in",    "is",   "lambda",
						"if",  "else", "for", "await", "yield" };
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if ((size_t)(ps->p - start) == strlen(reserved[i]) &&
		    !strncmp(start, reserved[i], strlen(reserved[i]))) {
			fail(ps, start, "'%s' is a keyword, not a name", reserved[i]);
			return NULL;
		}
	n = node_new(ps, PN_NAME, start);
	if (n && !(n->text = dup_range(ps, start, (size_t)(ps->p - start)))) {
		py_expr_free(n);
		return NULL;
	}
	return n;
}

static struct py_node *parse_number(struct parser *ps)
{
	const char *start = ps->p;
	char digits[128];
	size_t len = 0;
	bool is_float = false;
	int base = 10;
	struct py_node *n;

	if (ps->p[0] == '0' && strchr("xXoObB", ps->p[1]) && ps->p[1]) {
		base = strchr("xX", ps->p[1]) ? 16 : strchr("oO", ps->p[1]) ? 8 : 2;
		ps->p += 2;
	}
	for (; isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.' ||
	       ((*ps->p == '+' || *ps->p == '-') && base == 10 && len &&
		(digits[len - 1] == 'e' || digits[len - 1] == 'E'));
	     ps->p++) {
		if (*ps->p == '_')
			continue;
		if (base == 10 && strchr(".eE", *ps->p))
			is_float = true;
		if (len + 1 >= sizeof digits) {
			fail(ps, start, "number too long");
			return NULL;
		}
		digits[len++] = *ps->p;
	}
	digits[len] = '\0';
	n = node_new(ps, is_float ? PN_FLOAT : PN_INT, start);
	if (!n)
		return NULL;
	char *end;
	errno = 0;
	if (is_float)
		n->f = strtod(digits, &end);
	else
		n->i = (int64_t)strtoll(digits, &end, base);
	if (*end || !len) {
		fail(ps, start, "\"%.*s\" is not a number", (int)(ps->p - start), start);
		py_expr_free(n);
		return NULL;
	}
	if (errno == ERANGE && !is_float) {
		fail(ps, start, "the int %s is beyond what lurk computes with (64 bits)", digits);
		py_expr_free(n);
		return NULL;
	}
	return n;
}

static int hex_value(const char *s, int count, uint32_t *out)
{
	*out = 0;
	for (int i = 0; i < count; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		*out = *out * 16 + (uint32_t)(isdigit((unsigned char)s[i])
						      ? s[i] - '0'
						      : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return 0;
}

static void put_code_point(char *out, size_t *len, uint32_t c)
{
	if (c < 0x80) {
		out[(*len)++] = (char)c;
	} else if (c < 0x800) {
		out[(*len)++] = (char)(0xc0 | c >> 6);
		out[(*len)++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		out[(*len)++] = (char)(0xe0 | c >> 12);
		out[(*len)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*len)++] = (char)(0x80 | (c & 0x3f));
	} else {
		out[(*len)++] = (char)(0xf0 | (c >> 18 & 0x07));
		out[(*len)++] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[(*len)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*len)++] = (char)(0x80 | (c & 0x3f));
	}
}

/* One literal (prefix, quotes, escapes) appended to out; its kind in *bytes. */
static int parse_one_string(struct parser *ps, char **out, size_t *len, int *bytes)
{
	const char *start = ps->p;
	bool raw = false, is_bytes = false;
	char quote;

	while (strchr("rRbB", *ps->p) && *ps->p) {
		raw |= *ps->p == 'r' || *ps->p == 'R';
		is_bytes |= *ps->p == 'b' || *ps->p == 'B';
		ps->p++;
	}
	quote = *ps->p++;
	if (*bytes >= 0 && *bytes != is_bytes) {
		fail(ps, start, "cannot mix bytes and str literals");
		return -1;
	}
	*bytes = is_bytes;
	/* At most 4 bytes of UTF-8 per character of the text. */
	char *grown = realloc(*out, *len + 4 * strlen(ps->p) + 1);
	if (!grown) {
		fail(ps, start, "out of memory");
		return -1;
	}
	*out = grown;
	for (;;) {
		char c = *ps->p;
		uint32_t cp;

		if (!c) {
			fail(ps, start, "the string is not closed");
			return -1;
		}
		ps->p++;
		if (c == quote)
			break;
		if (c != '\\' || raw) {
			(*out)[(*len)++] = c;
			if (c == '\\' && *ps->p)
				(*out)[(*len)++] = *ps->p++;
			continue;
		}
		if (!*ps->p) {
			fail(ps, start, "the string is not closed");
			return -1;
		}
		c = *ps->p++;
		switch (c) {
		case 'n':
			(*out)[(*len)++] = '\n';
			break;
		case 't':
			(*out)[(*len)++] = '\t';
			break;
		case 'r':
			(*out)[(*len)++] = '\r';
			break;
		case '0':
			(*out)[(*len)++] = '\0';
			break;
		case '\\':
		case '\'':
		case '"':
			(*out)[(*len)++] = c;
			break;
		case 'x':
		case 'u':
		case 'U': {
			int count = c == 'x' ? 2 : c == 'u' ? 4 : 8;

			if (hex_value(ps->p, count, &cp) < 0 || (c != 'x' && is_bytes) ||
			    cp > 0x10ffff) {
				fail(ps, ps->p - 2, "a bad \\%c escape", c);
				return -1;
			}
			ps->p += count;
			if (is_bytes)
				(*out)[(*len)++] = (char)cp;
			else
				put_code_point(*out, len, cp);
			break;
		}
		default:
			fail(ps, ps->p - 2, "an escape lurk does not read (\\%c)", c ? c : ' ');
			return -1;
		}
	}
	return 0;
}

static bool at_string(const struct parser *ps)
{
	const char *p = ps->p;

	for (int i = 0; i < 2 && *p && strchr("rRbB", *p); i++)
		p++;
	return *p == '\'' || *p == '"';
}

static struct py_node *parse_strings(struct parser *ps)
{
	const char *start = ps->p;
	char *text = NULL;
	size_t len = 0;
	int bytes = -1;
	struct py_node *n;

	do {
		if (parse_one_string(ps, &text, &len, &bytes) < 0) {
			free(text);
			return NULL;
		}
		skip_space(ps);
	} while (at_string(ps));
	n = node_new(ps, bytes ? PN_BYTES : PN_STR, start);
	if (!n) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	n->text = text;
	n->len = len;
	return n;
}

/* Items up to close: a tuple needs a comma unless empty ("(x)" is x). */
static struct py_node *parse_items(struct parser *ps, const char *open, const char *close,
				   enum py_node_kind kind)
{
	struct py_node *n = node_new(ps, kind, open), *item;
	bool comma = false;

	if (!n)
		return NULL;
	while (!accept(ps, close)) {
		if (n->nkids && !comma) {
			expect(ps, close);
			py_expr_free(n);
			return NULL;
		}
		if (!(item = parse_expr(ps)) || add_kid(ps, n, item) < 0) {
			py_expr_free(n);
			return NULL;
		}
		comma = accept(ps, ",");
	}
	if (kind == PN_TUPLE && n->nkids == 1 && !comma) {
		item = n->kids[0];
		n->nkids = 0;
		py_expr_free(n);
		return item;
	}
	return n;
}

static struct py_node *parse_atom(struct parser *ps)
{
	const char *at;

	skip_space(ps);
	at = ps->p;
	if (at_string(ps))
		return parse_strings(ps);
	if (is_name_start(*at))
		return parse_name(ps);
	if (isdigit((unsigned char)*at) || (*at == '.' && isdigit((unsigned char)at[1])))
		return parse_number(ps);
	if (accept(ps, "("))
		return parse_items(ps, at, ")", PN_TUPLE);
	if (accept(ps, "["))
		return parse_items(ps, at, "]", PN_LIST);
	if (*at == '{')
		fail(ps, at, "dict and set displays are not evaluated");
	else
		fail(ps, at, *at ? "unexpected '%c'" : "expected an expression before the end",
		     *at);
	return NULL;
}

/* lo:hi:step, any part left out (NULL kids); or an expression. */
static struct py_node *parse_slice_or_expr(struct parser *ps)
{
	struct py_node *lo = NULL, *s;
	const char *at;

	skip_space(ps);
	at = ps->p;
	if (*ps->p != ':' && !(lo = parse_expr(ps)))
		return NULL;
	if (!accept(ps, ":"))
		return lo;
	s = node_new(ps, PN_SLICE, at);
	if (!s || add_kid(ps, s, lo) < 0) {
		py_expr_free(s);
		return NULL;
	}
	for (int part = 0; part < 2; part++) {
		struct py_node *e = NULL;

		skip_space(ps);
		if (part == 1 && !accept(ps, ":"))
			break;
		skip_space(ps);
		if (*ps->p != ':' && *ps->p != ']' && *ps->p != ',' && !(e = parse_expr(ps))) {
			py_expr_free(s);
			return NULL;
		}
		if (add_kid(ps, s, e) < 0) {
			py_expr_free(s);
			return NULL;
		}
	}
	while (s->nkids < 3 && add_kid(ps, s, NULL) == 0)
		;
	return s;
}

static struct py_node *parse_postfix(struct parser *ps)
{
	struct py_node *n = parse_atom(ps), *outer, *k;
	const char *at;
	int links = 0;

	while (n) {
		skip_space(ps);
		at = ps->p;
		/* Each link nests the tree one level deeper (a.b.c is (a.b).c): bounded the same. */
		if (strchr(".[(", *ps->p) && *ps->p && ++links + ps->depth > MAX_NESTING) {
			fail(ps, at, "nested more than %d deep", MAX_NESTING);
			py_expr_free(n);
			return NULL;
		}
		if (accept(ps, ".")) {
			skip_space(ps);
			if (!is_name_start(*ps->p)) {
				fail(ps, ps->p, "expected an attribute name after '.'");
				py_expr_free(n);
				return NULL;
			}
			const char *name = ps->p;

			while (is_name_char(*ps->p))
				ps->p++;
			outer = node_new(ps, PN_ATTR, at);
			if (!outer ||
			    !(outer->text = dup_range(ps, name, (size_t)(ps->p - name)))) {
				py_expr_free(outer);
				py_expr_free(n);
				return NULL;
			}
			add_kid(ps, outer, n);
		} else if (accept(ps, "[")) {
			outer = node_new(ps, PN_INDEX, at);
			if (!outer || add_kid(ps, outer, n) < 0 || !(k = parse_slice_or_expr(ps))) {
				py_expr_free(outer ? outer : n);
				return NULL;
			}
			/* d[a, b] is d[(a, b)] */
			if (accept(ps, ",")) {
				struct py_node *t = node_new(ps, PN_TUPLE, at);

				if (!t || add_kid(ps, t, k) < 0) {
					py_expr_free(t);
					py_expr_free(outer);
					return NULL;
				}
				while (!ps->failed && !accept(ps, "]")) {
					struct py_node *item = parse_expr(ps);

					if (!item || add_kid(ps, t, item) < 0)
						break;
					if (!accept(ps, ",")) {
						expect(ps, "]");
						break;
					}
				}
				k = t;
				if (ps->failed) {
					py_expr_free(t);
					py_expr_free(outer);
					return NULL;
				}
			} else if (!expect(ps, "]")) {
				py_expr_free(k);
				py_expr_free(outer);
				return NULL;
			}
			add_kid(ps, outer, k);
		} else if (accept(ps, "(")) {
			struct py_node *args = parse_items(ps, at, ")", PN_LIST);

			if (!args || !(outer = node_new(ps, PN_CALL, at))) {
				py_expr_free(args);
				py_expr_free(n);
				return NULL;
			}
			if (add_kid(ps, outer, n) < 0) {
				py_expr_free(args);
				py_expr_free(outer);
				return NULL;
			}
			for (int i = 0; i < args->nkids; i++)
				add_kid(ps, outer, args->kids[i]);
			args->nkids = 0;
			py_expr_free(args);
		} else {
			return n;
		}
		n = outer;
		if (ps->failed) {
			py_expr_free(n);
			return NULL;
		}
	}
	return NULL;
}

static bool enter(struct parser *ps)
{
	if (++ps->depth <= MAX_NESTING)
		return true;
	fail(ps, ps->p, "nested more than %d deep", MAX_NESTING);
	ps->depth--;
	return false;
}

static struct py_node *leave(struct parser *ps, struct py_node *n)
{
	ps->depth--;
	return n;
}

static struct py_node *parse_unary_nested(struct parser *ps);

static struct py_node *parse_unary(struct parser *ps)
{
	return enter(ps) ? leave(ps, parse_unary_nested(ps)) : NULL;
}

static struct py_node *parse_unary_nested(struct parser *ps)
{
	const char *at;
	struct py_node *n, *operand;

	skip_space(ps);
	at = ps->p;
	if (accept(ps, "+"))
		return parse_unary(ps);
	if (!accept(ps, "-"))
		return parse_postfix(ps);
	if (!(operand = parse_unary(ps)))
		return NULL;
	if (!(n = node_new(ps, PN_NEG, at)) || add_kid(ps, n, operand) < 0) {
		py_expr_free(n ? n : operand);
		return NULL;
	}
	return n;
}

/* The comparison operator at the parser, longest first. PY_CMP_NONE when there is none. */
static enum py_cmp accept_cmp(struct parser *ps)
{
	static const struct {
		const char *text;
		enum py_cmp op;
	} ops[] = {
		{ "==", PY_CMP_EQ }, { "!=", PY_CMP_NE }, { "<=", PY_CMP_LE }, { ">=", PY_CMP_GE },
		{ "<", PY_CMP_LT },  { ">", PY_CMP_GT },  { "in", PY_CMP_IN },
	};
	const char *save = ps->p;

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (accept(ps, ops[i].text))
			return ops[i].op;
	if (accept(ps, "is"))
		return accept(ps, "not") ? PY_CMP_IS_NOT : PY_CMP_IS;
	if (accept(ps, "not")) {
		if (accept(ps, "in"))
			return PY_CMP_NOT_IN;
		ps->p = save;
	}
	return PY_CMP_NONE;
}

static struct py_node *parse_comparison(struct parser *ps)
{
	struct py_node *first = parse_unary(ps), *n = NULL, *next;
	enum py_cmp op;
	const char *at;

	while (first && !ps->failed) {
		skip_space(ps);
		at = ps->p;
		if ((op = accept_cmp(ps)) == PY_CMP_NONE)
			break;
		if (!n) {
			if (!(n = node_new(ps, PN_COMPARE, at)) || add_kid(ps, n, first) < 0)
				break;
		}
		enum py_cmp *ops = realloc(n->ops, (size_t)n->nkids * sizeof(*ops));

		if (!ops) {
			fail(ps, at, "out of memory");
			break;
		}
		n->ops = ops;
		n->ops[n->nkids - 1] = op;
		if (!(next = parse_unary(ps)) || add_kid(ps, n, next) < 0)
			break;
	}
	if (ps->failed) {
		py_expr_free(n ? n : first);
		return NULL;
	}
	return n ? n : first;
}

static struct py_node *parse_not(struct parser *ps)
{
	const char *at;
	struct py_node *n, *operand;

	skip_space(ps);
	at = ps->p;
	if (!accept(ps, "not"))
		return parse_comparison(ps);
	if (!enter(ps))
		return NULL;
	if (!(operand = leave(ps, parse_not(ps))))
		return NULL;
	if (!(n = node_new(ps, PN_NOT, at)) || add_kid(ps, n, operand) < 0) {
		py_expr_free(n ? n : operand);
		return NULL;
	}
	return n;
}

static struct py_node *parse_bool(struct parser *ps, int level)
{
	static const char *const words[] = { "or", "and" };
	struct py_node *left = level ? parse_not(ps) : parse_bool(ps, 1), *n = NULL, *right;
	const char *at;

	while (left) {
		skip_space(ps);
		at = ps->p;
		if (!accept(ps, words[level]))
			return n ? n : left;
		if (!n &&
		    (!(n = node_new(ps, level ? PN_AND : PN_OR, at)) || add_kid(ps, n, left) < 0))
			break;
		if (!(right = level ? parse_not(ps) : parse_bool(ps, 1)) ||
		    add_kid(ps, n, right) < 0)
			break;
	}
	py_expr_free(n ? n : left);
	return NULL;
}

static struct py_node *parse_expr(struct parser *ps)
{
	if (ps->failed || !enter(ps))
		return NULL;
	return leave(ps, parse_bool(ps, 0));
}

struct py_node *py_expr_parse(const char *text, char *err, size_t errlen)
{
	struct parser ps = { text, text, err, errlen, false, 0 };
	struct py_node *n;

	skip_space(&ps);
	if (!*ps.p) {
		snprintf(err, errlen, "an expression is needed");
		return NULL;
	}
	if (!(n = parse_expr(&ps)))
		return NULL;
	skip_space(&ps);
	if (*ps.p) {
		fail(&ps, ps.p, "unexpected '%c' after the expression", *ps.p);
		py_expr_free(n);
		return NULL;
	}
	return n;
}
