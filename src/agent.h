/* agent.h - code lurk puts in the program: a jump at a function's entry to a trampoline that counts, or judges a condition */
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
 *
 * A breakpoint's condition is judged the same way (break LOC if COND): the
 * jump at the breakpoint's place leads to a trampoline that saves the
 * registers, computes the condition (agent-cond.c), restores them and runs
 * an int3 only when it is true. A false condition costs nanoseconds, not
 * two ptrace stops.
 */
#define AGENT_PAGE    4096u
#define AGENT_JMP_LEN 5u /* jmp rel32 */
/* The displaced instructions (at most 19 bytes, a jump written again as 5) and the jump back. */
#define AGENT_TAIL_MAX 32u
/* A trampoline: its head (the increment, or the condition) and that tail, within one page. */
#define AGENT_TRAMP_MAX 2048u

/* What a trampoline does before the displaced instructions. */
enum agent_kind {
	AGENT_COUNT, /* counts the call */
	AGENT_GUARD, /* counts the call and judges a condition; traps into lurk when true */
	AGENT_ENTRY, /* records the call (time, thread, arguments) in the ring */
	AGENT_EXIT,  /* records a return (time, thread, value): the code before a ret */
};

/*
 * The ring traced calls are recorded in (trace --mode agent), a memory
 * file shared by every thread of the program and read by lurk while the
 * program runs. It is an array of 64-byte slots: a record is one slot (a
 * return, or a call whose arguments take at most four registers) or two (a
 * wide call: six integer registers and five vector registers). A thread
 * takes its slots from head (lock cmpxchg) when there is room before tail,
 * writes them, then the first slot's seq (the slot's number + 1): lurk
 * reads records in order up to one not yet written, and moves tail on. A
 * full ring drops the record and counts it. One more slot past the last
 * holds the second half of a wide record taken at the last: the slot after
 * it (number 0 of the next lap) stays unused.
 *
 * One slot per call and one per return is one cache line each: the
 * program writes them and lurk reads them, so each line goes from one CPU
 * to the other once; that transfer, not the head's instructions, is most
 * of what recording costs.
 */
#define AGENT_RING_SLOTS  16384u
#define AGENT_SLOT_BYTES  64u
#define AGENT_RING_HEADER 256u
#define AGENT_RING_BYTES  (AGENT_RING_HEADER + (AGENT_RING_SLOTS + 1) * AGENT_SLOT_BYTES)
/* A slot's id: the trampoline's id (below AGENT_ID_WIDE) and what the slot is. */
#define AGENT_ID_EXIT 0x80000000u /* a return */
#define AGENT_ID_MORE 0x40000000u /* the second slot of a wide call */
#define AGENT_ID_WIDE 0x20000000u /* a call with its second slot after it */
#define AGENT_ID_MASK 0x1fffffffu

struct agent_ring {
	uint64_t head; /* the next slot to take (the program's threads) */
	uint64_t pad0[7];
	uint64_t tail; /* the next slot lurk reads */
	uint64_t pad1[7];
	uint64_t drops; /* records dropped when the ring was full */
	uint64_t pad2[15];
};

/*
 * A slot as the heads write it. The first of a record: w[0] the time stamp
 * (rdtsc), w[1] the stack pointer (pointing at the return address), w[2]
 * the thread's pointer (%fs:0), w[3..6] values; a wide call's second: w[0..6]
 * the values after those.
 */
struct agent_slot {
	uint32_t seq; /* its number + 1 (the low 32 bits) once written */
	uint32_t id;
	uint64_t w[7];
};

/* A record as lurk reads it (agent_record_read). */
struct agent_record {
	uint32_t id;	 /* the trampoline's id, | AGENT_ID_EXIT for a return */
	bool wide;	 /* a call with all of v */
	uint64_t tsc;	 /* rdtsc */
	uint64_t sp;	 /* the stack pointer, pointing at the return address */
	uint64_t thread; /* the thread's pointer (%fs:0) */
	/*
	 * A call: rdi rsi rdx rcx, and for a wide one r8 r9 and xmm0-xmm4's
	 * low 8 bytes (the first five float or double arguments). A return:
	 * rax rdx xmm0.
	 */
	uint64_t v[11];
};

/*
 * The record whose first slot is s (written: its seq checked), into r: the
 * slots it takes (2 for a wide call: s[1] is its second).
 */
unsigned agent_record_read(const struct agent_slot *s, struct agent_record *r);

/* One patched function. */
struct agent_fn {
	enum agent_kind kind;
	uint64_t func; /* the patched address: a function's entry, or a breakpoint's place */
	unsigned len;  /* bytes of whole instructions replaced, >= 5 */
	unsigned char orig[24]; /* what they were */
	uint64_t tramp;		/* its trampoline */
	unsigned tramp_len;	/* bytes of it (0 once its bytes are given back for reuse) */
	unsigned tramp_room;	/* bytes it holds in lurk's page, given back when it goes */
	unsigned head_len;	/* where the displaced instructions start in it */
	unsigned head_at;	/* AGENT_EXIT: where its head starts, after them */
	/* AGENT_ENTRY that moved a ret (a short function moved whole): the return's head */
	unsigned exit_at, exit_len, exit_ret;
	unsigned trap_at;	  /* AGENT_GUARD: the offset of its int3 */
	unsigned ninsn;		  /* displaced instructions */
	unsigned short at[8];	  /* each one's offset in the function ... */
	unsigned short copied[8]; /* ... and in the trampoline */
	int counter;		  /* its counter (struct agent.counters) */
	bool patched;		  /* the jump is in the program's code */
	bool demoted;		  /* a guard that gave way to a trap at its place */
	uint64_t traps;		  /* a guard's: the times its condition was true (lurk counts) */
};

