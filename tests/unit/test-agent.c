/* test-agent - the agent's record heads run here, in this process: what they write, what they keep */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "agent.h"
#include "check.h"
#include "disas.h"

/* The registers a head must give back as they were, and the carry flag. */
struct io {
	uint64_t rdi, rsi, rdx, rcx, r8, r9, rax, r11;
	uint8_t cf;
	uint64_t sp;			       /* the stack pointer at the call */
	uint64_t xmm0, xmm1, xmm2, xmm3, xmm4; /* their low 8 bytes at the call */
};

_Static_assert(offsetof(struct io, sp) == 72, "run() stores the stack pointer at 72");
_Static_assert(offsetof(struct io, xmm0) == 80, "run() loads xmm0 from 80");

static const struct io start = { 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0xaaaa, 0xbbbb,
				 0,	 0,	 0x7777, 0x8888, 0x9999, 0xcccc, 0xdddd };

/* Run code (a head and a ret) with start's registers and the carry set; what they were after. */
static struct io run(void *code)
{
	struct io io = start;

	/* Below the red zone: the call's return address must not land on the compiler's data. */
	__asm__ volatile("sub $128, %%rsp\n\t"
			 "mov 0(%%rbx), %%rdi\n\t"
			 "mov 8(%%rbx), %%rsi\n\t"
			 "mov 16(%%rbx), %%rdx\n\t"
			 "mov 24(%%rbx), %%rcx\n\t"
			 "mov 32(%%rbx), %%r8\n\t"
			 "mov 40(%%rbx), %%r9\n\t"
			 "mov 48(%%rbx), %%rax\n\t"
			 "mov 56(%%rbx), %%r11\n\t"
			 "movq 80(%%rbx), %%xmm0\n\t"
			 "movq 88(%%rbx), %%xmm1\n\t"
			 "movq 96(%%rbx), %%xmm2\n\t"
			 "movq 104(%%rbx), %%xmm3\n\t"
			 "movq 112(%%rbx), %%xmm4\n\t"
			 "mov %%rsp, 72(%%rbx)\n\t"
			 "stc\n\t"
			 "call *%[code]\n\t"
			 "setc 64(%%rbx)\n\t"
			 "mov %%rdi, 0(%%rbx)\n\t"
			 "mov %%rsi, 8(%%rbx)\n\t"
			 "mov %%rdx, 16(%%rbx)\n\t"
			 "mov %%rcx, 24(%%rbx)\n\t"
			 "mov %%r8, 32(%%rbx)\n\t"
			 "mov %%r9, 40(%%rbx)\n\t"
			 "mov %%rax, 48(%%rbx)\n\t"
			 "mov %%r11, 56(%%rbx)\n\t"
			 "add $128, %%rsp\n\t"
			 :
			 : "b"(&io), [code] "r"(code)
			 : "rdi", "rsi", "rdx", "rcx", "r8", "r9", "rax", "r11", "xmm0", "xmm1",
			   "xmm2", "xmm3", "xmm4", "memory", "cc");
	return io;
}

static void check_kept(const struct io *io)
{
	CHECK_U64(io->rdi, start.rdi);
	CHECK_U64(io->rsi, start.rsi);
	CHECK_U64(io->rdx, start.rdx);
	CHECK_U64(io->rcx, start.rcx);
	CHECK_U64(io->r8, start.r8);
	CHECK_U64(io->r9, start.r9);
	CHECK_U64(io->rax, start.rax);
	CHECK_U64(io->r11, start.r11);
	CHECK(io->cf == 1);
}

/* The head for what, with id 7, followed by a ret, run; the record in slot at, read back. */
static struct io run_head(struct agent_ring *ring, unsigned char *code, enum agent_rec what)
{
	size_t n = agent_record_head((uint64_t)ring, 7, what, code);

	CHECK(n > 0 && n <= AGENT_RECORD_HEAD);
	code[n] = 0xc3;
	return run(code);
}

