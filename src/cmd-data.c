/* cmd-data.c - memory and registers: x and info registers */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "eval.h"
#include "fmt.h"
#include "frame.h"
#include "listing.h"
#include "out.h"
#include "regs.h"
#include "select.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"

#define MAX_STRING 65536 /* x/s with "print elements" unlimited */

/* "<main+4>" for addresses inside a symbol, "" otherwise. */
static void symbol_label(struct session *s, uint64_t addr, char *buf, size_t len)
{
	struct sym *sym = target_sym(s->target);
	struct sym_loc loc;

	buf[0] = '\0';
	if (!sym)
		return;
	sym_describe(sym, addr, false, &loc);
	if (!loc.func)
		return;
	if (loc.off)
		snprintf(buf, len, "<%s+%" PRIu64 ">", loc.func, loc.off);
	else
		snprintf(buf, len, "<%s>", loc.func);
}

static int64_t sign_extend(uint64_t v, unsigned unit)
{
	unsigned bits = unit * 8;

	if (bits >= 64)
		return (int64_t)v;
	if (v & (1ull << (bits - 1)))
		v |= ~0ull << bits;
	return (int64_t)v;
}

/* bits as print shows a value of that kind and size. */
static void format_as(enum value_kind kind, unsigned size, uint64_t bits, char *buf, size_t len)
{
	struct value_scalar_type t = { .kind = kind, .size = size };
	struct strbuf sb = STRBUF_INIT;

	value_format_scalar(&t, bits, &sb);
	snprintf(buf, len, "%s", sb_str(&sb));
	sb_free(&sb);
}

static void format_value(struct session *s, char fmt, unsigned unit, uint64_t v, char *buf,
			 size_t len)
{
	char label[300];

	switch (fmt) {
	case 'd':
		snprintf(buf, len, "%" PRId64, sign_extend(v, unit));
		break;
	case 'u':
		snprintf(buf, len, "%" PRIu64, v);
		break;
	case 'o':
		snprintf(buf, len, "0%" PRIo64, v);
		break;
	case 't':
		for (unsigned i = 0; i < unit * 8 && i + 1 < len; i++)
			buf[i] = (v >> (unit * 8 - 1 - i)) & 1 ? '1' : '0';
		buf[unit * 8 < len ? unit * 8 : len - 1] = '\0';
		break;
	case 'c':
		/* The low byte as print shows a char: 9 '\\t'. */
		format_as(VALUE_CHAR, 1, v & 0xff, buf, len);
		break;
	case 'f':
		/* gdb's x/f: a float for w, a double for g; smaller units are integers. */
		if (unit == 4 || unit == 8)
			format_as(VALUE_FLOAT, unit, v, buf, len);
		else
			snprintf(buf, len, "%" PRId64, sign_extend(v, unit));
		break;
	case 'a':
		symbol_label(s, v, label, sizeof(label));
		snprintf(buf, len, "0x%" PRIx64 "%s%.*s", v, label[0] ? " " : "", (int)(len / 2),
			 label);
		break;
	default:
		snprintf(buf, len, "0x%0*" PRIx64, (int)unit * 2, v);
	}
}

static void render_x(struct out *o, const struct rec *rec)
{
	const struct rec *items = rec_get(rec, "items");
	uint64_t unit = rec_uint(rec, "unit", 4);
	const char *format = rec_str(rec, "format");
	size_t per_line = format[0] == 's' ? 1 : unit == 8 ? 2 : unit == 4 ? 4 : 8;

	for (size_t i = 0; i < rec_len(items); i++) {
		const struct rec *it = rec_at(items, i);

		if (i % per_line == 0) {
			if (i)
				out_printf(o, "\n");
			out_printf(o, "%s0x%" PRIx64 "%s", out_style(o, STYLE_ADDR),
				   rec_uint(it, "addr", 0), out_style(o, STYLE_RESET));
			if (rec_has(it, "label"))
				out_printf(o, " %s", rec_str(it, "label"));
			out_printf(o, ":");
		}
		out_printf(o, "\t%s", rec_str(it, "text"));
	}
	if (rec_len(items))
		out_printf(o, "\n");
}

/*
 * The C string at addr for x/s, as gdb's: at most "print elements"
 * characters (then "..." and the next x/s goes on from there), escaped and
 * folded as print writes strings. Returns the bytes consumed (with the NUL).
 */
