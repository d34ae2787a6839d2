/* expr.h - C-like expressions over integers, registers and symbol addresses */
#ifndef LURK_EXPR_H
#define LURK_EXPR_H

#include <stdbool.h>
#include <stdint.h>

struct expr;

/*
 * What names mean is the caller's: reg() gives a register ("$rsp"),
 * sym() the value of a bare name or, with addr_of, its address ("&counter").
 * Each returns 0, or -1 with err set.
 */
struct expr_env {
	int (*reg)(void *arg, const char *name, uint64_t *value);
	int (*sym)(void *arg, const char *name, bool addr_of, uint64_t *value);
	void *arg;
};

/*
 * Parse text (the whole of it) into an expression tree: integer literals
 * (decimal, 0x hex, 0 octal, 0b binary, with C's u l ul ll suffixes; 'c'
 * characters), floating literals (1.5, .5, 1e3, 2.f, 1.5L, 0x1.8p1), $registers, names,
 * &name, &lvalue, *e, e.member, e->member, e[i], (type)e casts, parentheses, unary - + ! ~,
 * sizeof e and sizeof(type),
 * and binary * / % + - << >> < <= > >=
 * == != & ^ | && || with C's precedence, and gdb's e@n between << >> and + -;
 * assignment (= += -= *= /= %= &= |= ^= <<= >>=) loosest, right to left;
 * gdb's $, $$, $$N, $N history references and $name variables as registers are.
 * Returns NULL with err set
 * ("syntax error at \")\"" / "expected an expression").
 */
struct expr *expr_parse(const char *text);
void expr_free(struct expr *e);
/* Evaluate as 64-bit integers (signed for / % < > and >>). Returns 0 or -1 (err set). */
int expr_eval(const struct expr *e, const struct expr_env *env, uint64_t *value);
/*
 * The tree, for the typed evaluator (value.c). Operators are their C
 * spelling; two-character ones are EXPR_OP2('<', '=').
 */
#define EXPR_OP2(a, b) ((a) | ((b) << 8))

enum expr_kind {
	EXPR_NUM,
	EXPR_FLOAT,   /* a floating literal: expr_float */
	EXPR_REG,     /* $name */
	EXPR_NAME,    /* a variable or function */
	EXPR_ADDR_OF, /* &name (expr_name) or &lvalue (expr_left) */
	EXPR_UNARY,   /* - ! ~ */
	EXPR_BINARY,
	EXPR_DEREF,  /* *left */
	EXPR_MEMBER, /* left.name */
	EXPR_ARROW,  /* left->name */
	EXPR_INDEX,  /* left[right] */
	EXPR_CAST,   /* (expr_name)left: a type name with its stars, "char *" */
	EXPR_REPEAT, /* left@right: gdb's artificial array of right elements at left */
	EXPR_SIZEOF, /* sizeof left, or sizeof(expr_name) for a type name */
	EXPR_CALL,   /* left(arguments): right is the first EXPR_ARG, or NULL */
	EXPR_ARG,    /* one argument, left; right is the next EXPR_ARG or NULL */
	EXPR_ASSIGN, /* left = right; expr_op: 0, or the binary operator of left op= right */
	EXPR_COND,   /* left ? right : expr_third */
	EXPR_COMMA,  /* left, right: both evaluated, right's value */
};

/*
 * An integer literal's type by C's rules from its value, base and suffix
 * (u, l, ul, ll, ull in either case): decimals take the first of int, long,
 * then unsigned long (as gdb, past C's long long); hexadecimal, octal and
 * binary ones the first of int, unsigned int, long, unsigned long. A
 * character literal is a char, as in gdb.
 */
enum expr_lit {
	EXPR_LIT_INT,
	EXPR_LIT_UINT,
	EXPR_LIT_LONG,
	EXPR_LIT_ULONG,
	EXPR_LIT_LLONG,
	EXPR_LIT_ULLONG,
	EXPR_LIT_CHAR,
};

enum expr_kind expr_kind(const struct expr *e);
int expr_op(const struct expr *e);
uint64_t expr_num(const struct expr *e);
/* A floating literal's value, already rounded to its type of *size bytes (4, 8, 16 long double). */
long double expr_float(const struct expr *e, unsigned *size);
/* EXPR_NUM: the literal's type. */
enum expr_lit expr_num_type(const struct expr *e);
const char *expr_name(const struct expr *e);
const struct expr *expr_left(const struct expr *e);
const struct expr *expr_right(const struct expr *e);
/* The third operand: ?:'s value when its condition is false; NULL for the others. */
const struct expr *expr_third(const struct expr *e);
/* Integer arithmetic with C's meaning (signed / % < > >>). Returns 0 or -1 (err set). */
int expr_binary(int op, uint64_t a, uint64_t b, uint64_t *v);

/* Parse and evaluate once. */
int expr_value(const char *text, const struct expr_env *env, uint64_t *value);

#endif
