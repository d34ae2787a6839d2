/* value.c - typed values from DWARF (through libdw) for print, ptype, info locals and conditions */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "frame.h"
#include "regs.h"
#include "sym.h"
#include "util.h"
#include "value.h"

#define MAX_DWARF_STACK 64
#define MAX_ELEMENTS	200 /* array elements printed, as gdb's "print elements" */
#define MAX_STRING	200
#define MAX_DEPTH	8
#define MAX_REPEAT_BYTES (1024 * 1024) /* x@N: room for buf[0]@65536, not for gigabytes */

/* What a type is once typedefs and qualifiers are peeled off. */
enum vkind {
	VK_SIGNED,
	VK_UNSIGNED,
	VK_BOOL,
	VK_CHAR,
	VK_UCHAR,
	VK_FLOAT,
	VK_POINTER,
	VK_ENUM,
	VK_ARRAY,
	VK_STRUCT,
	VK_UNION,
	VK_FUNC,
	VK_VOID,
	VK_OTHER,
};

/*
 * A type: a DWARF type DIE, or none (a synthetic long, a function without
 * debug information), with ptr levels of "pointer to" on top (&x makes a
 * pointer that may have no DIE of its own). count > 0 makes that the
 * element type of an array no DIE describes, gdb's artificial array (x@3),
 * and aptr levels of "pointer to" go above the array (&(x@3)).
 */
struct vtype {
	bool has_die;
	Dwarf_Die die;
	enum vkind synth; /* when !has_die: VK_SIGNED (long), VK_UNSIGNED, VK_FUNC, VK_VOID */
	unsigned ptr;
	uint64_t count;
	unsigned aptr;
};

enum vloc { VL_MEMORY, VL_REGISTER, VL_CONST, VL_NONE };

struct value {
	struct vtype type;
	enum vloc loc;
	uint64_t addr;	/* VL_MEMORY; for VL_NONE functions, their address */
	int reg;	/* VL_REGISTER: DWARF number */
	uint64_t cval;	/* VL_CONST */
	unsigned bit_size, bit_offset; /* a bitfield (bit_size > 0), offset from addr */
	bool optimized_out;
};

/* The frame an expression is evaluated in, as far as DWARF evaluation needs it. */
struct vctx {
	const struct frame_ctx *fc;
	uint64_t pc; /* for lookups: a caller's pc is inside its call */
	Dwfl_Module *dm;
	Dwarf_Addr bias;
	Dwarf_Die cu;
	bool has_cu;
	Dwarf_Die *scopes;
	int nscopes;
	int level; /* -1: no frame (globals only) */
};

static int read_scalar(struct vctx *c, const struct value *v, uint64_t *out);

/* ---- types ----------------------------------------------------------- */

static bool die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, out);
}

static enum vkind die_kind(Dwarf_Die *type)
{
	Dwarf_Die peeled;
	Dwarf_Attribute attr;
	Dwarf_Word enc = 0;

	if (dwarf_peel_type(type, &peeled) < 0)
		return VK_OTHER;
	switch (dwarf_tag(&peeled)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return VK_POINTER;
	case DW_TAG_enumeration_type:
		return VK_ENUM;
	case DW_TAG_array_type:
		return VK_ARRAY;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return VK_STRUCT;
	case DW_TAG_union_type:
		return VK_UNION;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		return VK_FUNC;
	case DW_TAG_unspecified_type:
		return VK_VOID;
	case DW_TAG_base_type:
		if (dwarf_attr_integrate(&peeled, DW_AT_encoding, &attr))
			dwarf_formudata(&attr, &enc);
		switch (enc) {
		case DW_ATE_signed:
			return VK_SIGNED;
		case DW_ATE_unsigned:
			return VK_UNSIGNED;
		case DW_ATE_boolean:
			return VK_BOOL;
		case DW_ATE_signed_char:
			return VK_CHAR;
		case DW_ATE_unsigned_char:
			return VK_UCHAR;
		case DW_ATE_float:
			return VK_FLOAT;
		default:
			return VK_OTHER;
		}
	default:
		return VK_OTHER;
	}
}

static enum vkind kind_of(const struct vtype *t)
{
	if (t->aptr)
		return VK_POINTER;
	if (t->count)
		return VK_ARRAY;
	if (t->ptr)
		return VK_POINTER;
	if (!t->has_die)
		return t->synth;
	return die_kind((Dwarf_Die *)&t->die);
}

static bool target_type(const struct vtype *t, struct vtype *out);

static uint64_t size_of(const struct vtype *t)
{
	Dwarf_Die peeled;
	Dwarf_Word size;
	struct vtype elem;

	if (t->aptr)
		return 8;
	/* No overflow: repeat() keeps artificial arrays small. */
	if (t->count && target_type(t, &elem))
		return t->count * size_of(&elem);
	if (t->ptr)
		return 8;
	if (!t->has_die)
		return t->synth == VK_VOID || t->synth == VK_FUNC ? 1 : 8;
	if (dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0)
		return 0;
	if (dwarf_tag(&peeled) == DW_TAG_pointer_type)
		return 8;
	if (dwarf_aggregate_size(&peeled, &size) == 0)
		return size;
	return 0;
}

/* The type a pointer or array of type t points to / holds. */
static bool target_type(const struct vtype *t, struct vtype *out)
{
	Dwarf_Die peeled, inner;

	memset(out, 0, sizeof(*out));
	if (t->aptr) {
		*out = *t;
		out->aptr--;
		return true;
	}
	if (t->count) {
		*out = *t;
		out->count = 0;
		return true;
	}
	if (t->ptr) {
		*out = *t;
		out->ptr--;
		return true;
	}
	if (!t->has_die || dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0)
		return false;
	if (!die_type(&peeled, &inner)) {
		out->synth = VK_VOID; /* void * */
		return true;
	}
	out->has_die = true;
	out->die = inner;
	return true;
}

static void die_type_name(Dwarf_Die *type, struct strbuf *out);

/* An array's element count from its first subrange, or -1 when unknown. */
static int64_t array_count(Dwarf_Die *array)
{
	Dwarf_Die sub;
	Dwarf_Attribute attr;
	Dwarf_Word v;

	if (dwarf_child(array, &sub) != 0)
		return -1;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr_integrate(&sub, DW_AT_count, &attr) && dwarf_formudata(&attr, &v) == 0)
			return (int64_t)v;
		if (dwarf_attr_integrate(&sub, DW_AT_upper_bound, &attr) &&
		    dwarf_formudata(&attr, &v) == 0)
			return (int64_t)v + 1;
		return -1;
	} while (dwarf_siblingof(&sub, &sub) == 0);
	return -1;
}

/*
 * A C declaration of name with type: "int x", "char *p", "struct point
 * path[3]", "int (*area)(const struct shape *)". name "" gives the type
 * alone ("int [3]", "int (*)(void)").
 */
