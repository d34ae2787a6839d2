/* agent.h - calls counted inside the program: a jump at a function's entry to a counting trampoline */
#ifndef LURK_AGENT_H
#define LURK_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct disas;

/*
 * A traced call costs two ptrace stops, tens of microseconds; a function
 * called millions of times cannot be counted that way. The agent instead
 * replaces a function's first instructions (5 bytes or more, whole
 * instructions) with a jump to a trampoline in a page lurk maps near it:
 *
 *	lock incq COUNTER(%rip)		the function's counter
 *	the displaced instructions	relocated where they address relative to the pc
 *	jmp FUNC+LEN			back to the rest of the function
 *
 * Flags are dead at a function's entry (the ABI), so the increment may
 * clobber them. The counters sit in a page of a file that the program and
 * lurk both map shared: lurk reads them without stopping the program, and
 * after it is gone.
 */
#define AGENT_PAGE	4096u
#define AGENT_JMP_LEN	5u  /* jmp rel32 */
#define AGENT_TRAMP_MAX 48u /* increment 8 + displaced (at most 19 bytes) + jmp 5, rounded up */

/* One patched function. */
struct agent_fn {
	uint64_t func;
	unsigned len;		 /* bytes of whole instructions replaced, >= 5 */
	unsigned char orig[24];	 /* what they were */
	uint64_t tramp;		 /* its trampoline */
	unsigned tramp_len;	 /* bytes of it */
	unsigned ninsn;		 /* displaced instructions */
	unsigned char at[8];	 /* each one's offset in the function ... */
	unsigned char copied[8]; /* ... and in the trampoline */
	int counter;		 /* its counter (struct agent.counters) */
	bool patched;		 /* the jump is in the program's code */
};

/*
 * Where the trampoline for the function at func goes (tramp) and what it
 * counts into (counter_addr): the trampoline's bytes and the displaced
 * length into fn, from the function's code (its first bytes, code_len of
 * them; fn_size: the function's size from its symbol). Returns 0, or -1
 * with err set saying why the function cannot be patched (too short, a
 * jump or call among its first instructions, an operand that cannot be
 * relocated).
 */
int agent_build(struct disas *d, uint64_t func, uint64_t fn_size, const unsigned char *code,
		size_t code_len, uint64_t tramp, uint64_t counter_addr, struct agent_fn *fn,
		unsigned char out[AGENT_TRAMP_MAX]);

/*
 * Whether a direct jump or call in the function (its whole code, size
 * bytes at func) lands inside the replaced bytes, after the first: such a
 * jump would land in the middle of the new jump. Returns 0 when none does,
 * else -1 with err set naming the jump, or the bytes that do not decode
 * (then nothing is known).
 */
int agent_check_jumps(struct disas *d, uint64_t func, const unsigned char *code, size_t size,
		      unsigned len);

/*
 * A thread stopped at pc inside fn's trampoline: the pc it stands for in
 * the original code. False when pc is not in the trampoline.
 */
bool agent_map_back(const struct agent_fn *fn, uint64_t pc, uint64_t *orig_pc);

#endif
