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
 * The C integer types as gdb names them, whatever the words' order:
 * GCC's DWARF says "long unsigned int", gdb and lurk "unsigned long".
 * NULL for other names (__int128 unsigned, complex double), kept as they
 * are, as gdb keeps them.
 */
const char *vtype_canon_base(const char *text)
{
	static const char *const ints[][2] = {
		{ "int", "unsigned int" },
		{ "long", "unsigned long" },
		{ "long long", "unsigned long long" },
	};
	unsigned nlong = 0, nshort = 0, nint = 0, nunsigned = 0, nsigned = 0, nchar = 0;
	unsigned nbool = 0, nfloat = 0, ndouble = 0;
	const char *p = text;

	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
#define IS(w) (n == strlen(w) && !strncmp(p, w, n))
		if (IS("long"))
			nlong++;
		else if (IS("short"))
			nshort++;
		else if (IS("int"))
			nint++;
		else if (IS("unsigned"))
			nunsigned++;
		else if (IS("signed"))
			nsigned++;
		else if (IS("char"))
			nchar++;
		else if (IS("_Bool") || IS("bool"))
			nbool++;
		else if (IS("float"))
			nfloat++;
		else if (IS("double"))
			ndouble++;
		else
			return NULL;
#undef IS
		p += n;
	}
	if (nunsigned + nsigned > 1 || nint > 1 || nshort > 1 || nlong > 2 ||
	    nchar + nbool + nfloat + ndouble > 1 || (nshort && nlong))
		return NULL;
	if (nchar)
		return nint || nshort || nlong ? NULL
		       : nsigned	       ? "signed char"
		       : nunsigned	       ? "unsigned char"
					       : "char";
	if (nbool || nfloat || ndouble) {
		if (nunsigned || nsigned || nint || nshort || nlong > (ndouble ? 1u : 0u))
			return NULL;
		return nbool ? "_Bool" : nfloat ? "float" : nlong ? "long double" : "double";
	}
	if (!nlong && !nshort && !nint && !nunsigned && !nsigned)
		return NULL;
	if (nshort)
		return nunsigned ? "unsigned short" : "short";
	return ints[nlong][nunsigned ? 1 : 0];
}

static void vtype_declare(Dwarf_Die *type, unsigned dim, const char *name, int show, int level,
			  struct strbuf *out);

static void indent(int level, struct strbuf *out)
{
	for (int i = 0; i < level; i++)
		sb_add(out, "    ");
}

/* A name on the right of what came before it: "int x", "char *", but "f" alone stays. */
static void add_declarator(const char *name, struct strbuf *out)
{
	if (*name)
		sb_addf(out, " %s", name);
}

/*
 * Whether type, seen through qualifiers (and typedefs when show > 0),
 * is an array or a function: a pointer to it needs parentheses,
 * "int (*)[3]".
 */
static bool needs_parens(Dwarf_Die *type, int show)
{
	Dwarf_Die t = *type, inner;

	for (;;) {
		int tag = dwarf_tag(&t);

		if (tag == DW_TAG_array_type || tag == DW_TAG_subroutine_type ||
		    tag == DW_TAG_subprogram)
			return true;
		if (tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type && !(tag == DW_TAG_typedef && show > 0))
			return false;
		if (!vtype_die_type(&t, &inner))
			return false;
		t = inner;
	}
}

/* A pointer's declarator: "*name"; a qualified pointer's "* const name", as gdb spaces it. */
static void declare_pointer(Dwarf_Die *type, const char *name, bool qualified, int show, int level,
			    struct strbuf *out)
{
	struct strbuf d = STRBUF_INIT;
	Dwarf_Die inner;
	bool has_inner = vtype_die_type(type, &inner);
	bool wrap = has_inner && needs_parens(&inner, show);

	sb_addf(&d, "%s%s%s%s%s", wrap ? "(" : "",
		dwarf_tag(type) == DW_TAG_pointer_type ? "*" : "&", qualified ? " " : "", name,
		wrap ? ")" : "");
	if (has_inner)
		vtype_declare(&inner, 0, sb_str(&d), show, level, out);
	else
		sb_addf(out, "void %s", sb_str(&d));
	sb_free(&d);
}

/*
 * const, volatile and restrict, in gdb's order whatever DWARF's: before a
 * named type ("const volatile int"), after a pointer's star ("char *
 * const"). With show > 0 a typedef between them is looked through, as
 * ptype resolves it: const char_addr is "char * const".
 */
