/* disas.h - decode machine instructions (Capstone): text for people, facts for the engine */
#ifndef LURK_DISAS_H
#define LURK_DISAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct disas;

enum disas_syntax { DISAS_ATT, DISAS_INTEL };

/*
 * What one decoded instruction is. The engine uses the flags (step over a
 * call, follow a jump, relocate a rip-relative operand); commands use the
 * text.
 */
struct disas_insn {
	uint64_t addr;
	unsigned size;
	unsigned char bytes[16];
	char mnemonic[32];
	char operands[160];
	bool is_call, is_jump, is_ret, is_syscall;
	bool writes_sp;	 /* changes the stack pointer (push, pop, sub $N,%rsp ...) */
	bool has_target; /* a direct call or jump: target is where it goes */
	uint64_t target;
	bool has_rip_mem;    /* a memory operand relative to the pc (rip + disp) */
	uint64_t rip_mem;    /* its absolute address (a GOT slot for a PLT jump) */
	int rip_disp_offset; /* where its 32-bit displacement sits in bytes, -1 if none */
	unsigned mem_size; /* bytes of its widest memory operand (0: none); push and call count 8 */
	/* A plain store (mov to memory from a general register or an immediate): what it writes. */
	bool plain_store;
	unsigned store_size;
	const char *store_reg; /* the 64-bit register whose low bytes it writes; NULL: store_imm */
	uint64_t store_imm;
};

/* Returns NULL with err set when Capstone cannot be opened. */
struct disas *disas_new(enum disas_syntax syntax);
void disas_free(struct disas *d);
int disas_set_syntax(struct disas *d, enum disas_syntax syntax);

/*
 * Decode the instruction at the start of buf (len bytes, which came from
 * addr). Returns its size, or 0 when the bytes are not a valid instruction
 * (err set, naming the address).
 */
unsigned disas_one(struct disas *d, const unsigned char *buf, size_t len, uint64_t addr,
		   struct disas_insn *out);

#endif
