/* cmd-value.c - typed values: print, ptype, whatis, info locals, info args */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "display.h"
#include "err.h"
#include "expr.h"
#include "fmt.h"
#include "frame.h"
#include "loc.h"
#include "out.h"
#include "rec.h"
#include "report.h"
#include "select.h"
#include "session.h"
#include "source.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"

static void render_print(struct out *o, const struct rec *rec)
{
	out_printf(o, "$%" PRId64 " = %s\n", rec_int(rec, "history", 0), rec_str(rec, "value"));
}

/* output: the value alone, without a newline, as gdb's output command. */
static void render_output(struct out *o, const struct rec *rec)
{
	out_printf(o, "%s", rec_str(rec, "value"));
}

/* A value as print shows it; void (an unset $variable) is "void", as gdb writes it. */
static int format_value(const struct frame_ctx *fc, const struct value *v, char fmt,
			struct strbuf *text)
{
	if (value_is_void(v)) {
		sb_add(text, "void");
		return 0;
	}
	return value_format_print(fc, v, fmt, text);
}

static int print_format(const char *fmt, char *letter)
{
	*letter = 0;
	if (!fmt || !*fmt)
		return 0;
	if (strlen(fmt) != 1 || !strchr("xduotcazsf", fmt[0])) {
		err_set("unknown format /%s (print takes /x /d /u /o /t /z /c /a /s /f)", fmt);
		return -1;
	}
	/* /s is how strings print anyway, and /f how numbers do (as gdb: p/f 3 is 3). */
	*letter = fmt[0] == 's' || fmt[0] == 'f' ? 0 : fmt[0];
	return 0;
}

/* Record and show v as print, output or call does; takes v. */
static int print_emit(struct cmd_ctx *ctx, const struct frame_ctx *fc, struct value *v,
		      const char *text)
{
	struct strbuf type = STRBUF_INIT;
	struct rec *rec = rec_obj();

	value_type_name(v, &type);
	if (strcmp(ctx->entry->name, "output") != 0)
		rec_set_int(rec, "history", value_history_add(fc, v));
	rec_set_str(rec, "expr", ctx->arg[0].s);
	rec_set_str(rec, "type", sb_str(&type));
	rec_set_str(rec, "value", text);
	out_emit(ctx->s->out, ctx->name, rec,
		 rec_has(rec, "history") ? render_print : render_output);
	value_free(v);
	sb_free(&type);
	return 0;
}

/* print with no program: a history value or convenience variable no program typed. */
static int print_detached(struct cmd_ctx *ctx, char fmt)
{
	struct value *v = value_eval_detached(ctx->arg[0].s);
	struct strbuf text = STRBUF_INIT;
	int ret = -1;

	if (!v)
		return -1;
	if (fmt) {
		err_set("the program is not being run");
	} else if (!strcmp(ctx->entry->name, "call") && value_is_void(v)) {
		ret = 0;
	} else if (value_is_void(v)) {
		sb_add(&text, "void");
		ret = 0;
	} else {
		ret = value_format_constant(v, &text);
	}
	if (ret == 0 && text.len)
		print_emit(ctx, NULL, v, sb_str(&text));
	else
		value_free(v);
	sb_free(&text);
	return ret;
}

/*
 * print, output and call: evaluate, and show the value. print and call
 * number it in the value history ($1, $2 ...); call shows nothing for
 * void, output shows it bare.
 */
