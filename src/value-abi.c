/* value-abi.c - where the SysV x86-64 calling convention puts a value: its eightbytes' classes */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <string.h>

#include "err.h"
#include "value-int.h"

static void merge(enum vabi_class *into, enum vabi_class c)
{
	if (*into == c || c == VABI_NONE)
		return;
	if (*into == VABI_NONE)
		*into = c;
	else if (*into == VABI_UNKNOWN || c == VABI_UNKNOWN)
		*into = VABI_UNKNOWN;
	else if (*into == VABI_MEMORY || c == VABI_MEMORY)
		*into = VABI_MEMORY;
	else if (*into == VABI_INTEGER || c == VABI_INTEGER)
		*into = VABI_INTEGER;
	else if (*into == VABI_X87 || *into == VABI_X87UP || c == VABI_X87 || c == VABI_X87UP)
		*into = VABI_MEMORY;
	else
		*into = VABI_SSE;
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

static void classify(const struct vtype *t, uint64_t off, enum vabi_class cls[2], int depth);

/* Each member of a struct or union at its offset from off. */
static void classify_members(const struct vtype *t, uint64_t off, enum vabi_class cls[2], int depth)
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
static void classify(const struct vtype *t, uint64_t off, enum vabi_class cls[2], int depth)
{
	uint64_t size = vtype_size(t);
	enum vkind k = vtype_kind(t);
	struct vtype elem;
	int64_t n;

	if (depth > MAX_DEPTH || size == 0) {
		merge(&cls[0], VABI_UNKNOWN);
		return;
	}
	if (off + size > 16) {
		merge(&cls[0], VABI_MEMORY);
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
			merge(&cls[0], VABI_UNKNOWN);
			return;
		}
		n = vtype_array_count(t);
		if (!vtype_target(t, &elem) || n < 0 || vtype_size(&elem) == 0) {
			merge(&cls[0], VABI_UNKNOWN);
			return;
		}
		for (int64_t i = 0; i < n; i++)
			classify(&elem, off + (uint64_t)i * vtype_size(&elem), cls, depth + 1);
		return;
	case VK_FLOAT:
		if (size == 16) {
			merge(&cls[off / 8], off % 16 ? VABI_MEMORY : VABI_X87);
			merge(&cls[1], off % 16 ? VABI_MEMORY : VABI_X87UP);
			return;
		}
		merge(&cls[off / 8], off % size ? VABI_MEMORY : VABI_SSE);
		return;
	case VK_OTHER:
		/* float and double complex are two of their parts; long double's is X87's alone. */
		if (is_complex(t) && (size == 8 || size == 16)) {
			merge(&cls[off / 8], off % (size / 2) ? VABI_MEMORY : VABI_SSE);
			merge(&cls[(off + size - 1) / 8],
			      off % (size / 2) ? VABI_MEMORY : VABI_SSE);
			return;
		}
		merge(&cls[0], VABI_UNKNOWN);
		return;
	case VK_VOID:
	case VK_FUNC:
		merge(&cls[0], VABI_UNKNOWN);
		return;
	default:
		/* Integers, characters, booleans, enums, pointers: aligned, or the whole goes to memory. */
		merge(&cls[off / 8], off % size ? VABI_MEMORY : VABI_INTEGER);
		if (size == 16)
			merge(&cls[1], VABI_INTEGER);
	}
}

void vabi_classify(const struct vtype *t, enum vabi_class cls[2])
{
	cls[0] = cls[1] = VABI_NONE;
	classify(t, 0, cls, 0);
}

bool vabi_in_memory(const enum vabi_class cls[2])
{
	return cls[0] == VABI_MEMORY || cls[1] == VABI_MEMORY ||
	       (cls[1] == VABI_X87UP && cls[0] != VABI_X87) ||
	       (cls[0] == VABI_X87 && cls[1] != VABI_X87UP);
}

int vabi_result(const struct vtype *t, const struct vabi_regs *r, uint64_t mem, struct value *out)
{
	enum vabi_class cls[2];
	uint64_t size = vtype_size(t);
	unsigned char b[16] = { 0 };
	int nint = 0, nsse = 0;

	memset(out, 0, sizeof(*out));
	out->type = *t;
	/* COMPLEX_X87: 32 bytes that no constant holds; inside a struct it goes to memory. */
	if (is_complex(t) && size == 32) {
		err_set("a complex long double comes back in st0 and st1, which lurk does not read "
			"together yet");
		return -1;
	}
	vabi_classify(t, cls);
	if (cls[0] == VABI_UNKNOWN || cls[1] == VABI_UNKNOWN ||
	    (cls[0] == VABI_NONE && cls[1] == VABI_NONE)) {
		err_set("the returned value's registers are not known for its type");
		return -1;
	}
	if (vabi_in_memory(cls)) {
		/* The caller passed a buffer; the callee returns its address in rax. */
		out->loc = VL_MEMORY;
		out->addr = mem;
		return 0;
	}
	if (cls[0] == VABI_X87)
		memcpy(b, r->st0, 10);
	else
		for (int i = 0; i < 2 && (uint64_t)i * 8 < size; i++)
			memcpy(b + i * 8,
			       cls[i] == VABI_SSE ? (const void *)r->vecs[nsse++]
						  : (const void *)&r->ints[nint++],
			       8);
	out->loc = VL_CONST;
	memcpy(&out->cval, b, 8);
	memcpy(&out->cval_hi, b + 8, 8);
	return 0;
}