static size_t read_string(struct session *s, uint64_t addr, struct strbuf *text, bool *ok)
{
	unsigned elements = value_print_opts()->elements;
	size_t max = elements && elements < MAX_STRING ? elements : MAX_STRING;
	unsigned char *buf = xmalloc(max + 1);
	ssize_t got = target_read(s->target, addr, buf, max + 1);
	size_t n, used;

	*ok = got > 0;
	if (!*ok) {
		free(buf);
		return 0;
	}
	for (n = 0; n < (size_t)got && n < max && buf[n]; n++)
		;
	value_format_chars(buf, n, n == max && (size_t)got > n && buf[n], text);
	used = n < (size_t)got && !buf[n] ? n + 1 : n;
	free(buf);
	return used;
}

/* x/Ni: N instructions from addr, "=>" at the selected frame's pc. */
static int examine_insns(struct session *s, const char *cmd, uint64_t addr, unsigned count)
{
	struct listing_opts opts = { 0 };
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);
	struct rec *rec = rec_obj();
	uint64_t next;

	if (level >= 0) {
		opts.has_pc = true;
		opts.pc = frames[level].pc;
	}
	err_clear();
	rec_set_addr(rec, "addr", addr);
	rec_set_str(rec, "format", "i");
	if (listing_build(s, addr, 0, count, &opts, rec, &next) < 0) {
		rec_free(rec);
		return -1;
	}
	s->x_next = next;
	s->x_format = 'i';
	out_emit(s->out, cmd, rec, listing_render);
	return 0;
}

static int cmd_data_x(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct xfmt f;
	uint64_t addr;
	char fmt;
	unsigned unit;
	struct rec *rec, *items;
	unsigned char *buf = NULL;
	ssize_t got = 0;
	int ret = 0;

	if (fmt_parse_x(ctx->fmt, &f) < 0)
		return -1;
	fmt = f.format ? f.format : s->x_format;
	unit = f.unit ? f.unit : fmt == 'a' ? 8 : fmt == 'c' ? 1 : s->x_unit;
	if (fmt == 's' || fmt == 'c')
		unit = f.unit ? f.unit : 1;
	/* As gdb: x/f without a unit is a double unless the last unit was a word. */
	if (fmt == 'f' && !f.unit && unit != 4)
		unit = 8;
	if (ctx->arg[0].set && !ctx->repeated) {
		struct frame_ctx fc;

		select_frame_ctx(s, &fc);
		if (eval_int(&fc, ctx->arg[0].s, &addr) < 0)
			return -1;
	} else if (s->x_next) {
		addr = s->x_next;
	} else {
		err_set("no address given (and no earlier x to continue from)");
		return -1;
	}
	/* gdb's x without an address or format continues with the same count. */
	if (!ctx->fmt && !ctx->arg[0].set)
		f.count = s->x_count;
	s->x_count = f.count;
	if (fmt == 'i')
		return examine_insns(s, ctx->name, addr, f.count);
	rec = rec_obj();
	rec_set_addr(rec, "addr", addr);
	rec_set_strf(rec, "format", "%c", fmt);
	rec_set_uint(rec, "unit", unit);
	items = rec_set_arr(rec, "items");
	if (fmt == 's') {
		uint64_t a = addr;

		for (unsigned i = 0; i < f.count; i++) {
			struct strbuf text = STRBUF_INIT;
			char label[300];
			bool ok;
			size_t used;
			struct rec *it;

			if (i % 1024 == 1023 && out_poll_cut(s->out))
				break;
			used = read_string(s, a, &text, &ok);
			if (!ok) {
				sb_free(&text);
				err_set("cannot access memory at 0x%" PRIx64, a);
				ret = -1;
				break;
			}
			it = rec_push_obj(items);
			rec_set_addr(it, "addr", a);
			symbol_label(s, a, label, sizeof(label));
			if (label[0])
				rec_set_str(it, "label", label);
			rec_set_str(it, "text", sb_str(&text));
			sb_free(&text);
			a += used;
		}
		s->x_next = a;
	} else {
		size_t len = (size_t)f.count * unit;

		buf = xmalloc(len);
		got = target_read(s->target, addr, buf, len);
		if (got < 0)
			got = 0;
		for (size_t i = 0; i + unit <= (size_t)got; i += unit) {
			struct rec *it;
			char text[96], label[300];
			uint64_t v = 0;

			/* Ctrl-C while a huge count is formatted: nothing of it would be shown. */
			if ((i / unit) % 4096 == 4095 && out_poll_cut(s->out))
				break;
			it = rec_push_obj(items);
			memcpy(&v, buf + i, unit);
			rec_set_addr(it, "addr", addr + i);
			if (i % ((unit == 8 ? 2 : unit == 4 ? 4 : 8) * unit) == 0) {
				symbol_label(s, addr + i, label, sizeof(label));
				if (label[0])
					rec_set_str(it, "label", label);
			}
			/* A string, as addresses are: JSON numbers lose bits above 2^53. */
			rec_set_addr(it, "value", v);
			format_value(s, fmt, unit, v, text, sizeof(text));
			rec_set_str(it, "text", text);
			value_conv_set_examined(addr + i, unit, v);
		}
		if ((size_t)got < len) {
			err_set("cannot access memory at 0x%" PRIx64,
				addr + (uint64_t)got / unit * unit);
			ret = -1;
		}
		s->x_next = addr + (uint64_t)got / unit * unit;
		free(buf);
	}
	s->x_format = fmt;
	if (fmt != 's' && fmt != 'c' && fmt != 'a')
		s->x_unit = unit;
	if (rec_len(items))
		out_emit(s->out, ctx->name, rec, render_x);
	else
		rec_free(rec);
	return ret;
}