static int cmd_value_print(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct strbuf text = STRBUF_INIT;
	struct value *v;
	struct frame_ctx fc;
	char fmt;

	if (print_format(ctx->fmt, &fmt) < 0)
		return -1;
	if (target_live(s->target) && target_running(s->target)) {
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	/* Without a program, what needs none: p $_exitcode, p $1. */
	if (!target_live(s->target))
		return print_detached(ctx, fmt);
	select_frame_ctx(s, &fc);
	v = value_eval(&fc, ctx->arg[0].s);
	if (!v)
		return -1;
	if (!strcmp(ctx->entry->name, "call") && value_is_void(v)) {
		value_free(v);
		return 0;
	}
	if (format_value(&fc, v, fmt, &text) < 0) {
		value_free(v);
		sb_free(&text);
		return -1;
	}
	print_emit(ctx, &fc, v, sb_str(&text));
	sb_free(&text);
	return 0;
}

static void render_type(struct out *o, const struct rec *rec)
{
	out_printf(o, "type = %s\n", rec_str(rec, "type"));
}

/* Whether text starts with struct, union or enum: a type's name, never an expression. */
static bool names_tag(const char *text)
{
	static const char *const tags[] = { "struct ", "union ", "enum " };

	text += strspn(text, " ");
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++)
		if (!strncmp(text, tags[i], strlen(tags[i])))
			return true;
	return false;
}

static int show_type(struct cmd_ctx *ctx, bool expand)
{
	struct strbuf type = STRBUF_INIT;
	struct frame_ctx fc;
	struct value *v;
	struct rec *rec;

	select_frame_ctx(ctx->s, &fc);
	/* A name that is both a variable and a type means the variable, as in gdb. */
	v = value_eval(&fc, ctx->arg[0].s);
	if (!v) {
		char *first = xstrdup(err_get());

		/*
		 * Not a type either: the expression's own error says more than
		 * "no type", unless the text can only be a type's name.
		 */
		if (value_type_describe(&fc, ctx->arg[0].s, expand, &type) < 0) {
			if (!names_tag(ctx->arg[0].s))
				err_set("%s", first);
			free(first);
			sb_free(&type);
			return -1;
		}
		free(first);
		err_clear();
	} else if (expand) {
		value_ptype(v, &type);
	} else {
		value_type_name(v, &type);
	}
	rec = rec_obj();
	rec_set_str(rec, "expr", ctx->arg[0].s);
	rec_set_str(rec, "type", sb_str(&type));
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
	const struct frame_ctx *fc;
	struct rec *arr;
};

static void add_var(void *arg, const char *name, const struct value *v)
{
	struct vars *vs = arg;
	struct rec *o = rec_push_obj(vs->arr);
	struct strbuf text = STRBUF_INIT, type = STRBUF_INIT;

	if (value_format(vs->fc, v, 0, &text) < 0) {
		sb_reset(&text);
		sb_addf(&text, "<error: %s>", err_get());
		err_clear();
	}
	value_type_name(v, &type);
	rec_set_str(o, "name", name);
	rec_set_str(o, "type", sb_str(&type));
	rec_set_str(o, "value", sb_str(&text));
	sb_free(&text);
	sb_free(&type);
}

static void render_vars(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "variables");

	if (rec_len(arr) == 0)
		out_printf(o, "%s\n", rec_str(rec, "none"));
	for (size_t i = 0; i < rec_len(arr); i++)
		out_printf(o, "%s = %s\n", rec_str(rec_at(arr, i), "name"),
			   rec_str(rec_at(arr, i), "value"));
}

/*
 * info locals in a logical frame (frame N.M): the inspector that shows the
 * frame names the command that lists its locals (the CPython plugin's py
 * locals), run as if typed.
 */
static int logical_locals(struct cmd_ctx *ctx, int index)
{
	struct session *s = ctx->s;
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);
	struct rec *f;
	const struct rec *lf;
	char *command = NULL;
	int ret;

	if (level < 0)
		return -1;
	f = report_frame(s, th, &frames[level], level);
	lf = rec_at(rec_get(f, "logical"), (size_t)index);
	if (lf && rec_has(lf, "locals_command"))
		command = xstrdup(rec_str(lf, "locals_command"));
	rec_free(f);
	if (!command) {
		err_set("frame %d.%d: its inspector does not show its locals", level, index);
		return -1;
	}
	ret = cmd_execute(s, command, NULL);
	free(command);
	return ret < 0 ? CMD_FAILED_REPORTED : 0;
}

