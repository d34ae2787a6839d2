/* value-names.c - what a name means in a frame: local, global, enumerator, function, type, member path */
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
#include "scopes.h"
#include "sym.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/* Walk the top-level DIEs of every compile unit of a module until match() accepts one. */
static bool vname_find_top_die(Dwfl_Module *dm, Dwarf_Addr *bias,
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
static bool vname_find_global(Dwfl_Module *dm, const char *name, Dwarf_Die *out, Dwarf_Addr *bias)
{
	return vname_find_top_die(dm, bias, is_global_named, name, out);
}

struct type_query {
	int tag; /* 0: a base type or typedef */
	const char *name;
	const char *canon; /* a C base type's name as vtype_canon_base() spells it, or NULL */
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
	if (!n)
		return false;
	/* "unsigned long" is DWARF's "long unsigned int": compared as C spells them. */
	if (q->canon)
		return t == DW_TAG_base_type && vtype_canon_base(n) &&
		       strcmp(vtype_canon_base(n), q->canon) == 0;
	return strcmp(n, q->name) == 0;
}

/* A type DIE named name (tag 0: base type or typedef) in one module's compile units. */
static bool find_type_in(Dwfl_Module *dm, const struct type_query *q, Dwarf_Die *out)
{
	return vname_find_top_die(dm, NULL, is_type_named, q, out);
}

/*
 * The C base types of the x86-64 ABI, for a cast to one the program's
 * DWARF never names: (short *)&v, (_Bool)1, as gdb knows them without
 * debug information.
 */
static bool synth_base(const char *canon, struct vtype *out)
{
	static const struct {
		const char *name;
		enum vkind kind;
		unsigned size;
		bool llong, schar;
	} bases[] = {
		{ "char", VK_CHAR, 1, false, false },
		{ "signed char", VK_CHAR, 1, false, true },
		{ "unsigned char", VK_UCHAR, 1, false, false },
		{ "_Bool", VK_BOOL, 1, false, false },
		{ "short", VK_SIGNED, 2, false, false },
		{ "unsigned short", VK_UNSIGNED, 2, false, false },
		{ "int", VK_SIGNED, 4, false, false },
		{ "unsigned int", VK_UNSIGNED, 4, false, false },
		{ "long", VK_SIGNED, 8, false, false },
		{ "unsigned long", VK_UNSIGNED, 8, false, false },
		{ "long long", VK_SIGNED, 8, true, false },
		{ "unsigned long long", VK_UNSIGNED, 8, true, false },
	};
	unsigned fsize = !strcmp(canon, "float")	 ? 4
			 : !strcmp(canon, "double")	 ? 8
			 : !strcmp(canon, "long double") ? 16
							 : 0;

	if (fsize) {
		vfloat_type(fsize, out);
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		if (strcmp(canon, bases[i].name) != 0)
			continue;
		memset(out, 0, sizeof(*out));
		out->synth = bases[i].kind;
		out->synth_size = bases[i].size;
		out->synth_llong = bases[i].llong;
		out->synth_schar = bases[i].schar;
		return true;
	}
	return false;
}

/*
 * text without its const and volatile words and with one space between
 * words: "const char * const" is "char *". Those before the first star
 * qualify the named type: *quals gets them (VQ_CONST, VQ_VOLATILE); those
 * after the n-th star qualify that pointer: *ptr_quals gets them shifted by
 * 2(n-1), as struct vtype keeps them.
 */
static void drop_qualifiers(const char *text, char *buf, size_t len, unsigned *quals,
			    unsigned *ptr_quals)
{
	struct strbuf b = STRBUF_INIT;
	const char *p = text;
	unsigned stars = 0;

	*quals = *ptr_quals = 0;
	while (*p) {
		size_t n;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '*') {
			sb_add(&b, *sb_str(&b) && sb_str(&b)[strlen(sb_str(&b)) - 1] != '*' ? " *"
											    : "*");
			stars++;
			p++;
			continue;
		}
		n = strcspn(p, " *");
		if ((n == 5 && !strncmp(p, "const", 5)) || (n == 8 && !strncmp(p, "volatile", 8))) {
			unsigned q = n == 5 ? VQ_CONST : VQ_VOLATILE;

			if (!stars)
				*quals |= q;
			else if (stars <= 16)
				*ptr_quals |= q << (2 * (stars - 1));
		} else
			sb_addf(&b, "%s%.*s", *sb_str(&b) ? " " : "", (int)n, p);
		p += n;
	}
	snprintf(buf, len, "%s", sb_str(&b));
	sb_free(&b);
}

