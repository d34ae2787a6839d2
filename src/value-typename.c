/* value-typename.c - C types as gdb writes them: base type names, declarators, qualifiers, ptype's bodies */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <string.h>

#include "util.h"
#include "value-int.h"
#include "value.h"

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
	struct vtype et = { .has_die = true, .die = *type };
	bool first = true, is_signed = vtype_is_signed(&et);

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
		int64_t counts[VTYPE_MAX_DIMS];
		int n = vtype_array_dims(type, counts);

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
	/* gdb's spacing: char * const *, char **. */
	for (unsigned i = 0; i < t->ptr; i++) {
		unsigned q = i < 16 ? (t->ptr_quals >> (2 * i)) & 3 : 0;

		if (i && ((t->ptr_quals >> (2 * (i - 1))) & 3))
			sb_addc(&stars, ' ');
		sb_addc(&stars, '*');
		if (q & VQ_CONST)
			sb_add(&stars, " const");
		if (q & VQ_VOLATILE)
			sb_add(&stars, " volatile");
	}
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

void vtype_declaration(Dwarf_Die *die, const char *name, struct strbuf *out)
{
	vtype_declare(die, 0, name, 0, 0, out);
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
