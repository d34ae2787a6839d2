/* agent.c - the trampolines of patched functions: counting, guarding a breakpoint, the way back */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "agent.h"
#include "disas.h"
#include "err.h"

/* lock incq disp32(%rip) */
static const unsigned char count_insn[] = { 0xf0, 0x48, 0xff, 0x05 };

static bool put_rel32(unsigned char *at, uint64_t from_end, uint64_t to)
{
	int64_t rel = (int64_t)(to - from_end);
	int32_t r32 = (int32_t)rel;

	if (rel != r32)
		return false;
	memcpy(at, &r32, 4);
	return true;
}

bool agent_count_head(uint64_t tramp, uint64_t counter_addr, unsigned char *out)
{
	memcpy(out, count_insn, sizeof(count_insn));
	return put_rel32(out + 4, tramp + AGENT_COUNT_HEAD, counter_addr);
}

/*
 * The guard's frame: below the red zone (the function may already keep
 * data there), a slot for the flags, then the sixteen registers so that
 * DWARF register n sits at n * 8(%rbx) (the slot of %rsp holds nothing).
 * The flags are kept with lahf and seto, not pushfq: a thread stepped
 * through pushfq and popfq would keep the trap flag, and the program would
 * get a SIGTRAP. The condition changes no other flag.
 */
static const unsigned char guard_save[] = {
	0x48, 0x8d, 0xa4, 0x24, 0x78, 0xff, 0xff, 0xff, /* lea -136(%rsp),%rsp */
	0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x41, 0x54, /* push %r15 .. %r12 */
	0x41, 0x53, 0x41, 0x52, 0x41, 0x51, 0x41, 0x50, /* push %r11 .. %r8 */
	0x54,						/* push %rsp (a filler) */
	0x55, 0x57, 0x56, 0x53, 0x51, 0x52, 0x50, /* push %rbp %rdi %rsi %rbx %rcx %rdx %rax */
	0x48, 0x89, 0xe3,			  /* mov %rsp,%rbx */
	0x0f, 0x90, 0xc0,			  /* seto %al */
	0x9f,					  /* lahf */
	0x48, 0x89, 0x83, 0x80, 0x00, 0x00, 0x00, /* mov %rax,128(%rbx): the flags */
};
static const unsigned char guard_restore[] = {
	0x48, 0x89, 0xdc,				/* mov %rbx,%rsp */
	0x48, 0x8b, 0x84, 0x24, 0x80, 0x00, 0x00, 0x00, /* mov 128(%rsp),%rax */
	0x04, 0x7f,					/* add $0x7f,%al: OF as it was */
	0x9e,						/* sahf: the others */
	0x58, 0x5a, 0x59, 0x5b, 0x5e, 0x5f, 0x5d,	/* pop %rax %rdx %rcx %rbx %rsi %rdi %rbp */
	0x48, 0x8d, 0x64, 0x24, 0x08,			/* lea 8(%rsp),%rsp: the filler */
	0x41, 0x58, 0x41, 0x59, 0x41, 0x5a, 0x41, 0x5b, /* pop %r8 .. %r11 */
	0x41, 0x5c, 0x41, 0x5d, 0x41, 0x5e, 0x41, 0x5f, /* pop %r12 .. %r15 */
	0x48, 0x8d, 0xa4, 0x24, 0x88, 0x00, 0x00, 0x00, /* lea 136(%rsp),%rsp */
};

/* test %rax,%rax; jz rel32 */
static const unsigned char test_jz[] = { 0x48, 0x85, 0xc0, 0x0f, 0x84 };

size_t agent_guard_head_len(size_t cond_len)
{
	return sizeof(guard_save) + AGENT_COUNT_HEAD + cond_len + sizeof(test_jz) + 4 +
	       2 * sizeof(guard_restore) + 1 + AGENT_JMP_LEN;
}

