/* cmd-disas.c - disassembly: disassemble */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "eval.h"
#include "frame.h"
#include "listing.h"
#include "out.h"
#include "rec.h"
#include "select.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"

/* The pc of the selected frame, for "=>" and for "disassemble" with no argument. */
static int selected_pc(struct session *s, uint64_t *pc)
{
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);

	if (level < 0)
		return -1;
	/* A caller's pc is a return address: the call is the instruction before it. */
	*pc = frames[level].pc;
	return 0;
}

/* Leading "/r", "/s", "/rs" modifiers, gdb's; returns the rest of the text. */
static const char *parse_modifiers(const char *p, struct listing_opts *opts)
{
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '/')
			return p;
		for (p++; *p && *p != ' ' && *p != '\t'; p++) {
			if (*p == 'r')
				opts->raw_bytes = true;
			else if (*p == 's' || *p == 'm')
				opts->source = true;
			else {
				err_set("unknown modifier '/%c' (use /r for bytes, /s for source "
					"lines)",
					*p);
				return NULL;
			}
		}
	}
}

/* "START,END" or "START,+LEN": fills *start and *end. */
static int parse_range(struct session *s, const char *text, const char *comma, uint64_t *start,
		       uint64_t *end)
{
	char *first = xstrndup(text, (size_t)(comma - text));
	const char *second = comma + 1;
	uint64_t v;
	struct frame_ctx fc;
	int rc;

	select_frame_ctx(s, &fc);
	rc = eval_int(&fc, first, start);

	free(first);
	if (rc < 0)
		return -1;
	while (*second == ' ')
		second++;
	if (*second == '+') {
		if (eval_int(&fc, second + 1, &v) < 0)
			return -1;
		*end = *start + v;
	} else if (eval_int(&fc, second, end) < 0) {
		return -1;
	}
	if (*end <= *start) {
		err_set("the range ends (0x%" PRIx64 ") before it starts (0x%" PRIx64 ")", *end,
			*start);
		return -1;
	}
	return 0;
}

static void render_disassemble(struct out *o, const struct rec *rec)
{
	if (rec_has(rec, "function"))
		out_printf(o, "Dump of assembler code for function %s:\n",
			   rec_str(rec, "function"));
	else
		out_printf(o, "Dump of assembler code from 0x%" PRIx64 " to 0x%" PRIx64 ":\n",
			   rec_uint(rec, "start", 0), rec_uint(rec, "end", 0));
	listing_render(o, rec);
	out_printf(o, "End of assembler dump.\n");
}

static int cmd_disassemble(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct listing_opts opts = { 0 };
	const char *p = parse_modifiers(ctx->raw ? ctx->raw : "", &opts);
	const char *comma;
	uint64_t start, end, next, addr;
	char name[256];
	struct rec *rec;
	struct sym *sym = target_sym(s->target);

	if (!p || !sym)
		return -1;
	if (selected_pc(s, &opts.pc) == 0)
		opts.has_pc = true;
	else
		err_clear();
	comma = strchr(p, ',');
	rec = rec_obj();
	if (comma) {
		if (parse_range(s, p, comma, &start, &end) < 0)
			goto fail;
	} else {
		if (*p) {
			struct frame_ctx fc;

			select_frame_ctx(s, &fc);
			if (eval_int(&fc, p, &addr) < 0)
				goto fail;
		} else if (opts.has_pc) {
			addr = opts.pc;
		} else {
			err_set("no frame selected: give a function or an address range");
			goto fail;
		}
		if (sym_func_range(sym, addr, &start, &end, name, sizeof(name)) < 0) {
			err_set("no function contains 0x%" PRIx64 ": give a range (ADDR,+LEN)",
				addr);
			goto fail;
		}
		opts.func_relative = true;
		rec_set_str(rec, "function", name);
		rec_set_bool(rec, "func_relative", true);
	}
	rec_set_addr(rec, "start", start);
	rec_set_addr(rec, "end", end);
	if (listing_build(s, start, end, 0, &opts, rec, &next) < 0)
		goto fail;
	out_emit(s->out, ctx->name, rec, render_disassemble);
	return 0;
fail:
	rec_free(rec);
	return -1;
}

static const struct cmd_entry disassemble_entry = {
	.name = "disassemble",
	.aliases = "disas",
	.args = "[SPEC:rest]",
	.usage = "disassemble [/r] [/s] [FUNC | ADDR | START,END | START,+LEN]",
	.summary = "machine instructions of a function or an address range, \"=>\" at the pc",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS | CMD_CORE_OK,
	.handler = cmd_disassemble,
};

const struct cmd_entry *const cmd_group_disas[] = { &disassemble_entry, NULL };
