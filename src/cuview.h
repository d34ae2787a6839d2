/* cuview.h - the compilation unit at an address, read without reading the units before it */
#ifndef LURK_CUVIEW_H
#define LURK_CUVIEW_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdint.h>

/*
 * libdw (0.188) learns of a unit only by reading every unit header before
 * it and keeping about 1 KiB of bookkeeping for each: the first question
 * about a function late in libc's debug file (2,000 units) touches 500
 * fresh pages, and libdwfl's address lookup reads the address ranges of
 * all of them. A view answers "which unit holds this address" from
 * .debug_aranges itself and opens that unit in a Dwarf handle of its own,
 * over a private copy-on-write mapping of the same file, in which the
 * header of the first unit not yet read says, for the moment libdw reads
 * it, that its unit ends where the wanted one starts. DIE offsets are the
 * file's, so everything libdw does within the unit is unchanged.
 *
 * A unit that refers to DIEs of other units (DW_FORM_ref_addr, type units,
 * dwz's partial units) is not served: those DIEs may lie in skipped bytes.
 * Nor are compressed sections (the debug cache inflates them). The caller
 * then asks libdwfl as before.
 */
struct cuview;

/* The view of dm's debug file; NULL when it cannot have one (the caller falls back). */
struct cuview *cuview_open(Dwfl_Module *dm);
void cuview_free(struct cuview *v);

enum cuview_result {
	CUVIEW_FOUND,	 /* *out is the unit's DIE */
	CUVIEW_NO_UNIT,	 /* .debug_aranges says no unit holds the address */
	CUVIEW_FALLBACK, /* the view cannot serve that unit: ask libdwfl */
};

/* The unit holding addr, a DWARF (unbiased) address of the view's file. */
enum cuview_result cuview_unit_at(struct cuview *v, uint64_t addr, Dwarf_Die *out);

/*
 * The same unit, in a Dwarf handle that holds it alone, to read its line
 * table from. libdw keeps a unit's decoded lines (tens of KiB for a libc
 * unit) as long as the handle lives, so a backtrace through many units
 * would keep them all; this handle, and everything read through it, is
 * ended when the lines of another unit are asked for. What *out gives
 * (lines, file names) is valid until then.
 */
enum cuview_result cuview_lines_unit_at(struct cuview *v, uint64_t addr, Dwarf_Die *out);

#endif