size_t agent_guard_head(uint64_t tramp, uint64_t counter_addr, const unsigned char *cond,
			size_t cond_len, unsigned char *out, size_t cap, unsigned *trap_at)
{
	size_t pos = 0, jz_at;

	if (agent_guard_head_len(cond_len) > cap) {
		err_set("the condition's code is too long for lurk's page");
		return 0;
	}
#define PUT(bytes, n)                            \
	do {                                     \
		memcpy(out + pos, (bytes), (n)); \
		pos += (n);                      \
	} while (0)
	PUT(guard_save, sizeof(guard_save));
	/* After the flags are kept: the increment must not change the program's. */
	if (!agent_count_head(tramp + pos, counter_addr, out + pos)) {
		err_set("its counter is out of reach");
		return 0;
	}
	pos += AGENT_COUNT_HEAD;
	PUT(cond, cond_len);
	PUT(test_jz, sizeof(test_jz));
	jz_at = pos;
	pos += 4;
	/* True: back to the program's registers, then the trap lurk takes as the breakpoint's hit. */
	PUT(guard_restore, sizeof(guard_restore));
	*trap_at = (unsigned)pos;
	out[pos++] = 0xcc;
	/* Never run while lurk is there: a resumed hit goes on at the displaced instructions. */
	out[pos++] = 0xe9;
	pos += 4;
	put_rel32(out + jz_at, tramp + jz_at + 4, tramp + pos);
	PUT(guard_restore, sizeof(guard_restore));
	put_rel32(out + *trap_at + 2, tramp + *trap_at + 1 + AGENT_JMP_LEN, tramp + pos);
#undef PUT
	return pos;
}

/*
 * The record head (agent_record_head), in three parts: the start takes
 * its slots and writes the time, the stack pointer, the thread and the id;
 * the middle writes the arguments or the value; the end commits the record
 * (its seq, the last store: lurk reads nothing before it) or counts it
 * dropped, and gives the registers and flags back.
 */
