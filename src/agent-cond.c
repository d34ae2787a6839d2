/* agent-cond.c - a breakpoint condition compiled to x86-64 code for the guard's trampoline */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "agent-cond.h"
#include "err.h"
#include "expr.h"
#include "scopes.h"
#include "sym.h"

/* The original %rsp, from %rbx: above the sixteen saved registers, the flags and the red zone. */
#define RSP_FROM_RBX (16 * 8 + 8 + 128)
#define DWARF_RSP    7
#define DWARF_RBP    6
#define NR_VM_READV  310

/* A value's type as the code sees it: C's integers (in %rax extended to 64 bits), pointers, structs. */
struct ctype {
	enum { CT_INT, CT_PTR, CT_STRUCT, CT_ARRAY, CT_VOID } kind;
	unsigned size;
	bool is_signed;
	bool has_die;
	/* CT_PTR: what it points to (has_die false: void); CT_STRUCT: the struct; CT_ARRAY: an element */
	Dwarf_Die die;
	/* CT_PTR without a DIE, made by a cast such as (int *)p: an integer of this size */
	unsigned to_int_size;
	bool to_int_signed;
	uint64_t count; /* CT_ARRAY: elements, 0 when not known */
};

/* Where a compiled operand is: its value in %rax, its address in %rax, or a saved register. */
struct operand {
	enum { OP_VALUE, OP_MEM, OP_REG } kind;
	bool trusted; /* OP_MEM: memory that is surely mapped (the stack, the module's data) */
	int reg;      /* OP_REG: DWARF register number */
	struct ctype type;
};

struct cc {
	struct sym *sym;
	uint64_t pc;
	pid_t pid;
	Dwarf_Die cu;
	Dwarf_Addr bias;
	Dwarf_Die *scopes;
	int nscopes;
	uint64_t mod_start, mod_end; /* the module of the breakpoint: its globals are trusted */
	bool at_entry; /* pc is a function's first instruction: its arguments are where the ABI says */
	unsigned char *out;
	size_t cap, len;
	bool full;
	/* Where a failed safe read jumps: patched to the "judge it in lurk" exit at the end. */
	size_t fail_jumps[64];
	size_t nfail;
};

static void emit(struct cc *c, const void *bytes, size_t n)
{
	if (c->len + n > c->cap) {
		c->full = true;
		return;
	}
	memcpy(c->out + c->len, bytes, n);
	c->len += n;
}

#define EMIT(c, ...)                                               \
	do {                                                       \
		static const unsigned char b_[] = { __VA_ARGS__ }; \
		emit((c), b_, sizeof(b_));                         \
	} while (0)

static void emit32(struct cc *c, uint32_t v)
{
	emit(c, &v, 4);
}

/* A forward jump's rel32 placeholder: its offset, to patch with land(). */
static size_t jump_slot(struct cc *c)
{
	size_t at = c->len;

	emit32(c, 0);
	return at;
}

static void land(struct cc *c, size_t slot)
{
	int32_t rel = (int32_t)(c->len - (slot + 4));

	if (!c->full)
		memcpy(c->out + slot, &rel, 4);
}

static void mov_imm(struct cc *c, uint64_t v)
{
	EMIT(c, 0x48, 0xb8); /* movabs $v,%rax */
	emit(c, &v, 8);
}

/* %rax = the saved register (DWARF number). */
static void load_saved(struct cc *c, int reg)
{
	if (reg == DWARF_RSP) {
		EMIT(c, 0x48, 0x8d, 0x83); /* lea RSP_FROM_RBX(%rbx),%rax */
		emit32(c, RSP_FROM_RBX);
		return;
	}
	EMIT(c, 0x48, 0x8b, 0x83); /* mov disp32(%rbx),%rax */
	emit32(c, (uint32_t)(reg * 8));
}

static void add_imm(struct cc *c, int64_t k)
{
	if (!k)
		return;
	EMIT(c, 0x48, 0x8d, 0x80); /* lea disp32(%rax),%rax */
	emit32(c, (uint32_t)(int32_t)k);
}

/* %rax holds a value of some width: extend it to 64 bits as its type says. */
static void normalize(struct cc *c, unsigned size, bool is_signed)
{
	switch (size) {
	case 1:
		if (is_signed)
			EMIT(c, 0x48, 0x0f, 0xbe, 0xc0); /* movsbq %al,%rax */
		else
			EMIT(c, 0x0f, 0xb6, 0xc0); /* movzbl %al,%eax */
		break;
	case 2:
		if (is_signed)
			EMIT(c, 0x48, 0x0f, 0xbf, 0xc0); /* movswq %ax,%rax */
		else
			EMIT(c, 0x0f, 0xb7, 0xc0); /* movzwl %ax,%eax */
		break;
	case 4:
		if (is_signed)
			EMIT(c, 0x48, 0x63, 0xc0); /* movslq %eax,%rax */
		else
			EMIT(c, 0x89, 0xc0); /* mov %eax,%eax */
		break;
	default:
		break;
	}
}

