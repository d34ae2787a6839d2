/* test-disas.c - instruction facts the engine relies on: size, calls, jumps, pc-relative operands */
#include "check.h"
#include "disas.h"
#include "err.h"

int main(void)
{
	struct disas *d = disas_new(DISAS_ATT);
	struct disas_insn in;

	CHECK(d != NULL);
	if (!d)
		return 1;

	/* call rel32 at 0x1000 to 0x1005+0x10 */
	static const unsigned char call[] = { 0xe8, 0x10, 0x00, 0x00, 0x00 };
	CHECK_U64(disas_one(d, call, sizeof(call), 0x1000, &in), 5);
	CHECK(in.is_call && !in.is_jump && in.has_target);
	CHECK_U64(in.target, 0x1015);
	CHECK_STR(in.mnemonic, "callq");

	/* jmp *0x2fe2(%rip): a PLT entry; the slot is at next pc + disp */
	static const unsigned char plt_jmp[] = { 0xff, 0x25, 0xe2, 0x2f, 0x00, 0x00 };
	CHECK_U64(disas_one(d, plt_jmp, sizeof(plt_jmp), 0x1020, &in), 6);
	CHECK(in.is_jump && !in.has_target && in.has_rip_mem);
	CHECK_U64(in.rip_mem, 0x1026 + 0x2fe2);
	CHECK(in.rip_disp_offset == 2);

	/* lea 0x2dc9(%rip),%rax: displacement after REX, opcode and ModRM */
	static const unsigned char lea[] = { 0x48, 0x8d, 0x05, 0xc9, 0x2d, 0x00, 0x00 };
	CHECK_U64(disas_one(d, lea, sizeof(lea), 0x4000, &in), 7);
	CHECK(!in.is_call && !in.is_jump && in.has_rip_mem);
	CHECK_U64(in.rip_mem, 0x4007 + 0x2dc9);
	CHECK(in.rip_disp_offset == 3);
	CHECK_STR(in.operands, "0x2dc9(%rip), %rax");

	/* jne rel8 backwards */
	static const unsigned char jne[] = { 0x75, 0xf0 };
	CHECK_U64(disas_one(d, jne, sizeof(jne), 0x5000, &in), 2);
	CHECK(in.is_jump && in.has_target);
	CHECK_U64(in.target, 0x5002 - 0x10);

	static const unsigned char push_rbp[] = { 0x55 };
	CHECK_U64(disas_one(d, push_rbp, 1, 0x5100, &in), 1);
	CHECK(in.writes_sp);
	static const unsigned char sub_rsp[] = { 0x48, 0x83, 0xec, 0x10 };
	CHECK_U64(disas_one(d, sub_rsp, sizeof(sub_rsp), 0x5100, &in), 4);
	CHECK(in.writes_sp);
	static const unsigned char mov_eax[] = { 0xb8, 0x22, 0x00, 0x00, 0x00 };
	CHECK_U64(disas_one(d, mov_eax, sizeof(mov_eax), 0x5100, &in), 5);
	CHECK(!in.writes_sp);

	static const unsigned char ret[] = { 0xc3 };
	CHECK_U64(disas_one(d, ret, sizeof(ret), 0x6000, &in), 1);
	CHECK(in.is_ret && !in.is_jump);

	static const unsigned char sys[] = { 0x0f, 0x05 };
	CHECK_U64(disas_one(d, sys, sizeof(sys), 0x7000, &in), 2);
	CHECK(in.is_syscall);

	/* 0x06 (push %es) does not exist in 64-bit mode; a cut instruction is not one either. */
	static const unsigned char bad[] = { 0x06 };
	CHECK_U64(disas_one(d, bad, sizeof(bad), 0x8000, &in), 0);
	CHECK_CONTAINS(err_get(), "0x8000");
	CHECK_U64(disas_one(d, lea, 3, 0x8000, &in), 0);

	CHECK(disas_set_syntax(d, DISAS_INTEL) == 0);
	CHECK_U64(disas_one(d, lea, sizeof(lea), 0x4000, &in), 7);
	CHECK_STR(in.mnemonic, "lea");
	CHECK_STR(in.operands, "rax, [rip + 0x2dc9]");

	disas_free(d);
	CHECK_DONE();
}