static const unsigned char record_start[] = {
	0x50, 0x51, 0x52, 0x41, 0x53, /* push %rax %rcx %rdx %r11 */
	0x0f, 0x90, 0xc0, 0x9f, 0x50, /* seto %al; lahf; push %rax: flags */
	0x49, 0xbb, 0,	  0,	0,    0,    0,	  0,	0,    0, /* movabs $RING,%r11 */
	0x49, 0x8b, 0x03,					 /* 1: mov (%r11),%rax: head */
	0x48, 0x89, 0xc2,					 /* mov %rax,%rdx */
	0x49, 0x2b, 0x53, 0x40,					 /* sub 64(%r11),%rdx: - tail */
	0x48, 0x81, 0xfa, 0,	0,    0,    0,		/* cmp $SLOTS-N+1,%rdx: N slots free? */
	0x0f, 0x83, 0,	  0,	0,    0,		/* jae DROP */
	0x48, 0x8d, 0x48, 0,				/* lea N(%rax),%rcx */
	0xf0, 0x49, 0x0f, 0xb1, 0x0b,			/* lock cmpxchg %rcx,(%r11) */
	0x75, 0xde,					/* jne 1b */
	0x48, 0x89, 0xc1,				/* mov %rax,%rcx */
	0x48, 0x81, 0xe1, 0,	0,    0,    0,		/* and $SLOTS-1,%rcx */
	0x48, 0xc1, 0xe1, 0x06,				/* shl $6,%rcx */
	0x49, 0x8d, 0x8c, 0x0b, 0x00, 0x01, 0x00, 0x00, /* lea 256(%r11,%rcx),%rcx: the slot */
	0x4c, 0x8d, 0x58, 0x01,				/* lea 1(%rax),%r11: its seq */
	0x0f, 0x31,					/* rdtsc */
	0x48, 0xc1, 0xe2, 0x20, 0x48, 0x09, 0xd0,	/* shl $32,%rdx; or %rdx,%rax */
	0x48, 0x89, 0x41, 0x08,				/* mov %rax,8(%rcx): tsc */
	0x48, 0x8d, 0x44, 0x24, 0x28,			/* lea 40(%rsp),%rax */
	0x48, 0x89, 0x41, 0x10,				/* mov %rax,16(%rcx): sp */
	0x64, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00, /* mov %fs:0,%rax */
	0x48, 0x89, 0x41, 0x18,				      /* mov %rax,24(%rcx): thread */
	0xc7, 0x41, 0x04, 0,	0,    0,    0,		      /* movl $ID,4(%rcx) */
};
#define RECORD_RING_AT 12
#define RECORD_ROOM_AT 33
#define RECORD_JAE_AT  39 /* its rel32 */
#define RECORD_TAKE_AT 46
#define RECORD_MASK_AT 60
#define RECORD_ID_AT   118
/* The saved rdx is at 16(%rsp), rcx at 24(%rsp), rax at 32(%rsp). */
static const unsigned char record_args[] = {
	0x48, 0x89, 0x79, 0x20,				      /* mov %rdi,32(%rcx) */
	0x48, 0x89, 0x71, 0x28,				      /* mov %rsi,40(%rcx) */
	0x48, 0x8b, 0x44, 0x24, 0x10, 0x48, 0x89, 0x41, 0x30, /* rdx to 48(%rcx) */
	0x48, 0x8b, 0x44, 0x24, 0x18, 0x48, 0x89, 0x41, 0x38, /* rcx to 56(%rcx) */
};
/* A wide call's second slot: its seq and id first, written before the first slot's seq. */
static const unsigned char record_more[] = {
	0x41, 0x8d, 0x43, 0x01,				      /* lea 1(%r11),%eax */
	0x89, 0x41, 0x40,				      /* mov %eax,64(%rcx) */
	0xc7, 0x41, 0x44, 0x00, 0x00, 0x00, 0x40,	      /* movl $AGENT_ID_MORE,68(%rcx) */
	0x4c, 0x89, 0x41, 0x48,				      /* mov %r8,72(%rcx) */
	0x4c, 0x89, 0x49, 0x50,				      /* mov %r9,80(%rcx) */
	0x66, 0x48, 0x0f, 0x7e, 0xc0, 0x48, 0x89, 0x41, 0x58, /* xmm0 to 88(%rcx) */
	0x66, 0x48, 0x0f, 0x7e, 0xc8, 0x48, 0x89, 0x41, 0x60, /* xmm1 to 96(%rcx) */
	0x66, 0x48, 0x0f, 0x7e, 0xd0, 0x48, 0x89, 0x41, 0x68, /* xmm2 to 104(%rcx) */
	0x66, 0x48, 0x0f, 0x7e, 0xd8, 0x48, 0x89, 0x41, 0x70, /* xmm3 to 112(%rcx) */
	0x66, 0x48, 0x0f, 0x7e, 0xe0, 0x48, 0x89, 0x41, 0x78, /* xmm4 to 120(%rcx) */
};
static const unsigned char record_value[] = {
	0x48, 0x8b, 0x44, 0x24, 0x20, 0x48, 0x89, 0x41, 0x20, /* rax to 32(%rcx) */
	0x48, 0x8b, 0x44, 0x24, 0x10, 0x48, 0x89, 0x41, 0x28, /* rdx to 40(%rcx) */
	0x66, 0x48, 0x0f, 0x7e, 0xc0, 0x48, 0x89, 0x41, 0x30, /* xmm0 to 48(%rcx) */
};
static const unsigned char record_end[] = {
	0x44, 0x89, 0x19, /* mov %r11d,(%rcx): seq, the record is whole */
	0xeb, 0x08,	  /* jmp 2f */
	0xf0, 0x49, 0xff, 0x83, 0x80, 0x00, 0x00, 0x00, /* DROP: lock incq 128(%r11) */
	0x58, 0x04, 0x7f, 0x9e,				/* 2: pop %rax; add $0x7f,%al; sahf */
	0x41, 0x5b, 0x5a, 0x59, 0x58,			/* pop %r11 %rdx %rcx %rax */
};
#define RECORD_DROP_AT 5

