/* value-type.c - C types from DWARF: kinds, sizes, signedness, element and member types */
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
#include "value-int.h"
#include "value.h"

/* ---- types ----------------------------------------------------------- */

bool vtype_die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, out);
}

static enum vkind vtype_die_kind(Dwarf_Die *type)
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

enum vkind vtype_kind(const struct vtype *t)
{
	if (t->aptr)
		return VK_POINTER;
	if (t->count)
		return VK_ARRAY;
	if (t->ptr)
		return VK_POINTER;
	if (!t->has_die)
		return t->synth;
	return vtype_die_kind((Dwarf_Die *)&t->die);
}

/*
 * An enum is signed when its underlying type is (DW_AT_type, which GCC
 * and clang give), or else when an enumerator is negative, as gdb decides.
 */
static bool enum_is_signed(Dwarf_Die *type)
{
	Dwarf_Die peeled, under, child;
	Dwarf_Attribute attr;
	Dwarf_Sword v;

	if (dwarf_peel_type(type, &peeled) < 0)
		return true;
	if (vtype_die_type(&peeled, &under)) {
		struct vtype u = { .has_die = true, .die = under };

		return vtype_is_signed(&u);
	}
	if (dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_enumerator &&
		    dwarf_attr_integrate(&child, DW_AT_const_value, &attr) &&
		    dwarf_whatform(&attr) != DW_FORM_udata && dwarf_formsdata(&attr, &v) == 0 &&
		    v < 0)
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

bool vtype_is_signed(const struct vtype *t)
{
	switch (vtype_kind(t)) {
	case VK_SIGNED:
	case VK_CHAR:
		return true;
	case VK_ENUM:
		return t->has_die && enum_is_signed((Dwarf_Die *)&t->die);
	default:
		return false;
	}
}

bool vtype_int_promote(const struct vtype *t, struct vtype *out)
{
	enum vkind k = vtype_kind(t);
	uint64_t size = vtype_size(t);
	Dwarf_Die peeled;
	const char *name;

	if (k != VK_SIGNED && k != VK_UNSIGNED && k != VK_CHAR && k != VK_UCHAR && k != VK_BOOL &&
	    k != VK_ENUM)
		return false;
	memset(out, 0, sizeof(*out));
	out->synth = VK_SIGNED;
	if (size < 4) {
		out->synth_size = 4;
		return true;
	}
	if (!vtype_is_signed(t) && k != VK_BOOL)
		out->synth = VK_UNSIGNED;
	out->synth_size = size < 8 ? 4 : 0;
	if (!t->has_die) {
		out->synth_llong = t->synth_llong;
	} else if (dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) == 0) {
		name = dwarf_diename(&peeled);
		out->synth_llong = name && strstr(name, "long long");
	}
	return true;
}

bool vtype_int_common(const struct vtype *l, const struct vtype *r, struct vtype *out)
{
	struct vtype a, b;

	if (!vtype_int_promote(l, &a) || !vtype_int_promote(r, &b))
		return false;
	/* The wider type holds all of the narrower one's values, unsigned or not. */
	if (vtype_size(&a) != vtype_size(&b)) {
		*out = vtype_size(&a) > vtype_size(&b) ? a : b;
		return true;
	}
	*out = a;
	if (b.synth == VK_UNSIGNED)
		out->synth = VK_UNSIGNED;
	out->synth_llong = a.synth_llong || b.synth_llong;
	return true;
}

uint64_t vtype_int_fit(const struct vtype *t, uint64_t v)
{
	uint64_t size = vtype_size(t);

	if (!size || size >= 8)
		return v;
	v &= (UINT64_C(1) << (size * 8)) - 1;
	if (vtype_is_signed(t) && (v >> (size * 8 - 1)) & 1)
		v |= ~UINT64_C(0) << (size * 8);
	return v;
}

