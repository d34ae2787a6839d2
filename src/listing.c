/* listing.c - instruction listings shared by disassemble and x/i */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disas.h"
#include "err.h"
#include "listing.h"
#include "out.h"
#include "rec.h"
#include "session.h"
#include "source.h"
#include "sym.h"
#include "target.h"
#include "util.h"

#define MAX_INSN 15

/* "pthread_mutex_lock@plt" when addr is a PLT entry, by the GOT slot it jumps through. */
static bool plt_name(struct session *s, struct sym *sym, struct disas *d, uint64_t addr, char *buf,
		     size_t len)
{
	const char *sec = sym_section_name(sym, addr);
	unsigned char code[32];
	ssize_t got;
	size_t at = 0;
	char name[256];

	if (!sec || strncmp(sec, ".plt", 4) != 0)
		return false;
	got = target_read(s->target, addr, code, sizeof(code));
	/* An entry is "endbr64; bnd jmp *slot(%rip)" or "jmp *slot(%rip); push; jmp". */
	for (int i = 0; i < 2 && got > 0 && at < (size_t)got; i++) {
		struct disas_insn insn;

		if (!disas_one(d, code + at, (size_t)got - at, addr + at, &insn))
			break;
		if (insn.is_jump && insn.has_rip_mem) {
			if (sym_got_slot_name(sym, insn.rip_mem, name, sizeof(name)) < 0)
				break;
			snprintf(buf, len, "%s@plt", name);
			return true;
		}
		at += insn.size;
	}
	err_clear();
	return false;
}

/* "<main+4>" text for addr: a PLT name, else symbol+offset, else nothing. */
static bool symbolize(struct session *s, struct sym *sym, struct disas *d, uint64_t addr, char *buf,
		      size_t len)
{
	struct sym_loc loc;

	if (plt_name(s, sym, d, addr, buf, len))
		return true;
	sym_describe(sym, addr, false, &loc);
	if (!loc.func)
		return false;
	if (loc.off)
		snprintf(buf, len, "%s+%" PRIu64, loc.func, loc.off);
	else
		snprintf(buf, len, "%s", loc.func);
	return true;
}

static void add_insn(struct session *s, struct sym *sym, struct disas *d,
		     const struct listing_opts *opts, const struct disas_insn *insn,
		     struct rec *arr, const char **last_file, int *last_line)
{
	struct rec *it = rec_push_obj(arr);
	struct sym_loc loc;
	char text[300], hex[3 * MAX_INSN + 1];

	rec_set_addr(it, "addr", insn->addr);
	sym_describe(sym, insn->addr, false, &loc);
	if (loc.func) {
		rec_set_str(it, "func", loc.func);
		rec_set_uint(it, "offset", loc.off);
	}
	if (opts->source && loc.file &&
	    (loc.line != *last_line || !*last_file || strcmp(loc.file, *last_file) != 0)) {
		const char *line = source_line(loc.file, loc.line);

		rec_set_str(it, "file", loc.file);
		rec_set_int(it, "line", loc.line);
		if (line)
			rec_set_str(it, "source", line);
		*last_file = loc.file;
		*last_line = loc.line;
	}
	if (opts->raw_bytes) {
		size_t used = 0;

		hex[0] = '\0';
		for (unsigned i = 0; i < insn->size && i < MAX_INSN; i++)
			used += (size_t)snprintf(hex + used, sizeof(hex) - used, "%s%02x",
						 i ? " " : "", insn->bytes[i]);
		rec_set_str(it, "bytes", hex);
	}
	rec_set_str(it, "mnemonic", insn->mnemonic);
	rec_set_str(it, "operands", insn->operands);
	if (insn->has_target) {
		rec_set_addr(it, "target", insn->target);
		if (symbolize(s, sym, d, insn->target, text, sizeof(text)))
			rec_set_str(it, "target_sym", text);
	} else if (insn->has_rip_mem) {
		/* What a pc-relative operand refers to, as gdb's "# 0x4010 <counter>". */
		rec_set_addr(it, "mem", insn->rip_mem);
		if (symbolize(s, sym, d, insn->rip_mem, text, sizeof(text)))
			rec_set_str(it, "mem_sym", text);
	}
	if (opts->has_pc && insn->addr == opts->pc)
		rec_set_bool(it, "current", true);
}