static void test_heads(void)
{
	size_t ring_bytes = AGENT_RING_BYTES;
	struct agent_ring *ring =
		mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct agent_slot *slots = (struct agent_slot *)((char *)ring + AGENT_RING_HEADER);
	unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const uint32_t last = AGENT_RING_SLOTS - 1;
	struct agent_record rec;
	struct io io;

	CHECK(ring != MAP_FAILED && code != MAP_FAILED);
	if (ring == MAP_FAILED || code == MAP_FAILED)
		return;
	_Static_assert(sizeof(struct agent_slot) == AGENT_SLOT_BYTES, "a slot is a cache line");
	/* A call: four argument registers, the id, the thread, in slot 0 alone. */
	io = run_head(ring, code, AGENT_REC_CALL);
	check_kept(&io);
	CHECK_U64(ring->head, 1);
	CHECK_U64(slots[0].seq, 1);
	CHECK_U64(slots[0].id, 7);
	CHECK_U64(agent_record_read(&slots[0], &rec), 1);
	CHECK_U64(rec.id, 7);
	CHECK(!rec.wide);
	CHECK_U64(rec.v[0], start.rdi);
	CHECK_U64(rec.v[1], start.rsi);
	CHECK_U64(rec.v[2], start.rdx);
	CHECK_U64(rec.v[3], start.rcx);
	CHECK_U64(rec.v[4], 0);
	CHECK_U64(rec.thread, (uint64_t)__builtin_thread_pointer());
	CHECK(rec.tsc != 0);
	/* The stack pointer in the function: where the call put the return address. */
	CHECK_U64(rec.sp, io.sp - 8);

	/* A return: the value registers, the exit bit, slot 1. */
	io = run_head(ring, code, AGENT_REC_RETURN);
	check_kept(&io);
	CHECK_U64(ring->head, 2);
	CHECK_U64(slots[1].seq, 2);
	CHECK_U64(agent_record_read(&slots[1], &rec), 1);
	CHECK_U64(rec.id, 7 | AGENT_ID_EXIT);
	CHECK_U64(rec.v[0], start.rax);
	CHECK_U64(rec.v[1], start.rdx);
	CHECK_U64(rec.v[2], start.xmm0);
	CHECK_U64(rec.sp, io.sp - 8);
	CHECK(rec.tsc >= slots[0].w[0]);

	/* A wide call: slots 2 and 3, every argument register and five vector registers. */
	io = run_head(ring, code, AGENT_REC_CALL_WIDE);
	check_kept(&io);
	CHECK_U64(ring->head, 4);
	CHECK_U64(slots[2].seq, 3);
	CHECK_U64(slots[3].seq, 4);
	CHECK_U64(slots[3].id, AGENT_ID_MORE);
	CHECK_U64(agent_record_read(&slots[2], &rec), 2);
	CHECK_U64(rec.id, 7);
	CHECK(rec.wide);
	CHECK_U64(rec.v[0], start.rdi);
	CHECK_U64(rec.v[3], start.rcx);
	CHECK_U64(rec.v[4], start.r8);
	CHECK_U64(rec.v[5], start.r9);
	CHECK_U64(rec.v[6], start.xmm0);
	CHECK_U64(rec.v[7], start.xmm1);
	CHECK_U64(rec.v[8], start.xmm2);
	CHECK_U64(rec.v[9], start.xmm3);
	CHECK_U64(rec.v[10], start.xmm4);
	CHECK_U64(rec.sp, io.sp - 8);

	/* Taken at the last slot: its second half goes to the one past it, not to slot 0. */
	ring->tail = ring->head = 3 * (uint64_t)AGENT_RING_SLOTS + last;
	slots[0].seq = 0;
	io = run_head(ring, code, AGENT_REC_CALL_WIDE);
	check_kept(&io);
	CHECK_U64(ring->head, 4 * (uint64_t)AGENT_RING_SLOTS + 1);
	CHECK_U64(slots[last].seq, (uint32_t)(3 * AGENT_RING_SLOTS + last + 1));
	CHECK_U64(slots[AGENT_RING_SLOTS].id, AGENT_ID_MORE);
	CHECK_U64(slots[0].seq, 0);
	CHECK_U64(agent_record_read(&slots[last], &rec), 2);
	CHECK_U64(rec.v[10], start.xmm4);

	/* A full ring: dropped and counted, nothing written, every register kept; each head. */
	for (int what = AGENT_REC_CALL; what <= AGENT_REC_RETURN; what++) {
		unsigned want = what == AGENT_REC_CALL_WIDE ? 2 : 1;

		/* One slot short of what it takes. */
		ring->tail = 5;
		ring->head = 5 + AGENT_RING_SLOTS - (want - 1);
		ring->drops = 0;
		slots[5].seq = slots[6].seq = 0;
		slots[(5 + AGENT_RING_SLOTS - 1) & last].seq = 0;
		io = run_head(ring, code, (enum agent_rec)what);
		check_kept(&io);
		CHECK_U64(ring->head, 5 + AGENT_RING_SLOTS - (want - 1));
		CHECK_U64(ring->drops, 1);
		CHECK_U64(slots[5].seq, 0);
		CHECK_U64(slots[4].seq, 0);
		/* Room again: taken, wrapped around. */
		ring->tail = 5 + want;
		io = run_head(ring, code, (enum agent_rec)what);
		check_kept(&io);
		CHECK_U64(ring->drops, 1);
		CHECK_U64(ring->head, 5 + AGENT_RING_SLOTS + 1);
		if (want == 2)
			CHECK_U64(slots[4].seq, 5 + AGENT_RING_SLOTS);
		else
			CHECK_U64(slots[5].seq, 5 + AGENT_RING_SLOTS + 1);
	}
	munmap(code, 4096);
	munmap(ring, ring_bytes);
}

