/* scopes.h - the DWARF scopes that hold an address as the code nests them, inlined calls included */
#ifndef LURK_SCOPES_H
#define LURK_SCOPES_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The scopes of the code at faddr (a DWARF address) in compile unit cu,
 * innermost first, ending with cu itself, into *scopes (the caller's to
 * free): the nesting in the code, every inlined call included, where
 * dwarf_getscopes goes from the innermost inlined call into its abstract
 * definition. One walk down the tree; namespaces are left out. Returns how
 * many, 0 when no function's code holds faddr.
 */
int scopes_at(Dwarf_Die *cu, uint64_t faddr, Dwarf_Die **scopes);

/*
 * An enumerator (RED) of an enum declared at the top of compile unit cu:
 * its value, and the enum's type DIE. False when there is none.
 */
bool scopes_enumerator(Dwarf_Die *cu, const char *name, Dwarf_Die *type, int64_t *value);

#endif
