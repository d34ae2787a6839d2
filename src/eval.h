/* eval.h - addresses, integers and conditions evaluated in a frame */
#ifndef LURK_EVAL_H
#define LURK_EVAL_H

#include <stdbool.h>
#include <stdint.h>

struct expr;
struct frame_ctx;

/*
 * Evaluate text as an address or integer in frame fc (typed, from DWARF:
 * pointers and arrays give addresses; a bare variable holding data is
 * refused, pointing to &name). Without a running program only numbers
 * evaluate. Returns 0 or -1 (err set).
 */
int eval_int(const struct frame_ctx *fc, const char *text, uint64_t *value);
/*
 * Evaluate a parsed condition in frame fc: *holds when it is not zero.
 * Only what the expression names is read: registers and globals need no
 * unwinding. Returns 0 or -1 (err set).
 */
int eval_condition(const struct frame_ctx *fc, const struct expr *e, bool *holds);

#endif
