/* value-type.c - C types from DWARF: kinds, sizes, element and member types, names as C writes them, ptype */
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

#define MAX_DIMS 16

/* The element counts of an array DIE's subranges (-1 where unknown); how many there are. */
static int array_dims(Dwarf_Die *array, int64_t *counts)
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
	} while (n < MAX_DIMS && dwarf_siblingof(&sub, &sub) == 0);
	return n;
}

/* The size of array's rows from dimension dim on: m[3][4] from 1 is an int [4]. */
static uint64_t subarray_size(Dwarf_Die *array, unsigned dim)
{
	int64_t counts[MAX_DIMS];
	int n = array_dims(array, counts);
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
		return true;
	}
	if (!t->has_die || dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0)
		return false;
	if (dwarf_tag(&peeled) == DW_TAG_array_type) {
		int64_t counts[MAX_DIMS];

		/* A row of a multi-dimensional array: the same DIE, one subrange further. */
		if ((int)t->dim + 1 < array_dims(&peeled, counts)) {
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

static void vtype_die_name(Dwarf_Die *type, struct strbuf *out);

int64_t vtype_array_count(const struct vtype *t)
{
	Dwarf_Die peeled;
	int64_t counts[MAX_DIMS];

	if (t->count)
		return (int64_t)t->count;
	if (!t->has_die || dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0 ||
	    (int)t->dim >= array_dims(&peeled, counts))
		return -1;
	return counts[t->dim];
}

/*
 * A C declaration of name with type: "int x", "char *p", "struct point
 * path[3]", "int (*area)(const struct shape *)". name "" gives the type
 * alone ("int [3]", "int (*)(void)").
 */
static void vtype_declare(Dwarf_Die *type, unsigned dim, const char *name, struct strbuf *out)
{
	Dwarf_Die inner;
	const char *tname = dwarf_diename(type);
	int tag = dwarf_tag(type);
	bool has_inner = vtype_die_type(type, &inner);

	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type: {
		struct strbuf d = STRBUF_INIT;
		int itag = has_inner ? dwarf_tag(&inner) : 0;
		bool wrap = itag == DW_TAG_array_type || itag == DW_TAG_subroutine_type;

		sb_addf(&d, "%s%s%s%s", wrap ? "(" : "", tag == DW_TAG_pointer_type ? "*" : "&",
			name, wrap ? ")" : "");
		if (has_inner) {
			vtype_declare(&inner, 0, sb_str(&d), out);
		} else {
			sb_addf(out, "void %s", sb_str(&d));
		}
		sb_free(&d);
		return;
	}
	case DW_TAG_array_type: {
		struct strbuf d = STRBUF_INIT;
		int64_t counts[MAX_DIMS];
		int n = array_dims(type, counts);

		sb_add(&d, name);
		for (int i = (int)dim; i < n; i++) {
			if (counts[i] >= 0)
				sb_addf(&d, "[%" PRId64 "]", counts[i]);
			else
				sb_add(&d, "[]");
		}
		if (has_inner)
			vtype_declare(&inner, 0, sb_str(&d), out);
		else
			sb_addf(out, "? %s", sb_str(&d));
		sb_free(&d);
		return;
	}
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram: {
		struct strbuf d = STRBUF_INIT;
		Dwarf_Die param, ptype;
		bool first = true;
		bool prototyped = dwarf_hasattr_integrate(type, DW_AT_prototyped);

		sb_addf(&d, "%s(", name);
		if (dwarf_child(type, &param) == 0) {
			do {
				if (dwarf_tag(&param) == DW_TAG_unspecified_parameters) {
					sb_add(&d, first ? "..." : ", ...");
					first = false;
				}
				if (dwarf_tag(&param) != DW_TAG_formal_parameter ||
				    !vtype_die_type(&param, &ptype))
					continue;
				if (!first)
					sb_add(&d, ", ");
				vtype_declare(&ptype, 0, "", &d);
				first = false;
			} while (dwarf_siblingof(&param, &param) == 0);
		}
		/* C's f(void) takes nothing; an old-style f() says nothing of what it takes. */
		sb_add(&d, first && prototyped ? "void)" : ")");
		if (has_inner)
			vtype_declare(&inner, 0, sb_str(&d), out);
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
			vtype_declare(&inner, 0, sb_str(&d), out);
			sb_free(&d);
			return;
		}
		sb_addf(out, "%s ", q);
		if (has_inner)
			vtype_declare(&inner, 0, name, out);
		else
			sb_addf(out, "void%s%s", *name ? " " : "", name);
		return;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		sb_addf(out, "%s %s",
			tag == DW_TAG_structure_type ? "struct"
			: tag == DW_TAG_union_type   ? "union"
						     : "enum",
			tname ? tname : "{...}");
		break;
	default:
		sb_add(out, tname ? tname : "?");
	}
	if (*name)
		sb_addf(out, "%s%s", name[0] == '*' || name[0] == '&' ? " " : " ", name);
}

static void vtype_die_name(Dwarf_Die *type, struct strbuf *out)
{
	vtype_declare(type, 0, "", out);
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

/* A type no DIE describes: a literal's, an operator's result, a function without debug information. */
static void synth_name(const struct vtype *t, struct strbuf *out)
{
	switch (t->synth) {
	case VK_FUNC:
		sb_add(out, "<text variable, no debug info>");
		return;
	case VK_VOID:
		sb_add(out, "void");
		return;
	case VK_CHAR:
		sb_add(out, "char");
		return;
	case VK_UNION:
		sb_add(out, "union vec128");
		return;
	case VK_FLOAT:
		sb_add(out, t->synth_size == 4	 ? "float"
			    : t->synth_size == 8 ? "double"
						 : "long double");
		return;
	default:
		break;
	}
	if (t->synth == VK_UNSIGNED)
		sb_add(out, "unsigned ");
	sb_add(out, t->synth_size == 4 ? "int" : t->synth_llong ? "long long" : "long");
}

/*
 * The levels on top of the DIE go through C's declarator, outermost first:
 * &array is "int (*)[3]", &(x@3) too, and *(char **)p@2 is "char *[2]".
 */
void vtype_name(const struct vtype *t, struct strbuf *out)
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
		if (t->ptr && (tag == DW_TAG_array_type || tag == DW_TAG_subroutine_type ||
			       tag == DW_TAG_subprogram))
			parenthesize(&stars);
		vtype_declare((Dwarf_Die *)&t->die, t->dim, sb_str(&stars), out);
	} else {
		synth_name(t, out);
		if (*sb_str(&stars))
			sb_addf(out, " %s", sb_str(&stars));
	}
	sb_free(&d);
	sb_free(&stars);
}