/*
 * Resolve a cast's type name ("char *", "struct point *", "counter_t",
 * "unsigned short", "const char *").
 */
int vname_type(struct vctx *c, const char *text, struct vtype *out)
{
	char name[256];
	size_t n;
	struct type_query q = { 0 };
	const char *base;
	struct sym *sym = frame_sym(c->fc);
	const struct sym_module *mods;
	size_t nmods = sym ? sym_modules(sym, &mods) : 0;
	unsigned ptr = 0, quals, ptr_quals;
	bool found = false;

	memset(out, 0, sizeof(*out));
	drop_qualifiers(text, name, sizeof(name), &quals, &ptr_quals);
	n = strlen(name);
	while (n && (name[n - 1] == '*' || name[n - 1] == ' ')) {
		if (name[n - 1] == '*')
			ptr++;
		name[--n] = '\0';
	}
	base = name;
	if (!strncmp(base, "struct ", 7)) {
		q.tag = DW_TAG_structure_type;
		base += 7;
	} else if (!strncmp(base, "union ", 6)) {
		q.tag = DW_TAG_union_type;
		base += 6;
	} else if (!strncmp(base, "enum ", 5)) {
		q.tag = DW_TAG_enumeration_type;
		base += 5;
	}
	q.name = base;
	if (!q.tag && !strcmp(base, "void")) {
		out->synth = VK_VOID;
		out->ptr = ptr;
		out->quals = quals;
		out->ptr_quals = ptr_quals;
		return 0;
	}
	if (!q.tag)
		q.canon = vtype_canon_base(base);
	found = c->dm && find_type_in(c->dm, &q, &out->die);
	for (size_t i = 0; i < nmods && !found; i++) {
		Dwfl_Module *dm = dwfl_addrmodule(sym_dwfl(sym), mods[i].low);

		if (mods[i].main_module && dm != c->dm)
			found = find_type_in(dm, &q, &out->die);
	}
	if (found)
		out->has_die = true;
	else if (!q.canon || !synth_base(q.canon, out)) {
		err_set("no type \"%s\" in the debug information", name);
		return -1;
	}
	out->ptr = ptr;
	out->quals = quals;
	out->ptr_quals = ptr_quals;
	return 0;
}

int value_type_describe(const struct frame_ctx *fc, const char *text, bool expand,
			struct strbuf *out)
{
	struct vctx c;
	struct vtype t;
	Dwarf_Die inner;
	int ret = -1;

	if (vctx_open(fc, &c) == 0 && vname_type(&c, text, &t) == 0) {
		/* whatis of a typedef's name shows what it names, one level down, as gdb. */
		if (!expand && t.has_die && !t.ptr && dwarf_tag(&t.die) == DW_TAG_typedef) {
			if (vtype_die_type(&t.die, &inner)) {
				t.die = inner;
			} else {
				memset(&t, 0, sizeof(t));
				t.synth = VK_VOID;
			}
		}
		if (expand)
			vtype_ptype(&t, out);
		else
			vtype_name(&t, out);
		ret = 0;
	}
	vctx_close(&c);
	return ret;
}

/* An enumerator (RED) of an enum declared at the top of the compile unit. */
static bool find_enumerator(Dwarf_Die *cu, const char *name, struct value *out)
{
	Dwarf_Die type;
	int64_t v;

	if (!scopes_enumerator(cu, name, &type, &v))
		return false;
	memset(out, 0, sizeof(*out));
	out->type.has_die = true;
	out->type.die = type;
	out->loc = VL_CONST;
	out->cval = (uint64_t)v;
	return true;
}

/* A global's value: its DWARF addresses are relative to its own module (bias), not the frame's. */
static int global_value(struct vctx *c, Dwarf_Die *var, Dwarf_Addr bias, struct value *out)
{
	Dwarf_Addr saved = c->bias;
	int ret;

	c->bias = bias;
	ret = vloc_var(c, var, out);
	c->bias = saved;
	return ret;
}

