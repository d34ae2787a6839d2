/* cmd-session.c - scripts, settings and help: source, echo, define, set, show, shell, help */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brk.h"
#include "cmd.h"
#include "err.h"
#include "frame.h"
#include "out.h"
#include "plugin-host.h"
#include "report.h"
#include "script.h"
#include "select.h"
#include "session.h"
#include "target.h"
#include "value.h"
#include "sig.h"
#include "util.h"

#define MAX_SOURCE_DEPTH 32

static int cmd_session_source(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct line_source *src;
	int failed;

	if (s->depth >= MAX_SOURCE_DEPTH) {
		err_set("files sourced more than %d deep", MAX_SOURCE_DEPTH);
		return -1;
	}
	src = script_open_file(ctx->arg[0].s);
	if (!src)
		return -1;
	s->depth++;
	failed = cmd_execute_source(s, src);
	s->depth--;
	script_close(src);
	/* The failing commands reported themselves. */
	return failed ? CMD_FAILED_REPORTED : 0;
}

static void render_echo(struct out *o, const struct rec *rec)
{
	out_printf(o, "%s", rec_str(rec, "text"));
}

/* gdb's echo: C escapes are interpreted and no newline is added. */
static int cmd_session_echo(struct cmd_ctx *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = ctx->arg[0].set ? ctx->arg[0].s : "";
	struct rec *rec;

	for (; *p; p++) {
		if (*p != '\\' || !p[1]) {
			sb_addc(&sb, *p);
			continue;
		}
		switch (*++p) {
		case 'n':
			sb_addc(&sb, '\n');
			break;
		case 't':
			sb_addc(&sb, '\t');
			break;
		case 'a':
			sb_addc(&sb, '\a');
			break;
		case 'e':
			sb_addc(&sb, '\033');
			break;
		default:
			sb_addc(&sb, *p);
		}
	}
	rec = rec_obj();
	rec_set_str(rec, "text", sb_str(&sb));
	sb_free(&sb);
	out_emit(ctx->s->out, ctx->name, rec, render_echo);
	return 0;
}

static int cmd_session_define(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const char *name = ctx->arg[0].s;
	char **lines = NULL;
	size_t n = 0;

	for (const char *c = name; *c; c++) {
		if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_')) {
			err_set("\"%s\" is not a command name (letters, digits, - and _)", name);
			return -1;
		}
	}
	if (cmd_find_exact(name)) {
		err_set("\"%s\" is a built-in command", name);
		return -1;
	}
	if (cmd_read_body(ctx, name, &lines, &n) < 0)
		return -1;
	session_define(s, name, lines, n);
	return 0;
}

static bool is_setting(const char *name)
{
	size_t n;
	const struct setting *st = session_settings(&n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(st[i].name, name))
			return true;
	return false;
}

static int cmd_session_set(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;

	bool var = !strcmp(ctx->arg[0].s, "var") || !strcmp(ctx->arg[0].s, "variable");

	/*
	 * "set var x = 5" (gdb's "set variable") assigns, and so does gdb's
	 * short form "set x = 5", "set $v = 1" when the word is no setting's
	 * name; everything else is a setting.
	 */
	if (var || (!is_setting(ctx->arg[0].s) && strchr(ctx->raw, '='))) {
		const char *text = var ? (ctx->arg[1].set ? ctx->arg[1].s : "") : ctx->raw;
		struct value *v;
		struct frame_ctx fc;

		if (!target_live(s->target) || target_running(s->target)) {
			err_set(target_live(s->target)
					? "the program is running; use \"interrupt\" first"
					: "the program is not being run");
			return -1;
		}
		select_frame_ctx(s, &fc);
		v = value_assign(&fc, text);
		value_free(v);
		return v ? 0 : -1;
	}
	if (!strcmp(ctx->arg[0].s, "print") || !strcmp(ctx->arg[0].s, "p") ||
	    !strcmp(ctx->arg[0].s, "breakpoint")) {
		/* gdb's two-word settings: "set print elements 50". */
		const char *rest = ctx->arg[1].set ? ctx->arg[1].s : "";
		size_t w = strcspn(rest, " \t");
		char *name = xasprintf("%s %.*s", ctx->arg[0].s[0] == 'b' ? "breakpoint" : "print",
				       (int)w, rest);
		int ret;

		rest += w;
		rest += strspn(rest, " \t");
		ret = session_set(s, name, rest);
		free(name);
		/* Conditions move between the program and lurk at once. */
		if (ret == 0 && ctx->arg[0].s[0] == 'b')
			brk_conditions_moved(s);
		return ret;
	}
	if (session_set(s, ctx->arg[0].s, ctx->arg[1].set ? ctx->arg[1].s : "") < 0)
		return -1;
	/* Some settings are the output sink's: it follows them. */
	out_set_json(s->out, s->json);
	out_set_color(s->out, s->color);
	out_set_pager(s->out, s->pagination && !s->batch, s->height);
	return 0;
}

