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
 * (decimal, 0x hex, 0 octal, 0b binary, 'c' characters), $registers, names,
 * &name, parentheses, unary - + ! ~, and binary * / % + - << >> < <= > >=
 * == != & ^ | && || with C's precedence. Returns NULL with err set
 * ("syntax error at \")\"" / "expected an expression").
 */
struct expr *expr_parse(const char *text);
void expr_free(struct expr *e);
/* Evaluate as 64-bit integers (signed for / % < > and >>). Returns 0 or -1 (err set). */
int expr_eval(const struct expr *e, const struct expr_env *env, uint64_t *value);
/* Parse and evaluate once. */
int expr_value(const char *text, const struct expr_env *env, uint64_t *value);

#endif
