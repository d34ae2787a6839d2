/* frame.h - one frame of a stopped thread, for the value engine: its pc, registers and CFA, unwound only as deep as asked */
#ifndef LURK_FRAME_H
#define LURK_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct arch;
struct arch_reg;
struct regs_fp;
struct sym;
struct target;
struct target_call;
struct target_call_result;
struct thread;

/*
 * The frame an expression is evaluated in: level 0 is the innermost. A
 * context with no thread (the program is not running) still evaluates
 * numbers and, where the ELF file holds them, symbols' addresses. The
 * caller keeps target and thread alive for the evaluation.
 */
struct frame_ctx {
	struct target *target;
	struct thread *thread; /* NULL: no live thread */
	int level;
};

/*
 * Which frame of an inlined call the level is (see struct frame in
 * unwind.h): *phys the index of its machine frame (0: the executing one),
 * *skip how many inlined calls at the pc are inside it. Level 0 needs no
 * unwinding. Returns 0, or -1 with err set.
 */
int frame_inline(const struct frame_ctx *fc, int *phys, int *skip);
/*
 * The frame's pc: where frame 0 executes, a caller's return address. Frame 0
 * needs no unwinding; level N unwinds N+1 frames. Returns 0, or -1 with err set.
 */
int frame_pc(const struct frame_ctx *fc, uint64_t *pc);
/*
 * A register's value in the frame: frame 0 has them all; outer frames have
 * the pc, the stack pointer and what the unwinder recovered (callee-saved
 * registers). Returns 0, or -1 with err set ("rax is not saved in frame 2").
 */
int frame_reg(const struct frame_ctx *fc, const struct arch_reg *reg, uint64_t *value);
/*
 * The low 8 bytes of vector register n (xmm0 is 0) in the frame: a float
 * or double, or an integer the compiler keeps there. Only frame 0 has
 * them: a call saves no vector register, so a caller's are lost. Returns
 * 0, or -1 with err set ("xmm0 is not saved in frame 1").
 */
int frame_vector(const struct frame_ctx *fc, int n, uint64_t *low);
/*
 * The floating-point and vector registers (x87, mxcsr, xmm) of the frame,
 * as regs.h lays them out: frame 0 only, as for frame_vector. Returns 0,
 * or -1 with err set.
 */
int frame_fp(const struct frame_ctx *fc, struct regs_fp *fp);
/* The canonical frame address: the caller's stack pointer at the call. 0, or -1 with err set. */
int frame_cfa(const struct frame_ctx *fc, uint64_t *cfa);

/*
 * The value engine reaches the target only through these, so its unit tests
 * can put fake registers and memory behind them.
 * The target's symbols (NULL with err set), its architecture, and its
 * memory as the program sees it (bytes read, or -1 with err set).
 */
struct sym *frame_sym(const struct frame_ctx *fc);
const struct arch *frame_arch(const struct frame_ctx *fc);
ssize_t frame_read(const struct frame_ctx *fc, uint64_t addr, void *buf, size_t len);
/* Write for the user (set var). Returns 0, or -1 with err set. */
int frame_write(const struct frame_ctx *fc, uint64_t addr, const void *buf, size_t len);
/*
 * Where an outer frame's register (DWARF number) lives, for writing it:
 * 0 with *addr the stack slot a frame inside saved it in; 1 when none did
 * (frame 0's register holds it); -1 with err set (the CFI says it cannot
 * be recovered, or has a rule other than a slot).
 */
int frame_reg_slot(const struct frame_ctx *fc, int dwarf_reg, uint64_t *addr);
/*
 * Where the frame itself saved its caller's register (DWARF number) on
 * its stack, by the CFI at its pc: 0 with *addr the slot; 1 when it did
 * not (left alone, or another rule); -1 with err set when the frame has no
 * call frame information. The return address is register 16 on x86_64.
 */
int frame_saved_reg(const struct frame_ctx *fc, int dwarf_reg, uint64_t *addr);
/* The source language of the frame's compile unit as gdb names it ("c", "c++"), or NULL without one. */
const char *frame_language(const struct frame_ctx *fc);
/* Set a register of frame 0. Returns 0, or -1 with err set. */
int frame_set_reg(const struct frame_ctx *fc, const struct arch_reg *reg, uint64_t value);
/* Run a function of the program on the frame's thread (target_call_function). 0, or -1 with err set. */
int frame_call(const struct frame_ctx *fc, const struct target_call *call,
	       struct target_call_result *res);

#endif
