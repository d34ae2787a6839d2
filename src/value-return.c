/* value-return.c - the value a function has just returned, found where the SysV x86-64 ABI puts it */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <string.h>

#include "err.h"
#include "frame.h"
#include "regs.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/*
 * The ABI's classes of an eightbyte (3.2.3 of the psABI). X87UP is the
 * upper half of a long double; SSEUP (vectors of 16 bytes and more) is not
 * told apart from SSE, so such a type is refused rather than read wrongly.
 */
enum rclass { RC_NONE, RC_INTEGER, RC_SSE, RC_X87, RC_X87UP, RC_MEMORY, RC_UNKNOWN };

static void merge(enum rclass *into, enum rclass c)
{
	if (*into == c || c == RC_NONE)
		return;
	if (*into == RC_NONE)
		*into = c;
	else if (*into == RC_UNKNOWN || c == RC_UNKNOWN)
		*into = RC_UNKNOWN;
	else if (*into == RC_MEMORY || c == RC_MEMORY)
		*into = RC_MEMORY;
	else if (*into == RC_INTEGER || c == RC_INTEGER)
		*into = RC_INTEGER;
	else if (*into == RC_X87 || *into == RC_X87UP || c == RC_X87 || c == RC_X87UP)
		*into = RC_MEMORY;
	else
		*into = RC_SSE;
}

static bool is_complex(const struct vtype *t)
{
	Dwarf_Die peeled;
	Dwarf_Attribute attr;
	Dwarf_Word enc;

	return t->has_die && !t->ptr && !t->count &&
	       dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) == 0 &&
	       dwarf_tag(&peeled) == DW_TAG_base_type &&
	       dwarf_attr_integrate(&peeled, DW_AT_encoding, &attr) &&
	       dwarf_formudata(&attr, &enc) == 0 && enc == DW_ATE_complex_float;
}

static void classify(const struct vtype *t, uint64_t off, enum rclass cls[2], int depth);