size_t agent_record_head(uint64_t ring, uint32_t id, enum agent_rec what, unsigned char *out)
{
	uint32_t slots = what == AGENT_REC_CALL_WIDE ? 2 : 1;
	uint32_t room = AGENT_RING_SLOTS - slots + 1, mask = AGENT_RING_SLOTS - 1;
	size_t pos = sizeof(record_start), drop;
	int32_t rel;

	id &= AGENT_ID_MASK;
	id |= what == AGENT_REC_RETURN	    ? AGENT_ID_EXIT
	      : what == AGENT_REC_CALL_WIDE ? AGENT_ID_WIDE
					    : 0;
	memcpy(out, record_start, sizeof(record_start));
	memcpy(out + RECORD_RING_AT, &ring, 8);
	memcpy(out + RECORD_ROOM_AT, &room, 4);
	out[RECORD_TAKE_AT] = (unsigned char)slots;
	memcpy(out + RECORD_MASK_AT, &mask, 4);
	memcpy(out + RECORD_ID_AT, &id, 4);
	if (what == AGENT_REC_RETURN) {
		memcpy(out + pos, record_value, sizeof(record_value));
		pos += sizeof(record_value);
	} else {
		memcpy(out + pos, record_args, sizeof(record_args));
		pos += sizeof(record_args);
	}
	if (what == AGENT_REC_CALL_WIDE) {
		memcpy(out + pos, record_more, sizeof(record_more));
		pos += sizeof(record_more);
	}
	drop = pos + RECORD_DROP_AT;
	rel = (int32_t)(drop - (RECORD_JAE_AT + 4));
	memcpy(out + RECORD_JAE_AT, &rel, 4);
	memcpy(out + pos, record_end, sizeof(record_end));
	return pos + sizeof(record_end);
}

unsigned agent_record_read(const struct agent_slot *s, struct agent_record *r)
{
	memset(r, 0, sizeof(*r));
	r->id = s[0].id & ~AGENT_ID_WIDE;
	r->wide = s[0].id & AGENT_ID_WIDE;
	r->tsc = s[0].w[0];
	r->sp = s[0].w[1];
	r->thread = s[0].w[2];
	memcpy(r->v, &s[0].w[3], 4 * sizeof(r->v[0]));
	if (!r->wide)
		return 1;
	memcpy(r->v + 4, &s[1].w[0], 7 * sizeof(r->v[0]));
	return 2;
}

/*
 * insn (at from in the program) copied to out (at to in lurk's page), its
 * pc-relative operand made to reach the same data. False when it cannot.
 */
static bool move_insn(const struct disas_insn *insn, uint64_t from, uint64_t to, unsigned char *out)
{
	int32_t disp;
	int64_t moved;

	memcpy(out, insn->bytes, insn->size);
	if (!insn->has_rip_mem)
		return true;
	memcpy(&disp, out + insn->rip_disp_offset, 4);
	moved = (int64_t)disp + (int64_t)(from - to);
	if (moved != (int32_t)moved)
		return false;
	disp = (int32_t)moved;
	memcpy(out + insn->rip_disp_offset, &disp, 4);
	return true;
}

/* The instruction at offset at of the patched bytes is at offset pos of the trampoline. */
static void note_moved(struct agent_fn *fn, unsigned at, unsigned pos)
{
	fn->at[fn->ninsn] = (unsigned short)at;
	fn->copied[fn->ninsn] = (unsigned short)pos;
	fn->ninsn++;
}

int agent_build(struct disas *d, uint64_t func, uint64_t fn_size, const unsigned char *code,
		size_t code_len, uint64_t tramp, const unsigned char *head, size_t head_len,
		struct agent_fn *fn, unsigned char out[AGENT_TRAMP_MAX])
{
	return agent_build_with_exit(d, func, fn_size, code, code_len, tramp, head, head_len, NULL,
				     0, fn, out);
}

