/* eval.h - expressions evaluated in the selected frame: its registers and the target's symbols */
#ifndef LURK_EVAL_H
#define LURK_EVAL_H

#include <stdbool.h>
#include <stdint.h>

struct arch_reg;
struct session;

/*
 * Evaluate text as an address or integer in the selected frame (typed, from
 * DWARF: pointers and arrays give addresses; a bare variable holding data is
 * refused, pointing to &name). Returns 0 or -1 (err set).
 */
int eval_int(struct session *s, const char *text, uint64_t *value);
/* Evaluate a condition: *holds when it is not zero. Returns 0 or -1 (err set). */
int eval_condition(struct session *s, const char *text, bool *holds);

/*
 * A register's value in the selected frame: frame 0 has them all; outer
 * frames have the pc, the stack pointer and what the unwinder recovered
 * (callee-saved registers). Returns 0, or -1 with err set ("rax is not
 * saved in frame 2").
 */
int eval_frame_reg(struct session *s, const struct arch_reg *reg, uint64_t *value);

#endif
