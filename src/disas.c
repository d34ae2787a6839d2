/* disas.c - decode machine instructions with Capstone; the only file that includes capstone.h */
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disas.h"
#include "err.h"
#include "util.h"

/* The library the headers describe: Capstone 4 is libcapstone.so.4. */
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define CAPSTONE_SONAME "libcapstone.so." STR(CS_API_MAJOR)

/*
 * Capstone is loaded on first use, not linked: its tables need some 80,000
 * relocations and 3 MB of touched pages at every start of lurk, and most
 * sessions (attach, backtrace, leave) never decode an instruction.
 */
static struct {
	bool tried, loaded;
	cs_err (*open)(cs_arch arch, cs_mode mode, csh *handle);
	cs_err (*close)(csh *handle);
	cs_err (*option)(csh handle, cs_opt_type type, size_t value);
	cs_insn *(*malloc)(csh handle);
	void (*free)(cs_insn *insn, size_t count);
	bool (*disasm_iter)(csh handle, const uint8_t **code, size_t *size, uint64_t *address,
			    cs_insn *insn);
	bool (*insn_group)(csh handle, const cs_insn *insn, unsigned int group_id);
	cs_err (*regs_access)(csh handle, const cs_insn *insn, cs_regs regs_read,
			      uint8_t *regs_read_count, cs_regs regs_write,
			      uint8_t *regs_write_count);
} cs;

#define LOAD(field, name)                                               \
	do {                                                            \
		*(void **)&cs.field = dlsym(lib, name);                 \
		if (!cs.field) {                                        \
			err_set("%s has no %s", CAPSTONE_SONAME, name); \
			return false;                                   \
		}                                                       \
	} while (0)

static bool load_capstone(void)
{
	void *lib;

	if (cs.tried) {
		if (!cs.loaded)
			err_set("the Capstone library (%s) could not be loaded", CAPSTONE_SONAME);
		return cs.loaded;
	}
	cs.tried = true;
	lib = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		err_set("cannot load the Capstone library: %s (Debian: apt-get install "
			"libcapstone4)",
			dlerror());
		return false;
	}
	LOAD(open, "cs_open");
	LOAD(close, "cs_close");
	LOAD(option, "cs_option");
	LOAD(malloc, "cs_malloc");
	LOAD(free, "cs_free");
	LOAD(disasm_iter, "cs_disasm_iter");
	LOAD(insn_group, "cs_insn_group");
	LOAD(regs_access, "cs_regs_access");
	cs.loaded = true;
	return true;
}

struct disas {
	csh handle;
	cs_insn *insn; /* Capstone's buffer for one instruction, reused */
};

struct disas *disas_new(enum disas_syntax syntax)
{
	struct disas *d;

	if (!load_capstone())
		return NULL;
	d = xcalloc(1, sizeof(*d));
	if (cs.open(CS_ARCH_X86, CS_MODE_64, &d->handle) != CS_ERR_OK) {
		err_set("cannot open the Capstone x86-64 decoder");
		free(d);
		return NULL;
	}
	/* Details give the operands and groups the engine needs (call, jump, rip+disp). */
	cs.option(d->handle, CS_OPT_DETAIL, CS_OPT_ON);
	d->insn = cs.malloc(d->handle);
	if (disas_set_syntax(d, syntax) != 0) {
		disas_free(d);
		return NULL;
	}
	return d;
}

void disas_free(struct disas *d)
{
	if (!d)
		return;
	if (d->insn)
		cs.free(d->insn, 1);
	cs.close(&d->handle);
	free(d);
}

int disas_set_syntax(struct disas *d, enum disas_syntax syntax)
{
	cs_opt_value v = syntax == DISAS_ATT ? CS_OPT_SYNTAX_ATT : CS_OPT_SYNTAX_INTEL;

	if (cs.option(d->handle, CS_OPT_SYNTAX, v) != CS_ERR_OK) {
		err_set("the Capstone decoder does not support %s syntax",
			syntax == DISAS_ATT ? "AT&T" : "Intel");
		return -1;
	}
	return 0;
}

static bool in_group(csh h, const cs_insn *insn, int group)
{
	return cs.insn_group(h, insn, (uint8_t)group);
}

/* Operand facts: a direct branch target and a pc-relative memory operand. */
static void read_operands(const cs_insn *insn, struct disas_insn *out)
{
	const cs_x86 *x = &insn->detail->x86;

	for (unsigned i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];

		if (op->type == X86_OP_IMM && (out->is_call || out->is_jump)) {
			out->has_target = true;
			out->target = (uint64_t)op->imm;
		} else if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP &&
			   op->mem.index == X86_REG_INVALID) {
			out->has_rip_mem = true;
			out->rip_mem = insn->address + insn->size + (uint64_t)op->mem.disp;
		}
		/* lea and the long nops name memory they never touch. */
		if (op->type == X86_OP_MEM && op->size > out->mem_size && insn->id != X86_INS_LEA &&
		    insn->id != X86_INS_NOP)
			out->mem_size = op->size;
	}
	/* Implicit stack accesses have no memory operand. */
	if (!out->mem_size && (out->is_call || out->is_ret || out->writes_sp))
		out->mem_size = 8;
	/* Where the displacement is encoded, for callers that relocate the instruction. */
	out->rip_disp_offset = -1;
	if (out->has_rip_mem && x->encoding.disp_offset > 0 && x->encoding.disp_size == 4)
		out->rip_disp_offset = x->encoding.disp_offset;
}

