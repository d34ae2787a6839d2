/* cmd-source.c - what the debug information says about the source: info line, source, functions, variables */
#include <inttypes.h>
#include <regex.h>
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
#include "value.h"

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
	if (rec_bool(rec, "no_line_info")) {
		out_printf(o, "No line number information available for address 0x%" PRIx64,
			   rec_uint(rec, "start", 0));
		if (rec_has(rec, "start_sym"))
			out_printf(o, " <%s>", rec_str(rec, "start_sym"));
		out_printf(o, "\n");
		return;
	}
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
	/* A caller's pc is a return address; an inlined call's frame shares frame 0's. */
	*pc = frames[level].pc - (frames[level].phys > 0 ? 1 : 0);
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
	rec = rec_obj();
	if (srcinfo_line_at(sym, addr, &li) < 0) {
		/* gdb says so as an answer, not as an error: the address is real, its lines unknown. */
		err_clear();
		rec_set_bool(rec, "no_line_info", true);
		rec_set_addr(rec, "start", addr);
		set_symbolic(sym, rec, "start_sym", addr);
		out_emit(s->out, ctx->name, rec, render_line);
		return 0;
	}
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

struct decl_item {
	char *file; /* NULL: a non-debugging symbol */
	int line;
	char *name;
	char *text;
	uint64_t addr;
};

struct decl_list {
	struct decl_item *v;
	size_t n, cap;
};

static bool name_matches(const char *name, void *arg)
{
	return !arg || regexec(arg, name, 0, NULL, 0) == 0;
}

static void keep_decl(void *arg, const struct value_decl *d)
{
	struct decl_list *l = arg;

	/* A unit per file that includes a header declares its static inline functions again. */
	for (size_t i = 0; i < l->n && d->file; i++)
		if (l->v[i].file && l->v[i].line == d->line && strcmp(l->v[i].file, d->file) == 0 &&
		    strcmp(l->v[i].text, d->text) == 0)
			return;
	VEC_GROW(l->v, l->n, l->cap);
	l->v[l->n++] = (struct decl_item){
		d->file ? xstrdup(d->file) : NULL, d->line, xstrdup(d->name),
		d->text ? xstrdup(d->text) : NULL, d->addr,
	};
}

/* gdb's order: files by name, their entries by name; then symbols without debug information by address. */
static int decl_order(const void *pa, const void *pb)
{
	const struct decl_item *a = pa, *b = pb;
	int c;

	if (!a->file != !b->file)
		return a->file ? -1 : 1;
	if (!a->file)
		return a->addr < b->addr ? -1 : a->addr > b->addr ? 1 : strcmp(a->name, b->name);
	c = strcmp(a->file, b->file);
	if (!c)
		c = strcmp(a->name, b->name);
	return c ? c : a->line - b->line;
}

static void render_decls(struct out *o, const struct rec *rec)
{
	const struct rec *files = rec_get(rec, "files");
	const struct rec *nondebug = rec_get(rec, "non_debugging");

	if (rec_has(rec, "regex"))
		out_printf(o, "All %s matching regular expression \"%s\":\n", rec_str(rec, "kind"),
			   rec_str(rec, "regex"));
	else
		out_printf(o, "All defined %s:\n", rec_str(rec, "kind"));
	for (size_t i = 0; i < rec_len(files); i++) {
		const struct rec *f = rec_at(files, i);
		const struct rec *decls = rec_get(f, "decls");

		out_printf(o, "\nFile %s:\n", rec_str(f, "file"));
		for (size_t k = 0; k < rec_len(decls); k++) {
			const struct rec *d = rec_at(decls, k);

			out_printf(o, "%" PRId64 ":\t%s\n", rec_int(d, "line", 0),
				   rec_str(d, "text"));
		}
	}
	if (rec_len(nondebug))
		out_printf(o, "\nNon-debugging symbols:\n");
	for (size_t i = 0; i < rec_len(nondebug); i++) {
		const struct rec *d = rec_at(nondebug, i);

		out_printf(o, "0x%016" PRIx64 "  %s\n", rec_uint(d, "addr", 0), rec_str(d, "name"));
	}
}

static int info_decls(struct cmd_ctx *ctx, bool functions)
{
	struct session *s = ctx->s;
	struct sym *sym = target_sym(s->target);
	const char *pattern = ctx->arg[0].set && *ctx->arg[0].s ? ctx->arg[0].s : NULL;
	struct decl_list l = { 0 };
	struct rec *rec, *files, *nondebug, *file = NULL, *decls = NULL;
	regex_t re;
	int ret;

	if (!sym)
		return -1;
	if (pattern && (ret = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		char why[256];

		regerror(ret, &re, why, sizeof(why));
		err_set("bad regular expression \"%s\": %s", pattern, why);
		return -1;
	}
	ret = value_decls(sym, functions, name_matches, pattern ? &re : NULL, keep_decl, &l);
	if (pattern)
		regfree(&re);
	if (ret < 0)
		return -1;
	qsort(l.v, l.n, sizeof(*l.v), decl_order);
	rec = rec_obj();
	rec_set_str(rec, "kind", functions ? "functions" : "variables");
	if (pattern)
		rec_set_str(rec, "regex", pattern);
	files = rec_set_arr(rec, "files");
	nondebug = rec_set_arr(rec, "non_debugging");
	for (size_t i = 0; i < l.n; i++) {
		struct decl_item *d = &l.v[i];
		struct rec *o;

		if (!d->file) {
			o = rec_push_obj(nondebug);
			rec_set_str(o, "name", d->name);
			rec_set_addr(o, "addr", d->addr);
		} else {
			if (!file || strcmp(rec_str(file, "file"), d->file) != 0) {
				file = rec_push_obj(files);
				rec_set_str(file, "file", d->file);
				decls = rec_set_arr(file, "decls");
			}
			o = rec_push_obj(decls);
			rec_set_int(o, "line", d->line);
			rec_set_str(o, "name", d->name);
			rec_set_str(o, "text", d->text);
		}
		free(d->file);
		free(d->name);
		free(d->text);
	}
	free(l.v);
	out_emit(s->out, ctx->name, rec, render_decls);
	return 0;
}

static int cmd_source_info_functions(struct cmd_ctx *ctx)
{
	return info_decls(ctx, true);
}

static int cmd_source_info_variables(struct cmd_ctx *ctx)
{
	return info_decls(ctx, false);
}

const struct cmd_entry cmd_info_functions_entry = {
	.name = "functions",
	.args = "[REGEX:rest]",
	.usage = "info functions [REGEX]",
	.summary = "functions whose names match REGEX, declared, by source file; then those "
		   "without debug information",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_source_info_functions,
};
const struct cmd_entry cmd_info_variables_entry = {
	.name = "variables",
	.args = "[REGEX:rest]",
	.usage = "info variables [REGEX]",
	.summary = "global and static variables whose names match REGEX, as info functions",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_source_info_variables,
};
const struct cmd_entry cmd_info_line_entry = {
	.name = "line",
	.args = "[LOC:rest]",
	.usage = "info line [LOC]",
	.summary = "where the code of LOC's source line starts and ends (without LOC: the "
		   "selected frame's line)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS | CMD_CORE_OK,
	.handler = cmd_source_info_line,
};
const struct cmd_entry cmd_info_source_entry = {
	.name = "source",
	.usage = "info source",
	.summary = "the current source file: its compilation directory, language and producer",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_source_info_source,
};