int listing_build(struct session *s, uint64_t start, uint64_t end, unsigned count,
		  const struct listing_opts *opts, struct rec *rec, uint64_t *next)
{
	struct disas *d = target_disas(s->target);
	struct sym *sym = target_sym(s->target);
	struct rec *arr = rec_set_arr(rec, "insns");
	/* An instruction that starts inside [start, end) may end past it. */
	size_t want = end > start ? (size_t)(end - start) + MAX_INSN : (size_t)count * MAX_INSN;
	unsigned char *buf;
	ssize_t got;
	size_t at = 0;
	unsigned n = 0;
	const char *last_file = NULL;
	int last_line = 0;

	if (!d || !sym)
		return -1;
	if (disas_set_syntax(d, s->intel_syntax ? DISAS_INTEL : DISAS_ATT) < 0)
		return -1;
	if (want > 1u << 20) {
		err_set("the range 0x%" PRIx64 "..0x%" PRIx64 " is over 1 MiB; give a smaller one",
			start, end);
		return -1;
	}
	buf = xmalloc(want ? want : 1);
	got = target_read(s->target, start, buf, want);
	if (got <= 0) {
		free(buf);
		err_set("cannot access memory at 0x%" PRIx64, start);
		return -1;
	}
	while (at < (size_t)got && (end > start ? start + at < end : n < count)) {
		struct disas_insn insn;

		if (!disas_one(d, buf + at, (size_t)got - at, start + at, &insn)) {
			if (n == 0) {
				free(buf);
				return -1;
			}
			rec_set_str(rec, "note", err_get());
			err_clear();
			break;
		}
		add_insn(s, sym, d, opts, &insn, arr, &last_file, &last_line);
		at += insn.size;
		n++;
	}
	if (end > start ? start + (uint64_t)got < end : (n < count && !rec_has(rec, "note")))
		rec_set_strf(rec, "note", "cannot access memory at 0x%" PRIx64,
			     start + (uint64_t)got);
	free(buf);
	*next = start + at;
	return 0;
}

void listing_render(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "insns");
	const char *path = NULL;

	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *it = rec_at(arr, i);
		bool relative = rec_bool(rec, "func_relative");

		if (rec_has(it, "file")) {
			const char *file = rec_str(it, "file");

			if (!path || strcmp(path, file) != 0)
				out_printf(o, "%s:\n", file);
			path = file;
			out_printf(o, "%" PRId64 "\t%s\n", rec_int(it, "line", 0),
				   rec_has(it, "source") ? rec_str(it, "source") : "");
		}
		out_printf(o, "%s %s0x%016" PRIx64 "%s", rec_bool(it, "current") ? "=>" : "  ",
			   out_style(o, STYLE_ADDR), rec_uint(it, "addr", 0),
			   out_style(o, STYLE_RESET));
		if (rec_has(it, "func")) {
			if (relative)
				out_printf(o, " <+%" PRIu64 ">", rec_uint(it, "offset", 0));
			else if (rec_uint(it, "offset", 0))
				out_printf(o, " <%s+%" PRIu64 ">", rec_str(it, "func"),
					   rec_uint(it, "offset", 0));
			else
				out_printf(o, " <%s>", rec_str(it, "func"));
		}
		out_printf(o, ":\t");
		if (rec_has(it, "bytes"))
			out_printf(o, "%s\t", rec_str(it, "bytes"));
		if (*rec_str(it, "operands"))
			out_printf(o, "%-6s %s", rec_str(it, "mnemonic"), rec_str(it, "operands"));
		else
			out_printf(o, "%s", rec_str(it, "mnemonic"));
		if (rec_has(it, "target_sym"))
			out_printf(o, " <%s>", rec_str(it, "target_sym"));
		else if (rec_has(it, "mem_sym"))
			out_printf(o, "\t# 0x%" PRIx64 " <%s>", rec_uint(it, "mem", 0),
				   rec_str(it, "mem_sym"));
		out_printf(o, "\n");
	}
	if (rec_has(rec, "note"))
		out_printf(o, "(%s)\n", rec_str(rec, "note"));
}
