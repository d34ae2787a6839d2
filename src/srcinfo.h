/* srcinfo.h - what DWARF says about source: a line's code range, a compilation unit's facts */
#ifndef LURK_SRCINFO_H
#define LURK_SRCINFO_H

#include <stddef.h>
#include <stdint.h>

struct sym;

/* The row of a line table that holds an address: [start, end) is code of file:line. */
struct srcinfo_line {
	uint64_t start, end; /* runtime addresses */
	int line;
	char file[1024]; /* as the line table names it ("../tests/x.c") */
};

/*
 * The code of the source line addr is in: from the line-table row holding
 * addr to the next row of another line. Returns 0, or -1 with err set when
 * no line information covers addr.
 */
int srcinfo_line_at(struct sym *sym, uint64_t addr, struct srcinfo_line *out);

/* The compilation unit that holds an address, as gdb's info source tells of it. */
struct srcinfo_cu {
	char name[1024];      /* DW_AT_name: the main source file as the compiler was given it */
	char comp_dir[1024];  /* empty when DWARF does not say */
	char producer[512];   /* empty when DWARF does not say */
	const char *language; /* gdb's word: "c", "c++", "asm", ...; "unknown" */
	int dwarf_version;
};

/* Returns 0, or -1 with err set when addr has no DWARF compilation unit. */
int srcinfo_cu_at(struct sym *sym, uint64_t addr, struct srcinfo_cu *out);

#endif
