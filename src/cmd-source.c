/* cmd-source.c - what the debug information says about the source: info line, info source */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "loc.h"
#include "out.h"
#include "rec.h"
#include "select.h"
#include "session.h"
#include "source.h"
#include "srcinfo.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"

/* "add+10", gdb's <...> text for an address; empty when no symbol covers it. */
static void set_symbolic(struct sym *sym, struct rec *rec, const char *key, uint64_t addr)
{
	struct sym_loc where;

	sym_describe(sym, addr, false, &where);
	if (!where.func)
		return;
	if (where.off)
		rec_set_strf(rec, key, "%s+%" PRIu64, where.func, where.off);
	else
		rec_set_str(rec, key, where.func);
}

static void render_line(struct out *o, const struct rec *rec)
{
	out_printf(o, "Line %" PRId64 " of \"%s\"", rec_int(rec, "line", 0), rec_str(rec, "file"));
	if (rec_bool(rec, "no_code")) {
		out_printf(o, " is at address 0x%" PRIx64, rec_uint(rec, "start", 0));
		if (rec_has(rec, "start_sym"))
			out_printf(o, " <%s>", rec_str(rec, "start_sym"));
		out_printf(o, " but contains no code.\n");
		return;
	}
	out_printf(o, " starts at address 0x%" PRIx64, rec_uint(rec, "start", 0));
	if (rec_has(rec, "start_sym"))
		out_printf(o, " <%s>", rec_str(rec, "start_sym"));
	out_printf(o, " and ends at 0x%" PRIx64, rec_uint(rec, "end", 0));
	if (rec_has(rec, "end_sym"))
		out_printf(o, " <%s>", rec_str(rec, "end_sym"));
	out_printf(o, ".\n");
}

/* The selected frame's pc (the line being run), for info line and info source without LOC. */
static int selected_pc(struct session *s, uint64_t *pc)
{
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);

	if (level < 0)
		return -1;
	*pc = frames[level].pc - (level > 0 ? 1 : 0);
	return 0;
}

/*
 * Where LOC's line begins: a line spec names its line even where it has no
 * code (gdb: "contains no code"); FUNC is the function's first line, from
 * its entry (not after the prologue, as break puts it); *ADDR the line
 * holding ADDR.
 */
static int line_addr(struct session *s, struct sym *sym, const char *spec, int *asked,
		     uint64_t *addr)
{
	struct loc_list ll;
	char *file = NULL;
	int ret;

	*asked = 0;
	if (!spec) {
		if (selected_pc(s, addr) < 0) {
			err_set("no frame selected: give a location");
			return -1;
		}
		return 0;
	}
	ret = loc_line_start(s, spec, &file, asked, addr);
	free(file);
	if (ret != 0)
		return ret < 0 ? -1 : 0;
	if (loc_resolve(s, spec, &ll) <= 0) {
		loc_list_free(&ll);
		if (!err_isset())
			err_set("no code for %s", spec);
		return -1;
	}
	*addr = ll.addrs[0];
	loc_list_free(&ll);
	while (*spec == ' ')
		spec++;
	if (*spec != '*') {
		uint64_t low, high;
		char name[256];

		if (sym_func_range(sym, *addr, &low, &high, name, sizeof(name)) == 0)
			*addr = low;
		err_clear();
	}
	return 0;
}

static int cmd_source_info_line(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct sym *sym = target_sym(s->target);
	const char *spec = ctx->arg[0].set && *ctx->arg[0].s ? ctx->arg[0].s : NULL;
	struct srcinfo_line li;
	struct rec *rec;
	uint64_t addr;
	int asked;

	if (!sym || line_addr(s, sym, spec, &asked, &addr) < 0)
		return -1;
	if (srcinfo_line_at(sym, addr, &li) < 0)
		return -1;
	rec = rec_obj();
	rec_set_str(rec, "file", li.file);
	if (asked && asked != li.line) {
		rec_set_int(rec, "line", asked);
		rec_set_bool(rec, "no_code", true);
		rec_set_addr(rec, "start", addr);
		set_symbolic(sym, rec, "start_sym", addr);
	} else {
		rec_set_int(rec, "line", li.line);
		rec_set_addr(rec, "start", li.start);
		rec_set_addr(rec, "end", li.end);
		set_symbolic(sym, rec, "start_sym", li.start);
		set_symbolic(sym, rec, "end_sym", li.end);
	}
	out_emit(s->out, ctx->name, rec, render_line);
	return 0;
}