int vtype_array_dims(Dwarf_Die *array, int64_t *counts)
{
	Dwarf_Die sub;
	Dwarf_Attribute attr;
	Dwarf_Word v;
	int n = 0;

	if (dwarf_child(array, &sub) != 0)
		return 0;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		counts[n] = -1;
		if (dwarf_attr_integrate(&sub, DW_AT_count, &attr) &&
		    dwarf_formudata(&attr, &v) == 0)
			counts[n] = (int64_t)v;
		else if (dwarf_attr_integrate(&sub, DW_AT_upper_bound, &attr) &&
			 dwarf_formudata(&attr, &v) == 0)
			counts[n] = (int64_t)v + 1;
		n++;
	} while (n < VTYPE_MAX_DIMS && dwarf_siblingof(&sub, &sub) == 0);
	return n;
}

/* The size of array's rows from dimension dim on: m[3][4] from 1 is an int [4]. */
static uint64_t subarray_size(Dwarf_Die *array, unsigned dim)
{
	int64_t counts[VTYPE_MAX_DIMS];
	int n = vtype_array_dims(array, counts);
	struct vtype elem = { .has_die = true };
	uint64_t size;

	if (!vtype_die_type(array, &elem.die))
		return 0;
	size = vtype_size(&elem);
	for (int i = (int)dim; i < n; i++) {
		if (counts[i] < 0)
			return 0;
		size *= (uint64_t)counts[i];
	}
	return size;
}

uint64_t vtype_size(const struct vtype *t)
{
	Dwarf_Die peeled;
	Dwarf_Word size;
	struct vtype elem;

	if (t->aptr)
		return 8;
	/* No overflow: repeat() keeps artificial arrays small. */
	if (t->count && vtype_target(t, &elem))
		return t->count * vtype_size(&elem);
	if (t->ptr)
		return 8;
	if (!t->has_die)
		return t->synth == VK_VOID || t->synth == VK_FUNC || t->synth == VK_CHAR ? 1
		       : t->synth_size ? t->synth_size
				       : 8;
	if (dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0)
		return 0;
	if (dwarf_tag(&peeled) == DW_TAG_pointer_type)
		return 8;
	/* As gdb and GCC's sizeof: a function's size is 1. */
	if (dwarf_tag(&peeled) == DW_TAG_subprogram || dwarf_tag(&peeled) == DW_TAG_subroutine_type)
		return 1;
	if (t->dim)
		return subarray_size(&peeled, t->dim);
	if (dwarf_aggregate_size(&peeled, &size) == 0)
		return size;
	return 0;
}

bool vtype_size_known(const struct vtype *t)
{
	Dwarf_Die peeled;
	Dwarf_Word size;

	if (vtype_size(t))
		return true;
	/* An empty struct (a GNU C extension) has size 0; one only declared has none. */
	return t->has_die && !t->ptr && !t->count && !t->aptr &&
	       dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) == 0 &&
	       !dwarf_hasattr(&peeled, DW_AT_declaration) &&
	       dwarf_aggregate_size(&peeled, &size) == 0;
}

/* The type a pointer or array of type t points to / holds. */
bool vtype_target(const struct vtype *t, struct vtype *out)
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
		out->ptr_quals &= (1u << (2 * out->ptr)) - 1;
		return true;
	}
	if (!t->has_die || dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0)
		return false;
	if (dwarf_tag(&peeled) == DW_TAG_array_type) {
		int64_t counts[VTYPE_MAX_DIMS];

		/* A row of a multi-dimensional array: the same DIE, one subrange further. */
		if ((int)t->dim + 1 < vtype_array_dims(&peeled, counts)) {
			out->has_die = true;
			out->die = peeled;
			out->dim = t->dim + 1;
			return true;
		}
	}
	if (!vtype_die_type(&peeled, &inner)) {
		out->synth = VK_VOID; /* void * */
		return true;
	}
	out->has_die = true;
	out->die = inner;
	return true;
}

int64_t vtype_array_count(const struct vtype *t)
{
	Dwarf_Die peeled;
	int64_t counts[VTYPE_MAX_DIMS];

	if (t->count)
		return (int64_t)t->count;
	if (!t->has_die || dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0 ||
	    (int)t->dim >= vtype_array_dims(&peeled, counts))
		return -1;
	return counts[t->dim];
}