static void declare_qualified(Dwarf_Die *type, unsigned dim, const char *name, int show, int level,
			      struct strbuf *out)
{
	Dwarf_Die t = *type, inner;
	bool is_const = false, is_volatile = false, is_restrict = false, is_void = false;
	struct strbuf q = STRBUF_INIT, d = STRBUF_INIT;

	for (;;) {
		int tag = dwarf_tag(&t);

		if (tag == DW_TAG_const_type)
			is_const = true;
		else if (tag == DW_TAG_volatile_type)
			is_volatile = true;
		else if (tag == DW_TAG_restrict_type)
			is_restrict = true;
		else if (tag != DW_TAG_typedef || show <= 0)
			break;
		if (!vtype_die_type(&t, &inner)) {
			is_void = true;
			break;
		}
		t = inner;
	}
	if (is_const)
		sb_add(&q, "const");
	if (is_volatile)
		sb_addf(&q, "%svolatile", *sb_str(&q) ? " " : "");
	if (is_restrict)
		sb_addf(&q, "%srestrict", *sb_str(&q) ? " " : "");
	if (is_void) {
		sb_addf(out, "%s%svoid", sb_str(&q), *sb_str(&q) ? " " : "");
		add_declarator(name, out);
	} else if (!*sb_str(&q)) {
		vtype_declare(&t, dim, name, show, level, out);
	} else if (dwarf_tag(&t) == DW_TAG_pointer_type) {
		sb_addf(&d, "%s%s%s", sb_str(&q), *name ? " " : "", name);
		declare_pointer(&t, sb_str(&d), true, show, level, out);
	} else {
		sb_addf(out, "%s ", sb_str(&q));
		vtype_declare(&t, dim, name, show, level, out);
	}
	sb_free(&q);
	sb_free(&d);
}

