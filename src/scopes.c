/* scopes.c - the DWARF scopes that hold an address as the code nests them, inlined calls included */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <string.h>

#include "scopes.h"
#include "util.h"

/*
 * The child of parent whose code holds faddr: a function, a block or an
 * inlined call, looked for through namespaces (C++ functions are defined
 * in them), whose DIEs have no code of their own.
 */
static bool child_scope_at(Dwarf_Die *parent, Dwarf_Addr faddr, Dwarf_Die *out, int depth)
{
	Dwarf_Die child;

	if (dwarf_child(parent, &child) != 0)
		return false;
	do {
		switch (dwarf_tag(&child)) {
		case DW_TAG_subprogram:
		case DW_TAG_lexical_block:
		case DW_TAG_inlined_subroutine:
			if (dwarf_haspc(&child, faddr) == 1) {
				*out = child;
				return true;
			}
			break;
		case DW_TAG_namespace:
		case DW_TAG_module:
			if (depth < 16 && child_scope_at(&child, faddr, out, depth + 1))
				return true;
			break;
		default:
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int scopes_at(Dwarf_Die *cu, uint64_t faddr, Dwarf_Die **scopes)
{
	Dwarf_Die chain[64];
	int n = 0;

	/* One walk down the tree, outermost first: the DIEs that hold faddr nest. */
	chain[n++] = *cu;
	while (n < (int)ARRAY_SIZE(chain) && child_scope_at(&chain[n - 1], faddr, &chain[n], 0))
		n++;
	*scopes = NULL;
	if (n == 1)
		return 0;
	*scopes = xcalloc((size_t)n, sizeof(**scopes));
	for (int i = 0; i < n; i++)
		(*scopes)[i] = chain[n - 1 - i];
	return n;
}

bool scopes_enumerator(Dwarf_Die *cu, const char *name, Dwarf_Die *type, int64_t *value)
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
			*type = child;
			*value = v;
			return true;
		} while (dwarf_siblingof(&e, &e) == 0);
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}