static void test_exit_trampoline(void)
{
	struct disas *d = disas_new(DISAS_ATT);
	/* imul %eax,%eax; pop %rbp; ret (square's last 5 bytes at -O0) */
	static const unsigned char tail[] = { 0x0f, 0xaf, 0xc0, 0x5d, 0xc3 };
	/* call .+5; leave; ret: the call cannot move */
	static const unsigned char called[] = { 0xe8, 0x00, 0x00, 0x00, 0x00, 0xc9, 0xc3 };
	unsigned char head[AGENT_RECORD_HEAD], out[AGENT_TRAMP_MAX];
	size_t head_len = agent_record_head(0x10000, 1, AGENT_REC_RETURN, head);
	uint64_t site = 0x400000, tramp = 0x401000, orig, resume;
	struct agent_fn fn;

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK(agent_build_exit(d, site - 16, site, tail, sizeof(tail), 4, tramp, head, head_len,
			       &fn, out) == 0);
	CHECK_U64(fn.len, 5);
	CHECK_U64(fn.head_at, 4);
	CHECK(!memcmp(out, tail, 4));
	CHECK(!memcmp(out + 4, head, head_len));
	CHECK_U64(out[4 + head_len], 0xc3);
	CHECK_U64(fn.tramp_len, 4 + head_len + 1);
	/* Where a thread stopped in it stands in the program's code, and where it goes on. */
	CHECK(agent_map_back(&fn, tramp, &orig, &resume) == AGENT_MAPPED);
	CHECK_U64(orig, site);
	CHECK(agent_map_back(&fn, tramp + 3, &orig, &resume) == AGENT_MAPPED);
	CHECK_U64(orig, site + 3);
	CHECK_U64(resume, tramp + 3);
	CHECK(agent_map_back(&fn, tramp + 4, &orig, &resume) == AGENT_MAPPED);
	CHECK_U64(orig, site + 4);
	CHECK(agent_map_back(&fn, tramp + 20, &orig, &resume) == AGENT_BUSY);
	CHECK(agent_map_back(&fn, tramp + 4 + head_len, &orig, &resume) == AGENT_MAPPED);
	CHECK_U64(orig, site + 4);
	CHECK(agent_map_back(&fn, tramp + 4096, &orig, &resume) == AGENT_OUTSIDE);
	/* A call right before the return: too few movable bytes. */
	CHECK(agent_build_exit(d, site, site, called, sizeof(called), 6, tramp, head, head_len, &fn,
			       out) < 0);
	/* The return alone is shorter than the jump. */
	CHECK(agent_build_exit(d, site, site + 5, called + 5, 2, 1, tramp, head, head_len, &fn,
			       out) < 0);
	disas_free(d);
}

/* A function shorter than the jump with its ret, moved whole: the return is recorded in the entry's trampoline. */
static void test_moved_ret(void)
{
	struct disas *d = disas_new(DISAS_ATT);
	static const unsigned char work[] = { 0x8d, 0x44, 0x7f, 0x01,
					      0xc3 }; /* lea 1(%rdi,%rdi,2),%eax; ret */
	unsigned char head[AGENT_RECORD_HEAD], exit_head[AGENT_RECORD_HEAD], out[AGENT_TRAMP_MAX];
	size_t head_len = agent_record_head(0x10000, 1, AGENT_REC_CALL, head);
	size_t exit_len = agent_record_head(0x10000, 1, AGENT_REC_RETURN, exit_head);
	uint64_t func = 0x400000, tramp = 0x401000, orig, resume;
	struct agent_fn fn;

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK(agent_build_with_exit(d, func, sizeof(work), work, sizeof(work), tramp, head,
				    head_len, exit_head, exit_len, &fn, out) == 0);
	CHECK_U64(fn.len, 5);
	CHECK_U64(fn.exit_at, head_len + 4);
	CHECK_U64(fn.exit_len, exit_len);
	CHECK(!memcmp(out, head, head_len));
	CHECK(!memcmp(out + head_len, work, 4));
	CHECK(!memcmp(out + head_len + 4, exit_head, exit_len));
	CHECK_U64(out[head_len + 4 + exit_len], 0xc3);
	CHECK(agent_map_back(&fn, tramp + head_len + 4, &orig, &resume) == AGENT_MAPPED);
	CHECK_U64(orig, func + 4);
	CHECK_U64(resume, tramp + head_len + 4);
	CHECK(agent_map_back(&fn, tramp + head_len + 10, &orig, &resume) == AGENT_BUSY);
	CHECK(agent_map_back(&fn, tramp + head_len + 4 + exit_len, &orig, &resume) == AGENT_MAPPED);
	CHECK_U64(orig, func + 4);
	disas_free(d);
}

/* The heads' own cost, measured by running them here: tens or hundreds of ticks, not zero. */
static void test_overhead(void)
{
	uint64_t ticks = agent_record_overhead(AGENT_REC_CALL);
	uint64_t wide = agent_record_overhead(AGENT_REC_CALL_WIDE);

	CHECK(ticks > 0);
	CHECK(ticks < 1000000);
	CHECK(wide > 0);
	CHECK(wide < 1000000);
}

int main(void)
{
	test_heads();
	test_exit_trampoline();
	test_moved_ret();
	test_overhead();
	return check_failures ? 1 : 0;
}