int agent_build_with_exit(struct disas *d, uint64_t func, uint64_t fn_size,
			  const unsigned char *code, size_t code_len, uint64_t tramp,
			  const unsigned char *head, size_t head_len,
			  const unsigned char *exit_head, size_t exit_len, struct agent_fn *fn,
			  unsigned char out[AGENT_TRAMP_MAX])
{
	unsigned len = 0, pos = (unsigned)head_len;

	memset(fn, 0, sizeof(*fn));
	memset(out, 0xcc, AGENT_TRAMP_MAX);
	if (fn_size == 0) {
		err_set("its symbol gives no size");
		return -1;
	}
	if (fn_size < AGENT_JMP_LEN) {
		err_set("it is %" PRIu64 " byte%s long, shorter than the %u-byte jump", fn_size,
			fn_size == 1 ? "" : "s", AGENT_JMP_LEN);
		return -1;
	}
	if (head_len + exit_len + AGENT_TAIL_MAX > AGENT_TRAMP_MAX) {
		err_set("its trampoline is too long for lurk's page");
		return -1;
	}
	if (head_len)
		memcpy(out, head, head_len);
	while (len < AGENT_JMP_LEN) {
		struct disas_insn insn;
		/* A direct jump is written again as jmp rel32 (5 bytes); the rest keep their size. */
		unsigned size;
		bool jump;

		if (len >= code_len ||
		    !disas_one(d, code + len, code_len - len, func + len, &insn)) {
			err_prefix("its first instructions cannot be decoded");
			return -1;
		}
		if (len + insn.size > fn_size) {
			err_set("its instructions end before the %u-byte jump does", AGENT_JMP_LEN);
			return -1;
		}
		/*
		 * A return runs the same anywhere, and a direct jump (a tail
		 * call) is written again to its target: a function shorter
		 * than the jump is moved whole. A call would return into lurk's
		 * page; other jumps, system calls and what depends on where it
		 * runs from, beyond a pc-relative operand, stay put.
		 */
		jump = insn.is_jump && insn.has_target && !strcmp(insn.mnemonic, "jmp");
		if (!insn.is_ret && !jump &&
		    (insn.is_call || insn.is_jump || insn.is_syscall ||
		     (insn.has_rip_mem && insn.rip_disp_offset < 0))) {
			err_set("its first bytes hold \"%s%s%s\" at +%u, which cannot run "
				"elsewhere",
				insn.mnemonic, insn.operands[0] ? " " : "", insn.operands, len);
			return -1;
		}
		size = jump ? 5 : insn.size;
		if (fn->ninsn == sizeof(fn->at) / sizeof(fn->at[0]) ||
		    pos + size + AGENT_JMP_LEN > head_len + fn->exit_len + AGENT_TAIL_MAX) {
			err_set("its first instructions are too many to move");
			return -1;
		}
		/* A return moved here is recorded here too, once. */
		if (insn.is_ret && exit_head && !fn->exit_len) {
			fn->exit_at = pos;
			fn->exit_len = (unsigned)exit_len;
			fn->exit_ret = fn->ninsn;
			memcpy(out + pos, exit_head, exit_len);
			pos += (unsigned)exit_len;
		}
		if (jump) {
			out[pos] = 0xe9;
			if (!put_rel32(out + pos + 1, tramp + pos + 5, insn.target)) {
				err_set("its jump at +%u cannot reach its target from lurk's page",
					len);
				return -1;
			}
		} else if (!move_insn(&insn, func + len, tramp + pos, out + pos)) {
			err_set("its operand at +%u cannot reach its data from lurk's page", len);
			return -1;
		}
		note_moved(fn, len, pos);
		len += insn.size;
		pos += size;
	}
	/* jmp rel32 back to the first instruction not moved */
	out[pos] = 0xe9;
	if (!put_rel32(out + pos + 1, tramp + pos + AGENT_JMP_LEN, func + len)) {
		err_set("the function is out of reach of lurk's page");
		return -1;
	}
	fn->func = func;
	fn->len = len;
	memcpy(fn->orig, code, len);
	fn->tramp = tramp;
	fn->tramp_len = pos + AGENT_JMP_LEN;
	fn->head_len = (unsigned)head_len;
	return 0;
}