/* The 64-bit general register whose low bytes reg is; NULL for ah..dh and the rest. */
static const char *gpr64(unsigned reg)
{
	static const struct {
		unsigned r[4];
		const char *name;
	} gprs[] = {
		{ { X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL }, "rax" },
		{ { X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL }, "rbx" },
		{ { X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL }, "rcx" },
		{ { X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL }, "rdx" },
		{ { X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL }, "rsi" },
		{ { X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL }, "rdi" },
		{ { X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL }, "rbp" },
		{ { X86_REG_RSP, X86_REG_ESP, X86_REG_SP, X86_REG_SPL }, "rsp" },
		{ { X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B }, "r8" },
		{ { X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B }, "r9" },
		{ { X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B }, "r10" },
		{ { X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B }, "r11" },
		{ { X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B }, "r12" },
		{ { X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B }, "r13" },
		{ { X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B }, "r14" },
		{ { X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B }, "r15" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(gprs); i++)
		for (int k = 0; k < 4; k++)
			if (gprs[i].r[k] == reg)
				return gprs[i].name;
	return NULL;
}

/* mov MEM, REG|IMM of 1 to 8 bytes: a software watchpoint can make its write itself. */
static void read_store(const cs_insn *insn, struct disas_insn *out)
{
	const cs_x86 *x = &insn->detail->x86;
	const cs_x86_op *dst, *src;

	if (insn->id != X86_INS_MOV || x->op_count != 2)
		return;
	/* Operands come in the syntax's order (AT&T: source first): the written one is the memory. */
	dst = x->operands[0].type == X86_OP_MEM ? &x->operands[0] : &x->operands[1];
	src = dst == &x->operands[0] ? &x->operands[1] : &x->operands[0];
	if (dst->type != X86_OP_MEM || !(dst->access & CS_AC_WRITE) || dst->size < 1 ||
	    dst->size > 8)
		return;
	if (src->type == X86_OP_IMM)
		out->store_imm = (uint64_t)src->imm;
	else if (src->type == X86_OP_REG && gpr64(src->reg))
		out->store_reg = gpr64(src->reg);
	else
		return;
	out->plain_store = true;
	out->store_size = dst->size;
}

static bool writes_stack_pointer(csh h, const cs_insn *insn)
{
	cs_regs read, written;
	uint8_t nread, nwritten;

	if (cs.regs_access(h, insn, read, &nread, written, &nwritten) != CS_ERR_OK)
		return true; /* unknown: assume it does, the cautious answer for the unwinder */
	for (uint8_t i = 0; i < nwritten; i++)
		if (written[i] == X86_REG_RSP || written[i] == X86_REG_ESP ||
		    written[i] == X86_REG_SP)
			return true;
	return false;
}

unsigned disas_one(struct disas *d, const unsigned char *buf, size_t len, uint64_t addr,
		   struct disas_insn *out)
{
	const uint8_t *code = buf;
	size_t left = len;
	uint64_t at = addr;

	memset(out, 0, sizeof(*out));
	out->addr = addr;
	out->rip_disp_offset = -1;
	if (!cs.disasm_iter(d->handle, &code, &left, &at, d->insn)) {
		err_set("no valid instruction at 0x%" PRIx64, addr);
		return 0;
	}
	cs_insn *insn = d->insn;
	out->size = insn->size;
	memcpy(out->bytes, insn->bytes,
	       insn->size < sizeof(out->bytes) ? insn->size : sizeof(out->bytes));
	snprintf(out->mnemonic, sizeof(out->mnemonic), "%s", insn->mnemonic);
	snprintf(out->operands, sizeof(out->operands), "%s", insn->op_str);
	out->is_call = in_group(d->handle, insn, CS_GRP_CALL);
	out->is_jump = in_group(d->handle, insn, CS_GRP_JUMP);
	out->is_ret =
		in_group(d->handle, insn, CS_GRP_RET) || in_group(d->handle, insn, CS_GRP_IRET);
	out->is_syscall = insn->id == X86_INS_SYSCALL || insn->id == X86_INS_SYSENTER;
	out->writes_sp = writes_stack_pointer(d->handle, insn);
	read_operands(insn, out);
	read_store(insn, out);
	return out->size;
}