/* %rax = the size bytes at (%rax), extended. */
static void load_at_rax(struct cc *c, unsigned size, bool is_signed)
{
	switch (size) {
	case 1:
		if (is_signed)
			EMIT(c, 0x48, 0x0f, 0xbe, 0x00); /* movsbq (%rax),%rax */
		else
			EMIT(c, 0x0f, 0xb6, 0x00); /* movzbl (%rax),%eax */
		break;
	case 2:
		if (is_signed)
			EMIT(c, 0x48, 0x0f, 0xbf, 0x00); /* movswq (%rax),%rax */
		else
			EMIT(c, 0x0f, 0xb7, 0x00); /* movzwl (%rax),%eax */
		break;
	case 4:
		if (is_signed)
			EMIT(c, 0x48, 0x63, 0x00); /* movslq (%rax),%rax */
		else
			EMIT(c, 0x8b, 0x00); /* mov (%rax),%eax */
		break;
	default:
		EMIT(c, 0x48, 0x8b, 0x00); /* mov (%rax),%rax */
		break;
	}
}

/*
 * The size bytes at the address in %rax, read with process_vm_readv on the
 * program itself: a bad address fails the call instead of faulting, and
 * the condition then goes to lurk.
 */
static void safe_read(struct cc *c, unsigned size, bool is_signed)
{
	EMIT(c, 0x48, 0x83, 0xec, 0x30);       /* sub $48,%rsp */
	EMIT(c, 0x48, 0x8d, 0x4c, 0x24, 0x20); /* lea 32(%rsp),%rcx: the buffer */
	EMIT(c, 0x48, 0x89, 0x0c, 0x24);       /* mov %rcx,(%rsp): local iov_base */
	EMIT(c, 0x48, 0xc7, 0x44, 0x24, 0x08); /* movq $size,8(%rsp) */
	emit32(c, size);
	EMIT(c, 0x48, 0x89, 0x44, 0x24, 0x10); /* mov %rax,16(%rsp): remote iov_base */
	EMIT(c, 0x48, 0xc7, 0x44, 0x24, 0x18); /* movq $size,24(%rsp) */
	emit32(c, size);
	EMIT(c, 0xb8); /* mov $NR,%eax */
	emit32(c, NR_VM_READV);
	EMIT(c, 0xbf); /* mov $pid,%edi */
	emit32(c, (uint32_t)c->pid);
	EMIT(c, 0x48, 0x89, 0xe6);		     /* mov %rsp,%rsi */
	EMIT(c, 0xba, 0x01, 0x00, 0x00, 0x00);	     /* mov $1,%edx */
	EMIT(c, 0x4c, 0x8d, 0x54, 0x24, 0x10);	     /* lea 16(%rsp),%r10 */
	EMIT(c, 0x41, 0xb8, 0x01, 0x00, 0x00, 0x00); /* mov $1,%r8d */
	EMIT(c, 0x45, 0x31, 0xc9);		     /* xor %r9d,%r9d */
	EMIT(c, 0x0f, 0x05);			     /* syscall */
	{
		unsigned char cmp[] = { 0x48, 0x83, 0xf8,
					(unsigned char)size }; /* cmp $size,%rax */

		emit(c, cmp, sizeof(cmp));
	}
	EMIT(c, 0x0f, 0x85); /* jne the exit to lurk */
	if (c->nfail == sizeof(c->fail_jumps) / sizeof(c->fail_jumps[0]))
		c->full = true;
	else
		c->fail_jumps[c->nfail++] = jump_slot(c);
	EMIT(c, 0x48, 0x8d, 0x44, 0x24, 0x20); /* lea 32(%rsp),%rax */
	load_at_rax(c, size, is_signed);
	EMIT(c, 0x48, 0x83, 0xc4, 0x30); /* add $48,%rsp */
}

/* ---- types ---------------------------------------------------------------- */

static int die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, out) ? 0
											     : -1;
}

static int ctype_of(Dwarf_Die *type_die, bool has_die, struct ctype *out)
{
	Dwarf_Die die, next;
	Dwarf_Attribute attr;
	Dwarf_Word enc = 0, size = 0;

	/* type_die may be out's own (what a pointer points to): copied before out is cleared. */
	if (has_die)
		die = *type_die;
	memset(out, 0, sizeof(*out));
	if (!has_die) {
		out->kind = CT_VOID;
		return 0;
	}
	for (;;) {
		int tag = dwarf_tag(&die);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			break;
		if (die_type(&die, &next) < 0) {
			out->kind = CT_VOID;
			return 0;
		}
		die = next;
	}
	if (dwarf_attr_integrate(&die, DW_AT_byte_size, &attr))
		dwarf_formudata(&attr, &size);
	switch (dwarf_tag(&die)) {
	case DW_TAG_pointer_type:
		out->kind = CT_PTR;
		out->size = 8;
		out->has_die = die_type(&die, &out->die) == 0;
		return 0;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		out->kind = CT_STRUCT;
		out->size = (unsigned)size;
		out->die = die;
		out->has_die = true;
		return 0;
	case DW_TAG_array_type: {
		Dwarf_Die sub;
		Dwarf_Word n = 0;

		/* One dimension: m[i][j] would need the rows' size; left to lurk. */
		if (dwarf_child(&die, &sub) != 0 || dwarf_tag(&sub) != DW_TAG_subrange_type ||
		    dwarf_siblingof(&sub, &next) == 0 || die_type(&die, &out->die) < 0) {
			err_set("an array of more than one dimension");
			return -1;
		}
		if (dwarf_attr_integrate(&sub, DW_AT_count, &attr) &&
		    dwarf_formudata(&attr, &n) == 0)
			out->count = n;
		else if (dwarf_attr_integrate(&sub, DW_AT_upper_bound, &attr) &&
			 dwarf_formudata(&attr, &n) == 0)
			out->count = n + 1;
		out->kind = CT_ARRAY;
		out->has_die = true;
		return 0;
	}
	case DW_TAG_enumeration_type:
		out->kind = CT_INT;
		out->size = (unsigned)size;
		/* Its underlying type says the signedness; without one, gcc's enums are unsigned. */
		if (die_type(&die, &next) == 0) {
			struct ctype under;

			if (ctype_of(&next, true, &under) == 0 && under.kind == CT_INT)
				out->is_signed = under.is_signed;
		}
		break;
	case DW_TAG_base_type:
		if (dwarf_attr_integrate(&die, DW_AT_encoding, &attr))
			dwarf_formudata(&attr, &enc);
		if (enc != DW_ATE_signed && enc != DW_ATE_signed_char && enc != DW_ATE_unsigned &&
		    enc != DW_ATE_unsigned_char && enc != DW_ATE_boolean) {
			err_set("its type %s is not an integer", dwarf_diename(&die) ?: "?");
			return -1;
		}
		out->kind = CT_INT;
		out->size = (unsigned)size;
		out->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		break;
	default:
		err_set("its type is not an integer, a pointer or a struct");
		return -1;
	}
	if (out->size != 1 && out->size != 2 && out->size != 4 && out->size != 8) {
		err_set("an integer of %u bytes", out->size);
		return -1;
	}
	return 0;
}

