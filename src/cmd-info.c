/* cmd-info.c - the info prefix and the facts that belong to no other group: libraries, mappings, symbols */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "eval.h"
#include "frame.h"
#include "out.h"
#include "procfs.h"
#include "select.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "util.h"

extern const struct cmd_entry cmd_info_inferior_entry;
extern const struct cmd_entry cmd_info_threads_entry;
extern const struct cmd_entry cmd_info_frame_entry;
extern const struct cmd_entry cmd_info_registers_entry;
extern const struct cmd_entry cmd_info_all_registers_entry;
extern const struct cmd_entry cmd_info_breakpoints_entry;
extern const struct cmd_entry cmd_info_locals_entry;
extern const struct cmd_entry cmd_info_args_entry;
extern const struct cmd_entry cmd_info_signals_entry;
extern const struct cmd_entry cmd_info_address_entry;
extern const struct cmd_entry cmd_info_display_entry;
extern const struct cmd_entry cmd_info_watchpoints_entry;
extern const struct cmd_entry cmd_info_locks_entry;
extern const struct cmd_entry cmd_info_trace_entry;
extern const struct cmd_entry cmd_info_line_entry;
extern const struct cmd_entry cmd_info_source_entry;
extern const struct cmd_entry cmd_info_functions_entry;
extern const struct cmd_entry cmd_info_variables_entry;

static void render_libraries(struct out *o, const struct rec *rec)
{
	const struct rec *libs = rec_get(rec, "libraries");

	out_printf(o, "%-18s  %-18s  %-5s  %s\n", "From", "To", "Debug", "Library");
	for (size_t i = 0; i < rec_len(libs); i++) {
		const struct rec *l = rec_at(libs, i);

		out_printf(o, "0x%016" PRIx64 "  0x%016" PRIx64 "  %-5s  %s\n",
			   rec_uint(l, "from", 0), rec_uint(l, "to", 0),
			   rec_bool(l, "debug_info") ? "Yes" : "No", rec_str(l, "path"));
	}
}

static int cmd_info_sharedlibrary(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct sym *sym = target_sym(s->target);
	const struct sym_module *mods;
	struct rec *rec, *arr;
	char where[4300];
	size_t n;

	if (!sym)
		return -1;
	rec = rec_obj();
	arr = rec_set_arr(rec, "libraries");
	n = sym_modules(sym, &mods);
	for (size_t i = 0; i < n; i++) {
		struct rec *l;

		if (mods[i].main_module || mods[i].memory_only)
			continue;
		l = rec_push_obj(arr);
		rec_set_addr(l, "from", mods[i].low);
		rec_set_addr(l, "to", mods[i].high);
		rec_set_bool(l, "debug_info", sym_has_debuginfo(sym, mods[i].low));
		rec_set_str(l, "path",
			    target_file_location(s->target, mods[i].path, where, sizeof(where)));
	}
	out_emit(s->out, ctx->name, rec, render_libraries);
	return 0;
}

static void render_mappings(struct out *o, const struct rec *rec)
{
	const struct rec *maps = rec_get(rec, "mappings");

	out_printf(o, "process %" PRId64 "\n", rec_int(rec, "pid", 0));
	out_printf(o, "%18s %18s %10s %10s %-5s %s\n", "Start Addr", "End Addr", "Size", "Offset",
		   "Perms", "objfile");
	for (size_t i = 0; i < rec_len(maps); i++) {
		const struct rec *m = rec_at(maps, i);

		out_printf(o, "%18s %18s %#10" PRIx64 " %#10" PRIx64 " %-5s %s\n",
			   rec_str(m, "start_hex"), rec_str(m, "end_hex"),
			   rec_uint(m, "end", 0) - rec_uint(m, "start", 0),
			   rec_uint(m, "offset", 0), rec_str(m, "perms"), rec_str(m, "path"));
	}
}

static int cmd_info_proc_mappings(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct maps maps;
	struct rec *rec, *arr;

	if (target_maps(s->target, &maps) < 0)
		return -1;
	rec = rec_obj();
	rec_set_int(rec, "pid", target_pid(s->target));
	arr = rec_set_arr(rec, "mappings");
	for (size_t i = 0; i < maps.n; i++) {
		const struct map *m = &maps.v[i];
		struct rec *o = rec_push_obj(arr);

		rec_set_addr(o, "start", m->start);
		rec_set_addr(o, "end", m->end);
		rec_set_strf(o, "start_hex", "0x%" PRIx64, m->start);
		rec_set_strf(o, "end_hex", "0x%" PRIx64, m->end);
		rec_set_addr(o, "offset", m->offset);
		rec_set_str(o, "perms", m->perms);
		rec_set_strf(o, "path", "%s%s", m->path, m->deleted ? " (deleted)" : "");
	}
	procfs_maps_free(&maps);
	out_emit(s->out, ctx->name, rec, render_mappings);
	return 0;
}