void vtype_member_bits(Dwarf_Die *member, struct value *out)
{
	Dwarf_Attribute attr;
	Dwarf_Word bits, boff;

	if (!dwarf_attr_integrate(member, DW_AT_bit_size, &attr) ||
	    dwarf_formudata(&attr, &bits) != 0)
		return;
	out->bit_size = (unsigned)bits;
	if (dwarf_attr_integrate(member, DW_AT_data_bit_offset, &attr) &&
	    dwarf_formudata(&attr, &boff) == 0) {
		out->addr += boff / 8;
		out->bit_offset = (unsigned)(boff % 8);
	}
}

/* ---- function signatures, for tracing and finish ------------------------ */

/* What the type owner's DW_AT_type names is, classified for printing a register's bits. */
static int classify(Dwarf_Die *owner, struct value_scalar_type *out)
{
	struct vtype t = { .has_die = true };
	struct vtype pointee;
	struct strbuf name = STRBUF_INIT;
	enum vkind pk;

	memset(out, 0, sizeof(*out));
	if (!vtype_die_type(owner, &t.die)) {
		out->kind = VALUE_VOID;
		snprintf(out->name, sizeof(out->name), "void");
		return 0;
	}
	switch (vtype_kind(&t)) {
	case VK_SIGNED:
	case VK_ENUM:
		out->kind = VALUE_SIGNED;
		break;
	case VK_UNSIGNED:
		out->kind = VALUE_UNSIGNED;
		break;
	case VK_BOOL:
		out->kind = VALUE_BOOL;
		break;
	case VK_CHAR:
		out->kind = VALUE_CHAR;
		break;
	case VK_UCHAR:
		out->kind = VALUE_UCHAR;
		break;
	case VK_FLOAT:
		out->kind = VALUE_FLOAT;
		break;
	case VK_POINTER:
		out->kind = VALUE_POINTER;
		/* char * and const char *: a string to show, not just an address. */
		pk = vtype_target(&t, &pointee) ? vtype_kind(&pointee) : VK_OTHER;
		out->string = pk == VK_CHAR || pk == VK_UCHAR;
		break;
	default:
		out->kind = VALUE_OTHER;
	}
	out->size = (unsigned)vtype_size(&t);
	vtype_name(&t, &name);
	snprintf(out->name, sizeof(out->name), "%s", sb_str(&name));
	sb_free(&name);
	return 0;
}

/* The DW_TAG_subprogram DIE of the function containing pc. */
int vtype_function_die(struct sym *sym, uint64_t pc, Dwarf_Die *fn)
{
	Dwarf_Die cu_die, *cu, *scopes = NULL;
	Dwarf_Addr bias;
	int nscopes, found = -1;

	cu = sym_cu_at(sym, pc, &cu_die, &bias);
	if (!cu) {
		err_set("no debug information for 0x%" PRIx64, pc);
		return -1;
	}
	/* An assembler's subprogram (glibc's getpid) names no types: its return type is not void. */
	if (dwarf_srclang(cu) == DW_LANG_Mips_Assembler) {
		err_set("no types in the debug information at 0x%" PRIx64 " (assembler)", pc);
		return -1;
	}
	nscopes = dwarf_getscopes(cu, pc - bias, &scopes);
	for (int i = 0; i < nscopes && found < 0; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
			found = i;
	if (found < 0) {
		free(scopes);
		err_set("no function in the debug information at 0x%" PRIx64, pc);
		return -1;
	}
	*fn = scopes[found];
	free(scopes);
	return 0;
}

int value_func_return_type(struct sym *sym, uint64_t pc, struct value_scalar_type *out)
{
	Dwarf_Die fn;

	memset(out, 0, sizeof(*out));
	if (vtype_function_die(sym, pc, &fn) < 0)
		return -1;
	return classify(&fn, out);
}

int value_func_params(struct sym *sym, uint64_t pc,
		      void (*fn)(void *arg, const char *name, const struct value_scalar_type *type),
		      void *arg)
{
	Dwarf_Die func, child;
	int n = 0;

	if (vtype_function_die(sym, pc, &func) < 0)
		return -1;
	if (dwarf_child(&func, &child) != 0)
		return 0;
	do {
		struct value_scalar_type t;
		const char *name;

		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		name = dwarf_diename(&child);
		classify(&child, &t);
		fn(arg, name ? name : "?", &t);
		n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}