/* The bytes of what a pointer or an array leads to: 0 when not known. */
static uint64_t element_size(const struct ctype *t)
{
	Dwarf_Die die = t->die;
	Dwarf_Word size;

	if (t->kind == CT_PTR && !t->has_die)
		return t->to_int_size;
	return dwarf_aggregate_size(&die, &size) == 0 ? size : 0;
}

static struct ctype int_type(unsigned size, bool is_signed)
{
	return (struct ctype){ .kind = CT_INT, .size = size, .is_signed = is_signed };
}

/* C's integer promotion: what is narrower than int becomes int. */
static struct ctype promoted(struct ctype t)
{
	return t.size < 4 ? int_type(4, true) : t;
}

/* C's usual arithmetic conversions, for two promoted integer types. */
static struct ctype common(struct ctype a, struct ctype b)
{
	if (a.size != b.size)
		return a.size > b.size ? a : b;
	return int_type(a.size, a.is_signed && b.is_signed);
}

/* ---- names ---------------------------------------------------------------- */

static bool find_in(Dwarf_Die *scope, const char *name, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(scope, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);
		const char *n;

		if (tag != DW_TAG_variable && tag != DW_TAG_formal_parameter)
			continue;
		n = dwarf_diename(&child);
		if (n && !strcmp(n, name)) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* A DW_OP_bregN or DW_OP_bregx of a general register: the register and the offset. */
static int reg_offset(const Dwarf_Op *op, int *reg, int64_t *off)
{
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg15) {
		*reg = op->atom - DW_OP_breg0;
		*off = (int64_t)op->number;
		return 0;
	}
	if (op->atom == DW_OP_bregx && op->number < 16) {
		*reg = (int)op->number;
		*off = (int64_t)op->number2;
		return 0;
	}
	return -1;
}

/* The CFA where the breakpoint is, as a register and an offset (the unwind tables' rule). */
static int cfa_rule(struct cc *c, int *reg, int64_t *off)
{
	Dwarf_Frame *frame = sym_cfi_frame(c->sym, c->pc);
	Dwarf_Op *ops;
	size_t n;
	int ret = frame && dwarf_frame_cfa(frame, &ops, &n) == 0 && n == 1
			  ? reg_offset(&ops[0], reg, off)
			  : -1;

	free(frame);
	if (ret < 0)
		err_set("the frame's CFA has no simple rule there");
	return ret;
}

/* The frame base of the function holding the breakpoint, as a register and an offset. */
static int frame_base(struct cc *c, int *reg, int64_t *off)
{
	for (int i = 0; i < c->nscopes; i++) {
		Dwarf_Attribute attr;
		Dwarf_Op *ops;
		size_t n;

		if (dwarf_tag(&c->scopes[i]) != DW_TAG_subprogram)
			continue;
		if (!dwarf_attr_integrate(&c->scopes[i], DW_AT_frame_base, &attr) ||
		    dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &n, 1) != 1 || n != 1)
			break;
		if (ops[0].atom == DW_OP_call_frame_cfa)
			return cfa_rule(c, reg, off);
		if (reg_offset(&ops[0], reg, off) == 0)
			return 0;
		break;
	}
	err_set("the function's frame base is not a register and an offset");
	return -1;
}

