/* srcinfo.c - what DWARF says about source: a line's code range, a compilation unit's facts */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "srcinfo.h"
#include "sym.h"

static Dwarf_Die *cu_at(struct sym *sym, uint64_t addr, Dwarf_Die *die, Dwarf_Addr *bias)
{
	if (!sym_cu_at(sym, addr, die, bias)) {
		err_set("no debug information for 0x%" PRIx64, addr);
		return NULL;
	}
	return die;
}

/*
 * The rows of a unit's line table are sorted by address within each
 * sequence; the row holding addr is the last one at or below it, and its
 * line's code goes on up to the first later row of another line (or the
 * sequence's end).
 */
int srcinfo_line_at(struct sym *sym, uint64_t addr, struct srcinfo_line *out)
{
	Dwarf_Die die;
	Dwarf_Addr bias;
	Dwarf_Lines *lines;
	size_t n, best = SIZE_MAX;
	Dwarf_Addr best_addr = 0;
	uint64_t faddr = addr;

	if (!cu_at(sym, addr, &die, &bias))
		return -1;
	faddr = addr - bias;
	if (dwarf_getsrclines(&die, &lines, &n) != 0) {
		err_set("no line table for 0x%" PRIx64 ": %s", addr, dwarf_errmsg(-1));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		bool end = false;

		if (!l || dwarf_lineaddr(l, &a) != 0 || dwarf_lineendsequence(l, &end) != 0 || end)
			continue;
		/* Of rows at one address the last is the one that holds it. */
		if (a <= faddr && i + 1 < n) {
			Dwarf_Addr na;

			if (dwarf_lineaddr(dwarf_onesrcline(lines, i + 1), &na) == 0 &&
			    na > faddr) {
				best = i;
				best_addr = a;
			}
		}
	}
	if (best == SIZE_MAX) {
		err_set("no line number information for 0x%" PRIx64, addr);
		return -1;
	}
	{
		Dwarf_Line *l = dwarf_onesrcline(lines, best);
		const char *file = dwarf_linesrc(l, NULL, NULL);
		int line = 0;
		size_t first = best;

		dwarf_lineno(l, &line);
		/* Earlier rows of the same line at lower addresses belong to it too. */
		while (first > 0) {
			Dwarf_Line *p = dwarf_onesrcline(lines, first - 1);
			Dwarf_Addr pa;
			int pl = 0;
			bool pend = false;

			if (!p || dwarf_lineaddr(p, &pa) != 0 || dwarf_lineno(p, &pl) != 0 ||
			    dwarf_lineendsequence(p, &pend) != 0 || pend || pl != line ||
			    pa > best_addr)
				break;
			best_addr = pa;
			first--;
		}
		out->start = best_addr + bias;
		out->end = out->start;
		for (size_t i = best + 1; i < n; i++) {
			Dwarf_Line *q = dwarf_onesrcline(lines, i);
			Dwarf_Addr qa;
			int ql = 0;
			bool qend = false;

			if (!q || dwarf_lineaddr(q, &qa) != 0 || dwarf_lineno(q, &ql) != 0)
				break;
			dwarf_lineendsequence(q, &qend);
			if (qend || ql != line || qa < best_addr) {
				out->end = qa + bias;
				break;
			}
		}
		out->line = line;
		snprintf(out->file, sizeof(out->file), "%s", file ? file : "??");
	}
	return 0;
}

int srcinfo_cu_at(struct sym *sym, uint64_t addr, struct srcinfo_cu *out)
{
	Dwarf_Die die, cudie;
	Dwarf_Addr bias;
	Dwarf_Attribute attr;
	Dwarf_Half version = 0;
	Dwarf_Word lang = 0;
	const char *text;

	memset(out, 0, sizeof(*out));
	if (!cu_at(sym, addr, &die, &bias))
		return -1;
	text = dwarf_diename(&die);
	snprintf(out->name, sizeof(out->name), "%s", text ? text : "??");
	text = dwarf_formstring(dwarf_attr(&die, DW_AT_comp_dir, &attr));
	snprintf(out->comp_dir, sizeof(out->comp_dir), "%s", text ? text : "");
	text = dwarf_formstring(dwarf_attr(&die, DW_AT_producer, &attr));
	snprintf(out->producer, sizeof(out->producer), "%s", text ? text : "");
	if (dwarf_formudata(dwarf_attr(&die, DW_AT_language, &attr), &lang) != 0)
		lang = 0;
	out->language = sym_language_name((int)lang);
	if (dwarf_cu_info(die.cu, &version, NULL, &cudie, NULL, NULL, NULL, NULL) == 0)
		out->dwarf_version = version;
	return 0;
}