/* An enum's enumerators on one line, as gdb: {RED, GREEN = 5, BLUE}, "= N" where C would not count up to N. */
static void enum_body(Dwarf_Die *type, struct strbuf *out)
{
	Dwarf_Die child;
	int64_t next = 0;
	bool first = true, is_signed = enum_is_signed(type);

	sb_add(out, "{");
	if (dwarf_child(type, &child) == 0) {
		do {
			Dwarf_Attribute attr;
			Dwarf_Sword sv = 0;
			Dwarf_Word uv = 0;
			int64_t ev;

			if (dwarf_tag(&child) != DW_TAG_enumerator)
				continue;
			if (dwarf_attr_integrate(&child, DW_AT_const_value, &attr)) {
				if (is_signed)
					dwarf_formsdata(&attr, &sv);
				else
					dwarf_formudata(&attr, &uv);
			}
			ev = is_signed ? (int64_t)sv : (int64_t)uv;
			sb_addf(out, "%s%s", first ? "" : ", ", dwarf_diename(&child));
			if (ev != next) {
				if (is_signed)
					sb_addf(out, " = %" PRId64, ev);
				else
					sb_addf(out, " = %" PRIu64, (uint64_t)uv);
			}
			next = ev + 1;
			first = false;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	sb_add(out, "}");
}

/* A struct's or union's members, one a line, each spelled with one level less of show. */
static void members_body(Dwarf_Die *type, int show, int level, struct strbuf *out)
{
	Dwarf_Die child, mt;
	bool any = false;

	sb_add(out, "{\n");
	if (dwarf_child(type, &child) == 0) {
		do {
			Dwarf_Attribute attr;
			Dwarf_Word bits;
			const char *mname = dwarf_diename(&child);

			if (dwarf_tag(&child) != DW_TAG_member || !vtype_die_type(&child, &mt))
				continue;
			indent(level + 1, out);
			vtype_declare(&mt, 0, mname ? mname : "", show - 1, level + 1, out);
			any = true;
			if (dwarf_attr_integrate(&child, DW_AT_bit_size, &attr) &&
			    dwarf_formudata(&attr, &bits) == 0)
				sb_addf(out, " : %" PRIu64, (uint64_t)bits);
			sb_add(out, ";\n");
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	/* As gdb: a struct only declared here, or one without members. */
	if (!any) {
		indent(level + 1, out);
		sb_add(out, dwarf_hasattr(type, DW_AT_declaration) ? "<incomplete type>\n"
								   : "<no data fields>\n");
	}
	indent(level, out);
	sb_add(out, "}");
}

/*
 * A C declaration of name with type: "int x", "char *p", "struct point
 * path[3]", "int (*area)(const struct shape *)". name "" gives the type
 * alone ("int [3]", "int (*)(void)").
 *
 * show is gdb's: above 0 (ptype) typedefs are resolved and a struct's,
 * union's or enum's body is spelled out, its members with show - 1; at 0
 * only an anonymous one's body is; below 0 (whatis, print) an anonymous
 * one is "struct {...}". level is the body's indentation.
 */
static void vtype_declare(Dwarf_Die *type, unsigned dim, const char *name, int show, int level,
			  struct strbuf *out)
{
	Dwarf_Die inner;
	const char *tname = dwarf_diename(type);
	int tag = dwarf_tag(type);
	bool has_inner = vtype_die_type(type, &inner);

	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		declare_pointer(type, name, false, show, level, out);
		return;
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
			vtype_declare(&inner, 0, sb_str(&d), show, level, out);
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
				vtype_declare(&ptype, 0, "", 0, level, &d);
				first = false;
			} while (dwarf_siblingof(&param, &param) == 0);
		}
		/* C's f(void) takes nothing; an old-style f() says nothing of what it takes. */
		sb_add(&d, first && prototyped ? "void)" : ")");
		if (has_inner)
			vtype_declare(&inner, 0, sb_str(&d), show, level, out);
		else
			sb_addf(out, "void %s", sb_str(&d));
		sb_free(&d);
		return;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
		declare_qualified(type, dim, name, show, level, out);
		return;
	case DW_TAG_typedef:
		if (show > 0) {
			declare_qualified(type, dim, name, show, level, out);
			return;
		}
		sb_add(out, tname ? tname : "?");
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type: {
		const char *kw = tag == DW_TAG_structure_type ? "struct"
				 : tag == DW_TAG_union_type   ? "union"
							      : "enum";

		if (show > 0 || (show == 0 && !tname)) {
			sb_addf(out, "%s%s%s ", kw, tname ? " " : "", tname ? tname : "");
			if (tag == DW_TAG_enumeration_type)
				enum_body(type, out);
			else
				members_body(type, show, level, out);
		} else {
			sb_addf(out, "%s %s", kw, tname ? tname : "{...}");
		}
		break;
	}
	case DW_TAG_base_type:
		sb_add(out, tname && vtype_canon_base(tname) ? vtype_canon_base(tname)
			    : tname			     ? tname
							     : "?");
		break;
	default:
		sb_add(out, tname ? tname : "?");
	}
	add_declarator(name, out);
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
		sb_add(out, t->synth_schar ? "signed char" : "char");
		return;
	case VK_UCHAR:
		sb_add(out, "unsigned char");
		return;
	case VK_BOOL:
		sb_add(out, "_Bool");
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
	sb_add(out, t->synth_size == 2	 ? "short"
		    : t->synth_size == 4 ? "int"
		    : t->synth_llong	 ? "long long"
					 : "long");
}

/*
 * The levels on top of the DIE go through C's declarator, outermost first:
 * &array is "int (*)[3]", &(x@3) too, and *(char **)p@2 is "char *[2]".
 */
static void vtype_name_show(const struct vtype *t, int show, struct strbuf *out)
{
	struct strbuf d = STRBUF_INIT, stars = STRBUF_INIT;

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
	if (t->quals & VQ_CONST)
		sb_add(out, "const ");
	if (t->quals & VQ_VOLATILE)
		sb_add(out, "volatile ");
	if (t->has_die) {
		/* A typedef of an array is a name for whatis: bytes4_t *, not bytes4_t (*). */
		if (t->ptr && needs_parens((Dwarf_Die *)&t->die, show))
			parenthesize(&stars);
		vtype_declare((Dwarf_Die *)&t->die, t->dim, sb_str(&stars), show, 0, out);
	} else {
		synth_name(t, out);
		if (*sb_str(&stars))
			sb_addf(out, " %s", sb_str(&stars));
	}
	sb_free(&d);
	sb_free(&stars);
}

void vtype_name(const struct vtype *t, struct strbuf *out)
{
	vtype_name_show(t, -1, out);
}

void vtype_ptype(const struct vtype *t, struct strbuf *out)
{
	vtype_name_show(t, 1, out);
}

void value_type_name(const struct value *v, struct strbuf *out)
{
	vtype_name(&v->type, out);
}

void value_ptype(const struct value *v, struct strbuf *out)
{
	vtype_ptype(&v->type, out);
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