static void declare(Dwarf_Die *type, const char *name, struct strbuf *out)
{
	Dwarf_Die inner;
	const char *tname = dwarf_diename(type);
	int tag = dwarf_tag(type);
	bool has_inner = die_type(type, &inner);

	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type: {
		struct strbuf d = STRBUF_INIT;
		int itag = has_inner ? dwarf_tag(&inner) : 0;
		bool wrap = itag == DW_TAG_array_type || itag == DW_TAG_subroutine_type;

		sb_addf(&d, "%s%s%s%s", wrap ? "(" : "", tag == DW_TAG_pointer_type ? "*" : "&", name,
			wrap ? ")" : "");
		if (has_inner) {
			declare(&inner, sb_str(&d), out);
		} else {
			sb_addf(out, "void %s", sb_str(&d));
		}
		sb_free(&d);
		return;
	}
	case DW_TAG_array_type: {
		struct strbuf d = STRBUF_INIT;
		int64_t n = array_count(type);

		if (n >= 0)
			sb_addf(&d, "%s[%" PRId64 "]", name, n);
		else
			sb_addf(&d, "%s[]", name);
		if (has_inner)
			declare(&inner, sb_str(&d), out);
		else
			sb_addf(out, "? %s", sb_str(&d));
		sb_free(&d);
		return;
	}
	case DW_TAG_subroutine_type: {
		struct strbuf d = STRBUF_INIT;
		Dwarf_Die param, ptype;
		bool first = true;

		sb_addf(&d, "%s(", name);
		if (dwarf_child(type, &param) == 0) {
			do {
				if (dwarf_tag(&param) == DW_TAG_unspecified_parameters) {
					sb_add(&d, first ? "..." : ", ...");
					first = false;
				}
				if (dwarf_tag(&param) != DW_TAG_formal_parameter || !die_type(&param, &ptype))
					continue;
				if (!first)
					sb_add(&d, ", ");
				declare(&ptype, "", &d);
				first = false;
			} while (dwarf_siblingof(&param, &param) == 0);
		}
		sb_add(&d, first ? "void)" : ")");
		if (has_inner)
			declare(&inner, sb_str(&d), out);
		else
			sb_addf(out, "void %s", sb_str(&d));
		sb_free(&d);
		return;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type: {
		const char *q = tag == DW_TAG_const_type ? "const" : "volatile";

		/* "const char *p": the qualifier before a named type, after a pointer's star. */
		if (has_inner && dwarf_tag(&inner) == DW_TAG_pointer_type) {
			struct strbuf d = STRBUF_INIT;

			sb_addf(&d, "%s%s%s", q, *name ? " " : "", name);
			declare(&inner, sb_str(&d), out);
			sb_free(&d);
			return;
		}
		sb_addf(out, "%s ", q);
		if (has_inner)
			declare(&inner, name, out);
		else
			sb_addf(out, "void%s%s", *name ? " " : "", name);
		return;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		sb_addf(out, "%s %s",
			tag == DW_TAG_structure_type ? "struct" : tag == DW_TAG_union_type ? "union"
											   : "enum",
			tname ? tname : "{...}");
		break;
	default:
		sb_add(out, tname ? tname : "?");
	}
	if (*name)
		sb_addf(out, "%s%s", name[0] == '*' || name[0] == '&' ? " " : " ", name);
}

static void die_type_name(Dwarf_Die *type, struct strbuf *out)
{
	declare(type, "", out);
}

/* d becomes "(d)": a pointer's declarator inside an array's or a function's, as in int (*)[3]. */
static void parenthesize(struct strbuf *d)
{
	struct strbuf w = STRBUF_INIT;

	sb_addf(&w, "(%s)", sb_str(d));
	sb_reset(d);
	sb_add(d, sb_str(&w));
	sb_free(&w);
}

/*
 * The levels on top of the DIE go through C's declarator, outermost first:
 * &array is "int (*)[3]", &(x@3) too, and *(char **)p@2 is "char *[2]".
 */
static void type_name(const struct vtype *t, struct strbuf *out)
{
	struct strbuf d = STRBUF_INIT, stars = STRBUF_INIT;
	Dwarf_Die peeled;
	int tag = 0;

	for (unsigned i = 0; i < t->aptr; i++)
		sb_addc(&d, '*');
	if (t->count) {
		if (t->aptr)
			parenthesize(&d);
		sb_addf(&d, "[%" PRIu64 "]", t->count);
	}
	for (unsigned i = 0; i < t->ptr; i++)
		sb_addc(&stars, '*');
	sb_add(&stars, sb_str(&d));
	if (t->has_die) {
		if (dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) == 0)
			tag = dwarf_tag(&peeled);
		if (t->ptr && (tag == DW_TAG_array_type || tag == DW_TAG_subroutine_type))
			parenthesize(&stars);
		declare((Dwarf_Die *)&t->die, sb_str(&stars), out);
	} else {
		sb_add(out, t->synth == VK_UNSIGNED ? "unsigned long" :
			    t->synth == VK_FUNC	    ? "<text variable, no debug info>" :
			    t->synth == VK_VOID	    ? "void" :
							      "long");
		if (*sb_str(&stars))
			sb_addf(out, " %s", sb_str(&stars));
	}
	sb_free(&d);
	sb_free(&stars);
}

void value_type_name(const struct value *v, struct strbuf *out)
{
	type_name(&v->type, out);
}

/* ---- the frame ------------------------------------------------------- */

static int ctx_open(const struct frame_ctx *fc, struct vctx *c)
{
	struct sym *sym = frame_sym(fc);
	uint64_t pc;
	Dwarf_Die *cu;

	memset(c, 0, sizeof(*c));
	c->fc = fc;
	c->level = -1;
	if (!sym)
		return -1;
	if (!fc->thread || frame_pc(fc, &pc) < 0) {
		/* No frame: globals, functions and numbers still evaluate. */
		err_clear();
		return 0;
	}
	c->level = fc->level;
	c->pc = pc - (c->level > 0 ? 1 : 0);
	c->dm = dwfl_addrmodule(sym_dwfl(sym), c->pc);
	cu = c->dm ? dwfl_module_addrdie(c->dm, c->pc, &c->bias) : NULL;
	if (cu) {
		c->cu = *cu;
		c->has_cu = true;
		c->nscopes = dwarf_getscopes(cu, c->pc - c->bias, &c->scopes);
		if (c->nscopes < 0)
			c->nscopes = 0;
	}
	return 0;
}

static void ctx_close(struct vctx *c)
{
	free(c->scopes);
}

static int ctx_reg(struct vctx *c, int dwarf_reg, uint64_t *v)
{
	const struct arch_reg *reg = regs_by_dwarf(frame_arch(c->fc), dwarf_reg);

	if (!reg) {
		err_set("no register with DWARF number %d", dwarf_reg);
		return -1;
	}
	return frame_reg(c->fc, reg, v);
}

static int ctx_cfa(struct vctx *c, uint64_t *cfa)
{
	if (c->level < 0) {
		err_set("the frame's CFA is not known (no caller frame)");
		return -1;
	}
	return frame_cfa(c->fc, cfa);
}

static int eval_ops(struct vctx *c, Dwarf_Op *ops, size_t n, struct value *out);

static int frame_base(struct vctx *c, uint64_t *base)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;
	struct value v;

	for (int i = 0; i < c->nscopes; i++) {
		if (dwarf_tag(&c->scopes[i]) != DW_TAG_subprogram)
			continue;
		if (!dwarf_attr_integrate(&c->scopes[i], DW_AT_frame_base, &attr) ||
		    dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &n, 1) != 1)
			break;
		if (eval_ops(c, ops, n, &v) < 0)
			return -1;
		if (v.loc == VL_REGISTER)
			return ctx_reg(c, v.reg, base);
		*base = v.loc == VL_MEMORY ? v.addr : v.cval;
		return 0;
	}
	err_set("no frame base for this function");
	return -1;
}

/* ---- DWARF location expressions ---------------------------------------- */

