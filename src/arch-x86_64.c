/* arch-x86_64.c - x86_64 facts: registers, DWARF numbers, int3, syscall and C call conventions */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/user.h>

#include "regs.h"
#include "syscall-names.h"
#include "util.h"

#define R(n, dw, gen)                                                       \
	{                                                                   \
#n, 8, offsetof(struct user_regs_struct, n), dw, gen, false \
	}

/* DWARF numbers from the System V x86_64 psABI, figure 3.36. */
static const struct arch_reg x86_64_regs[] = {
	R(rax, 0, true),
	R(rbx, 3, true),
	R(rcx, 2, true),
	R(rdx, 1, true),
	R(rsi, 4, true),
	R(rdi, 5, true),
	R(rbp, 6, true),
	R(rsp, 7, true),
	R(r8, 8, true),
	R(r9, 9, true),
	R(r10, 10, true),
	R(r11, 11, true),
	R(r12, 12, true),
	R(r13, 13, true),
	R(r14, 14, true),
	R(r15, 15, true),
	R(rip, 16, true),
	{ "eflags", 8, offsetof(struct user_regs_struct, eflags), 49, true, true },
	R(cs, 51, true),
	R(ss, 52, true),
	R(ds, 53, true),
	R(es, 50, true),
	R(fs, 54, true),
	R(gs, 55, true),
	R(fs_base, 58, true),
	R(gs_base, 59, true),
	R(orig_rax, -1, false),
};

static const struct arch_reg *x86_64_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(x86_64_regs); i++)
		if (strcmp(x86_64_regs[i].name, name) == 0)
			return &x86_64_regs[i];
	return NULL;
}

static const struct arch_reg *x86_64_alias(const char *name)
{
	if (strcmp(name, "pc") == 0)
		return x86_64_find("rip");
	if (strcmp(name, "sp") == 0)
		return x86_64_find("rsp");
	if (strcmp(name, "fp") == 0)
		return x86_64_find("rbp");
	return NULL;
}

/*
 * orig_rax holds the syscall number while a thread is inside a syscall or
 * was interrupted in one (it is -1 in user code). When PTRACE_INTERRUPT
 * stops a thread sleeping in the kernel, rax holds -ERESTARTSYS & co, and
 * the syscall restarts on resume, so the number is still meaningful.
 */
static int64_t x86_64_syscall_nr(const struct regs *r)
{
	const struct user_regs_struct *u = (const void *)r->raw;

	return (int64_t)u->orig_rax;
}

static const char *x86_64_syscall_name(int64_t nr)
{
	if (nr < 0 || (uint64_t)nr >= ARRAY_SIZE(syscall_names) || !syscall_names[nr])
		return NULL;
	return syscall_names[nr];
}

static void x86_64_flags_str(uint64_t v, char *buf, size_t len)
{
	static const struct {
		int bit;
		const char *name;
	} flags[] = {
		{ 0, "CF" }, { 2, "PF" },  { 4, "AF" },	 { 6, "ZF" },  { 7, "SF" },  { 8, "TF" },
		{ 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 16, "RF" }, { 18, "AC" }, { 21, "ID" },
	};
	size_t used = (size_t)snprintf(buf, len, "[");

	for (size_t i = 0; i < ARRAY_SIZE(flags) && used < len; i++)
		if (v & (1ull << flags[i].bit))
			used += (size_t)snprintf(buf + used, len - used, " %s", flags[i].name);
	if (used < len)
		snprintf(buf + used, len - used, " ]");
}

static const unsigned char int3[] = { 0xcc };
static const unsigned char syscall_insn[] = { 0x0f, 0x05 };

/* Linux's system call convention, and the System V AMD64 ABI's for functions. */
static const char *const sys_arg_names[6] = { "rdi", "rsi", "rdx", "r10", "r8", "r9" };
static const char *const call_arg_names[] = { "rdi", "rsi", "rdx", "rcx", "r8", "r9" };

/*
 * push %rbp, then mov %rsp,%rbp (either encoding), after an endbr64 if the
 * function starts with one (CET). A push alone saves rbp as any other
 * callee-saved register and sets up no frame.
 */
static bool x86_64_sets_up_frame(const unsigned char *code, size_t len)
{
	static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const unsigned char mov1[] = { 0x48, 0x89, 0xe5 }, mov2[] = { 0x48, 0x8b, 0xec };
	size_t at = len >= sizeof(endbr64) && !memcmp(code, endbr64, sizeof(endbr64))
			    ? sizeof(endbr64)
			    : 0;

	return at + 4 <= len && code[at] == 0x55 &&
	       (!memcmp(code + at + 1, mov1, 3) || !memcmp(code + at + 1, mov2, 3));
}

static struct arch x86_64_arch = {
	.name = "x86_64",
	.regs = x86_64_regs,
	.nregs = ARRAY_SIZE(x86_64_regs),
	.alias = x86_64_alias,
	.trap = int3,
	.trap_len = 1,
	.trap_pc_adjust = 1,
	.syscall_insn = syscall_insn,
	.syscall_insn_len = sizeof(syscall_insn),
	.ncall_args = ARRAY_SIZE(call_arg_names),
	.ndwarf = 17,
	/* rbx 3, rbp 6, rsp 7, r12-r15 12-15, rip 16 (System V AMD64 ABI) */
	.preserved_dwarf = 1u << 3 | 1u << 6 | 1u << 7 | 0xfu << 12 | 1u << 16,
	/* xmm0-15 are 17-32 in the ABI's DWARF numbering; a call saves none of them. */
	.vector_dwarf = 17,
	.nvector = 16,
	.vector_name = "xmm",
	.syscall_nr = x86_64_syscall_nr,
	.syscall_name = x86_64_syscall_name,
	.flags_str = x86_64_flags_str,
	.sets_up_frame = x86_64_sets_up_frame,
};

const struct arch *arch_host(void)
{
	if (!x86_64_arch.pc) {
		x86_64_arch.pc = x86_64_find("rip");
		x86_64_arch.sp = x86_64_find("rsp");
		x86_64_arch.fp = x86_64_find("rbp");
		x86_64_arch.sys_nr = x86_64_find("rax");
		x86_64_arch.sys_stop_nr = x86_64_find("orig_rax");
		x86_64_arch.sys_ret = x86_64_find("rax");
		x86_64_arch.call_ret = x86_64_find("rax");
		x86_64_arch.call_ret2 = x86_64_find("rdx");
		for (size_t i = 0; i < ARRAY_SIZE(sys_arg_names); i++)
			x86_64_arch.sys_args[i] = x86_64_find(sys_arg_names[i]);
		for (size_t i = 0; i < ARRAY_SIZE(call_arg_names); i++)
			x86_64_arch.call_args[i] = x86_64_find(call_arg_names[i]);
	}
	return &x86_64_arch;
}