/* A variable's place where the breakpoint is. */
static int compile_var(struct cc *c, const char *name, Dwarf_Die *var, struct operand *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die type;
	Dwarf_Op *ops;
	size_t n;
	int reg;
	int64_t off;

	if (die_type(var, &type) < 0 || ctype_of(&type, true, &out->type) < 0) {
		err_prefix("\"%s\"", name);
		return -1;
	}
	if (!dwarf_attr(var, DW_AT_location, &attr)) {
		/* A declaration of a global defined elsewhere: its symbol gives the address. */
		struct sym_found f;

		if (dwarf_attr(var, DW_AT_const_value, &attr) ||
		    sym_lookup(c->sym, name, NULL, &f) < 0 || f.kind != SYM_OBJECT) {
			err_set("\"%s\" has no place the agent can read", name);
			return -1;
		}
		mov_imm(c, f.addr);
		out->kind = OP_MEM;
		out->trusted = f.addr >= c->mod_start && f.addr < c->mod_end;
		return 0;
	}
	if (dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &n, 1) != 1 || n != 1) {
		err_set("\"%s\" is optimized out or kept in pieces there", name);
		return -1;
	}
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg15) {
		out->kind = OP_REG;
		out->reg = ops[0].atom - DW_OP_reg0;
		return 0;
	}
	if (ops[0].atom == DW_OP_addr) {
		uint64_t addr = ops[0].number + c->bias;

		mov_imm(c, addr);
		out->kind = OP_MEM;
		out->trusted = addr >= c->mod_start && addr < c->mod_end;
		return 0;
	}
	if (ops[0].atom == DW_OP_fbreg) {
		if (frame_base(c, &reg, &off) < 0)
			return -1;
		off += (int64_t)ops[0].number;
	} else if (reg_offset(&ops[0], &reg, &off) < 0) {
		err_set("\"%s\" is kept in a way the agent does not read (DW_OP 0x%x)", name,
			ops[0].atom);
		return -1;
	}
	if (off != (int32_t)off) {
		err_set("\"%s\" is too far from its register", name);
		return -1;
	}
	load_saved(c, reg);
	add_imm(c, off);
	out->kind = OP_MEM;
	/* The frame's own stack; a place reached from another register is read with care. */
	out->trusted = reg == DWARF_RSP || reg == DWARF_RBP;
	return 0;
}

/* The SysV ABI's integer argument registers, as DWARF numbers: rdi rsi rdx rcx r8 r9. */
static const int abi_args[6] = { 5, 4, 1, 2, 8, 9 };

/*
 * At a function's first instruction its arguments are where the caller put
 * them (DWARF may place them in the frame the prologue has not made yet):
 * the n'th integer or pointer argument in the n'th argument register, from
 * the seventh on the stack above the return address. Arguments before it
 * that take vector registers or several slots (floating point, structs)
 * are not counted here: such a list is refused.
 */