static int eval_ops(struct vctx *c, Dwarf_Op *ops, size_t n, struct value *out)
{
	uint64_t stack[MAX_DWARF_STACK];
	size_t sp = 0;

#define PUSH(x)                                                          \
	do {                                                             \
		if (sp == MAX_DWARF_STACK) {                             \
			err_set("DWARF expression too deep");            \
			return -1;                                       \
		}                                                        \
		stack[sp++] = (x);                                       \
	} while (0)
#define NEED(k)                                                          \
	do {                                                             \
		if (sp < (k)) {                                          \
			err_set("malformed DWARF location expression"); \
			return -1;                                       \
		}                                                        \
	} while (0)

	memset(out, 0, sizeof(*out));
	out->loc = VL_MEMORY;
	for (size_t i = 0; i < n; i++) {
		uint8_t op = ops[i].atom;
		uint64_t a, b;

		if (op >= DW_OP_reg0 && op <= DW_OP_reg31) {
			out->loc = VL_REGISTER;
			out->reg = op - DW_OP_reg0;
			return 0;
		}
		if (op >= DW_OP_breg0 && op <= DW_OP_breg31) {
			if (ctx_reg(c, op - DW_OP_breg0, &a) < 0)
				return -1;
			PUSH(a + ops[i].number);
			continue;
		}
		if (op >= DW_OP_lit0 && op <= DW_OP_lit31) {
			PUSH((uint64_t)(op - DW_OP_lit0));
			continue;
		}
		switch (op) {
		case DW_OP_regx:
			out->loc = VL_REGISTER;
			out->reg = (int)ops[i].number;
			return 0;
		case DW_OP_bregx:
			if (ctx_reg(c, (int)ops[i].number, &a) < 0)
				return -1;
			PUSH(a + ops[i].number2);
			break;
		case DW_OP_addr:
			PUSH(ops[i].number + c->bias);
			break;
		case DW_OP_const1u:
		case DW_OP_const2u:
		case DW_OP_const4u:
		case DW_OP_const8u:
		case DW_OP_const1s:
		case DW_OP_const2s:
		case DW_OP_const4s:
		case DW_OP_const8s:
		case DW_OP_constu:
		case DW_OP_consts:
			PUSH(ops[i].number);
			break;
		case DW_OP_fbreg:
			if (frame_base(c, &a) < 0)
				return -1;
			PUSH(a + ops[i].number);
			break;
		case DW_OP_call_frame_cfa:
			if (ctx_cfa(c, &a) < 0)
				return -1;
			PUSH(a);
			break;
		case DW_OP_plus_uconst:
			NEED(1);
			stack[sp - 1] += ops[i].number;
			break;
		case DW_OP_plus:
		case DW_OP_minus:
		case DW_OP_and:
		case DW_OP_or:
		case DW_OP_mul:
			NEED(2);
			b = stack[--sp];
			a = stack[sp - 1];
			stack[sp - 1] = op == DW_OP_plus ? a + b : op == DW_OP_minus ? a - b :
					op == DW_OP_and	 ? a & b :
					op == DW_OP_or	 ? a | b :
							   a * b;
			break;
		case DW_OP_dup:
			NEED(1);
			a = stack[sp - 1];
			PUSH(a);
			break;
		case DW_OP_deref:
			NEED(1);
			if (frame_read(c->fc, stack[sp - 1], &a, sizeof(a)) != (ssize_t)sizeof(a)) {
				err_set("cannot access memory at 0x%" PRIx64, stack[sp - 1]);
				return -1;
			}
			stack[sp - 1] = a;
			break;
		case DW_OP_stack_value:
			NEED(1);
			out->loc = VL_CONST;
			out->cval = stack[sp - 1];
			return 0;
		case DW_OP_piece:
			/* The first piece is where the value starts; split values are rare at -O0. */
			if (i == 0) {
				out->optimized_out = true;
				return 0;
			}
			goto done;
		case DW_OP_entry_value:
		case DW_OP_GNU_entry_value:
			out->optimized_out = true;
			return 0;
		case DW_OP_GNU_push_tls_address:
		case DW_OP_form_tls_address:
			err_set("thread-local variables are not supported yet");
			return -1;
		default:
			err_set("DWARF operation 0x%x is not supported", op);
			return -1;
		}
	}
done:
	NEED(1);
	out->addr = stack[sp - 1];
	return 0;
#undef PUSH
#undef NEED
}

/* A variable or parameter DIE's value in this frame. */
static int var_value(struct vctx *c, Dwarf_Die *var, struct value *out)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;
	Dwarf_Word w;
	int got;

	memset(out, 0, sizeof(*out));
	if (!die_type(var, &out->type.die)) {
		err_set("\"%s\" has no type", dwarf_diename(var));
		return -1;
	}
	out->type.has_die = true;
	if (dwarf_attr_integrate(var, DW_AT_const_value, &attr)) {
		out->loc = VL_CONST;
		if (dwarf_formudata(&attr, &w) == 0)
			out->cval = w;
		return 0;
	}
	if (!dwarf_attr_integrate(var, DW_AT_location, &attr)) {
		out->loc = VL_NONE;
		out->optimized_out = true;
		return 0;
	}
	got = dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &n, 1);
	if (got <= 0) {
		/* No location covers this pc: the compiler reused its place. */
		out->loc = VL_NONE;
		out->optimized_out = true;
		return 0;
	}
	struct vtype type = out->type;
	int ret = eval_ops(c, ops, n, out);

	out->type = type;
	return ret;
}