static void render_show(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "settings");

	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *st = rec_at(arr, i);

		out_printf(o, "%-22s %-8s %s\n", rec_str(st, "name"), rec_str(st, "value"),
			   rec_str(st, "doc"));
	}
}

static void render_values(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "values");

	for (size_t i = 0; i < rec_len(arr); i++)
		out_printf(o, "$%s = %s\n", rec_str(rec_at(arr, i), "name"),
			   rec_str(rec_at(arr, i), "value"));
}

struct values {
	const struct frame_ctx *fc;
	struct rec *arr;
};

/* One line of show values or show convenience; a value that cannot be read says why. */
static void add_value(void *arg, const char *name, const struct value *v)
{
	struct values *vs = arg;
	struct rec *o = rec_push_obj(vs->arr);
	struct strbuf text = STRBUF_INIT;

	if (value_is_void(v)) {
		sb_add(&text, "void");
	} else if (vs->fc ? value_format_print(vs->fc, v, 0, &text) < 0
			  : value_format_constant(v, &text) < 0) {
		sb_reset(&text);
		sb_addf(&text, "<error: %s>", err_get());
		err_clear();
	}
	rec_set_str(o, "name", name);
	rec_set_str(o, "value", sb_str(&text));
	sb_free(&text);
}

/*
 * show values: the last ten of the history, as gdb; show convenience:
 * the $variables, newest first.
 */
static int show_values(struct cmd_ctx *ctx, bool history)
{
	struct rec *rec = rec_obj();
	struct frame_ctx fc;
	struct values vs = { NULL, rec_set_arr(rec, "values") };
	size_t n = value_history_count();

	if (target_live(ctx->s->target) && !target_running(ctx->s->target)) {
		select_frame_ctx(ctx->s, &fc);
		vs.fc = &fc;
	}
	if (!history) {
		value_conv_each(add_value, &vs);
	} else {
		for (size_t i = n > 10 ? n - 9 : 1; i <= n; i++) {
			const struct value *v = value_history_get(i);
			char name[24];

			snprintf(name, sizeof(name), "%zu", i);
			if (v) {
				add_value(&vs, name, v);
			} else {
				struct rec *o = rec_push_obj(vs.arr);

				rec_set_str(o, "name", name);
				rec_set_str(o, "value", "<its program is gone>");
			}
		}
	}
	out_emit(ctx->s->out, ctx->name, rec, render_values);
	return 0;
}

static int cmd_session_show(struct cmd_ctx *ctx)
{
	struct rec *rec, *arr;
	size_t n;
	const struct setting *st = session_settings(&n);

	if (ctx->arg[0].set && !strcmp(ctx->arg[0].s, "values"))
		return show_values(ctx, true);
	if (ctx->arg[0].set &&
	    (!strcmp(ctx->arg[0].s, "convenience") || !strcmp(ctx->arg[0].s, "conv")))
		return show_values(ctx, false);
	rec = rec_obj();
	arr = rec_set_arr(rec, "settings");

	for (size_t i = 0; i < n; i++) {
		struct rec *o;
		char *v;

		/* "show print" lists every print setting, as gdb's does. */
		if (ctx->arg[0].set && strcmp(ctx->arg[0].s, st[i].name) != 0 &&
		    !(!strcmp(ctx->arg[0].s, "print") && !strncmp(st[i].name, "print ", 6)))
			continue;
		v = session_show(ctx->s, st[i].name);
		o = rec_push_obj(arr);
		rec_set_str(o, "name", st[i].name);
		rec_set_str(o, "value", v);
		rec_set_str(o, "doc", st[i].doc);
		free(v);
	}
	if (ctx->arg[0].set && !rec_len(arr)) {
		rec_free(rec);
		err_set("no setting \"%s\" (see \"show\")", ctx->arg[0].s);
		return -1;
	}
	out_emit(ctx->s->out, ctx->name, rec, render_show);
	return 0;
}