static int compile_entry_arg(struct cc *c, Dwarf_Die *fn, const char *name, struct operand *out)
{
	Dwarf_Die child, type;
	int slot = 0;

	if (dwarf_child(fn, &child) != 0)
		return 1;
	do {
		const char *n;
		struct ctype t;

		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		n = dwarf_diename(&child);
		if (die_type(&child, &type) < 0 || ctype_of(&type, true, &t) < 0 ||
		    (t.kind != CT_INT && t.kind != CT_PTR)) {
			err_clear();
			if (n && !strcmp(n, name))
				err_set("\"%s\" is not an integer or a pointer", name);
			else
				err_set("an argument before \"%s\" is not an integer or a pointer "
					"(its place at the entry is not followed)",
					name);
			return -1;
		}
		if (n && !strcmp(n, name)) {
			out->type = t;
			if (slot < 6) {
				out->kind = OP_REG;
				out->reg = abi_args[slot];
				return 0;
			}
			load_saved(c, DWARF_RSP);
			add_imm(c, 8 + 8 * (int64_t)(slot - 6));
			out->kind = OP_MEM;
			out->trusted = true;
			return 0;
		}
		slot++;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 1;
}

static int compile_name(struct cc *c, const char *name, struct operand *out)
{
	Dwarf_Die var;
	int64_t value;

	for (int i = 0; i < c->nscopes; i++) {
		if (c->at_entry && i < c->nscopes - 1) {
			/* At the entry only the arguments have values; locals are not set yet. */
			if (dwarf_tag(&c->scopes[i]) == DW_TAG_subprogram) {
				int got = compile_entry_arg(c, &c->scopes[i], name, out);

				if (got <= 0)
					return got;
			}
			if (find_in(&c->scopes[i], name, &var)) {
				err_set("\"%s\" is a local: it has no value at the function's "
					"entry",
					name);
				return -1;
			}
			continue;
		}
		if (find_in(&c->scopes[i], name, &var))
			return compile_var(c, name, &var, out);
	}
	if (scopes_enumerator(&c->cu, name, &var, &value) &&
	    ctype_of(&var, true, &out->type) == 0) {
		mov_imm(c, (uint64_t)value);
		normalize(c, out->type.size, out->type.is_signed);
		out->kind = OP_VALUE;
		return 0;
	}
	err_set("\"%s\" is not a variable of the unit where the breakpoint is", name);
	return -1;
}

static const char *const reg_names[16] = { "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
					   "r8",  "r9",	 "r10", "r11", "r12", "r13", "r14", "r15" };

static int compile_reg(struct cc *c, const char *name, struct operand *out)
{
	if (*name == '$')
		name++;
	if (!strcmp(name, "pc") || !strcmp(name, "rip")) {
		mov_imm(c, c->pc);
		out->kind = OP_VALUE;
		out->type = int_type(8, false);
		out->type.kind = CT_PTR;
		return 0;
	}
	if (!strcmp(name, "sp"))
		name = "rsp";
	if (!strcmp(name, "fp"))
		name = "rbp";
	for (int i = 0; i < 16; i++)
		if (!strcmp(name, reg_names[i])) {
			out->kind = OP_REG;
			out->reg = i;
			out->type = int_type(8, true);
			if (i == DWARF_RSP || i == DWARF_RBP)
				out->type.kind = CT_PTR;
			return 0;
		}
	err_set("$%s is not a 64-bit general register", name);
	return -1;
}

/* ---- expressions ---------------------------------------------------------- */

static int compile(struct cc *c, const struct expr *e, struct operand *out);

/* The operand's value in %rax, promoted (integers) or as it is (pointers). */
static int load(struct cc *c, struct operand *o)
{
	if (o->type.kind == CT_STRUCT) {
		err_set("a whole struct is not a value the agent compares");
		return -1;
	}
	if (o->type.kind == CT_VOID) {
		err_set("a void value");
		return -1;
	}
	if (o->type.kind == CT_ARRAY) {
		/* An array in memory is its first element's address, as in C. */
		if (o->kind != OP_MEM) {
			err_set("an array that is not in memory");
			return -1;
		}
		o->kind = OP_VALUE;
		o->type.kind = CT_PTR;
		o->type.size = 8;
		return 0;
	}
	if (o->kind == OP_REG) {
		load_saved(c, o->reg);
		normalize(c, o->type.size, o->type.is_signed);
	} else if (o->kind == OP_MEM && o->trusted) {
		load_at_rax(c, o->type.size, o->type.is_signed);
	} else if (o->kind == OP_MEM) {
		safe_read(c, o->type.size, o->type.is_signed);
	}
	o->kind = OP_VALUE;
	if (o->type.kind == CT_INT)
		o->type = promoted(o->type);
	return 0;
}

static int compile_value(struct cc *c, const struct expr *e, struct operand *out)
{
	return compile(c, e, out) < 0 ? -1 : load(c, out);
}

/* The member name of a struct whose address is in %rax (anonymous members looked into). */
static bool member_offset(Dwarf_Die *st, const char *name, uint64_t *off, Dwarf_Die *mtype)
{
	Dwarf_Die m;

	if (dwarf_child(st, &m) != 0)
		return false;
	do {
		Dwarf_Attribute attr;
		Dwarf_Word at = 0;
		const char *n;
		Dwarf_Die t;
		struct ctype inner;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (dwarf_attr(&m, DW_AT_data_member_location, &attr) &&
		    dwarf_formudata(&attr, &at) != 0)
			continue;
		n = dwarf_diename(&m);
		if (n && !strcmp(n, name)) {
			if (dwarf_attr(&m, DW_AT_bit_size, &attr) ||
			    dwarf_attr(&m, DW_AT_data_bit_offset, &attr) || die_type(&m, mtype) < 0)
				return false;
			*off = at;
			return true;
		}
		if (!n && die_type(&m, &t) == 0 && ctype_of(&t, true, &inner) == 0 &&
		    inner.kind == CT_STRUCT && member_offset(&inner.die, name, off, mtype)) {
			*off += at;
			return true;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

static int compile_member(struct cc *c, const struct expr *e, bool arrow, struct operand *out)
{
	const char *name = expr_name(e);
	Dwarf_Die mtype;
	uint64_t off;

	if (compile(c, expr_left(e), out) < 0)
		return -1;
	if (arrow) {
		if (out->type.kind != CT_PTR || !out->type.has_die)
			goto not_struct;
		if (load(c, out) < 0)
			return -1;
		if (ctype_of(&out->type.die, true, &out->type) < 0)
			return -1;
		out->kind = OP_MEM;
		out->trusted = false;
	}
	if (out->type.kind != CT_STRUCT || out->kind != OP_MEM)
		goto not_struct;
	if (!member_offset(&out->type.die, name, &off, &mtype)) {
		err_set("no member \"%s\" the agent can read (a bit field?)", name);
		return -1;
	}
	add_imm(c, (int64_t)off);
	return ctype_of(&mtype, true, &out->type);
not_struct:
	err_set("\"%s%s\" on what is not a struct%s in memory", arrow ? "->" : ".", name,
		arrow ? " pointer" : "");
	return -1;
}

static int compile_deref(struct cc *c, const struct expr *e, struct operand *out)
{
	if (compile_value(c, expr_left(e), out) < 0)
		return -1;
	if (out->type.kind == CT_PTR && !out->type.has_die && out->type.to_int_size) {
		out->type = int_type(out->type.to_int_size, out->type.to_int_signed);
	} else if (out->type.kind != CT_PTR || !out->type.has_die) {
		err_set("* of what is not a pointer to a known type");
		return -1;
	} else if (ctype_of(&out->type.die, true, &out->type) < 0) {
		return -1;
	}
	out->kind = OP_MEM;
	out->trusted = false;
	return 0;
}

static int compile_unary(struct cc *c, const struct expr *e, struct operand *out)
{
	int op = expr_op(e);

	if (compile_value(c, expr_left(e), out) < 0)
		return -1;
	if (op == '!') {
		EMIT(c, 0x48, 0x85, 0xc0); /* test %rax,%rax */
		EMIT(c, 0x0f, 0x94, 0xc0); /* sete %al */
		EMIT(c, 0x0f, 0xb6, 0xc0); /* movzbl %al,%eax */
		out->type = int_type(4, true);
		return 0;
	}
	if (out->type.kind != CT_INT) {
		err_set("unary %c of a pointer", op);
		return -1;
	}
	if (op == '-')
		EMIT(c, 0x48, 0xf7, 0xd8); /* neg %rax */
	else if (op == '~')
		EMIT(c, 0x48, 0xf7, 0xd0); /* not %rax */
	else if (op != '+') {
		err_set("unary %c", op);
		return -1;
	}
	normalize(c, out->type.size, out->type.is_signed);
	return 0;
}

/* && and ||, short-circuit: the right side is not run (nor read) when the left decides. */
static int compile_logical(struct cc *c, const struct expr *e, bool is_and, struct operand *out)
{
	struct operand side;
	size_t decided, end;

	if (compile_value(c, expr_left(e), &side) < 0)
		return -1;
	EMIT(c, 0x48, 0x85, 0xc0); /* test %rax,%rax */
	{
		unsigned char j[] = { 0x0f, (unsigned char)(is_and ? 0x84 : 0x85) }; /* jz / jnz */

		emit(c, j, sizeof(j));
	}
	decided = jump_slot(c);
	if (compile_value(c, expr_right(e), &side) < 0)
		return -1;
	EMIT(c, 0x48, 0x85, 0xc0); /* test %rax,%rax */
	EMIT(c, 0x0f, 0x95, 0xc0); /* setne %al */
	EMIT(c, 0x0f, 0xb6, 0xc0); /* movzbl %al,%eax */
	EMIT(c, 0xe9);		   /* jmp end */
	end = jump_slot(c);
	land(c, decided);
	mov_imm(c, is_and ? 0 : 1);
	land(c, end);
	out->kind = OP_VALUE;
	out->type = int_type(4, true);
	return 0;
}

static int compile_binary(struct cc *c, const struct expr *e, struct operand *out)
{
	int op = expr_op(e);
	struct operand l, r;
	struct ctype t;
	bool cmp = op == '<' || op == '>' || op == EXPR_OP2('<', '=') || op == EXPR_OP2('>', '=') ||
		   op == EXPR_OP2('=', '=') || op == EXPR_OP2('!', '=');

	if (op == EXPR_OP2('&', '&') || op == EXPR_OP2('|', '|'))
		return compile_logical(c, e, op == EXPR_OP2('&', '&'), out);
	/* A divisor of 0 would fault in the program, and INT_MIN / -1 too: constants only. */
	if ((op == '/' || op == '%') &&
	    (expr_kind(expr_right(e)) != EXPR_NUM || expr_num(expr_right(e)) == 0)) {
		err_set("division by what is not a constant other than 0 (a zero divisor would "
			"fault in the program)");
		return -1;
	}
	if ((op == EXPR_OP2('<', '<') || op == EXPR_OP2('>', '>')) &&
	    expr_kind(expr_right(e)) != EXPR_NUM) {
		err_set("a shift by what is not a constant");
		return -1;
	}
	if (compile_value(c, expr_left(e), &l) < 0)
		return -1;
	EMIT(c, 0x50); /* push %rax */
	if (compile_value(c, expr_right(e), &r) < 0)
		return -1;
	EMIT(c, 0x48, 0x89, 0xc1); /* mov %rax,%rcx */
	EMIT(c, 0x58);		   /* pop %rax */
	if (l.type.kind == CT_PTR || r.type.kind == CT_PTR) {
		if (!cmp) {
			err_set("pointer arithmetic");
			return -1;
		}
		t = int_type(8, false);
	} else if (op == EXPR_OP2('<', '<') || op == EXPR_OP2('>', '>')) {
		uint64_t n = expr_num(expr_right(e));

		if (n >= l.type.size * 8) {
			err_set("a shift by %" PRIu64 ", past the width", n);
			return -1;
		}
		t = l.type;
	} else {
		t = common(l.type, r.type);
		/* Both as the common type: an int -1 met by an unsigned is 0xffffffff. */
		if (t.size == 4) {
			EMIT(c, 0x48, 0x91); /* xchg %rax,%rcx */
			normalize(c, 4, t.is_signed);
			EMIT(c, 0x48, 0x91); /* xchg %rax,%rcx */
			normalize(c, 4, t.is_signed);
		}
	}
	out->kind = OP_VALUE;
	if (cmp) {
		unsigned char cc;

		EMIT(c, 0x48, 0x39, 0xc8); /* cmp %rcx,%rax */
		switch (op) {
		case '<':
			cc = t.is_signed ? 0x9c : 0x92;
			break;
		case '>':
			cc = t.is_signed ? 0x9f : 0x97;
			break;
		case EXPR_OP2('<', '='):
			cc = t.is_signed ? 0x9e : 0x96;
			break;
		case EXPR_OP2('>', '='):
			cc = t.is_signed ? 0x9d : 0x93;
			break;
		case EXPR_OP2('=', '='):
			cc = 0x94;
			break;
		default:
			cc = 0x95;
			break;
		}
		EMIT(c, 0x0f);
		emit(c, &cc, 1);
		EMIT(c, 0xc0);		   /* setcc %al */
		EMIT(c, 0x0f, 0xb6, 0xc0); /* movzbl %al,%eax */
		out->type = int_type(4, true);
		return 0;
	}
	switch (op) {
	case '+':
		EMIT(c, 0x48, 0x01, 0xc8);
		break;
	case '-':
		EMIT(c, 0x48, 0x29, 0xc8);
		break;
	case '*':
		EMIT(c, 0x48, 0x0f, 0xaf, 0xc1);
		break;
	case '&':
		EMIT(c, 0x48, 0x21, 0xc8);
		break;
	case '|':
		EMIT(c, 0x48, 0x09, 0xc8);
		break;
	case '^':
		EMIT(c, 0x48, 0x31, 0xc8);
		break;
	case '/':
	case '%':
		if (t.is_signed)
			EMIT(c, 0x48, 0x99, 0x48, 0xf7, 0xf9); /* cqo; idiv %rcx */
		else
			EMIT(c, 0x31, 0xd2, 0x48, 0xf7, 0xf1); /* xor %edx,%edx; div %rcx */
		if (op == '%')
			EMIT(c, 0x48, 0x89, 0xd0); /* mov %rdx,%rax */
		break;
	case EXPR_OP2('<', '<'):
		EMIT(c, 0x48, 0xd3, 0xe0); /* shl %cl,%rax */
		break;
	case EXPR_OP2('>', '>'):
		if (t.is_signed)
			EMIT(c, 0x48, 0xd3, 0xf8); /* sar %cl,%rax */
		else
			EMIT(c, 0x48, 0xd3, 0xe8); /* shr %cl,%rax */
		break;
	default:
		err_set("the operator %c%c", op & 0xff, op >> 8 ? op >> 8 : ' ');
		return -1;
	}
	normalize(c, t.size, t.is_signed);
	out->type = t;
	return 0;
}

/* A C integer type's name as a cast writes it: its size and signedness. */
static bool builtin_int(const char *name, struct ctype *out)
{
	static const struct {
		const char *name;
		unsigned size;
		bool is_signed;
	} names[] = {
		{ "char", 1, true },
		{ "signed char", 1, true },
		{ "unsigned char", 1, false },
		{ "_Bool", 1, false },
		{ "bool", 1, false },
		{ "short", 2, true },
		{ "short int", 2, true },
		{ "unsigned short", 2, false },
		{ "unsigned short int", 2, false },
		{ "int", 4, true },
		{ "signed", 4, true },
		{ "signed int", 4, true },
		{ "unsigned", 4, false },
		{ "unsigned int", 4, false },
		{ "long", 8, true },
		{ "long int", 8, true },
		{ "unsigned long", 8, false },
		{ "unsigned long int", 8, false },
		{ "long long", 8, true },
		{ "unsigned long long", 8, false },
		{ "int8_t", 1, true },
		{ "uint8_t", 1, false },
		{ "int16_t", 2, true },
		{ "uint16_t", 2, false },
		{ "int32_t", 4, true },
		{ "uint32_t", 4, false },
		{ "int64_t", 8, true },
		{ "uint64_t", 8, false },
		{ "size_t", 8, false },
		{ "ssize_t", 8, true },
		{ "intptr_t", 8, true },
		{ "uintptr_t", 8, false },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name)) {
			*out = int_type(names[i].size, names[i].is_signed);
			return true;
		}
	return false;
}

/* A type the unit names: "struct X", "union X", "enum X" or a typedef. */
static bool unit_type(struct cc *c, const char *name, Dwarf_Die *out)
{
	int tag = DW_TAG_typedef;
	Dwarf_Die child;

	if (!strncmp(name, "struct ", 7))
		tag = DW_TAG_structure_type, name += 7;
	else if (!strncmp(name, "union ", 6))
		tag = DW_TAG_union_type, name += 6;
	else if (!strncmp(name, "enum ", 5))
		tag = DW_TAG_enumeration_type, name += 5;
	if (dwarf_child(&c->cu, &child) != 0)
		return false;
	do {
		const char *n = dwarf_diename(&child);
		Dwarf_Attribute attr;

		if (dwarf_tag(&child) == tag && n && !strcmp(n, name) &&
		    !dwarf_attr(&child, DW_AT_declaration, &attr)) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* (T)e for an integer or pointer type T: C's conversion. */
static int compile_cast(struct cc *c, const struct expr *e, struct operand *out)
{
	char name[128];
	size_t len;
	unsigned stars = 0;
	struct ctype to, base;
	Dwarf_Die die;
	bool has_base;

	snprintf(name, sizeof(name), "%s", expr_name(e));
	len = strlen(name);
	while (len && (name[len - 1] == '*' || name[len - 1] == ' ')) {
		stars += name[len - 1] == '*';
		name[--len] = '\0';
	}
	has_base = builtin_int(name, &base);
	if (!has_base && unit_type(c, name, &die))
		has_base = ctype_of(&die, true, &base) == 0;
	if (!has_base) {
		err_set("a cast to %s", expr_name(e));
		return -1;
	}
	if (stars == 0 && base.kind != CT_INT) {
		err_set("a cast to %s, not an integer or pointer type", expr_name(e));
		return -1;
	}
	if (stars) {
		to = int_type(8, false);
		to.kind = CT_PTR;
		if (stars == 1 && !builtin_int(name, &base)) {
			to.has_die = true;
			to.die = die;
		} else if (stars == 1) {
			to.to_int_size = base.size;
			to.to_int_signed = base.is_signed;
		}
	} else {
		to = base;
	}
	if (compile_value(c, expr_left(e), out) < 0)
		return -1;
	if (out->type.kind == CT_STRUCT) {
		err_set("a cast of a struct");
		return -1;
	}
	if (to.kind == CT_INT)
		normalize(c, to.size, to.is_signed);
	out->kind = OP_VALUE;
	out->type = to.kind == CT_INT ? promoted(to) : to;
	return 0;
}

/* a[i] on an array in memory or a pointer: the element's place. */
static int compile_index(struct cc *c, const struct expr *e, struct operand *out)
{
	struct operand index;
	struct ctype elem;
	uint64_t size;
	bool trusted;

	if (compile(c, expr_left(e), out) < 0)
		return -1;
	trusted = out->kind == OP_MEM && out->trusted && out->type.kind == CT_ARRAY;
	if (out->type.kind != CT_ARRAY && out->type.kind != CT_PTR) {
		err_set("[] on what is not an array or a pointer");
		return -1;
	}
	size = element_size(&out->type);
	if (!size || size > 0x7fffffff) {
		err_set("[] on elements of no known size");
		return -1;
	}
	if (out->type.kind == CT_PTR && !out->type.has_die)
		elem = int_type(out->type.to_int_size, out->type.to_int_signed);
	else if (ctype_of(&out->type.die, true, &elem) < 0)
		return -1;
	/* Within an array the frame or the module holds, a constant index reads directly. */
	trusted = trusted && expr_kind(expr_right(e)) == EXPR_NUM &&
		  expr_num(expr_right(e)) < out->type.count;
	if (load(c, out) < 0)
		return -1;
	EMIT(c, 0x50); /* push %rax */
	if (compile_value(c, expr_right(e), &index) < 0)
		return -1;
	if (index.type.kind != CT_INT) {
		err_set("an index that is not an integer");
		return -1;
	}
	EMIT(c, 0x48, 0x69, 0xc0); /* imul $size,%rax,%rax */
	emit32(c, (uint32_t)size);
	EMIT(c, 0x48, 0x89, 0xc1); /* mov %rax,%rcx */
	EMIT(c, 0x58);		   /* pop %rax */
	EMIT(c, 0x48, 0x01, 0xc8); /* add %rcx,%rax */
	out->kind = OP_MEM;
	out->trusted = trusted;
	out->type = elem;
	return 0;
}

/* &lvalue: its address, a pointer to its type. */
static int compile_addr_of(struct cc *c, const struct expr *e, struct operand *out)
{
	struct ctype pointee;

	if (expr_name(e) ? compile_name(c, expr_name(e), out) < 0
			 : compile(c, expr_left(e), out) < 0)
		return -1;
	if (out->kind != OP_MEM) {
		err_set("& of what has no address (a register, a value)");
		return -1;
	}
	pointee = out->type;
	out->kind = OP_VALUE;
	out->type = int_type(8, false);
	out->type.kind = CT_PTR;
	if (pointee.kind == CT_INT) {
		out->type.to_int_size = pointee.size;
		out->type.to_int_signed = pointee.is_signed;
	} else if (pointee.kind == CT_STRUCT) {
		out->type.has_die = true;
		out->type.die = pointee.die;
	}
	return 0;
}

static struct ctype literal_type(const struct expr *e)
{
	switch (expr_num_type(e)) {
	case EXPR_LIT_UINT:
		return int_type(4, false);
	case EXPR_LIT_LONG:
	case EXPR_LIT_LLONG:
		return int_type(8, true);
	case EXPR_LIT_ULONG:
	case EXPR_LIT_ULLONG:
		return int_type(8, false);
	default:
		return int_type(4, true);
	}
}

static int compile(struct cc *c, const struct expr *e, struct operand *out)
{
	memset(out, 0, sizeof(*out));
	switch (expr_kind(e)) {
	case EXPR_NUM:
		out->kind = OP_VALUE;
		out->type = literal_type(e);
		mov_imm(c, expr_num(e));
		normalize(c, out->type.size, out->type.is_signed);
		return 0;
	case EXPR_REG:
		return compile_reg(c, expr_name(e), out);
	case EXPR_NAME:
		return compile_name(c, expr_name(e), out);
	case EXPR_UNARY:
		return compile_unary(c, e, out);
	case EXPR_BINARY:
		return compile_binary(c, e, out);
	case EXPR_DEREF:
		return compile_deref(c, e, out);
	case EXPR_MEMBER:
		return compile_member(c, e, false, out);
	case EXPR_ARROW:
		return compile_member(c, e, true, out);
	case EXPR_FLOAT:
		err_set("floating point");
		return -1;
	case EXPR_CALL:
		err_set("a function call");
		return -1;
	case EXPR_ASSIGN:
		err_set("an assignment");
		return -1;
	case EXPR_CAST:
		return compile_cast(c, e, out);
	case EXPR_INDEX:
		return compile_index(c, e, out);
	case EXPR_ADDR_OF:
		return compile_addr_of(c, e, out);
	default:
		err_set("this kind of expression");
		return -1;
	}
}

size_t agent_cond_compile(struct sym *sym, uint64_t pc, bool at_entry, pid_t pid,
			  const struct expr *cond, unsigned char *out, size_t cap)
{
	struct cc c = {
		.sym = sym, .pc = pc, .at_entry = at_entry, .pid = pid, .out = out, .cap = cap
	};
	Dwfl_Module *dm = sym_module_at(sym, pc);
	struct operand v;
	size_t skip;
	int ok;

	if (!dm || !sym_cu_at(sym, pc, &c.cu, &c.bias)) {
		err_set("no debug information where the breakpoint is");
		return 0;
	}
	dwfl_module_info(dm, NULL, &c.mod_start, &c.mod_end, NULL, NULL, NULL, NULL);
	c.nscopes = scopes_at(&c.cu, pc - c.bias, &c.scopes);
	ok = compile_value(&c, cond, &v);
	free(c.scopes);
	if (ok < 0)
		return 0;
	/* The value: any bit set is true. Then the exit a failed read takes: true, for lurk to judge. */
	emit(&c, (const unsigned char[]){ 0xe9 }, 1);
	skip = jump_slot(&c);
	for (size_t i = 0; i < c.nfail; i++)
		land(&c, c.fail_jumps[i]);
	mov_imm(&c, 1);
	land(&c, skip);
	if (c.full) {
		err_set("its code is longer than %zu bytes", cap);
		return 0;
	}
	return c.len;
}