static void render_source(struct out *o, const struct rec *rec)
{
	out_printf(o, "Current source file is %s\n", rec_str(rec, "file"));
	if (rec_has(rec, "comp_dir"))
		out_printf(o, "Compilation directory is %s\n", rec_str(rec, "comp_dir"));
	if (rec_has(rec, "path"))
		out_printf(o, "Located in %s\n", rec_str(rec, "path"));
	if (rec_has(rec, "lines"))
		out_printf(o, "Contains %" PRId64 " lines.\n", rec_int(rec, "lines", 0));
	out_printf(o, "Source language is %s.\n", rec_str(rec, "language"));
	if (rec_has(rec, "producer"))
		out_printf(o, "Producer is %s.\n", rec_str(rec, "producer"));
	if (rec_has(rec, "dwarf_version"))
		out_printf(o, "Compiled with DWARF %" PRId64 " debugging format.\n",
			   rec_int(rec, "dwarf_version", 0));
}

/* The code of the current source file: the selected frame's, else where list was. */
static int current_source_addr(struct session *s, uint64_t *addr)
{
	struct loc_list ll;
	char *spec;
	int n;

	if (selected_pc(s, addr) == 0) {
		struct sym_loc where;

		sym_describe(target_sym(s->target), *addr, false, &where);
		if (where.file || !s->list_file)
			return 0;
	}
	if (!s->list_file) {
		err_set("no current source file");
		return -1;
	}
	spec = xasprintf("%s:1", s->list_file);
	n = loc_resolve(s, spec, &ll);
	free(spec);
	if (n > 0)
		*addr = ll.addrs[0];
	loc_list_free(&ll);
	if (n <= 0) {
		err_set("no code for %s", s->list_file);
		return -1;
	}
	return 0;
}

static int cmd_source_info_source(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct sym *sym = target_sym(s->target);
	struct srcinfo_cu cu;
	struct sym_loc where;
	struct rec *rec;
	uint64_t addr;
	int lines = 0;

	if (!sym || current_source_addr(s, &addr) < 0)
		return -1;
	sym_describe(sym, addr, false, &where);
	if (!where.file || srcinfo_cu_at(sym, addr, &cu) < 0) {
		err_clear();
		err_set("no current source file (no line information for 0x%" PRIx64 ")", addr);
		return -1;
	}
	rec = rec_obj();
	/* The name as the compiler was given it, as gdb shows it, when the file is the unit's own. */
	rec_set_str(rec, "file",
		    strcmp(path_base(cu.name), path_base(where.file)) == 0 ? cu.name : where.file);
	if (*cu.comp_dir)
		rec_set_str(rec, "comp_dir", cu.comp_dir);
	rec_set_str(rec, "path", where.file);
	while (source_line(where.file, lines + 1))
		lines++;
	if (lines)
		rec_set_int(rec, "lines", lines);
	rec_set_str(rec, "language", cu.language);
	if (*cu.producer)
		rec_set_str(rec, "producer", cu.producer);
	if (cu.dwarf_version)
		rec_set_int(rec, "dwarf_version", cu.dwarf_version);
	out_emit(s->out, ctx->name, rec, render_source);
	return 0;
}

const struct cmd_entry cmd_info_line_entry = {
	.name = "line",
	.args = "[LOC:rest]",
	.usage = "info line [LOC]",
	.summary = "where the code of LOC's source line starts and ends (without LOC: the "
		   "selected frame's line)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	.handler = cmd_source_info_line,
};
const struct cmd_entry cmd_info_source_entry = {
	.name = "source",
	.usage = "info source",
	.summary = "the current source file: its compilation directory, language and producer",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_source_info_source,
};