void value_type_name(const struct value *v, struct strbuf *out)
{
	vtype_name(&v->type, out);
}

/* A struct's, union's or enum's body: "struct point {\n    int x;\n ...}". */
static void ptype_body(Dwarf_Die *peeled, enum vkind k, struct strbuf *out)
{
	Dwarf_Die child, mt;
	Dwarf_Sword next_enum = 0;

	vtype_die_name(peeled, out);
	sb_add(out, " {\n");
	if (dwarf_child(peeled, &child) == 0) {
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
			if (dwarf_tag(&child) != DW_TAG_member || !vtype_die_type(&child, &mt))
				continue;
			sb_add(out, "    ");
			vtype_declare(&mt, 0, dwarf_diename(&child) ? dwarf_diename(&child) : "",
				      out);
			if (dwarf_attr_integrate(&child, DW_AT_bit_size, &attr) &&
			    dwarf_formudata(&attr, &bits) == 0)
				sb_addf(out, " : %" PRIu64, (uint64_t)bits);
			sb_add(out, ";\n");
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	sb_add(out, "}");
}

/*
 * As gdb, the struct, union or enum under arrays and pointers is spelled
 * out, the declarator after it: "struct point {...} [2][2]",
 * "struct shape {...} *". A qualified one ("const struct shape *") keeps
 * its name.
 */
void value_ptype(const struct value *v, struct strbuf *out)
{
	struct vtype base = v->type, inner, bare;
	struct strbuf full = STRBUF_INIT, bname = STRBUF_INIT;
	Dwarf_Die peeled;
	enum vkind k;

	while ((vtype_kind(&base) == VK_POINTER || vtype_kind(&base) == VK_ARRAY) &&
	       vtype_target(&base, &inner))
		base = inner;
	k = vtype_kind(&base);
	if (!base.has_die || base.ptr || base.count || base.dim ||
	    (k != VK_STRUCT && k != VK_UNION && k != VK_ENUM) ||
	    dwarf_peel_type(&base.die, &peeled) < 0) {
		if (v->type.has_die && !v->type.ptr && !v->type.count &&
		    dwarf_peel_type((Dwarf_Die *)&v->type.die, &peeled) == 0) {
			struct vtype t = { .has_die = true, .die = peeled, .dim = v->type.dim };

			vtype_name(&t, out);
		} else {
			vtype_name(&v->type, out);
		}
		return;
	}
	bare = (struct vtype){ .has_die = true, .die = base.die };
	vtype_name(&v->type, &full);
	vtype_name(&bare, &bname);
	if (strncmp(sb_str(&full), sb_str(&bname), strlen(sb_str(&bname))) == 0) {
		ptype_body(&peeled, k, out);
		sb_add(out, sb_str(&full) + strlen(sb_str(&bname)));
	} else {
		sb_add(out, sb_str(&full));
	}
	sb_free(&full);
	sb_free(&bname);
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
	Dwfl_Module *dm = sym_dwfl(sym) ? dwfl_addrmodule(sym_dwfl(sym), pc) : NULL;
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	int nscopes, found = -1;

	cu = dm ? dwfl_module_addrdie(dm, pc, &bias) : NULL;
	if (!cu) {
		err_set("no debug information for 0x%" PRIx64, pc);
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