static int frame_vars(struct cmd_ctx *ctx, bool args)
{
	struct rec *rec;
	struct frame_ctx fc;
	struct vars vs;

	if (!args && select_logical_index(ctx->s) >= 0)
		return logical_locals(ctx, select_logical_index(ctx->s));
	rec = rec_obj();
	vs = (struct vars){ &fc, rec_set_arr(rec, "variables") };
	select_frame_ctx(ctx->s, &fc);
	if (value_frame_vars(&fc, args, add_var, &vs) < 0) {
		rec_free(rec);
		return -1;
	}
	rec_set_str(rec, "none", args ? "No arguments." : "No locals.");
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

static void render_list(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "lines");

	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *l = rec_at(arr, i);

		out_printf(o, "%s%-5" PRId64 "\t%s\n", rec_bool(l, "current") ? "=> " : "   ",
			   rec_int(l, "line", 0), rec_str(l, "text"));
	}
}

/* The file and line a LOC, or the selected frame, is at. */
static int list_center(struct cmd_ctx *ctx, char **file, int *line, int *current)
{
	struct session *s = ctx->s;
	struct sym *sym = target_live(s->target) ? target_sym(s->target) : NULL;
	struct thread *th;
	const struct frame *frames;
	struct sym_loc where;
	struct loc_list ll;
	int n, level;

	*current = 0;
	if (!sym) {
		err_set("list needs the program running (start it with \"start\"), for its debug "
			"information");
		return -1;
	}
	level = select_frame(s, &th, &frames, &n);
	if (level >= 0) {
		unwind_describe(sym, &frames[level], &where);
		if (where.file)
			*current = where.line;
	}
	err_clear();
	if (!ctx->arg[0].set) {
		if (level < 0 || !where.file) {
			err_set("no source line for the selected frame: give a location");
			return -1;
		}
		*file = xstrdup(where.file);
		*line = where.line;
		return 0;
	}
	if (loc_resolve(s, ctx->arg[0].s, &ll) <= 0) {
		loc_list_free(&ll);
		if (!err_isset())
			err_set("no code for %s", ctx->arg[0].s);
		return -1;
	}
	sym_describe(sym, ll.addrs[0], false, &where);
	loc_list_free(&ll);
	if (!where.file) {
		err_set("no line information for %s", ctx->arg[0].s);
		return -1;
	}
	*file = xstrdup(where.file);
	*line = where.line;
	/* FILE:LINE and LINE name the line itself, even where it has no code. */
	{
		const char *colon = strrchr(ctx->arg[0].s, ':');
		const char *num = colon ? colon + 1 : ctx->arg[0].s;

		if (*num && strspn(num, "0123456789") == strlen(num))
			*line = atoi(num);
	}
	return 0;
}

static int cmd_value_list(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	char *file = NULL;
	int line, current = 0, first;
	struct rec *rec, *arr;

	if (!ctx->arg[0].set && s->list_file && (ctx->repeated || s->list_next > 0)) {
		file = xstrdup(s->list_file);
		first = s->list_next;
	} else {
		if (list_center(ctx, &file, &line, &current) < 0)
			return -1;
		first = line > 5 ? line - 5 : 1;
	}
	if (!source_line(file, first)) {
		err_set("cannot read line %d of %s", first, file);
		free(file);
		return -1;
	}
	rec = rec_obj();
	rec_set_str(rec, "file", file);
	arr = rec_set_arr(rec, "lines");
	for (int l = first; l < first + 10; l++) {
		const char *text = source_line(file, l);
		struct rec *o;

		if (!text)
			break;
		o = rec_push_obj(arr);
		rec_set_int(o, "line", l);
		rec_set_str(o, "text", text);
		if (l == current)
			rec_set_bool(o, "current", true);
	}
	free(s->list_file);
	s->list_file = file;
	s->list_next = first + (int)rec_len(arr);
	out_emit(s->out, ctx->name, rec, render_list);
	return 0;
}

static void render_address(struct out *o, const struct rec *rec)
{
	out_printf(o, "Symbol \"%s\" is %s.\n", rec_str(rec, "symbol"), rec_str(rec, "where"));
}