int cmd_data_examine(struct session *s, const char *fmt, const char *expr)
{
	struct cmd_ctx ctx = { .s = s, .name = "x", .fmt = fmt, .raw = expr };

	ctx.arg[0].set = true;
	ctx.arg[0].s = expr;
	return cmd_data_x(&ctx);
}

static void render_registers(struct out *o, const struct rec *rec)
{
	const struct rec *regs = rec_get(rec, "registers");

	for (size_t i = 0; i < rec_len(regs); i++) {
		const struct rec *r = rec_at(regs, i);

		if (rec_has(r, "raw")) {
			out_printf(o, "%-15s%-19s (raw %s)\n", rec_str(r, "name"),
				   rec_str(r, "natural"), rec_str(r, "raw"));
			continue;
		}
		if (!rec_has(r, "value") && rec_has(r, "natural")) {
			out_printf(o, "%-15s%s\n", rec_str(r, "name"), rec_str(r, "natural"));
			continue;
		}
		if (!rec_has(r, "value")) {
			out_printf(o, "%-15s<not saved>\n", rec_str(r, "name"));
			continue;
		}
		out_printf(o, "%-15s0x%-18" PRIx64 "%s\n", rec_str(r, "name"),
			   rec_uint(r, "value", 0), rec_str(r, "natural"));
	}
}

static void add_register(struct session *s, const struct frame_ctx *fc, struct rec *arr,
			 const struct arch_reg *reg)
{
	const struct arch *a = target_arch(s->target);
	struct rec *r = rec_push_obj(arr);
	uint64_t v;
	char natural[320];

	rec_set_str(r, "name", reg->name);
	if (frame_reg(fc, reg, &v) < 0) {
		err_clear();
		return;
	}
	rec_set_addr(r, "value", v);
	if (reg->is_flags) {
		a->flags_str(v, natural, sizeof(natural));
	} else if (reg == a->pc) {
		char label[300];

		symbol_label(s, v, label, sizeof(label));
		snprintf(natural, sizeof(natural), "0x%" PRIx64 "%s%s", v, label[0] ? " " : "",
			 label);
	} else if (reg == a->sp || reg == a->fp) {
		snprintf(natural, sizeof(natural), "0x%" PRIx64, v);
	} else {
		snprintf(natural, sizeof(natural), "%" PRId64, (int64_t)v);
	}
	rec_set_str(r, "natural", natural);
}

/*
 * An x87, SSE or control register of the FXSAVE area, as gdb shows it: st0
 * by value and raw bits, xmm0 as its union's lanes in hex, the control
 * words as the general registers. Returns 1, 0 when name is none of them,
 * or -1 with err set (the registers cannot be read in this frame).
 */
