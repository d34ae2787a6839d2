/* cmd-value.c - typed values: print, ptype, whatis, info locals, info args */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "out.h"
#include "ov.h"
#include "session.h"
#include "util.h"
#include "value.h"

static void render_print(struct out *o, const struct ov *rec)
{
	out_printf(o, "$%" PRId64 " = %s\n", ov_int(rec, "history", 0), ov_str(rec, "value"));
}

static int print_format(const char *fmt, char *letter)
{
	*letter = 0;
	if (!fmt || !*fmt)
		return 0;
	if (strlen(fmt) != 1 || !strchr("xduotc", fmt[0])) {
		err_set("unknown format /%s (print takes /x /d /u /o /t /c)", fmt);
		return -1;
	}
	*letter = fmt[0];
	return 0;
}

static int cmd_value_print(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct strbuf text = STRBUF_INIT, type = STRBUF_INIT;
	struct value *v;
	struct ov *rec;
	char fmt;

	if (print_format(ctx->fmt, &fmt) < 0)
		return -1;
	v = value_eval(s, ctx->arg[0].s);
	if (!v)
		return -1;
	if (value_format(s, v, fmt, &text) < 0) {
		value_free(v);
		sb_free(&text);
		return -1;
	}
	value_type_name(v, &type);
	rec = ov_obj();
	ov_set_int(rec, "history", ++s->print_count);
	ov_set_str(rec, "expr", ctx->arg[0].s);
	ov_set_str(rec, "type", sb_str(&type));
	ov_set_str(rec, "value", sb_str(&text));
	out_emit(s->out, ctx->name, rec, render_print);
	value_free(v);
	sb_free(&text);
	sb_free(&type);
	return 0;
}

static void render_type(struct out *o, const struct ov *rec)
{
	out_printf(o, "type = %s\n", ov_str(rec, "type"));
}

static int show_type(struct cmd_ctx *ctx, bool expand)
{
	struct strbuf type = STRBUF_INIT;
	struct value *v = value_eval(ctx->s, ctx->arg[0].s);
	struct ov *rec;

	if (!v)
		return -1;
	if (expand)
		value_ptype(v, &type);
	else
		value_type_name(v, &type);
	rec = ov_obj();
	ov_set_str(rec, "expr", ctx->arg[0].s);
	ov_set_str(rec, "type", sb_str(&type));
	out_emit(ctx->s->out, ctx->name, rec, render_type);
	value_free(v);
	sb_free(&type);
	return 0;
}

static int cmd_value_ptype(struct cmd_ctx *ctx)
{
	return show_type(ctx, true);
}

static int cmd_value_whatis(struct cmd_ctx *ctx)
{
	return show_type(ctx, false);
}

struct vars {
	struct session *s;
	struct ov *arr;
};

static void add_var(void *arg, const char *name, const struct value *v)
{
	struct vars *vs = arg;
	struct ov *o = ov_push_obj(vs->arr);
	struct strbuf text = STRBUF_INIT, type = STRBUF_INIT;

	if (value_format(vs->s, v, 0, &text) < 0) {
		sb_reset(&text);
		sb_addf(&text, "<error: %s>", err_get());
		err_clear();
	}
	value_type_name(v, &type);
	ov_set_str(o, "name", name);
	ov_set_str(o, "type", sb_str(&type));
	ov_set_str(o, "value", sb_str(&text));
	sb_free(&text);
	sb_free(&type);
}

static void render_vars(struct out *o, const struct ov *rec)
{
	const struct ov *arr = ov_get(rec, "variables");

	if (ov_len(arr) == 0)
		out_printf(o, "%s\n", ov_str(rec, "none"));
	for (size_t i = 0; i < ov_len(arr); i++)
		out_printf(o, "%s = %s\n", ov_str(ov_at(arr, i), "name"),
			   ov_str(ov_at(arr, i), "value"));
}

static int frame_vars(struct cmd_ctx *ctx, bool args)
{
	struct ov *rec = ov_obj();
	struct vars vs = { ctx->s, ov_set_arr(rec, "variables") };

	if (value_frame_vars(ctx->s, args, add_var, &vs) < 0) {
		ov_free(rec);
		return -1;
	}
	ov_set_str(rec, "none", args ? "No arguments." : "No locals.");
	out_emit(ctx->s->out, ctx->name, rec, render_vars);
	return 0;
}

static int cmd_value_locals(struct cmd_ctx *ctx)
{
	return frame_vars(ctx, false);
}

static int cmd_value_args(struct cmd_ctx *ctx)
{
	return frame_vars(ctx, true);
}

static const struct cmd_entry print_entry = {
	"print",
	"p inspect",
	"EXPR:rest",
	"print[/FMT] EXPR",
	"the value of EXPR in the selected frame (FMT: x d u o t c)",
	CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_FMT | CMD_SYMBOLS,
	NULL,
	cmd_value_print,
};
static const struct cmd_entry ptype_entry = {
	"ptype",
	NULL,
	"EXPR:rest",
	"ptype EXPR",
	"the type of EXPR, structs and unions spelled out with their members",
	CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	NULL,
	cmd_value_ptype,
};
static const struct cmd_entry whatis_entry = {
	"whatis",
	NULL,
	"EXPR:rest",
	"whatis EXPR",
	"the type of EXPR, by name",
	CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS,
	NULL,
	cmd_value_whatis,
};
const struct cmd_entry cmd_info_locals_entry = {
	"locals",
	NULL,
	NULL,
	"info locals",
	"the local variables of the selected frame, innermost block first",
	CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	NULL,
	cmd_value_locals,
};
const struct cmd_entry cmd_info_args_entry = {
	"args",
	NULL,
	NULL,
	"info args",
	"the arguments of the selected frame's function",
	CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	NULL,
	cmd_value_args,
};

const struct cmd_entry *const cmd_group_value[] = { &print_entry, &ptype_entry, &whatis_entry,
						     NULL };