static void render_symbol(struct out *o, const struct rec *rec)
{
	if (!rec_has(rec, "symbol")) {
		out_printf(o, "No symbol matches %s.\n", rec_str(rec, "expr"));
		return;
	}
	out_printf(o, "%s", rec_str(rec, "symbol"));
	if (rec_uint(rec, "offset", 0))
		out_printf(o, " + %" PRIu64, rec_uint(rec, "offset", 0));
	if (rec_has(rec, "section"))
		out_printf(o, " in section %s", rec_str(rec, "section"));
	if (rec_has(rec, "module") && !rec_bool(rec, "main_module"))
		out_printf(o, " of %s", rec_str(rec, "module"));
	out_printf(o, "\n");
}

static int cmd_info_symbol(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct sym *sym;
	struct sym_loc loc;
	struct rec *rec;
	uint64_t addr;
	struct frame_ctx fc;

	select_frame_ctx(s, &fc);
	if (eval_int(&fc, ctx->arg[0].s, &addr) < 0)
		return -1;
	sym = target_sym(s->target);
	if (!sym)
		return -1;
	sym_describe(sym, addr, false, &loc);
	rec = rec_obj();
	rec_set_str(rec, "expr", ctx->arg[0].s);
	rec_set_addr(rec, "addr", addr);
	if (loc.func) {
		const char *section = sym_section_name(sym, addr);

		rec_set_str(rec, "symbol", loc.func);
		rec_set_uint(rec, "offset", loc.off);
		if (section)
			rec_set_str(rec, "section", section);
		rec_set_str(rec, "module", loc.module);
		rec_set_bool(rec, "main_module", loc.main_module);
	}
	out_emit(s->out, ctx->name, rec, render_symbol);
	return 0;
}

static const struct cmd_entry sharedlibrary_entry = {
	.name = "sharedlibrary",
	.aliases = "dll",
	.usage = "info sharedlibrary",
	.summary = "loaded shared libraries: address range, debug information, path",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_info_sharedlibrary,
};
static const struct cmd_entry proc_mappings_entry = {
	.name = "mappings",
	.usage = "info proc mappings",
	.summary = "the process's memory mappings",
	.flags = CMD_NEED_PROCESS | CMD_CORE_OK,
	.handler = cmd_info_proc_mappings,
};
static const struct cmd_entry *const proc_sub[] = { &proc_mappings_entry, NULL };
static const struct cmd_entry proc_entry = {
	.name = "proc",
	.usage = "info proc mappings",
	.summary = "facts about the process from /proc",
	.sub = proc_sub,
};
static const struct cmd_entry symbol_entry = {
	.name = "symbol",
	.args = "ADDR:rest",
	.usage = "info symbol ADDR",
	.summary = "the symbol an address is in",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS | CMD_CORE_OK,
	.handler = cmd_info_symbol,
};

static const struct cmd_entry *const info_sub[] = {
	&cmd_info_all_registers_entry,
	&cmd_info_address_entry,
	&cmd_info_args_entry,
	&cmd_info_breakpoints_entry,
	&cmd_info_display_entry,
	&cmd_info_frame_entry,
	&cmd_info_functions_entry,
	&cmd_info_inferior_entry,
	&cmd_info_line_entry,
	&cmd_info_locals_entry,
	&cmd_info_locks_entry,
	&proc_entry,
	&cmd_info_registers_entry,
	&sharedlibrary_entry,
	&cmd_info_signals_entry,
	&cmd_info_source_entry,
	&symbol_entry,
	&cmd_info_threads_entry,
	&cmd_info_trace_entry,
	&cmd_info_variables_entry,
	&cmd_info_watchpoints_entry,
	NULL,
};
static const struct cmd_entry info_entry = {
	.name = "info",
	.aliases = "i",
	.usage = "info SUBCOMMAND",
	.summary = "facts about the process; \"info\" lists them",
	.sub = info_sub,
};

const struct cmd_entry *const cmd_group_info[] = { &info_entry, NULL };