/* Walk the top-level DIEs of every compile unit of a module until match() accepts one. */
static bool find_top_die(Dwfl_Module *dm, Dwarf_Addr *bias,
			 bool (*match)(Dwarf_Die *die, const void *arg), const void *arg,
			 Dwarf_Die *out)
{
	Dwarf_Addr ignored;
	Dwarf *dw = dm ? dwfl_module_getdwarf(dm, bias ? bias : &ignored) : NULL;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie, child;
	Dwarf_Half version;
	uint8_t unit_type;

	if (!dw)
		return false;
	while (dwarf_get_units(dw, cu, &cu, &version, &unit_type, &cudie, &subdie) == 0) {
		if (dwarf_child(&cudie, &child) != 0)
			continue;
		do {
			if (match(&child, arg)) {
				*out = child;
				return true;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return false;
}

static bool is_global_named(Dwarf_Die *die, const void *name)
{
	const char *n;

	if (dwarf_tag(die) != DW_TAG_variable || !dwarf_hasattr(die, DW_AT_location))
		return false;
	n = dwarf_diename(die);
	return n && strcmp(n, name) == 0;
}

/* A global or static variable named name in one module's compile units. */
static bool find_global(Dwfl_Module *dm, const char *name, Dwarf_Die *out, Dwarf_Addr *bias)
{
	return find_top_die(dm, bias, is_global_named, name, out);
}

struct type_query {
	int tag; /* 0: a base type or typedef */
	const char *name;
};

static bool is_type_named(Dwarf_Die *die, const void *arg)
{
	const struct type_query *q = arg;
	int t = dwarf_tag(die);
	const char *n;

	if (q->tag ? t != q->tag : (t != DW_TAG_base_type && t != DW_TAG_typedef))
		return false;
	/* A declaration of a struct has no members: keep looking for its definition. */
	if (dwarf_hasattr(die, DW_AT_declaration))
		return false;
	n = dwarf_diename(die);
	return n && strcmp(n, q->name) == 0;
}

/* A type DIE named name (tag 0: base type or typedef) in one module's compile units. */
static bool find_type_in(Dwfl_Module *dm, int tag, const char *name, Dwarf_Die *out)
{
	struct type_query q = { tag, name };

	return find_top_die(dm, NULL, is_type_named, &q, out);
}

/* "unsigned long" as DWARF spells base types: "long unsigned int". */
static const char *base_type_alias(const char *name)
{
	static const char *const alias[][2] = {
		{ "unsigned", "unsigned int" },
		{ "unsigned long", "long unsigned int" },
		{ "long", "long int" },
		{ "unsigned long long", "long long unsigned int" },
		{ "long long", "long long int" },
		{ "short", "short int" },
		{ "unsigned short", "short unsigned int" },
		{ "signed char", "signed char" },
		{ "bool", "_Bool" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(alias); i++)
		if (strcmp(name, alias[i][0]) == 0)
			return alias[i][1];
	return name;
}

/* Resolve a cast's type name ("char *", "struct point *", "counter_t"). */
static int resolve_type(struct vctx *c, const char *text, struct vtype *out)
{
	char name[256];
	size_t n = strlen(text);
	int tag = 0;
	const char *base;
	struct sym *sym = frame_sym(c->fc);
	const struct sym_module *mods;
	size_t nmods = sym ? sym_modules(sym, &mods) : 0;
	bool found = false;

	memset(out, 0, sizeof(*out));
	while (n && (text[n - 1] == '*' || text[n - 1] == ' ')) {
		if (text[n - 1] == '*')
			out->ptr++;
		n--;
	}
	snprintf(name, sizeof(name), "%.*s", (int)n, text);
	base = name;
	if (!strncmp(base, "const ", 6))
		base += 6;
	if (!strncmp(base, "struct ", 7)) {
		tag = DW_TAG_structure_type;
		base += 7;
	} else if (!strncmp(base, "union ", 6)) {
		tag = DW_TAG_union_type;
		base += 6;
	} else if (!strncmp(base, "enum ", 5)) {
		tag = DW_TAG_enumeration_type;
		base += 5;
	}
	if (!tag && !strcmp(base, "void")) {
		out->synth = VK_VOID;
		return 0;
	}
	if (!tag)
		base = base_type_alias(base);
	found = c->dm && find_type_in(c->dm, tag, base, &out->die);
	for (size_t i = 0; i < nmods && !found; i++) {
		Dwfl_Module *dm = dwfl_addrmodule(sym_dwfl(sym), mods[i].low);

		if (mods[i].main_module && dm != c->dm)
			found = find_type_in(dm, tag, base, &out->die);
	}
	if (!found) {
		err_set("no type \"%s\" in the debug information", name);
		return -1;
	}
	out->has_die = true;
	return 0;
}

static int cast(struct vctx *c, const char *type_text, const struct value *v, struct value *out)
{
	struct vtype t;
	enum vkind k;
	uint64_t iv, size;

	if (resolve_type(c, type_text, &t) < 0)
		return -1;
	k = kind_of(&t);
	if (k == VK_STRUCT || k == VK_UNION || k == VK_ARRAY) {
		/* A reinterpretation of memory, as gdb allows for lvalues. */
		if (v->loc != VL_MEMORY) {
			err_set("only a value in memory can be cast to %s", type_text);
			return -1;
		}
		*out = *v;
		out->type = t;
		out->bit_size = 0;
		return 0;
	}
	if (read_scalar(c, v, &iv) < 0)
		return -1;
	/* A floating-point value converts by value, as in C. */
	if (kind_of(&v->type) == VK_FLOAT && k != VK_FLOAT) {
		if (size_of(&v->type) == 4) {
			float f;
			uint32_t w = (uint32_t)iv;

			memcpy(&f, &w, 4);
			iv = (uint64_t)(int64_t)f;
		} else {
			double d;

			memcpy(&d, &iv, 8);
			iv = (uint64_t)(int64_t)d;
		}
	}
	size = size_of(&t);
	if (k != VK_POINTER && size && size < 8) {
		iv &= (UINT64_C(1) << (size * 8)) - 1;
		if ((k == VK_SIGNED || k == VK_CHAR || k == VK_ENUM) && (iv >> (size * 8 - 1)) & 1)
			iv |= ~UINT64_C(0) << (size * 8);
	}
	memset(out, 0, sizeof(*out));
	out->type = t;
	out->loc = VL_CONST;
	out->cval = iv;
	return 0;
}

/* An enumerator (RED) of an enum declared at the top of the compile unit. */
static bool find_enumerator(Dwarf_Die *cu, const char *name, struct value *out)
{
	Dwarf_Die child, e;
	Dwarf_Attribute attr;
	Dwarf_Sword v;

	if (dwarf_child(cu, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_enumeration_type || dwarf_child(&child, &e) != 0)
			continue;
		do {
			const char *n = dwarf_diename(&e);

			if (dwarf_tag(&e) != DW_TAG_enumerator || !n || strcmp(n, name) != 0 ||
			    !dwarf_attr_integrate(&e, DW_AT_const_value, &attr) ||
			    dwarf_formsdata(&attr, &v) != 0)
				continue;
			memset(out, 0, sizeof(*out));
			out->type.has_die = true;
			out->type.die = child;
			out->loc = VL_CONST;
			out->cval = (uint64_t)v;
			return true;
		} while (dwarf_siblingof(&e, &e) == 0);
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static int lookup_name(struct vctx *c, const char *name, struct value *out)
{
	Dwarf_Die var;
	Dwarf_Addr bias;
	struct sym *sym = frame_sym(c->fc);
	struct sym_found f;

	if (c->nscopes > 0 && dwarf_getscopevar(c->scopes, c->nscopes, name, 0, NULL, 0, 0, &var) >= 0 &&
	    dwarf_tag(&var) != DW_TAG_subprogram)
		return var_value(c, &var, out);
	/* Globals: the frame's module first, then the program's. */
	if (c->dm && find_global(c->dm, name, &var, &bias)) {
		Dwarf_Addr saved = c->bias;
		int ret;

		c->bias = bias;
		ret = var_value(c, &var, out);
		c->bias = saved;
		return ret;
	}
	const struct sym_module *mods;
	size_t nmods = sym ? sym_modules(sym, &mods) : 0;

	for (size_t i = 0; i < nmods; i++) {
		Dwfl_Module *dm = dwfl_addrmodule(sym_dwfl(sym), mods[i].low);

		if (!mods[i].main_module || dm == c->dm || !find_global(dm, name, &var, &bias))
			continue;
		Dwarf_Addr saved = c->bias;
		int ret;

		c->bias = bias;
		ret = var_value(c, &var, out);
		c->bias = saved;
		return ret;
	}
	if (c->has_cu && find_enumerator(&c->cu, name, out))
		return 0;
	if (sym && sym_lookup(sym, name, NULL, &f) == 0) {
		memset(out, 0, sizeof(*out));
		if (f.kind == SYM_FUNC) {
			out->type.synth = VK_FUNC;
			out->loc = VL_NONE;
			out->addr = f.addr;
			return 0;
		}
		err_set("\"%s\" has no debug information: use &%s for its address", name, name);
		return -1;
	}
	err_clear();
	err_set("no symbol \"%s\" in the current context", name);
	return -1;
}

/* ---- reading values ---------------------------------------------------- */

static int read_raw(struct vctx *c, const struct value *v, void *buf, size_t len)
{
	uint64_t r;

	if (v->optimized_out) {
		err_set("<optimized out>");
		return -1;
	}
	switch (v->loc) {
	case VL_MEMORY:
		if (frame_read(c->fc, v->addr, buf, len) != (ssize_t)len) {
			err_set("cannot access memory at 0x%" PRIx64, v->addr);
			return -1;
		}
		return 0;
	case VL_REGISTER:
		if (ctx_reg(c, v->reg, &r) < 0)
			return -1;
		memset(buf, 0, len);
		memcpy(buf, &r, len < 8 ? len : 8);
		return 0;
	case VL_CONST:
		memset(buf, 0, len);
		memcpy(buf, &v->cval, len < 8 ? len : 8);
		return 0;
	default:
		err_set("<optimized out>");
		return -1;
	}
}

static int read_scalar(struct vctx *c, const struct value *v, uint64_t *out)
{
	enum vkind k = kind_of(&v->type);
	uint64_t size = size_of(&v->type), raw = 0;

	if (k == VK_FUNC) {
		*out = v->addr;
		return 0;
	}
	if (k == VK_ARRAY) {
		if (v->loc != VL_MEMORY) {
			err_set("an array that is not in memory has no address");
			return -1;
		}
		*out = v->addr;
		return 0;
	}
	if (k == VK_STRUCT || k == VK_UNION || k == VK_VOID || k == VK_OTHER || size == 0 ||
	    size > 8) {
		err_set("not a scalar value");
		return -1;
	}
	if (v->bit_size) {
		uint64_t word = 0;
		size_t bytes = (v->bit_offset + v->bit_size + 7) / 8;

		if (bytes > 8 || read_raw(c, v, &word, bytes) < 0)
			return -1;
		raw = (word >> v->bit_offset) & (v->bit_size >= 64 ? ~0ull : (1ull << v->bit_size) - 1);
		if (k == VK_SIGNED && (raw >> (v->bit_size - 1)) & 1)
			raw |= ~0ull << v->bit_size;
		*out = raw;
		return 0;
	}
	if (read_raw(c, v, &raw, size) < 0)
		return -1;
	if ((k == VK_SIGNED || k == VK_CHAR || k == VK_ENUM) && size < 8 &&
	    (raw >> (size * 8 - 1)) & 1)
		raw |= ~0ull << (size * 8);
	*out = raw;
	return 0;
}

/* ---- operators ---------------------------------------------------------- */

static struct value synth_int(uint64_t v, bool is_unsigned)
{
	struct value r;

	memset(&r, 0, sizeof(r));
	r.type.synth = is_unsigned ? VK_UNSIGNED : VK_SIGNED;
	r.loc = VL_CONST;
	r.cval = v;
	return r;
}

/* t becomes a pointer to t; above an artificial array it points to the whole array. */
static void pointer_to(struct vtype *t)
{
	if (t->count)
		t->aptr++;
	else
		t->ptr++;
}

static int deref(struct vctx *c, const struct value *v, struct value *out)
{
	enum vkind k = kind_of(&v->type);
	uint64_t addr;

	if (k != VK_POINTER && k != VK_ARRAY) {
		err_set("cannot dereference a value that is not a pointer");
		return -1;
	}
	if (read_scalar(c, v, &addr) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!target_type(&v->type, &out->type))
		return -1;
	if (kind_of(&out->type) == VK_VOID) {
		err_set("cannot dereference a void pointer");
		return -1;
	}
	out->loc = VL_MEMORY;
	out->addr = addr;
	return 0;
}

/* The member called name of a struct or union, looking into anonymous members too. */
static bool find_member(Dwarf_Die *agg, const char *name, Dwarf_Die *member, uint64_t *offset)
{
	Dwarf_Die child, peeled, inner;
	Dwarf_Attribute attr;
	Dwarf_Word off;

	if (dwarf_peel_type(agg, &peeled) < 0 || dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		off = 0;
		if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &off);
		n = dwarf_diename(&child);
		if (n && strcmp(n, name) == 0) {
			*member = child;
			*offset = off;
			return true;
		}
		if (!n && die_type(&child, &inner) && find_member(&inner, name, member, offset)) {
			*offset += off;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static void member_bits(Dwarf_Die *member, struct value *out)
{
	Dwarf_Attribute attr;
	Dwarf_Word bits, boff;

	if (!dwarf_attr_integrate(member, DW_AT_bit_size, &attr) || dwarf_formudata(&attr, &bits) != 0)
		return;
	out->bit_size = (unsigned)bits;
	if (dwarf_attr_integrate(member, DW_AT_data_bit_offset, &attr) &&
	    dwarf_formudata(&attr, &boff) == 0) {
		out->addr += boff / 8;
		out->bit_offset = (unsigned)(boff % 8);
	}
}

static int member(struct vctx *c, const struct value *v, const char *name, struct value *out)
{
	enum vkind k = kind_of(&v->type);
	Dwarf_Die m;
	uint64_t off;

	if (k != VK_STRUCT && k != VK_UNION) {
		err_set("\"%s\": not a struct or union", name);
		return -1;
	}
	if (!find_member((Dwarf_Die *)&v->type.die, name, &m, &off)) {
		struct strbuf tn = STRBUF_INIT;

		type_name(&v->type, &tn);
		err_set("%s has no member \"%s\"", sb_str(&tn), name);
		sb_free(&tn);
		return -1;
	}
	if (v->loc != VL_MEMORY) {
		err_set("a member of a struct that is not in memory is not supported yet");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	if (!die_type(&m, &out->type.die)) {
		err_set("member \"%s\" has no type", name);
		return -1;
	}
	out->type.has_die = true;
	out->loc = VL_MEMORY;
	out->addr = v->addr + off;
	member_bits(&m, out);
	return 0;
}

static int index_value(struct vctx *c, const struct value *v, int64_t i, struct value *out)
{
	struct value base;
	uint64_t size;

	if (kind_of(&v->type) == VK_ARRAY) {
		if (v->loc != VL_MEMORY) {
			err_set("an array that is not in memory cannot be indexed yet");
			return -1;
		}
		memset(&base, 0, sizeof(base));
		if (!target_type(&v->type, &base.type))
			return -1;
		base.loc = VL_MEMORY;
		base.addr = v->addr;
	} else if (deref(c, v, &base) < 0) {
		return -1;
	}
	size = size_of(&base.type);
	*out = base;
	out->addr = base.addr + (uint64_t)i * size;
	return 0;
}

static int eval_node(struct vctx *c, const struct expr *e, struct value *out);

static int eval_int_node(struct vctx *c, const struct expr *e, uint64_t *v, struct value *keep)
{
	struct value tmp;

	if (eval_node(c, e, keep ? keep : &tmp) < 0)
		return -1;
	return read_scalar(c, keep ? keep : &tmp, v);
}

static int eval_binary(struct vctx *c, const struct expr *e, struct value *out)
{
	struct value l, r;
	uint64_t a, b, res;
	int op = expr_op(e);
	bool lp, rp;

	if (op == EXPR_OP2('&', '&') || op == EXPR_OP2('|', '|')) {
		if (eval_int_node(c, expr_left(e), &a, NULL) < 0)
			return -1;
		if ((op == EXPR_OP2('&', '&')) == (a != 0)) {
			if (eval_int_node(c, expr_right(e), &b, NULL) < 0)
				return -1;
			a = b != 0;
		} else {
			a = a != 0;
		}
		*out = synth_int(a, false);
		return 0;
	}
	if (eval_int_node(c, expr_left(e), &a, &l) < 0 || eval_int_node(c, expr_right(e), &b, &r) < 0)
		return -1;
	lp = kind_of(&l.type) == VK_POINTER || kind_of(&l.type) == VK_ARRAY;
	rp = kind_of(&r.type) == VK_POINTER || kind_of(&r.type) == VK_ARRAY;
	/* Pointer arithmetic counts in elements, as in C. */
	if ((op == '+' || op == '-') && lp && !rp) {
		struct vtype t;
		uint64_t size = target_type(&l.type, &t) ? size_of(&t) : 1;

		*out = synth_int(op == '+' ? a + b * (size ? size : 1) : a - b * (size ? size : 1), true);
		out->type = l.type;
		if (kind_of(&l.type) == VK_ARRAY) {
			out->type = t;
			pointer_to(&out->type);
		}
		return 0;
	}
	if (op == '-' && lp && rp) {
		struct vtype t;
		uint64_t size = target_type(&l.type, &t) ? size_of(&t) : 1;

		*out = synth_int((uint64_t)(((int64_t)a - (int64_t)b) / (int64_t)(size ? size : 1)), false);
		return 0;
	}
	if (expr_binary(op, a, b, &res) < 0)
		return -1;
	*out = synth_int(res, kind_of(&l.type) == VK_UNSIGNED && kind_of(&r.type) == VK_UNSIGNED);
	return 0;
}

/*
 * gdb's artificial array, left@n: n elements of left's type from left's
 * address, for what a pointer points to (*p@len) or part of an array
 * (a[1]@3). Nothing is read here: print reads the elements it shows, a
 * watchpoint only needs the address and size. The size is capped so that
 * a slip of the finger cannot make a watchpoint or a dump of gigabytes.
 */
static int repeat(struct vctx *c, const struct expr *e, struct value *out)
{
	struct value v, n;
	uint64_t count, size;
	enum vkind nk;
	struct strbuf tn = STRBUF_INIT;

	if (eval_node(c, expr_left(e), &v) < 0 || eval_int_node(c, expr_right(e), &count, &n) < 0)
		return -1;
	nk = kind_of(&n.type);
	if (nk != VK_SIGNED && nk != VK_UNSIGNED && nk != VK_CHAR && nk != VK_UCHAR &&
	    nk != VK_ENUM) {
		type_name(&n.type, &tn);
		err_set("'@' needs an integer number of repetitions, not %s", sb_str(&tn));
		sb_free(&tn);
		return -1;
	}
	if (v.loc != VL_MEMORY || v.bit_size || v.optimized_out) {
		err_set("only values in memory can be extended with '@'");
		return -1;
	}
	if (v.type.count) {
		err_set("an array made by '@' cannot be extended with '@' again");
		return -1;
	}
	if ((int64_t)count < 1) {
		err_set("'@' needs a positive number of repetitions, not %" PRId64, (int64_t)count);
		return -1;
	}
	size = size_of(&v.type);
	if (!size) {
		type_name(&v.type, &tn);
		err_set("'@' cannot extend %s: its size is not known", sb_str(&tn));
		sb_free(&tn);
		return -1;
	}
	*out = v;
	out->type.count = count;
	if (count > MAX_REPEAT_BYTES / size) {
		type_name(&out->type, &tn);
		err_set("'@' would make %s: larger than the limit of 1 MiB", sb_str(&tn));
		sb_free(&tn);
		return -1;
	}
	return 0;
}

static int eval_node(struct vctx *c, const struct expr *e, struct value *out)
{
	struct value v;
	uint64_t a;
	const struct arch_reg *reg;

	switch (expr_kind(e)) {
	case EXPR_NUM:
		*out = synth_int(expr_num(e), false);
		return 0;
	case EXPR_REG:
		reg = regs_find(frame_arch(c->fc), expr_name(e));
		if (!reg) {
			err_set("no register $%s", expr_name(e));
			return -1;
		}
		if (frame_reg(c->fc, reg, &a) < 0)
			return -1;
		*out = synth_int(a, true);
		/* As gdb: the pc is code (shown with its symbol), sp and fp are void *. */
		if (reg == frame_arch(c->fc)->pc) {
			out->type.synth = VK_FUNC;
			out->loc = VL_NONE;
			out->addr = a;
		} else if (reg == frame_arch(c->fc)->sp || reg == frame_arch(c->fc)->fp) {
			out->type.synth = VK_VOID;
			out->type.ptr = 1;
		}
		return 0;
	case EXPR_NAME:
		return lookup_name(c, expr_name(e), out);
	case EXPR_ADDR_OF:
		if (expr_name(e)) {
			if (lookup_name(c, expr_name(e), &v) < 0) {
				/* &name of a symbol without debug information: its address. */
				struct sym_found f;
				struct sym *sym = frame_sym(c->fc);

				if (!sym || sym_lookup(sym, expr_name(e), NULL, &f) < 0)
					return -1;
				err_clear();
				*out = synth_int(f.addr, true);
				return 0;
			}
		} else if (eval_node(c, expr_left(e), &v) < 0) {
			return -1;
		}
		if (kind_of(&v.type) == VK_FUNC && v.loc == VL_NONE) {
			*out = synth_int(v.addr, true);
			return 0;
		}
		if (v.loc != VL_MEMORY || v.bit_size) {
			err_set("cannot take the address of a value that is not in memory");
			return -1;
		}
		*out = synth_int(v.addr, true);
		out->type = v.type;
		pointer_to(&out->type);
		return 0;
	case EXPR_UNARY:
		if (eval_int_node(c, expr_left(e), &a, NULL) < 0)
			return -1;
		*out = synth_int(expr_op(e) == '-' ? 0 - a : expr_op(e) == '!' ? !a : ~a, false);
		return 0;
	case EXPR_BINARY:
		return eval_binary(c, e, out);
	case EXPR_DEREF:
		if (eval_node(c, expr_left(e), &v) < 0)
			return -1;
		return deref(c, &v, out);
	case EXPR_MEMBER:
		if (eval_node(c, expr_left(e), &v) < 0)
			return -1;
		return member(c, &v, expr_name(e), out);
	case EXPR_ARROW: {
		struct value p;

		if (eval_node(c, expr_left(e), &p) < 0 || deref(c, &p, &v) < 0)
			return -1;
		return member(c, &v, expr_name(e), out);
	}
	case EXPR_INDEX:
		if (eval_node(c, expr_left(e), &v) < 0 || eval_int_node(c, expr_right(e), &a, NULL) < 0)
			return -1;
		return index_value(c, &v, (int64_t)a, out);
	case EXPR_CAST:
		if (eval_node(c, expr_left(e), &v) < 0)
			return -1;
		return cast(c, expr_name(e), &v, out);
	case EXPR_REPEAT:
		return repeat(c, e, out);
	}
	err_set("unknown expression");
	return -1;
}

struct value *value_eval_expr(const struct frame_ctx *fc, const struct expr *e)
{
	struct vctx c;
	struct value v, *out = NULL;

	if (ctx_open(fc, &c) == 0 && eval_node(&c, e, &v) == 0) {
		out = xmalloc(sizeof(*out));
		*out = v;
	}
	ctx_close(&c);
	return out;
}

struct value *value_eval(const struct frame_ctx *fc, const char *text)
{
	struct expr *e = expr_parse(text);
	struct value *out;

	if (!e)
		return NULL;
	out = value_eval_expr(fc, e);
	expr_free(e);
	return out;
}

/* Whether a name in the tree is a local variable or argument of the frame. */
static bool names_local(struct vctx *c, const struct expr *e)
{
	Dwarf_Die var;

	if (!e)
		return false;
	if ((expr_kind(e) == EXPR_NAME || expr_kind(e) == EXPR_ADDR_OF) && expr_name(e) &&
	    c->nscopes > 0) {
		int at = dwarf_getscopevar(c->scopes, c->nscopes, expr_name(e), 0, NULL, 0, 0, &var);

		/* Found in a block or function scope, not at the compile unit's top. */
		if (at >= 0 && dwarf_tag(&c->scopes[at]) != DW_TAG_compile_unit)
			return true;
	}
	return names_local(c, expr_left(e)) || names_local(c, expr_right(e));
}

bool value_uses_locals(const struct frame_ctx *fc, const char *text)
{
	struct expr *e = expr_parse(text);
	struct vctx c;
	bool local = false;

	if (!e) {
		err_clear();
		return false;
	}
	if (ctx_open(fc, &c) == 0)
		local = names_local(&c, e);
	ctx_close(&c);
	expr_free(e);
	return local;
}

void value_free(struct value *v)
{
	free(v);
}

struct value *value_dup(const struct value *v)
{
	struct value *c = xmalloc(sizeof(*c));

	*c = *v;
	return c;
}

bool value_memory(const struct value *v, uint64_t *addr, uint64_t *size)
{
	if (v->loc != VL_MEMORY || v->bit_size || v->optimized_out)
		return false;
	*addr = v->addr;
	*size = size_of(&v->type);
	return true;
}

int value_to_int(const struct frame_ctx *fc, const struct value *v, uint64_t *out)
{
	struct vctx c;
	int ret;

	if (ctx_open(fc, &c) < 0)
		return -1;
	ret = read_scalar(&c, v, out);
	ctx_close(&c);
	return ret;
}

bool value_is_plain_data(const struct value *v)
{
	enum vkind k = kind_of(&v->type);

	return v->type.has_die && k != VK_POINTER && k != VK_ARRAY && k != VK_FUNC;
}

/* ---- printing ------------------------------------------------------------ */

/* v cut to its type's size, for hexadecimal, octal and unsigned views of negative numbers. */
static uint64_t cut(uint64_t v, uint64_t size)
{
	return size && size < 8 ? v & ((UINT64_C(1) << (size * 8)) - 1) : v;
}

static void format_int(struct vctx *c, uint64_t v, enum vkind k, uint64_t size, char fmt,
		       struct strbuf *out)
{
	switch (fmt) {
	case 'x':
		sb_addf(out, "0x%" PRIx64, cut(v, size));
		return;
	case 'o':
		sb_addf(out, "0%" PRIo64, cut(v, size));
		return;
	case 'u':
		sb_addf(out, "%" PRIu64, cut(v, size));
		return;
	case 'd':
		sb_addf(out, "%" PRId64, (int64_t)v);
		return;
	case 't': {
		unsigned bits = size ? (unsigned)size * 8 : 64;
		bool started = false;

		for (unsigned i = bits; i-- > 0;) {
			if ((v >> i) & 1)
				started = true;
			if (started)
				sb_addc(out, (v >> i) & 1 ? '1' : '0');
		}
		if (!started)
			sb_addc(out, '0');
		return;
	}
	case 'c':
		k = VK_CHAR;
		break;
	case 'a': {
		/* An address, with the symbol it is in. */
		struct sym *sym = frame_sym(c->fc);
		struct sym_loc loc;

		sb_addf(out, "0x%" PRIx64, v);
		if (sym && v) {
			sym_describe(sym, v, false, &loc);
			if (loc.func)
				sb_addf(out, loc.off ? " <%s+%" PRIu64 ">" : " <%s>", loc.func, loc.off);
		}
		err_clear();
		return;
	}
	default:
		break;
	}
	if (k == VK_CHAR || k == VK_UCHAR) {
		unsigned char ch = (unsigned char)v;

		sb_addf(out, "%" PRId64 " ", k == VK_CHAR ? (int64_t)(signed char)ch : (int64_t)ch);
		if (ch >= 32 && ch < 127 && ch != '\'' && ch != '\\')
			sb_addf(out, "'%c'", ch);
		else
			sb_addf(out, "'\\%03o'", ch);
	} else if (k == VK_UNSIGNED) {
		sb_addf(out, "%" PRIu64, v);
	} else {
		sb_addf(out, "%" PRId64, (int64_t)v);
	}
}

/* A C string at addr, escaped and quoted, at most MAX_STRING characters. */
static void format_string(struct vctx *c, uint64_t addr, int64_t limit, struct strbuf *out)
{
	unsigned char buf[MAX_STRING + 1];
	ssize_t got;
	size_t max = limit >= 0 && limit < MAX_STRING ? (size_t)limit : MAX_STRING;

	got = frame_read(c->fc, addr, buf, max);
	if (got <= 0) {
		sb_addf(out, "<error: cannot access memory at 0x%" PRIx64 ">", addr);
		return;
	}
	sb_addc(out, '"');
	for (ssize_t i = 0; i < got; i++) {
		if (buf[i] == 0) {
			sb_addc(out, '"');
			return;
		}
		if (buf[i] == '"' || buf[i] == '\\')
			sb_addf(out, "\\%c", buf[i]);
		else if (buf[i] >= 32 && buf[i] < 127)
			sb_addc(out, (char)buf[i]);
		else
			sb_addf(out, "\\%03o", buf[i]);
	}
	sb_addc(out, '"');
	if ((size_t)got == max && (limit < 0 || (size_t)limit > max))
		sb_add(out, "...");
}

static bool enum_name(Dwarf_Die *type, uint64_t v, struct strbuf *out)
{
	Dwarf_Die peeled, child;
	Dwarf_Attribute attr;
	Dwarf_Sword sv;
	Dwarf_Word uv;

	if (dwarf_peel_type(type, &peeled) < 0 || dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_enumerator ||
		    !dwarf_attr_integrate(&child, DW_AT_const_value, &attr))
			continue;
		if ((dwarf_formsdata(&attr, &sv) == 0 && (uint64_t)sv == v) ||
		    (dwarf_formudata(&attr, &uv) == 0 && uv == v)) {
			sb_add(out, dwarf_diename(&child));
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static int format(struct vctx *c, const struct value *v, char fmt, int depth, struct strbuf *out);

static void format_aggregate(struct vctx *c, const struct value *v, char fmt, int depth,
			     struct strbuf *out)
{
	Dwarf_Die peeled, child;
	bool first = true;

	if (depth >= MAX_DEPTH) {
		sb_add(out, "{...}");
		return;
	}
	if (v->loc != VL_MEMORY) {
		sb_add(out, "<not in memory>");
		return;
	}
	sb_addc(out, '{');
	if (dwarf_peel_type((Dwarf_Die *)&v->type.die, &peeled) == 0 &&
	    dwarf_child(&peeled, &child) == 0) {
		do {
			struct value m;
			Dwarf_Attribute attr;
			Dwarf_Word off = 0;
			const char *name;

			if (dwarf_tag(&child) != DW_TAG_member)
				continue;
			memset(&m, 0, sizeof(m));
			if (!die_type(&child, &m.type.die))
				continue;
			m.type.has_die = true;
			if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
				dwarf_formudata(&attr, &off);
			m.loc = VL_MEMORY;
			m.addr = v->addr + off;
			member_bits(&child, &m);
			name = dwarf_diename(&child);
			sb_add(out, first ? "" : ", ");
			first = false;
			if (name)
				sb_addf(out, "%s = ", name);
			format(c, &m, fmt, depth + 1, out);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	sb_addc(out, '}');
}

static void format_array(struct vctx *c, const struct value *v, char fmt, int depth,
			 struct strbuf *out)
{
	Dwarf_Die peeled;
	struct vtype elem;
	int64_t n;
	uint64_t size;
	enum vkind ek;

	if (v->type.count) {
		n = (int64_t)v->type.count;
	} else if (dwarf_peel_type((Dwarf_Die *)&v->type.die, &peeled) == 0) {
		n = array_count(&peeled);
	} else {
		sb_add(out, "<unknown array>");
		return;
	}
	if (!target_type(&v->type, &elem)) {
		sb_add(out, "<unknown array>");
		return;
	}
	size = size_of(&elem);
	ek = kind_of(&elem);
	if (v->loc != VL_MEMORY) {
		sb_add(out, "<not in memory>");
		return;
	}
	if ((ek == VK_CHAR || ek == VK_UCHAR) && size == 1 && !fmt) {
		format_string(c, v->addr, n, out);
		return;
	}
	if (depth >= MAX_DEPTH) {
		sb_add(out, "{...}");
		return;
	}
	sb_addc(out, '{');
	for (int64_t i = 0; i < n && i < MAX_ELEMENTS; i++) {
		struct value e = { .type = elem, .loc = VL_MEMORY, .addr = v->addr + (uint64_t)i * size };

		sb_add(out, i ? ", " : "");
		format(c, &e, fmt, depth + 1, out);
	}
	if (n > MAX_ELEMENTS)
		sb_add(out, "...");
	sb_addc(out, '}');
}

static int format(struct vctx *c, const struct value *v, char fmt, int depth, struct strbuf *out)
{
	enum vkind k = kind_of(&v->type);
	uint64_t iv;
	struct sym *sym = frame_sym(c->fc);

	if (v->optimized_out) {
		sb_add(out, "<optimized out>");
		return 0;
	}
	/* An aggregate that cannot be read at all is an error, not a list of errors. */
	if ((k == VK_STRUCT || k == VK_UNION || k == VK_ARRAY) && v->loc == VL_MEMORY) {
		unsigned char probe;

		if (frame_read(c->fc, v->addr, &probe, 1) != 1) {
			err_set("cannot access memory at 0x%" PRIx64, v->addr);
			if (!depth)
				return -1;
			sb_addf(out, "<error: %s>", err_get());
			err_clear();
			return 0;
		}
	}
	switch (k) {
	case VK_STRUCT:
	case VK_UNION:
		format_aggregate(c, v, fmt, depth, out);
		return 0;
	case VK_ARRAY:
		format_array(c, v, fmt, depth, out);
		return 0;
	case VK_VOID:
	case VK_OTHER:
		sb_add(out, "<value of a type lurk cannot show>");
		return 0;
	default:
		break;
	}
	if (read_scalar(c, v, &iv) < 0) {
		sb_addf(out, "<error: %s>", err_get());
		err_clear();
		return depth ? 0 : -1;
	}
	switch (k) {
	case VK_BOOL:
		if (!fmt) {
			sb_add(out, iv ? "true" : "false");
			return 0;
		}
		break;
	case VK_FLOAT:
		if (!fmt) {
			uint64_t size = size_of(&v->type);

			if (size == 4) {
				float f;
				uint32_t w = (uint32_t)iv;

				memcpy(&f, &w, 4);
				sb_addf(out, "%.9g", f);
			} else if (size == 8) {
				double d;

				memcpy(&d, &iv, 8);
				sb_addf(out, "%.17g", d);
			} else {
				sb_add(out, "<long double: not shown yet>");
			}
			return 0;
		}
		break;
	case VK_ENUM:
		if (!fmt && enum_name((Dwarf_Die *)&v->type.die, iv, out))
			return 0;
		break;
	case VK_POINTER:
	case VK_FUNC: {
		struct vtype pointee;
		struct sym_loc loc;

		if (fmt && fmt != 'x')
			break;
		sb_addf(out, "0x%" PRIx64, iv);
		if (k == VK_FUNC || (target_type(&v->type, &pointee) && kind_of(&pointee) == VK_FUNC)) {
			if (sym && iv) {
				sym_describe(sym, iv, false, &loc);
				if (loc.func)
					sb_addf(out, loc.off ? " <%s+%" PRIu64 ">" : " <%s>", loc.func,
						loc.off);
			}
		} else if (target_type(&v->type, &pointee) && size_of(&pointee) == 1 &&
			   (kind_of(&pointee) == VK_CHAR || kind_of(&pointee) == VK_UCHAR) && iv) {
			sb_addc(out, ' ');
			format_string(c, iv, -1, out);
		}
		return 0;
	}
	default:
		break;
	}
	format_int(c, iv, k, v->bit_size ? 0 : size_of(&v->type), fmt, out);
	return 0;
}

int value_format(const struct frame_ctx *fc, const struct value *v, char fmt,
		 struct strbuf *out)
{
	struct vctx c;
	int ret;

	if (ctx_open(fc, &c) < 0)
		return -1;
	ret = format(&c, v, fmt, 0, out);
	ctx_close(&c);
	return ret;
}

void value_ptype(const struct value *v, struct strbuf *out)
{
	Dwarf_Die peeled, child, mt;
	enum vkind k = kind_of(&v->type);

	if (v->type.ptr || !v->type.has_die || (k != VK_STRUCT && k != VK_UNION && k != VK_ENUM) ||
	    dwarf_peel_type((Dwarf_Die *)&v->type.die, &peeled) < 0) {
		if (v->type.has_die && !v->type.ptr && !v->type.count &&
		    dwarf_peel_type((Dwarf_Die *)&v->type.die, &peeled) == 0) {
			struct vtype t = { .has_die = true, .die = peeled };

			type_name(&t, out);
		} else {
			type_name(&v->type, out);
		}
		return;
	}
	Dwarf_Sword next_enum = 0;

	die_type_name(&peeled, out);
	sb_add(out, " {\n");
	if (dwarf_child(&peeled, &child) == 0) {
		do {
			Dwarf_Attribute attr;
			Dwarf_Word bits;

			if (k == VK_ENUM && dwarf_tag(&child) == DW_TAG_enumerator) {
				Dwarf_Sword ev = 0;

				/* The value only where C would not count it up by itself. */
				if (dwarf_attr_integrate(&child, DW_AT_const_value, &attr))
					dwarf_formsdata(&attr, &ev);
				sb_addf(out, "    %s", dwarf_diename(&child));
				if (ev != next_enum)
					sb_addf(out, " = %" PRId64, (int64_t)ev);
				sb_add(out, ",\n");
				next_enum = ev + 1;
				continue;
			}
			if (dwarf_tag(&child) != DW_TAG_member || !die_type(&child, &mt))
				continue;
			sb_add(out, "    ");
			declare(&mt, dwarf_diename(&child) ? dwarf_diename(&child) : "", out);
			if (dwarf_attr_integrate(&child, DW_AT_bit_size, &attr) &&
			    dwarf_formudata(&attr, &bits) == 0)
				sb_addf(out, " : %" PRIu64, (uint64_t)bits);
			sb_add(out, ";\n");
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	sb_add(out, "}");
}

int value_frame_vars(const struct frame_ctx *fc, bool args,
		     void (*fn)(void *arg, const char *name, const struct value *v), void *arg)
{
	struct vctx c;
	int count = 0;

	if (ctx_open(fc, &c) < 0)
		return -1;
	if (c.level < 0 || !c.has_cu) {
		ctx_close(&c);
		err_set("no debug information for the selected frame");
		return -1;
	}
	bool in_function = false;

	for (int i = 0; i < c.nscopes; i++)
		if (dwarf_tag(&c.scopes[i]) == DW_TAG_subprogram ||
		    dwarf_tag(&c.scopes[i]) == DW_TAG_inlined_subroutine)
			in_function = true;
	if (!in_function) {
		ctx_close(&c);
		err_set("no debug information for the selected frame's function");
		return -1;
	}
	for (int i = 0; i < c.nscopes; i++) {
		Dwarf_Die child;
		int tag = dwarf_tag(&c.scopes[i]);

		if (tag == DW_TAG_compile_unit)
			break;
		if (dwarf_child(&c.scopes[i], &child) == 0) {
			do {
				struct value v;
				const char *name = dwarf_diename(&child);
				int ct = dwarf_tag(&child);

				if (!name || ct != (args ? DW_TAG_formal_parameter : DW_TAG_variable))
					continue;
				if (var_value(&c, &child, &v) < 0) {
					memset(&v, 0, sizeof(v));
					v.optimized_out = true;
					err_clear();
				}
				fn(arg, name, &v);
				count++;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		/* Arguments belong to the function; locals to it and its inner blocks. */
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
			break;
	}
	ctx_close(&c);
	return count;
}

void value_describe_place(const struct frame_ctx *fc, const struct value *v, struct strbuf *out)
{
	const struct arch_reg *reg;

	if (v->optimized_out) {
		sb_add(out, "optimized out here");
		return;
	}
	switch (v->loc) {
	case VL_MEMORY:
		sb_addf(out, "a variable at address 0x%" PRIx64, v->addr);
		return;
	case VL_REGISTER:
		reg = regs_by_dwarf(frame_arch(fc), v->reg);
		sb_addf(out, "a variable in register %s", reg ? reg->name : "?");
		return;
	case VL_CONST:
		sb_addf(out, "constant %" PRId64, (int64_t)v->cval);
		return;
	default:
		if (kind_of(&v->type) == VK_FUNC)
			sb_addf(out, "a function at address 0x%" PRIx64, v->addr);
		else
			sb_add(out, "nowhere the debug information says");
	}
}

/* The "=" of an assignment: not part of == <= >= !=. */
static const char *assignment_sign(const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p != '=')
			continue;
		if (p[1] == '=') {
			p++;
			continue;
		}
		if (p > text && strchr("=<>!", p[-1]))
			continue;
		return p;
	}
	return NULL;
}

struct value *value_assign(const struct frame_ctx *fc, const char *text)
{
	const char *eq = assignment_sign(text);
	char *lhs;
	struct value *lv, *rv;
	struct vctx c;
	uint64_t n, size, word = 0;
	enum vkind k;
	int ret = -1;

	if (!eq) {
		err_set("expected LVALUE = EXPR");
		return NULL;
	}
	lhs = xstrndup(text, (size_t)(eq - text));
	lv = value_eval(fc, lhs);
	free(lhs);
	if (!lv)
		return NULL;
	rv = value_eval(fc, eq + 1);
	if (!rv || value_to_int(fc, rv, &n) < 0)
		goto out;
	k = kind_of(&lv->type);
	size = size_of(&lv->type);
	if (lv->optimized_out) {
		err_set("the variable is optimized out here: nothing to assign to");
		goto out;
	}
	if (k == VK_FLOAT || kind_of(&rv->type) == VK_FLOAT) {
		err_set("assigning floating-point values is not supported yet");
		goto out;
	}
	if (k == VK_STRUCT || k == VK_UNION || k == VK_ARRAY || k == VK_FUNC || size == 0 ||
	    size > 8) {
		err_set("only scalar values (integers, characters, enums, pointers) can be assigned");
		goto out;
	}
	if (ctx_open(fc, &c) < 0)
		goto out;
	switch (lv->loc) {
	case VL_MEMORY:
		if (lv->bit_size) {
			size_t bytes = (lv->bit_offset + lv->bit_size + 7) / 8;
			uint64_t mask = (lv->bit_size >= 64 ? ~0ull : (1ull << lv->bit_size) - 1)
					<< lv->bit_offset;

			if (frame_read(fc, lv->addr, &word, bytes) != (ssize_t)bytes) {
				err_set("cannot access memory at 0x%" PRIx64, lv->addr);
				break;
			}
			word = (word & ~mask) | ((n << lv->bit_offset) & mask);
			ret = frame_write(fc, lv->addr, &word, bytes);
		} else {
			ret = frame_write(fc, lv->addr, &n, size);
		}
		break;
	case VL_REGISTER: {
		const struct arch_reg *reg = regs_by_dwarf(frame_arch(fc), lv->reg);

		if (c.level != 0 || !reg) {
			err_set("only the innermost frame's registers can be changed");
			break;
		}
		ret = frame_set_reg(fc, reg, n);
		break;
	}
	default:
		err_set("not something that can be assigned to (a variable, member, element or "
			"dereferenced pointer)");
	}
	ctx_close(&c);
out:
	value_free(rv);
	if (ret < 0) {
		value_free(lv);
		return NULL;
	}
	return lv;
}

/* Descend into the members of type at offset off, appending ".member" to out. */
static bool member_at(Dwarf_Die *type, uint64_t off, struct strbuf *out)
{
	Dwarf_Die peeled, child, mtype;

	if (off == 0 && (dwarf_peel_type(type, &peeled) < 0 ||
			 (dwarf_tag(&peeled) != DW_TAG_structure_type &&
			  dwarf_tag(&peeled) != DW_TAG_union_type)))
		return true;
	if (dwarf_peel_type(type, &peeled) < 0 || dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		Dwarf_Attribute attr;
		Dwarf_Word moff = 0, msize;

		if (dwarf_tag(&child) != DW_TAG_member || !die_type(&child, &mtype))
			continue;
		if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &moff);
		{
			struct vtype t = { .has_die = true, .die = mtype };

			msize = size_of(&t);
		}
		if (off < moff || off >= moff + msize)
			continue;
		if (dwarf_diename(&child))
			sb_addf(out, ".%s", dwarf_diename(&child));
		/* An object that starts here is named by this member, not by its insides. */
		if (off == moff && dwarf_diename(&child))
			return true;
		return member_at(&mtype, off - moff, out);
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int value_member_path(struct target *t, const char *name, uint64_t addr, uint64_t off,
		      char *buf, size_t len)
{
	const struct frame_ctx fc = { .target = t, .thread = NULL, .level = 0 };
	struct sym *sym = frame_sym(&fc);
	struct vctx c = { .fc = &fc, .level = -1 };
	struct strbuf path = STRBUF_INIT;
	struct value v;
	Dwarf_Die var;
	bool ok;

	/* Only the module holding the object: walking every library's DWARF is slow. */
	c.dm = sym ? dwfl_addrmodule(sym_dwfl(sym), addr) : NULL;
	if (!c.dm || !find_global(c.dm, name, &var, &c.bias)) {
		err_set("no debug information for \"%s\"", name);
		return -1;
	}
	if (var_value(&c, &var, &v) < 0)
		return -1;
	if (!v.type.has_die || v.type.ptr) {
		err_set("\"%s\" has no type to name members by", name);
		return -1;
	}
	sb_add(&path, name);
	ok = member_at(&v.type.die, off, &path);
	if (ok)
		snprintf(buf, len, "%s", sb_str(&path));
	else
		err_set("no member of %s at offset %" PRIu64, name, off);
	sb_free(&path);
	return ok ? 0 : -1;
}
