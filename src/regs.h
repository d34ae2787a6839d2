/* regs.h - a thread's registers: read/write through ptrace, names and DWARF numbers via the arch table */
#ifndef LURK_REGS_H
#define LURK_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Large enough for any supported architecture's NT_PRSTATUS register set. */
struct regs {
	unsigned char raw[512];
	size_t len;
};

struct arch_reg {
	const char *name;
	unsigned size; /* bytes */
	size_t off;    /* offset in struct regs.raw */
	int dwarf;     /* DWARF register number, -1 if none */
	bool general;  /* shown by a plain "info registers" */
	bool is_flags; /* decode as flag bits */
};

struct arch {
	const char *name;
	const struct arch_reg *regs;
	size_t nregs;
	/* Register aliases users type: "pc", "sp", "fp". */
	const struct arch_reg *(*alias)(const char *name);
	const struct arch_reg *pc, *sp, *fp;
	/* The breakpoint instruction and how far the pc has moved past it when it traps. */
	const unsigned char *trap;
	size_t trap_len;
	size_t trap_pc_adjust;
	/* Registers in DWARF numbering 0..ndwarf-1, for the unwinder. */
	unsigned ndwarf;
	/*
	 * Bit n: DWARF register n survives a call (callee-saved, the stack
	 * pointer, the pc); only these can be known in a caller's frame.
	 */
	uint32_t preserved_dwarf;
	/*
	 * The vector registers (x86_64's xmm0-15, where float and double
	 * values live): nvector of them from DWARF number vector_dwarf, named
	 * vector_name and their number. regs_read_vector reads them.
	 */
	int vector_dwarf;
	int nvector;
	const char *vector_name;
	/* The system call instruction, found in the process to run injected calls. */
	const unsigned char *syscall_insn;
	size_t syscall_insn_len;
	/*
	 * The system call convention: the number the instruction takes, the
	 * arguments and the result. sys_stop_nr is the number the kernel runs
	 * at a syscall-entry stop, and the one a thread inside (or interrupted
	 * in) a call shows afterwards; -1 there means none.
	 */
	const struct arch_reg *sys_nr, *sys_stop_nr, *sys_ret;
	const struct arch_reg *sys_args[6];
	/* The C calling convention: integer arguments passed in registers, and the result. */
	const struct arch_reg *call_args[8];
	int ncall_args;
	const struct arch_reg *call_ret;
	const struct arch_reg *call_ret2; /* a two-word result's second word */
	/* Syscall the thread is in or was interrupted in; -1 when in user code. */
	int64_t (*syscall_nr)(const struct regs *r);
	const char *(*syscall_name)(int64_t nr);
	/*
	 * Whether the code at a function's entry sets up a frame (pushes the
	 * frame pointer, as GCC's code does without optimisation): where a
	 * breakpoint on the function skips a prologue.
	 */
	bool (*sets_up_frame)(const unsigned char *code, size_t len);
	/* The flag names set in a flags register value, e.g. "[ ZF PF IF ]". */
	void (*flags_str)(uint64_t v, char *buf, size_t len);
};

const struct arch *arch_host(void);

/* Returns 0, or -1 with err set (ESRCH: the thread is gone or not stopped). */
int regs_read(pid_t tid, struct regs *r);
int regs_write(pid_t tid, const struct regs *r);
/* Write back only reg from r (cheaper than the whole set: the pc on every traced call). */
int regs_write_one(pid_t tid, const struct regs *r, const struct arch_reg *reg);
/*
 * x86_64's FXSAVE area as PTRACE_GETREGSET NT_PRFPREG gives it: the x87
 * control words (fcw at 0, fsw 2, the abridged ftw 4, fop 6, fip 8, fdp
 * 16), mxcsr at 24, st(0)..st(7) of 16 bytes from 32 (10 used; st(i),
 * not the physical register i), xmm0..xmm15 of 16 bytes from 160.
 */
struct regs_fp {
	unsigned char raw[512];
};
#define REGS_FP_MXCSR 24
#define REGS_FP_ST    32
#define REGS_FP_XMM   160

/* Returns 0, or -1 with err set. */
int regs_read_fp(pid_t tid, struct regs_fp *fp);
/*
 * The x87 and SSE control registers by gdb's names: fctrl, fstat, ftag
 * (the full two-bit tags, worked out as the x87 would), fiseg, fioff,
 * foseg, fooff, fop, mxcsr. Returns 0, or -1 when name is none of them.
 */
int regs_fp_word(const struct regs_fp *fp, const char *name, uint64_t *value);
/* The i-th of those names, in gdb's order; NULL past the last. */
const char *regs_fp_word_name(size_t i);
/* mxcsr's flag names set in v, as gdb writes them: "[ IM DM ZM OM UM PM ]". */
void regs_mxcsr_str(uint64_t v, char *buf, size_t len);
/* The low 8 bytes of vector register n (xmm0-15): float and double arguments and results. */
int regs_read_vector(pid_t tid, int n, uint64_t *low);
/* All 16 bytes of vector register n. Returns 0, or -1 with err set. */
int regs_read_vector_bytes(pid_t tid, int n, unsigned char bytes[16]);
/* The 80 bits of x87 register st(n) (0: the top of the stack). Returns 0, or -1 with err set. */
int regs_read_x87(pid_t tid, int n, unsigned char bytes[10]);

/* Put the whole area back (around an inferior call). Returns 0, or -1 with err set. */
int regs_write_fp(pid_t tid, const struct regs_fp *fp);
/* Vector register n's 16 bytes in fp (xmm0 is 0). */
void regs_fp_vector(const struct regs_fp *fp, int n, unsigned char bytes[16]);
void regs_fp_set_vector(struct regs_fp *fp, int n, const unsigned char bytes[16]);
/* The x87 stack's top, st(0): a long double's 10 bytes. */
void regs_fp_st0(const struct regs_fp *fp, unsigned char bytes[10]);

uint64_t regs_get(const struct regs *r, const struct arch_reg *reg);
void regs_set(struct regs *r, const struct arch_reg *reg, uint64_t v);
/* "xmm12" -> 12 when name is prefix and a number below n ("xmm", 16); -1 otherwise. */
int regs_numbered(const char *name, const char *prefix, int n);
/* Find a register by name ("rax", "$rax", "pc"); NULL when unknown. */
const struct arch_reg *regs_find(const struct arch *a, const char *name);
uint64_t regs_pc(const struct arch *a, const struct regs *r);
uint64_t regs_sp(const struct arch *a, const struct regs *r);
/* The register with DWARF number n, or NULL. */
const struct arch_reg *regs_by_dwarf(const struct arch *a, int n);
/* The vector register (0 for xmm0) with DWARF number n, or -1 when n is not one. */
int regs_vector_by_dwarf(const struct arch *a, int n);

#endif