static int cmd_value_info_address(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct frame_ctx fc;
	struct value *v;
	struct strbuf where = STRBUF_INIT;
	struct rec *rec;

	select_frame_ctx(s, &fc);
	v = value_eval(&fc, ctx->arg[0].s);
	if (!v)
		return -1;
	value_describe_place(&fc, v, &where);
	rec = rec_obj();
	rec_set_str(rec, "symbol", ctx->arg[0].s);
	rec_set_str(rec, "where", sb_str(&where));
	out_emit(s->out, ctx->name, rec, render_address);
	value_free(v);
	sb_free(&where);
	return 0;
}

/*
 * display/FMT: with i or s or a unit size (b h w g) it shows memory as x
 * does, as gdb's display/i $pc and display/4xw &arr; otherwise a value as
 * print does.
 */
static int display_format(const char *spec, struct display *d)
{
	struct xfmt f;

	if (!spec || !(strpbrk(spec, "isbhwg") || isdigit((unsigned char)spec[0]))) {
		if (print_format(spec, &d->fmt) < 0)
			return -1;
		/* Kept to show as /f, displayed as print/f shows it. */
		if (spec && spec[0] == 'f')
			d->fmt = 'f';
		return 0;
	}
	if (fmt_parse_x(spec, &f) < 0)
		return -1;
	d->x_format = f.format ? f.format : 'x';
	d->x_count = f.count;
	d->x_unit = f.unit;
	if (d->x_format == 'i' || d->x_format == 's' || d->x_format == 'c')
		d->x_unit = 1;
	else if (!d->x_unit)
		d->x_unit = d->x_format == 'a' ? 8 : 4;
	return 0;
}

static int cmd_value_display(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct display d = { 0 };
	struct value *v;

	if (display_format(ctx->fmt, &d) < 0)
		return -1;
	if (!ctx->arg[0].set) {
		cmd_show_displays(s);
		return 0;
	}
	/* A bad expression is refused now, not at every stop. */
	if (target_live(s->target) && !target_running(s->target)) {
		struct frame_ctx fc;

		select_frame_ctx(s, &fc);
		v = value_eval(&fc, ctx->arg[0].s);
		if (!v)
			return -1;
		value_free(v);
	} else {
		struct expr *e = expr_parse(ctx->arg[0].s);

		if (!e)
			return -1;
		expr_free(e);
	}
	display_add(s, &d, ctx->arg[0].s);
	if (target_live(s->target) && !target_running(s->target))
		cmd_show_display(s, &s->displays[s->ndisplays - 1]);
	return 0;
}

static int cmd_value_undisplay(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *p = ctx->arg[0].set ? ctx->arg[0].s : "";
	const char *w;
	size_t len;

	if (!*p) {
		display_clear(s);
		return 0;
	}
	while ((len = next_word(&p, &w)) > 0) {
		char word[32];
		char *end;
		long n;

		snprintf(word, sizeof(word), "%.*s", (int)(len < 31 ? len : 31), w);
		n = strtol(word, &end, 10);
		if (*end || n <= 0) {
			err_set("\"%s\" is not a display number", word);
			return -1;
		}
		if (display_remove(s, (int)n) < 0)
			return -1;
	}
	return 0;
}

static void render_info_display(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "displays");

	if (!rec_len(arr)) {
		out_printf(o, "There are no auto-display expressions now.\n");
		return;
	}
	out_printf(o, "Auto-display expressions now in effect:\nNum Enb Expression\n");
	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *d = rec_at(arr, i);

		out_printf(o, "%" PRId64 ":   y  %s%s%s\n", rec_int(d, "number", 0),
			   rec_has(d, "format") ? rec_str(d, "format") : "",
			   rec_has(d, "format") ? " " : "", rec_str(d, "expr"));
	}
}

static int cmd_value_info_display(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, "displays");

	for (size_t i = 0; i < s->ndisplays; i++) {
		struct rec *o = rec_push_obj(arr);

		const struct display *d = &s->displays[i];

		rec_set_int(o, "number", d->num);
		rec_set_str(o, "expr", d->expr);
		/* As gdb lists them: /x, or an x-style one's count, unit and letter, /1bi. */
		if (d->x_format)
			rec_set_strf(o, "format", "/%u%c%c", d->x_count, fmt_unit_letter(d->x_unit),
				     d->x_format);
		else if (d->fmt)
			rec_set_strf(o, "format", "/%c", d->fmt);
	}
	out_emit(s->out, ctx->name, rec, render_info_display);
	return 0;
}