int vname_lookup(struct vctx *c, const char *name, struct value *out)
{
	Dwarf_Die var;
	Dwarf_Addr bias;
	struct sym *sym = frame_sym(c->fc);
	struct sym_found f;

	/*
	 * A header's "extern int counter;" puts a declaration in the compile
	 * unit beside the definition: the declaration has no location, the
	 * definition (found among the globals below) does.
	 */
	if (c->nscopes > 0 &&
	    dwarf_getscopevar(c->scopes, c->nscopes, name, 0, NULL, 0, 0, &var) >= 0 &&
	    dwarf_tag(&var) != DW_TAG_subprogram &&
	    !(dwarf_hasattr(&var, DW_AT_declaration) && !dwarf_hasattr(&var, DW_AT_location)))
		return vloc_var(c, &var, out);
	/* Globals: the frame's module first, then the program's. */
	if (c->dm && vname_find_global(c->dm, name, &var, &bias))
		return global_value(c, &var, bias, out);
	const struct sym_module *mods;
	size_t nmods = sym ? sym_modules(sym, &mods) : 0;

	for (size_t i = 0; i < nmods; i++) {
		Dwfl_Module *dm = dwfl_addrmodule(sym_dwfl(sym), mods[i].low);

		if (mods[i].main_module && dm != c->dm && vname_find_global(dm, name, &var, &bias))
			return global_value(c, &var, bias, out);
	}
	if (c->has_cu && find_enumerator(&c->cu, name, out))
		return 0;
	if (sym && sym_lookup(sym, name, NULL, &f) == 0) {
		memset(out, 0, sizeof(*out));
		if (f.kind == SYM_FUNC) {
			/* Its type from the DWARF subprogram at its address, when there is one. */
			out->type.synth = VK_FUNC;
			out->type.has_die = vtype_function_die(sym, f.addr, &out->type.die) == 0;
			err_clear();
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

/*
 * Descend into the members and elements of type at offset off, appending
 * ".member" and "[i]" to out: accounts[2].mu, locks[3].
 */
static bool member_at(const struct vtype *type, uint64_t off, struct strbuf *out)
{
	Dwarf_Die peeled, child, mtype;
	int tag;

	if (dwarf_peel_type((Dwarf_Die *)&type->die, &peeled) < 0)
		return false;
	tag = dwarf_tag(&peeled);
	if (tag == DW_TAG_array_type) {
		struct vtype elem;
		uint64_t esize, i;
		int64_t count = vtype_array_count(type);

		if (!vtype_target(type, &elem) || !elem.has_die || !(esize = vtype_size(&elem)))
			return false;
		i = off / esize;
		if (count >= 0 && i >= (uint64_t)count)
			return false;
		sb_addf(out, "[%" PRIu64 "]", i);
		return member_at(&elem, off - i * esize, out);
	}
	if (off == 0 && tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
		return true;
	if (dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		Dwarf_Attribute attr;
		Dwarf_Word moff = 0, msize;
		struct vtype t = { .has_die = true };

		if (dwarf_tag(&child) != DW_TAG_member || !vtype_die_type(&child, &mtype))
			continue;
		if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &moff);
		t.die = mtype;
		msize = vtype_size(&t);
		if (off < moff || off >= moff + msize)
			continue;
		if (dwarf_diename(&child))
			sb_addf(out, ".%s", dwarf_diename(&child));
		/* An object that starts here is named by this member, not by its insides. */
		if (off == moff && dwarf_diename(&child) && vtype_kind(&t) != VK_ARRAY)
			return true;
		return member_at(&t, off - moff, out);
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int value_member_path(struct target *t, const char *name, uint64_t addr, uint64_t off, char *buf,
		      size_t len)
{
	const struct frame_ctx fc = { .target = t, .thread = NULL, .level = 0 };
	struct sym *sym = frame_sym(&fc);
	struct vctx c = { .fc = &fc, .level = -1 };
	struct strbuf path = STRBUF_INIT;
	struct value v;
	Dwarf_Die var;
	bool ok;

	/* Only the module holding the object: walking every library's DWARF is slow. */
	c.dm = sym ? sym_module_at(sym, addr) : NULL;
	if (!c.dm || !vname_find_global(c.dm, name, &var, &c.bias)) {
		err_set("no debug information for \"%s\"", name);
		return -1;
	}
	if (vloc_var(&c, &var, &v) < 0)
		return -1;
	if (!v.type.has_die || v.type.ptr) {
		err_set("\"%s\" has no type to name members by", name);
		return -1;
	}
	sb_add(&path, name);
	ok = member_at(&v.type, off, &path);
	if (ok)
		snprintf(buf, len, "%s", sb_str(&path));
	else
		err_set("no member of %s at offset %" PRIu64, name, off);
	sb_free(&path);
	return ok ? 0 : -1;
}