int agent_build_exit(struct disas *d, uint64_t lo, uint64_t site, const unsigned char *code,
		     size_t code_len, unsigned ret_off, uint64_t tramp, const unsigned char *head,
		     size_t head_len, struct agent_fn *fn, unsigned char out[AGENT_TRAMP_MAX])
{
	unsigned len = 0, pos = 0;
	struct disas_insn insn;

	memset(fn, 0, sizeof(*fn));
	memset(out, 0xcc, AGENT_TRAMP_MAX);
	while (len < ret_off) {
		if (!disas_one(d, code + len, code_len - len, site + len, &insn)) {
			err_prefix("its code before a return cannot be decoded");
			return -1;
		}
		/* As at an entry: only what runs the same from lurk's page moves there. */
		if (insn.is_call || insn.is_jump || insn.is_ret || insn.is_syscall ||
		    (insn.has_rip_mem && insn.rip_disp_offset < 0)) {
			err_set("its return at +%" PRIu64 " has too few bytes before it to patch: "
				"\"%s\" at +%" PRIu64 " cannot run elsewhere",
				site + ret_off - lo, insn.mnemonic, site + len - lo);
			return -1;
		}
		if (fn->ninsn + 1 == sizeof(fn->at) / sizeof(fn->at[0]) ||
		    pos + insn.size + head_len + 3 > AGENT_TRAMP_MAX) {
			err_set("too many instructions before its return to move");
			return -1;
		}
		if (!move_insn(&insn, site + len, tramp + pos, out + pos)) {
			err_set("an operand before its return cannot reach its data from lurk's "
				"page");
			return -1;
		}
		note_moved(fn, len, pos);
		len += insn.size;
		pos += insn.size;
	}
	if (len != ret_off || !disas_one(d, code + len, code_len - len, site + len, &insn) ||
	    !insn.is_ret) {
		err_set("no return where one was expected at +%" PRIu64, site + ret_off - lo);
		return -1;
	}
	if (len + insn.size < AGENT_JMP_LEN) {
		err_set("its return at +%" PRIu64 " and the instructions before it are shorter "
			"than the %u-byte jump",
			site + ret_off - lo, AGENT_JMP_LEN);
		return -1;
	}
	fn->head_at = pos;
	memcpy(out + pos, head, head_len);
	pos += (unsigned)head_len;
	/* The return itself, last: it runs the same anywhere. */
	memcpy(out + pos, insn.bytes, insn.size);
	note_moved(fn, len, pos);
	len += insn.size;
	pos += insn.size;
	fn->kind = AGENT_EXIT;
	fn->func = site;
	fn->len = len;
	memcpy(fn->orig, code, len);
	fn->tramp = tramp;
	fn->tramp_len = pos;
	fn->head_len = (unsigned)head_len;
	return 0;
}

int agent_check_jumps(struct disas *d, uint64_t base, const unsigned char *code, size_t size,
		      uint64_t patch, unsigned len)
{
	size_t at = 0;

	while (at < size) {
		struct disas_insn insn;
		unsigned n = disas_one(d, code + at, size - at, base + at, &insn);

		if (!n) {
			err_set("its code at +%zu does not decode (data in the function?)", at);
			return -1;
		}
		if (insn.has_target && insn.target > patch && insn.target < patch + len) {
			if (patch == base)
				err_set("the %s at +%zu lands inside its first %u bytes",
					insn.mnemonic, at, len);
			else
				err_set("the %s at +%zu lands inside the %u bytes replaced at "
					"+%" PRIu64,
					insn.mnemonic, at, len, patch - base);
			return -1;
		}
		at += n;
	}
	return 0;
}