static const struct cmd_entry print_entry = {
	.name = "print",
	.aliases = "p inspect",
	.args = "EXPR:rest",
	.usage = "print[/FMT] EXPR",
	.summary = "the value of EXPR in the selected frame (FMT: x d u o t c)",
	.flags = CMD_FMT | CMD_SYMBOLS,
	.handler = cmd_value_print,
};
static const struct cmd_entry output_entry = {
	.name = "output",
	.args = "EXPR:rest",
	.usage = "output[/FMT] EXPR",
	.summary = "the value of EXPR alone: no $N = before it, no newline after it",
	.flags = CMD_FMT | CMD_SYMBOLS,
	.handler = cmd_value_print,
};
static const struct cmd_entry call_entry = {
	.name = "call",
	.args = "EXPR:rest",
	.usage = "call[/FMT] EXPR",
	.summary = "print EXPR, showing nothing when its value is void",
	.flags = CMD_FMT | CMD_SYMBOLS,
	.handler = cmd_value_print,
};
static const struct cmd_entry ptype_entry = {
	.name = "ptype",
	.args = "EXPR:rest",
	.usage = "ptype EXPR|TYPE",
	.summary = "the type of EXPR, or a type, spelled out: typedefs resolved, members shown",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS | CMD_CORE_OK,
	.handler = cmd_value_ptype,
};
static const struct cmd_entry whatis_entry = {
	.name = "whatis",
	.args = "EXPR:rest",
	.usage = "whatis EXPR|TYPE",
	.summary = "the type of EXPR by name, or what a typedef names",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS | CMD_CORE_OK,
	.handler = cmd_value_whatis,
};
const struct cmd_entry cmd_info_locals_entry = {
	.name = "locals",
	.usage = "info locals",
	.summary = "the local variables of the selected frame, innermost block first",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_value_locals,
};
const struct cmd_entry cmd_info_args_entry = {
	.name = "args",
	.usage = "info args",
	.summary = "the arguments of the selected frame's function",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_CORE_OK,
	.handler = cmd_value_args,
};

static const struct cmd_entry list_entry = {
	.name = "list",
	.aliases = "l",
	.args = "[LOC:rest]",
	.usage = "list [LOC]",
	.summary = "ten source lines around LOC or the selected frame (=> marks its line); again: "
		   "the next ten",
	.flags = CMD_REPEAT | CMD_SYMBOLS,
	.handler = cmd_value_list,
};
const struct cmd_entry cmd_info_address_entry = {
	.name = "address",
	.args = "SYM:word",
	.usage = "info address SYM",
	.summary = "where a variable or function lives: its address, register or frame slot",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED | CMD_SYMBOLS | CMD_CORE_OK,
	.handler = cmd_value_info_address,
};

static const struct cmd_entry display_entry = {
	.name = "display",
	.aliases = "disp",
	.args = "[EXPR:rest]",
	.usage = "display[/FMT] [EXPR]",
	.summary = "print EXPR now and every time the program stops (no EXPR: show them all now)",
	.flags = CMD_FMT | CMD_SYMBOLS,
	.handler = cmd_value_display,
};
static const struct cmd_entry undisplay_entry = {
	.name = "undisplay",
	.args = "[NUMS:rest]",
	.usage = "undisplay [N...]",
	.summary = "stop displaying expressions (all without N)",
	.handler = cmd_value_undisplay,
};
const struct cmd_entry cmd_info_display_entry = {
	.name = "display",
	.usage = "info display",
	.summary = "the expressions display shows at each stop",
	.handler = cmd_value_info_display,
};

const struct cmd_entry *const cmd_group_value[] = {
	&print_entry, &output_entry,  &call_entry,	&ptype_entry, &whatis_entry,
	&list_entry,  &display_entry, &undisplay_entry, NULL,
};
