/* value-decls.c - the functions and variables a program defines, declared as C writes them (info functions) */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sym.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/* The names an ELF symbol table gives that match: what to look for in DWARF, and what has none. */
struct elf_match {
	char *name;
	uint64_t addr;
	bool has_debug;
};

struct module_scan {
	bool functions;
	bool (*match)(const char *name, void *arg);
	void *match_arg;
	void (*fn)(void *arg, const struct value_decl *d);
	void *arg;
	struct elf_match *found;
	size_t n, cap;
	int count;
};

static bool wanted_kind(const GElf_Sym *es, bool functions)
{
	int type = GELF_ST_TYPE(es->st_info);

	if (es->st_shndx == SHN_UNDEF)
		return false;
	return functions ? type == STT_FUNC || type == STT_GNU_IFUNC
			 : type == STT_OBJECT || type == STT_TLS;
}

static void scan_symtab(Dwfl_Module *dm, struct module_scan *ms)
{
	int nsyms = dwfl_module_getsymtab(dm);

	for (int i = 1; i < nsyms; i++) {
		GElf_Sym es;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(dm, i, &es, &addr, NULL, NULL, NULL);
		bool dup = false;

		if (!name || !*name || !wanted_kind(&es, ms->functions) ||
		    !ms->match(name, ms->match_arg))
			continue;
		for (size_t k = 0; k < ms->n && !dup; k++)
			dup = ms->found[k].addr == addr && strcmp(ms->found[k].name, name) == 0;
		if (dup)
			continue;
		VEC_GROW(ms->found, ms->n, ms->cap);
		ms->found[ms->n++] = (struct elf_match){ xstrdup(name), addr, false };
	}
}

/* A definition with code (functions) or storage (variables), not a declaration of one elsewhere. */
static bool is_definition(Dwarf_Die *die, bool functions)
{
	if (dwarf_hasattr(die, DW_AT_declaration))
		return false;
	if (functions)
		return dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges);
	return dwarf_hasattr(die, DW_AT_location) || dwarf_hasattr(die, DW_AT_const_value);
}

static void declare(Dwarf_Die *die, const char *name, bool functions, struct strbuf *out)
{
	Dwarf_Die type;
	Dwarf_Attribute attr;
	bool external = false;

	if (dwarf_formflag(dwarf_attr_integrate(die, DW_AT_external, &attr), &external) != 0 ||
	    !external)
		sb_add(out, "static ");
	if (functions)
		vtype_declaration(die, name, out);
	else if (vtype_die_type(die, &type))
		vtype_declaration(&type, name, out);
	else
		sb_addf(out, "void %s", name);
	sb_addc(out, ';');
}

static void scan_unit(Dwarf_Die *cu, struct module_scan *ms)
{
	int want = ms->functions ? DW_TAG_subprogram : DW_TAG_variable;
	Dwarf_Die die;

	if (dwarf_child(cu, &die) != 0)
		return;
	do {
		const char *name;
		struct value_decl d;
		struct strbuf text = STRBUF_INIT;
		int line = 0;

		if (dwarf_tag(&die) != want || !is_definition(&die, ms->functions))
			continue;
		name = dwarf_diename(&die);
		if (!name || !ms->match(name, ms->match_arg))
			continue;
		for (size_t k = 0; k < ms->n; k++)
			if (strcmp(ms->found[k].name, name) == 0)
				ms->found[k].has_debug = true;
		declare(&die, name, ms->functions, &text);
		dwarf_decl_line(&die, &line);
		memset(&d, 0, sizeof(d));
		d.file = dwarf_decl_file(&die);
		if (!d.file)
			d.file = dwarf_diename(cu);
		d.line = line;
		d.name = name;
		d.text = sb_str(&text);
		ms->fn(ms->arg, &d);
		ms->count++;
		sb_free(&text);
	} while (dwarf_siblingof(&die, &die) == 0);
}

static void scan_module(Dwfl_Module *dm, bool main_module, struct module_scan *ms)
{
	Dwarf_Addr bias;
	Dwarf *dw;
	Dwarf_Off off = 0, next;
	size_t hsize;

	ms->n = 0;
	scan_symtab(dm, ms);
	/* A library's DWARF is read only when its symbols name something that matches. */
	dw = main_module || ms->n ? dwfl_module_getdwarf(dm, &bias) : NULL;
	while (dw && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + hsize, &cu))
			scan_unit(&cu, ms);
		off = next;
	}
	for (size_t k = 0; k < ms->n; k++) {
		Dwarf_Addr cu_bias;
		Dwarf_Die cu_die;

		/* gdb's rule: a function's code in a unit with debug information is not "non-debugging". */
		if (dw && ms->functions &&
		    sym_module_cu_at(dm, ms->found[k].addr, &cu_die, &cu_bias))
			ms->found[k].has_debug = true;
		if (!ms->found[k].has_debug) {
			struct value_decl d = { 0 };

			d.name = ms->found[k].name;
			d.addr = ms->found[k].addr;
			ms->fn(ms->arg, &d);
			ms->count++;
		}
		free(ms->found[k].name);
	}
	ms->n = 0;
}

int value_decls(struct sym *sym, bool functions, bool (*match)(const char *name, void *arg),
		void *match_arg, void (*fn)(void *arg, const struct value_decl *d), void *arg)
{
	const struct sym_module *mods;
	size_t nmods = sym_modules(sym, &mods);
	struct module_scan ms = { functions, match, match_arg, fn, arg, NULL, 0, 0, 0 };
	Dwfl *dwfl = sym_dwfl(sym);

	if (!dwfl) {
		err_set("no symbols: the program is not running");
		return -1;
	}
	for (size_t i = 0; i < nmods; i++) {
		Dwfl_Module *dm = mods[i].memory_only ? NULL : dwfl_addrmodule(dwfl, mods[i].low);

		if (dm)
			scan_module(dm, mods[i].main_module, &ms);
	}
	free(ms.found);
	return ms.count;
}
