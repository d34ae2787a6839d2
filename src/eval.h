/* eval.h - expressions evaluated in the selected frame: its registers and the target's symbols */
#ifndef LURK_EVAL_H
#define LURK_EVAL_H

#include <stdint.h>

struct arch_reg;
struct session;

/* Evaluate text as an integer/address in the selected frame. Returns 0 or -1 (err set). */
int eval_int(struct session *s, const char *text, uint64_t *value);

/*
 * A register's value in the selected frame: frame 0 has them all; outer
 * frames have the pc, the stack pointer and what the unwinder recovered
 * (callee-saved registers). Returns 0, or -1 with err set ("rax is not
 * saved in frame 2").
 */
int eval_frame_reg(struct session *s, const struct arch_reg *reg, uint64_t *value);

#endif