/* Each member of a struct or union at its offset from off. */
static void classify_members(const struct vtype *t, uint64_t off, enum rclass cls[2], int depth)
{
	Dwarf_Die peeled, child;

	if (dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0 || dwarf_child(&peeled, &child) != 0)
		return;
	do {
		struct vtype m = { .has_die = true };
		Dwarf_Attribute attr;
		Dwarf_Word moff = 0;

		if (dwarf_tag(&child) != DW_TAG_member || !vtype_die_type(&child, &m.die))
			continue;
		if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &moff);
		else if (dwarf_attr_integrate(&child, DW_AT_data_bit_offset, &attr) &&
			 dwarf_formudata(&attr, &moff) == 0)
			moff /= 8;
		classify(&m, off + moff, cls, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* Merge the classes of the scalars of type t, at byte offset off, into cls. */
static void classify(const struct vtype *t, uint64_t off, enum rclass cls[2], int depth)
{
	uint64_t size = vtype_size(t);
	enum vkind k = vtype_kind(t);
	struct vtype elem;
	int64_t n;

	if (depth > MAX_DEPTH || size == 0) {
		merge(&cls[0], RC_UNKNOWN);
		return;
	}
	if (off + size > 16) {
		merge(&cls[0], RC_MEMORY);
		return;
	}
	switch (k) {
	case VK_STRUCT:
	case VK_UNION:
		classify_members(t, off, cls, depth);
		return;
	case VK_ARRAY:
		/* A vector type (__m128) is SSEUP's, which is not told apart from SSE here. */
		if (t->has_die && !t->ptr && !t->count &&
		    dwarf_hasattr_integrate((Dwarf_Die *)&t->die, DW_AT_GNU_vector)) {
			merge(&cls[0], RC_UNKNOWN);
			return;
		}
		n = vtype_array_count(t);
		if (!vtype_target(t, &elem) || n < 0 || vtype_size(&elem) == 0) {
			merge(&cls[0], RC_UNKNOWN);
			return;
		}
		for (int64_t i = 0; i < n; i++)
			classify(&elem, off + (uint64_t)i * vtype_size(&elem), cls, depth + 1);
		return;
	case VK_FLOAT:
		if (size == 16) {
			merge(&cls[off / 8], off % 16 ? RC_MEMORY : RC_X87);
			merge(&cls[1], off % 16 ? RC_MEMORY : RC_X87UP);
			return;
		}
		merge(&cls[off / 8], off % size ? RC_MEMORY : RC_SSE);
		return;
	case VK_OTHER:
		/* float and double complex are two of their parts; long double's is X87's alone. */
		if (is_complex(t) && (size == 8 || size == 16)) {
			merge(&cls[off / 8], off % (size / 2) ? RC_MEMORY : RC_SSE);
			merge(&cls[(off + size - 1) / 8], off % (size / 2) ? RC_MEMORY : RC_SSE);
			return;
		}
		merge(&cls[0], RC_UNKNOWN);
		return;
	case VK_VOID:
	case VK_FUNC:
		merge(&cls[0], RC_UNKNOWN);
		return;
	default:
		/* Integers, characters, booleans, enums, pointers: aligned, or the whole goes to memory. */
		merge(&cls[off / 8], off % size ? RC_MEMORY : RC_INTEGER);
		if (size == 16)
			merge(&cls[1], RC_INTEGER);
	}
}

/* Eightbyte i of the value, from the next register of its class. */
static int read_eightbyte(const struct frame_ctx *fc, const struct regs_fp *fp, enum rclass c,
			  int *nint, int *nsse, unsigned char *dst)
{
	static const char *const int_regs[] = { "rax", "rdx" };
	const struct arch_reg *reg;
	uint64_t v;

	if (c == RC_SSE) {
		memcpy(dst, fp->raw + REGS_FP_XMM + 16 * (*nsse)++, 8);
		return 0;
	}
	reg = regs_find(frame_arch(fc), int_regs[(*nint)++]);
	if (!reg || frame_reg(fc, reg, &v) < 0)
		return -1;
	memcpy(dst, &v, 8);
	return 0;
}

/* The returned value of type t into out, from the registers or the memory its class says. */
static int locate(const struct frame_ctx *fc, const struct vtype *t, struct value *out)
{
	enum rclass cls[2] = { RC_NONE, RC_NONE };
	uint64_t size = vtype_size(t);
	unsigned char b[16] = { 0 };
	const struct arch_reg *rax = regs_find(frame_arch(fc), "rax");
	struct regs_fp fp;
	int nint = 0, nsse = 0;

	memset(out, 0, sizeof(*out));
	out->type = *t;
	/* COMPLEX_X87: 32 bytes that no constant holds; inside a struct it goes to memory. */
	if (is_complex(t) && size == 32) {
		err_set("a complex long double comes back in st0 and st1, which lurk does not read "
			"together yet");
		return -1;
	}
	classify(t, 0, cls, 0);
	if (cls[0] == RC_UNKNOWN || cls[1] == RC_UNKNOWN ||
	    (cls[0] == RC_NONE && cls[1] == RC_NONE)) {
		err_set("the returned value's registers are not known for its type");
		return -1;
	}
	if (cls[0] == RC_MEMORY || cls[1] == RC_MEMORY ||
	    (cls[1] == RC_X87UP && cls[0] != RC_X87) || (cls[0] == RC_X87 && cls[1] != RC_X87UP)) {
		/* The caller passed a buffer; the callee returns its address in rax. */
		out->loc = VL_MEMORY;
		return rax ? frame_reg(fc, rax, &out->addr) : -1;
	}
	if (frame_fp(fc, &fp) < 0)
		return -1;
	if (cls[0] == RC_X87) {
		memcpy(b, fp.raw + REGS_FP_ST, 10);
	} else {
		for (int i = 0; i < 2 && (uint64_t)i * 8 < size; i++)
			if (read_eightbyte(fc, &fp, cls[i], &nint, &nsse, b + i * 8) < 0)
				return -1;
	}
	out->loc = VL_CONST;
	memcpy(&out->cval, b, 8);
	memcpy(&out->cval_hi, b + 8, 8);
	return 0;
}

int value_returned(const struct frame_ctx *fc, uint64_t func_pc, struct strbuf *value,
		   struct strbuf *type)
{
	struct sym *sym = frame_sym(fc);
	struct vtype t = { .has_die = true };
	struct value v;
	Dwarf_Die fn;

	if (!sym || vtype_function_die(sym, func_pc, &fn) < 0)
		return -1;
	if (!vtype_die_type(&fn, &t.die) || vtype_kind(&t) == VK_VOID)
		return 0;
	if (strcmp(frame_arch(fc)->name, "x86_64") != 0) {
		err_set("returned values are known only for x86_64's calling convention");
		return -1;
	}
	vtype_name(&t, type);
	if (locate(fc, &t, &v) < 0 || value_format_print(fc, &v, 0, value) < 0)
		return -1;
	return 1;
}
