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

	return vname_find_top_die(dm, NULL, is_type_named, &q, out);
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
int vname_type(struct vctx *c, const char *text, struct vtype *out)
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
		/* As gdb, the floating types are known without debug information for them. */
		unsigned fsize = !strcmp(base, "float")		? 4
				 : !strcmp(base, "double")	? 8
				 : !strcmp(base, "long double") ? 16
								: 0;

		if (!tag && fsize) {
			unsigned ptr = out->ptr;

			vfloat_type(fsize, out);
			out->ptr = ptr;
			return 0;
		}
		err_set("no type \"%s\" in the debug information", name);
		return -1;
	}
	out->has_die = true;
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

/* Descend into the members of type at offset off, appending ".member" to out. */
static bool member_at(Dwarf_Die *type, uint64_t off, struct strbuf *out)
{
	Dwarf_Die peeled, child, mtype;

	if (off == 0 &&
	    (dwarf_peel_type(type, &peeled) < 0 || (dwarf_tag(&peeled) != DW_TAG_structure_type &&
						    dwarf_tag(&peeled) != DW_TAG_union_type)))
		return true;
	if (dwarf_peel_type(type, &peeled) < 0 || dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		Dwarf_Attribute attr;
		Dwarf_Word moff = 0, msize;

		if (dwarf_tag(&child) != DW_TAG_member || !vtype_die_type(&child, &mtype))
			continue;
		if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &moff);
		{
			struct vtype t = { .has_die = true, .die = mtype };

			msize = vtype_size(&t);
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
	c.dm = sym ? dwfl_addrmodule(sym_dwfl(sym), addr) : NULL;
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
	ok = member_at(&v.type.die, off, &path);
	if (ok)
		snprintf(buf, len, "%s", sb_str(&path));
	else
		err_set("no member of %s at offset %" PRIu64, name, off);
	sb_free(&path);
	return ok ? 0 : -1;
}