enum agent_place agent_map_back(const struct agent_fn *fn, uint64_t pc, uint64_t *orig_pc,
				uint64_t *resume)
{
	if (pc < fn->tramp || pc >= fn->tramp + fn->tramp_len)
		return AGENT_OUTSIDE;
	if (fn->kind == AGENT_EXIT) {
		/* The moved instructions, the head (on its first byte nothing happened yet), the ret. */
		for (unsigned i = 0; i < fn->ninsn; i++)
			if (pc == fn->tramp + fn->copied[i] ||
			    (i == fn->ninsn - 1 && pc == fn->tramp + fn->head_at)) {
				*orig_pc = fn->func + fn->at[i];
				*resume = pc;
				return AGENT_MAPPED;
			}
		return AGENT_BUSY;
	}
	*orig_pc = fn->func;
	*resume = 0;
	/* At its first instruction nothing has happened yet: the call goes through it again. */
	if (pc == fn->tramp)
		return AGENT_MAPPED;
	if (pc < fn->tramp + fn->head_len) {
		/* A counting head is one instruction; a guard past its trap has the registers back. */
		if (fn->kind == AGENT_COUNT ||
		    (fn->kind == AGENT_GUARD && pc == fn->tramp + fn->trap_at + 1))
			return AGENT_MAPPED;
		return AGENT_BUSY;
	}
	/* The return's head of a moved ret: on its first byte nothing happened yet. */
	if (fn->exit_len && pc >= fn->tramp + fn->exit_at &&
	    pc < fn->tramp + fn->exit_at + fn->exit_len) {
		if (pc != fn->tramp + fn->exit_at)
			return AGENT_BUSY;
		*orig_pc = fn->func + fn->at[fn->exit_ret];
		*resume = pc;
		return AGENT_MAPPED;
	}
	for (unsigned i = 0; i < fn->ninsn; i++)
		if (pc == fn->tramp + fn->copied[i]) {
			*orig_pc = fn->func + fn->at[i];
			*resume = pc;
			return AGENT_MAPPED;
		}
	/* On the jump back (a thread only stops between instructions). */
	*orig_pc = fn->func + fn->len;
	return AGENT_MAPPED;
}

uint64_t agent_record_overhead(enum agent_rec call)
{
	struct agent_ring *ring = mmap(NULL, AGENT_RING_BYTES, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *code = mmap(NULL, AGENT_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const struct agent_slot *slots;
	uint64_t best = 0;
	size_t n;

	if (ring == MAP_FAILED || code == MAP_FAILED)
		goto out;
	/* A call of an empty function, recorded: entry head, exit head, ret. */
	n = agent_record_head((uint64_t)ring, 1, call, code);
	n += agent_record_head((uint64_t)ring, 1, AGENT_REC_RETURN, code + n);
	code[n] = 0xc3;
	slots = (const struct agent_slot *)((const char *)ring + AGENT_RING_HEADER);
	for (int i = 0; i < 2000; i++) {
		uint64_t at = ring->head, d;

		((void (*)(void))code)();
		d = slots[(at + (call == AGENT_REC_CALL_WIDE ? 2 : 1)) & (AGENT_RING_SLOTS - 1)]
			    .w[0] -
		    slots[at & (AGENT_RING_SLOTS - 1)].w[0];
		/* The least: an interrupt or a cache miss in one of them is not the heads' cost. */
		if (!best || d < best)
			best = d;
		ring->tail = ring->head;
	}
out:
	if (ring != MAP_FAILED)
		munmap(ring, AGENT_RING_BYTES);
	if (code != MAP_FAILED)
		munmap(code, AGENT_PAGE);
	return best;
}