static void render_shell(struct out *o, const struct rec *rec)
{
	if (rec_has(rec, "output"))
		out_printf(o, "%s", rec_str(rec, "output"));
}

/*
 * The command runs under /bin/sh with lurk's signal setup undone. In JSON
 * mode its output is captured so that stdout stays one JSON object a line.
 */
static int cmd_session_shell(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	bool capture = out_is_json(s->out);
	int fds[2] = { -1, -1 };
	struct strbuf output = STRBUF_INIT;
	struct rec *rec;
	int status;
	pid_t pid;

	if (!(ctx->src && ctx->src->terminal) && !s->allow_shell) {
		err_set("refused outside the interactive prompt; \"set allow-shell on\" allows it");
		return -1;
	}
	if (capture && pipe2(fds, O_CLOEXEC) < 0) {
		err_set("pipe: %s", strerror(errno));
		return -1;
	}
	out_flush(s->out);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		err_set("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sig_reset_for_exec();
		if (capture) {
			dup2(fds[1], 1);
			dup2(fds[1], 2);
		}
		execl("/bin/sh", "sh", "-c", ctx->arg[0].s, (char *)NULL);
		_exit(127);
	}
	if (capture) {
		char buf[4096];
		ssize_t n;

		close(fds[1]);
		while ((n = read(fds[0], buf, sizeof(buf))) > 0)
			sb_addn(&output, buf, (size_t)n);
		close(fds[0]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rec = rec_obj();
	rec_set_int(rec, "status",
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (capture)
		rec_set_str(rec, "output", sb_str(&output));
	sb_free(&output);
	out_emit(s->out, ctx->name, rec, render_shell);
	return 0;
}

static void render_help_detail(struct out *o, const struct rec *rec)
{
	const struct rec *subs = rec_get(rec, "subcommands");

	out_printf(o, "%s\n  %s\n", rec_str(rec, "usage"), rec_str(rec, "summary"));
	if (rec_has(rec, "aliases"))
		out_printf(o, "  aliases: %s\n", rec_str(rec, "aliases"));
	for (size_t i = 0; i < rec_len(subs); i++)
		out_printf(o, "  %-28s %s\n", rec_str(rec_at(subs, i), "usage"),
			   rec_str(rec_at(subs, i), "summary"));
}

static void help_all(struct session *s, const char *cmd)
{
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, "commands");

	for (size_t g = 0; g < cmd_ngroups; g++) {
		struct rec *grp = rec_push_obj(arr);

		rec_set_strf(grp, "group", "%s: %s", cmd_groups[g].name, cmd_groups[g].summary);
		for (const struct cmd_entry *const *e = cmd_groups[g].cmds; *e; e++) {
			struct rec *c = rec_push_obj(arr);

			rec_set_str(c, "name", (*e)->name);
			rec_set_str(c, "usage", (*e)->usage);
			rec_set_str(c, "summary", (*e)->summary);
		}
	}
	if (s->plugins->ncommands) {
		rec_set_str(rec_push_obj(arr), "group", "from plugins");
		for (size_t i = 0; i < s->plugins->ncommands; i++) {
			const struct lurk_command *pc = &s->plugins->commands[i].d;
			struct rec *c = rec_push_obj(arr);

			rec_set_str(c, "name", pc->name);
			rec_set_str(c, "usage", pc->usage);
			rec_set_strf(c, "summary", "%s (plugin %s)", pc->summary,
				     plugin_name(s->plugins->commands[i].owner));
		}
	}
	if (s->user_cmds) {
		rec_set_str(rec_push_obj(arr), "group", "user-defined");
		for (struct user_cmd *u = s->user_cmds; u; u = u->next) {
			struct rec *c = rec_push_obj(arr);

			rec_set_str(c, "name", u->name);
			rec_set_str(c, "usage", u->name);
			rec_set_str(c, "summary", "user-defined command");
		}
	}
	out_emit(s->out, cmd, rec, report_render_help);
}

static int cmd_session_help(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	const struct cmd_entry *const *table = cmd_all();
	const struct cmd_entry *e = NULL;
	const char *p = ctx->arg[0].set ? ctx->arg[0].s : "";
	const char *w;
	size_t len;
	struct rec *rec;

	if (!*p) {
		help_all(s, ctx->name);
		return 0;
	}
	while ((len = next_word(&p, &w)) > 0) {
		char word[64];

		snprintf(word, sizeof(word), "%.*s", (int)(len < 63 ? len : 63), w);
		word[strcspn(word, "/")] = '\0';
		if (e && !e->sub)
			break;
		if (!e && plugin_find_command(s, word)) {
			const struct plugin_command *pc = plugin_find_command(s, word);

			rec = rec_obj();
			rec_set_str(rec, "usage", pc->d.usage);
			rec_set_strf(rec, "summary", "%s (plugin %s)", pc->d.summary,
				     plugin_name(pc->owner));
			out_emit(s->out, ctx->name, rec, render_help_detail);
			return 0;
		}
		e = cmd_lookup(e ? e->sub : table, word, e ? "subcommand" : "command");
		if (!e) {
			struct user_cmd *u = session_user_cmd(s, word);

			if (!u)
				return -1;
			err_clear();
			rec = rec_obj();
			rec_set_str(rec, "usage", u->name);
			rec_set_strf(rec, "summary", "user-defined command of %zu line%s",
				     u->nlines, u->nlines == 1 ? "" : "s");
			out_emit(s->out, ctx->name, rec, render_help_detail);
			return 0;
		}
		table = e->sub;
	}
	rec = rec_obj();
	rec_set_str(rec, "name", e->name);
	rec_set_str(rec, "usage", e->usage);
	rec_set_str(rec, "summary", e->summary);
	if (e->aliases)
		rec_set_str(rec, "aliases", e->aliases);
	if (e->sub) {
		struct rec *arr = rec_set_arr(rec, "subcommands");

		for (const struct cmd_entry *const *sub = e->sub; *sub; sub++) {
			struct rec *c = rec_push_obj(arr);

			rec_set_str(c, "usage", (*sub)->usage);
			rec_set_str(c, "summary", (*sub)->summary);
		}
	}
	out_emit(s->out, ctx->name, rec, render_help_detail);
	return 0;
}

static const struct cmd_entry source_entry = {
	.name = "source",
	.args = "FILE:rest",
	.usage = "source FILE",
	.summary = "run the commands in FILE",
	.handler = cmd_session_source,
};
static const struct cmd_entry echo_entry = {
	.name = "echo",
	.args = "[TEXT:rest]",
	.usage = "echo TEXT",
	.summary = "print TEXT (\\n for a newline, as in gdb)",
	.handler = cmd_session_echo,
};
static const struct cmd_entry define_entry = {
	.name = "define",
	.args = "NAME:word",
	.usage = "define NAME",
	.summary = "define a command from the following lines up to \"end\" ($arg0.., $argc)",
	.handler = cmd_session_define,
};
static const struct cmd_entry set_entry = {
	.name = "set",
	.args = "NAME:word [VALUE:rest]",
	.usage = "set NAME VALUE",
	.summary = "change a setting (see show)",
	.handler = cmd_session_set,
};
static const struct cmd_entry show_entry = {
	.name = "show",
	.args = "[NAME:rest]",
	.usage = "show [NAME]",
	.summary = "settings and their values",
	.handler = cmd_session_show,
};
static const struct cmd_entry shell_entry = {
	.name = "shell",
	.aliases = "!",
	.args = "CMD:rest",
	.usage = "shell CMD",
	.summary = "run CMD with /bin/sh (at the prompt; in scripts only with allow-shell on)",
	.handler = cmd_session_shell,
};
static const struct cmd_entry help_entry = {
	.name = "help",
	.aliases = "h",
	.args = "[CMD:rest]",
	.usage = "help [CMD]",
	.summary = "list commands, or describe one",
	.handler = cmd_session_help,
};

const struct cmd_entry *const cmd_group_session[] = {
	&source_entry, &echo_entry,  &define_entry, &set_entry,
	&show_entry,   &shell_entry, &help_entry,   NULL,
};