static int add_fp_register(const struct frame_ctx *fc, struct rec *arr, const char *name)
{
	int st = regs_numbered(name, "st", 8), xmm = regs_numbered(name, "xmm", 16);
	struct strbuf text = STRBUF_INIT;
	struct regs_fp fp;
	uint64_t v;
	char natural[160];
	struct rec *r;

	bool word = false;

	for (size_t i = 0; regs_fp_word_name(i); i++)
		word = word || strcmp(regs_fp_word_name(i), name) == 0;
	if (st < 0 && xmm < 0 && !word)
		return 0;
	if (frame_fp(fc, &fp) < 0)
		return -1;
	r = rec_push_obj(arr);
	rec_set_str(r, "name", name);
	if (st >= 0) {
		const unsigned char *b = fp.raw + REGS_FP_ST + st * 16;
		uint64_t mant;

		memcpy(&mant, b, 8);
		value_format_x87(b, &text);
		rec_set_str(r, "natural", sb_str(&text));
		snprintf(natural, sizeof(natural), "0x%04x%016" PRIx64, b[8] | b[9] << 8, mant);
		rec_set_str(r, "raw", natural);
	} else if (xmm >= 0) {
		value_format_vector(fp.raw + REGS_FP_XMM + xmm * 16, true, &text);
		rec_set_str(r, "natural", sb_str(&text));
	} else {
		regs_fp_word(&fp, name, &v);
		rec_set_addr(r, "value", v);
		if (strcmp(name, "mxcsr") == 0)
			regs_mxcsr_str(v, natural, sizeof(natural));
		else
			snprintf(natural, sizeof(natural), "%" PRIu64, v);
		rec_set_str(r, "natural", natural);
	}
	sb_free(&text);
	return 1;
}

/* What info all-registers adds to the general registers, in gdb's order. */
static int add_all_fp(const struct frame_ctx *fc, struct rec *arr)
{
	char name[8];
	const char *w;

	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "st%d", i);
		if (add_fp_register(fc, arr, name) < 0)
			return -1;
	}
	for (size_t i = 0; (w = regs_fp_word_name(i)); i++)
		if (add_fp_register(fc, arr, w) < 0)
			return -1;
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "xmm%d", i);
		if (add_fp_register(fc, arr, name) < 0)
			return -1;
	}
	return 0;
}

static int info_registers(struct cmd_ctx *ctx, bool all)
{
	struct session *s = ctx->s;
	const struct arch *a = target_arch(s->target);
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, "registers");
	const char *p = ctx->arg[0].set ? ctx->arg[0].s : "";
	const char *w;
	size_t len;
	struct frame_ctx fc;
	int fp;

	select_frame_ctx(s, &fc);
	rec_set_int(rec, "frame", s->cur_frame);
	if (!*p) {
		for (size_t i = 0; i < a->nregs; i++)
			if (a->regs[i].general)
				add_register(s, &fc, arr, &a->regs[i]);
	}
	while ((len = next_word(&p, &w)) > 0) {
		char name[32];
		const struct arch_reg *reg;

		snprintf(name, sizeof(name), "%.*s", (int)(len < 31 ? len : 31), w);
		reg = regs_find(a, name);
		if (reg) {
			add_register(s, &fc, arr, reg);
			continue;
		}
		fp = add_fp_register(&fc, arr, name[0] == '$' ? name + 1 : name);
		if (fp <= 0) {
			rec_free(rec);
			if (fp == 0)
				err_set("no register \"%s\"", name);
			return -1;
		}
	}
	if (all && add_all_fp(&fc, arr) < 0) {
		rec_free(rec);
		return -1;
	}
	out_emit(s->out, ctx->name, rec, render_registers);
	return 0;
}

static int cmd_data_info_registers(struct cmd_ctx *ctx)
{
	return info_registers(ctx, false);
}

static int cmd_data_info_all_registers(struct cmd_ctx *ctx)
{
	return info_registers(ctx, true);
}

static const struct cmd_entry x_entry = {
	.name = "x",
	.args = "[ADDR:rest]",
	.usage = "x[/NFU] [ADDR]",
	.summary = "examine memory: N units of U (b h w g) in format F (x d u o t c s a), or N "
		   "instructions (i)",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_FMT | CMD_REPEAT | CMD_SYMBOLS |
		 CMD_CORE_OK,
	.handler = cmd_data_x,
};
const struct cmd_entry cmd_info_registers_entry = {
	.name = "registers",
	.aliases = "r",
	.args = "[REGS:rest]",
	.usage = "info registers [REG...]",
	.summary = "registers of the selected frame",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_data_info_registers,
};

const struct cmd_entry cmd_info_all_registers_entry = {
	.name = "all-registers",
	.usage = "info all-registers",
	.summary = "the general, x87, SSE and control registers of the selected frame",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_data_info_all_registers,
};

const struct cmd_entry *const cmd_group_data[] = { &x_entry, NULL };