/*
 * The head of a counting trampoline at tramp: the increment of the counter
 * at counter_addr, into out (AGENT_COUNT_HEAD bytes). False when the
 * counter is out of reach.
 */
#define AGENT_COUNT_HEAD 8u
bool agent_count_head(uint64_t tramp, uint64_t counter_addr, unsigned char *out);

/*
 * The head of a guarding trampoline at tramp: it counts the call, saves
 * every register, runs cond (code that agent_cond_compile made: its value
 * in %rax), restores them, and traps (int3) when the value is not zero.
 * Into out (cap bytes); its length, or 0 with err set. *trap_at: the
 * offset of the int3.
 */
size_t agent_guard_head(uint64_t tramp, uint64_t counter_addr, const unsigned char *cond,
			size_t cond_len, unsigned char *out, size_t cap, unsigned *trap_at);
/* The bytes of that head, for a condition of cond_len bytes. */
size_t agent_guard_head_len(size_t cond_len);

/* What a record head records. */
enum agent_rec {
	AGENT_REC_CALL,	     /* at a function's entry: four argument registers, one slot */
	AGENT_REC_CALL_WIDE, /* the same with six and five vector registers, two slots */
	AGENT_REC_RETURN,    /* right before a ret: the value */
};

/*
 * The head that records what, in the ring at ring, with id (at most
 * AGENT_ID_MASK), into out (AGENT_RECORD_HEAD bytes at most); its length.
 * It keeps every register and the flags.
 */
#define AGENT_RECORD_HEAD 240u
size_t agent_record_head(uint64_t ring, uint32_t id, enum agent_rec what, unsigned char *out);
/*
 * The time stamp counter ticks between a recorded call's two readings that
 * are the heads' own (after the entry's, before the return's), measured by
 * running them here on an empty function, with the entry head call
 * (AGENT_REC_CALL or AGENT_REC_CALL_WIDE): a recorded duration less this
 * is the function's. 0 when it cannot be measured.
 */
uint64_t agent_record_overhead(enum agent_rec call);

/*
 * The trampoline at tramp for the code at func: head (head_len bytes, made
 * for that place) followed by the displaced instructions and the jump back,
 * into out (AGENT_TRAMP_MAX bytes), and what fn needs to know, from the
 * code there (its first bytes, code_len of them; fn_size: the bytes left to
 * the function's end). Returns 0, or -1 with err set saying why the place
 * cannot be patched (too short, a jump or call among its first
 * instructions, an operand that cannot be relocated).
 */
int agent_build(struct disas *d, uint64_t func, uint64_t fn_size, const unsigned char *code,
		size_t code_len, uint64_t tramp, const unsigned char *head, size_t head_len,
		struct agent_fn *fn, unsigned char out[AGENT_TRAMP_MAX]);
/*
 * The same, where a ret among the displaced instructions gets exit_head
 * (exit_len bytes: agent_record_head of the return) before it.
 */
int agent_build_with_exit(struct disas *d, uint64_t func, uint64_t fn_size,
			  const unsigned char *code, size_t code_len, uint64_t tramp,
			  const unsigned char *head, size_t head_len,
			  const unsigned char *exit_head, size_t exit_len, struct agent_fn *fn,
			  unsigned char out[AGENT_TRAMP_MAX]);

/*
 * The trampoline at tramp for the instructions at site (in the function
 * starting at lo) that end with a ret (code: code_len bytes from site;
 * ret_off: the ret's offset): the
 * instructions before the ret, relocated, then head, then the ret. They
 * must be 5 bytes or more together. Returns 0, or -1 with err set.
 */
int agent_build_exit(struct disas *d, uint64_t lo, uint64_t site, const unsigned char *code,
		     size_t code_len, unsigned ret_off, uint64_t tramp, const unsigned char *head,
		     size_t head_len, struct agent_fn *fn, unsigned char out[AGENT_TRAMP_MAX]);

/*
 * Whether a direct jump or call in a function (its whole code, size bytes
 * at base) lands inside the len bytes replaced at patch, after the first:
 * such a jump would land in the middle of the new jump. Returns 0 when none
 * does, else -1 with err set naming the jump, or the bytes that do not
 * decode (then nothing is known).
 */
int agent_check_jumps(struct disas *d, uint64_t base, const unsigned char *code, size_t size,
		      uint64_t patch, unsigned len);

/* Where a thread whose pc is in a trampoline stands, for agent_map_back. */
enum agent_place {
	AGENT_OUTSIDE, /* not in this trampoline */
	AGENT_MAPPED,  /* *orig_pc; resumed, it goes on at *resume (0: at *orig_pc itself) */
	AGENT_BUSY,    /* inside the guard's own code: step it out first */
};

/*
 * A thread stopped at pc in fn's trampoline: the pc it stands for in the
 * original code, and where it goes on when resumed from there.
 */
enum agent_place agent_map_back(const struct agent_fn *fn, uint64_t pc, uint64_t *orig_pc,
				uint64_t *resume);

#endif
